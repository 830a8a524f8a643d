"""The numba kernels of ``newsdedup._near_duplicates.lsh`` as they were when they were ported to C:
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


HUBS = 8


@kernel
def _band_pair_codes(signatures: npt.NDArray[np.uint32], first_band: int, stop_band: int,
                     rows: int, max_bucket: int, order: I64) -> I64:
    """Pair codes ``i * n + j`` (``i < j``) of the buckets of bands ``first_band`` to
    ``stop_band - 1``, with repeats.

    Band ``b``'s key of a row hashes its values ``b*rows .. (b+1)*rows - 1`` (and ``b``); rows
    with equal keys form a bucket, grouped with a hash table, members in the order of
    ``order`` (rows by priority). A bucket of ``k <= max_bucket`` rows yields all its pairs, a
    bigger one pairs each member with the first ``HUBS`` members and with the next member.
    """
    n_rows = signatures.shape[0]
    capacity = 16
    while capacity < 2 * n_rows:
        capacity *= 2
    mask = np.uint64(capacity - 1)
    keys = np.empty(n_rows, dtype=np.uint64)
    slots = np.empty(capacity, dtype=np.int64)
    bucket_of = np.empty(n_rows, dtype=np.int64)
    bucket_key = np.empty(n_rows, dtype=np.uint64)
    out = np.empty(max(n_rows, 16), dtype=np.int64)
    written = 0
    for band in range(first_band, stop_band):
        for row in range(n_rows):
            key = np.uint64(band + 1)
            for column in range(band * rows, (band + 1) * rows):
                key = fmix64_scalar(key * np.uint64(0x100000001B3)
                                    + np.uint64(signatures[row, column]))
            keys[row] = key
        slots[:] = -1
        n_buckets = 0
        for row in range(n_rows):
            slot = np.int64(fmix64_scalar(keys[row]) & mask)
            while True:
                bucket = slots[slot]
                if bucket < 0:
                    slots[slot] = n_buckets
                    bucket_key[n_buckets] = keys[row]
                    bucket_of[row] = n_buckets
                    n_buckets += 1
                    break
                if bucket_key[bucket] == keys[row]:
                    bucket_of[row] = bucket
                    break
                slot = (slot + np.int64(1)) & np.int64(capacity - 1)
        # Members of each bucket in row order (a counting sort by bucket).
        starts = np.zeros(n_buckets + 1, dtype=np.int64)
        for row in range(n_rows):
            starts[bucket_of[row] + 1] += 1
        for bucket in range(n_buckets):
            starts[bucket + 1] += starts[bucket]
        fill = starts[:-1].copy()
        members = np.empty(n_rows, dtype=np.int64)
        for position in range(n_rows):
            row = order[position]
            members[fill[bucket_of[row]]] = row
            fill[bucket_of[row]] += 1
        for bucket in range(n_buckets):
            size = starts[bucket + 1] - starts[bucket]
            if size < 2:
                continue
            first = starts[bucket]
            # A small bucket: all pairs. A big one: every member with the hubs (the first
            # HUBS members, so hubs pair among themselves too) and with its successor.
            hubs = size if size <= max_bucket else min(HUBS, size)
            needed = hubs * size + size
            if written + needed > out.size:
                grown = np.empty(max(2 * out.size, written + needed), dtype=np.int64)
                grown[:written] = out[:written]
                out = grown
            for left in range(first, first + hubs):
                for right in range(left + 1, first + size):
                    out[written] = _pair_code(members[left], members[right], n_rows)
                    written += 1
            if size > max_bucket:
                for other in range(first + hubs, first + size - 1):
                    out[written] = _pair_code(members[other], members[other + 1], n_rows)
                    written += 1
    return out[:written].copy()


@kernel
def _pair_code(first: int, second: int, n_rows: int) -> int:
    """The code ``i * n + j`` of the pair of rows ``first`` and ``second`` (``i < j``)."""
    if first < second:
        return first * n_rows + second
    return second * n_rows + first
