"""The numba kernels of ``newsdedup._stories.candidates`` as they were when they were ported to C:
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
def _strongest_kernel(indptr: I64, data: F64, keep: int) -> npt.NDArray[np.bool_]:
    """Whether each entry is at or above its row's ``keep``-th largest value."""
    kept = np.ones(data.size, dtype=np.bool_)
    for row in range(indptr.size - 1):
        start, stop = indptr[row], indptr[row + 1]
        if stop - start <= keep:
            continue
        cut = np.partition(data[start:stop].copy(), stop - start - keep)[stop - start - keep]
        for entry in range(start, stop):
            if data[entry] < cut:
                kept[entry] = False
    return kept


@kernel
def _probe_kernel(indptr: I64, indices: npt.NDArray[np.int32], data: F64, postings: I64,
                  budget: int) -> npt.NDArray[np.bool_]:
    """Whether each row probes each of its entries: by weight per posting (a stable order:
    ties keep the row's term order) while the running total of postings stays in budget."""
    probed = np.zeros(data.size, dtype=np.bool_)
    for row in range(indptr.size - 1):
        start, stop = indptr[row], indptr[row + 1]
        if stop == start:
            continue
        value = np.empty(stop - start)
        for entry in range(start, stop):
            value[entry - start] = -(data[entry] / max(postings[indices[entry]], 1))
        order = np.argsort(value, kind="mergesort")
        total = 0
        for position in order:
            total += postings[indices[start + position]]
            if total <= budget:
                probed[start + position] = True
    return probed


@kernel
def _dot_kernel(indptr: I64, indices: npt.NDArray[np.int32], data: F64, rows: I64,
                cols: I64, n_columns: int) -> F64:
    # One merge of the two rows per pair (the compiled kernel's table of n_columns instead
    # must add the same products in the same order).
    result = np.zeros(rows.size)
    for pair in range(rows.size):
        first, first_end = indptr[rows[pair]], indptr[rows[pair] + 1]
        second, second_end = indptr[cols[pair]], indptr[cols[pair] + 1]
        total = 0.0
        while first < first_end and second < second_end:
            if indices[first] < indices[second]:
                first += 1
            elif indices[first] > indices[second]:
                second += 1
            else:
                total += data[first] * data[second]
                first += 1
                second += 1
        result[pair] = total
    return result
