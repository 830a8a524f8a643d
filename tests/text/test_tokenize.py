"""Tests of newsdedup._text.tokenize: bulk token hashing."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

import numpy as np
from hypothesis import given, settings

from newsdedup._text.tokenize import hash_tokens
from strategies import paragraph_lists

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
