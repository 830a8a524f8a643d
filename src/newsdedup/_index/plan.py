"""One add, planned: what to store, which decisions and records change, which events to log.

Planning reads the file and the in-memory index but changes neither: the driver applies the
:class:`Plan`'s writes in one transaction and only then the memory changes, so a failed or
killed add leaves both as they were, and a query is a plan that is never applied.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import partial
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .._core.config import DedupConfig
from .._core.errors import InputError
from .._core.hashing import digest64
from .._near_duplicates.canonical import CanonicalKey
from .._text.article import Article, coerce_articles
from .._text.features import Features
from .blobs import Lookup, encode_article
from .diff import keyed_writes, pair_writes, unless_stored, with_matches, write_stats
from .groups import part_key, split_group
from .integrity import checked, damaged, text_hash
from .neighbourhood import Neighbourhood, run_neighbourhood
from .place import Incoming, place_articles
from .result import (
    AddResult,
    IndexChange,
    decision_from_record,
    decision_records,
    dumps,
    record_of,
    stored_boilerplate,
)
from .state import IndexState
from .store import STATE_FIELDS, ArticleRow, DecisionRow, IndexStore, Writes

__all__ = ["Plan", "apply_plan", "dumps", "plan_add", "plan_refresh", "with_matches"]

_NO_STATE: tuple[str | None, ...] = (None, None, None, None)


def _record(article: Article) -> str:
    try:
        return dumps(article.to_dict())
    except (TypeError, ValueError) as error:
        raise InputError(f"article {article.id!r}: extra fields must be JSON values to be "
                         f"stored in an index ({error})") from error


def _hash(text: str) -> int:
    return text_hash(text)


def _state(decision: Mapping[str, Any]) -> tuple[str | None, ...]:
    return tuple(decision[field] for field in STATE_FIELDS)


def _decision_row(article_id: str, state: tuple[str | None, ...], record: Mapping[str, Any],
                  digest: bool) -> DecisionRow:
    """The ``decisions`` row of an article's decision ``record`` with ``state``."""
    encoded = dumps(record)
    return DecisionRow(article_id, state, encoded, stored_boilerplate(record), digest,
                       _hash(encoded))


@attrs.frozen(slots=True)
class StateWrite:
    """A decision to store for one article (by slot; new articles by their new slot)."""

    slot: int
    row: DecisionRow


@attrs.frozen(slots=True)
class Plan:
    """An add (or query) ready to apply: the result, the writes and the memory changes."""

    outcome: AddResult
    writes: Writes
    leaving: list[int]
    incoming: Incoming
    new_ids: list[str]
    new_published: list[float | None]
    new_lookups: list[Lookup]
    new_lookup_hashes: list[int]
    new_features: list[Features]
    states: list[StateWrite]
    stats: dict[str, Any]


def _timestamp(article: Article) -> float | None:
    return article.published.timestamp() if article.published is not None else None


def _post_fix(record: dict[str, Any], frozen: Mapping[int, int]) -> None:
    """Report paragraphs of frozen clusters as the recurring boilerplate they were decided."""
    entries = {entry["index"]: entry for entry in record["boilerplate_paragraphs"]}
    for index, families in frozen.items():
        entries[index] = {"index": index, "reason": "recurring", "families": families}
    record["boilerplate_paragraphs"] = [entries[index] for index in sorted(entries)]


