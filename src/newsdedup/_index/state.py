"""What the index keeps in memory between adds, and how it is rebuilt from the file.

Every retained article has a *slot* (a number; a new version of an article gets a new slot).
Per slot: its id, publication time, whether it takes part in matching, its current group,
story and canonical ids, digest flag and decision hash; per paragraph, the paragraph index of
``_index.paragraphs``; per term, the counts and salient-term postings of ``_index.terms``.
None of it holds text or decision JSON: those stay in the file and are read for the few
articles an add touches. Opening an index reads the ``lookup`` column of the retained
articles (fingerprints, band keys, verified matches, terms) and rebuilds all of this; another
process's writes are caught up by re-reading the rows written since (``written`` column).
What is read is checked (``_index.integrity``): blobs by their checksums and shapes, rows by
theirs, and once loaded, the stored groups and stories against the articles' ids.
"""

from __future__ import annotations

import json
import math
import sys
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import NoReturn

import numpy as np
import numpy.typing as npt

from .._core.config import DedupConfig
from .._core.hashing import digest64
from .._core.types import I64
from .._text.features import Features
from .blobs import Lookup, check_features
from .codec import decode_features
from .integrity import damaged
from .lookup import Growable
from .paragraphs import ParagraphIndex, Staged
from .store import IndexStore, MemoryRow
from .terms import StoryTerms, TermCounts

__all__ = ["IndexState"]

#: Decoded features kept in memory (most recently used), so neighbouring adds reuse them.
FEATURE_CACHE = 8_000
#: Rows registered together when the index is opened.
_LOAD_CHUNK = 4096


