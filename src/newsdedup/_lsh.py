"""Candidate pairs from MinHash signatures by LSH banding and band-key sorting.

Signatures are cut into ``bands`` bands of ``rows`` values. Two paragraphs become candidates
when all values of at least one band agree, which happens with probability
``1 - (1 - s**rows)**bands`` for Jaccard similarity ``s``: the S-curve.

Choosing bands and rows: :func:`choose_bands` picks the split of ``num_perm`` that minimizes
a weighted sum of the area under the S-curve below the threshold (false positives) and above
it (false negatives), like datasketch's ``MinHashLSH``, but with weights 0.1 / 0.9 and only
among splits that find a pair exactly at the threshold with probability >= 0.9: a missed pair
is lost for good, while a false candidate only costs one exact check in the verify step.
The band layout (band ``i`` = values ``i*rows .. (i+1)*rows - 1``) is datasketch's, so a
``MinHashLSH(params=(bands, rows))`` finds the same candidates.

Candidates are found per band by grouping equal band keys in a hash table (a compiled
kernel, linear in the rows; no sort): each group is a bucket. A bucket of ``k`` members
yields all ``k*(k-1)/2`` pairs while ``k`` is at most ``max_bucket``; beyond that (a wire
paragraph edited a thousand ways) every member is paired with the bucket's ``HUBS`` first
members and with its successor: linear in ``k``, every member connected to the bucket.
"First" is by the caller's ``priority`` (the pipeline passes the earliest, then smallest-id,
article carrying each paragraph), never by row number, so the pairs do not depend on the
input order, and the members most likely to be a group's canonical are the ones every other
member is compared with.
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt

from ._hashing import fmix64_scalar
from ._jit import kernel
from ._threads import map_in_threads, split_range

__all__ = ["candidate_pairs", "choose_bands", "collision_probability"]

I64 = npt.NDArray[np.int64]

_FALSE_POSITIVE_WEIGHT = 0.1
_FALSE_NEGATIVE_WEIGHT = 0.9
#: Required probability of finding a pair exactly at the threshold.
_MIN_RECALL = 0.9
#: Members of an oversized bucket that every other member is paired with.
HUBS = 8


def collision_probability(similarity: float, bands: int, rows: int) -> float:
    """Probability that a pair of Jaccard ``similarity`` becomes a candidate.

    >>> round(collision_probability(0.5, 20, 5), 3)
    0.47
    """
    return float(1.0 - (1.0 - similarity**rows) ** bands)


@functools.lru_cache(maxsize=64)
def choose_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """The ``(bands, rows)`` split of ``num_perm`` tuned for recall at ``threshold``.

    Among the splits that find a pair exactly at ``threshold`` with probability at least
    0.9 (when any does), the one with the smallest weighted error area wins.

    >>> choose_bands(0.3, 128)
    (32, 2)
    """
    grid_low = np.linspace(0.0, threshold, 201)
    grid_high = np.linspace(threshold, 1.0, 201)
    best: tuple[bool, float, int, int] | None = None
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_positive = np.trapezoid(1 - (1 - grid_low**rows) ** bands, grid_low)
            false_negative = np.trapezoid((1 - grid_high**rows) ** bands, grid_high)
            error = (_FALSE_POSITIVE_WEIGHT * false_positive
                     + _FALSE_NEGATIVE_WEIGHT * false_negative)
            misses_target = collision_probability(threshold, bands, rows) < _MIN_RECALL
            candidate = (misses_target, float(error), bands, rows)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
    assert best is not None  # num_perm >= 1 guarantees one candidate split
    return best[2], best[3]


def candidate_pairs(
    signatures: npt.NDArray[np.uint32], bands: int, rows: int, max_bucket: int = 64,
    workers: int = 1, priority: I64 | None = None,
) -> npt.NDArray[np.int64]:
    """Unique candidate pairs ``(i, j)``, ``i < j``, of signature rows; shape ``(m, 2)``.

    ``priority`` (one integer per row, smaller first; default: the row number) orders the
    members of a bucket larger than ``max_bucket`` (see the module docstring); ties are broken
    by row number. ``workers`` threads share the bands (the result does not depend on it).

    >>> import numpy as np
    >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 7, 7]], dtype=np.uint32)
    >>> candidate_pairs(sig, bands=2, rows=2).tolist()
    [[0, 1]]
    """
    n_rows = signatures.shape[0]
    if bands * rows > signatures.shape[1]:
        raise ValueError(f"{bands} bands x {rows} rows exceed {signatures.shape[1]} values")
    if n_rows < 2 or bands == 0:
        return np.zeros((0, 2), dtype=np.int64)
    matrix = np.ascontiguousarray(signatures[:, :bands * rows])
    order = (np.arange(n_rows, dtype=np.int64) if priority is None
             else np.argsort(priority, kind="stable").astype(np.int64))
    codes = np.unique(np.concatenate(map_in_threads(
        lambda part: _band_pair_codes(matrix, part[0], part[1], rows, max_bucket, order),
        split_range(bands, workers), workers)))
    return np.stack([codes // n_rows, codes % n_rows], axis=1).astype(np.int64)


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
