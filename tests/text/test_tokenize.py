"""Tests of newsdedup._text.tokenize: bulk token hashing."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup._text import tokenize
from newsdedup._text.tokenize import hash_tokens
from strategies import VOCABULARY, paragraph_lists

FIXED_TEXTS = [
    "the storm hit the city",
    "",
    "straße café 北 京 پاکستان हिन्दी 한국어",
    "a b a b a",
    "x" * 300,
]


def _vocabulary(size: int) -> list[str]:
    """``size`` distinct words: every word of 1-3 letters, then 4-letter ones, then longer."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = [
        "".join(letter_tuple)
        for length in (1, 2, 3, 4)
        for letter_tuple in itertools.product(letters, repeat=length)
    ][: size - 1000]
    # Long words that differ in one character, the classic weak spot of polynomial hashes.
    stem = "constitutionally"
    words += [f"{stem}{index:04d}{stem}" for index in range(1000)]
    return words


def test_equal_tokens_get_equal_hashes() -> None:
    """Every occurrence of a token gets the same hash, in any paragraph."""
    batch = hash_tokens(["news today", "today news", "news"])
    news, today = batch.hashes[0], batch.hashes[1]
    assert batch.hashes.tolist() == [news, today, today, news, news]
    assert news != today


def test_distinct_tokens_do_not_collide_on_50k_words() -> None:
    """50,000 distinct words, short ones and near-identical long ones, get distinct hashes."""
    words = _vocabulary(50_000)
    assert len(set(words)) == 50_000
    batch = hash_tokens([" ".join(words[start:start + 100])
                         for start in range(0, len(words), 100)])
    assert batch.hashes.size == len(words)
    assert np.unique(batch.hashes).size == len(words)


def test_prefixes_and_repeats_do_not_collide() -> None:
    """Tokens that are prefixes or repetitions of each other hash differently."""
    words = ["a", "aa", "aaa", "ab", "ba", "abab", "\u00e9", "e\u0301", "1", "01", "10"]
    assert np.unique(hash_tokens([" ".join(words)]).hashes).size == len(words)


def test_paragraph_index_of_each_token() -> None:
    """Each token carries the index of its paragraph, skipping empty ones."""
    batch = hash_tokens(["a b", "", "c d e", "f"])
    assert batch.paragraph.tolist() == [0, 0, 2, 2, 2, 3]
    assert batch.paragraph.dtype == np.int64
    assert batch.n_paragraphs == 4


def test_empty_batch_and_empty_paragraphs() -> None:
    """No paragraphs, or only empty ones, give no tokens but keep the paragraph count."""
    for texts in ([], [""], ["", "", ""]):
        batch = hash_tokens(texts)
        assert batch.hashes.size == 0
        assert batch.paragraph.size == 0
        assert batch.n_paragraphs == len(texts)
        assert batch.hashes.dtype == np.uint64


def test_extra_spaces_do_not_make_tokens() -> None:
    """Leading, trailing and repeated spaces separate tokens without adding any."""
    loose = hash_tokens(["  a   b  ", " "])
    tight = hash_tokens(["a b", ""])
    assert loose.hashes.tolist() == tight.hashes.tolist()
    assert loose.paragraph.tolist() == tight.paragraph.tolist()


@settings(max_examples=100, deadline=None)
@given(paragraph_lists(max_words=15))
def test_hashes_do_not_depend_on_batch_or_position(texts: list[str]) -> None:
    """Hashing paragraphs in one batch equals hashing each paragraph alone."""
    batch = hash_tokens(texts)
    alone = [hash_tokens([text]).hashes for text in texts]
    expected = np.concatenate([np.zeros(0, np.uint64), *alone])
    assert batch.hashes.tolist() == expected.tolist()
    counts = [hashes.size for hashes in alone]
    assert batch.paragraph.tolist() == np.repeat(np.arange(len(texts)), counts).tolist()