def plan_add(memory: IndexState, store: IndexStore, config: DedupConfig,
             canonical_key: CanonicalKey | None, retention_days: float | None,
             items: Iterable[Article | Mapping[str, Any]], batch: int, query: bool) -> Plan:
    """Plan the add of ``items`` (or, with ``query``, what it would answer)."""
    incoming = coerce_articles(items)
    records = {article.id: _record(article) for article in incoming}
    stored = store.records_text(records)
    status = {article.id: "query" if query else "added" if article.id not in stored
              else "unchanged" if stored[article.id] == records[article.id] else "updated"
              for article in incoming}
    changed = [article for article in incoming if status[article.id] != "unchanged"]
    alive = memory.alive.values
    replaced = {memory.slot_of[a.id] for a in changed
                if a.id in memory.slot_of and alive[memory.slot_of[a.id]]}
    expired, late = _expiry(memory, retention_days, changed, replaced)
    main = [article for article in changed if article.id not in late]
    leaving = expired | replaced
    leaving_list = sorted(leaving)
    leaving_terms = [_terms(part) for part in memory.features(store, leaving_list)]
    inc, lookups = place_articles(memory, store, main, config, leaving_terms)
    nb = run_neighbourhood(memory, store, inc, leaving, config, canonical_key)
    decided = _decided(memory, nb, {article.id for article in main})
    new_features = list(inc.parts)
    late_decisions: dict[str, dict[str, Any]] = {}
    late_articles = [article for article in changed if article.id in late]
    if late_articles:  # decided against the retained articles, then stored as expired
        both, both_lookups = place_articles(memory, store, main + late_articles, config,
                                            leaving_terms)
        late_run = run_neighbourhood(memory, store, both, leaving, config, canonical_key)
        late_decisions = {key: {**value[0], "expired": True} for key, value in
                          _decided(memory, late_run, late).items() if key in late}
        lookups += both_lookups[len(main):]
        new_features += both.parts[len(main):]
    writes, states, changes = _writes(memory, store, nb, decided, expired, late_decisions,
                                      query, leaving)
    stored_decisions = store.decisions([a.id for a in incoming if status[a.id] == "unchanged"])
    decisions = []
    for article in incoming:
        if article.id in late_decisions:
            record = late_decisions[article.id]
        elif status[article.id] != "unchanged":
            record = decided[article.id][0]
        else:
            record = with_matches(store, article.id, stored_decisions[article.id])
            if memory.slot_of.get(article.id) in expired:
                record["expired"] = True
        decisions.append(checked(store.path, f"the stored decision of article "
                                             f"{article.id!r}",
                                 partial(decision_from_record, record, status[article.id])))
    stored_articles = main + late_articles
    upserts = [] if query else [
        ArticleRow(article.id, records[article.id], _timestamp(article),
                   encode_article(part, article.id), lookup.encode(article.id))
        for article, part, lookup in zip(stored_articles, new_features, lookups, strict=True)]
    writes = attrs.evolve(writes, upserts=upserts,
                          expire=sorted(memory.ids[slot] for slot in expired) + sorted(late))
    # An add's events are read back from the log with their sequence numbers; a dry run
    # reports what it would log, numbered 0.
    outcome = AddResult(tuple(decisions), tuple(IndexChange(0, batch, *change)
                                                for change in changes) if query else ())
    return Plan(
        outcome, writes, leaving_list, inc,
        [article.id for article in main], [_timestamp(article) for article in main],
        lookups[:len(main)], [digest64(row.lookup) for row in upserts[:len(main)]],
        new_features[:len(main)], states,
        {"core": len(nb.core), "run": len(nb.slots), "rounds": nb.rounds, "full": nb.full,
         "settled": nb.settled, **write_stats(writes)})


def plan_refresh(memory: IndexState, store: IndexStore, config: DedupConfig,
                 canonical_key: CanonicalKey | None, batch: int) -> Plan:
    """Plan a full recomputation from the stored features (no new article)."""
    inc, _ = place_articles(memory, store, [], config, [])
    nb = run_neighbourhood(memory, store, inc, set(), config, canonical_key, full=True)
    writes, states, changes = _writes(memory, store, nb, _decided(memory, nb, set()), set(),
                                      {}, False, set())
    outcome = AddResult((), tuple(IndexChange(0, batch, *change) for change in changes))
    return Plan(outcome, writes, [], inc, [], [], [], [], [], states,
                {"core": len(nb.core), "run": len(nb.slots), "rounds": 1, "full": True,
                 "settled": True, **write_stats(writes)})


def _terms(features: Features) -> npt.NDArray[np.unsignedinteger]:
    terms: npt.NDArray[np.unsignedinteger] = features.terms
    return terms


