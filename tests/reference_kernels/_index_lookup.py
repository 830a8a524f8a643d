"""The numba kernels of ``newsdedup._index.lookup`` as they were when they were ported to C:
references for tests/core/test_kernels.py (compiled by numba, see ``_jit``)."""
# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from typing import Any

from ._jit import kernel

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
ShingleValues = npt.NDArray[np.uint32] | npt.NDArray[np.uint64]


@kernel
def _lower_bound(keys: npt.NDArray[Any], start: int, stop: int, key: Any) -> int:
    """The first position of ``keys[start:stop]`` (sorted) holding ``key`` or more (``stop``
    if none). Branch-free halving: the comparison selects the next base instead of a jump,
    so random keys cost no mispredicted branches."""
    base, size = start, stop - start
    if size <= 0:
        return start
    while size > 1:
        half = size // 2
        base = base + half if keys[base + half - 1] < key else base
        size -= half
    return base + 1 if keys[base] < key else base


@kernel
def _run_bounds(keys: npt.NDArray[Any], fence: npt.NDArray[Any], step: int,
                queries: npt.NDArray[Any]) -> tuple[I64, I64]:
    """``(left, right)``: where each query's entries lie in the sorted run ``keys``, found
    through its ``fence`` (every ``step``-th key) and then one block of the run."""
    left = np.empty(queries.size, dtype=np.int64)
    right = np.empty(queries.size, dtype=np.int64)
    for query in range(queries.size):
        key = queries[query]
        low = _lower_bound(fence, 0, fence.size, key)  # fence entries below the key
        start = 0 if low == 0 else (low - 1) * step + 1
        start = _lower_bound(keys, start, min(low * step, keys.size), key)
        end = start
        while end < keys.size and keys[end] == key:
            end += 1
        left[query], right[query] = start, end
    return left, right


@kernel
def _gather(base_left: I64, base_right: I64, base_values: npt.NDArray[Any], delta_left: I64,
            delta_right: I64, delta_values: npt.NDArray[Any]) -> tuple[I64, npt.NDArray[Any]]:
    """The ``(query position, value)`` pairs of two runs' spans: base run first, then delta,
    each by query position."""
    total = int((base_right - base_left).sum() + (delta_right - delta_left).sum())
    which = np.empty(total, dtype=np.int64)
    values = np.empty(total, dtype=base_values.dtype)
    written = 0
    for run in range(2):
        run_values = base_values if run == 0 else delta_values
        lefts = base_left if run == 0 else delta_left
        rights = base_right if run == 0 else delta_right
        for query in range(lefts.size):
            for position in range(lefts[query], rights[query]):
                which[written] = query
                values[written] = run_values[position]
                written += 1
    return which, values
