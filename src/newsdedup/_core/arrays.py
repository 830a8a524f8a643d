"""Small numpy building blocks shared by the pipeline steps (runs, pairs, CSR gathers)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from .types import I64

__all__ = ["counts_before", "distinct_pairs", "gather_rows", "joined_offsets", "owner_offsets",
           "pairs_in_runs", "ranks", "sorted_unique"]

_Scalar = TypeVar("_Scalar", bound=np.generic)


def ranks(lengths: I64) -> I64:
    """``0..k-1`` for each run length ``k``, concatenated.

    >>> import numpy as np
    >>> ranks(np.array([3, 0, 2])).tolist()
    [0, 1, 2, 0, 1]
    """
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    return np.arange(total, dtype=np.int64) - np.repeat(ends - lengths, lengths)


def pairs_in_runs(starts: I64, lengths: I64, max_bucket: int) -> tuple[I64, I64]:
    """Positions of the pairs that runs ``[start, start + length)`` yield.

    A run of ``k <= max_bucket`` positions yields all ``k*(k-1)/2`` pairs; a longer one yields
    a star from its first position plus a chain through consecutive positions (``2k - 3``
    pairs), which keeps every position connected while the work stays linear.

    >>> import numpy as np
    >>> left, right = pairs_in_runs(np.array([0]), np.array([3]), max_bucket=8)
    >>> list(zip(left.tolist(), right.tolist()))
    [(0, 1), (0, 2), (1, 2)]
    """
    small = lengths <= max_bucket
    run_starts, run_lengths = starts[small], lengths[small]
    offset = ranks(run_lengths)
    element = np.repeat(run_starts, run_lengths) + offset
    remaining = np.repeat(run_lengths, run_lengths) - offset - 1
    left = np.repeat(element, remaining)
    right = left + 1 + ranks(remaining)
    big_starts, big_lengths = starts[~small], lengths[~small]
    member = np.repeat(big_starts, big_lengths - 1) + 1 + ranks(big_lengths - 1)
    star_left = np.repeat(big_starts, big_lengths - 1)
    chain_left = member[:-1][np.diff(member) == 1]
    return (np.concatenate([left, star_left, chain_left]),
            np.concatenate([right, member, chain_left + 1]))


def owner_offsets(owner: I64, count: int) -> I64:
    """CSR offsets of ``count`` rows from the row each entry belongs to (``owner``, sorted by
    row, each in ``0..count-1``): row ``r`` holds entries ``offsets[r]:offsets[r + 1]``.

    >>> owner_offsets(np.array([0, 0, 2]), 4).tolist()
    [0, 2, 2, 3, 3]
    """
    offsets = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=count), out=offsets[1:])
    return offsets


#: Flags read at a time by :func:`counts_before` (its temporaries: 8 bytes per set flag of one
#: block, not per flag of the whole array).
_COUNT_BLOCK = 1 << 24


def counts_before(flags: npt.NDArray[np.bool_], offsets: I64) -> I64:
    """How many of ``flags`` are set before each of ``offsets`` (ascending, within
    ``0..flags.size``): the CSR offsets of the set entries when ``offsets`` are the CSR offsets
    of rows of ``flags``. Block by block, from the set positions: no cumulative sum per flag
    (8 bytes a flag, gigabytes over the term entries of a million articles).

    >>> counts_before(np.array([True, False, True, True]), np.array([0, 1, 3, 4])).tolist()
    [0, 1, 2, 3]
    """
    counts = np.zeros(offsets.size, dtype=np.int64)
    before = 0
    for start in range(0, flags.size, _COUNT_BLOCK):
        stop = min(start + _COUNT_BLOCK, flags.size)
        positions = np.flatnonzero(flags[start:stop])
        first, last = np.searchsorted(offsets, [start, stop])
        counts[first:last] = before + np.searchsorted(positions, offsets[first:last] - start)
        before += positions.size
    counts[np.searchsorted(offsets, flags.size):] = before
    return counts


def joined_offsets(parts: Sequence[I64]) -> I64:
    """CSR offsets of consecutive parts joined (each part's offsets start at 0).

    >>> joined_offsets([np.array([0, 2, 3]), np.array([0, 1])]).tolist()
    [0, 2, 3, 4]
    """
    sizes = np.concatenate([np.diff(part) for part in parts])
    offsets = np.zeros(sizes.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    return offsets


def gather_rows(offsets: I64, rows: I64) -> tuple[I64, I64]:
    """Positions of all elements of CSR ``rows``, and the index into ``rows`` of each.

    >>> import numpy as np
    >>> positions, owner = gather_rows(np.array([0, 2, 2, 5]), np.array([2, 0]))
    >>> positions.tolist(), owner.tolist()
    ([2, 3, 4, 0, 1], [0, 0, 0, 1, 1])
    """
    starts = offsets[rows]
    lengths = offsets[rows + 1] - starts
    owner = np.repeat(np.arange(rows.size, dtype=np.int64), lengths)
    positions = np.repeat(starts, lengths) + ranks(lengths)
    return positions, owner


def sorted_unique(values: npt.NDArray[_Scalar], runs: bool = False) -> npt.NDArray[_Scalar]:
    """The sorted distinct values of an integer array (flattened): ``np.unique(values)``.

    By a sort and one comparison pass. numpy >= 2.3 answers a plain ``np.unique`` of integers
    through a hash table and then sorts, 10-20x slower on the millions of pair codes the
    pipeline makes (6.6M 64-bit codes: 7.4 s against 0.43 s; numpy 2.4.6).

    ``runs``: the values come mostly in ascending runs (pair codes made carrier by
    carrier): numpy's stable sort merges runs, ~4-10x faster there than its quicksort and
    ~20% slower on random values (the same 6.6M codes: 0.12 s against 0.44 s). The result
    is the same either way.

    >>> sorted_unique(np.array([3, 1, 3, 2, 1])).tolist()
    [1, 2, 3]
    >>> sorted_unique(np.array([1, 2, 3, 1, 2, 5]), runs=True).tolist()
    [1, 2, 3, 5]
    """
    flat = np.sort(np.ravel(values), kind="stable" if runs else None)
    if flat.size == 0:
        return flat
    keep = np.empty(flat.size, dtype=bool)
    keep[0] = True
    np.not_equal(flat[1:], flat[:-1], out=keep[1:])
    return flat[keep]


#: Largest value bound whose pair codes ``first * bound + second`` fit in an int64.
_CODE_BOUND = 3_037_000_499


def distinct_pairs(pairs: I64) -> I64:
    """The distinct rows of an ``(n, 2)`` array of non-negative integers, sorted:
    ``np.unique(pairs, axis=0)``, through one integer code per row when the values allow
    (numpy's row-wise unique sorts rows as bytes: 0.9 s of the 1.3 s the paragraph matches
    took on the reposts corpus at 20k, against 0.2 s).

    >>> distinct_pairs(np.array([[2, 1], [0, 5], [2, 1], [0, 3]])).tolist()
    [[0, 3], [0, 5], [2, 1]]
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    bound = int(pairs.max()) + 1 if pairs.size else 1
    if bound > _CODE_BOUND or (pairs.size and int(pairs.min()) < 0):
        found: I64 = np.unique(pairs, axis=0)
        return found
    codes = sorted_unique(pairs[:, 0] * np.int64(bound) + pairs[:, 1])
    return np.stack([codes // bound, codes % bound], axis=1)

