"""The incremental driver: a persistent index that answers for each article as it arrives.

An add stores the new articles with their features (so the map step never runs on them
again), finds the stored articles it can change (``_index.neighbourhood``: the carriers of the
paragraph clusters the new paragraphs join, their duplicate groups, and the stories around
them), runs the batch pipeline's steps after the map step (``dedup_collected``) over that
neighbourhood with the index-wide document frequencies, and writes back the decisions that
changed, logging every change of group, story and canonical ids (read with
:meth:`DedupIndex.changes`). docs/index.md states exactly how the result relates to one batch
``dedup()`` over the retained articles: equal for everything but stories and frozen giant
clusters, which :meth:`DedupIndex.refresh` brings back to the batch result.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from typing import Any, TypeVar

import attrs

from .._core.collector import collector_paused
from .._core.config import RETIRED_OPTIONS, DedupConfig
from .._core.errors import ConfigError, IndexStoreError
from .._core.heap_trim import release_free_memory
from .._near_duplicates.canonical import CanonicalKey
from .._results.result import DuplicateGroup, Story
from .._text.article import Article
from .groups import join_group
from .integrity import checked, damaged, parsed_json, stored_article
from .migrate import featurizer_fingerprint, migrate
from .plan import Plan, apply_plan, dumps, plan_add, plan_refresh, with_matches
from .result import (
    AddResult,
    IndexChange,
    IndexDecision,
    decision_from_record,
    story_from_record,
)
from .snapshot import load_snapshot, write_snapshot
from .state import IndexState
from .store import SCHEMA_VERSION, IndexStore

__all__ = ["AddResult", "DedupIndex", "IndexChange", "IndexDecision", "open_index"]

_NOT_GIVEN: Any = object()
_QUERY_ID = "query"
T = TypeVar("T")


class DedupIndex:
    """A persistent, incremental deduplication index; create it with :func:`open_index`.

    >>> index = open_index(":memory:")
    >>> _ = index.add([{"id": "a", "text": "Storm hits the coast, two people rescued."}])
    >>> index.query("Storm hits the coast, two people rescued.").canonical_id
    'a'
    >>> len(index), index.get("a").is_canonical
    (1, True)

    One index may be shared by threads: every method holds the index's lock while it runs,
    so adds, queries and reads happen one after the other, each on a consistent state.
    """

    def __init__(self, store: IndexStore, config: DedupConfig, retention_days: float | None,
                 canonical_key: CanonicalKey | None, snapshot: bool = True) -> None:
        self._store = store
        self._snapshot = snapshot
        #: The batch of the snapshot this connection read or wrote (None: neither).
        self._snapshot_batch: int | None = None
        self._closed = False
        self.config = config
        self.retention_days = retention_days
        self._canonical_key = canonical_key
        self._generation = -1
        self._memory: IndexState | None = None
        self._lock = threading.RLock()
        #: What the last add, query or refresh recomputed (sizes, rounds, rows and bytes
        #: written; for benchmarks).
        self.last_stats: dict[str, Any] = {}

    @property
    def path(self) -> str:
        """The index file (``":memory:"`` for an in-memory index)."""
        return self._store.path

    @property
    def read_only(self) -> str | None:
        """Why the index is open read-only (None if it is writable): ``read_only=True`` was
        passed, or the file or its directory cannot be written by this process. Adds,
        refreshes and compactions then raise :class:`IndexStoreError`."""
        return self._store.read_only

    def _locked(self, action: Callable[[], T]) -> T:
        with self._lock:
            return action()

    # -- the in-memory lookups ----------------------------------------------------------

    def _sync(self) -> IndexState:
        """The in-memory lookups, brought up to date with what any process committed (call
        inside a transaction)."""
        generation = self._store.generation()
        memory = self._memory
        if memory is None:
            # First use: from the snapshot a writer left beside the file (``_index.snapshot``),
            # caught up with what was written since, if there is a usable one.
            memory = self._from_snapshot()
        elif generation != self._generation and not memory.catch_up(self._store):
            memory = None
        if memory is None:
            memory = IndexState(self.config)
            memory.load(self._store)
            release_free_memory()  # the load's temporaries: gigabytes at a million articles
        self._memory, self._generation = memory, generation
        return memory

    def _from_snapshot(self) -> IndexState | None:
        if not self._snapshot:
            return None
        memory = load_snapshot(self._store, self.config)
        if memory is None:
            return None
        batch = memory.batch
        if not memory.catch_up(self._store):
            return None
        self._snapshot_batch = batch
        return memory

    def _write(self, plan_for: Any) -> tuple[Plan, tuple[IndexChange, ...]]:
        """Plan and apply one write in a single transaction, then update the memory."""
        with self._lock:
            with collector_paused(), self._store.transaction(write=True):
                begin = time.perf_counter()
                memory = self._sync()
                batch = self._store.batches() + 1
                plan: Plan = plan_for(memory, batch)
                planned = time.perf_counter()
                first = self._store.last_change()
                self._store.apply(plan.writes, batch)
                logged = tuple(IndexChange(*row) for row in self._store.changes(first))
                generation = self._store.generation()
            plan.stats.update(plan_seconds=planned - begin,
                              write_seconds=time.perf_counter() - planned)
            try:  # committed: bring the memory up to date without re-reading the file
                apply_plan(memory, plan, batch)
                self._generation = generation
            except BaseException:
                self._memory = None  # rebuilt from the file on the next call
                raise
            # Once per write, not after each step of its small runs (see _memory): the add's
            # temporaries go back to the system instead of piling up as free heap.
            release_free_memory()
            self.last_stats = plan.stats
        return plan, logged

    # -- public operations ------------------------------------------------------------------

    def add(self, articles: Iterable[Article | Mapping[str, Any]]) -> AddResult:
        """Store ``articles`` (one transaction) and return one decision per article.

        An id already stored replaces that article (status ``"updated"``) unless the content
        is identical (``"unchanged"``). The result also lists every change of group, story
        and canonical ids this add caused, as logged for :meth:`changes`, and (``expired``)
        the articles it took out of matching because of ``retention_days``; when every
        article it stored arrived already outside the retention window, it also warns
        (``UserWarning``): they were stored, but take no part in matching.

        >>> index = open_index(":memory:")
        >>> late = {"id": "b", "text": "Fire in the old city.", "published": "2024-01-02"}
        >>> _ = index.add([late])
        >>> early = {"id": "a", "text": "Fire in the old city.", "published": "2024-01-01"}
        >>> [(c.article_id, c.old, c.new) for c in index.add([early]).canonical_changes]
        [('b', 'b', 'a'), ('b', 'b', 'a')]
        """
        plan, logged = self._write(lambda memory, batch: plan_add(
            memory, self._store, self.config, self._canonical_key, self.retention_days,
            articles, batch, query=False))
        outcome = attrs.evolve(plan.outcome, changes=logged)
        stored = [d for d in outcome.decisions if d.status in ("added", "updated")]
        if stored and all(decision.expired for decision in stored):
            warnings.warn(
                f"{self.path}: all {len(stored)} articles of this add are older than the "
                f"retention window (retention_days={self.retention_days:g} before the newest "
                f"stored article): they were stored expired and take no part in matching",
                UserWarning, stacklevel=2)
        return outcome

    def refresh(self) -> tuple[IndexChange, ...]:
        """Recompute every decision from the stored features (one transaction); return the
        changes it logged.

        Between refreshes, stories and the boilerplate decisions of giant paragraph clusters
        may differ from one ``dedup()`` over the retained articles (docs/index.md says
        exactly how); right after a refresh, everything equals it. Nothing is featurized
        again: the cost is that of the pipeline's steps after the map step.

        >>> index = open_index(":memory:")
        >>> _ = index.add([{"id": "a", "text": "Quiet day at the harbour."}])
        >>> index.refresh()
        ()
        """
        _, logged = self._write(lambda memory, batch: plan_refresh(
            memory, self._store, self.config, self._canonical_key, batch))
        return logged

    def query(self, article_or_text: Article | Mapping[str, Any] | str) -> IndexDecision:
        """The decision for one article (or bare text) as if added now; nothing is stored.

        >>> index = open_index(":memory:")
        >>> index.query("Nothing stored yet.").relation
        'canonical'
        """
        with self._lock:
            if isinstance(article_or_text, str):
                query_id, n = _QUERY_ID, 0
                while query_id in self:
                    n += 1
                    query_id = f"{_QUERY_ID}-{n}"
                article_or_text = Article(query_id, article_or_text)
            return self.query_batch([article_or_text]).decisions[0]

    def query_batch(self, articles: Iterable[Article | Mapping[str, Any]]) -> AddResult:
        """What :meth:`add` would return for ``articles`` (taken together); nothing is stored."""
        with self._lock:
            with collector_paused(), self._store.transaction(write=False):
                memory = self._sync()
                plan = plan_add(memory, self._store, self.config, self._canonical_key,
                                self.retention_days, articles, batch=0, query=True)
            self.last_stats = plan.stats
            return plan.outcome

    def get(self, article_id: str) -> IndexDecision:
        """The current decision for a stored article (``KeyError`` if it is not stored)."""
        with self._lock, self._store.transaction(write=False):
            row = self._store.article(article_id) if isinstance(article_id, str) else None
            if row is None or row[1] is None:
                raise KeyError(f"no article with id {article_id!r} in the index {self.path}")
            record = with_matches(self._store, article_id, row[1])
        return checked(self.path, f"the stored decision of article {article_id!r}",
                       partial(decision_from_record, record, "stored"))

    def article(self, article_id: str) -> Article:
        """The stored article with this id (``KeyError`` if it is not stored)."""
        with self._lock:
            row = self._store.article(article_id) if isinstance(article_id, str) else None
        if row is None:
            raise KeyError(f"no article with id {article_id!r} in the index {self.path}")
        return stored_article(self.path, article_id, row[0])

    def groups(self) -> Iterator[DuplicateGroup]:
        """The duplicate groups of the retained articles, sorted by id."""
        with self._lock, self._store.transaction(write=False):
            headers = self._store.records("groups")
            parts = self._store.member_parts()
        return iter([checked(self.path, f"the stored group {header['id']!r}", partial(
            join_group, header, parts.get(str(header.get("canonical_id")), {})))
            for header in headers])

    def stories(self) -> Iterator[Story]:
        """The stories of the retained articles, sorted by id."""
        with self._lock:
            records = self._store.records("stories")
        return iter([checked(self.path, f"the stored story {record['id']!r}",
                             partial(story_from_record, record)) for record in records])

    def changes(self, since: int = 0) -> list[IndexChange]:
        """Logged changes with ``seq`` greater than ``since`` (an ``int`` >= 0), oldest first.

        A display keeps the last ``seq`` it applied and asks for what came after.
        """
        if isinstance(since, bool) or not isinstance(since, int) or since < 0:
            raise ConfigError(f"changes(since=...): expected the seq of a change (an int >= "
                              f"0), got {since!r}")
        with self._lock:
            return [IndexChange(*row) for row in self._store.changes(since)]

    def compact(self) -> int:
        """Delete the articles outside the retention window from disk; return how many."""
        with self._lock:
            with self._store.transaction(write=True):
                batch = self._store.batches() + 1
                removed = self._store.delete_expired(batch)
            self._store.vacuum()
        return len(removed)

    def __len__(self) -> int:
        """Number of retained articles (those taking part in matching)."""
        with self._lock:
            return self._store.count(retained_only=True)

    def __contains__(self, article_id: object) -> bool:
        if not isinstance(article_id, str):
            return False
        with self._lock:
            return self._store.has(article_id)

    def close(self) -> None:
        """Close the file. A writable index whose lookups were loaded first leaves them in a
        snapshot beside the file (``<file>.state``), which makes the next open fast (see
        :func:`open_index`); an index opened with ``snapshot=False`` does not."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                memory = self._memory
                if self._snapshot and memory is not None and self._store.read_only is None:
                    with self._store.transaction(write=False):
                        # Caught up with other processes' writes if that can be done in
                        # place (else no snapshot: a rebuild at close would cost minutes),
                        # and not written again when the one there holds this batch.
                        if ((self._store.generation() == self._generation
                             or memory.catch_up(self._store))
                                and memory.batch != self._snapshot_batch):
                            write_snapshot(self._store, memory)
            finally:
                self._store.close()

    def __enter__(self) -> DedupIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<DedupIndex {self.path!r}: {len(self)} articles>"


