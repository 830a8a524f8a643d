"""The numba kernels of ``newsdedup._text.paragraphs`` as they were when they were ported to C:
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
def _line_spans(points: npt.NDArray[np.uint32] | npt.NDArray[np.uint8],
                latin1: npt.NDArray[np.uint8], breaks: npt.NDArray[np.uint32],
                spaces: npt.NDArray[np.uint32]) -> I64:
    """``(start, end)`` of every line of ``points`` that holds a non-space character,
    stripped of its leading and trailing spaces.

    ``latin1`` classes the first 256 code points (0: other, 1: space, 2: line break); above
    them, ``breaks`` and ``spaces`` (sorted) are searched.
    """
    spans = np.empty((points.size // 2 + 1, 2), dtype=np.int64)
    count = 0
    first = -1
    last = -1
    for position in range(points.size):
        point = points[position]
        if point < 256:
            kind = latin1[point]
        else:
            kind = 0
            index = np.searchsorted(breaks, point)
            if index < breaks.size and breaks[index] == point:
                kind = 2
            else:
                index = np.searchsorted(spaces, point)
                if index < spaces.size and spaces[index] == point:
                    kind = 1
        if kind == 0:
            if first < 0:
                first = position
            last = position
        elif kind == 2:
            if first >= 0:
                spans[count, 0] = first
                spans[count, 1] = last + 1
                count += 1
            first = -1
    if first >= 0:
        spans[count, 0] = first
        spans[count, 1] = last + 1
        count += 1
    return spans[:count].copy()
