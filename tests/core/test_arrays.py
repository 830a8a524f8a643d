"""Tests of newsdedup._core.arrays: runs, pairs in runs and CSR gathers."""

from __future__ import annotations

from random import Random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup._core import arrays
from newsdedup._core.arrays import (
    counts_before,
    distinct_pairs,
    gather_rows,
    joined_offsets,
    owner_offsets,
    pairs_in_runs,
    ranks,
    sorted_unique,
)
from strategies import run_lengths


def _brute_force_pairs(starts: list[int], lengths: list[int], max_bucket: int
                       ) -> list[tuple[int, int]]:
    pairs = []
    for start, length in zip(starts, lengths, strict=True):
        members = range(start, start + length)
        if length <= max_bucket:
            pairs += [(a, b) for a in members for b in members if a < b]
        else:
            pairs += [(start, member) for member in members[1:]]
            pairs += [(member, member + 1) for member in members[1:-1]]
    return pairs


@settings(max_examples=150, deadline=None)
@given(run_lengths)
def test_ranks_match_brute_force(lengths: list[int]) -> None:
    """ranks gives 0..k-1 for each run length k, concatenated."""
    expected = [rank for length in lengths for rank in range(length)]
    result = ranks(np.array(lengths, dtype=np.int64))
    assert result.tolist() == expected
    assert result.dtype == np.int64


def test_ranks_of_nothing() -> None:
    """No runs, or only empty ones, give an empty int64 array."""
    assert ranks(np.zeros(0, np.int64)).tolist() == []
    assert ranks(np.array([0, 0])).dtype == np.int64


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 12)), max_size=12),
       st.integers(1, 8), st.randoms(use_true_random=False))
def test_pairs_in_runs_match_brute_force(
    gaps_and_lengths: list[tuple[int, int]], max_bucket: int, random: Random
) -> None:
    """Small runs give all their pairs, big ones a star from the first plus a chain."""
    starts, lengths, position = [], [], 0
    for gap, length in gaps_and_lengths:
        position += gap
        starts.append(position)
        lengths.append(length)
        position += length
    order = list(range(len(starts)))
    random.shuffle(order)
    starts = [starts[index] for index in order]
    lengths = [lengths[index] for index in order]
    left, right = pairs_in_runs(np.array(starts, dtype=np.int64),
                                np.array(lengths, dtype=np.int64), max_bucket)
    result = sorted(zip(left.tolist(), right.tolist(), strict=True))
    assert result == sorted(_brute_force_pairs(starts, lengths, max_bucket))


def test_pairs_in_a_big_run_are_linear() -> None:
    """A run of k > max_bucket positions gives 2k - 3 pairs."""
    left, right = pairs_in_runs(np.array([10]), np.array([100]), max_bucket=4)
    assert left.size == right.size == 2 * 100 - 3
    assert set(left.tolist()) | set(right.tolist()) == set(range(10, 110))


def test_adjacent_big_runs_are_not_chained_together() -> None:
    """The chain of one big run never links to the next run."""
    left, right = pairs_in_runs(np.array([0, 4]), np.array([4, 4]), max_bucket=2)
    pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    assert all((a < 4) == (b < 4) for a, b in pairs)


def _offsets(sizes: list[int]) -> np.ndarray:
    offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    return offsets


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=10).flatmap(
    lambda sizes: st.tuples(st.just(sizes),
                            st.lists(st.integers(0, len(sizes) - 1), max_size=15))))
def test_gather_rows_matches_brute_force(case: tuple[list[int], list[int]]) -> None:
    """gather_rows lists each requested row's element positions, tagged by request index."""
    sizes, rows = case
    offsets = _offsets(sizes)
    positions, owner = gather_rows(offsets, np.array(rows, dtype=np.int64))
    expected_positions = [position for row in rows
                          for position in range(offsets[row], offsets[row + 1])]
    expected_owner = [index for index, row in enumerate(rows) for _ in range(sizes[row])]
    assert positions.tolist() == expected_positions
    assert owner.tolist() == expected_owner


@given(st.lists(st.integers(-2**63, 2**63 - 1), max_size=200),
       st.sampled_from([np.int64, np.uint32]))
def test_sorted_unique_is_np_unique(values: list[int], dtype: type) -> None:
    """sorted_unique gives np.unique's values and dtype, by a sort instead of a hash table."""
    array = np.array(values, dtype=np.int64).astype(dtype)
    expected = np.unique(array)
    found = sorted_unique(array)
    assert found.dtype == expected.dtype
    assert found.tolist() == expected.tolist()


@given(st.lists(st.tuples(st.one_of(st.integers(0, 40), st.integers(0, 2**62)),
                          st.integers(0, 40)), max_size=60))
def test_distinct_pairs_is_np_unique_of_rows(pairs: list[tuple[int, int]]) -> None:
    """distinct_pairs gives np.unique(axis=0): by one code per row when the values are small
    enough, by rows past that (values up to 2**62)."""
    array = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    assert distinct_pairs(array).tolist() == np.unique(array, axis=0).tolist()


@given(st.lists(st.integers(0, 7), max_size=60), st.integers(0, 4))
def test_owner_offsets_give_each_row_its_entries(owners: list[int], extra: int) -> None:
    """Row ``r`` spans exactly the entries owned by ``r`` (empty rows included)."""
    owner = np.array(sorted(owners), dtype=np.int64)
    count = (int(owner.max()) + 1 if owner.size else 0) + extra
    offsets = owner_offsets(owner, count)
    assert offsets.size == count + 1 and offsets[0] == 0 and offsets[-1] == owner.size
    for row in range(count):
        assert (owner[offsets[row]:offsets[row + 1]] == row).all()
        assert offsets[row + 1] - offsets[row] == int((owner == row).sum())


@given(st.lists(st.lists(st.integers(0, 5), max_size=6), min_size=1, max_size=5))
def test_joined_offsets_are_the_offsets_of_the_joined_rows(parts: list[list[int]]) -> None:
    """Offsets of parts joined equal the offsets of all their rows' lengths in order."""
    offsets = [np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64) for lengths in parts]
    expected = np.concatenate([[0], np.cumsum([n for lengths in parts for n in lengths])])
    assert joined_offsets(offsets).tolist() == expected.astype(np.int64).tolist()


@given(st.lists(st.booleans(), max_size=80), st.lists(st.integers(0, 80), max_size=12),
       st.sampled_from([1, 3, 7, 1 << 24]))
def test_counts_before_is_a_cumulative_count(flags: list[bool], cuts: list[int],
                                             block: int) -> None:
    """Set flags before each offset, the same block by block (blocks of 1, 3, 7 flags: offsets
    on block edges, empty rows, the end) as by a cumulative sum."""
    array = np.array(flags, dtype=bool)
    offsets = np.array(sorted({0, array.size} | {c for c in cuts if c <= array.size}),
                       dtype=np.int64)
    expected = np.concatenate([[0], np.cumsum(array)])[offsets]
    saved = arrays._COUNT_BLOCK
    arrays._COUNT_BLOCK = block
    try:
        assert counts_before(array, offsets).tolist() == expected.tolist()
        repeated = np.repeat(offsets, 2)  # empty rows
        assert counts_before(array, repeated).tolist() == np.repeat(expected, 2).tolist()
    finally:
        arrays._COUNT_BLOCK = saved
