"""The incremental driver: a persistent index that answers for each article as it arrives.

Boilerplate, canonicals and stories depend on the whole corpus, so an add cannot simply
append: the index stores every article durably (see _index_store.py) and re-runs the batch
pipeline, :func:`~newsdedup.dedup`, over the retained articles plus the new ones. There is no
second implementation of any rule, which is what makes the guarantee hold: *after any
sequence of adds, the index's groups, stories, canonicals and per-article findings are exactly
those of one ``dedup()`` over the retained articles.* The cost is that an add is linear in the
index size (docs/index.md has the numbers and what it would take to do better).

Each add diffs the new state of every article against the stored one and logs the changes of
group, story and canonical ids in an event log, read with :meth:`DedupIndex.changes`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from ._article import Article, coerce_articles
from ._canonical import CanonicalKey
from ._config import DedupConfig
from ._errors import ConfigError, InputError
from ._index_result import (
    AddResult,
    IndexChange,
    IndexDecision,
    decision_from_record,
    decision_records,
    group_from_record,
    story_from_record,
)
from ._index_store import STATE_FIELDS, IndexStore, Writes
from ._pipeline import dedup
from ._result import DedupResult, DuplicateGroup, Story

__all__ = ["AddResult", "DedupIndex", "IndexChange", "IndexDecision", "open_index"]

_NOT_GIVEN: Any = object()
_QUERY_ID = "query"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _record(article: Article) -> str:
    try:
        return _dumps(article.to_dict())
    except (TypeError, ValueError) as error:
        raise InputError(f"article {article.id!r}: extra fields must be JSON values to be "
                         f"stored in an index ({error})") from error


def _state(decision: Mapping[str, Any]) -> tuple[str | None, ...]:
    return tuple(decision[field] for field in STATE_FIELDS)


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
        self._articles: dict[str, tuple[Article, str]] = {}
        self._states: dict[str, tuple[tuple[str | None, ...], str | None]] = {}

    @property
    def path(self) -> str:
        """The index file (``":memory:"`` for an in-memory index)."""
        return self._store.path

    # -- the in-memory copy of the retained articles -------------------------------------

    def _refresh(self) -> None:
        """Reload the retained articles if any process wrote since we last looked."""
        generation = self._store.generation()
        if generation == self._generation:
            return
        self._articles, self._states = {}, {}
        for row in self._store.articles(retained_only=True):
            article = Article.from_mapping(json.loads(row.record), f"stored article {row.id!r}")
            self._articles[row.id] = (article, row.record)
            self._states[row.id] = (row.state, row.decision)
        self._generation = generation

    def _dedup(self, articles: Iterable[Article]) -> DedupResult:
        return dedup(list(articles), self.config, canonical_key=self._canonical_key)

    def _plan(self, items: Iterable[Article | Mapping[str, Any]], batch: int,
              query: bool) -> _Plan:
        incoming = coerce_articles(items)
        records = {article.id: _record(article) for article in incoming}
        status = {}
        for article in incoming:
            previous = self._articles.get(article.id)
            status[article.id] = ("query" if query else "added" if previous is None
                                  else "unchanged" if previous[1] == records[article.id]
                                  else "updated")
        corpus = {article_id: pair[0] for article_id, pair in self._articles.items()}
        corpus.update((article.id, article) for article in incoming)
        expired = self._expired(corpus.values())
        retained = [article for article_id, article in corpus.items() if article_id not in expired]
        result = self._dedup(retained)
        decisions = decision_records(result)
        late = [article for article in incoming if article.id in expired]
        if late:  # too old on arrival: decided against the retained articles, then expired
            decisions.update((key, value) for key, value in
                             decision_records(self._dedup(retained + late), expired=True).items()
                             if key in expired)
        for article_id in expired - status.keys():  # left the window: keep the last decision
            old_decision = self._states[article_id][1]
            decisions[article_id] = {**json.loads(old_decision or "{}"), "expired": True}

        changes: list[tuple[str, str, str | None, str | None]] = []
        states = []
        for article_id, decision in decisions.items():
            old_state, old_decision = self._states.get(article_id, ((None,) * 4, None))
            encoded = _dumps(decision)
            if encoded != old_decision:
                states.append((article_id, _state(decision), encoded))
            changes.extend((article_id, field, old, new) for field, old, new
                           in zip(STATE_FIELDS, old_state, _state(decision), strict=True)
                           if old != new)
        changes.extend((article_id, "expired", None, None) for article_id in sorted(expired))
        writes = Writes(
            upserts=[(article.id, records[article.id], _timestamp(article))
                     for article in incoming if status[article.id] != "unchanged"],
            states=states, expire=sorted(expired), changes=changes,
            groups={group.id: _dumps(attrs.asdict(group)) for group in result.groups},
            stories={story.id: _dumps(attrs.asdict(story)) for story in result.stories})
        outcome = AddResult(
            decisions=tuple(decision_from_record(decisions[article.id], status[article.id])
                            for article in incoming),
            changes=tuple(IndexChange(0, batch, *change) for change in changes))
        return _Plan(outcome, writes, incoming, records, expired)

    def _expired(self, articles: Iterable[Article]) -> set[str]:
        """Ids of the articles older than ``retention_days`` before the newest one."""
        if self.retention_days is None:
            return set()
        articles = list(articles)
        dates = [a.published for a in articles if a.published is not None]
        if not dates:
            return set()
        cutoff = max(dates) - dt.timedelta(days=self.retention_days)
        return {a.id for a in articles if a.published is not None and a.published < cutoff}

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
        with self._store.transaction(write=True):
            self._refresh()
            batch = int(self._store.meta().get("batches", "0")) + 1
            plan = self._plan(articles, batch, query=False)
            first = self._store.last_change()
            self._store.apply(plan.writes, batch)
            logged = tuple(IndexChange(*row) for row in self._store.changes(first))
            generation = self._store.generation()
        # Committed: bring the in-memory copy up to date without re-reading the file.
        for article in plan.incoming:
            self._articles[article.id] = (article, plan.records[article.id])
        for article_id, state, decision in plan.writes.states:
            self._states[article_id] = (state, decision)
        for article_id in plan.expired:
            self._articles.pop(article_id, None)
            self._states.pop(article_id, None)
        self._generation = generation
        return attrs.evolve(plan.outcome, changes=logged)

    def query(self, article_or_text: Article | Mapping[str, Any] | str) -> IndexDecision:
        """The decision for one article (or bare text) as if added now; nothing is stored.

        >>> index = open_index(":memory:")
        >>> index.query("Nothing stored yet.").relation
        'canonical'
        """
        with self._store.transaction(write=False):
            self._refresh()
        if isinstance(article_or_text, str):
            query_id, n = _QUERY_ID, 0
            while query_id in self._articles:
                n += 1
                query_id = f"{_QUERY_ID}-{n}"
            article_or_text = Article(query_id, article_or_text)
        return self._query([article_or_text]).decisions[0]

    def query_batch(self, articles: Iterable[Article | Mapping[str, Any]]) -> AddResult:
        """What :meth:`add` would return for ``articles`` (taken together); nothing is stored."""
        with self._store.transaction(write=False):
            self._refresh()
        return self._query(articles)

    def _query(self, articles: Iterable[Article | Mapping[str, Any]]) -> AddResult:
        return self._plan(articles, batch=0, query=True).outcome

    def get(self, article_id: str) -> IndexDecision:
        """The current decision for a stored article (``KeyError`` if it is not stored)."""
        row = self._store.article(article_id)
        if row is None or row.decision is None:
            raise KeyError(f"no article with id {article_id!r} in the index {self.path}")
        return decision_from_record(json.loads(row.decision), "stored")

    def article(self, article_id: str) -> Article:
        """The stored article with this id (``KeyError`` if it is not stored)."""
        row = self._store.article(article_id)
        if row is None:
            raise KeyError(f"no article with id {article_id!r} in the index {self.path}")
        return Article.from_mapping(json.loads(row.record), f"stored article {article_id!r}")

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


@attrs.frozen(slots=True)
class _Plan:
    outcome: AddResult
    writes: Writes
    incoming: list[Article]
    records: dict[str, str]
    expired: set[str]


def _timestamp(article: Article) -> float | None:
    return article.published.timestamp() if article.published is not None else None


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
                    store.set_meta({"config": _dumps(_comparable(requested)),
                                    "retention_days": _dumps(retention)})
                    meta = store.meta()
        stored = DedupConfig(**json.loads(meta["config"]), workers=requested.workers)
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
