"""The numba kernels of ``newsdedup._near_duplicates.copy_families`` as they were when they were ported to C:
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
def _shared_weights(offsets: I64, cluster: I64, size: I64, a: I64, b: I64) -> I64:
    """For each class pair, the shingles of their shared clusters (the smaller side's)."""
    out = np.zeros(a.size, dtype=np.int64)
    for pair in range(a.size):
        left, left_stop = offsets[a[pair]], offsets[a[pair] + 1]
        right, right_stop = offsets[b[pair]], offsets[b[pair] + 1]
        total = 0
        while left < left_stop and right < right_stop:
            if cluster[left] < cluster[right]:
                left += 1
            elif cluster[left] > cluster[right]:
                right += 1
            else:
                # All entries of this cluster on each side.
                this = cluster[left]
                mine = 0
                while left < left_stop and cluster[left] == this:
                    mine += size[left]
                    left += 1
                theirs = 0
                while right < right_stop and cluster[right] == this:
                    theirs += size[right]
                    right += 1
                total += min(mine, theirs)
        out[pair] = total
    return out


def _related_pairs(offsets: I64, cluster: I64, size: I64, specific: I64, weight: I64, a: I64,
                   b: I64, share: float) -> npt.NDArray[np.bool_]:
    """The shared text of each pair with and without popular clusters (``_shared_weights``),
    then the family rule of ``_near_duplicates.copy_families`` over the arrays."""
    shared = _shared_weights(offsets, cluster, size, a, b)
    specific_shared = _shared_weights(offsets, cluster, specific, a, b)
    smaller = share * np.minimum(weight[a], weight[b])
    larger = share * np.maximum(weight[a], weight[b])
    return (shared >= smaller) & ((specific_shared >= smaller) | (shared >= larger))
