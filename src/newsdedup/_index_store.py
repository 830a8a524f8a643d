"""The SQLite file behind :class:`~newsdedup.DedupIndex`: schema, versioning, transactions.

Everything the index knows lives in one SQLite database in WAL mode, so a reader in another
process sees the last committed add while a writer works on the next one. Every write goes
through :meth:`IndexStore.apply`, called inside one ``BEGIN IMMEDIATE`` transaction: a process
killed half-way leaves the file exactly as it was before that add.

Schema (version 2)::

    meta      key -> value: format marker, schema_version, config, retention_days,
              generation (bumped by every write, so caches in other processes notice),
              batches (number of the last write), featurizer (fingerprint of the map step)
    articles  seq, id, record (the Article as JSON), published (UTC seconds), retained,
              group_id, story_id, canonical_id, story_canonical_id, decision (JSON),
              features (the article's Features, _index_codec), lookup (what the in-memory
              lookups are rebuilt from: fingerprints, band keys, verified paragraph matches,
              salient and content terms), boilerplate (JSON [[paragraph, flag, families]]),
              digest, decision_hash, written (the batch that last wrote the row)
    groups    id -> DuplicateGroup as JSON (retained articles only)
    stories   id -> Story as JSON
    changes   seq, batch, article_id, field, old, new: the event log behind changes()

Version 1 files (no stored features) are migrated on open: see ``_index_memory.migrate``.
This module knows rows and bytes, not deduplication.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import attrs

from ._errors import IndexStoreError

__all__ = ["FORMAT", "SCHEMA_VERSION", "STATE_FIELDS", "IndexStore", "MemoryRow", "Writes"]

#: Marker stored in ``meta`` so that a foreign SQLite file is never mistaken for an index.
FORMAT = "newsdedup-index"
#: Bumped whenever the tables change; newer files are refused, older ones migrated.
SCHEMA_VERSION = 2

_ARTICLES_V1 = """
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
)"""
#: Columns version 2 adds to ``articles`` (a version 1 file gets them by ALTER TABLE).
_COLUMNS_V2 = ("features BLOB", "lookup BLOB", "boilerplate TEXT", "digest INTEGER",
               "decision_hash INTEGER", "written INTEGER NOT NULL DEFAULT 0")
_SCHEMA = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    _ARTICLES_V1[:-1] + "".join(f",\n    {column}" for column in _COLUMNS_V2) + ")",
    "CREATE INDEX articles_retained ON articles (retained, seq)",
    "CREATE INDEX articles_written ON articles (written)",
    "CREATE TABLE groups (id TEXT PRIMARY KEY, record TEXT NOT NULL)",
    "CREATE TABLE stories (id TEXT PRIMARY KEY, record TEXT NOT NULL)",
    """CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    batch INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    field TEXT NOT NULL,
    old TEXT,
    new TEXT
)""",
]

#: The four ids an article's display depends on; a change in any of them is logged.
STATE_FIELDS = ("group_id", "story_id", "canonical_id", "story_canonical_id")
_MEMORY_COLUMNS = ("id, published, retained, group_id, story_id, canonical_id, "
                   "story_canonical_id, lookup, boilerplate, digest, decision_hash, written")
#: Ids per ``IN (...)`` query (SQLite limits the number of bound parameters).
_CHUNK = 900


@attrs.frozen(slots=True)
class MemoryRow:
    """What the in-memory index needs of one stored article (no text, no decision JSON)."""

    id: str
    published: float | None
    retained: bool
    state: tuple[str | None, ...]
    lookup: bytes | None
    boilerplate: str | None
    digest: bool
    decision_hash: int | None
    written: int


@attrs.frozen(slots=True)
class Writes:
    """Everything one write changes, applied in a single transaction by :meth:`IndexStore.apply`.

    ``upserts`` insert or replace articles: ``(id, record, published, features, lookup)``;
    ``states`` set an article's ``(id, state ids, decision, boilerplate, digest,
    decision_hash)``; ``expire`` marks articles as out of the retention window; ``groups``
    and ``stories`` map ids to JSON to store, or to None to delete; ``changes`` are
    ``(article_id, field, old, new)`` events.
    """

    upserts: Sequence[tuple[str, str, float | None, bytes, bytes]] = ()
    states: Sequence[tuple[str, tuple[str | None, ...], str, str, bool, int]] = ()
    expire: Sequence[str] = ()
    groups: dict[str, str | None] = attrs.Factory(dict)
    stories: dict[str, str | None] = attrs.Factory(dict)
    changes: Sequence[tuple[str, str, str | None, str | None]] = ()


class IndexStore:
    """A connection to one index file (or ``":memory:"``), validated on open.

    ``schema_version`` is the version found in the file: below :data:`SCHEMA_VERSION`, the
    caller must migrate (see :meth:`upgrade_tables`) before reading features.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 60.0) -> None:
        self.path = os.fspath(path)
        self.schema_version = SCHEMA_VERSION
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
                        for statement in _SCHEMA:
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
        self.schema_version = int(version)

    def _tables(self) -> set[str]:
        rows = self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows} - {"sqlite_sequence"}

    def _set_meta(self, values: dict[str, str]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                             values.items())

    def upgrade_tables(self) -> None:
        """Add the version 2 columns to a version 1 file (inside a write transaction); the
        caller then fills them and sets ``schema_version``."""
        with self._translated("migrate the index to schema version 2"):
            have = {row[1] for row in self._db.execute("PRAGMA table_info(articles)")}
            for column in _COLUMNS_V2:
                if column.split()[0] not in have:
                    self._db.execute(f"ALTER TABLE articles ADD COLUMN {column}")
            self._db.execute(
                "CREATE INDEX IF NOT EXISTS articles_written ON articles (written)")

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

    def memory_rows(self, since: int | None = None) -> Iterator[MemoryRow]:
        """Rows for the in-memory index, in insertion order: the retained ones, or with
        ``since``, every row written by a batch after ``since`` (retained or not)."""
        where = "WHERE retained = 1" if since is None else "WHERE written > ?"
        with self._translated("read the stored articles"):
            cursor = self._db.execute(f"SELECT {_MEMORY_COLUMNS} FROM articles {where} "
                                      "ORDER BY seq", () if since is None else (since,))
            for row in cursor:
                yield MemoryRow(row[0], row[1], bool(row[2]), tuple(row[3:7]), row[7], row[8],
                                bool(row[9]), row[10], row[11])

    def rows(self, table_column: str, ids: Iterable[str]) -> dict[str, Any]:
        """``{id: value}`` of one column of ``articles`` for the given ids (missing: left out)."""
        if table_column not in ("record", "decision", "features", "lookup"):
            raise ValueError(f"unexpected column {table_column!r}")
        ids = list(ids)
        out: dict[str, Any] = {}
        with self._translated(f"read the stored {table_column}s"):
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start:start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                out.update(self._db.execute(
                    f"SELECT id, {table_column} FROM articles WHERE id IN ({marks})", chunk))
        return out

    def features(self, ids: Iterable[str]) -> dict[str, tuple[bytes, bytes]]:
        """``{id: (features blob, lookup blob)}``."""
        ids = list(ids)
        out: dict[str, tuple[bytes, bytes]] = {}
        with self._translated("read the stored features"):
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start:start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for article_id, features, lookup in self._db.execute(
                        f"SELECT id, features, lookup FROM articles WHERE id IN ({marks})",
                        chunk):
                    out[article_id] = (features, lookup)
        return out

    def all_rows(self, columns: str) -> list[tuple[Any, ...]]:
        """``columns`` of every stored article (retained or not), in insertion order."""
        with self._translated("read the stored articles"):
            return self._db.execute(f"SELECT {columns} FROM articles ORDER BY seq").fetchall()

    def article(self, article_id: str) -> tuple[str, str | None] | None:
        """``(record, decision)`` of one article, or None."""
        with self._translated("read an article"):
            row = self._db.execute("SELECT record, decision FROM articles WHERE id = ?",
                                   (article_id,)).fetchone()
        return None if row is None else (row[0], row[1])

    def count(self, retained_only: bool = True) -> int:
        """Number of stored articles."""
        where = " WHERE retained = 1" if retained_only else ""
        with self._translated("count the stored articles"):
            return int(self._db.execute(f"SELECT count(*) FROM articles{where}").fetchone()[0])

    def records(self, table: str, ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """The JSON records of ``groups`` or ``stories`` (all, or those ``ids``), by id."""
        if table not in ("groups", "stories"):
            raise ValueError(f"expected 'groups' or 'stories', got {table!r}")
        with self._translated(f"read the {table}"):
            if ids is None:
                rows = self._db.execute(f"SELECT record FROM {table} ORDER BY id").fetchall()
            else:
                ids, rows = list(ids), []
                for start in range(0, len(ids), _CHUNK):
                    chunk = ids[start:start + _CHUNK]
                    rows += self._db.execute(f"SELECT record FROM {table} WHERE id IN "
                                             f"({','.join('?' * len(chunk))})", chunk)
                rows.sort()
        return [json.loads(record) for (record,) in rows]

    def changes(self, since: int) -> list[tuple[int, int, str, str, str | None, str | None]]:
        """Events with a sequence number above ``since``, oldest first."""
        with self._translated("read the change log"):
            return self._db.execute(
                "SELECT seq, batch, article_id, field, old, new FROM changes WHERE seq > ? "
                "ORDER BY seq", (since,)).fetchall()

    def removed_since(self, batch: int) -> list[str]:
        """Ids deleted by a compaction after ``batch``."""
        with self._translated("read the change log"):
            return [row[0] for row in self._db.execute(
                "SELECT article_id FROM changes WHERE batch > ? AND field = 'removed'",
                (batch,))]

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
                "INSERT INTO articles (id, record, published, features, lookup, written) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "record = excluded.record, published = excluded.published, retained = 1, "
                "features = excluded.features, lookup = excluded.lookup, "
                "written = excluded.written",
                [(*upsert, batch) for upsert in writes.upserts])
            db.executemany(
                "UPDATE articles SET group_id = ?, story_id = ?, canonical_id = ?, "
                "story_canonical_id = ?, decision = ?, boilerplate = ?, digest = ?, "
                "decision_hash = ?, written = ? WHERE id = ?",
                [(*state, decision, boilerplate, int(digest), digest_hash, batch, article_id)
                 for article_id, state, decision, boilerplate, digest, digest_hash
                 in writes.states])
            db.executemany("UPDATE articles SET retained = 0, written = ? WHERE id = ?",
                           [(batch, article_id) for article_id in writes.expire])
            for table, rows in (("groups", writes.groups), ("stories", writes.stories)):
                db.executemany(f"DELETE FROM {table} WHERE id = ?",
                               [(key,) for key, record in rows.items() if record is None])
                db.executemany(f"INSERT OR REPLACE INTO {table} (id, record) VALUES (?, ?)",
                               [(key, record) for key, record in rows.items()
                                if record is not None])
            db.executemany(
                "INSERT INTO changes (batch, article_id, field, old, new) VALUES (?, ?, ?, ?, ?)",
                [(batch, *change) for change in writes.changes])
            self._bump(batch)

    def replace_lookups(self, rows: Sequence[tuple[str, bytes, bytes, str, bool, int]]) -> None:
        """Set ``(id, features, lookup, boilerplate, digest, decision_hash)`` of stored rows
        (a migration; inside a write transaction)."""
        with self._translated("store the migrated features"):
            self._db.executemany(
                "UPDATE articles SET features = ?, lookup = ?, boilerplate = ?, digest = ?, "
                "decision_hash = ? WHERE id = ?",
                [(features, lookup, boilerplate, int(digest), decision_hash, article_id)
                 for article_id, features, lookup, boilerplate, digest, decision_hash in rows])

    def _bump(self, batch: int) -> None:
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
            self._bump(batch)
        return ids

    def vacuum(self) -> None:
        """Give freed pages back to the file system (outside any transaction)."""
        with self._translated("vacuum the index"):
            self._db.execute("VACUUM")
            if self.path != ":memory:":
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
