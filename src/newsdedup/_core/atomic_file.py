"""Writing an output file all at once or not at all.

An output is written to a new file beside it (same folder, so on the same file system) and
renamed over the destination only when every line is written and flushed to disk: a run
that fails half way (a full disk, an error in a record, Ctrl-C) leaves the previous file, or
no file, never a truncated or empty one that a later step could take for a result.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from typing import IO, Any, BinaryIO, TextIO, cast

__all__ = ["atomic_binary_output", "atomic_output"]


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """A UTF-8 text handle whose content replaces ``path`` when the block ends without error.

    A destination that is not a regular file (``/dev/null``, a FIFO) is written directly: it
    cannot be replaced. A symbolic link keeps pointing where it did: its target is replaced.
    A new file gets the usual permissions (``0o666`` less the umask), a replaced one keeps
    its own.

    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.jsonl"
    >>> with atomic_output(target) as handle:
    ...     _ = handle.write("{}\\n")
    >>> target.read_text()
    '{}\\n'
    """
    with _replacing(path, binary=False) as handle:
        yield cast(TextIO, handle)


@contextlib.contextmanager
def atomic_binary_output(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """:func:`atomic_output` for bytes (a Parquet file, say)."""
    with _replacing(path, binary=True) as handle:
        yield cast(BinaryIO, handle)


@contextlib.contextmanager
def _replacing(path: str | os.PathLike[str], binary: bool) -> Iterator[IO[Any]]:
    mode, encoding = ("wb", None) if binary else ("w", "utf-8")
    destination = os.path.realpath(path)
    try:
        existing: os.stat_result | None = os.stat(destination)
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with open(destination, mode, encoding=encoding) as direct:
            yield direct
        return
    folder, name = os.path.split(destination)
    temporary = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
    try:
        # O_EXCL: never write through a file someone else put there; 0o666: the umask applies.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:  # name the file the user asked for, not the temporary one
        raise type(exc)(exc.errno, exc.strerror, os.fspath(path)) from exc
    try:
        with open(descriptor, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            if existing is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(existing.st_mode))
            os.fsync(handle.fileno())
        os.replace(temporary, destination)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
