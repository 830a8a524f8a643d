"""Sorting small arrays of hash values inside compiled kernels.

Kernels sort many short runs (a paragraph's shingles, an article's distinct terms). Hash
values are spread evenly over their range, so scattering a run into buckets by its top bits
leaves it nearly sorted, and one insertion pass finishes it: linear in practice, and several
times faster than a general quicksort on such short runs.

That holds for short runs of evenly spread values only. A long run (a 10 MB paragraph) puts
thousands of values in each of the 256 buckets, and the hashes are not keyed, so words chosen
offline can put every value of a run in one bucket: either way the insertion pass turns
quadratic (minutes for one paragraph). The pass therefore counts its moves, and a run that
needs more than :data:`MOVES_PER_VALUE` per value is sorted again by a least-significant-digit
radix sort, linear whatever the values. Both orders are the sorted order (ties keep the input
order), so which one ran never shows in a result.
"""

from __future__ import annotations

from .. import _kernels
from .._kernels import sort_hashes, sort_slots_by_hash

__all__ = ["sort_hashes", "sort_slots_by_hash"]

#: Bucket counts are powers of two up to this (the ``buckets`` scratch needs one more).
MAX_BUCKETS: int = _kernels.HASHSORT_MAX_BUCKETS
#: Moves the insertion pass may make per value before the run is radix-sorted instead. Runs
#: of hash values up to a few thousand long stay well under it (a random run of 4,096 makes
#: ~4 moves a value); a radix sort costs about as much as 8 moves a value.
MOVES_PER_VALUE: int = _kernels.HASHSORT_MOVES_PER_VALUE
#: The linear fallback of both sorts (tests call it directly).
_radix_sort = _kernels.radix_sort

