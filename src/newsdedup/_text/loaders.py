"""Reading articles from files and DataFrames: JSONL, folders of ``.txt`` files, pandas.

Every loader validates through :meth:`Article.from_mapping`, so a bad record fails here with
a message naming the file and line (or the DataFrame row), never later in the pipeline.
Files are read as bytes and decoded line by line, so an encoding error can name its line too.

What is read, and what is refused (an :class:`InputError` naming the file):

* only regular files: a FIFO, socket or device is refused when it is opened (never waited
  on), whether given as a path or found in a folder;
* one article at most ``max_bytes`` bytes (:data:`MAX_RECORD_BYTES`, 64 MiB, by default):
  a larger ``.txt`` file, or a longer JSONL line, is refused before it is read whole.
  JSONL files themselves are streamed line by line, so their total size is not limited;
* in a folder, a ``.txt`` entry that is a symbolic link must point to a file inside that
  folder: a link leading out of it (say to ``/etc/shadow``) or to nothing is refused. A
  path given directly may be a link anywhere: the caller named it.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .._core.errors import InputError, missing_extra
from .article import Article, is_missing

if TYPE_CHECKING:
    import pandas

__all__ = [
    "MAX_RECORD_BYTES",
    "from_dataframe",
    "load_inputs",
    "open_regular",
    "read_jsonl",
    "read_text_folder",
]

#: Default limit of one record: the bytes of one ``.txt`` file or one JSONL line (64 MiB).
#: An article this large is almost surely not news (a dump, a binary file renamed); the
#: limit keeps one such file from exhausting memory. Pass ``max_bytes`` to change it.
MAX_RECORD_BYTES = 64 * 2**20

#: Called with (place, error, raw JSONL line or None) for a record skipped on error.
OnError = Callable[[str, InputError, bytes | None], None]
_JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
_GZIP_MAGIC = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"
_JSON_KINDS = {list: "array", str: "string", int: "number", float: "number", bool: "boolean",
               type(None): "null"}


_FILE_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
               (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
               (stat.S_ISBLK, "a block device"))


def _check_limit(max_bytes: int) -> None:
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise InputError(f"max_bytes: expected a positive integer, got {max_bytes!r}")


def _kind(mode: int) -> str:
    return next((text for test, text in _FILE_KINDS if test(mode)), "not a regular file")


def open_regular(path: str | os.PathLike[str]) -> io.BufferedReader:
    """Open a regular file for reading; anything else is refused, without blocking on it.

    ``O_NONBLOCK`` makes opening a FIFO return at once (it would wait for a writer) and does
    nothing to a regular file; the type is then checked on the open descriptor itself.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        raise InputError(f"{os.fspath(path)}: expected a regular file, but it is {_kind(mode)}")
    return open(descriptor, "rb")


def _numbered_lines(handle: gzip.GzipFile | io.BufferedReader, name: str,
                    max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """``(number, line)`` of each line; ``line`` is None for a line over ``max_bytes`` (its
    bytes are skipped in bounded reads, never held whole)."""
    number = 0
    try:
        while True:
            raw = handle.readline(max_bytes + 1)
            if not raw:
                return
            number += 1
            if len(raw) <= max_bytes:
                yield number, raw
                continue
            while raw and not raw.endswith(b"\n"):
                raw = handle.readline(max_bytes + 1)
            yield number, None
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise InputError(
            f"{name}: corrupt or truncated gzip data after line {number}: {exc}") from exc


def _line_article(raw: bytes, number: int, where: str) -> Article | None:
    """The article of one JSONL line (None for a blank line)."""
    if number == 1 and raw.startswith(_BOM):
        raw = raw[len(_BOM):]
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where}: not valid UTF-8 (byte {raw[exc.start:exc.start + 1]!r} at "
            f"position {exc.start} of the line); save the file as UTF-8"
        ) from exc
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{where}: invalid JSON: {exc.msg} (column {exc.colno})") from exc
    except RecursionError as exc:
        raise InputError(f"{where}: invalid JSON: nested too deeply") from exc
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise InputError(f"{where}: invalid JSON: {exc}") from exc
    if not isinstance(record, dict):
        kind = _JSON_KINDS.get(type(record), type(record).__name__)
        raise InputError(
            f"{where}: expected a JSON object with 'id' and 'text', got a JSON {kind}")
    return Article.from_mapping(record, where)


