"""Greedy star grouping around centres (chains of two links at most)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup._near_duplicates.groups import build_groups


def test_members_link_directly_to_their_centre() -> None:
    """A chain 0-1-2-3-4-5 gives stars, never a chain: the inner links reach three articles
    each, the best-ranked first (0 and 2 around 1), then 3 with 4, then 5 alone."""
    groups = build_groups(6, [0, 1, 2, 3, 4], [1, 2, 3, 4, 5], [(n,) for n in range(6)])
    assert groups.members == ((0, 1, 2), (3, 4), (5,))
    assert groups.centre == (1, 3, 5)
    assert groups.canonical == (0, 3, 5)


def test_copies_edited_apart_group_around_their_original() -> None:
    """Reposts each a duplicate of their original only (edited in other words) form one
    group around it, whose canonical is the best-ranked member: here a repost ranked first
    (published before the original). Centred on canonicals, the first repost made a group of
    its own and the original another."""
    # 0: a repost published first; 1: the original; 2-5: its other reposts.
    groups = build_groups(6, [1, 1, 1, 1, 1], [0, 2, 3, 4, 5], [(n,) for n in range(6)])
    assert groups.members == ((0, 1, 2, 3, 4, 5),)
    assert groups.centre == (1,) and groups.canonical == (0,)


def test_article_joins_best_ranked_canonical() -> None:
    """An article linked to two canonicals joins the better-ranked one."""
    groups = build_groups(3, [0, 2], [1, 1], [(1,), (2,), (0,)])
    assert groups.group_of.tolist()[1] == groups.group_of.tolist()[2]


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 12).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                         max_size=3 * n))))
def test_every_member_is_linked_to_its_centre(case: tuple[int, list[tuple[int, int]]]) -> None:
    """Property: each member but the centre has a direct link to it; the canonical is the
    best-ranked member, listed first."""
    n, edges = case
    edges = [(a, b) for a, b in edges if a != b]
    links = {frozenset(edge) for edge in edges}
    groups = build_groups(n, [a for a, _ in edges], [b for _, b in edges],
                          [(k,) for k in range(n)])
    assert sorted(m for members in groups.members for m in members) == list(range(n))
    for canonical, centre, members in zip(groups.canonical, groups.centre, groups.members,
                                          strict=True):
        assert members[0] == canonical == min(members) and centre in members
        assert all(frozenset((centre, m)) in links for m in members if m != centre)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 10).flatmap(lambda n: st.tuples(
    st.lists(st.integers(-1, n - 1), min_size=n, max_size=n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=2 * n),
    st.permutations(range(n)))))
def test_grouping_classes_equals_grouping_their_copies(
        case: tuple[list[int], list[tuple[int, int]], list[int]]) -> None:
    """Property: classes linked by duplicates group exactly as their members would, each
    member linked to every copy of its class and to every member of a linked class."""
    class_of, class_edges, ranks = case
    n = len(class_of)
    used = sorted({c for c in class_of if c >= 0})
    renumber = {c: k for k, c in enumerate(used)}
    class_of = [renumber.get(c, -1) for c in class_of]
    class_edges = [(renumber[a], renumber[b]) for a, b in class_edges
                   if a in renumber and b in renumber and a != b]
    keys = [(rank,) for rank in ranks]
    by_class = build_groups(n, [a for a, _ in class_edges], [b for _, b in class_edges], keys,
                            np.array(class_of, dtype=np.int64))
    linked = {frozenset(edge) for edge in class_edges}
    article_edges = [(x, y) for x in range(n) for y in range(x + 1, n)
                     if class_of[x] >= 0 and class_of[y] >= 0 and (
                         class_of[x] == class_of[y]
                         or frozenset((class_of[x], class_of[y])) in linked)]
    by_article = build_groups(n, [x for x, _ in article_edges], [y for _, y in article_edges],
                              keys)
    assert by_class.members == by_article.members
    assert by_class.canonical == by_article.canonical
