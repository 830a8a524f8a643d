"""Tests of newsdedup._near_duplicates.verify: exact similarity of candidate pairs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup._near_duplicates.verify import pair_similarity
from newsdedup._text.shingle import ShingleSets
from strategies import shingle_set_lists, to_shingle_sets


def _pairs_of(sets: list[set[int]]) -> st.SearchStrategy[list[tuple[int, int]]]:
    index = st.integers(0, len(sets) - 1)
    return st.lists(st.tuples(index, index), max_size=30)


set_lists_with_pairs = shingle_set_lists(max_sets=10).filter(bool).flatmap(
    lambda sets: st.tuples(st.just(sets), _pairs_of(sets))
)


def _check_against_python_sets(sets: list[set[int]], pairs: list[tuple[int, int]]) -> None:
    left = np.array([pair[0] for pair in pairs], dtype=np.int64)
    right = np.array([pair[1] for pair in pairs], dtype=np.int64)
    similarity = pair_similarity(to_shingle_sets(sets), left, right)
    for k, (first, second) in enumerate(pairs):
        a, b = sets[first], sets[second]
        shared = len(a & b)
        assert similarity.intersection[k] == shared
        assert similarity.left_size[k] == len(a)
        assert similarity.right_size[k] == len(b)
        assert similarity.jaccard[k] == pytest.approx(shared / len(a | b) if a | b else 0.0)
        assert similarity.left_in_right[k] == pytest.approx(shared / len(a) if a else 0.0)
        assert similarity.right_in_left[k] == pytest.approx(shared / len(b) if b else 0.0)
        assert similarity.smaller_contained[k] == pytest.approx(
            max(similarity.left_in_right[k], similarity.right_in_left[k]))
    assert similarity.left.tolist() == left.tolist()
    assert similarity.right.tolist() == right.tolist()


@settings(max_examples=150, deadline=None)
@given(set_lists_with_pairs)
def test_pair_similarity_matches_python_sets(case: tuple[list[set[int]], list[tuple[int, int]]]
                                             ) -> None:
    """Intersection, sizes, Jaccard and containments equal a brute-force set computation."""
    sets, pairs = case
    _check_against_python_sets(sets, pairs)


def test_empty_sets() -> None:
    """Pairs with empty members have zero intersection, Jaccard and containment."""
    sets = [set(), {1, 2}, set()]
    similarity = pair_similarity(to_shingle_sets(sets), np.array([0, 0, 1]), np.array([2, 1, 0]))
    assert similarity.intersection.tolist() == [0, 0, 0]
    assert similarity.jaccard.tolist() == [0.0, 0.0, 0.0]
    assert similarity.left_in_right.tolist() == [0.0, 0.0, 0.0]
    assert similarity.right_in_left.tolist() == [0.0, 0.0, 0.0]


def test_no_pairs() -> None:
    """An empty pair list gives empty result arrays."""
    similarity = pair_similarity(to_shingle_sets([{1}, {2}]), np.zeros(0, np.int64),
                                 np.zeros(0, np.int64))
    assert similarity.intersection.size == 0
    assert similarity.jaccard.size == 0


def test_a_set_with_itself() -> None:
    """A non-empty set compared with itself has Jaccard and containments 1."""
    similarity = pair_similarity(to_shingle_sets([{5, 6, 7}]), np.array([0]), np.array([0]))
    assert similarity.intersection.tolist() == [3]
    assert similarity.jaccard.tolist() == [1.0]
    assert similarity.smaller_contained.tolist() == [1.0]


def test_containment_of_a_subset() -> None:
    """A subset is fully contained in its superset, not the other way round."""
    sets = [{1, 2}, {1, 2, 3, 4}]
    similarity = pair_similarity(to_shingle_sets(sets), np.array([0]), np.array([1]))
    assert similarity.left_in_right.tolist() == [1.0]
    assert similarity.right_in_left.tolist() == [0.5]
    assert similarity.jaccard.tolist() == [0.5]
    assert similarity.smaller_contained.tolist() == [1.0]


def test_equal_values_in_different_pairs_are_not_shared() -> None:
    """A value shared across two different pairs does not count for either."""
    sets = [{1}, {2}, {1}, {3}]
    similarity = pair_similarity(to_shingle_sets(sets), np.array([0, 2]), np.array([1, 3]))
    assert similarity.intersection.tolist() == [0, 0]


def test_large_hash_values() -> None:
    """Values near 2**64 compare exactly (no float conversion)."""
    top = 2**64 - 1
    sets = ShingleSets(np.array([0, 2, 4]), np.array([top - 1, top, top - 2, top], np.uint64))
    similarity = pair_similarity(sets, np.array([0]), np.array([1]))
    assert similarity.intersection.tolist() == [1]
