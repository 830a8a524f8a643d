"""Duplicate groups, guarded against chaining.

Duplicate links are not transitive: A~B and B~C does not make A~C, and a chain of
near-duplicates can wander from one text to a different one. Groups are therefore built
around their canonical: articles are visited best-first by the canonical rule; an article not
yet grouped founds a new group and becomes its canonical, and every ungrouped article with a
*direct* duplicate link to it joins. So every member is a near-duplicate of, contains, or is
contained in its group's canonical, and the canonical is the best member by the rule.

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
    """

    group_of: npt.NDArray[np.int64]
    canonical: tuple[int, ...]
    members: tuple[tuple[int, ...], ...]


def build_groups(n_articles: int, duplicate_a: Sequence[int], duplicate_b: Sequence[int],
                 keys: Sequence[RankKey], class_of: npt.NDArray[np.int64] | None = None
                 ) -> GroupAssignment:
    """Group articles around canonicals (see the module docstring).

    ``duplicate_a[k]``, ``duplicate_b[k]`` are duplicate classes (``class_of[a]`` is article
    ``a``'s class, -1 for none; default: every article its own class).

    >>> build_groups(3, [0, 1], [1, 2], [(0,), (1,), (2,)]).members
    ((0, 1), (2,))
    """
    if class_of is None:
        class_of = np.arange(n_articles, dtype=np.int64)
    # Articles without a class are classes of their own, numbered after the real ones.
    node_of = class_of.copy()
    alone = np.flatnonzero(node_of < 0)
    n_classes = int(class_of.max(initial=-1)) + 1
    node_of[alone] = n_classes + np.arange(alone.size)
    n_nodes = n_classes + alone.size
    node_members: list[list[int]] = [[] for _ in range(n_nodes)]
    for article in sorted(range(n_articles), key=keys.__getitem__):
        node_members[int(node_of[article])].append(article)
    neighbours: dict[int, list[int]] = defaultdict(list)
    for left, right in zip(duplicate_a, duplicate_b, strict=True):
        neighbours[left].append(right)
        neighbours[right].append(left)
    grouped = np.zeros(n_nodes, dtype=bool)
    group_of = np.full(n_articles, -1, dtype=np.int64)
    canonical: list[int] = []
    members: list[tuple[int, ...]] = []
    for node in sorted(range(n_nodes), key=lambda n: keys[node_members[n][0]]):
        if grouped[node]:
            continue
        grouped[node] = True
        joined_nodes = [node]
        for other in neighbours.get(node, ()):
            if not grouped[other]:
                grouped[other] = True
                joined_nodes.append(other)
        founder = node_members[node][0]
        others = sorted((m for n in joined_nodes for m in node_members[n] if m != founder),
                        key=keys.__getitem__)
        group_of[founder] = len(canonical)
        group_of[others] = len(canonical)
        canonical.append(founder)
        members.append((founder, *others))
    return GroupAssignment(group_of, tuple(canonical), tuple(members))
