"""_index.diff: an add writes only the rows that differ from the stored ones.

A copy of a story joining its group renames the group, so every member's decision changes;
but its matches and group parts do not. These tests pin what an add writes then: one match
and one member row for the newcomer, one small decision row per member, and nothing that
grows with the square of the group (each decision used to list every match, and the group
record every member's paragraphs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from newsdedup import Article, open_index
from newsdedup._corpora.synthetic import generate_corpus
from newsdedup._index.store import IndexStore, Writes

STORY = generate_corpus(1, seed=3, article_bytes=3000).articles[0]


def _copy(number: int, **changes: Any) -> Article:
    fields = {"id": f"copy-{number:04d}", "text": STORY.text, "source": f"s{number}.example",
              "published": STORY.published, **changes}
    return Article(**fields)


@pytest.fixture
def captured() -> list[Writes]:
    """The Writes of every add, as handed to the store."""
    writes: list[Writes] = []
    real = IndexStore.apply

    def apply(self: IndexStore, plan_writes: Writes, batch: int) -> None:
        writes.append(plan_writes)
        real(self, plan_writes, batch)

    with mock.patch.object(IndexStore, "apply", apply):
        yield writes


def test_a_copy_joining_a_group_writes_one_match_and_one_member(
        tmp_path: Path, captured: list[Writes]) -> None:
    """The 40th copy: one new match (to the canonical), one member row, the group header,
    and one decision per member (their group id changed); no other match or member row."""
    index = open_index(tmp_path / "news.db")
    for number in range(40):
        index.add([_copy(number)])
    last = captured[-1]
    assert list(last.pairs) == [("copy-0000", "copy-0039")]
    assert list(last.members) == [("copy-0000", "copy-0039")]
    assert len(last.states) == 40 and len(last.upserts) == 1
    assert sum(record is not None for record in last.groups.values()) == 1
    sizes = [len(row.decision or "") for row in last.states]
    assert max(sizes) < 2_000  # a decision does not list the group's matches


def test_what_an_add_writes_grows_linearly_with_the_group(
        tmp_path: Path, captured: list[Writes]) -> None:
    """Bytes handed to SQLite per add, at 40 and 80 copies: about twice as many (they grew
    four-fold per doubling when every decision listed every match)."""
    index = open_index(tmp_path / "news.db")
    written = {}
    for number in range(80):
        index.add([_copy(number)])
        written[number + 1] = index.last_stats["bytes_written"]
    assert 1.6 < written[80] / written[40] < 2.4
    assert index.last_stats["rows_written"] < 4 * 80


def test_an_earlier_copy_rewrites_the_rows_that_depend_on_the_canonical(
        tmp_path: Path, captured: list[Writes]) -> None:
    """An earlier copy becomes the canonical: every member's match and member row moves to
    it (deleted and written anew), and what is stored still reads back as dedup() says."""
    index = open_index(tmp_path / "news.db")
    for number in range(1, 11):
        index.add([_copy(number)])
    assert STORY.published is not None
    index.add([_copy(0, published=STORY.published.replace(year=STORY.published.year - 1))])
    last = captured[-1]
    assert sum(record is None for record in last.pairs.values()) == 9  # star to copy-0001
    assert sum(record is not None for record in last.pairs.values()) == 10  # star to copy-0000
    assert {member for (canonical, member), record in last.members.items()
            if record is not None} == {f"copy-{n:04d}" for n in range(1, 11)}
    (group,) = index.groups()
    assert group.canonical_id == "copy-0000" and len(group.members) == 11
    assert index.get("copy-0005").duplicate_of == ("copy-0000",)


def test_only_the_decisions_that_changed_are_written(
        tmp_path: Path, captured: list[Writes]) -> None:
    """Adds of other stories among stored ones: the decision rows an add writes are exactly
    those of the new articles and of the stored articles whose decision changed, and the
    match rows it writes those of the stored articles whose matches changed; an add of an
    identical article writes none."""
    background = list(generate_corpus(60, seed=5, article_bytes=800, copies_rate=0.4).articles)
    index = open_index(tmp_path / "news.db")
    index.add(background[:40])
    for start in range(40, 60, 5):
        ids = [a.id for a in background[:start]]
        new = {a.id for a in background[start:start + 5]}
        before = {key: index.get(key).to_record() for key in ids}
        index.add(background[start:start + 5])
        after = {key: index.get(key).to_record() for key in ids}
        changed = {key for key in ids if {**after[key], "matches": None} != {
            **before[key], "matches": None}}
        assert {row.id for row in captured[-1].states} == changed | new
        matched = {key for key in ids if after[key]["matches"] != before[key]["matches"]}
        assert {side for pair in captured[-1].pairs for side in pair} - new == matched
    index.add([background[0]])  # unchanged
    assert not captured[-1].states and not captured[-1].pairs and not captured[-1].groups
