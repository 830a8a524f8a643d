"""Story weighting, one definition for the batch and the index
(src/newsdedup/_stories/weights.py)."""

from __future__ import annotations

import numpy as np
import pytest

from newsdedup._stories import weights as weights_module
from newsdedup._stories.weights import BM25_K1, NAME_BOOST, strongest_terms, term_boost


def _one_article_strongest() -> list[int]:
    """The strongest of two terms of one article: term 5 once, always written as a name;
    term 9 twice, never; both held by one article of ten."""
    kept, _ = strongest_terms(np.array([0, 2]), np.array([5, 9], dtype=np.uint64),
                              np.array([1, 2], np.uint8), np.array([1, 0], np.uint8),
                              np.array([1, 1]), 10.0, 1)
    return [int(term) for term in kept]


def test_term_boost_is_the_saturation_limit_times_the_name_boost() -> None:
    """``(k1+1)·(1+NAME_BOOST·s)``: 2.2 for a plain word, 6.6 for a name (k1 1.2, boost 2)."""
    assert (BM25_K1, NAME_BOOST) == (1.2, 2.0)
    np.testing.assert_array_equal(term_boost(np.array([0.0, 0.5, 1.0])),
                                  (1.2 + 1.0) * (1.0 + 2.0 * np.array([0.0, 0.5, 1.0])))


def test_a_name_outweighs_a_repeated_word() -> None:
    """Once as a name (weight 3.0) beats twice as a plain word (1.375) in the index."""
    assert _one_article_strongest() == [5]


def test_one_change_reaches_the_batch_and_the_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the name boost, the repeated word wins in the index, and the batch's term
    factor loses its boost: both read the one constant."""
    monkeypatch.setattr(weights_module, "NAME_BOOST", 0.0)
    assert _one_article_strongest() == [9]
    np.testing.assert_array_equal(term_boost(np.array([1.0])), [2.2])
