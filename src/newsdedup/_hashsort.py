"""Sorting small arrays of hash values inside compiled kernels.

Kernels sort many short runs (a paragraph's shingles, an article's distinct terms). Hash
values are spread evenly over their range, so scattering a run into buckets by its top bits
leaves it nearly sorted, and one insertion pass finishes it: linear in practice, and several
times faster than numba's general quicksort on such short runs.

That holds for short runs of evenly spread values only. A long run (a 10 MB paragraph) puts
thousands of values in each of the 256 buckets, and the hashes are not keyed, so words chosen
offline can put every value of a run in one bucket: either way the insertion pass turns
quadratic (minutes for one paragraph). The pass therefore counts its moves, and a run that
needs more than :data:`MOVES_PER_VALUE` per value is sorted again by a least-significant-digit
radix sort, linear whatever the values. Both orders are the sorted order (ties keep the input
order), so which one ran never shows in a result.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._jit import kernel

__all__ = ["sort_hashes", "sort_slots_by_hash"]

I64 = npt.NDArray[np.int64]
#: Bucket counts are powers of two up to this (the ``buckets`` scratch needs one more).
MAX_BUCKETS = 256
#: Moves the insertion pass may make per value before the run is radix-sorted instead. Runs
#: of hash values up to a few thousand long stay well under it (a random run of 4,096 makes
#: ~4 moves a value); a radix sort costs about as much as 8 moves a value.
MOVES_PER_VALUE = 8
#: Bits of one radix digit: the ``buckets`` scratch (257 entries) holds one digit's counts.
_DIGIT_BITS = 8


@kernel
def _bucket_bits(count: int) -> int:
    bits = 1
    while (1 << bits) < count and (1 << bits) < MAX_BUCKETS:
        bits += 1
    return bits


@kernel
def sort_hashes(values: npt.NDArray[np.unsignedinteger], scratch: npt.NDArray[np.unsignedinteger],
                buckets: I64) -> int:
    """Sort ``values`` in place (``scratch`` at least as long, ``buckets`` of 257 entries).

    Returns the moves made by the insertion pass, at most ``(MOVES_PER_VALUE + 1) * size``
    whatever the values (the work is bounded; tests count it).

    >>> values = np.array([9, 2**63, 3, 2**62], dtype=np.uint64)
    >>> moves = sort_hashes(values, np.empty(4, np.uint64), np.empty(257, np.int64))
    >>> values.tolist() == sorted(values.tolist())
    True
    """
    count = values.size
    if count < 2:
        return 0
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
    budget = MOVES_PER_VALUE * count
    moves = 0
    values[0] = scratch[0]
    for number in range(1, count):
        value = scratch[number]
        position = number
        while position > 0 and values[position - 1] > value:
            values[position] = values[position - 1]
            position -= 1
        values[position] = value
        moves += number - position
        if moves > budget:  # crowded buckets: finish in linear time (see the module docstring)
            values[:] = scratch[:count]
            _radix_sort(values, scratch[:count], buckets)
            break
    return moves


@kernel
def _digit_counts(keys: npt.NDArray[np.unsignedinteger], shift: int, counts: I64) -> bool:
    """Start offsets of each radix digit of ``keys`` in ``counts``; False if only one digit
    occurs (the pass would not move anything)."""
    counts[:(1 << _DIGIT_BITS) + 1] = 0
    for key in keys:
        counts[((key >> shift) & ((1 << _DIGIT_BITS) - 1)) + 1] += 1
    for digit in range(1 << _DIGIT_BITS):
        if counts[digit + 1] == keys.size:
            return False
        counts[digit + 1] += counts[digit]
    return True


@kernel
def _radix_pass(source: npt.NDArray[np.unsignedinteger], target: npt.NDArray[np.unsignedinteger],
                shift: int, counts: I64) -> bool:
    """Stable scatter of ``source`` into ``target`` by the digit at ``shift``; False if
    nothing moved (``target`` untouched)."""
    if not _digit_counts(source, shift, counts):
        return False
    for value in source:
        digit = (value >> shift) & ((1 << _DIGIT_BITS) - 1)
        target[counts[digit]] = value
        counts[digit] += 1
    return True


@kernel
def _radix_sort(values: npt.NDArray[np.unsignedinteger],
                scratch: npt.NDArray[np.unsignedinteger], counts: I64) -> None:
    """Sort ``values`` in place (``scratch`` as long): linear, whatever the values."""
    in_values = True
    for shift in range(0, values.itemsize * 8, _DIGIT_BITS):
        if in_values:
            moved = _radix_pass(values, scratch, shift, counts)
        else:
            moved = _radix_pass(scratch, values, shift, counts)
        if moved:
            in_values = not in_values
    if not in_values:
        values[:] = scratch


@kernel
def sort_slots_by_hash(slots: I64, keys: npt.NDArray[np.uint64], out: I64,
                       buckets: I64) -> int:
    """``out[:slots.size]``: ``slots`` ordered by ``keys[slot]`` (hash values), ties in the
    order of ``slots``. Returns the insertion pass's moves, as :func:`sort_hashes` does.

    >>> keys = np.array([7, 2**63, 1], dtype=np.uint64)
    >>> out = np.empty(3, np.int64)
    >>> moves = sort_slots_by_hash(np.array([0, 1, 2]), keys, out, np.empty(257, np.int64))
    >>> out.tolist()
    [2, 0, 1]
    """
    count = slots.size
    if count == 0:
        return 0
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
    budget = MOVES_PER_VALUE * count
    moves = 0
    for number in range(1, count):
        slot = out[number]
        key = keys[slot]
        position = number
        while position > 0 and keys[out[position - 1]] > key:
            out[position] = out[position - 1]
            position -= 1
        out[position] = slot
        moves += number - position
        if moves > budget:  # crowded buckets: finish in linear time (see the module docstring)
            _radix_sort_slots(slots, keys, out[:count], buckets)
            break
    return moves


@kernel
def _slot_radix_pass(source: I64, target: I64, keys: npt.NDArray[np.uint64], shift: int,
                     counts: I64) -> bool:
    """:func:`_radix_pass` of slots by their keys."""
    counts[:(1 << _DIGIT_BITS) + 1] = 0
    for slot in source:
        counts[((keys[slot] >> shift) & ((1 << _DIGIT_BITS) - 1)) + 1] += 1
    for digit in range(1 << _DIGIT_BITS):
        if counts[digit + 1] == source.size:
            return False
        counts[digit + 1] += counts[digit]
    for slot in source:
        digit = (keys[slot] >> shift) & ((1 << _DIGIT_BITS) - 1)
        target[counts[digit]] = slot
        counts[digit] += 1
    return True


@kernel
def _radix_sort_slots(slots: I64, keys: npt.NDArray[np.uint64], out: I64, counts: I64) -> None:
    """``out``: ``slots`` stably ordered by their keys, in linear time."""
    out[:] = slots
    spare = np.empty_like(out)
    in_out = True
    for shift in range(0, 64, _DIGIT_BITS):
        if in_out:
            moved = _slot_radix_pass(out, spare, keys, shift, counts)
        else:
            moved = _slot_radix_pass(spare, out, keys, shift, counts)
        if moved:
            in_out = not in_out
    if not in_out:
        out[:] = spare
