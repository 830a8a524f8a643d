"""The incremental driver: a persistent index that answers for each article as it arrives.

An add stores the new articles with their features (so the map step never runs on them
again), finds the stored articles it can change (``_index_neighbourhood``: the carriers of the
paragraph clusters the new paragraphs join, their duplicate groups, and the stories around
them), runs the batch pipeline's steps after the map step (``dedup_collected``) over that
neighbourhood with the index-wide document frequencies, and writes back the decisions that
changed, logging every change of group, story and canonical ids (read with
:meth:`DedupIndex.changes`). docs/index.md states exactly how the result relates to one batch
``dedup()`` over the retained articles: equal for everything but stories and frozen giant
clusters, which :meth:`DedupIndex.refresh` brings back to the batch result.
"""

from __future__ import annotations

import gc
import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import attrs

from ._article import Article
from ._canonical import CanonicalKey
from ._config import DedupConfig
from ._errors import ConfigError
from ._index_memory import Memory
from ._index_migrate import featurizer_fingerprint, migrate
from ._index_plan import Plan, apply_plan, dumps, plan_add, plan_refresh
from ._index_result import (
    AddResult,
    IndexChange,
    IndexDecision,
    decision_from_record,
    group_from_record,
    story_from_record,
)
from ._index_store import SCHEMA_VERSION, IndexStore
from ._memory import release_free_memory
from ._result import DuplicateGroup, Story

__all__ = ["AddResult", "DedupIndex", "IndexChange", "IndexDecision", "open_index"]

