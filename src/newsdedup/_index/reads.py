"""Reading an index file back, checked: every value is what the index wrote, or the read
raises :class:`~newsdedup.IndexStoreError` (see ``_index.integrity``).

:class:`StoredReads` is the reading half of :class:`~newsdedup._index.store.IndexStore`:
articles, decisions, blobs, groups, stories, matches and the change log, each checked against
its checksum and its expected types when it is read.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from .file import translate
from .integrity import (
    damaged,
    expect_int,
    expect_text,
    expect_time,
    keyed_check,
    parsed_json,
    row_check,
    text_hash,
)
from .schema import (
    CHANGE_FIELDS,
    MEMORY_COLUMNS,
    SCHEMA_VERSION,
    STATE_FIELDS,
    MemoryRow,
)

__all__ = ["CHUNK", "StoredReads"]

#: Ids per ``IN (...)`` query (SQLite limits the number of bound parameters).
CHUNK = 900


class StoredReads:
    """The checked reads of an index connection (``_db``) to the file at ``path``."""

    path: str
    schema_version: int
    _db: sqlite3.Connection

    @contextlib.contextmanager
    def _translated(self, action: str) -> Iterator[None]:
        """Turn SQLite errors into IndexStoreError naming the file (never a deep crash)."""
        try:
            yield
        except sqlite3.Error as error:
            raise translate(self.path, action, error) from error

    # -- reads --------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        """All ``meta`` rows (strings; anything else is the damage error)."""
        with self._translated("read the index metadata"):
            rows = self._db.execute("SELECT key, value FROM meta").fetchall()
        for key, value in rows:
            if not isinstance(key, str) or not isinstance(value, str):
                damaged(self.path, f"the meta row {key!r} holds {type(value).__name__} "
                                   f"{value!r}, expected text")
        return dict(rows)

    def generation(self) -> int:
        """The write counter: changes whenever any process commits a write."""
        with self._translated("read the index metadata"):
            row = self._db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        if row is None or not isinstance(row[0], str) or not row[0].isdigit():
            damaged(self.path, f"the meta row 'generation' is {row and row[0]!r}, expected "
                               f"a count")
        return int(row[0])

    def batches(self) -> int:
        """Number of the last write."""
        value = self.meta().get("batches", "")
        if not value.isdigit():
            damaged(self.path, f"the meta row 'batches' is {value!r}, expected a count")
        return int(value)

    def memory_rows(self, since: int | None = None) -> Iterator[MemoryRow]:
        """Rows for the in-memory index, in insertion order: the retained ones, or with
        ``since``, every article whose rows a batch after ``since`` wrote (retained or not).
        Each row's values and checksums are checked."""
        if since is None:
            query = (f"SELECT {MEMORY_COLUMNS} FROM articles a LEFT JOIN decisions d "
                     "ON d.id = a.id WHERE a.retained = 1 ORDER BY a.seq")
        else:
            query = (f"SELECT {MEMORY_COLUMNS} FROM (SELECT id FROM articles WHERE written > "
                     "?1 UNION SELECT id FROM decisions WHERE written > ?1) AS w JOIN "
                     "articles a ON a.id = w.id LEFT JOIN decisions d ON d.id = a.id "
                     "ORDER BY a.seq")
        with self._translated("read the stored articles"):
            cursor = self._db.execute(query, () if since is None else (since,))
            for row in cursor:
                yield self._memory_row(row)

    def _memory_row(self, row: tuple[Any, ...]) -> MemoryRow:
        (article_id, published, retained, group, story, canonical, story_canonical, lookup,
         boilerplate, digest, decision_hash, written, record_hash, n_matches, checksum,
         decision_written, decision_checksum, decided) = row
        path = self.path
        expect_text(path, article_id, "an article id")
        where = f"the row of article {article_id!r}"
        if decided is None:
            damaged(path, f"{where} has no decision row")
        published = expect_time(path, published, f"{where}: 'published'")
        for name, value in (("retained", retained), ("digest", digest)):
            expect_int(path, value, f"{where}: {name!r}", 0, 1)
        for name, value in zip(STATE_FIELDS, (group, story, canonical, story_canonical),
                               strict=True):
            expect_text(path, value, f"{where}: {name!r}", optional=True)
        if retained and None in (group, story, canonical, story_canonical):
            damaged(path, f"{where}: a retained article without group, story or canonical")
        if not isinstance(lookup, bytes):
            damaged(path, f"{where}: 'lookup' is {type(lookup).__name__}, expected a blob")
        expect_text(path, boilerplate, f"{where}: 'boilerplate'")
        expect_int(path, decision_hash, f"{where}: 'decision_hash'", -2**63)
        for name, value in (("written", written), ("decision written", decision_written),
                            ("n_matches", n_matches)):
            expect_int(path, value, f"{where}: {name!r}")
        if checksum != row_check(article_id, record_hash, published, retained, written):
            damaged(path, f"{where} does not match its checksum: edited or damaged")
        if decision_checksum != row_check(article_id, group, story, canonical, story_canonical,
                                          decision_hash, boilerplate, digest, n_matches,
                                          decision_written):
            damaged(path, f"the decision row of article {article_id!r} does not match its "
                          f"checksum: edited or damaged")
        return MemoryRow(article_id, published, bool(retained),
                         (group, story, canonical, story_canonical), lookup, boilerplate,
                         bool(digest), decision_hash, max(written, decision_written),
                         n_matches)

    def _select(self, columns: str, ids: Iterable[str], table: str = "articles",
                key: str = "id") -> Iterator[tuple[Any, ...]]:
        ids = list(ids)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            yield from self._db.execute(f"SELECT {columns} FROM {table} WHERE {key} IN "
                                        f"({','.join('?' * len(chunk))})", chunk)

    def records_text(self, ids: Iterable[str]) -> dict[str, str]:
        """``{id: article JSON}`` of the stored articles among ``ids``, checked against
        their ``record_hash``."""
        out = {}
        with self._translated("read the stored articles"):
            for article_id, record, record_hash in self._select("id, record, record_hash",
                                                                ids):
                out[article_id] = self._checked_record(article_id, record, record_hash)
        return out

    def _checked_record(self, article_id: str, record: object, record_hash: object) -> str:
        if not isinstance(record, str):
            damaged(self.path, f"the stored article {article_id!r} is "
                               f"{type(record).__name__}, expected JSON text")
        if self.schema_version >= SCHEMA_VERSION and text_hash(record) != record_hash:
            damaged(self.path, f"the stored article {article_id!r} does not match its "
                               f"checksum: edited or damaged")
        return record

    def decisions(self, ids: Iterable[str]) -> dict[str, dict[str, Any] | None]:
        """``{id: decision}`` (None if not decided yet) of the stored articles among
        ``ids``, checked against their ``decision_hash``."""
        out = {}
        with self._translated("read the stored decisions"):
            for article_id, decision, decision_hash in self._select(
                    "id, decision, decision_hash", ids, "decisions"):
                out[article_id] = self._checked_decision(article_id, decision, decision_hash)
        return out

    def _checked_decision(self, article_id: str, decision: object,
                          decision_hash: object) -> dict[str, Any] | None:
        if decision is None:
            return None
        where = f"the stored decision of article {article_id!r}"
        if (self.schema_version >= SCHEMA_VERSION and isinstance(decision, str)
                and text_hash(decision) != decision_hash):
            damaged(self.path, f"{where} does not match its checksum: edited or damaged")
        record = parsed_json(self.path, decision, where, dict)
        if record.get("id") != article_id:
            damaged(self.path, f"{where} is the decision of {record.get('id')!r}")
        return record

    def article(self, article_id: str) -> tuple[str, dict[str, Any] | None] | None:
        """``(record, decision)`` of one article, or None."""
        with self._translated("read an article"):
            row = self._db.execute(
                "SELECT a.record, a.record_hash, d.decision, d.decision_hash FROM articles a "
                "LEFT JOIN decisions d ON d.id = a.id WHERE a.id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        return (self._checked_record(article_id, row[0], row[1]),
                self._checked_decision(article_id, row[2], row[3]))

    def features(self, ids: Iterable[str]) -> dict[str, tuple[bytes | None, bytes | None]]:
        """``{id: (features blob, lookup blob)}`` (blobs are checked when decoded)."""
        with self._translated("read the stored features"):
            return {article_id: (features, lookup) for article_id, features, lookup
                    in self._select("id, features, lookup", ids)}

    def lookups(self, ids: Iterable[str]) -> dict[str, bytes | None]:
        """``{id: lookup blob}``."""
        with self._translated("read the stored features"):
            return dict(self._select("id, lookup", ids))

    def all_rows(self, columns: str) -> list[tuple[Any, ...]]:
        """``columns`` of every stored article (retained or not), in insertion order."""
        with self._translated("read the stored articles"):
            return self._db.execute(f"SELECT {columns} FROM articles ORDER BY seq").fetchall()

    def rows_after(self, columns: str, after: int, limit: int) -> list[tuple[Any, ...]]:
        """``seq`` and ``columns`` of up to ``limit`` stored articles with ``seq`` above
        ``after``, in insertion order (a migration reads the file this way, a chunk at a
        time)."""
        with self._translated("read the stored articles"):
            return self._db.execute(f"SELECT seq, {columns} FROM articles WHERE seq > ? "
                                    "ORDER BY seq LIMIT ?", (after, limit)).fetchall()

    def count(self, retained_only: bool = True) -> int:
        """Number of stored articles."""
        where = " WHERE retained = 1" if retained_only else ""
        with self._translated("count the stored articles"):
            return int(self._db.execute(f"SELECT count(*) FROM articles{where}").fetchone()[0])

    def records(self, table: str, ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """The checked JSON records of ``groups`` or ``stories`` (all, or those ``ids``), by
        id."""
        if table not in ("groups", "stories"):
            raise ValueError(f"expected 'groups' or 'stories', got {table!r}")
        with self._translated(f"read the {table}"):
            if ids is None:
                rows = self._db.execute(f"SELECT id, record, checksum FROM {table} "
                                        "ORDER BY id").fetchall()
            else:
                rows = sorted(self._select("id, record, checksum", ids, table))
        out = []
        for key, record, checksum in rows:
            where = f"the stored {'group' if table == 'groups' else 'story'} {key!r}"
            expect_text(self.path, key, f"an id in {table}")
            if self.schema_version >= SCHEMA_VERSION and checksum != keyed_check(key, record):
                damaged(self.path, f"{where} does not match its checksum: edited or damaged")
            value = parsed_json(self.path, record, where, dict)
            if value.get("id") != key:
                damaged(self.path, f"{where} holds the record of {value.get('id')!r}")
            out.append(value)
        return out

    def checks(self, table: str, ids: Iterable[str]) -> dict[str, Any]:
        """``{id: checksum}`` of the stored rows of ``groups`` or ``stories`` among ``ids``."""
        if table not in ("groups", "stories"):
            raise ValueError(f"expected 'groups' or 'stories', got {table!r}")
        with self._translated(f"read the {table}"):
            return dict(self._select("id, checksum", ids, table))

    def sizes(self, table: str) -> dict[str, Any]:
        """``{id: size}`` of every row of ``groups`` or ``stories``."""
        if table not in ("groups", "stories"):
            raise ValueError(f"expected 'groups' or 'stories', got {table!r}")
        with self._translated(f"read the {table}"):
            return dict(self._db.execute(f"SELECT id, size FROM {table}").fetchall())

    def pair_keys(self, ids: Iterable[str]) -> dict[tuple[str, str], int]:
        """``{(a, b): key}`` of every stored match with ``a`` or ``b`` among ``ids``."""
        ids = list(ids)
        out: dict[tuple[str, str], int] = {}
        with self._translated("read the stored matches"):
            for side in ("a", "b"):
                for a, b, key in self._select("a, b, key", ids, "matches", side):
                    out[(a, b)] = key
        return out

    def member_keys(self, ids: Iterable[str]) -> dict[tuple[str, str], int]:
        """``{(canonical, member): key}`` of the stored group members among ``ids``."""
        with self._translated("read the stored groups"):
            return {(canonical, member): key for canonical, member, key in self._select(
                "canonical, member, key", ids, "members", "member")}

    def member_parts(self, canonicals: Iterable[str] | None = None
                     ) -> dict[str, dict[str, dict[str, Any]]]:
        """``{canonical: {member: part}}`` of the stored group members (of the groups with
        these ``canonicals``, or all), checked."""
        with self._translated("read the stored groups"):
            rows = (self._db.execute("SELECT canonical, member, record, checksum FROM members")
                    .fetchall() if canonicals is None else list(self._select(
                        "canonical, member, record, checksum", canonicals, "members",
                        "canonical")))
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for canonical, member, record, checksum in rows:
            where = f"the stored group member {member!r} (canonical {canonical!r})"
            if checksum != keyed_check(f"{canonical}\x00{member}", record):
                damaged(self.path, f"{where} does not match its checksum: edited or damaged")
            out.setdefault(canonical, {})[member] = parsed_json(self.path, record, where, dict)
        return out

    def pairs_of(self, article_id: str, expected: int | None = None) -> list[dict[str, Any]]:
        """The checked match records of ``article_id`` (sorted by ``(a, b)``); ``expected``
        is the count its row records."""
        with self._translated("read the stored matches"):
            rows = self._db.execute(
                "SELECT a, b, record, checksum FROM matches WHERE a = ? UNION ALL "
                "SELECT a, b, record, checksum FROM matches WHERE b = ?",
                (article_id, article_id)).fetchall()
        if expected is not None and len(rows) != expected:
            damaged(self.path, f"article {article_id!r} has {len(rows)} stored matches, its "
                               f"row records {expected}: rows were deleted or added")
        out = []
        for a, b, record, checksum in sorted(rows, key=lambda row: (str(row[0]), str(row[1]))):
            where = f"the stored match {a!r}-{b!r}"
            if checksum != keyed_check(f"{a}\x00{b}", record):
                damaged(self.path, f"{where} does not match its checksum: edited or damaged")
            value = parsed_json(self.path, record, where, dict)
            if (value.get("a"), value.get("b")) != (a, b):
                damaged(self.path, f"{where} holds the match {value.get('a')!r}-"
                                   f"{value.get('b')!r}")
            out.append(value)
        return out

    def has(self, article_id: str) -> bool:
        """Whether an article with this id is stored (retained or not)."""
        with self._translated("read an article"):
            return self._db.execute("SELECT 1 FROM articles WHERE id = ?",
                                    (article_id,)).fetchone() is not None

    def match_count(self, article_id: str) -> int | None:
        """The ``n_matches`` column of one article (None if not stored)."""
        with self._translated("read an article"):
            row = self._db.execute("SELECT n_matches FROM decisions WHERE id = ?",
                                   (article_id,)).fetchone()
        return None if row is None else expect_int(self.path, row[0], f"the row of article "
                                                                      f"{article_id!r}: "
                                                                      f"'n_matches'")

    def changes(self, since: int) -> list[tuple[int, int, str, str, str | None, str | None]]:
        """Events with a sequence number above ``since``, oldest first (values checked)."""
        with self._translated("read the change log"):
            found = self._db.execute(
                "SELECT seq, batch, article_id, field, old, new, checksum FROM changes "
                "WHERE seq > ? ORDER BY seq", (since,)).fetchall()
        rows = [row[:6] for row in found]
        checksums = [row[6] for row in found]
        for number, (seq, batch, article_id, field, old, new) in enumerate(rows, since + 1):
            where = f"change {seq!r} of the log"
            if seq != number:  # the log is numbered without gaps
                damaged(self.path, f"the change log lacks change {number} (rows were "
                                   f"deleted or renumbered)")
            expect_int(self.path, batch, f"{where}: 'batch'")
            expect_text(self.path, article_id, f"{where}: 'article_id'")
            if field not in CHANGE_FIELDS:
                damaged(self.path, f"{where}: 'field' is {field!r}, expected one of "
                                   f"{', '.join(sorted(CHANGE_FIELDS))}")
            expect_text(self.path, old, f"{where}: 'old'", optional=True)
            expect_text(self.path, new, f"{where}: 'new'", optional=True)
        if self.schema_version >= SCHEMA_VERSION:
            for row, checksum in zip(rows, checksums, strict=True):
                if checksum != row_check(*row):
                    damaged(self.path, f"change {row[0]} of the log does not match its "
                                       f"checksum: edited or damaged")
        return rows

    def removed_since(self, batch: int) -> list[str]:
        """Ids deleted by a compaction after ``batch``."""
        with self._translated("read the change log"):
            return [row[0] for row in self._db.execute(
                "SELECT article_id FROM changes WHERE batch > ? AND field = 'removed'",
                (batch,))]

    def change_checksum(self, seq: int) -> int | None:
        """The stored checksum of change-log row ``seq`` (None if there is no such row)."""
        with self._translated("read the change log"):
            row = self._db.execute("SELECT checksum FROM changes WHERE seq = ?",
                                   (seq,)).fetchone()
        return None if row is None or not isinstance(row[0], int) else int(row[0])

    def last_change(self) -> int:
        """Sequence number of the newest event (0 when the log is empty)."""
        with self._translated("read the change log"):
            return int(self._db.execute("SELECT coalesce(max(seq), 0) FROM changes")
                       .fetchone()[0])