def _expiry(memory: IndexState, retention_days: float | None, changed: Sequence[Article],
            replaced: set[int]) -> tuple[set[int], set[str]]:
    """Stored slots that leave the retention window with this add, and incoming ids that
    arrive already outside it."""
    if retention_days is None:
        return set(), set()
    alive = memory.alive.values.copy()
    alive[list(replaced)] = False
    published = memory.published.values
    dates = [float(np.nanmax(published[alive]))] if np.any(alive & ~np.isnan(published)) else []
    dates += [stamp for article in changed if (stamp := _timestamp(article)) is not None]
    if not dates:
        return set(), set()
    cutoff = max(dates) - retention_days * 86400.0
    with np.errstate(invalid="ignore"):
        expired = set(np.flatnonzero(alive & (published < cutoff)).tolist())
    late = {article.id for article in changed
            if (stamp := _timestamp(article)) is not None and stamp < cutoff}
    return expired, late


def _decided(memory: IndexState, nb: Neighbourhood, listed: Collection[str]
             ) -> dict[str, tuple[dict[str, Any], int]]:
    """``{id: (decision record, position in the run)}`` of the core and story region; the
    records of ``listed`` articles include their matches."""
    ids = _run_ids(memory, nb)
    wanted = {ids[n] for n, slot in enumerate(nb.slots) if slot in nb.region}
    records = decision_records(nb.result, only=wanted, with_matches=listed)
    out = {}
    for position, article_id in enumerate(ids):
        if article_id in records:
            record = records[article_id]
            if position in nb.frozen_paragraphs:
                _post_fix(record, nb.frozen_paragraphs[position])
            out[article_id] = (record, position)
    return out


def _run_ids(memory: IndexState, nb: Neighbourhood) -> list[str]:
    """The id of each article of the run, by position."""
    first_new = len(memory.ids)
    return [memory.ids[slot] if slot < first_new else nb.result.articles[n].id
            for n, slot in enumerate(nb.slots)]


def _writes(memory: IndexState, store: IndexStore, nb: Neighbourhood,
            decided: dict[str, tuple[dict[str, Any], int]], expired: set[int],
            late: dict[str, dict[str, Any]], query: bool, leaving: set[int]
            ) -> tuple[Writes, list[StateWrite], list[tuple[str, str, str | None, str | None]]]:
    """The decisions, group and story records, matches and events a neighbourhood run
    changes (``leaving``: the stored articles that leave with it, ``expired`` among them):
    only those that differ from what is stored are written.

    1. Decisions (:func:`_decision_writes`): each decided article's, when it differs from the
       stored one; the expired articles' last ones; the late ones; and the events.
    2. Group records (:func:`_group_writes`): of the groups the run made or changed, deleted
       ones, and those whose story changed outside the run's core; their member rows.
    3. Story records (:func:`_story_writes`).
    4. Matches and match counts (``_index.diff.pair_writes``).

    A query (``query``) computes the events only: what the add would log.
    """
    if query:
        return Writes(), [], _query_changes(memory, nb, decided, expired)
    states, changes, new_group_ids, new_story_ids, patched_groups = _decision_writes(
        memory, store, nb, decided, expired, late)
    groups, member_writes = _group_writes(memory, store, nb, leaving, new_group_ids,
                                          patched_groups)
    stories = _story_writes(memory, nb, decided, leaving, new_story_ids)
    pairs, match_counts = pair_writes(memory, store, nb, _run_ids(memory, nb), leaving)
    writes = Writes(states=[state.row for state in states],
                    groups=unless_stored(store, "groups", groups),
                    stories=unless_stored(store, "stories", stories),
                    pairs=pairs, members=member_writes, match_counts=match_counts,
                    changes=changes)
    return writes, [s for s in states if s.slot >= 0 and s.slot not in expired], changes