def test_hashes_are_stable_across_processes() -> None:
    """A fresh interpreter with another PYTHONHASHSEED computes the same hashes."""
    code = (
        "import json, sys\n"
        "from newsdedup._text.tokenize import hash_tokens\n"
        "batch = hash_tokens(json.loads(sys.argv[1]))\n"
        "print(json.dumps([batch.hashes.tolist(), batch.paragraph.tolist()]))\n"
    )
    expected = hash_tokens(FIXED_TEXTS)
    seed = "1" if os.environ.get("PYTHONHASHSEED") == "12345" else "12345"
    completed = subprocess.run(
        [sys.executable, "-c", code, json.dumps(FIXED_TEXTS)],
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True, text=True, check=True, timeout=120,
    )
    hashes, paragraph = json.loads(completed.stdout)
    assert hashes == expected.hashes.tolist()
    assert paragraph == expected.paragraph.tolist()


def test_hash_values_are_pinned() -> None:
    """Token hashes are a fixed function of the token's bytes, identical in every release."""
    # Stored signatures and indexes depend on these values: changing them must be deliberate.
    assert hash_tokens(["the storm"]).hashes.tolist() == [
        1281276320420774981, 15056493980357426114,
    ]


#: News text: English words, typography around them, now and then a word of another
#: script or one with an accent, combining marks, invisible characters.
_NEWS_PIECES = [
    *VOCABULARY, "Police", "Lima", "A", "The", "p.m.", "12", "$5,600", ",", ";", ".", " ",
    " ", "\u2019", "\u2018", "\u201c", "\u201d", " \u2014 ", "\u2013", "\u2026", "\u00a0",
    "\u2009", "\u00ab", "\u00bb", "\u2032", "\u00ad", "\u200b", "\ufe0f", "\u0301", "\u02bc",
    "caf\u00e9", "\u041c\u043e\u0441\u043a\u0432\u0430", "\u5317\u4eac", "\u0661\u0662",
    "\u0e51", "\uff11", "`", "\U0001f600", "\U000e0100", "\u2024",
]
_news_lines = st.lists(st.sampled_from(_NEWS_PIECES), max_size=30).map(" ".join)


@given(st.lists(_news_lines, max_size=12), st.sampled_from(["\n", "\x00"]))
def test_typography_takes_the_ascii_path_with_the_same_result(lines: list[str],
                                                             boundary: str) -> None:
    """Pieces that are ASCII once their typography is folded take ASCII's path: the folded
    text and the token text are those of reading every character (``_folded_wide``, and
    ``token_bytes`` with no typography known), whatever else the text holds."""
    text = boundary.join(lines)
    assert tokenize.folded_text(text, boundary) == tokenize._folded_wide(text, boundary)
    if boundary == "\n":
        fast = tokenize.token_bytes(lines)
        saved = tokenize._TYPOGRAPHY
        try:
            tokenize._TYPOGRAPHY = {}
            slow = tokenize.token_bytes(lines)
        finally:
            tokenize._TYPOGRAPHY = saved
        assert fast[0].split() == slow[0].split()
        assert fast[0].count(b"\n") == slow[0].count(b"\n")
        assert fast[1].tolist() == slow[1].tolist()


def test_typography_is_folded_as_every_character_is() -> None:
    """Each character of typography folds to ASCII between ASCII letters as the
    character-by-character reading folds it, and keeps its classes as a salient-word
    stand-in."""
    assert len(tokenize._TYPOGRAPHY) > 40
    for point, (source, target) in tokenize._TYPOGRAPHY.items():
        assert source.decode() == chr(point)
        text = f"x{chr(point)}y"
        assert tokenize._folded_wide(text, "\n") == "x" + target.decode() + "y"
    for point, (_, stand_in) in tokenize.SALIENT_TYPOGRAPHY.items():
        assert tokenize._TYPOGRAPHY[point][1]  # folds to something, not nothing
        assert (tokenize.char_classes(tokenize.code_points(stand_in.decode())).tolist()
                == tokenize.char_classes(np.array([point], dtype=np.uint32)).tolist())
    assert tokenize.folded_text("It\u2019s \u2014 Caf\u00e9\nA\u00a0b") == "it's - caf\u00e9\na b"
