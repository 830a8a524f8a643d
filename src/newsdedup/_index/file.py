"""The index file on disk: created whole or not at all, opened read-only when it must be.

* **Creating.** A new index is written to a temporary file next to ``path`` (schema and
  settings, committed and closed) and then hard-linked to ``path``, which fails if the path
  exists: the path never shows a half-initialised index, and two processes creating the same
  index at once both end up opening the one that won.
* **Refusing.** An existing file is never initialised: an empty (0-byte) file or one that is
  not an index is an error, not a new index (a truncated copy would otherwise silently become
  an empty index). ``create=False`` also refuses a missing path (a query on a mistyped path
  must not answer from a new, empty index).
* **Read-only.** A file this process cannot write (permissions, a read-only directory or file
  system) or opened with ``read_only=True`` is opened with SQLite's ``mode=ro``: queries work,
  writes raise :class:`~newsdedup.IndexStoreError` saying why. If even SQLite's shared-memory
  file cannot be created next to it, the file is opened ``immutable`` (no other process can
  be writing it then, since a writer would have created that file).
* **Errors.** SQLite's and the OS's errors become ``IndexStoreError`` naming the file and the
  cause: a full disk is called a full disk (not the "cannot rollback" that follows it).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import sqlite3
import urllib.request
from collections.abc import Callable

from .._core.errors import IndexStoreError
from .integrity import RECOVERY

__all__ = ["connect", "translate"]

_DISK_FULL = "the disk is full"


def translate(path: str, action: str, error: BaseException) -> IndexStoreError:
    """The :class:`IndexStoreError` for an SQLite or OS ``error`` raised while doing
    ``action`` on the index at ``path``."""
    code = getattr(error, "sqlite_errorcode", None)
    message = str(error)
    if code == sqlite3.SQLITE_FULL or getattr(error, "errno", None) == errno.ENOSPC or (
            "disk is full" in message):
        return IndexStoreError(
            f"{path}: {_DISK_FULL} ({message}) while trying to {action}; nothing of this "
            f"write was stored and the index is as it was before it: free some space and "
            f"try again")
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or any(
            sign in message for sign in ("not a database", "malformed", "no such table",
                                         "no such column")):
        return IndexStoreError(
            f"{path}: not a newsdedup index, or the file is corrupt (SQLite: {message}) "
            f"while trying to {action}; if it is an index, "
            + RECOVERY.replace("FILE", path))
    if code == sqlite3.SQLITE_READONLY or "readonly database" in message:
        return IndexStoreError(f"{path}: cannot {action}: the index file is read-only for "
                               f"this process ({message})")
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in message:
        return IndexStoreError(f"{path}: cannot {action}: another connection holds the "
                               f"index's write lock ({message}); try again, or open the "
                               f"index with a longer timeout")
    return IndexStoreError(f"{path}: cannot {action}: {message}")


def connect(path: str, *, timeout: float, create: bool, read_only: bool,
            initialise: Callable[[sqlite3.Connection], None]
            ) -> tuple[sqlite3.Connection, str | None]:
    """A connection to the index at ``path`` (a new one initialised by ``initialise`` if
    ``create`` and the path does not exist) and, if it is read-only, why."""
    if path == ":memory:":
        db = _sqlite(path, timeout)
        initialise(db)
        return db, None
    if not os.path.lexists(path):
        if read_only or not create:
            raise IndexStoreError(
                f"{path}: cannot open the index: no index file at this path; check the path"
                + ("" if read_only else " (open_index(..., create=True) starts a new index)"))
        _create(path, timeout, initialise)
    if os.path.isdir(path):
        raise IndexStoreError(f"{path}: is a directory, not an index file")
    try:
        size = os.path.getsize(path)
        wal = os.path.getsize(path + "-wal") if os.path.exists(path + "-wal") else 0
    except OSError as error:
        raise translate(path, "open the index", error) from error
    if size == 0 and wal == 0:
        raise IndexStoreError(
            f"{path}: the file is empty (0 bytes), not a newsdedup index; if it held an "
            f"index, restore it from a backup; to start a new index at this path, delete "
            f"the empty file first")
    reason = "it was opened with read_only=True" if read_only else _not_writable(path)
    if reason is None:
        return _sqlite(path, timeout), None
    uri = "file:" + urllib.request.pathname2url(os.path.abspath(path)) + "?mode=ro"
    db = _sqlite(uri, timeout, uri=True)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as error:
        if "unable to open" not in str(error):
            db.close()
            raise translate(path, "open the index", error) from error
        # No -shm file and none can be created: nobody is writing the file (a writer
        # would have created it), so it can be read as immutable.
        db.close()
        db = _sqlite(uri + "&immutable=1", timeout, uri=True)
    except sqlite3.Error as error:
        db.close()
        raise translate(path, "open the index", error) from error
    return db, reason


def _sqlite(target: str, timeout: float, uri: bool = False) -> sqlite3.Connection:
    try:
        return sqlite3.connect(target, timeout=timeout, isolation_level=None,
                               check_same_thread=False, uri=uri)
    except sqlite3.Error as error:
        raise IndexStoreError(f"{target}: cannot open the index file ({error})") from error


def _not_writable(path: str) -> str | None:
    """Why SQLite could not write the file at ``path`` (None if it can)."""
    directory = os.path.dirname(os.path.abspath(path))
    with contextlib.suppress(OSError, AttributeError):
        if os.statvfs(directory).f_flag & os.ST_RDONLY:
            return f"the file system of {directory} is mounted read-only"
    if not os.access(path, os.W_OK):
        return "the file is not writable by this process"
    if not os.access(directory, os.W_OK):
        return (f"its directory {directory} is not writable by this process (SQLite "
                f"writes its -wal and -shm files there)")
    return None


def _create(path: str, timeout: float,
            initialise: Callable[[sqlite3.Connection], None]) -> None:
    """Create the index at ``path`` whole: in a temporary file, then linked into place."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise IndexStoreError(f"{path}: cannot open the index: the directory {directory} "
                              f"does not exist")
    temporary = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}."
                                        f"{secrets.token_hex(4)}.new")
    try:
        os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        db = _sqlite(temporary, timeout)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            initialise(db)
        except sqlite3.Error as error:
            raise translate(path, "create the index", error) from error
        finally:
            db.close()
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process created it first: open that one
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            # No hard links here: a rename (another creator could win in between).
            if not os.path.lexists(path):
                os.replace(temporary, path)
    except OSError as error:
        raise translate(path, "create the index", error) from error
    finally:
        for leftover in (temporary, temporary + "-wal", temporary + "-shm"):
            if os.path.lexists(leftover):
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
