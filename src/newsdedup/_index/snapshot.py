"""A snapshot of the in-memory lookups beside the index file, so that reopening is fast.

Opening an index rebuilds its in-memory lookups (``_index.state``) from the ``lookup``
column of every retained article: about two minutes at a million articles, most of it
decoding and checking one blob per article in Python. When a writable index is closed with
its lookups loaded, the lookups are written to ``<file>.state`` instead (a pickle of the
arrays and tables, a few kilobytes per article), and the next open reads them back in one
go, then applies what any process wrote since (``IndexState.catch_up``, exactly what a
long-lived reader does after another process's add).

The snapshot is a cache: anything that does not fit makes the open fall back to the full
rebuild, never to an error or to wrong lookups.

* **Which file it belongs to.** Its header records the index file's identity (a random
  name given when the file was created: an index deleted and built again at the same path,
  even from the same articles, is another file), its settings (config,
  featurizer, decision rules, schema version), the newsdedup release that wrote it (the
  state's classes may change between releases), the batch it reflects and the sequence number
  and checksum of the newest row of the index's change log then. The open uses it only if
  the index holds that very row (same number, same checksum) and has not gone back to an
  earlier batch: a snapshot of another index, or of this one before a backup was restored
  over it, is ignored.
* **Whole and untouched.** It is written to a temporary file and renamed into place (a
  reader sees the old snapshot or the new one, never half of one), and carries a CRC-32 of
  its header and contents (damage, not tampering, is what it guards against), checked
  before anything is read from it.
* **Nothing but data.** The contents are read by an unpickler that only builds numpy
  arrays, Python containers and the index's own state classes: a file put in its place
  cannot run code.
* **What it does not check.** A full rebuild also checks each stored article's lookup blob
  against its checksum; the snapshot skips the articles it already holds (their rows were
  checked when they were loaded or written), and checks the rows written since, as a catch-up
  does. ``open_index(..., snapshot=False)`` rebuilds from the file alone.
"""

from __future__ import annotations

import json
import os
import pickle
import stat
import struct
import tempfile
import zlib
from pathlib import Path
from typing import IO, Any

from .._core.config import DedupConfig
from .._core.version import __version__
from .state import IndexState
from .store import IndexStore

__all__ = ["SUFFIX", "load_snapshot", "write_snapshot"]

#: The snapshot's file name is the index's with this suffix.
SUFFIX = ".state"
_MAGIC = b"NDSTATE1"
_CHECK_SIZE = 4
_CHUNK = 1 << 24
# What the unpickler may build: numpy arrays and dtypes, and the state's own classes.
_ALLOWED = {
    ("numpy", "dtype"), ("numpy", "ndarray"),
    *((module, name) for module in ("numpy._core.numeric", "numpy.core.numeric")
      for name in ("_frombuffer",)),
    *((module, name) for module in ("numpy._core.multiarray", "numpy.core.multiarray")
      for name in ("_reconstruct", "scalar")),
    ("collections", "OrderedDict"), ("newsdedup._core.config", "DedupConfig"),
    ("newsdedup._index.state", "IndexState"), ("newsdedup._index.paragraphs", "ParagraphIndex"),
    ("newsdedup._index.lookup", "Growable"), ("newsdedup._index.lookup", "SortedMultimap"),
    ("newsdedup._index.terms", "TermCounts"), ("newsdedup._index.terms", "StoryTerms"),
    ("newsdedup._index.terms", "_Table"),
}


def snapshot_path(store: IndexStore) -> Path | None:
    """Where the snapshot of ``store`` lives (None for an in-memory index)."""
    if store.path == ":memory:":
        return None
    return Path(store.path + SUFFIX)


def _settings(store: IndexStore) -> dict[str, str]:
    """What a snapshot must have been written under: the index file's random identity (set
    when it was created; files of earlier releases have none), its settings and schema, and
    this release (the state's classes may change between releases)."""
    meta = store.meta()
    return {**{key: meta.get(key, "") for key in ("identity", "config", "featurizer", "rules",
                                                  "schema_version")},
            "newsdedup": __version__}


def _newest_change(store: IndexStore) -> tuple[int, int | None]:
    """The newest change-log row's number and checksum (0 and None: an empty log)."""
    newest = store.last_change()
    if newest == 0:
        return 0, None
    return newest, store.change_checksum(newest)


