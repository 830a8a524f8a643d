"""_index.store: the SQLite file's validation, transactions and row-level reads and writes.

Opening a garbage file, a foreign SQLite database, a newer schema or a missing directory
through ``open_index`` is pinned in tests/index/test_driver.py; these tests drive ``IndexStore``
itself.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from conftest import downgrade_to_schema_1
from newsdedup import IndexStoreError, open_index
from newsdedup._corpora.synthetic import generate_corpus
from newsdedup._index.integrity import meta_check, text_hash
from newsdedup._index.store import (
    COUNTS,
    FORMAT,
    SCHEMA_VERSION,
    STATE_FIELDS,
    ArticleRow,
    DecisionRow,
    IndexStore,
    Writes,
)


def _upsert(article_id: str, published: float | None = None, text: str = "x") -> ArticleRow:
    record = json.dumps({"id": article_id, "text": text})
    return ArticleRow(article_id, record, published, f"F{article_id}".encode(),
                      f"L{article_id}".encode())


def _state(article_id: str, group: str, decision: dict[str, Any] | None = None,
           digest: bool = False) -> DecisionRow:
    text = json.dumps(decision or {"id": article_id})
    return DecisionRow(article_id, (group, f"s-{group}", article_id, article_id), text,
                       "[[0,2,3]]", digest, text_hash(text))


def _record(key: str, members: int = 1) -> tuple[str, int]:
    return json.dumps({"id": key}), members


def _dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the file, read with plain sqlite3."""
    with sqlite3.connect(path) as db:
        tables = [name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {table: db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in tables}


def _filled(path: Path) -> IndexStore:
    store = IndexStore(path)
    with store.transaction(write=True):
        store.apply(Writes(upserts=[_upsert("a", 100.0), _upsert("b"), _upsert("c", 50.0)],
                           states=[_state("a", "g1"), _state("b", "g1", digest=True),
                                   _state("c", "g2")],
                           groups={"g1": _record("g1", 2), "g2": _record("g2")},
                           stories={"s-g1": _record("s-g1", 2)},
                           changes=[("a", "group_id", None, "g1"),
                                    ("b", "group_id", None, "g1")]), batch=1)
    return store


def test_a_new_file_gets_the_schema_and_meta_rows(tmp_path: Path) -> None:
    """A new file is a version 3 index in WAL mode with its marker, counters and random
    identity (another new file gets another)."""
    path = tmp_path / "new.db"
    store = IndexStore(path)
    assert store.schema_version == SCHEMA_VERSION == 3
    meta = store.meta()
    assert re.fullmatch("[0-9a-f]{32}", meta["identity"])
    assert meta == {"format": FORMAT, "schema_version": "3", "generation": "0",
                    "batches": "0", **dict.fromkeys(COUNTS, "0"), "identity": meta["identity"],
                    "checksum": meta_check(meta)}
    other = IndexStore(tmp_path / "other.db")
    assert other.meta()["identity"] != meta["identity"]
    other.close()
    assert store.count() == 0 and store.last_change() == 0 and store.generation() == 0
    store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        columns = [row[1] for row in db.execute("PRAGMA table_info(articles)")]
        decisions = [row[1] for row in db.execute("PRAGMA table_info(decisions)")]
    assert columns == ["seq", "id", "record", "published", "retained", "features", "lookup",
                       "record_hash", "written", "checksum"]
    assert decisions == ["id", *STATE_FIELDS, "decision", "boilerplate", "digest",
                         "decision_hash", "n_matches", "written", "checksum"]
    assert IndexStore(path).meta()["generation"] == "0"  # reopening creates nothing


def test_meta_table_with_another_marker_is_refused(tmp_path: Path) -> None:
    """A database with a 'meta' table but another format marker is not an index."""
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('format', 'someone-else')")
    with pytest.raises(IndexStoreError, match=re.escape(
            f"{path}: not a newsdedup index (format marker 'someone-else', "
            f"expected '{FORMAT}')")):
        IndexStore(path)


def test_unreadable_schema_version_is_refused(tmp_path: Path) -> None:
    """A schema version that is not a number names the file and the value."""
    path = tmp_path / "news.db"
    IndexStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '2b' WHERE key = 'schema_version'")
    with pytest.raises(IndexStoreError, match=re.escape(
            f"{path}: index has an unreadable schema version '2b'")):
        IndexStore(path)


def test_an_older_schema_opens_and_reports_its_version(tmp_path: Path) -> None:
    """A version 1 file opens (the caller migrates it); upgrade_tables adds the columns and
    tables once."""
    path = tmp_path / "v1.db"
    store = IndexStore(path)
    store.close()
    downgrade_to_schema_1(path)
    store = IndexStore(path)
    assert store.schema_version == 1
    for _ in range(2):  # idempotent
        with store.transaction(write=True):
            store.upgrade_tables()
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(articles)")]
        indexes = {name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")}
        tables = {name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert columns.count("features") == 1 and columns[-1] == "checksum"
    assert {"articles_written", "decisions_written", "matches_b"} <= indexes
    assert {"decisions", "matches"} <= tables


def test_corrupted_pages_are_index_store_errors_naming_the_file(tmp_path: Path) -> None:
    """Pages overwritten after the header fail at open; pages overwritten in the second half
    of the file fail at open (counting the rows) or when the rows on them are read:
    IndexStoreError, never sqlite3's."""
    path = tmp_path / "news.db"
    index = open_index(path)
    index.add(generate_corpus(20, seed=2, article_bytes=400).articles)
    index.close()
    good = path.read_bytes()
    assert len(good) > 16 * 4096 and not (tmp_path / "news.db-wal").exists()
    corrupt = f"{path}: not a newsdedup index, or the file is corrupt (SQLite: "
    path.write_bytes(good[:100] + b"\xa5" * (len(good) - 100))  # SQLite's header kept
    with pytest.raises(IndexStoreError, match=re.escape(corrupt) + ".*open the index"):
        IndexStore(path)
    half = len(good) // 2 // 4096 * 4096
    path.write_bytes(good[:half] + b"\xa5" * (len(good) - half))
    with pytest.raises(IndexStoreError, match=re.escape(corrupt) + ".*(read|count) the"):
        IndexStore(path).all_rows("id, record, features, lookup, decision")


def test_apply_writes_rows_changes_and_counters(tmp_path: Path) -> None:
    """One apply stores articles, states, groups, stories and events, and bumps the counters."""
    store = _filled(tmp_path / "news.db")
    assert store.count() == 3 and store.generation() == 1
    assert store.meta()["batches"] == "1"
    assert store.article("a") == (json.dumps({"id": "a", "text": "x"}), {"id": "a"})
    assert store.article("zz") is None
    assert store.features(["a", "c", "zz"]) == {"a": (b"Fa", b"La"), "c": (b"Fc", b"Lc")}
    assert store.lookups(["b"]) == {"b": b"Lb"}
    assert store.records("groups") == [{"id": "g1"}, {"id": "g2"}]
    assert store.records("stories", ["s-g1", "nope"]) == [{"id": "s-g1"}]
    assert store.changes(0) == [(1, 1, "a", "group_id", None, "g1"),
                                (2, 1, "b", "group_id", None, "g1")]
    assert store.changes(1) == [(2, 1, "b", "group_id", None, "g1")]
    assert store.last_change() == 2
    rows = list(store.memory_rows())
    assert [row.id for row in rows] == ["a", "b", "c"]
    assert rows[1].state == ("g1", "s-g1", "b", "b") and len(STATE_FIELDS) == 4
    assert (rows[0].published, rows[1].published) == (100.0, None)
    assert (rows[1].digest, rows[0].digest) == (True, False)
    assert (rows[0].boilerplate, rows[0].decision_hash, rows[0].written) == (
        "[[0,2,3]]", text_hash('{"id": "a"}'), 1)


def test_upsert_replaces_in_place_and_expiry_and_deletion_follow(tmp_path: Path) -> None:
    """A replaced id keeps its place; expired rows leave memory_rows(); groups can be deleted;
    memory_rows(since) gives exactly the rows a later batch wrote, expired ones included."""
    store = _filled(tmp_path / "news.db")
    with store.transaction(write=True):
        store.apply(Writes(upserts=[_upsert("a", 200.0, text="new")], expire=["c"],
                           groups={"g2": None},
                           stories={"s-g1": (json.dumps({"id": "s-g1", "v": 2}), 2)},
                           changes=[("c", "expired", None, None)]), batch=2)
    assert store.count() == 2 and store.count(retained_only=False) == 3
    assert [row.id for row in store.memory_rows()] == ["a", "b"]  # a kept its seq
    assert json.loads(store.records_text(["a"])["a"])["text"] == "new"
    assert store.records("groups") == [{"id": "g1"}]
    assert store.records("stories") == [{"id": "s-g1", "v": 2}]
    since = {row.id: row for row in store.memory_rows(since=1)}
    assert set(since) == {"a", "c"} and not since["c"].retained and since["a"].retained
    assert since["a"].published == 200.0
    assert [row.id for row in store.memory_rows(since=2)] == []
    assert store.all_rows("id, retained") == [("a", 1), ("b", 1), ("c", 0)]
    # An expired id that comes back is retained again.
    with store.transaction(write=True):
        store.apply(Writes(upserts=[_upsert("c")]), batch=3)
    assert store.count() == 3 and store.generation() == 3


def test_delete_expired_logs_removals(tmp_path: Path) -> None:
    """Compaction deletes exactly the expired rows and logs one 'removed' event each."""
    store = _filled(tmp_path / "news.db")
    with store.transaction(write=True):
        store.apply(Writes(expire=["a", "c"]), batch=2)
    with store.transaction(write=True):
        assert store.delete_expired(3) == ["a", "c"]
    store.vacuum()
    assert store.all_rows("id") == [("b",)]
    assert store.removed_since(2) == ["a", "c"] and store.removed_since(3) == []
    assert [row[2:4] for row in store.changes(2)] == [("a", "removed"), ("c", "removed")]
    assert store.meta()["batches"] == "3"


def test_a_rolled_back_transaction_leaves_every_row_unchanged(tmp_path: Path) -> None:
    """An error after apply() inside the transaction undoes all of it, on disk and in reads."""
    path = tmp_path / "news.db"
    store = _filled(path)
    before = _dump(path)
    with pytest.raises(RuntimeError, match="stop"), store.transaction(write=True):
        store.apply(Writes(upserts=[_upsert("d")], states=[_state("a", "g9")],
                           expire=["b"], groups={"g1": None, "g9": _record("g9")},
                           changes=[("a", "group_id", "g1", "g9")]), batch=2)
        assert store.count() == 3 and store.generation() == 2  # visible inside
        raise RuntimeError("stop")
    assert _dump(path) == before
    assert store.count() == 3 and store.generation() == 1 and store.last_change() == 2
    with store.transaction(write=True):  # and the connection still writes
        store.apply(Writes(upserts=[_upsert("d")]), batch=2)
    assert store.count() == 4


def test_a_reader_sees_the_last_commit_while_a_writer_holds_the_lock(tmp_path: Path) -> None:
    """Two connections: the reader's snapshot excludes uncommitted writes; a second writer
    times out with IndexStoreError instead of interleaving."""
    path = tmp_path / "news.db"
    writer = _filled(path)
    reader = IndexStore(path, timeout=0.1)
    with writer.transaction(write=True):
        writer.apply(Writes(upserts=[_upsert("d")]), batch=2)
        with reader.transaction(write=False):
            assert reader.count() == 3 and reader.generation() == 1
        with pytest.raises(IndexStoreError, match=re.escape(f"{path}: cannot write")), \
                reader.transaction(write=True):
            pass
    assert reader.count() == 4 and reader.generation() == 2


def test_lookups_of_more_ids_than_sqlite_binds_at_once(tmp_path: Path) -> None:
    """rows(), features() and records() read ids in chunks: 2,000 ids come back whole."""
    store = IndexStore(tmp_path / "big.db")
    ids = [f"id{n:04d}" for n in range(2000)]
    with store.transaction(write=True):
        store.apply(Writes(upserts=[_upsert(i) for i in ids],
                           groups={i: _record(i) for i in ids}), batch=1)
    wanted = [*ids[::-1], "missing"]
    assert set(store.records_text(wanted)) == set(ids)
    assert len(store.features(wanted)) == 2000
    assert [r["id"] for r in store.records("groups", wanted)] == ids  # sorted by id


def test_reads_reject_unknown_columns_and_tables(tmp_path: Path) -> None:
    """Table names are checked (they are formatted into the SQL)."""
    store = IndexStore(tmp_path / "news.db")
    for read in (store.records, store.sizes):
        with pytest.raises(ValueError, match="expected 'groups' or 'stories', got 'meta'"):
            read("meta")


def test_memory_store_works_without_wal(tmp_path: Path) -> None:
    """':memory:' is a working store (no WAL, no checkpoint on vacuum)."""
    store = IndexStore(":memory:")
    with store.transaction(write=True):
        store.apply(Writes(upserts=[_upsert("a")], expire=["a"]), batch=1)
        assert store.delete_expired(1) == ["a"]
    store.vacuum()
    assert store.count(retained_only=False) == 0 and store.path == ":memory:"
