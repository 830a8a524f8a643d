"""The numba kernels of ``newsdedup._near_duplicates.verify`` as they were when they were ported to C:
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
def _intersection_kernel(offsets: I64, values: ShingleValues, left: I64, right: I64) -> I64:
    """Size of the intersection of sorted rows ``left[k]`` and ``right[k]``, by merging."""
    intersection = np.zeros(left.size, dtype=np.int64)
    for pair in range(left.size):
        intersection[pair] = count_shared(values, offsets[left[pair]], offsets[left[pair] + 1],
                                          values, offsets[right[pair]],
                                          offsets[right[pair] + 1])
    return intersection


@kernel
def count_shared(left: ShingleValues, first: int, first_end: int, right: ShingleValues,
                 second: int, second_end: int) -> int:
    """How many values the ascending runs ``left[first:first_end]`` and
    ``right[second:second_end]`` (each without repeats) share, by one merge."""
    shared = 0
    while first < first_end and second < second_end:
        if left[first] < right[second]:
            first += 1
        elif left[first] > right[second]:
            second += 1
        else:
            shared += 1
            first += 1
            second += 1
    return shared
