"""The numba kernels of ``newsdedup._text.tokenize`` as they were when they were ported to C:
references for tests/core/test_kernels.py (compiled by numba, see ``_jit``)."""
# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from typing import Any

from ._jit import kernel
from ._hashing import fmix64_scalar

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
ShingleValues = npt.NDArray[np.uint32] | npt.NDArray[np.uint64]


_Q = np.uint64(pow(0x100000001B3, -1, 2**64))


_SPACE, _NEWLINE = 0x20, 0x0A


_LENGTH_SALT = np.uint64(0x9E3779B97F4A7C15)


@kernel
def _hash_token_kernel(raw: npt.NDArray[np.uint8]) -> tuple[U64, npt.NDArray[np.int64]]:
    """Token hashes and paragraph numbers of ``raw`` (see :func:`hash_token_bytes`).

    A token of bytes ``v[0..n-1]`` hashes to ``fmix64(sum((v[j] + 1) * Q**j) ^ n * SALT)``
    modulo 2**64 (the polynomial described in the module docstring).
    """
    count = 0
    inside = False
    for byte in raw:
        in_token = byte != _SPACE and byte != _NEWLINE
        if in_token and not inside:
            count += 1
        inside = in_token
    hashes = np.empty(count, dtype=np.uint64)
    paragraph = np.empty(count, dtype=np.int64)
    token = 0
    current = 0
    position = 0
    size = raw.size
    while position < size:
        byte = raw[position]
        if byte == _NEWLINE:
            current += 1
            position += 1
            continue
        if byte == _SPACE:
            position += 1
            continue
        polynomial = np.uint64(0)
        power = np.uint64(1)
        start = position
        while position < size and raw[position] != _SPACE and raw[position] != _NEWLINE:
            polynomial += (np.uint64(raw[position]) + np.uint64(1)) * power
            power *= _Q
            position += 1
        length = np.uint64(position - start)
        hashes[token] = fmix64_scalar(polynomial ^ (length * _LENGTH_SALT))
        paragraph[token] = current
        token += 1
    return hashes, paragraph
