"""The SQLite file behind :class:`~newsdedup.DedupIndex`: schema, versioning, transactions.

Everything the index knows lives in one SQLite database in WAL mode, so a reader in another
process sees the last committed add while a writer works on the next one. Every write goes
through :meth:`IndexStore.apply`, called inside one ``BEGIN IMMEDIATE`` transaction: a process
killed half-way leaves the file exactly as it was before that add.

Schema (version 1)::

    meta      key -> value: format marker, schema_version, config, retention_days,
              generation (bumped by every write, so caches in other processes notice)
    articles  seq, id, record (the Article as JSON), published (UTC seconds), retained,
              group_id, story_id, canonical_id, story_canonical_id, decision (JSON)
    groups    id -> DuplicateGroup as JSON (retained articles only)
    stories   id -> Story as JSON
    changes   seq, batch, article_id, field, old, new: the event log behind changes()

This module knows rows and bytes, not deduplication; _index.py holds the logic.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from ._errors import IndexStoreError

__all__ = ["FORMAT", "SCHEMA_VERSION", "IndexStore", "StoredArticle", "Writes"]

#: Marker stored in ``meta`` so that a foreign SQLite file is never mistaken for an index.
FORMAT = "newsdedup-index"
#: Bumped whenever the tables change; newer files are refused, never misread.
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    record TEXT NOT NULL,
    published REAL,
    retained INTEGER NOT NULL DEFAULT 1,
    group_id TEXT,
    story_id TEXT,
    canonical_id TEXT,
    story_canonical_id TEXT,
    decision TEXT
);
CREATE INDEX articles_retained ON articles (retained, seq);
CREATE TABLE groups (id TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE stories (id TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    batch INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    field TEXT NOT NULL,
    old TEXT,
    new TEXT
);
"""

#: The four ids an article's display depends on; a change in any of them is logged.
STATE_FIELDS = ("group_id", "story_id", "canonical_id", "story_canonical_id")


@attrs.frozen(slots=True)
class StoredArticle:
    """One row of ``articles``: the record and the article's current state."""

    id: str
    record: str
    published: float | None
    retained: bool
    state: tuple[str | None, ...]
    decision: str | None


@attrs.frozen(slots=True)
class Writes:
    """Everything one add changes, applied in a single transaction by :meth:`IndexStore.apply`.

    ``upserts`` insert or replace article records; ``states`` set an article's state ids and
    decision JSON; ``expire`` marks articles as out of the retention window; groups and
    stories are replaced wholesale by the given ``(id, json)`` rows (only rows that differ
    are touched); ``changes`` are ``(article_id, field, old, new)`` events.
    """

    upserts: Sequence[tuple[str, str, float | None]]
    states: Sequence[tuple[str, tuple[str | None, ...], str]]
    expire: Sequence[str]
    groups: dict[str, str]
    stories: dict[str, str]
    changes: Sequence[tuple[str, str, str | None, str | None]]