def _jsonl_records(path: str | os.PathLike[str], on_error: OnError | None = None,
                   max_bytes: int = MAX_RECORD_BYTES) -> Iterator[tuple[str, Article]]:
    """Yield ``(place, article)`` pairs, ``place`` being e.g. ``"in.jsonl line 3"``.

    A bad line raises :class:`InputError`, or, given ``on_error``, is reported to it and
    skipped (a later line may then reuse its id).
    """
    name = os.fspath(path)
    with open_regular(path) as raw_handle:
        # Sniff the gzip magic rather than trusting the suffix: a JSONL line can never start
        # with byte 0x1f, so the check cannot misfire on plain text.
        compressed = raw_handle.read(2) == _GZIP_MAGIC
        raw_handle.seek(0)
        handle = gzip.GzipFile(fileobj=raw_handle, mode="rb") if compressed else raw_handle
        yield from _jsonl_lines(handle, name, on_error, max_bytes)


def _jsonl_lines(handle: gzip.GzipFile | io.BufferedReader, name: str,
                 on_error: OnError | None, max_bytes: int) -> Iterator[tuple[str, Article]]:
    first_line: dict[str, int] = {}
    with handle:
        for number, raw in _numbered_lines(handle, name, max_bytes):
            where = f"{name} line {number}"
            try:
                if raw is None:
                    raise InputError(
                        f"{where}: longer than {max_bytes:,} bytes, the limit of one record "
                        "(read_jsonl and load_inputs take max_bytes to change it)")
                article = _line_article(raw, number, where)
                if article is None:
                    continue
                if article.id in first_line:
                    raise InputError(f"{where}: duplicate id {article.id!r} (first used on "
                                     f"line {first_line[article.id]})")
            except InputError as error:
                if on_error is None:
                    raise
                on_error(where, error, raw)
                continue
            first_line[article.id] = number
            yield where, article


def read_jsonl(path: str | os.PathLike[str], *,
               max_bytes: int = MAX_RECORD_BYTES) -> Iterator[Article]:
    """Stream the articles of a JSONL file, one JSON object per line; blank lines are skipped.

    Each object has ``id`` and ``text`` and optionally ``title``, ``url``, ``source`` and
    ``published``; other keys go to ``Article.extra``. Gzip-compressed files (``.jsonl.gz``)
    and a UTF-8 byte order mark are accepted. Errors name the file and the 1-based line.
    The file is read line by line (any total size); a line longer than ``max_bytes``, or a
    path that is not a regular file (a FIFO, a device), is an :class:`InputError`.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "in.jsonl"
    >>> _ = path.write_text('{"id": "a", "text": "Hi.", "lang": "en"}\\n', "utf-8")
    >>> [(a.id, a.extra) for a in read_jsonl(path)]
    [('a', {'lang': 'en'})]
    """
    _check_limit(max_bytes)
    for _, article in _jsonl_records(path, max_bytes=max_bytes):
        yield article