def _query_changes(memory: IndexState, nb: Neighbourhood,
                   decided: dict[str, tuple[dict[str, Any], int]], expired: set[int]
                   ) -> list[tuple[str, str, str | None, str | None]]:
    """The events an add would log (a query writes nothing)."""
    changes: list[tuple[str, str, str | None, str | None]] = []
    n_ids = len(memory.ids)
    for article_id, (record, position) in decided.items():
        slot = nb.slots[position]
        old_state = memory.state[slot] if slot < n_ids else _NO_STATE
        new_state = (_state(record) if slot in nb.core
                     else (old_state[0], record["story_id"], old_state[2],
                           record["story_canonical_id"]))
        changes.extend((article_id, field, old, new) for field, old, new
                       in zip(STATE_FIELDS, old_state, new_state, strict=True)
                       if old != new)
    changes.extend((memory.ids[slot], "expired", None, None) for slot in sorted(expired))
    return changes


def _decision_writes(memory: IndexState, store: IndexStore, nb: Neighbourhood,
                     decided: dict[str, tuple[dict[str, Any], int]], expired: set[int],
                     late: dict[str, dict[str, Any]]
                     ) -> tuple[list[StateWrite], list[tuple[str, str, str | None, str | None]],
                                set[str | None], set[str | None], dict[str, str]]:
    """The decision rows to write and the events; the group and story ids the decided
    articles now have, and the groups outside the core whose story changed (their new
    story id)."""
    changes: list[tuple[str, str, str | None, str | None]] = []
    states: list[StateWrite] = []
    n_ids = len(memory.ids)
    slot_of_position = nb.slots
    patch_ids = [article_id for article_id, (_, position) in decided.items()
                 if slot_of_position[position] not in nb.core]
    old_decisions = store.decisions(patch_ids + [memory.ids[s] for s in expired])
    new_group_ids: set[str | None] = set()
    new_story_ids: set[str | None] = set()
    patched_groups: dict[str, str] = {}
    for article_id, (record, position) in decided.items():
        slot = slot_of_position[position]
        old_state = memory.state[slot] if slot < n_ids else _NO_STATE
        if slot not in nb.core:  # story region only: keep the group, take the story
            stored = old_decisions.get(article_id)
            if stored is None:
                damaged(store.path, f"article {article_id!r} is stored without a decision")
            stored = dict(stored)
            stored["story_id"], stored["story_canonical_id"] = (record["story_id"],
                                                                record["story_canonical_id"])
            if stored["story_id"] != old_state[1] and stored.get("group_id") is not None:
                patched_groups[stored["group_id"]] = stored["story_id"]
            record = stored
        else:  # its matches are rows of their own
            record = {key: value for key, value in record.items() if key != "matches"}
        new_state = checked(store.path, f"the stored decision of article {article_id!r}",
                            partial(_state, record))
        new_group_ids.add(new_state[0])
        new_story_ids.add(new_state[1])
        row = _decision_row(article_id, new_state, record, bool(record["is_digest"]))
        if slot >= n_ids or row.decision_hash != memory.decision_hash.values[slot]:
            states.append(StateWrite(slot, row))
        changes.extend((article_id, field, old, new) for field, old, new
                       in zip(STATE_FIELDS, old_state, new_state, strict=True) if old != new)
    for slot in sorted(expired):
        # Its last decision stays readable, its matches in it (their rows go).
        article_id = memory.ids[slot]
        record = {**with_matches(store, article_id, old_decisions.get(article_id)),
                  "expired": True}
        states.append(StateWrite(slot, _decision_row(article_id, memory.state[slot], record,
                                                     bool(record.get("is_digest")))))
        changes.append((article_id, "expired", None, None))
    for article_id, record in late.items():
        states.append(StateWrite(-1, _decision_row(article_id, _state(record), record,
                                                   bool(record["is_digest"]))))
        changes.extend((article_id, field, None, new) for field, new
                       in zip(STATE_FIELDS, _state(record), strict=True) if new is not None)
    return states, changes, new_group_ids, new_story_ids, patched_groups


