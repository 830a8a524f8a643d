"""The numba kernels of ``newsdedup._near_duplicates.minhash`` as they were when they were ported to C:
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


EMPTY_VALUE = np.uint32(0xFFFFFFFF)


@kernel
def _fmix32(value: np.uint32) -> np.uint32:
    mixed = np.uint32(value ^ (value >> np.uint32(16)))
    mixed = np.uint32(mixed * np.uint32(0x85EBCA6B))
    mixed = np.uint32(mixed ^ (mixed >> np.uint32(13)))
    mixed = np.uint32(mixed * np.uint32(0xC2B2AE35))
    return np.uint32(mixed ^ (mixed >> np.uint32(16)))


@kernel
def _signature_kernel(offsets: npt.NDArray[np.int64], values: U32, rows: npt.NDArray[np.int64],
                      a: U32, b: U32, out: U32) -> None:
    """Fill ``out[k]`` with the minimum of ``a * fmix32(value) + b`` over the (32-bit) shingles
    of row ``rows[k]`` (uint32 arithmetic, wrapping), or EMPTY_VALUE if it has none."""
    num_perm = a.size
    for number in range(rows.size):
        row = rows[number]
        signature = out[number]
        signature[:] = EMPTY_VALUE
        for position in range(offsets[row], offsets[row + 1]):
            mixed = _fmix32(values[position])
            for permutation in range(num_perm):
                permuted = np.uint32(a[permutation] * mixed + b[permutation])
                if permuted < signature[permutation]:
                    signature[permutation] = permuted