def _check_retention(value: object) -> float | None:
    if value is None:
        return None
    if (isinstance(value, bool) or not isinstance(value, int | float)
            or not math.isfinite(value) or value <= 0):
        raise ConfigError(f"retention_days: expected a positive number or None, got {value!r}")
    return float(value)


def _comparable(config: DedupConfig) -> dict[str, Any]:
    fields = attrs.asdict(config)
    del fields["workers"]  # results do not depend on it
    return fields


def open_index(path: str | os.PathLike[str], config: DedupConfig | None = None, *,
               retention_days: float | None = _NOT_GIVEN,
               canonical_key: CanonicalKey | None = None, timeout: float = 60.0,
               create: bool = True, read_only: bool = False, snapshot: bool = True,
               **options: Any) -> DedupIndex:
    """Open the index stored at ``path`` (a new one if the path does not exist and
    ``create``); ``":memory:"`` for a throwaway one.

    A new index stores ``config`` (plus ``options``) and ``retention_days`` (articles older
    than that many days before the newest stored article stop taking part in matching;
    None keeps everything). An existing index keeps the settings it was created with: pass
    none, or the same ones (``workers`` may differ), else :class:`ConfigError`.
    ``canonical_key`` is not stored: pass the same function every time. ``timeout`` is how
    long a writer waits for another process's add to finish.

    Only a path that does not exist becomes a new index: an existing file that is empty or
    not an index raises :class:`IndexStoreError`, as does a missing path with
    ``create=False`` (for callers that only mean to read, e.g. to query). ``read_only``
    opens without write access (adds raise); a file this process cannot write (permissions,
    a read-only directory) is opened read-only by itself (see :attr:`DedupIndex.read_only`).

    The in-memory lookups are built on first use. ``snapshot`` (default True) lets that
    start from the snapshot a writable index leaves beside the file when it is closed
    (``<file>.state``: seconds instead of minutes at a million articles), caught up with
    what was written since; an unusable snapshot (another index's, damaged, of other
    settings) is ignored. ``snapshot=False`` neither reads nor writes one: the lookups are
    rebuilt from the file alone, every stored lookup checked.

    Raises :class:`IndexStoreError` for a missing (``create=False``), empty, damaged or
    foreign file, or a newer schema.

    >>> with open_index(":memory:", retention_days=30) as index:
    ...     index.retention_days
    30.0
    """
    requested = DedupConfig.from_options(config, **options)
    if not isinstance(path, str | os.PathLike):
        raise ConfigError(f"open_index: expected a path (str or os.PathLike), got {path!r}")
    if (isinstance(timeout, bool) or not isinstance(timeout, int | float)
            or not math.isfinite(timeout) or timeout < 0):
        raise ConfigError(f"timeout: expected a number of seconds >= 0, got {timeout!r}")
    for name, flag in (("create", create), ("read_only", read_only), ("snapshot", snapshot)):
        if not isinstance(flag, bool):
            raise ConfigError(f"{name}: expected True or False, got {flag!r}")
    retention = _check_retention(None if retention_days is _NOT_GIVEN else retention_days)
    settings = {"config": dumps(_comparable(requested)), "retention_days": dumps(retention),
                "featurizer": featurizer_fingerprint(requested), "rules": DECISION_RULES}
    store = IndexStore(path, timeout=float(timeout), create=create, read_only=read_only,
                       settings=settings)
    try:
        meta = store.meta()
        if "config" not in meta:  # settings never stored: settle them (once, under the lock)
            if store.read_only is not None:
                raise IndexStoreError(f"{store.path}: the index has no stored settings yet, "
                                      f"and it is open read-only ({store.read_only})")
            with store.transaction(write=True):
                meta = store.meta()
                if "config" not in meta:
                    store.set_meta(settings)
                    meta = store.meta()
        stored = _stored_config(store, meta, requested.workers)
        stored_retention = _stored_retention(store, meta)
        _migrate_if_needed(store, stored, canonical_key)
        if (config is not None or set(options) - {"workers"}) and _comparable(
                stored) != _comparable(requested):
            differences = ", ".join(
                f"{key}={value!r} (stored {_comparable(stored)[key]!r})"
                for key, value in _comparable(requested).items()
                if _comparable(stored)[key] != value)
            raise ConfigError(f"{store.path}: the index was created with other settings: "
                              f"{differences}")
        if retention_days is not _NOT_GIVEN and retention != stored_retention:
            raise ConfigError(f"{store.path}: the index was created with retention_days="
                              f"{stored_retention!r}, got {retention_days!r}")
    except BaseException:
        store.close()
        raise
    return DedupIndex(store, stored, stored_retention, canonical_key, snapshot)