_NOT_GIVEN: Any = object()
_QUERY_ID = "query"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the duration of an add or query (as it
    was before, after). The in-memory lookups are millions of long-lived objects; the
    collections an add's allocations would trigger traverse them all and cost ~10% of an add
    at 30k stored articles, more at a million. Nothing an add builds depends on a cycle
    being collected: reference counting frees it as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class DedupIndex:
    """A persistent, incremental deduplication index; create it with :func:`open_index`.

    >>> index = open_index(":memory:")
    >>> _ = index.add([{"id": "a", "text": "Storm hits the coast, two people rescued."}])
    >>> index.query("Storm hits the coast, two people rescued.").canonical_id
    'a'
    >>> len(index), index.get("a").is_canonical
    (1, True)
    """

    def __init__(self, store: IndexStore, config: DedupConfig, retention_days: float | None,
                 canonical_key: CanonicalKey | None) -> None:
        self._store = store
        self.config = config
        self.retention_days = retention_days
        self._canonical_key = canonical_key
        self._generation = -1
        self._memory: Memory | None = None
        #: What the last add, query or refresh recomputed (sizes, rounds; for benchmarks).
        self.last_stats: dict[str, Any] = {}

    @property
    def path(self) -> str:
        """The index file (``":memory:"`` for an in-memory index)."""
        return self._store.path

    # -- the in-memory lookups ----------------------------------------------------------

    def _sync(self) -> Memory:
        """The in-memory lookups, brought up to date with what any process committed (call
        inside a transaction)."""
        generation = self._store.generation()
        memory = self._memory
        if memory is None or (generation != self._generation
                              and not memory.catch_up(self._store)):
            memory = Memory(self.config)
            memory.load(self._store)
            release_free_memory()  # the load's temporaries: gigabytes at a million articles
        self._memory, self._generation = memory, generation
        return memory

    def _write(self, plan_for: Any) -> tuple[Plan, tuple[IndexChange, ...]]:
        """Plan and apply one write in a single transaction, then update the memory."""
        with _collector_paused(), self._store.transaction(write=True):
            memory = self._sync()
            batch = int(self._store.meta().get("batches", "0")) + 1
            plan: Plan = plan_for(memory, batch)
            first = self._store.last_change()
            self._store.apply(plan.writes, batch)
            logged = tuple(IndexChange(*row) for row in self._store.changes(first))
            generation = self._store.generation()
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
        and canonical ids this add caused, as logged for :meth:`changes`.

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
        return attrs.evolve(plan.outcome, changes=logged)

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
        if isinstance(article_or_text, str):
            query_id, n = _QUERY_ID, 0
            while query_id in self:
                n += 1
                query_id = f"{_QUERY_ID}-{n}"
            article_or_text = Article(query_id, article_or_text)
        return self.query_batch([article_or_text]).decisions[0]

    def query_batch(self, articles: Iterable[Article | Mapping[str, Any]]) -> AddResult:
        """What :meth:`add` would return for ``articles`` (taken together); nothing is stored."""
        with _collector_paused(), self._store.transaction(write=False):
            memory = self._sync()
            plan = plan_add(memory, self._store, self.config, self._canonical_key,
                            self.retention_days, articles, batch=0, query=True)
        self.last_stats = plan.stats
        return plan.outcome

    def get(self, article_id: str) -> IndexDecision:
        """The current decision for a stored article (``KeyError`` if it is not stored)."""
        row = self._store.article(article_id)
        if row is None or row[1] is None:
            raise KeyError(f"no article with id {article_id!r} in the index {self.path}")
        return decision_from_record(json.loads(row[1]), "stored")

    def article(self, article_id: str) -> Article:
        """The stored article with this id (``KeyError`` if it is not stored)."""
        row = self._store.article(article_id)
        if row is None:
            raise KeyError(f"no article with id {article_id!r} in the index {self.path}")
        return Article.from_mapping(json.loads(row[0]), f"stored article {article_id!r}")

    def groups(self) -> Iterator[DuplicateGroup]:
        """The duplicate groups of the retained articles, sorted by id."""
        return (group_from_record(record) for record in self._store.records("groups"))

    def stories(self) -> Iterator[Story]:
        """The stories of the retained articles, sorted by id."""
        return (story_from_record(record) for record in self._store.records("stories"))

    def changes(self, since: int = 0) -> list[IndexChange]:
        """Logged changes with ``seq`` greater than ``since``, oldest first.

        A display keeps the last ``seq`` it applied and asks for what came after.
        """
        return [IndexChange(*row) for row in self._store.changes(since)]

    def compact(self) -> int:
        """Delete the articles outside the retention window from disk; return how many."""
        with self._store.transaction(write=True):
            batch = int(self._store.meta().get("batches", "0")) + 1
            removed = self._store.delete_expired(batch)
        self._store.vacuum()
        return len(removed)

    def __len__(self) -> int:
        """Number of retained articles (those taking part in matching)."""
        return self._store.count(retained_only=True)

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and self._store.article(article_id) is not None

    def close(self) -> None:
        """Close the file."""
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
               **options: Any) -> DedupIndex:
    """Open (or create) the index stored at ``path``; ``":memory:"`` for a throwaway one.

    A new index stores ``config`` (plus ``options``) and ``retention_days`` (articles older
    than that many days before the newest stored article stop taking part in matching;
    None keeps everything). An existing index keeps the settings it was created with: pass
    none, or the same ones (``workers`` may differ), else :class:`ConfigError`.
    ``canonical_key`` is not stored: pass the same function every time. ``timeout`` is how
    long a writer waits for another process's add to finish.

    Raises :class:`IndexStoreError` for a corrupt or foreign file or a newer schema.

    >>> with open_index(":memory:", retention_days=30) as index:
    ...     index.retention_days
    30.0
    """
    requested = DedupConfig.from_options(config, **options)
    store = IndexStore(path, timeout=timeout)
    try:
        meta = store.meta()
        if "config" not in meta:  # a new index: settle its settings (once, under the lock)
            with store.transaction(write=True):
                meta = store.meta()
                if "config" not in meta:
                    retention = _check_retention(None if retention_days is _NOT_GIVEN
                                                 else retention_days)
                    store.set_meta({"config": dumps(_comparable(requested)),
                                    "retention_days": dumps(retention),
                                    "featurizer": featurizer_fingerprint(requested)})
                    meta = store.meta()
        stored = DedupConfig(**json.loads(meta["config"]), workers=requested.workers)
        _migrate_if_needed(store, stored, canonical_key)
        stored_retention = json.loads(meta["retention_days"])
        if (config is not None or set(options) - {"workers"}) and _comparable(
                stored) != _comparable(requested):
            differences = ", ".join(
                f"{key}={value!r} (stored {_comparable(stored)[key]!r})"
                for key, value in _comparable(requested).items()
                if _comparable(stored)[key] != value)
            raise ConfigError(f"{store.path}: the index was created with other settings: "
                              f"{differences}")
        if retention_days is not _NOT_GIVEN and _check_retention(
                retention_days) != stored_retention:
            raise ConfigError(f"{store.path}: the index was created with retention_days="
                              f"{stored_retention!r}, got {retention_days!r}")
    except BaseException:
        store.close()
        raise
    return DedupIndex(store, stored, stored_retention, canonical_key)


def _migrate_if_needed(store: IndexStore, config: DedupConfig,
                       canonical_key: CanonicalKey | None) -> None:
    """Migrate a version 1 file, or featurize again after a featurizer change (see
    ``_index_migrate``); another process may have done it first, so check under the lock."""
    fingerprint = featurizer_fingerprint(config)

    def outdated() -> bool:
        meta = store.meta()
        return (int(meta.get("schema_version", SCHEMA_VERSION)) < SCHEMA_VERSION
                or meta.get("featurizer") != fingerprint)

    if not outdated():
        return
    refeaturized = False
    with store.transaction(write=True):
        if outdated():
            refeaturized = int(store.meta()["schema_version"]) == SCHEMA_VERSION
            migrate(store, config)
    store.schema_version = SCHEMA_VERSION
    if refeaturized:  # decisions were made from the old features
        DedupIndex(store, config, None, canonical_key).refresh()
