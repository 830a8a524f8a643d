"""The numba kernels of ``newsdedup._index.paragraphs`` as they were when they were ported to C:
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
def _find_roots(parent: I64, nodes: I64) -> I64:
    """Union-find roots of ``nodes`` (halving the paths on the way)."""
    roots = np.empty(nodes.size, dtype=np.int64)
    for index in range(nodes.size):
        node = nodes[index]
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        roots[index] = node
    return roots


@kernel
def _walk(uids: I64, head: I64, following: I64, alive: npt.NDArray[np.bool_]) -> I64:
    """The live occurrences of ``uids``, following each uid's chain."""
    found = np.empty(16, dtype=np.int64)
    count = 0
    for uid in uids:
        occurrence = head[uid]
        while occurrence >= 0:
            if alive[occurrence]:
                if count == found.size:
                    grown = np.empty(2 * found.size, dtype=np.int64)
                    grown[:count] = found
                    found = grown
                found[count] = occurrence
                count += 1
            occurrence = following[occurrence]
    return found[:count].copy()
