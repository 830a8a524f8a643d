"""Sorting hash values in kernels: equal to numpy's sort for every size and width, with work
bounded by a constant per value whatever the values."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdedup._core.hashsort import MOVES_PER_VALUE, _radix_sort, sort_hashes, sort_slots_by_hash


@given(st.lists(st.integers(0, 2**64 - 1), max_size=600), st.sampled_from([np.uint32, np.uint64]))
def test_sort_hashes_equals_numpy_sort(values: list[int], dtype: type) -> None:
    """sort_hashes sorts in place like np.sort, for 32- and 64-bit values, repeats included."""
    array = np.array([v % (2**32) if dtype is np.uint32 else v for v in values], dtype=dtype)
    expected = np.sort(array)
    sort_hashes(array, np.empty(max(array.size, 1), dtype=dtype), np.empty(257, np.int64))
    assert np.array_equal(array, expected)


def test_sort_hashes_of_skewed_values() -> None:
    """Values crowded into one bucket (not hash-like) still come out sorted."""
    array = np.arange(5000, 0, -1, dtype=np.uint64)
    sort_hashes(array, np.empty(5000, np.uint64), np.empty(257, np.int64))
    assert np.array_equal(array, np.arange(1, 5001, dtype=np.uint64))


@given(st.lists(st.integers(0, 2**64 - 1), unique=True, max_size=300))
def test_slots_come_out_in_key_order(keys: list[int]) -> None:
    """sort_slots_by_hash orders slots by their keys."""
    key_array = np.array(keys, dtype=np.uint64)
    slots = np.arange(key_array.size, dtype=np.int64)[::-1].copy()
    out = np.empty(slots.size, dtype=np.int64)
    sort_slots_by_hash(slots, key_array, out, np.empty(257, np.int64))
    assert key_array[out].tolist() == sorted(keys)


def _crowded(count: int, dtype: type) -> npt.NDArray[np.unsignedinteger]:
    """Distinct values all in the lowest top-bit bucket, in descending order: each would move
    past every earlier one in a plain insertion pass (count**2 / 2 moves)."""
    return np.arange(count, 0, -1, dtype=dtype)


@pytest.mark.parametrize("dtype", [np.uint32, np.uint64])
@pytest.mark.parametrize("count", [300, 5_000, 200_000])
def test_insertion_work_is_bounded_on_a_crowded_bucket(count: int, dtype: type) -> None:
    """Values crowded into one bucket cost a bounded number of insertion moves per value
    (then a linear radix sort finishes), and still come out equal to np.sort."""
    values = _crowded(count, dtype)
    expected = np.sort(values)
    moves = sort_hashes(values, np.empty(count, dtype), np.empty(257, np.int64))
    assert np.array_equal(values, expected)
    assert moves <= (MOVES_PER_VALUE + 1) * count


@pytest.mark.parametrize("count", [1 << 12, 1 << 18])
def test_long_random_runs_are_sorted_with_bounded_work(count: int) -> None:
    """A run far longer than the buckets (one huge paragraph) also stays within the bound."""
    values = np.random.default_rng(count).integers(0, 2**32, count).astype(np.uint32)
    expected = np.sort(values)
    moves = sort_hashes(values, np.empty(count, np.uint32), np.empty(257, np.int64))
    assert np.array_equal(values, expected)
    assert moves <= (MOVES_PER_VALUE + 1) * count


@given(st.lists(st.integers(0, 2**64 - 1), max_size=400), st.sampled_from([np.uint32, np.uint64]),
       st.integers(0, 63))
def test_radix_sort_equals_numpy_sort(values: list[int], dtype: type, shift: int) -> None:
    """The fallback radix sort equals np.sort, with repeats and values sharing high bits."""
    width = 32 if dtype is np.uint32 else 64
    array = np.array([(v >> shift) % (2**width) for v in values], dtype=dtype)
    expected = np.sort(array)
    _radix_sort(array, np.empty(array.size, dtype=dtype), np.empty(257, np.int64))
    assert np.array_equal(array, expected)


@pytest.mark.parametrize("count", [300, 100_000])
def test_crowded_slots_keep_ties_in_slot_order(count: int) -> None:
    """Slots whose keys crowd one bucket (with ties) come out in key order, ties in the
    order given, with bounded work: as a stable argsort would give them."""
    rng = np.random.default_rng(count)
    keys = rng.integers(0, count // 3 + 1, count).astype(np.uint64)
    slots = rng.permutation(count).astype(np.int64)
    out = np.empty(count, np.int64)
    moves = sort_slots_by_hash(slots, keys, out, np.empty(257, np.int64))
    assert np.array_equal(out, slots[np.argsort(keys[slots], kind="stable")])
    assert moves <= (MOVES_PER_VALUE + 1) * count
