"""The numba kernels of ``newsdedup._stories.rewrite`` as they were when they were ported to C:
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
def _cosine_block(indptr: npt.NDArray[np.int32], indices: npt.NDArray[np.int32], data: F64,
                  left: I64, right: I64) -> F64:
    """Dot products of rows ``left`` with rows ``right`` of a CSR matrix whose rows have
    sorted column indices (one merge per pair of rows: no transpose of the matrix)."""
    block = np.zeros((left.size, right.size))
    for i in range(left.size):
        for j in range(right.size):
            a, a_stop = indptr[left[i]], indptr[left[i] + 1]
            b, b_stop = indptr[right[j]], indptr[right[j] + 1]
            total = 0.0
            while a < a_stop and b < b_stop:
                if indices[a] < indices[b]:
                    a += 1
                elif indices[a] > indices[b]:
                    b += 1
                else:
                    total += data[a] * data[b]
                    a += 1
                    b += 1
            block[i, j] = total
    return block
