"""What an add writes: only the rows that differ from the stored ones.

An add re-decides a neighbourhood of the index, but most of what it recomputes is what the
file already holds: a stored decision, match, group member or story record is rewritten
only when it differs (compared by a hash or key kept with it), and a match or member that
is no longer there is deleted. This is what keeps an add's writes proportional to what it
changes: a copy joining a group of thousands writes one match and one member row, and
each member's small decision row (its group id changed), not thousands of matches again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .integrity import damaged, keyed_check
from .neighbourhood import Neighbourhood
from .result import dumps, match_key, oriented_record, record_of
from .state import IndexState
from .store import IndexStore, Writes

__all__ = ["keyed_writes", "pair_writes", "unless_stored", "with_matches", "write_stats"]


def with_matches(store: IndexStore, article_id: str,
                 decision: Mapping[str, Any] | None) -> dict[str, Any]:
    """A stored decision with its matches: listed in it (an expired article keeps those of
    its last decision) or read from the ``matches`` table."""
    if decision is None:
        damaged(store.path, f"article {article_id!r} is stored without a decision")
    record = dict(decision)
    if "matches" not in record:
        record["matches"] = [oriented_record(match, article_id) for match in store.pairs_of(
            article_id, store.match_count(article_id))]
    return record


def write_stats(writes: Writes) -> dict[str, int]:
    """Rows and bytes one write stores (for benchmarks: what an add costs the file)."""
    text = (sum(len(row.record) + len(row.features) + len(row.lookup) for row in writes.upserts)
            + sum(len(row.decision or "") + len(row.boilerplate) for row in writes.states)
            + sum(len(record[0]) for rows in (writes.groups, writes.stories, writes.pairs)
                  for record in rows.values() if record is not None)
            + sum(len(change[0]) + len(change[1]) + len(change[2] or "") + len(change[3] or "")
                  for change in writes.changes))
    rows = (len(writes.upserts) + len(writes.states) + len(writes.expire)
            + len(writes.match_counts) + len(writes.groups) + len(writes.stories)
            + len(writes.pairs) + len(writes.changes))
    return {"rows_written": rows, "bytes_written": text}


def unless_stored(store: IndexStore, table: str, rows: dict[str, tuple[str, int] | None]
                   ) -> dict[str, tuple[str, int] | None]:
    """``rows`` but the records stored exactly so already."""
    stored = store.checks(table, [key for key, row in rows.items() if row is not None])
    return {key: row for key, row in rows.items()
            if row is None or stored.get(key) != keyed_check(key, row[0])}


def keyed_writes(stored: Mapping[tuple[str, str], int],
                  wanted: Mapping[tuple[str, str], Any], key_of: Callable[[Any], int]
                  ) -> dict[tuple[str, str], tuple[str, int] | None]:
    """Rows to write (JSON and key) where ``wanted`` differs from the ``stored`` keys, and
    to delete (None) where a stored row is no longer wanted."""
    writes: dict[tuple[str, str], tuple[str, int] | None] = dict.fromkeys(
        stored.keys() - wanted.keys())
    for pair, value in wanted.items():
        key = key_of(value)
        if stored.get(pair) != key:
            writes[pair] = (dumps(value), key)
    return writes


def pair_writes(memory: IndexState, store: IndexStore, nb: Neighbourhood, ids: Sequence[str],
                leaving: set[int]
                ) -> tuple[dict[tuple[str, str], tuple[str, int] | None], dict[str, int]]:
    """The match rows to write (or delete, None) and the new match counts of the articles
    they touch: every match of the run with an article of the core, against the stored
    matches of the core and of the articles leaving. Only those that differ are written.
    ``ids`` are the run's article ids, by position."""
    n_ids = len(memory.ids)
    core_ids = {ids[n] for n, slot in enumerate(nb.slots) if slot in nb.core}
    stored_ids = [ids[n] for n, slot in enumerate(nb.slots) if slot in nb.core and slot < n_ids]
    stored_ids += [memory.ids[slot] for slot in sorted(leaving)]
    stored = store.pair_keys(stored_ids)
    before: dict[str, int] = dict.fromkeys(stored_ids, 0)
    for a, b in stored:
        for side in (a, b):
            if side in before:
                before[side] += 1
    for article_id, count in before.items():
        slot = memory.slot_of[article_id]
        if memory.alive.values[slot] and count != memory.n_matches.values[slot]:
            damaged(store.path, f"article {article_id!r} has {count} stored matches, its row "
                                f"records {memory.n_matches.values[slot]}: rows were deleted "
                                f"or added")
    writes: dict[tuple[str, str], tuple[str, int] | None] = {}
    current: set[tuple[str, str]] = set()
    for match in nb.result.matches:
        if match.a in core_ids or match.b in core_ids:
            pair = (match.a, match.b)
            current.add(pair)
            key = match_key(match)
            if stored.get(pair) != key:
                writes[pair] = (dumps(record_of(match)), key)
    delta: dict[str, int] = {}
    for pair in stored.keys() - current:
        writes[pair] = None
        for side in pair:
            delta[side] = delta.get(side, 0) - 1
    for pair, record in writes.items():
        if record is not None and pair not in stored:
            for side in pair:
                delta[side] = delta.get(side, 0) + 1
    counts = {}
    for article_id, change in delta.items():
        if change:
            at = memory.slot_of.get(article_id)
            old = (int(memory.n_matches.values[at]) if at is not None
                   and memory.alive.values[at] else 0)
            counts[article_id] = old + change
    return writes, counts
