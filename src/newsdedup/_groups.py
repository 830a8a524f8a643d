"""Duplicate groups, guarded against chaining.

Duplicate links are not transitive: A~B and B~C does not make A~C, and a chain of
near-duplicates can wander from one text to a different one. Groups are therefore built
around their canonical: articles are visited best-first by the canonical rule; an article not
yet grouped founds a new group and becomes its canonical, and every ungrouped article with a
*direct* duplicate link to it joins. So every member is a near-duplicate of, contains, or is
contained in its group's canonical, and the canonical is the best member by the rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from ._canonical import RankKey

__all__ = ["GroupAssignment", "build_groups"]


@attrs.frozen(slots=True)
class GroupAssignment:
    """Groups as article numbers.

    Attributes:
        group_of: group number of each article.
        canonical: canonical article number of each group.
        members: article numbers of each group, canonical first, then by rank.
    """

    group_of: npt.NDArray[np.int64]
    canonical: tuple[int, ...]
    members: tuple[tuple[int, ...], ...]


def build_groups(n_articles: int, duplicate_a: Sequence[int], duplicate_b: Sequence[int],
                 keys: Sequence[RankKey]) -> GroupAssignment:
    """Group articles around canonicals (see the module docstring).

    >>> build_groups(3, [0, 1], [1, 2], [(0,), (1,), (2,)]).members
    ((0, 1), (2,))
    """
    neighbours: dict[int, list[int]] = defaultdict(list)
    for left, right in zip(duplicate_a, duplicate_b, strict=True):
        neighbours[left].append(right)
        neighbours[right].append(left)
    order = sorted(range(n_articles), key=keys.__getitem__)
    group_of = np.full(n_articles, -1, dtype=np.int64)
    canonical: list[int] = []
    members: list[tuple[int, ...]] = []
    for article in order:
        if group_of[article] >= 0:
            continue
        number = len(canonical)
        group_of[article] = number
        joined = [article]
        for other in sorted(neighbours.get(article, ()), key=keys.__getitem__):
            if group_of[other] < 0:
                group_of[other] = number
                joined.append(other)
        canonical.append(article)
        members.append(tuple(joined))
    return GroupAssignment(group_of, tuple(canonical), tuple(members))
