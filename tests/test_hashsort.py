"""Sorting hash values in kernels: equal to numpy's sort for every size and width."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from newsdedup._hashsort import sort_hashes, sort_slots_by_hash


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
