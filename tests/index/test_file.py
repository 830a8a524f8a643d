"""_index.file: an index is created whole or not at all, an existing file is never silently
initialised, read-only files are queried, and a full disk is called a full disk.

Tests that need a real read-only or full file system mount a small tmpfs: they run as root
(as CI does) and are skipped elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from newsdedup import IndexStoreError, open_index
from newsdedup._corpora.synthetic import generate_corpus
from newsdedup._index.store import IndexStore

ARTICLES = list(generate_corpus(60, seed=4, article_bytes=600).articles)


def _state(path: Path) -> tuple[Any, ...]:
    with open_index(path, read_only=True) as index:
        return (len(index), [index.get(a.id).to_record() for a in ARTICLES if a.id in index],
                index.changes())


@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``where`` (skips the test if mounting is not allowed)."""
    where.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
            capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_an_empty_file_is_refused_not_made_an_index(tmp_path: Path) -> None:
    """A 0-byte file (a truncated copy of an index, say) is an error, and stays 0 bytes: it
    used to open as a new, empty index, its articles silently gone."""
    path = tmp_path / "news.db"
    path.write_bytes(b"")
    with pytest.raises(IndexStoreError, match=re.escape(
            f"{path}: the file is empty (0 bytes), not a newsdedup index; if it held an "
            f"index, restore it from a backup; to start a new index at this path, delete "
            f"the empty file first")):
        open_index(path)
    assert path.read_bytes() == b"" and sorted(os.listdir(tmp_path)) == ["news.db"]


def test_an_sqlite_file_without_tables_is_refused(tmp_path: Path) -> None:
    """An SQLite database with no table at all is not taken for a new index either."""
    path = tmp_path / "news.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 7")
    size = path.stat().st_size
    with pytest.raises(IndexStoreError, match="not a newsdedup index \\(an SQLite database "
                                              "without any table\\)"):
        open_index(path)
    assert path.stat().st_size == size


def test_a_missing_path_is_created_only_when_asked(tmp_path: Path) -> None:
    """create=False (and read_only=True) refuse a missing path and create nothing; the
    default creates the index."""
    path = tmp_path / "news.db"
    for options in ({"create": False}, {"read_only": True}):
        with pytest.raises(IndexStoreError, match=re.escape(
                f"{path}: cannot open the index: no index file at this path; check the path")):
            open_index(path, **options)
        assert not path.exists()
    open_index(path, retention_days=3).close()
    assert open_index(path, create=False).retention_days == 3.0


def test_a_new_index_appears_whole_and_concurrent_creators_share_it(tmp_path: Path) -> None:
    """Eight threads creating the same new index at once all open one index with its
    settings; no temporary file is left next to it."""
    path = tmp_path / "news.db"
    errors: list[BaseException] = []
    opened: list[float | None] = []
    barrier = threading.Barrier(8)

    def create() -> None:
        try:
            barrier.wait()
            with open_index(path, retention_days=5) as index:
                opened.append(index.retention_days)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and opened == [5.0] * 8
    assert [name for name in os.listdir(tmp_path) if not name.startswith("news.db")] == []
    with sqlite3.connect(path) as db:
        assert dict(db.execute("SELECT key, value FROM meta"))["retention_days"] == "5.0"


def test_read_only_opens_answer_queries_and_refuse_writes(tmp_path: Path) -> None:
    """read_only=True: queries and reads work, adds, refreshes and compactions raise
    IndexStoreError saying why, and the file is not touched."""
    path = tmp_path / "news.db"
    with open_index(path) as index:
        index.add(ARTICLES[:30])
        expected = index.query(ARTICLES[30])
    before = path.read_bytes()
    index = open_index(path, read_only=True)
    assert index.read_only == "it was opened with read_only=True"
    assert index.query(ARTICLES[30]) == expected and len(index) == 30
    for write in (lambda: index.add(ARTICLES[30:]), index.refresh, index.compact):
        with pytest.raises(IndexStoreError, match=re.escape(
                f"{path}: cannot write to the index: the index is open read-only (it was "
                f"opened with read_only=True)")):
            write()
    index.close()
    assert path.read_bytes() == before


def test_a_file_this_process_cannot_write_is_opened_read_only(tmp_path: Path) -> None:
    """A file without write permission (chmod 444 for a user other than root) opens
    read-only by itself: queries work, an add says why it cannot write."""
    path = tmp_path / "news.db"
    with open_index(path) as index:
        index.add(ARTICLES[:30])
    real_access = os.access

    def access(target: Any, mode: int, **kwargs: Any) -> bool:
        return False if mode == os.W_OK and os.fspath(target) == str(path) else real_access(
            target, mode, **kwargs)

    with mock.patch("os.access", access):
        index = open_index(path)
    assert index.read_only == "the file is not writable by this process"
    assert index.query(ARTICLES[30]).status == "query"
    with pytest.raises(IndexStoreError, match="open read-only \\(the file is not writable"):
        index.add(ARTICLES[30:])


