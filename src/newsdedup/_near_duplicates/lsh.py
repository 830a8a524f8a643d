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

from .._core.arrays import sorted_unique
from .._core.threads import map_in_threads, split_range
from .._core.types import I64
from .._kernels import LSH_HUBS
from .._kernels import band_pair_codes as _band_pair_codes

__all__ = ["choose_bands", "collision_probability", "lsh_candidate_pairs"]


_FALSE_POSITIVE_WEIGHT = 0.1
_FALSE_NEGATIVE_WEIGHT = 0.9
#: Required probability of finding a pair exactly at the threshold.
_MIN_RECALL = 0.9
#: Members of an oversized bucket that every other member is paired with.
HUBS: int = LSH_HUBS


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


def lsh_candidate_pairs(
    signatures: npt.NDArray[np.uint32], bands: int, rows: int, max_bucket: int = 64,
    workers: int = 1, priority: I64 | None = None,
) -> npt.NDArray[np.int64]:
    """Unique candidate pairs ``(i, j)``, ``i < j``, of signature rows; shape ``(m, 2)``.

    ``priority`` (one integer per row, smaller first; default: the row number) orders the
    members of a bucket larger than ``max_bucket`` (see the module docstring); ties are broken
    by row number. ``workers`` threads share the bands (the result does not depend on it).

    >>> import numpy as np
    >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 7, 7]], dtype=np.uint32)
    >>> lsh_candidate_pairs(sig, bands=2, rows=2).tolist()
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
    codes = sorted_unique(np.concatenate(map_in_threads(
        lambda part: _band_pair_codes(matrix, part[0], part[1], rows, max_bucket, order),
        split_range(bands, workers), workers)))
    return np.stack([codes // n_rows, codes % n_rows], axis=1).astype(np.int64)