class IndexStore:
    """A connection to one index file (or ``":memory:"``), validated on open."""

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 60.0) -> None:
        self.path = os.fspath(path)
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None,
                                       check_same_thread=False)
        except sqlite3.Error as error:
            raise IndexStoreError(f"{self.path}: cannot open the index file ({error})") from error
        try:
            self._open()
        except BaseException:
            self._db.close()
            raise

    # -- opening and validation ---------------------------------------------------------

    @contextlib.contextmanager
    def _translated(self, action: str) -> Iterator[None]:
        """Turn SQLite errors into IndexStoreError naming the file (never a deep crash)."""
        try:
            yield
        except sqlite3.DatabaseError as error:
            message = str(error)
            if "not a database" in message or "malformed" in message:
                raise IndexStoreError(
                    f"{self.path}: not a newsdedup index, or the file is corrupt "
                    f"(SQLite: {message}) while trying to {action}") from error
            raise IndexStoreError(f"{self.path}: cannot {action}: {message}") from error

    def _open(self) -> None:
        with self._translated("open the index"):
            if self.path != ":memory:":
                self._db.execute("PRAGMA journal_mode=WAL")
            # FULL also survives power loss, at one fsync per add (adds are large batches).
            self._db.execute("PRAGMA synchronous=FULL")
            tables = self._tables()
            if not tables:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    if not self._tables():  # another process may have won the race
                        # Not executescript(): it would commit the open transaction first.
                        for statement in _SCHEMA.split(";"):
                            if statement.strip():
                                self._db.execute(statement)
                        self._set_meta({"format": FORMAT,
                                        "schema_version": str(SCHEMA_VERSION),
                                        "generation": "0", "batches": "0"})
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            elif "meta" not in tables:
                raise IndexStoreError(
                    f"{self.path}: not a newsdedup index (an SQLite database without the "
                    f"'meta' table; tables: {', '.join(sorted(tables))})")
        meta = self.meta()
        if meta.get("format") != FORMAT:
            raise IndexStoreError(f"{self.path}: not a newsdedup index (format marker "
                                  f"{meta.get('format')!r}, expected {FORMAT!r})")
        version = meta.get("schema_version", "")
        if not version.isdigit():
            raise IndexStoreError(f"{self.path}: index has an unreadable schema version "
                                  f"{version!r}")
        if int(version) > SCHEMA_VERSION:
            raise IndexStoreError(
                f"{self.path}: index schema version {version} is newer than this newsdedup "
                f"supports ({SCHEMA_VERSION}); upgrade newsdedup to open it")

    def _tables(self) -> set[str]:
        rows = self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows} - {"sqlite_sequence"}

    def _set_meta(self, values: dict[str, str]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                             values.items())

    def close(self) -> None:
        """Close the connection (uncommitted work, if any, is rolled back)."""
        self._db.close()

    # -- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, write: bool) -> Iterator[None]:
        """One transaction: ``write`` takes the write lock at once (``BEGIN IMMEDIATE``).

        A read transaction sees one committed snapshot even while another process writes.
        """
        with self._translated("write to the index" if write else "read the index"):
            self._db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- reads --------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        """All ``meta`` rows."""
        with self._translated("read the index metadata"):
            return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def set_meta(self, values: dict[str, str]) -> None:
        """Write ``meta`` rows (call inside a write transaction)."""
        with self._translated("write the index metadata"):
            self._set_meta(values)

    def generation(self) -> int:
        """The write counter: changes whenever any process commits a write."""
        with self._translated("read the index metadata"):
            row = self._db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def articles(self, retained_only: bool = True) -> list[StoredArticle]:
        """Stored articles in insertion order."""
        where = "WHERE retained = 1 " if retained_only else ""
        with self._translated("read the stored articles"):
            rows = self._db.execute(
                "SELECT id, record, published, retained, group_id, story_id, canonical_id, "
                f"story_canonical_id, decision FROM articles {where}ORDER BY seq").fetchall()
        return [StoredArticle(row[0], row[1], row[2], bool(row[3]), tuple(row[4:8]), row[8])
                for row in rows]

    def article(self, article_id: str) -> StoredArticle | None:
        """The row of one article, or None."""
        with self._translated("read an article"):
            row = self._db.execute(
                "SELECT id, record, published, retained, group_id, story_id, canonical_id, "
                "story_canonical_id, decision FROM articles WHERE id = ?",
                (article_id,)).fetchone()
        if row is None:
            return None
        return StoredArticle(row[0], row[1], row[2], bool(row[3]), tuple(row[4:8]), row[8])

    def count(self, retained_only: bool = True) -> int:
        """Number of stored articles."""
        where = " WHERE retained = 1" if retained_only else ""
        with self._translated("count the stored articles"):
            return int(self._db.execute(f"SELECT count(*) FROM articles{where}").fetchone()[0])

    def records(self, table: str) -> list[dict[str, Any]]:
        """The JSON records of ``groups`` or ``stories``, sorted by id."""
        if table not in ("groups", "stories"):
            raise ValueError(f"expected 'groups' or 'stories', got {table!r}")
        with self._translated(f"read the {table}"):
            rows = self._db.execute(f"SELECT record FROM {table} ORDER BY id").fetchall()
        return [json.loads(record) for (record,) in rows]

    def changes(self, since: int) -> list[tuple[int, int, str, str, str | None, str | None]]:
        """Events with a sequence number above ``since``, oldest first."""
        with self._translated("read the change log"):
            return self._db.execute(
                "SELECT seq, batch, article_id, field, old, new FROM changes WHERE seq > ? "
                "ORDER BY seq", (since,)).fetchall()

    def last_change(self) -> int:
        """Sequence number of the newest event (0 when the log is empty)."""
        with self._translated("read the change log"):
            return int(self._db.execute("SELECT coalesce(max(seq), 0) FROM changes")
                       .fetchone()[0])

    # -- writes -------------------------------------------------------------------------

    def apply(self, writes: Writes, batch: int) -> None:
        """Apply one add's writes (call inside a write transaction)."""
        db = self._db
        with self._translated("write to the index"):
            db.executemany(
                "INSERT INTO articles (id, record, published) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET record = excluded.record, "
                "published = excluded.published, retained = 1", writes.upserts)
            db.executemany(
                "UPDATE articles SET group_id = ?, story_id = ?, canonical_id = ?, "
                "story_canonical_id = ?, decision = ? WHERE id = ?",
                [(*state, decision, article_id) for article_id, state, decision
                 in writes.states])
            db.executemany("UPDATE articles SET retained = 0 WHERE id = ?",
                           [(article_id,) for article_id in writes.expire])
            for table, rows in (("groups", writes.groups), ("stories", writes.stories)):
                current = dict(db.execute(f"SELECT id, record FROM {table}").fetchall())
                db.executemany(f"DELETE FROM {table} WHERE id = ?",
                               [(key,) for key in current.keys() - rows.keys()])
                db.executemany(f"INSERT OR REPLACE INTO {table} (id, record) VALUES (?, ?)",
                               [(key, record) for key, record in rows.items()
                                if current.get(key) != record])
            db.executemany(
                "INSERT INTO changes (batch, article_id, field, old, new) VALUES (?, ?, ?, ?, ?)",
                [(batch, *change) for change in writes.changes])
            meta = self.meta()
            self._set_meta({"generation": str(int(meta.get("generation", "0")) + 1),
                            "batches": str(batch)})

    def delete_expired(self, batch: int) -> list[str]:
        """Delete articles outside the retention window; log one event each (in a write txn)."""
        with self._translated("compact the index"):
            ids = [row[0] for row in self._db.execute(
                "SELECT id FROM articles WHERE retained = 0 ORDER BY seq")]
            self._db.execute("DELETE FROM articles WHERE retained = 0")
            self._db.executemany(
                "INSERT INTO changes (batch, article_id, field, old, new) "
                "VALUES (?, ?, 'removed', NULL, NULL)", [(batch, i) for i in ids])
            meta = self.meta()
            self._set_meta({"generation": str(int(meta.get("generation", "0")) + 1),
                            "batches": str(batch)})
        return ids

    def vacuum(self) -> None:
        """Give freed pages back to the file system (outside any transaction)."""
        with self._translated("vacuum the index"):
            self._db.execute("VACUUM")
            if self.path != ":memory:":
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