def test_an_index_in_a_directory_this_process_cannot_write_is_queried(tmp_path: Path) -> None:
    """A read-only directory (SQLite cannot create its -wal and -shm files there) also opens
    read-only, with the directory named."""
    path = tmp_path / "news.db"
    with open_index(path) as index:
        index.add(ARTICLES[:30])
    real_access = os.access

    def access(target: Any, mode: int, **kwargs: Any) -> bool:
        return False if mode == os.W_OK and os.fspath(target) == str(tmp_path) else (
            real_access(target, mode, **kwargs))

    with mock.patch("os.access", access):
        index = open_index(path)
    assert index.read_only == (f"its directory {tmp_path} is not writable by this process "
                               f"(SQLite writes its -wal and -shm files there)")
    assert index.query(ARTICLES[30]).status == "query" and len(index) == 30


def test_an_index_on_a_read_only_file_system_is_queried(tmp_path: Path) -> None:
    """On a read-only mount (no -shm file can be created) the index is read as immutable:
    reads and queries work, writes raise IndexStoreError naming the mount."""
    with _tmpfs(tmp_path / "mount", "8m") as mount:
        path = mount / "news.db"
        with open_index(path) as index:
            index.add(ARTICLES[:30])
            expected = index.query(ARTICLES[30])
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        index = open_index(path)
        assert index.read_only == f"the file system of {mount} is mounted read-only"
        assert index.query(ARTICLES[30]) == expected
        assert index.get(ARTICLES[0].id).id == ARTICLES[0].id and len(index) == 30
        with pytest.raises(IndexStoreError, match="open read-only \\(the file system"):
            index.add(ARTICLES[30:])
        index.close()


class _FullDisk:
    """A connection that fails like SQLite on a full disk: the COMMIT reports SQLITE_FULL,
    and SQLite has already rolled the transaction back."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def execute(self, sql: str, *args: Any) -> Any:
        if sql == "COMMIT":
            self._db.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")
        return self._db.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


def test_a_full_disk_is_named_and_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    """An add that fails on a full disk says so (it said "cannot rollback - no transaction
    is active", the error of the rollback after SQLite's own), changes nothing, and the
    next add works."""
    path = tmp_path / "news.db"
    with open_index(path) as index:
        index.add(ARTICLES[:30])
    before = _state(path)
    index = open_index(path)
    real = index._store._db
    index._store._db = _FullDisk(real)  # type: ignore[assignment]
    with pytest.raises(IndexStoreError, match=re.escape(
            f"{path}: the disk is full (database or disk is full) while trying to write to "
            f"the index; nothing of this write was stored")):
        index.add(ARTICLES[30:40])
    index._store._db = real
    assert _state(path) == before
    assert index.add(ARTICLES[30:40]).decisions[0].status == "added" and len(index) == 40


def test_a_real_full_disk_leaves_the_index_intact(tmp_path: Path) -> None:
    """On a 1 MB file system, the add that fills it raises the disk-full error; the file
    reopens with every earlier add, and still answers queries."""
    articles = list(generate_corpus(400, seed=5, article_bytes=3000).articles)
    with _tmpfs(tmp_path / "mount", "1m") as mount:
        path = mount / "news.db"
        index = open_index(path)
        stored, state = 0, None
        with pytest.raises(IndexStoreError, match="the disk is full"):
            for start in range(0, len(articles), 10):
                index.add(articles[start:start + 10])
                stored += 10
                state = [index.get(a.id).to_record() for a in articles[:stored]]
        assert stored > 0
        assert index.query(articles[0]).duplicate_of == ()
        index.close()
        with open_index(path, read_only=True) as reopened:
            assert len(reopened) == stored
            assert [reopened.get(a.id).to_record() for a in articles[:stored]] == state


def test_other_errors_name_the_file_and_the_action(tmp_path: Path) -> None:
    """A directory, a missing directory and a held write lock give IndexStoreError."""
    with pytest.raises(IndexStoreError, match="is a directory"):
        open_index(tmp_path)
    with pytest.raises(IndexStoreError, match=r"the directory .* does not exist"):
        open_index(tmp_path / "missing" / "news.db")
    path = tmp_path / "news.db"
    holder = IndexStore(path)
    with holder.transaction(write=True), pytest.raises(
            IndexStoreError, match="another connection holds the index's write lock"):
        open_index(path, timeout=0.05).add(ARTICLES[:1])
