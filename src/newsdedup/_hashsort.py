"""Sorting small arrays of hash values inside compiled kernels.

Kernels sort many short runs (a paragraph's shingles, an article's distinct terms). Hash
values are spread evenly over their range, so scattering a run into buckets by its top bits
leaves it nearly sorted, and one insertion pass finishes it: linear in practice, and several
times faster than numba's general quicksort on such short runs.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._jit import kernel

__all__ = ["sort_hashes", "sort_slots_by_hash"]

I64 = npt.NDArray[np.int64]
#: Bucket counts are powers of two up to this (the ``buckets`` scratch needs one more).
MAX_BUCKETS = 256


@kernel
def _bucket_bits(count: int) -> int:
    bits = 1
    while (1 << bits) < count and (1 << bits) < MAX_BUCKETS:
        bits += 1
    return bits


@kernel
def sort_hashes(values: npt.NDArray[np.unsignedinteger], scratch: npt.NDArray[np.unsignedinteger],
                buckets: I64) -> None:
    """Sort ``values`` in place (``scratch`` at least as long, ``buckets`` of 257 entries).

    >>> values = np.array([9, 2**63, 3, 2**62], dtype=np.uint64)
    >>> sort_hashes(values, np.empty(4, np.uint64), np.empty(257, np.int64))
    >>> values.tolist() == sorted(values.tolist())
    True
    """
    count = values.size
    if count < 2:
        return
    bits = _bucket_bits(count)
    shift = values.itemsize * 8 - bits
    buckets[:(1 << bits) + 1] = 0
    for value in values:
        buckets[(value >> shift) + 1] += 1
    for bucket in range(1 << bits):
        buckets[bucket + 1] += buckets[bucket]
    for value in values:
        bucket = value >> shift
        scratch[buckets[bucket]] = value
        buckets[bucket] += 1
    values[0] = scratch[0]
    for number in range(1, count):
        value = scratch[number]
        position = number
        while position > 0 and values[position - 1] > value:
            values[position] = values[position - 1]
            position -= 1
        values[position] = value


@kernel
def sort_slots_by_hash(slots: I64, keys: npt.NDArray[np.uint64], out: I64,
                       buckets: I64) -> None:
    """``out[:slots.size]``: ``slots`` ordered by ``keys[slot]`` (hash values).

    >>> keys = np.array([7, 2**63, 1], dtype=np.uint64)
    >>> out = np.empty(3, np.int64)
    >>> sort_slots_by_hash(np.array([0, 1, 2]), keys, out, np.empty(257, np.int64))
    >>> out.tolist()
    [2, 0, 1]
    """
    count = slots.size
    if count == 0:
        return
    bits = _bucket_bits(count)
    shift = np.uint64(64 - bits)
    buckets[:(1 << bits) + 1] = 0
    for slot in slots:
        buckets[(keys[slot] >> shift) + 1] += 1
    for bucket in range(1 << bits):
        buckets[bucket + 1] += buckets[bucket]
    for slot in slots:
        bucket = keys[slot] >> shift
        out[buckets[bucket]] = slot
        buckets[bucket] += 1
    for number in range(1, count):
        slot = out[number]
        key = keys[slot]
        position = number
        while position > 0 and keys[out[position - 1]] > key:
            out[position] = out[position - 1]
            position -= 1
        out[position] = slot
