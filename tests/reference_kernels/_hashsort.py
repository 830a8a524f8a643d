"""The numba kernels of ``newsdedup._core.hashsort`` as they were when they were ported to C:
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


MAX_BUCKETS = 256


MOVES_PER_VALUE = 8


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
