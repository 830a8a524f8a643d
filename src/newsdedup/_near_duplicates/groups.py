"""Duplicate groups, guarded against chaining.

Duplicate links are not transitive: A~B and B~C does not make A~C, and a chain of
near-duplicates can wander from one text to a different one. Groups are therefore stars:
each is built around a *centre*, and every member has a *direct* duplicate link to it. A
centre *holds* the duplicates that are its near-duplicates or contained in it (not those it
is contained in); the article that holds the most articles (an original that each of its
reposts copies) is visited first; an article not yet grouped founds a group as its centre,
and every ungrouped article with a direct duplicate link to it joins. A chain wanders two
links at most (member, centre, member), and a text whose copies each edited a few words of it
(each a duplicate of it, not of each other) is one group. A short excerpt that several texts
contain (a lead that three wire versions share) holds none of them: it is never a centre,
and joins the first of them visited.

The group's canonical is its best member by the canonical rule (``canonical.RankKey``),
often the centre, not always: a repost published before its original is the canonical of the
group centred on that original. (Until 2026-12 groups were centred on their canonicals,
visited best-first: such a repost then founded a group that its original's other reposts,
edited in other words, could not join.)

Links are made between copy classes (``_near_duplicates.copies``), whose members are duplicates of
each other and have the same links: a class joins a group whole, so groups are built over classes,
visited by their best member, and the work grows with the classes, not the copies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from .canonical import RankKey

__all__ = ["GroupAssignment", "build_groups"]


@attrs.frozen(slots=True)
class GroupAssignment:
    """Groups as article numbers.

    Attributes:
        group_of: group number of each article.
        canonical: canonical article number of each group.
        members: article numbers of each group, canonical first, then by rank.
        centre: article number of each group's centre (see the module docstring): every
            other member is its direct duplicate (or its copy, in one copy class).
    """

    group_of: npt.NDArray[np.int64]
    canonical: tuple[int, ...]
    members: tuple[tuple[int, ...], ...]
    centre: tuple[int, ...]

    def reranked(self, keys: Sequence[RankKey]) -> GroupAssignment:
        """The same groups with each one's members ordered by ``keys``, the best its
        canonical.

        >>> groups = build_groups(3, [0, 1], [1, 2], [(0,), (1,), (2,)])
        >>> groups.reranked([(2,), (0,), (1,)]).canonical
        (1,)
        """
        members = tuple(tuple(sorted(group, key=keys.__getitem__)) for group in self.members)
        return attrs.evolve(self, canonical=tuple(group[0] for group in members),
                            members=members)

    def holding(self, articles: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """Which groups hold at least one of ``articles`` (a flag per article)."""
        held: npt.NDArray[np.bool_] = np.bincount(self.group_of[articles],
                                                  minlength=len(self.canonical)) > 0
        return held


def build_groups(n_articles: int, duplicate_a: Sequence[int], duplicate_b: Sequence[int],
                 keys: Sequence[RankKey], class_of: npt.NDArray[np.int64] | None = None, *,
                 a_holds_b: Sequence[bool] | None = None,
                 b_holds_a: Sequence[bool] | None = None) -> GroupAssignment:
    """Group articles in stars around centres (see the module docstring).

    ``duplicate_a[k]``, ``duplicate_b[k]`` are duplicate classes (``class_of[a]`` is article
    ``a``'s class, -1 for none; default: every article its own class); ``a_holds_b[k]``
    whether ``duplicate_b[k]`` is a near-duplicate of or contained in ``duplicate_a[k]``,
    ``b_holds_a[k]`` the other way round (default: both, for every link).

    >>> build_groups(3, [0, 1], [1, 2], [(0,), (1,), (2,)]).members
    ((0, 1, 2),)
    >>> build_groups(4, [0, 1, 2], [1, 2, 3], [(0,), (1,), (2,), (3,)]).members
    ((0, 1, 2), (3,))
    """
    if class_of is None:
        class_of = np.arange(n_articles, dtype=np.int64)
    n_links = len(duplicate_a)
    a_holds_b = [True] * n_links if a_holds_b is None else a_holds_b
    b_holds_a = [True] * n_links if b_holds_a is None else b_holds_a
    # Articles without a class are classes of their own, numbered after the real ones.
    node_of = class_of.copy()
    alone = np.flatnonzero(node_of < 0)
    n_classes = int(class_of.max(initial=-1)) + 1
    node_of[alone] = n_classes + np.arange(alone.size)
    n_nodes = n_classes + alone.size
    node_members: list[list[int]] = [[] for _ in range(n_nodes)]
    for article in sorted(range(n_articles), key=keys.__getitem__):
        node_members[int(node_of[article])].append(article)
    neighbours: dict[int, set[int]] = defaultdict(set)
    holds: dict[int, set[int]] = defaultdict(set)
    for left, right, left_holds, right_holds in zip(duplicate_a, duplicate_b, a_holds_b,
                                                    b_holds_a, strict=True):
        neighbours[left].add(right)
        neighbours[right].add(left)
        if left_holds:
            holds[left].add(right)
        if right_holds:
            holds[right].add(left)
    size = [len(members) for members in node_members]
    reach = [size[node] + sum(size[other] for other in holds.get(node, ()))
             for node in range(n_nodes)]
    grouped = np.zeros(n_nodes, dtype=bool)
    group_of = np.full(n_articles, -1, dtype=np.int64)
    canonical: list[int] = []
    members: list[tuple[int, ...]] = []
    centre: list[int] = []
    for node in sorted(range(n_nodes), key=lambda n: (-reach[n], keys[node_members[n][0]])):
        if grouped[node]:
            continue
        grouped[node] = True
        joined = list(node_members[node])
        for other in sorted(neighbours.get(node, ())):
            if not grouped[other]:
                grouped[other] = True
                joined.extend(node_members[other])
        joined.sort(key=keys.__getitem__)
        group_of[joined] = len(canonical)
        canonical.append(joined[0])
        members.append(tuple(joined))
        centre.append(node_members[node][0])
    return GroupAssignment(group_of, tuple(canonical), tuple(members), tuple(centre))
