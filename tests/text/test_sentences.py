"""Sentences of paragraphs in any script (src/newsdedup/_text/sentences.py)."""

from __future__ import annotations

import itertools
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdedup._kernels import SENTENCE_CLASS_FLAGS
from newsdedup._text.normalize import normalize_text
from newsdedup._text.sentences import (
    SHORTEST_SENTENCE,
    sentence_classes,
    sentence_points,
    split_sentences,
    syllabic_shares,
)


@pytest.mark.parametrize(("paragraph", "expected"), [
    # English: abbreviations, times and dates do not end a sentence.
    ("Mr. Smith said the fire started at 6 a.m. on Sunday. Crews arrived within minutes.",
     ["mr. smith said the fire started at 6 a.m. on sunday.", "crews arrived within minutes."]),
    ("The U.S. Army said on Sept. 4 that it would stay. Officials declined to comment.",
     ["the u.s. army said on sept. 4 that it would stay.", "officials declined to comment."]),
    # A quotation's closing mark belongs to its sentence; a short last one goes on before.
    ('He said: "It burned to the ground." Then the rain came. It stopped.',
     ['he said: "it burned to the ground."', "then the rain came. it stopped."]),
    # Urdu, Hindi: their own full stops; Chinese: no space after its full stop.
    ("آگ اتوار کی صبح شروع ہوئی۔ پولیس نے بتایا کہ کوئی زخمی نہیں ہوا۔",
     ["اگ اتوار کی صبح شروع هوئی۔", "پولیس نے بتایا که کوئی زخمی نهیں هوا۔"]),
    ("आग रविवार सुबह लगी थी। पुलिस ने बताया कि कोई घायल नहीं हुआ।",
     ["आग रविवार सुबह लगी थी।", "पुलिस ने बताया कि कोई घायल नहीं हुआ।"]),
    ("火灾发生在周日上午，造成三人受伤。消防员很快赶到现场并控制了火势。",
     ["火灾发生在周日上午,造成三人受伤。", "消防员很快赶到现场并控制了火势。"]),
    # No sentence end, and nothing at all: one piece each.
    ("A line without an end", ["a line without an end"]),
    ("", [""]),
])
def test_paragraphs_are_cut_into_their_sentences(paragraph: str, expected: list[str]) -> None:
    """Sentences end at the marks of their script, not at abbreviations, dates or
    quotations' inner stops; pieces too short to stand alone go on with their neighbour."""
    assert split_sentences([paragraph]) == (expected, [len(expected)])


def test_each_paragraph_keeps_its_own_sentences() -> None:
    """No sentence spans two paragraphs, and each paragraph has at least one (empty or not)."""
    sentences, counts = split_sentences(["It burned down on Sunday. Nobody was hurt at all.",
                                         "", "Police are still investigating the cause."])
    assert counts == [2, 1, 1]
    assert sentences[2] == ""


@given(st.lists(st.text(alphabet="aB ß\u0301\u00a0\n\t“”—\x00ﬁＮ\u200b\x1c\u3000\u2028.!?",
                        max_size=40), max_size=6))
def test_sentences_hold_each_paragraph_normalized(paragraphs: list[str]) -> None:
    """Normalizing all paragraphs in one call and cutting them into sentences keeps each
    paragraph's own normalized text (``" ".join(normalize_text(p).split())``, a NUL inside
    one read as a space): its sentences joined by spaces (combining marks at a boundary,
    Unicode spaces, line breaks, NULs and empty paragraphs included)."""
    points, starts, counts = sentence_points(paragraphs)
    assert counts.size == len(paragraphs) and (counts >= 1).all()
    text = "".join(chr(point) for point in points.tolist())
    sentences = [text[start:stop] for start, stop in itertools.pairwise(starts.tolist())]
    bounds = [0, *itertools.accumulate(counts.tolist())]
    for number, paragraph in enumerate(paragraphs):
        own = sentences[bounds[number]:bounds[number + 1]]
        assert " ".join(own) == " ".join(normalize_text(paragraph.replace("\x00", " ")).split())
        # Each sentence but the last of a paragraph is long enough to stand alone.
        assert all(len(sentence) >= SHORTEST_SENTENCE for sentence in own[:-1])


def test_no_paragraph_has_no_sentence() -> None:
    """No paragraph at all: no sentence, offsets of an empty list."""
    points, starts, counts = sentence_points([])
    assert points.size == counts.size == 0 and starts.tolist() == [0]


def test_the_space_class_is_str_isspace() -> None:
    """The code points of the space class are exactly those ``str.isspace`` marks (what
    ``str.split()`` splits on), surrogates and NUL included."""
    expected = [point for point in range(sys.maxunicode + 1) if chr(point).isspace()]
    spaces = sentence_classes() & np.uint8(SENTENCE_CLASS_FLAGS["SPACE"])
    assert np.flatnonzero(spaces).tolist() == expected


def test_syllabic_shares_tell_chinese_japanese_and_korean_sentences() -> None:
    """A sentence in Chinese, Japanese kana or Korean Hangul is mostly syllabic letters; a
    Latin, Cyrillic or Arabic one, with a Chinese name in it or not, is not (spaces are not
    counted; an empty piece has no share)."""
    sentences = ["消防员很快赶到现场。", "ひらがなとカタカナの文。", "화재가 일요일에 발생했다.",
                 "the fire in 北京 was out.", "пожар потушили.", "آگ بجھا دی گئی۔", ""]
    points = np.array([ord(c) for c in "".join(sentences)], dtype=np.uint32)
    starts = np.array([0, *itertools.accumulate(len(s) for s in sentences)], dtype=np.int64)
    shares = syllabic_shares(points, starts)
    assert (shares[:3] > 0.5).all() and (shares[3:] < 0.5).all()
    assert shares[-1] == 0.0
    latin = np.array([ord(c) for c in "pożar ugaszono. the fire is out."], dtype=np.uint32)
    assert syllabic_shares(latin, np.array([0, 15, 32])).tolist() == [0.0, 0.0]