def _text_file_article(path: Path, max_bytes: int = MAX_RECORD_BYTES) -> Article:
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise InputError(f"{path}: {size:,} bytes, more than {max_bytes:,}, the limit of one "
                             "article (read_text_folder and load_inputs take max_bytes to "
                             "change it)")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew since it was measured
        raise InputError(f"{path}: more than {max_bytes:,} bytes, the limit of one article")
    offset = len(_BOM) if data.startswith(_BOM) else 0
    try:
        text = data[offset:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not valid UTF-8 (byte {data[offset + exc.start:offset + exc.start + 1]!r}"
            f" at byte offset {offset + exc.start}); save the file as UTF-8") from exc
    # The text is kept exactly as in the file (no newline translation): paragraph spans in
    # the result are offsets into it.
    return Article.from_mapping({"id": path.stem, "text": text}, where=str(path))


def _folder_entry(entry: Path, real_folder: Path) -> bool:
    """Whether the ``.txt`` entry of a folder is read: True for a regular file (or a link to
    one inside the folder), False for a folder; an InputError for anything else."""
    if entry.is_symlink():
        try:
            target = entry.resolve(strict=True)
        except (OSError, RuntimeError) as exc:  # missing target, or a loop of links
            raise InputError(f"{entry}: a symbolic link to nothing ({exc.__class__.__name__})"
                             ) from exc
        if not target.is_relative_to(real_folder):
            raise InputError(
                f"{entry}: a symbolic link to {target}, outside the folder; links in a folder "
                "must stay inside it (pass the file itself to read it)")
    mode = entry.stat().st_mode
    if stat.S_ISDIR(mode):
        return False
    if not stat.S_ISREG(mode):
        raise InputError(f"{entry}: expected a regular file, but it is {_kind(mode)}")
    return True


def _text_folder_records(path: str | os.PathLike[str], on_error: OnError | None = None,
                         max_bytes: int = MAX_RECORD_BYTES) -> Iterator[tuple[str, Article]]:
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(f"{os.fspath(path)}: expected a folder of .txt files, but it is "
                         f"{'a file' if folder.exists() else 'missing'}")
    real_folder = folder.resolve()
    files: list[Path] = []
    refused = 0
    # Checked in name order, so that of two bad entries the same one is always reported.
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.suffix != ".txt":
            continue
        try:
            if _folder_entry(entry, real_folder):
                files.append(entry)
        except InputError as error:
            if on_error is None:
                raise
            on_error(str(entry), error, None)
            refused += 1
    if not files and not refused:
        raise InputError(f"{os.fspath(path)}: no .txt files in this folder")
    yield from _text_folder_records_of(files, on_error, max_bytes)


def read_text_folder(path: str | os.PathLike[str], *,
                     max_bytes: int = MAX_RECORD_BYTES) -> Iterator[Article]:
    """Stream one article per ``*.txt`` file of a folder (sorted by name, not recursive).

    The id is the file name without ``.txt``, the text is the file content (UTF-8, kept
    verbatim; empty files give empty articles). A folder without ``.txt`` files is an error,
    and so is a ``.txt`` entry that is not a regular file (a FIFO, a device), a symbolic link
    leading outside the folder (or to nothing), or a file larger than ``max_bytes``.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "story-1.txt").write_text("Title\\n\\nBody.", "utf-8")
    >>> [(a.id, a.text) for a in read_text_folder(folder)]
    [('story-1', 'Title\\n\\nBody.')]
    """
    _check_limit(max_bytes)
    for _, article in _text_folder_records(path, max_bytes=max_bytes):
        yield article


def from_dataframe(df: pandas.DataFrame) -> list[Article]:
    """Turn a pandas DataFrame into articles: columns ``id`` and ``text`` are required.

    ``title``, ``url``, ``source`` and ``published`` are optional; missing values (NaN, None,
    NaT) become None. Other columns go to ``Article.extra``. Errors name the row's index label.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"id": ["a", "b"], "text": ["x", "y"], "title": ["T", None]})
    >>> [(a.id, a.title) for a in from_dataframe(frame)]
    [('a', 'T'), ('b', None)]
    """
    try:
        import pandas
    except ImportError as exc:
        raise missing_extra("pandas", "pandas") from exc
    if not isinstance(df, pandas.DataFrame):
        raise InputError(f"expected a pandas DataFrame, got {type(df).__name__}")
    columns = list(df.columns)
    missing = [name for name in ("id", "text") if name not in columns]
    if missing:
        raise InputError(f"DataFrame: missing the required column(s) {missing}; "
                         f"it has {columns}")
    if not df.columns.is_unique:
        repeated = sorted({str(name) for name in columns if columns.count(name) > 1})
        raise InputError(f"DataFrame: repeated column name(s) {repeated}")
    articles: list[Article] = []
    first_row: dict[str, object] = {}
    for label, row in zip(df.index, df.to_dict(orient="records"), strict=True):
        record = {str(key): None if is_missing(value) else value for key, value in row.items()}
        where = f"DataFrame row {label!r}"
        article = Article.from_mapping(record, where)
        if article.id in first_row:
            raise InputError(f"{where}: duplicate id {article.id!r} (first used in row "
                             f"{first_row[article.id]!r})")
        first_row[article.id] = label
        articles.append(article)
    return articles


def _input_records(path: str | os.PathLike[str], on_error: OnError | None = None,
                   max_bytes: int = MAX_RECORD_BYTES) -> Iterator[tuple[str, Article]]:
    name = os.fspath(path)
    resolved = Path(path)
    if resolved.is_dir():
        return _text_folder_records(path, on_error, max_bytes)
    if not resolved.exists():
        raise InputError(f"{name}: no such file or folder")
    lowered = resolved.name.lower()
    if lowered.endswith(_JSONL_SUFFIXES):
        return _jsonl_records(path, on_error, max_bytes)
    if lowered.endswith(".txt"):
        return _text_folder_records_of([resolved], on_error, max_bytes)
    raise InputError(f"expected a .jsonl file or a folder of .txt files, got {name!r}")


def _text_folder_records_of(files: list[Path], on_error: OnError | None,
                            max_bytes: int = MAX_RECORD_BYTES) -> Iterator[tuple[str, Article]]:
    """``(place, article)`` of each ``.txt`` file; a bad file raises or goes to ``on_error``."""
    for file in files:
        try:
            article = _text_file_article(file, max_bytes)
        except InputError as error:
            if on_error is None:
                raise
            on_error(str(file), error, None)
            continue
        yield str(file), article


def load_inputs(paths: Iterable[str | os.PathLike[str]],
                on_error: OnError | None = None, *,
                max_bytes: int = MAX_RECORD_BYTES) -> list[Article]:
    """Read every input into one list of articles, in input order; ids must be unique.

    Each path is a folder of ``.txt`` files (:func:`read_text_folder`), a ``.jsonl``,
    ``.jsonl.gz`` or ``.ndjson`` file (:func:`read_jsonl`) or a single ``.txt`` file (id =
    file name without ``.txt``). A duplicate id across inputs names both places. One record
    (a ``.txt`` file, a JSONL line) may hold at most ``max_bytes`` bytes.

    A bad record raises :class:`InputError`; with ``on_error``, it is skipped and reported
    as ``on_error(place, error, raw_line)`` (``raw_line`` the bytes of a JSONL line, else
    None). Errors that are not one record's (a missing file, corrupt gzip) always raise.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("Hello.", "utf-8")
    >>> [a.id for a in load_inputs([folder])]
    ['a']
    """
    return list(iter_inputs(paths, on_error, max_bytes=max_bytes))


def iter_inputs(paths: Iterable[str | os.PathLike[str]],
                on_error: OnError | None = None, *,
                max_bytes: int = MAX_RECORD_BYTES) -> Iterator[Article]:
    """:func:`load_inputs` as a stream: articles are read as they are consumed, so a large
    input never has to fit in memory (only the ids seen so far are kept).

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("Hello.", "utf-8")
    >>> [a.id for a in iter_inputs([folder])]
    ['a']
    """
    if isinstance(paths, str | bytes | os.PathLike):
        raise InputError(f"expected a list of paths, got the single path {paths!r}; "
                         "wrap it in a list")
    _check_limit(max_bytes)
    return _inputs(list(paths), on_error, max_bytes)


def _inputs(paths: list[str | os.PathLike[str]], on_error: OnError | None = None,
            max_bytes: int = MAX_RECORD_BYTES) -> Iterator[Article]:
    first_place: dict[str, str] = {}
    for path in paths:
        for place, article in _input_records(path, on_error, max_bytes):
            if article.id in first_place:
                error = InputError(f"{place}: duplicate id {article.id!r} (first used in "
                                   f"{first_place[article.id]})")
                if on_error is None:
                    raise error
                on_error(place, error, None)
                continue
            first_place[article.id] = place
            yield article
