"""Exact set similarity of many candidate pairs at once.

LSH finds candidates by estimate; every reported similarity is computed here exactly from the
shingle sets: intersection size, Jaccard ``|A & B| / |A | B|`` and containment
``|A & B| / |A|`` in both directions. Shingle sets are sorted, so one compiled merge per
pair counts the shared shingles: linear in the two sets' sizes, no scratch memory.
"""

from __future__ import annotations

import attrs
import numpy as np

from .._core.types import F64, I64
from .._kernels import count_shared
from .._kernels import intersection_kernel as _intersection_kernel
from .._text.shingle import ShingleSets

__all__ = ["PairSimilarity", "count_shared", "pair_similarity"]


@attrs.frozen(slots=True)
class PairSimilarity:
    """Exact similarity of pairs ``(left[k], right[k])``.

    Attributes:
        left, right: row numbers of the two members of each pair.
        intersection: number of shared shingles.
        left_size, right_size: number of shingles of each member.
    """

    left: I64
    right: I64
    intersection: I64
    left_size: I64
    right_size: I64

    @property
    def jaccard(self) -> F64:
        """``|A & B| / |A | B|`` (0 for two empty sets)."""
        union = self.left_size + self.right_size - self.intersection
        result: F64 = np.divide(self.intersection, union, out=np.zeros(union.size),
                                where=union > 0)
        return result

    @property
    def left_in_right(self) -> F64:
        """Containment of the left member in the right one: ``|A & B| / |A|``."""
        return np.divide(self.intersection, self.left_size,
                         out=np.zeros(self.left_size.size), where=self.left_size > 0)

    @property
    def right_in_left(self) -> F64:
        """Containment of the right member in the left one: ``|A & B| / |B|``."""
        return np.divide(self.intersection, self.right_size,
                         out=np.zeros(self.right_size.size), where=self.right_size > 0)

    @property
    def smaller_contained(self) -> F64:
        """Containment of the smaller member in the larger one."""
        return np.maximum(self.left_in_right, self.right_in_left)


def pair_similarity(sets: ShingleSets, left: I64, right: I64) -> PairSimilarity:
    """Exact intersection sizes of the shingle sets of rows ``left[k]`` and ``right[k]``.

    >>> import numpy as np
    >>> from newsdedup._text.shingle import ShingleSets
    >>> sets = ShingleSets(np.array([0, 3, 5]), np.array([1, 2, 3, 2, 9], dtype=np.uint64))
    >>> sim = pair_similarity(sets, np.array([0]), np.array([1]))
    >>> sim.intersection.tolist(), sim.jaccard.round(2).tolist()
    ([1], [0.25])
    """
    left = np.ascontiguousarray(left, dtype=np.int64)
    right = np.ascontiguousarray(right, dtype=np.int64)
    sizes = sets.sizes
    intersection = _intersection_kernel(sets.offsets, sets.values, left, right)
    return PairSimilarity(left, right, intersection, sizes[left], sizes[right])