def write_snapshot(store: IndexStore, memory: IndexState) -> bool:
    """Write ``memory`` (up to date with ``store``: call inside a read transaction, after
    syncing) as the snapshot of ``store``. True if written; False for an in-memory index,
    an empty change log, or a directory that cannot be written to (the snapshot is a cache:
    its absence costs only time)."""
    path = snapshot_path(store)
    change, checksum = _newest_change(store)
    if path is None or checksum is None:
        return False
    header = {"settings": _settings(store), "batch": memory.batch, "change": change,
              "change_checksum": checksum}
    header_bytes = json.dumps(header, sort_keys=True).encode("utf-8")
    try:
        handle, temporary = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
        # Readable by whoever may read the index (mkstemp makes it private).
        os.chmod(temporary, stat.S_IMODE(os.stat(store.path).st_mode))
    except OSError:
        return False
    features = memory._features
    memory._features = type(features)()  # the decoded-feature cache stays out
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(_MAGIC)
            out.write(struct.pack("<Q", len(header_bytes)))
            out.write(header_bytes)
            size_at = out.tell()
            out.write(struct.pack("<Q", 0))  # the payload's size, known once written
            payload = _Checked(out, zlib.crc32(header_bytes))
            pickle.Pickler(payload, protocol=5).dump(memory)
            out.write(struct.pack("<I", payload.check))
            out.seek(size_at)
            out.write(struct.pack("<Q", payload.size))
        os.replace(temporary, path)
    except OSError:  # a full disk, a directory we may not write: no snapshot this time
        Path(temporary).unlink(missing_ok=True)
        return False
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    finally:
        memory._features = features
    return True


class _Checked:
    """A file's writer that counts the bytes it writes and keeps their CRC-32."""

    def __init__(self, out: IO[bytes], check: int) -> None:
        self._out, self.check, self.size = out, check, 0

    def write(self, data: bytes | pickle.PickleBuffer) -> int:
        view = memoryview(data)
        self.check = zlib.crc32(view, self.check)
        self.size += view.nbytes
        return self._out.write(view)


def load_snapshot(store: IndexStore, config: DedupConfig) -> IndexState | None:
    """The in-memory lookups of ``store`` as its snapshot holds them, for the batch the
    snapshot reflects (the caller catches them up); None when there is no usable snapshot
    (see the module docstring). Call inside a read transaction.

    The header is read and checked against ``store`` first (a snapshot of another file is
    not read further); then the payload twice, in chunks: once for the checksum, then by
    the unpickler (the second time from the system's cache), so that no copy of it sits in
    memory beside the lookups it holds."""
    path = snapshot_path(store)
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            read = _header(handle)
            if read is None or not _belongs(read[0], store) or not _whole(handle, *read[1:]):
                return None
            found = read[0]
            memory = _Unpickler(handle).load()
    except Exception:  # any failure to read the cache means: rebuild
        return None
    if (not isinstance(memory, IndexState) or memory.batch != found["batch"]
            or not _same_layout(memory, IndexState(config))):
        return None
    memory.config = config
    return memory


def _same_layout(loaded: IndexState, fresh: IndexState) -> bool:
    """Whether the loaded state has the attributes of this release's (a guard beside the
    release in the header, for builds that change the classes without a new version)."""
    pairs = [(loaded, fresh)] + [(getattr(loaded, name), getattr(fresh, name))
                                 for name in ("paragraphs", "term_counts", "story_terms")
                                 if hasattr(loaded, name)]
    return all(type(mine) is type(theirs) and set(vars(mine)) == set(vars(theirs))
               for mine, theirs in pairs)


def _belongs(header: dict[str, Any], store: IndexStore) -> bool:
    """Whether a snapshot's header fits ``store``: its settings, a batch and a change-log row
    that the index holds (see the module docstring)."""
    batch, change = header.get("batch"), header.get("change")
    return (header.get("settings") == _settings(store) and isinstance(batch, int)
            and isinstance(change, int) and 0 < change <= store.last_change()
            and batch <= store.batches()
            and store.change_checksum(change) == header.get("change_checksum"))


def _header(handle: IO[bytes]) -> tuple[dict[str, Any], bytes, int] | None:
    """The header of the snapshot open in ``handle`` (None if it is not one), its bytes and
    the payload's size, with ``handle`` left at the start of the payload."""
    if handle.read(len(_MAGIC)) != _MAGIC:
        return None
    (header_size,) = struct.unpack("<Q", handle.read(8))
    header_bytes = handle.read(header_size)
    size = handle.read(8)
    if len(header_bytes) != header_size or len(size) != 8:
        return None
    header = json.loads(header_bytes)
    if not isinstance(header, dict):
        return None
    return header, header_bytes, struct.unpack("<Q", size)[0]


def _whole(handle: IO[bytes], header_bytes: bytes, payload_size: int) -> bool:
    """Whether the payload that starts at ``handle``'s position has ``payload_size`` bytes
    and then the checksum of header and payload, and nothing after; ``handle`` is left
    where it was."""
    payload_start = handle.tell()
    check = zlib.crc32(header_bytes)
    left = payload_size
    while left > 0:
        chunk = handle.read(min(left, _CHUNK))
        if not chunk:
            return False
        check = zlib.crc32(chunk, check)
        left -= len(chunk)
    stored = handle.read(_CHECK_SIZE + 1)
    handle.seek(payload_start)
    return len(stored) == _CHECK_SIZE and struct.unpack("<I", stored)[0] == check


class _Unpickler(pickle.Unpickler):
    """Builds numpy arrays, containers and the index's state classes; nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of an index snapshot")
