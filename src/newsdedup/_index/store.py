"""The SQLite file behind :class:`~newsdedup.DedupIndex`: schema, versioning, transactions.

Everything the index knows lives in one SQLite database in WAL mode, so a reader in another
process sees the last committed add while a writer works on the next one. Every write goes
through :meth:`IndexStore.apply`, called inside one ``BEGIN IMMEDIATE`` transaction: a process
killed half-way (or a disk that fills up) leaves the file exactly as it was before that add.
Creating and opening the file is ``_index.file``'s; checking what is read back,
``_index.integrity``'s: every read here hands back checked values or raises
:class:`~newsdedup.IndexStoreError`.

The schema is ``_index.schema``'s; the checked reads, ``_index.reads``'s. This module knows
rows and bytes, not deduplication.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import NoReturn

from .._core.errors import IndexStoreError
from .file import connect, translate
from .integrity import (
    RECOVERY,
    ROW_CHECK_FUNCTION,
    damaged,
    keyed_check,
    meta_check,
    row_check,
    text_hash,
)
from .reads import CHUNK, StoredReads
from .schema import (
    ADDED_ARTICLE_COLUMNS,
    ARTICLE_CHECK_SQL,
    COLUMNS_OF,
    COUNTS,
    DECISION_CHECK_SQL,
    FORMAT,
    NEW_TABLES,
    RECORD_COLUMNS,
    SCHEMA,
    SCHEMA_VERSION,
    STATE_FIELDS,
    TABLES,
    ArticleRow,
    BlobRow,
    DecisionRow,
    MemoryRow,
    Writes,
)

__all__ = ["COUNTS", "FORMAT", "SCHEMA_VERSION", "STATE_FIELDS", "ArticleRow", "BlobRow",
           "DecisionRow", "IndexStore", "MemoryRow", "Writes"]


class IndexStore(StoredReads):
    """A connection to one index file (or ``":memory:"``), validated on open.

    ``create``: a missing file is created (else an error); ``read_only``: open without write
    access (also chosen when the file cannot be written; :attr:`read_only` says why).
    ``settings`` are ``meta`` rows a new file is created with. ``schema_version`` is the
    version found in the file: below :data:`SCHEMA_VERSION`, the caller must migrate
    (``_index.migrate``) before reading anything but ``meta`` and the article records.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 60.0,
                 create: bool = True, read_only: bool = False,
                 settings: Mapping[str, str] | None = None) -> None:
        self.path = os.fspath(path)
        self.schema_version = SCHEMA_VERSION
        self._settings = dict(settings or {})
        self._db, self.read_only = connect(self.path, timeout=timeout, create=create,
                                           read_only=read_only, initialise=self._initialise)
        try:
            self._open()
        except BaseException:
            self._db.close()
            raise

    # -- opening and validation ---------------------------------------------------------

    def _initialise(self, db: sqlite3.Connection) -> None:
        """Create the tables and ``meta`` rows of a new index (on a new, empty file)."""
        db.execute("BEGIN IMMEDIATE")
        try:
            if not db.execute("SELECT name FROM sqlite_master").fetchall():
                # Not executescript(): it would commit the open transaction first.
                for statement in SCHEMA:
                    db.execute(statement)
                # ``identity``: this file's own random name, which a snapshot of the
                # in-memory lookups (``_index.snapshot``) must carry to be used.
                meta = {"format": FORMAT, "schema_version": str(SCHEMA_VERSION),
                        "generation": "0", "batches": "0", **dict.fromkeys(COUNTS, "0"),
                        "identity": secrets.token_hex(16), **self._settings}
                meta["checksum"] = meta_check(meta)
                db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _open(self) -> None:
        with self._translated("open the index"):
            if self.read_only is None:
                if self.path != ":memory:":
                    self._db.execute("PRAGMA journal_mode=WAL")
                # FULL also survives power loss, at one fsync per add (adds are large batches).
                self._db.execute("PRAGMA synchronous=FULL")
            self._db.create_function(ROW_CHECK_FUNCTION, -1, row_check, deterministic=True)
            self._db.create_function("newsdedup_text_hash", 1, text_hash, deterministic=True)
            self._db.create_function("newsdedup_keyed_check", 2, keyed_check,
                                     deterministic=True)
            tables = self._tables()
        if "meta" not in tables:
            if not tables:
                self._foreign("an SQLite database without any table")
            self._foreign(f"an SQLite database without the 'meta' table; tables: "
                          f"{', '.join(sorted(tables))}")
        meta = self.meta()
        if meta.get("format") != FORMAT:
            self._foreign(f"format marker {meta.get('format')!r}, expected {FORMAT!r}")
        version = meta.get("schema_version", "")
        if not version.isdigit():
            raise IndexStoreError(f"{self.path}: index has an unreadable schema version "
                                  f"{version!r}")
        if int(version) > SCHEMA_VERSION:
            raise IndexStoreError(
                f"{self.path}: index schema version {version} is newer than this newsdedup "
                f"supports ({SCHEMA_VERSION}); upgrade newsdedup to open it")
        self.schema_version = int(version)
        missing = (set(COLUMNS_OF) if self.schema_version == SCHEMA_VERSION else TABLES) - tables
        if missing:
            damaged(self.path, f"the table(s) {', '.join(sorted(missing))} are missing")
        if self.schema_version < SCHEMA_VERSION and self.read_only is not None:
            raise IndexStoreError(
                f"{self.path}: the index was written by an older newsdedup (schema version "
                f"{version}) and must be migrated to version {SCHEMA_VERSION}, which needs "
                f"write access ({self.read_only}): open it once writable")
        if self.schema_version == SCHEMA_VERSION:
            with self._translated("open the index"):
                columns = {table: {row[1] for row in self._db.execute(
                    f"PRAGMA table_info({table})")} for table in COLUMNS_OF}
            for table, expected in COLUMNS_OF.items():
                if not expected <= columns[table]:
                    damaged(self.path, f"the table {table} lacks the column(s) "
                                       f"{', '.join(sorted(expected - columns[table]))}")
            self.check_meta(meta)

    def _foreign(self, why: str) -> NoReturn:
        raise IndexStoreError(f"{self.path}: not a newsdedup index ({why}); if it is one, it is "
                              f"damaged: " + RECOVERY.replace("FILE", self.path))

    def check_meta(self, meta: Mapping[str, str]) -> None:
        """Raise the damage error unless ``meta`` is complete, its checksum holds and the
        tables hold as many rows as it counts."""
        for key in ("generation", "batches", *COUNTS):
            if not meta.get(key, "").isdigit():
                damaged(self.path, f"the meta row {key!r} is {meta.get(key)!r}, expected a "
                                   f"count")
        if meta.get("checksum") != meta_check(meta):
            damaged(self.path, "the meta rows (settings and counters) do not match their "
                               "checksum: edited or damaged")
        found = self._counts()
        for key in COUNTS:
            if found[key] != int(meta[key]):
                what = "the last change" if key == "changes" else f"{key} rows"
                damaged(self.path, f"{what}: {found[key]} in the file, {meta[key]} written "
                                   f"(rows were deleted or added)")
        if found["decisions"] != found["articles"]:
            damaged(self.path, f"{found['decisions']} decision rows for {found['articles']} "
                               f"articles (rows were deleted or added)")

    def _counts(self) -> dict[str, int]:
        """The row counts of :data:`COUNTS` (and of decisions), counted (index-only scans:
        cheap)."""
        with self._translated("count the rows of the index"):
            found = {table: int(self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                     for table in ("articles", "decisions", "groups", "members", "stories",
                                   "matches")}
            found["retained"] = int(self._db.execute(
                "SELECT count(*) FROM articles WHERE retained = 1").fetchone()[0])
            found["changes"] = self.last_change()
        return found

    def _tables(self) -> set[str]:
        rows = self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows} - {"sqlite_sequence"}

    def _set_meta(self, values: Mapping[str, str]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                             values.items())
        if self.schema_version >= SCHEMA_VERSION:
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('checksum', ?)",
                             (meta_check(meta),))

    def upgrade_tables(self) -> None:
        """Add the version 3 columns and tables to an older file (inside a write
        transaction); the caller then fills them and sets ``schema_version``."""
        with self._translated(f"migrate the index to schema version {SCHEMA_VERSION}"):
            for table, columns in (("articles", ADDED_ARTICLE_COLUMNS),
                                   ("groups", RECORD_COLUMNS), ("stories", RECORD_COLUMNS),
                                   ("changes", ("checksum INTEGER",))):
                have = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
                for column in columns:
                    if column.split()[0] not in have:
                        self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
            self._db.execute(
                "CREATE INDEX IF NOT EXISTS articles_written ON articles (written)")
            for statement in NEW_TABLES:
                self._db.execute(statement.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS")
                                 .replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS"))

    def close(self) -> None:
        """Close the connection (uncommitted work, if any, is rolled back)."""
        self._db.close()

    # -- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, write: bool) -> Iterator[None]:
        """One transaction: ``write`` takes the write lock at once (``BEGIN IMMEDIATE``).

        A read transaction sees one committed snapshot even while another process writes.
        An error inside rolls it back (if SQLite has not already) and is raised as it was:
        a failed rollback never hides it.
        """
        action = "write to the index" if write else "read the index"
        if write and self.read_only is not None:
            raise IndexStoreError(f"{self.path}: cannot {action}: the index is open "
                                  f"read-only ({self.read_only})")
        with self._translated(action):
            self._db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException as error:
            if self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                raise translate(self.path, action, error) from error
            raise

    def set_meta(self, values: dict[str, str]) -> None:
        """Write ``meta`` rows (call inside a write transaction)."""
        with self._translated("write the index metadata"):
            self._set_meta(values)

    # -- writes -------------------------------------------------------------------------

    def apply(self, writes: Writes, batch: int) -> None:
        """Apply one add's writes (call inside a write transaction)."""
        db = self._db
        with self._translated("write to the index"):
            before = self._touched(writes)
            db.executemany(
                "INSERT INTO articles (id, record, published, features, lookup, written, "
                "record_hash) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "record = excluded.record, published = excluded.published, retained = 1, "
                "features = excluded.features, lookup = excluded.lookup, "
                "written = excluded.written, record_hash = excluded.record_hash",
                [(row.id, row.record, row.published, row.features, row.lookup, batch,
                  text_hash(row.record)) for row in writes.upserts])
            db.executemany(
                "INSERT INTO decisions (id, group_id, story_id, canonical_id, "
                "story_canonical_id, decision, boilerplate, digest, decision_hash, written) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "group_id = excluded.group_id, story_id = excluded.story_id, "
                "canonical_id = excluded.canonical_id, "
                "story_canonical_id = excluded.story_canonical_id, "
                "decision = excluded.decision, boilerplate = excluded.boilerplate, "
                "digest = excluded.digest, decision_hash = excluded.decision_hash, "
                "written = excluded.written",
                [(row.id, *row.state, row.decision, row.boilerplate, int(row.digest),
                  row.decision_hash, batch) for row in writes.states])
            db.executemany("UPDATE articles SET retained = 0, written = ? WHERE id = ?",
                           [(batch, article_id) for article_id in writes.expire])
            db.executemany("UPDATE decisions SET n_matches = ?, written = ? WHERE id = ?",
                           [(count, batch, article_id)
                            for article_id, count in writes.match_counts.items()])
            for table, rows in (("groups", writes.groups), ("stories", writes.stories)):
                db.executemany(f"DELETE FROM {table} WHERE id = ?",
                               [(key,) for key, record in rows.items() if record is None])
                db.executemany(
                    f"INSERT OR REPLACE INTO {table} (id, record, size, checksum) "
                    "VALUES (?, ?, ?, ?)",
                    [(key, record[0], record[1], keyed_check(key, record[0]))
                     for key, record in rows.items() if record is not None])
            for table, (left, right), keyed in (("matches", ("a", "b"), writes.pairs),
                                                ("members", ("canonical", "member"),
                                                 writes.members)):
                db.executemany(f"DELETE FROM {table} WHERE {left} = ? AND {right} = ?",
                               [pair for pair, record in keyed.items() if record is None])
                db.executemany(
                    f"INSERT OR REPLACE INTO {table} ({left}, {right}, record, key, checksum) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(a, b, record[0], record[1], keyed_check(f"{a}\x00{b}", record[0]))
                     for (a, b), record in keyed.items() if record is not None])
            self._log(batch, writes.changes)
            db.execute(f"UPDATE articles SET checksum = {ARTICLE_CHECK_SQL} WHERE written = ?",
                       (batch,))
            db.execute(f"UPDATE decisions SET checksum = {DECISION_CHECK_SQL} "
                       "WHERE written = ?", (batch,))
            after = self._touched(writes)
            self._bump(batch, {key: after[key] - before[key] for key in after})

    def _touched(self, writes: Writes) -> dict[str, int]:
        """Rows among those ``writes`` touch, per count of :data:`COUNTS` (compared before
        and after the writes: the counts' changes, without counting whole tables)."""
        ids = list(dict.fromkeys([*(row.id for row in writes.upserts), *writes.expire]))
        out = {"articles": 0, "retained": 0}
        for retained, in self._select("retained", ids):
            out["articles"] += 1
            out["retained"] += retained == 1
        for table, rows in (("groups", writes.groups), ("stories", writes.stories)):
            out[table] = sum(1 for _ in self._select("1", rows, table))
        for table, (left, right), keyed in (("matches", ("a", "b"), writes.pairs),
                                            ("members", ("canonical", "member"),
                                             writes.members)):
            pairs = list(keyed)
            out[table] = 0
            for start in range(0, len(pairs), CHUNK // 2):
                chunk = pairs[start:start + CHUNK // 2]
                out[table] += int(self._db.execute(
                    f"SELECT count(*) FROM {table} WHERE ({left}, {right}) IN (VALUES "
                    + ",".join(["(?, ?)"] * len(chunk)) + ")",
                    [side for pair in chunk for side in pair]).fetchone()[0])
        return out

    def _log(self, batch: int, changes: Iterable[tuple[str, str, str | None, str | None]]
             ) -> None:
        """Append events to the change log, numbered on from the last, with checksums."""
        first = self.last_change() + 1
        rows = [(seq, batch, *change) for seq, change in enumerate(changes, first)]
        self._db.executemany(
            "INSERT INTO changes (seq, batch, article_id, field, old, new, checksum) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", [(*row, row_check(*row)) for row in rows])

    def migrate_blobs(self, rows: Sequence[BlobRow]) -> None:
        """Set the features and lookups of stored articles (a migration; inside a write
        transaction)."""
        with self._translated("store the migrated rows"):
            self._db.executemany("UPDATE articles SET features = ?, lookup = ? WHERE id = ?",
                                 [(row.features, row.lookup, row.id) for row in rows])

    def migrate_decisions(self, rows: Sequence[DecisionRow]) -> None:
        """Store the decision rows of an older file's articles, and clear what the articles
        table held of them (a migration; inside a write transaction)."""
        with self._translated("store the migrated rows"):
            self._db.executemany(
                "INSERT OR REPLACE INTO decisions (id, group_id, story_id, canonical_id, "
                "story_canonical_id, decision, boilerplate, digest, decision_hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(row.id, *row.state, row.decision, row.boilerplate, int(row.digest),
                  row.decision_hash) for row in rows])
            have = {row[1] for row in self._db.execute("PRAGMA table_info(articles)")}
            legacy = [column for column in ("decision", "boilerplate") if column in have]
            if legacy:  # the large ones: space back to the file
                self._db.executemany(
                    f"UPDATE articles SET {', '.join(f'{c} = NULL' for c in legacy)} "
                    "WHERE id = ?", [(row.id,) for row in rows])

    def insert_pairs(self, pairs: Mapping[tuple[str, str], tuple[str, int]]) -> None:
        """Store ``{(a, b): (match JSON, key)}`` (a migration; inside a write transaction)."""
        with self._translated("store the migrated matches"):
            self._db.executemany(
                "INSERT OR REPLACE INTO matches (a, b, record, key, checksum) "
                "VALUES (?, ?, ?, ?, ?)",
                [(a, b, record, key, keyed_check(f"{a}\x00{b}", record))
                 for (a, b), (record, key) in pairs.items()])

    def group_records_after(self, after: str, limit: int) -> list[tuple[str, str]]:
        """``(id, record)`` of up to ``limit`` groups with ids after ``after`` (a
        migration)."""
        with self._translated("read the groups"):
            return self._db.execute("SELECT id, record FROM groups WHERE id > ? ORDER BY id "
                                    "LIMIT ?", (after, limit)).fetchall()

    def replace_groups(self, headers: Mapping[str, str],
                       parts: Mapping[tuple[str, str], tuple[str, int]]) -> None:
        """Store group ``headers`` over the records of an older file, and their members'
        ``parts`` (a migration; inside a write transaction)."""
        with self._translated("store the migrated groups"):
            self._db.executemany("UPDATE groups SET record = ? WHERE id = ?",
                                 [(header, key) for key, header in headers.items()])
            self._db.executemany(
                "INSERT OR REPLACE INTO members (canonical, member, record, key, checksum) "
                "VALUES (?, ?, ?, ?, ?)",
                [(canonical, member, record, key,
                  keyed_check(f"{canonical}\x00{member}", record))
                 for (canonical, member), (record, key) in parts.items()])

    def finish_migration(self) -> None:
        """Checksums and sizes of every article, group and story row (the end of a
        migration, after :meth:`migrate_rows`; inside a write transaction)."""
        with self._translated("store the migrated rows"):
            self._db.execute("UPDATE articles SET record_hash = newsdedup_text_hash(record)")
            self._db.execute(
                "UPDATE decisions SET n_matches = (SELECT count(*) FROM matches WHERE "
                "matches.a = decisions.id) + (SELECT count(*) FROM matches WHERE "
                "matches.b = decisions.id)")
            self._db.execute(f"UPDATE articles SET checksum = {ARTICLE_CHECK_SQL}")
            self._db.execute(f"UPDATE decisions SET checksum = {DECISION_CHECK_SQL}")
            for table, members in (("groups", "members"), ("stories", "member_ids")):
                self._db.execute(
                    f"UPDATE {table} SET size = json_array_length(record, '$.{members}'), "
                    "checksum = newsdedup_keyed_check(id, record)")
            self._db.execute(f"UPDATE changes SET checksum = {ROW_CHECK_FUNCTION}(seq, batch, "
                             "article_id, field, old, new)")
            self._set_meta({key: str(value) for key, value in self._counts().items()})

    def _bump(self, batch: int, counts: Mapping[str, int] | None = None) -> None:
        meta = self.meta()
        values = {"generation": str(int(meta.get("generation", "0")) + 1),
                  "batches": str(batch), "changes": str(self.last_change())}
        for key, change in (counts or {}).items():
            values[key] = str(int(meta.get(key, "0")) + change)
        self._set_meta(values)

    def delete_expired(self, batch: int) -> list[str]:
        """Delete articles outside the retention window; log one event each (in a write txn)."""
        with self._translated("compact the index"):
            ids = [row[0] for row in self._db.execute(
                "SELECT id FROM articles WHERE retained = 0 ORDER BY seq")]
            self._db.execute("DELETE FROM decisions WHERE id IN (SELECT id FROM articles "
                             "WHERE retained = 0)")
            self._db.execute("DELETE FROM articles WHERE retained = 0")
            self._log(batch, [(article_id, "removed", None, None) for article_id in ids])
            self._bump(batch, {"articles": -len(ids)})
        return ids

    def vacuum(self) -> None:
        """Give freed pages back to the file system (outside any transaction)."""
        with self._translated("vacuum the index"):
            self._db.execute("VACUUM")
            if self.path != ":memory:":
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
