"""Tests of newsdedup._near_duplicates.lsh: band choice and candidate pairs from signatures."""

from __future__ import annotations

import itertools
import random

import numpy as np
import numpy.typing as npt
import pytest
from datasketch.lsh import _optimal_param
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from newsdedup._near_duplicates.lsh import (
    HUBS,
    choose_bands,
    collision_probability,
    lsh_candidate_pairs,
)

U32 = npt.NDArray[np.uint32]


def _pairs(found: npt.NDArray[np.int64]) -> set[tuple[int, int]]:
    return {(int(left), int(right)) for left, right in found}


def _components(n_rows: int, pairs: set[tuple[int, int]]) -> list[int]:
    """Union-find: the component representative of each row."""
    parent = list(range(n_rows))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for left, right in pairs:
        parent[find(left)] = find(right)
    return [find(node) for node in range(n_rows)]


# --- choose_bands -----------------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [0.1, 0.3, 0.5, 0.8, 0.95])
@pytest.mark.parametrize("num_perm", [16, 64, 128, 256])
def test_bands_times_rows_fit_num_perm(threshold: float, num_perm: int) -> None:
    """choose_bands never asks for more values than a signature has."""
    bands, rows = choose_bands(threshold, num_perm)
    assert bands >= 1 and rows >= 1
    assert bands * rows <= num_perm


def test_default_split_for_the_default_threshold() -> None:
    """At the pipeline's LSH threshold 0.3 and 128 permutations the split is 32 x 2."""
    assert choose_bands(0.3, 128) == (32, 2)


@pytest.mark.parametrize(
    "threshold",
    [0.2, 0.3, 0.5, 0.8, 0.9],
)
def test_collision_probability_at_threshold_is_high(threshold: float) -> None:
    """A pair exactly at the threshold becomes a candidate with probability >= 0.9."""
    bands, rows = choose_bands(threshold, 128)
    assert collision_probability(threshold, bands, rows) >= 0.9


