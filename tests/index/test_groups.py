"""_index.groups: a group stored as a header and one row per member reads back exactly."""

from __future__ import annotations

import pytest

from conftest import load_ecbplus, load_seeds
from newsdedup import Article, dedup
from newsdedup._corpora.synthetic import generate_corpus
from newsdedup._index.groups import join_group, part_key, split_group

SEEDS = load_seeds(dated=True)
RESULTS = [
    dedup([*SEEDS, Article("copy", SEEDS[1].text), Article("repost", SEEDS[3].text
                                                            + "\n\nRead original article here.")]),
    dedup(generate_corpus(300, seed=17, article_bytes=700, copies_rate=0.6,
                          n_aggregators=3).articles),
    dedup([Article(str(n), text["text"]) for n, text in enumerate(load_ecbplus()[:80])]),
]


@pytest.mark.parametrize("result", RESULTS, ids=["seeds", "synthetic", "ecbplus"])
def test_every_group_splits_and_joins_back_exactly(result: object) -> None:
    """Header and parts give back the group: members in order, relations, scores, and the
    provenance of every canonical paragraph (carriers sorted as the pipeline sorts them)."""
    groups = result.groups  # type: ignore[attr-defined]
    assert groups and all(len(group.members) >= 1 for group in groups)
    for group in groups:
        header, parts = split_group(group)
        assert set(parts) == set(group.member_ids) - {group.canonical_id}
        assert join_group(header, parts) == group


def test_a_member_joining_leaves_the_other_parts_as_they_were() -> None:
    """A fourth copy joining a group of three changes the header (new id, members) but not
    the parts of the members already there: only the newcomer's part is written."""
    text = SEEDS[2].text
    three = dedup([Article(f"c{n}", text, published=SEEDS[2].published) for n in range(3)])
    four = dedup([Article(f"c{n}", text, published=SEEDS[2].published) for n in range(4)])
    (before,), (after,) = three.groups, four.groups
    assert before.id != after.id and before.canonical_id == after.canonical_id
    old, new = split_group(before)[1], split_group(after)[1]
    assert {m: part_key(p) for m, p in new.items() if m in old} == {
        m: part_key(p) for m, p in old.items()}
    assert set(new) - set(old) == {"c3"}


def test_parts_that_do_not_fit_the_header_are_an_error() -> None:
    """A missing member part or a carrier of a paragraph the canonical lacks is a KeyError
    (the index reports it as damage)."""
    group = next(g for g in RESULTS[0].groups if len(g.members) > 1)
    header, parts = split_group(group)
    with pytest.raises(KeyError):
        join_group(header, {})
    member = next(iter(parts))
    broken = {**parts, member: {**parts[member], "carriers": [[999, 0, 1.0]]}}
    with pytest.raises(KeyError):
        join_group(header, broken)