def _stored_config(store: IndexStore, meta: Mapping[str, str], workers: int) -> DedupConfig:
    fields = parsed_json(store.path, meta.get("config"), "the stored settings (meta row "
                                                         "'config')", dict)
    fields.pop("workers", None)
    for name in RETIRED_OPTIONS:  # settings of an earlier release: no longer read
        fields.pop(name, None)
    try:
        return DedupConfig(**fields, workers=workers)
    except (ConfigError, TypeError) as error:
        damaged(store.path, f"the stored settings (meta row 'config') are not valid ({error})")


def _stored_retention(store: IndexStore, meta: Mapping[str, str]) -> float | None:
    text = meta.get("retention_days")
    try:
        return _check_retention(json.loads(text)) if isinstance(text, str) else _check_retention(
            text)
    except (ValueError, RecursionError) as error:
        damaged(store.path, f"the stored retention (meta row 'retention_days') is {text!r}: "
                            f"{error}")


#: The version of the rules that turn features into decisions (groups, boilerplate, links,
#: stories, matches). An index whose decisions were made by other rules (an older release)
#: makes them all again when it is first opened writable (a refresh).
#: 3: the canonical rule reads inserted lines, short texts and versions of a page (2026-12).
#: 4: rewrites are read sentence by sentence, also between articles sharing text (2026-12).
#: 5: a retold sentence keeps its figures; rewrites in part are read from 0.2; an undated
#:    member of a group counts as published with its earliest dated member (2026-12).
#: 6: short texts read word by word, edited lines keep names and weekdays, feed teasers are
#:    lead excerpts (``teaser_tokens``) (2026-12).
#: 7: the canonical rule's "fewest edits" step, between "least boilerplate" and "dated"
#:    (2026-12).
DECISION_RULES = "7"


