"""Tests of newsdedup._text.paragraphs: paragraph spans into the original text."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup._text.paragraphs import paragraph_spans, split_paragraphs
from strategies import LINE_BREAKS, article_texts

SEED_FILES = sorted((Path(__file__).parent.parent / "data" / "seeds").glob("*.txt"))


def test_blank_line_separated_paragraphs() -> None:
    """Paragraphs separated by blank lines are split there."""
    assert split_paragraphs("One.\n\nTwo.\n\n\nThree.") == ["One.", "Two.", "Three."]


def test_single_newline_separated_paragraphs() -> None:
    """A single line break also separates paragraphs."""
    assert split_paragraphs("One.\nTwo.\nThree.") == ["One.", "Two.", "Three."]


def test_windows_line_endings() -> None:
    """\\r\\n counts as one break and leaves no carriage return in a paragraph."""
    assert split_paragraphs("One.\r\nTwo.\r\n\r\nThree.\r\n") == ["One.", "Two.", "Three."]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\r", "\x0b", "\x0c", "\x85"])
def test_unicode_line_separators(separator: str) -> None:
    """Unicode line and paragraph separators split paragraphs, like str.splitlines."""
    assert split_paragraphs(f"One.{separator}Two.") == ["One.", "Two."]


def test_whitespace_only_and_nbsp_only_lines_are_dropped() -> None:
    """Lines holding only spaces, tabs or non-breaking spaces are not paragraphs."""
    text = "One.\n   \n\t\n\u00a0\n\u00a0 \u3000\nTwo."
    assert split_paragraphs(text) == ["One.", "Two."]


def test_spans_exclude_surrounding_whitespace() -> None:
    """A span covers the paragraph without its leading and trailing whitespace."""
    text = "Title\n\n  First para. \nSecond\n\u00a0\n"
    spans = paragraph_spans(text)
    assert spans == [(0, 5), (9, 20), (22, 28)]
    assert [text[start:end] for start, end in spans] == ["Title", "First para.", "Second"]


def test_empty_and_blank_text_have_no_paragraphs() -> None:
    """Empty or whitespace-only text yields no spans."""
    assert paragraph_spans("") == []
    assert paragraph_spans(" \n\n\t\u00a0\r\n") == []


def test_spans_index_the_original_text_exactly() -> None:
    """text[start:end] is the stripped paragraph, even after multi-byte characters."""
    text = "\u00a0 “Ａ” — 北京\r\n\r\n\tپاکستان کی حکومت \u2028 हिन्दी समाचार\n"
    spans = paragraph_spans(text)
    assert [text[start:end] for start, end in spans] == [
        "“Ａ” — 北京", "پاکستان کی حکومت", "हिन्दी समाचार",
    ]


@settings(max_examples=200, deadline=None)
@given(st.one_of(article_texts, st.text(), st.text(alphabet=LINE_BREAKS + " \t\u00a0ab")))
def test_spans_are_stripped_single_lines_in_order(text: str) -> None:
    """Every span is non-empty, stripped, has no line break; spans increase without overlap."""
    spans = paragraph_spans(text)
    for start, end in spans:
        piece = text[start:end]
        assert piece
        assert piece == piece.strip()
        assert len(piece.splitlines()) == 1
        assert not any(brk in piece for brk in LINE_BREAKS)
    for (_, end), (next_start, _) in itertools.pairwise(spans):
        assert end < next_start


@settings(max_examples=200, deadline=None)
@given(st.one_of(article_texts, st.text()))
def test_paragraphs_are_the_non_blank_lines(text: str) -> None:
    """The paragraphs are exactly the stripped non-blank lines of str.splitlines."""
    expected = [line.strip() for line in text.splitlines() if line.strip()]
    assert split_paragraphs(text) == expected


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda path: path.stem)
def test_seed_paragraph_count_equals_non_blank_lines(path: Path) -> None:
    """On each real seed article, paragraphs are its non-blank lines."""
    text = path.read_text("utf-8")
    non_blank = [line for line in text.splitlines() if line.strip()]
    spans = paragraph_spans(text)
    assert len(spans) == len(non_blank)
    assert [text[start:end] for start, end in spans] == [line.strip() for line in non_blank]


def test_seed_files_are_present() -> None:
    """The seed data the tests above read is where they expect it."""
    assert len(SEED_FILES) == 5


def test_whitespace_table_is_str_isspace() -> None:
    """WHITESPACE holds exactly the characters str.isspace() accepts (what strip() removes)."""
    from newsdedup._text.paragraphs import WHITESPACE

    assert sorted(WHITESPACE) == [chr(c) for c in range(0x110000) if chr(c).isspace()]


@settings(max_examples=200)
@given(st.lists(article_texts | st.text(
    alphabet=st.sampled_from(["a", "é", " ", "\u00a0", "\u3000", "网", "\ud800", *LINE_BREAKS]),
    max_size=30), max_size=8))
def test_chunk_paragraphs_equals_paragraph_spans_per_text(texts: list[str]) -> None:
    """chunk_paragraphs gives every text's paragraph_spans and paragraph strings."""
    from newsdedup._text.paragraphs import chunk_paragraphs

    offsets, spans, paragraphs = chunk_paragraphs(texts)
    for number, text in enumerate(texts):
        mine = spans[offsets[number]:offsets[number + 1]].tolist()
        assert [tuple(span) for span in mine] == paragraph_spans(text)
        assert paragraphs[offsets[number]:offsets[number + 1]] == split_paragraphs(text)