def _group_writes(memory: IndexState, store: IndexStore, nb: Neighbourhood, leaving: set[int],
                  new_group_ids: set[str | None], patched_groups: dict[str, str]
                  ) -> tuple[dict[str, tuple[str, int] | None],
                             dict[tuple[str, str], tuple[str, int] | None]]:
    """Group headers to store (None: delete) and the member rows that change. The groups
    of the articles leaving (expired, or replaced by a new version: the run's core holds
    their other members, never them) are among the old ones: a group all of whose members
    were replaced is deleted, not left behind."""
    n_ids = len(memory.ids)
    old_group_ids = {memory.state[s][0] for s in nb.core if s < n_ids} | {
        memory.state[s][0] for s in leaving}
    deleted = {key for key in old_group_ids - new_group_ids if key is not None}
    groups: dict[str, tuple[str, int] | None] = dict.fromkeys(deleted)
    considered = [group for group in nb.result.groups
                  if group.id in new_group_ids and group.id not in patched_groups]
    parts: dict[tuple[str, str], dict[str, Any]] = {}
    for group in considered:
        header, members = split_group(group)
        groups[group.id] = (dumps(header), len(group.members))
        parts.update(((group.canonical_id, member), part) for member, part in members.items())
    for header in store.records("groups", [key for key in patched_groups
                                           if key not in groups]):
        groups[header["id"]] = (dumps({**header, "story_id": patched_groups[header["id"]]}),
                                len(header.get("members", ())))
    affected = {member.id for group in considered for member in group.members}
    affected.update(memory.ids[slot] for key in deleted
                    for slot in memory.group_members.get(key, ()))
    return groups, keyed_writes(store.member_keys(affected), parts, part_key)


def _story_writes(memory: IndexState, nb: Neighbourhood,
                  decided: dict[str, tuple[dict[str, Any], int]], leaving: set[int],
                  new_story_ids: set[str | None]) -> dict[str, tuple[str, int] | None]:
    """Story records to store (None: delete); the stories of the articles leaving are
    among the old ones, as their groups are."""
    n_ids = len(memory.ids)
    slot_of_position = nb.slots
    old_story_ids = {memory.state[s][1] for s in nb.region if s < n_ids} | {
        memory.state[s][1] for s in leaving}
    stories: dict[str, tuple[str, int] | None] = {key: None for key in
                                                  old_story_ids - new_story_ids
                                                  if key is not None}
    # A story's groups are its members' groups as stored after this write (outside the core,
    # a member keeps its stored group even if the run, short of its context, saw another).
    group_of = {article_id: record["group_id"] for article_id, (record, position)
                in decided.items() if slot_of_position[position] in nb.core}
    group_of.update((memory.ids[slot], memory.state[slot][0]) for slot in nb.region
                    if slot < n_ids and memory.ids[slot] not in group_of)
    for story in nb.result.stories:
        if story.id in new_story_ids:
            group_ids = tuple(sorted({group_of[member] for member in story.member_ids}))
            stories[story.id] = (dumps(record_of(attrs.evolve(story, group_ids=group_ids))),
                                 len(story.member_ids))
    return stories


def apply_plan(memory: IndexState, plan: Plan, batch: int) -> None:
    """Bring the memory up to date with a committed plan."""
    # A new version of a retained article keeps its stored matches' count (the diff's
    # counts are only those that change, from the old version's, as pair_writes reads it).
    previous = [slot if slot is not None and memory.alive.values[slot] else None
                for slot in map(memory.slot_of.get, plan.new_ids)]
    memory.remove(plan.leaving, [])
    if plan.new_ids:
        incoming = plan.incoming
        slots = memory.add_slots(plan.new_ids, plan.new_published, plan.new_lookups,
                                 plan.new_lookup_hashes, placed=(incoming.staged, incoming.edges))
        for slot, features, old in zip(slots.tolist(), plan.new_features, previous,
                                       strict=True):
            memory.cache(slot, features)
            if old is not None:
                memory.n_matches.values[slot] = memory.n_matches.values[old]
    memory.term_counts.apply(plan.incoming.term_delta, memory.n_alive)
    for state in plan.states:
        if memory.alive.values[state.slot]:
            row = state.row
            memory.set_state(state.slot, row.state, row.digest, row.decision_hash,
                             row.boilerplate)
    for article_id, count in plan.writes.match_counts.items():
        slot = memory.slot_of.get(article_id)
        if slot is not None and memory.alive.values[slot]:
            memory.n_matches.values[slot] = count
    memory.batch = batch
