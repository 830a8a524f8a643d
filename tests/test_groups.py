"""Greedy canonical-centred grouping (no chaining)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup._groups import build_groups


def test_members_link_directly_to_their_canonical() -> None:
    """A chain 0-1-2-3 gives groups around the best-ranked ends, never a chain."""
    groups = build_groups(4, [0, 1, 2], [1, 2, 3], [(n,) for n in range(4)])
    assert groups.members == ((0, 1), (2, 3))
    assert groups.canonical == (0, 2)


def test_article_joins_best_ranked_canonical() -> None:
    """An article linked to two canonicals joins the better-ranked one."""
    groups = build_groups(3, [0, 2], [1, 1], [(1,), (2,), (0,)])
    assert groups.group_of.tolist()[1] == groups.group_of.tolist()[2]


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 12).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                         max_size=3 * n))))
def test_every_member_is_linked_to_canonical(case: tuple[int, list[tuple[int, int]]]) -> None:
    """Property: each non-canonical member has a direct link to its group's canonical."""
    n, edges = case
    edges = [(a, b) for a, b in edges if a != b]
    links = {frozenset(edge) for edge in edges}
    groups = build_groups(n, [a for a, _ in edges], [b for _, b in edges],
                          [(k,) for k in range(n)])
    assert sorted(m for members in groups.members for m in members) == list(range(n))
    for canonical, members in zip(groups.canonical, groups.members, strict=True):
        assert members[0] == canonical
        assert all(frozenset((canonical, m)) in links for m in members[1:])
