"""Tests of newsdedup._text.shingle: hashed n-gram sets per paragraph."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup._core.hashing import fmix64
from newsdedup._text.shingle import _POSITION_KEYS, ShingleSets, set_fingerprints, shingle_sets
from newsdedup._text.tokenize import hash_tokens
from strategies import paragraph_lists


def _sets(texts: list[str], size: int) -> ShingleSets:
    return shingle_sets(hash_tokens(texts), size)


@pytest.mark.parametrize(("n_tokens", "size"), [(10, 1), (10, 3), (10, 5), (5, 5), (64, 64)])
def test_distinct_tokens_give_one_shingle_per_full_ngram(n_tokens: int, size: int) -> None:
    """A paragraph of k distinct tokens has k - n + 1 shingles of size n."""
    text = " ".join(f"w{index}" for index in range(n_tokens))
    assert _sets([text], size).sizes.tolist() == [n_tokens - size + 1]


@pytest.mark.parametrize("n_tokens", [1, 2, 4])
def test_short_paragraph_gets_one_shingle(n_tokens: int) -> None:
    """A paragraph shorter than the shingle size still gets exactly one shingle."""
    text = " ".join(f"w{index}" for index in range(n_tokens))
    assert _sets([text], 5).sizes.tolist() == [1]


def test_short_shingles_depend_on_all_tokens() -> None:
    """Short paragraphs that differ in any token, or in length, get different shingles."""
    sets = _sets(["a", "a b", "b a", "a b c", "a b d"], 5)
    values = [int(sets.row(index)[0]) for index in range(len(sets))]
    assert len(set(values)) == 5


def test_empty_paragraphs_have_no_shingles() -> None:
    """Paragraphs without tokens have empty shingle sets and keep their place."""
    sets = _sets(["", "a b c", ""], 2)
    assert sets.sizes.tolist() == [0, 2, 0]
    assert len(sets) == 3
    assert sets.offsets.tolist() == [0, 0, 2, 2]


def test_no_paragraphs() -> None:
    """An empty batch gives an empty ShingleSets."""
    sets = _sets([], 3)
    assert len(sets) == 0
    assert sets.offsets.tolist() == [0]
    assert sets.values.size == 0


def test_repeated_ngrams_count_once() -> None:
    """A repeated n-gram is one member of the set."""
    assert _sets(["a b a b a b", "a a a a"], 2).sizes.tolist() == [2, 1]


def test_rows_are_sorted_and_unique() -> None:
    """Each paragraph's shingle hashes are strictly increasing."""
    sets = _sets(["the storm hit the city and the storm hit the coast", "one two one two"], 2)
    for index in range(len(sets)):
        row = sets.row(index)
        assert row.tolist() == sorted(set(row.tolist()))
    assert sets.values.dtype == np.uint32  # the 32 bits MinHash reads


def test_order_of_tokens_matters() -> None:
    """Reversed token order gives different shingles, for full and short n-grams."""
    full = _sets(["a b c", "c b a"], 3)
    assert full.row(0).tolist() != full.row(1).tolist()
    short = _sets(["a b", "b a"], 3)
    assert short.row(0).tolist() != short.row(1).tolist()


def test_shared_ngrams_give_shared_hashes() -> None:
    """An n-gram present in two paragraphs has the same hash in both."""
    sets = _sets(["x the storm hit y", "the storm hit z w", "nothing in common here"], 3)
    assert np.intersect1d(sets.row(0), sets.row(1)).size == 1  # "the storm hit"
    assert np.intersect1d(sets.row(0), sets.row(2)).size == 0


def test_size_one_shingles_are_the_token_set() -> None:
    """With size 1, paragraphs with the same tokens in any order have equal sets."""
    sets = _sets(["a b c a", "c b a"], 1)
    assert sets.row(0).tolist() == sets.row(1).tolist()
    assert sets.sizes.tolist() == [3, 3]


@pytest.mark.parametrize("size", [0, -1, 65, 1000])
def test_invalid_size_raises_value_error(size: int) -> None:
    """A shingle size outside 1..64 raises ValueError naming the value."""
    with pytest.raises(ValueError, match=str(size)):
        _sets(["a b c"], size)


@settings(max_examples=100, deadline=None)
@given(paragraph_lists(max_words=12), st.integers(1, 6))
def test_shingles_are_the_same_alone_or_in_a_batch(texts: list[str], size: int) -> None:
    """A paragraph's shingle set does not depend on the other paragraphs in its batch."""
    batch = _sets(texts, size)
    assert len(batch) == len(texts)
    for index, text in enumerate(texts):
        assert batch.row(index).tolist() == _sets([text], size).row(0).tolist()


@settings(max_examples=100, deadline=None)
@given(paragraph_lists(max_words=12), st.integers(1, 6))
def test_set_sizes_match_distinct_ngrams(texts: list[str], size: int) -> None:
    """Set sizes equal the number of distinct n-grams (one for a short, non-empty paragraph)."""
    sets = _sets(texts, size)
    for index, text in enumerate(texts):
        tokens = text.split()
        if not tokens:
            expected = 0
        elif len(tokens) < size:
            expected = 1
        else:
            expected = len({tuple(tokens[k:k + size]) for k in range(len(tokens) - size + 1)})
        assert sets.sizes[index] == expected


def test_fingerprints_ignore_order_but_not_content() -> None:
    """Set fingerprints are equal for equal sets and differ otherwise."""
    sets = ShingleSets(np.array([0, 2, 4, 6]),
                       np.array([1, 2, 1, 2, 1, 3], dtype=np.uint64))
    prints = set_fingerprints(sets)
    assert prints[0] == prints[1] and prints[0] != prints[2]


def _reference_shingles(text: str, size: int) -> npt.NDArray[np.uint32]:
    """np.unique of the shingle values of one paragraph of >= size tokens, in plain numpy."""
    hashes = hash_tokens([text]).hashes
    combined = np.zeros(hashes.size - size + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for position in range(size):
            combined += hashes[position:position + combined.size] * _POSITION_KEYS[position]
    return np.unique((fmix64(combined) >> np.uint64(32)).astype(np.uint32))


@pytest.mark.parametrize("n_words", [50_000, 400_000])
def test_one_huge_paragraph_equals_a_plain_sort(n_words: int) -> None:
    """A paragraph of hundreds of thousands of words (its sort falls back to the linear
    path) gives exactly np.unique of its shingle values."""
    rng = np.random.default_rng(n_words)
    vocabulary = [f"w{number}" for number in range(20_000)]
    text = " ".join(vocabulary[k] for k in rng.integers(0, len(vocabulary), n_words))
    assert np.array_equal(_sets([text], 5).row(0), _reference_shingles(text, 5))