@pytest.mark.parametrize("threshold", [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
def test_split_favours_recall_over_datasketchs_default(threshold: float) -> None:
    """At the threshold the chosen split finds pairs more often than datasketch's 0.5/0.5 one."""
    bands, rows = choose_bands(threshold, 128)
    ours = collision_probability(threshold, bands, rows)
    datasketch_bands, datasketch_rows = _optimal_param(threshold, 128, 0.5, 0.5)
    assert ours > collision_probability(threshold, datasketch_bands, datasketch_rows)
    assert ours > 0.8


def test_collision_probability_is_an_s_curve() -> None:
    """The candidate probability is 0 at similarity 0, 1 at 1, and never decreases."""
    grid = np.linspace(0.0, 1.0, 21)
    curve = [collision_probability(float(value), 32, 2) for value in grid]
    assert curve[0] == 0.0 and curve[-1] == 1.0
    assert all(later >= earlier for earlier, later in itertools.pairwise(curve))


# --- lsh_candidate_pairs --------------------------------------------------------------------------


def test_crafted_signatures() -> None:
    """Rows sharing all values of any band are candidates; others are not."""
    signature_matrix = np.array(
        [
            [1, 2, 3, 4, 5, 6],
            [1, 2, 0, 0, 0, 0],  # band 0 with row 0
            [9, 9, 3, 4, 9, 9],  # band 1 with row 0
            [8, 8, 8, 8, 5, 6],  # band 2 with row 0
            [1, 9, 3, 9, 5, 9],  # half of every band of row 0: no band agrees
            [7, 7, 7, 7, 7, 7],  # nothing in common
            [2, 1, 4, 3, 6, 5],  # row 0's values, swapped inside each band
        ],
        dtype=np.uint32,
    )
    found = lsh_candidate_pairs(signature_matrix, bands=3, rows=2)
    assert _pairs(found) == {(0, 1), (0, 2), (0, 3)}
    assert found.dtype == np.int64 and found.shape == (3, 2)


def test_same_values_in_different_bands_do_not_collide() -> None:
    """Equal values in different band positions do not make a candidate."""
    signature_matrix = np.array([[1, 2, 3, 4], [3, 4, 1, 2]], dtype=np.uint32)
    assert lsh_candidate_pairs(signature_matrix, bands=2, rows=2).shape == (0, 2)


def test_values_beyond_the_bands_are_ignored() -> None:
    """Columns after bands * rows do not create candidates."""
    signature_matrix = np.array([[1, 2, 9], [3, 4, 9]], dtype=np.uint32)
    assert lsh_candidate_pairs(signature_matrix, bands=2, rows=1).shape == (0, 2)


def test_too_many_bands_raise_value_error() -> None:
    """Asking for more values than a signature has raises ValueError."""
    with pytest.raises(ValueError, match="exceed 4 values"):
        lsh_candidate_pairs(np.zeros((2, 4), dtype=np.uint32), bands=3, rows=2)


def test_no_and_one_signature_give_no_pairs() -> None:
    """Fewer than two rows give an empty (0, 2) array."""
    for n_rows in (0, 1):
        found = lsh_candidate_pairs(np.zeros((n_rows, 8), dtype=np.uint32), bands=4, rows=2)
        assert found.shape == (0, 2)


def test_small_bucket_yields_all_pairs() -> None:
    """A bucket of k <= max_bucket rows yields all k*(k-1)/2 pairs."""
    signature_matrix = np.zeros((10, 4), dtype=np.uint32)
    found = lsh_candidate_pairs(signature_matrix, bands=2, rows=2, max_bucket=10)
    assert _pairs(found) == {(left, right) for left in range(10) for right in range(left + 1, 10)}


@pytest.mark.parametrize(("n_members", "max_bucket"), [(65, 64), (200, 64), (500, 10), (3, 2)])
def test_big_bucket_yields_connected_linear_pairs(n_members: int, max_bucket: int) -> None:
    """A bucket above max_bucket pairs each member with the hubs and its successor: linear,
    all connected."""
    rng = np.random.default_rng(n_members)
    signature_matrix = rng.integers(0, 2**32, size=(n_members + 20, 8), dtype=np.uint32)
    members = np.sort(rng.choice(signature_matrix.shape[0], n_members, replace=False))
    signature_matrix[members] = signature_matrix[members[0]]
    found = _pairs(lsh_candidate_pairs(signature_matrix, bands=4, rows=2, max_bucket=max_bucket))
    assert len(found) == _hub_pair_count(n_members)
    assert all(left in members and right in members for left, right in found)
    components = _components(signature_matrix.shape[0], found)
    assert len({components[member] for member in members.tolist()}) == 1


def _hub_pair_count(k: int) -> int:
    """Pairs of a bucket of k > max_bucket members: hubs with all others, then a chain."""
    hubs = min(HUBS, k)
    return hubs * (k - 1) - hubs * (hubs - 1) // 2 + max(k - hubs - 1, 0)


def test_big_and_small_buckets_together() -> None:
    """A big bucket is reduced while a small one next to it still yields all its pairs."""
    signature_matrix = np.concatenate([
        np.full((30, 4), 1, dtype=np.uint32),
        np.full((4, 4), 2, dtype=np.uint32),
    ])
    found = _pairs(lsh_candidate_pairs(signature_matrix, bands=2, rows=2, max_bucket=5))
    small = {(left, right) for left in range(30, 34) for right in range(left + 1, 34)}
    assert small <= found
    assert len(found - small) == _hub_pair_count(30)


@settings(max_examples=30, deadline=None)
@given(st.integers(11, 120), st.randoms(use_true_random=False))
def test_big_bucket_pairs_follow_priority_not_row_order(n_rows: int, rng: random.Random) -> None:
    """Shuffling the rows (with their priorities) of a big bucket shuffles the pairs alike:
    the hubs are the members of the smallest priority, wherever they sit."""
    signature_matrix = np.zeros((n_rows, 4), dtype=np.uint32)
    priority = np.array(rng.sample(range(10 * n_rows), n_rows), dtype=np.int64)
    found = _pairs(lsh_candidate_pairs(signature_matrix, 2, 2, max_bucket=10, priority=priority))
    permutation = np.array(rng.sample(range(n_rows), n_rows))
    shuffled = _pairs(lsh_candidate_pairs(signature_matrix[permutation], 2, 2, max_bucket=10,
                                      priority=priority[permutation]))
    back = {tuple(sorted((int(permutation[i]), int(permutation[j])))) for i, j in shuffled}
    assert back == found
    hubs = np.argsort(priority)[:HUBS].tolist()
    assert all((min(h, m), max(h, m)) in found for h in hubs for m in range(n_rows) if m != h)


signature_matrices = st.integers(2, 20).flatmap(
    lambda n_rows: hnp.arrays(np.uint32, (n_rows, 8), elements=st.integers(0, 3))
)


@settings(max_examples=100, deadline=None)
@given(signature_matrices, st.sampled_from([(8, 1), (4, 2), (2, 4), (1, 8), (3, 2)]),
       st.integers(1, 25))
def test_pairs_are_unique_sorted_and_exactly_the_band_matches(
    signature_matrix: U32, split: tuple[int, int], max_bucket: int
) -> None:
    """Pairs are unique with i < j, each shares a band, and all band-sharers are connected."""
    bands, rows = split
    found = lsh_candidate_pairs(signature_matrix, bands, rows, max_bucket=max_bucket)
    pairs = [tuple(pair) for pair in found.tolist()]
    assert len(pairs) == len(set(pairs))
    assert pairs == sorted(pairs)
    assert all(left < right for left, right in pairs)
    n_rows = signature_matrix.shape[0]
    share_band = {
        (left, right)
        for left in range(n_rows)
        for right in range(left + 1, n_rows)
        if any((signature_matrix[left, band * rows:(band + 1) * rows]
                == signature_matrix[right, band * rows:(band + 1) * rows]).all()
               for band in range(bands))
    }
    assert set(pairs) <= share_band
    if max_bucket >= n_rows:
        assert set(pairs) == share_band
    components = _components(n_rows, set(pairs))
    assert all(components[left] == components[right] for left, right in share_band)


@settings(max_examples=100, deadline=None)
@given(signature_matrices, st.data())
def test_identical_rows_are_always_candidates(signature_matrix: U32, data: st.DataObject) -> None:
    """Two rows with identical signatures are always a candidate pair."""
    n_rows = signature_matrix.shape[0]
    left, right = sorted(data.draw(st.lists(st.integers(0, n_rows - 1), min_size=2, max_size=2,
                                            unique=True)))
    signature_matrix = signature_matrix.copy()
    signature_matrix[right] = signature_matrix[left]
    found = _pairs(lsh_candidate_pairs(signature_matrix, bands=4, rows=2))
    assert (left, right) in found
