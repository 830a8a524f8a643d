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

Candidates are found per band by sorting band keys, not by Python dicts: runs of equal keys
are buckets. A bucket of ``k`` members yields all ``k*(k-1)/2`` pairs while ``k`` is at most
``max_bucket``; beyond that it yields a star and a chain (linear in ``k``), which keeps every
member connected to the bucket while bounding the work on huge buckets.
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt

from ._arrays import pairs_in_runs
from ._hashing import fmix64

__all__ = ["candidate_pairs", "choose_bands", "collision_probability"]

I64 = npt.NDArray[np.int64]

_FALSE_POSITIVE_WEIGHT = 0.1
_FALSE_NEGATIVE_WEIGHT = 0.9
#: Required probability of finding a pair exactly at the threshold.
_MIN_RECALL = 0.9


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


def _band_keys(signatures: npt.NDArray[np.uint32], band: int, rows: int) -> npt.NDArray[np.uint64]:
    block = signatures[:, band * rows : (band + 1) * rows].astype(np.uint64)
    key = np.full(signatures.shape[0], np.uint64(band + 1), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in range(rows):
            key = fmix64(key * np.uint64(0x100000001B3) + block[:, column])
    return key


def candidate_pairs(
    signatures: npt.NDArray[np.uint32], bands: int, rows: int, max_bucket: int = 64
) -> npt.NDArray[np.int64]:
    """Unique candidate pairs ``(i, j)``, ``i < j``, of signature rows; shape ``(m, 2)``.

    >>> import numpy as np
    >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 7, 7]], dtype=np.uint32)
    >>> candidate_pairs(sig, bands=2, rows=2).tolist()
    [[0, 1]]
    """
    n_rows = signatures.shape[0]
    if bands * rows > signatures.shape[1]:
        raise ValueError(f"{bands} bands x {rows} rows exceed {signatures.shape[1]} values")
    found: list[I64] = []
    for band in range(bands):
        keys = _band_keys(signatures, band, rows)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        boundary = np.flatnonzero(np.diff(sorted_keys) != 0) + 1
        starts = np.concatenate([[0], boundary]).astype(np.int64)
        lengths = np.diff(np.concatenate([starts, [n_rows]])).astype(np.int64)
        multi = lengths > 1
        left, right = pairs_in_runs(starts[multi], lengths[multi], max_bucket)
        a, b = order[left], order[right]
        found.append(np.minimum(a, b) * n_rows + np.maximum(a, b))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    codes = np.unique(np.concatenate(found))
    return np.stack([codes // n_rows, codes % n_rows], axis=1).astype(np.int64)
