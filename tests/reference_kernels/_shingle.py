"""The numba kernels of ``newsdedup._text.shingle`` as they were when they were ported to C:
references for tests/core/test_kernels.py (compiled by numba, see ``_jit``)."""
# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from typing import Any

from ._jit import kernel
from ._hashing import fmix64_scalar
from ._hashsort import sort_hashes

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
ShingleValues = npt.NDArray[np.uint32] | npt.NDArray[np.uint64]


_SHORT_SALT = np.uint64(0xD6E8FEB86659FD93)


_SET_SALT = np.uint64(0x2545F4914F6CDD1D)


_HALF = np.uint64(32)


@kernel
def _shingle_kernel(hashes: U64, token_start: npt.NDArray[np.int64], size: int,
                    position_keys: U64) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32]]:
    """Sorted distinct shingles of each paragraph (tokens ``token_start[p]:token_start[p+1]``).

    A full shingle at token ``i`` is the upper half of
    ``fmix64(sum(hashes[i + k] * position_keys[k]))``; a paragraph of ``0 < n < size`` tokens
    gets that of ``fmix64(sum(...over its n tokens) ^ n * salt)``.
    """
    n_paragraphs = token_start.size - 1
    capacity = 0
    for paragraph in range(n_paragraphs):
        count = token_start[paragraph + 1] - token_start[paragraph]
        capacity += max(count - size + 1, 1 if count > 0 else 0)
    values = np.empty(capacity, dtype=np.uint32)
    offsets = np.zeros(n_paragraphs + 1, dtype=np.int64)
    longest = 1
    for paragraph in range(n_paragraphs):
        longest = max(longest, token_start[paragraph + 1] - token_start[paragraph])
    scratch = np.empty(longest, dtype=np.uint32)
    buckets = np.empty(257, dtype=np.int64)
    written = 0
    for paragraph in range(n_paragraphs):
        first, stop = token_start[paragraph], token_start[paragraph + 1]
        count = stop - first
        if count >= size:
            for start in range(first, stop - size + 1):
                combined = np.uint64(0)
                for position in range(size):
                    combined += hashes[start + position] * position_keys[position]
                values[written + start - first] = np.uint32(fmix64_scalar(combined) >> _HALF)
            produced = count - size + 1
        elif count > 0:
            combined = np.uint64(0)
            for position in range(count):
                combined += hashes[first + position] * position_keys[position]
            values[written] = np.uint32(
                fmix64_scalar(combined ^ (np.uint64(count) * _SHORT_SALT)) >> _HALF)
            produced = 1
        else:
            produced = 0
        if produced > 1:
            block = values[written:written + produced]
            # Linear in the worst case too (a 100 MB paragraph, words chosen to crowd one
            # bucket): see _hashsort.
            sort_hashes(block, scratch, buckets)
            distinct = 1
            for index in range(1, produced):
                if block[index] != block[distinct - 1]:
                    block[distinct] = block[index]
                    distinct += 1
            produced = distinct
        written += produced
        offsets[paragraph + 1] = written
    # A view, not a copy: few n-grams repeat inside a paragraph, so little is left unused.
    return offsets, values[:written]


@kernel
def _fingerprint_kernel(offsets: npt.NDArray[np.int64], values: ShingleValues) -> U64:
    prints = np.empty(offsets.size - 1, dtype=np.uint64)
    for row in range(offsets.size - 1):
        total = np.uint64(0)
        for position in range(offsets[row], offsets[row + 1]):
            total += fmix64_scalar(np.uint64(values[position]) ^ _SET_SALT)
        prints[row] = fmix64_scalar(total + np.uint64(offsets[row + 1] - offsets[row]) * _SET_SALT)
    return prints