class IndexState:
    """The in-memory state of an index (see the module docstring)."""

    def __init__(self, config: DedupConfig) -> None:
        self.config = config
        self.paragraphs = ParagraphIndex(config)
        self.term_counts = TermCounts()
        self.story_terms = StoryTerms()
        self.ids: list[str] = []
        self.slot_of: dict[str, int] = {}
        self.published = Growable(np.float64, math.nan)
        self.alive = Growable(np.bool_, False)
        self.digest = Growable(np.bool_, False)
        self.decision_hash = Growable(np.int64)
        self.lookup_hash = Growable(np.int64)
        #: Rows of the ``matches`` table each article is in.
        self.n_matches = Growable(np.int64)
        self.state: list[tuple[str | None, ...]] = []
        self.group_members: dict[str, set[int]] = {}
        self.story_members: dict[str, set[int]] = {}
        self.n_alive = 0
        self.batch = 0
        self._features: OrderedDict[int, Features] = OrderedDict()

    # -- building ------------------------------------------------------------------------

    def add_slots(self, ids: Sequence[str], published: Sequence[float | None],
                  lookups: Sequence[Lookup], lookup_hashes: Sequence[int],
                  placed: tuple[Staged, I64] | None = None) -> I64:
        """New slots for articles; returns the slots. Their paragraphs are registered (as
        ``placed``, their staged paragraphs and verified matches, if given: their terms are
        then left for the caller to count; else from the lookups, terms counted). Their state
        is set by :meth:`set_state`."""
        first = len(self.ids)
        slots = np.arange(first, first + len(ids), dtype=np.int64)
        for article_id, slot in zip(ids, slots.tolist(), strict=True):
            old = self.slot_of.get(article_id)
            if old is not None and self.alive.values[old]:
                raise ValueError(f"article {article_id!r} is already stored")
            self.ids.append(article_id)
            self.slot_of[article_id] = slot
            self.state.append((None, None, None, None))
        self.lookup_hash.extend(lookup_hashes)
        self.published.extend([math.nan if p is None else p for p in published])
        self.alive.extend(np.ones(len(ids), dtype=bool))
        self.digest.extend(np.zeros(len(ids), dtype=bool))
        self.decision_hash.extend(np.zeros(len(ids), dtype=np.int64))
        self.n_matches.extend(np.zeros(len(ids), dtype=np.int64))
        self.n_alive += len(ids)
        if not lookups:
            return slots
        counts = np.array([lookup.fingerprints.size for lookup in lookups], dtype=np.int64)
        self.story_terms.insert(slots, [lookup.story_terms for lookup in lookups])
        if placed is not None:
            self.paragraphs.commit(placed[0], slots, counts, placed[1])
            return slots
        fingerprints = np.concatenate([lookup.fingerprints for lookup in lookups])
        keys = np.concatenate([lookup.band_keys.reshape(-1, self.paragraphs.bands)
                               for lookup in lookups])
        has = np.concatenate([lookup.has_shingles for lookup in lookups])
        staged = self.paragraphs.stage(fingerprints, keys, has, candidates=False)
        self.paragraphs.commit(staged, slots, counts, np.zeros((0, 2), dtype=np.int64),
                               bulk=True)
        self.union_matches(slots, lookups)
        self.term_counts.apply(self.term_counts.delta([lookup.terms for lookup in lookups],
                                                      []), self.n_alive)
        return slots

    def union_matches(self, slots: I64, lookups: Sequence[Lookup]) -> None:
        """Union the verified matches remembered in ``lookups`` (of articles ``slots``)."""
        rows = [(slot, lookup.match_paragraph, lookup.match_fingerprint)
                for slot, lookup in zip(slots.tolist(), lookups, strict=True)
                if lookup.match_paragraph.size]
        if not rows:
            return
        own = np.concatenate([self.paragraphs.slot_occurrences(np.array([slot]))[paragraph]
                              for slot, paragraph, _ in rows])
        own_uids = self.paragraphs.occurrence_uid.values[own]
        which, other = self.paragraphs.uids_of(np.concatenate([p for _, _, p in rows]))
        for left, right in zip(own_uids[which].tolist(), other.tolist(), strict=True):
            self.paragraphs.union(left, right)

    def set_state(self, slot: int, state: tuple[str | None, ...], digest: bool,
                  decision_hash: int, boilerplate: str | None) -> None:
        """Record an article's current ids, digest flag, decision hash and paragraph flags."""
        # One string object per group or story id, however many members hold it.
        state = tuple(None if key is None else sys.intern(key) for key in state)
        old = self.state[slot]
        for members, before, after in ((self.group_members, old[0], state[0]),
                                       (self.story_members, old[1], state[1])):
            if before == after:
                continue
            if before is not None:
                members[before].discard(slot)
                if not members[before]:
                    del members[before]
            if after is not None:
                members.setdefault(after, set()).add(slot)
        self.state[slot] = state
        self.digest.values[slot] = digest
        self.decision_hash.values[slot] = decision_hash
        count = int(self.paragraphs.slot_count.values[slot])
        flags = np.zeros(count, dtype=np.uint8)
        families = np.zeros(count, dtype=np.int32)
        for paragraph, flag, family in _flags(boilerplate, count):
            flags[paragraph], families[paragraph] = flag, family
        self.paragraphs.set_flags(slot, flags, families)

    def remove(self, slots: Iterable[int],
               terms: Sequence[npt.NDArray[np.unsignedinteger]]) -> None:
        """Take articles out of matching (expired, replaced or deleted); ``terms`` (each
        one's distinct content terms) leave the document frequencies."""
        chosen = np.array(sorted(set(slots)), dtype=np.int64)
        chosen = chosen[self.alive.values[chosen]]
        if chosen.size == 0:
            return
        self.paragraphs.remove(chosen)
        self.alive.values[chosen] = False
        self.n_alive -= chosen.size
        for slot in chosen.tolist():
            self.set_membership_only(slot, (None, None, None, None))
            self._features.pop(slot, None)
        self.term_counts.apply(self.term_counts.delta([], terms), self.n_alive)

    def set_membership_only(self, slot: int, state: tuple[str | None, ...]) -> None:
        """Change an article's ids without touching its flags (used when it leaves)."""
        old = self.state[slot]
        for members, before in ((self.group_members, old[0]), (self.story_members, old[1])):
            if before is not None and before in members:
                members[before].discard(slot)
                if not members[before]:
                    del members[before]
        self.state[slot] = state

    # -- loading --------------------------------------------------------------------------

    def load(self, store: IndexStore) -> None:
        """Rebuild everything from the retained articles of ``store``, then check the stored
        groups and stories against the articles' ids."""
        rows: list[MemoryRow] = []
        for row in store.memory_rows():
            rows.append(row)
            if len(rows) == _LOAD_CHUNK:
                self._register(store, rows)
                rows = []
        self._register(store, rows)
        self.batch = store.batches()
        for table, members in (("groups", self.group_members),
                               ("stories", self.story_members)):
            sizes = store.sizes(table)
            if sizes != {key: len(slots) for key, slots in members.items()}:
                wrong = sorted(key for key in set(sizes) | set(members)
                               if sizes.get(key) != len(members.get(key, ())))
                damaged(store.path, f"{len(wrong)} of the stored {table} do not match the "
                                    f"articles' ids and sizes (first: {wrong[0]!r}): rows "
                                    f"were deleted, added or edited")

    def catch_up(self, store: IndexStore) -> bool:
        """Apply the rows other processes wrote since :attr:`batch`; False when that cannot be
        done in place (an article replaced, or deleted before we saw it expire: the terms it
        counted are gone from the file) and the caller must :meth:`load` afresh."""
        if any(self.alive.values[self.slot_of[i]] for i in store.removed_since(self.batch)
               if i in self.slot_of):
            return False
        changed = list(store.memory_rows(since=self.batch))
        for row in changed:
            slot = self.slot_of.get(row.id)
            if slot is not None and self.alive.values[slot] and (
                    row.lookup is None or digest64(row.lookup) != self.lookup_hash.values[slot]):
                return False
        leaving = [self.slot_of[row.id] for row in changed
                   if not row.retained and row.id in self.slot_of]
        self.remove(leaving, [lookup.terms for lookup in self._lookups_of(store, leaving)])
        arriving = []
        for row in changed:
            slot = self.slot_of.get(row.id)
            if slot is not None and self.alive.values[slot]:
                self._set_row_state(store, slot, row)
            elif row.retained:
                arriving.append(row)
        self._register(store, arriving)
        self.batch = store.batches()
        return True

    def _lookups_of(self, store: IndexStore, slots: Sequence[int]) -> list[Lookup]:
        """The lookups of stored slots, read back from the file (their terms are needed)."""
        blobs = store.lookups([self.ids[slot] for slot in slots])
        out = []
        for slot in slots:
            article_id = self.ids[slot]
            blob = blobs.get(article_id)
            if blob is not None:
                try:
                    out.append(Lookup.decode(blob, article_id))
                except ValueError as error:
                    raise_unreadable(store, article_id, error)
        return out

    def _register(self, store: IndexStore, rows: Sequence[MemoryRow]) -> None:
        if not rows:
            return
        lookups = []
        for row in rows:
            try:
                lookup = Lookup.decode(row.lookup or b"", row.id)
                if lookup.band_keys.shape[1] != self.paragraphs.bands:
                    raise ValueError(f"{lookup.band_keys.shape[1]} LSH bands, expected "
                                     f"{self.paragraphs.bands}")
            except ValueError as error:
                raise_unreadable(store, row.id, error)
            lookups.append(lookup)
        slots = self.add_slots([row.id for row in rows], [row.published for row in rows],
                               lookups, [digest64(row.lookup or b"") for row in rows])
        for slot, row in zip(slots.tolist(), rows, strict=True):
            self._set_row_state(store, slot, row)

    def _set_row_state(self, store: IndexStore, slot: int, row: MemoryRow) -> None:
        try:
            self.set_state(slot, row.state, row.digest, row.decision_hash or 0,
                           row.boilerplate)
        except ValueError as error:
            raise_unreadable(store, row.id, error)
        self.n_matches.values[slot] = row.n_matches

    # -- features --------------------------------------------------------------------------

    def features(self, store: IndexStore, slots: Sequence[int]) -> list[Features]:
        """The stored features of article ``slots`` (decoded once, then cached)."""
        found: dict[int, Features] = {}
        for slot in slots:
            cached = self._features.get(slot)
            if cached is not None:
                self._features.move_to_end(slot)
                found[slot] = cached
        missing = [slot for slot in slots if slot not in found]
        blobs = store.features(self.ids[slot] for slot in missing) if missing else {}
        for slot in missing:
            article_id = self.ids[slot]
            if article_id not in blobs or blobs[article_id][0] is None:
                raise_unreadable(store, article_id, "no stored features")
            features_blob, lookup_blob = blobs[article_id]
            try:
                lookup = Lookup.decode(lookup_blob or b"", article_id)
                found[slot] = decode_features(features_blob or b"", {
                    "terms": lookup.terms, "fingerprints": lookup.fingerprints}, article_id)
                check_features(found[slot], lookup.fingerprints.size)
                if lookup.fingerprints.size != int(self.paragraphs.slot_count.values[slot]):
                    raise ValueError("a lookup other than the one loaded")
            except ValueError as error:
                raise_unreadable(store, article_id, error)
            self.cache(slot, found[slot])
        return [found[slot] for slot in slots]

    def cache(self, slot: int, features: Features) -> None:
        """Keep one article's decoded features (the least recently used one goes)."""
        self._features[slot] = features
        while len(self._features) > FEATURE_CACHE:
            self._features.popitem(last=False)


def raise_unreadable(store: IndexStore, article_id: str, error: object) -> NoReturn:
    """Raise the error for stored index data that cannot be decoded."""
    damaged(store.path, f"the stored data of article {article_id!r} is unreadable ({error})")


def _flags(boilerplate: str | None, count: int) -> list[tuple[int, int, int]]:
    """The ``[[paragraph, flag, families]]`` of a ``boilerplate`` column (``ValueError`` if
    malformed: a row written by the index always parses)."""
    try:
        entries = json.loads(boilerplate or "[]")
    except ValueError as error:
        raise ValueError(f"'boilerplate' is not JSON ({error})") from error
    if not isinstance(entries, list) or not all(
            isinstance(entry, list) and len(entry) == 3
            and all(type(value) is int for value in entry)
            and 0 <= entry[0] < count and entry[1] in (1, 2) and 0 <= entry[2] < 2**31
            for entry in entries):
        raise ValueError(f"'boilerplate' is not a list of [paragraph, flag, families] for "
                         f"{count} paragraphs")
    return [(entry[0], entry[1], entry[2]) for entry in entries]