def _migrate_if_needed(store: IndexStore, config: DedupConfig,
                       canonical_key: CanonicalKey | None) -> None:
    """Migrate a file of an older schema, or featurize again after a featurizer change (see
    ``_index.migrate``); another process may have done it first, so check under the lock."""
    fingerprint = featurizer_fingerprint(config)

    def outdated() -> bool:
        meta = store.meta()
        return (int(meta.get("schema_version", SCHEMA_VERSION)) < SCHEMA_VERSION
                or meta.get("featurizer") != fingerprint
                or meta.get("rules") != DECISION_RULES)

    if not outdated():
        return
    if store.read_only is not None:
        raise IndexStoreError(f"{store.path}: the stored features or decisions were computed "
                              f"by another newsdedup release and must be computed again, which "
                              f"needs write access ({store.read_only}): open it once writable")
    refresh = False
    with store.transaction(write=True):
        if outdated():
            version = int(store.meta()["schema_version"])
            other = store.meta().get("featurizer") != fingerprint
            # Decisions made from other features, or by other rules, are made again.
            refresh = (version >= 2 and other) or store.meta().get("rules") != DECISION_RULES
            # Decisions of other rules alone are made again from the stored features: the
            # file needs no migration (its blobs are of this schema already).
            if version < SCHEMA_VERSION or other:
                migrate(store, config, refeaturize=version < 2 or other)
    if refresh:
        DedupIndex(store, config, None, canonical_key).refresh()
        with store.transaction(write=True):
            store.set_meta({"rules": DECISION_RULES})
