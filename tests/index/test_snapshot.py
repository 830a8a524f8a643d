"""_index.snapshot: a closed index leaves its lookups beside the file; reopening reads them
back (caught up with later writes) instead of rebuilding, and ignores any snapshot that does
not fit."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from conftest import (
    add_in_batches,
    assert_equal_but_unsplit_clusters,
    memory_summary_of,
    synced_memory,
)
from newsdedup import Article, ConfigError, open_index
from newsdedup._corpora.synthetic import generate_corpus
from newsdedup._index import snapshot as snapshot_module
from newsdedup._index.state import IndexState

CORPUS = sorted(generate_corpus(90, seed=5, article_bytes=500, copies_rate=0.5,
                                n_aggregators=3).articles,
                key=lambda article: (article.published, article.id))


@contextmanager
def full_loads() -> Iterator[list[int]]:
    """Count the full rebuilds of the lookups from the file while inside."""
    calls: list[int] = []
    real = IndexState.load

    def counted(self: IndexState, store: Any) -> None:
        calls.append(1)
        real(self, store)

    with mock.patch.object(IndexState, "load", counted):
        yield calls


def _state_file(path: Path) -> Path:
    return Path(str(path) + snapshot_module.SUFFIX)


def _built(path: Path, articles: list[Article] = CORPUS[:60]) -> dict[str, Any]:
    """An index of ``articles`` added in batches, closed; what its memory held at the end."""
    index = open_index(path, retention_days=15)
    add_in_batches(index, articles, [11, 3])
    held = memory_summary_of(index)
    index.close()
    return held


def _decisions(path: Path, snapshot: bool) -> dict[str, Any]:
    """Open, add the rest of the corpus in two batches, and read every decision back."""
    index = open_index(path, snapshot=snapshot)
    add_in_batches(index, CORPUS[60:], [17])
    found = {a.id: (d.group_id, d.canonical_id, d.story_id, d.relation, d.expired)
             for a in CORPUS if (d := index.get(a.id)) is not None}
    index.close()
    return found


def test_reopening_reads_the_snapshot_and_goes_on_as_a_full_load_would(
        tmp_path: Path) -> None:
    """Closing writes ``<file>.state`` (readable as the file is); the next open reads the
    lookups from it (no rebuild) and they equal what the closed index held; adds after that
    decide exactly as after a full rebuild from the file."""
    path = tmp_path / "news.db"
    held = _built(path)
    assert _state_file(path).stat().st_size > 0
    assert _state_file(path).stat().st_mode & 0o777 == path.stat().st_mode & 0o777
    shutil.copy(path, tmp_path / "copy.db")  # the same index, without its snapshot
    with full_loads() as loads:
        reopened = open_index(path)
        assert memory_summary_of(reopened) == held
        reopened.close()
    assert loads == []
    assert _decisions(path, snapshot=True) == _decisions(tmp_path / "copy.db", snapshot=False)


def test_an_older_snapshot_is_caught_up_with_later_writes(tmp_path: Path) -> None:
    """Adds and expiries by a connection that writes no snapshot (``snapshot=False``): the
    next open reads the old snapshot and catches up, and equals a rebuild from the file. A
    article the snapshot holds, replaced since, cannot be caught up with in place: that open
    rebuilds."""
    path = tmp_path / "news.db"
    _built(path, CORPUS[:40])
    before = _state_file(path).read_bytes()
    other = open_index(path, snapshot=False)
    add_in_batches(other, CORPUS[40:], [13])
    other.close()
    assert _state_file(path).read_bytes() == before  # left as it was
    with full_loads() as loads:
        caught_up = memory_summary_of(open_index(path))
    assert loads == []
    rebuilt = memory_summary_of(open_index(path, snapshot=False))
    assert len(rebuilt["alive"]) < len(CORPUS)  # some expired on the way
    assert_equal_but_unsplit_clusters(caught_up, rebuilt)
    other = open_index(path, snapshot=False)
    other.add([Article(CORPUS[39].id, "A correction replaced the text.\n\nAll of it.",
                       published=CORPUS[-1].published)])
    other.close()
    with full_loads() as loads:
        reloaded = memory_summary_of(open_index(path))
    assert loads == [1]
    assert reloaded == memory_summary_of(open_index(path, snapshot=False))


def _rewritten(state_file: Path, payload: bytes | None = None,
               header: dict[str, Any] | None = None) -> None:
    """Write ``state_file`` again with another payload or header, checksum and sizes
    consistent (the file format of ``_index.snapshot``)."""
    data = state_file.read_bytes()
    start = len(b"NDSTATE1")
    (header_size,) = struct.unpack_from("<Q", data, start)
    old_header = json.loads(data[start + 8:start + 8 + header_size])
    (payload_size,) = struct.unpack_from("<Q", data, start + 8 + header_size)
    payload_start = start + 16 + header_size
    old_payload = data[payload_start:payload_start + payload_size]
    header_bytes = json.dumps(header or old_header, sort_keys=True).encode()
    payload = old_payload if payload is None else payload
    check = zlib.crc32(payload, zlib.crc32(header_bytes))
    state_file.write_bytes(b"NDSTATE1" + struct.pack("<Q", len(header_bytes)) + header_bytes
                           + struct.pack("<Q", len(payload)) + payload
                           + struct.pack("<I", check))


class _Runs:
    """A pickle that would run a shell command when loaded by a plain unpickler."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def _damage(kind: str, path: Path, tmp_path: Path) -> None:
    state_file = _state_file(path)
    data = bytearray(state_file.read_bytes())
    if kind == "flipped byte":
        data[len(data) // 2] ^= 0x40
        state_file.write_bytes(bytes(data))
    elif kind == "truncated":
        state_file.write_bytes(bytes(data[:len(data) // 3]))
    elif kind == "not a snapshot":
        state_file.write_bytes(b"hello")
    elif kind == "another index's":
        _built(tmp_path / "other.db", CORPUS[5:50])
        shutil.copy(_state_file(tmp_path / "other.db"), state_file)
    elif kind == "a later batch than the file":
        header = json.loads(data[16:16 + struct.unpack_from("<Q", data, 8)[0]])
        _rewritten(state_file, header={**header, "batch": header["batch"] + 1})
    elif kind == "another release":
        header = json.loads(data[16:16 + struct.unpack_from("<Q", data, 8)[0]])
        settings = {**header["settings"], "newsdedup": "0.0.1"}
        _rewritten(state_file, header={**header, "settings": settings})
    elif kind == "state classes of another build":
        index = open_index(path)
        memory = synced_memory(index)
        del memory.paragraphs.families  # as if written by a build without that attribute
        memory._features = type(memory._features)()
        _rewritten(state_file, payload=pickle.dumps(memory, protocol=5))
    elif kind == "a new file of the same articles":
        # Deleted and built again at the same path, by the same adds: the same change log,
        # but another file (its own identity).
        saved = state_file.read_bytes()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        index = open_index(path, retention_days=15, snapshot=False)
        add_in_batches(index, CORPUS[:60], [11, 3])
        index.close()
        state_file.write_bytes(saved)
    elif kind == "code to run":
        _rewritten(state_file, payload=pickle.dumps(_Runs(tmp_path / "ran")))
    else:
        raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["flipped byte", "truncated", "not a snapshot",
                                  "another index's", "another release",
                                  "state classes of another build",
                                  "a new file of the same articles",
                                  "a later batch than the file", "code to run"])
def test_a_snapshot_that_does_not_fit_is_ignored(kind: str, tmp_path: Path) -> None:
    """Damaged, cut short, foreign (even of a file built again from the same articles), of
    another release or build, ahead of the file, or carrying code: the open rebuilds from
    the file instead (never an error, never a command run), with the same result."""
    path = tmp_path / "news.db"
    _built(path)
    shutil.copy(path, tmp_path / "copy.db")
    _damage(kind, path, tmp_path)
    with full_loads() as loads:
        index = open_index(path)
        found = memory_summary_of(index)
    assert loads == [1]
    assert found == memory_summary_of(open_index(tmp_path / "copy.db", snapshot=False))
    assert not (tmp_path / "ran").exists()
    index.close()  # and a good snapshot replaces the bad one
    with full_loads() as loads:
        assert memory_summary_of(open_index(path)) == found
    assert loads == []


def test_closing_never_rebuilds_to_write_a_snapshot(tmp_path: Path) -> None:
    """A connection whose lookups cannot catch up in place with another's writes (an article
    they hold was replaced) closes without rebuilding them and leaves the snapshot there."""
    path = tmp_path / "news.db"
    _built(path, CORPUS[:40])
    before = _state_file(path).read_bytes()
    reader = open_index(path)
    reader.query(CORPUS[2].text)
    writer = open_index(path, snapshot=False)
    writer.add([Article(CORPUS[39].id, "Replaced.\n\nEntirely.", published=CORPUS[39].published)])
    writer.close()
    with full_loads() as loads:
        reader.close()
    assert loads == [] and _state_file(path).read_bytes() == before


def test_read_only_and_snapshot_false_leave_no_snapshot(tmp_path: Path) -> None:
    """A read-only index and one opened with ``snapshot=False`` write no snapshot; an index
    closed before its lookups were ever loaded has none to write; closing twice is fine."""
    path = tmp_path / "news.db"
    index = open_index(path, snapshot=False)
    index.add(CORPUS[:20])
    index.close()
    index.close()
    reader = open_index(path, read_only=True)
    reader.query(CORPUS[3].text)
    reader.close()
    open_index(path).close()  # lookups never loaded
    assert not _state_file(path).exists()
    with pytest.raises(ConfigError, match="snapshot"):
        open_index(path, snapshot="yes")  # type: ignore[arg-type]


def test_in_memory_index_has_no_snapshot() -> None:
    """``":memory:"`` has no file to put a snapshot beside."""
    index = open_index(":memory:")
    index.add(CORPUS[:5])
    index.close()
