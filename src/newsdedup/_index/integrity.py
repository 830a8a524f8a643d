"""Checking what the index file hands back: checksums, value checks, the damage error.

An index file can be damaged (a torn copy, a bad sector, a full disk during a copy) or edited
by hand, and every value read back must either be what the index wrote or end in an
:class:`~newsdedup.IndexStoreError` that says what is wrong and how to recover, never in a
deep ``ValueError`` of some later step or, worse, in decisions silently made from wrong
data. So everything the index writes carries a check, verified when it is read:

* feature and lookup blobs: a BLAKE2b checksum in the blob itself, keyed with the article id
  (a blob copied into another article's row fails too; ``_index.codec``);
* article and decision rows: ``record_hash`` and ``decision_hash`` (of the article and
  decision JSON, checked when they are read) and ``checksum``, over every small column
  (ids, dates, flags, counts; checked when the index is loaded), written by the SQL
  function :data:`ROW_CHECK_FUNCTION` that the store registers on its connections;
* group, story and match records: a checksum over key and JSON, checked when read; group and
  story sizes and each article's match count, checked against the articles;
* ``meta``: one checksum over every other row.

A check is not a signature: anyone can recompute it. It catches damage and careless edits.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any, NoReturn, TypeVar

from .._core.errors import IndexStoreError, InputError
from .._core.hashing import digest64
from .._text.article import Article

__all__ = ["ROW_CHECK_FUNCTION", "checked", "damaged", "expect_int",
           "expect_text", "expect_time", "keyed_check", "meta_check", "parsed_json",
           "row_check", "stored_article", "text_hash"]

#: The SQL function (registered on every connection) that computes :func:`row_check`.
ROW_CHECK_FUNCTION = "newsdedup_row_check"

#: How to recover from a damaged file (appended to every damage message).
RECOVERY = ("restore the file from a backup, or rebuild the index: add the source articles "
            "to a new index file (the stored ones are the JSON lines of: sqlite3 FILE "
            "\"SELECT record FROM articles ORDER BY seq\")")

T = TypeVar("T")


def damaged(path: str, what: str) -> NoReturn:
    """Raise the error for a damaged index file: ``what`` is wrong, and how to recover."""
    raise IndexStoreError(f"{path}: the index file is damaged: {what}; "
                          + RECOVERY.replace("FILE", path))


def text_hash(text: str) -> int:
    """A signed 64-bit BLAKE2b hash of ``text`` (what ``record_hash`` and
    ``decision_hash`` hold).

    >>> text_hash("a") == text_hash("a") != text_hash("b")
    True
    """
    return digest64(text.encode("utf-8", "surrogatepass"))


def row_check(*values: Any) -> int:
    """The ``checksum`` of a row: a hash of the values it covers, as SQLite returns them
    (the same in Python and in the SQL function).

    >>> row_check("a", 1, None) == row_check("a", 1, None) != row_check("a", 2, None)
    True
    """
    return text_hash(repr(values))


def keyed_check(key: str, text: str) -> int:
    """The checksum of a group, story or match record stored under ``key``."""
    return text_hash(f"{key}\x00{text}")


def meta_check(meta: Mapping[str, str]) -> str:
    """The ``checksum`` row of ``meta``: a hash of every other row."""
    return format(text_hash(json.dumps(sorted((key, value) for key, value in meta.items()
                                              if key != "checksum"))) & (2**64 - 1), "016x")


def parsed_json(path: str, text: object, where: str, kind: type[T]) -> T:
    """``text`` parsed as JSON of type ``kind`` (dict or list), else the damage error."""
    if not isinstance(text, str):
        damaged(path, f"{where} is {type(text).__name__} {_short(text)}, expected JSON text")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        damaged(path, f"{where} is not valid JSON ({error})")
    if not isinstance(value, kind):
        damaged(path, f"{where} is JSON {type(value).__name__}, expected {kind.__name__}")
    return value


def stored_article(path: str, article_id: str, record: str) -> Article:
    """The :class:`Article` of a stored record (else the damage error)."""
    mapping = parsed_json(path, record, f"the stored article {article_id!r}", dict)
    try:
        article = Article.from_mapping(mapping, f"stored article {article_id!r}")
    except InputError as error:
        damaged(path, str(error))
    if article.id != article_id:
        damaged(path, f"the stored article {article_id!r} holds the article {article.id!r}")
    return article


def checked(path: str, where: str, build: Callable[[], T]) -> T:
    """``build()``, with any error from malformed stored values turned into the damage error.

    For turning checked-out JSON into result objects: the fields are the index's own, so a
    missing key or wrong type means the row was damaged or edited.
    """
    try:
        return build()
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        damaged(path, f"{where} is malformed ({type(error).__name__}: {error})")


def expect_int(path: str, value: object, where: str, low: int = 0,
               high: int = 2**63 - 1) -> int:
    """``value`` if it is an integer in ``[low, high]``, else the damage error."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        damaged(path, f"{where} is {_short(value)}, expected an integer in [{low}, {high}]")
    return value


def expect_text(path: str, value: object, where: str, optional: bool = False) -> str | None:
    """``value`` if it is a string (or None, if ``optional``), else the damage error."""
    if isinstance(value, str) or (optional and value is None):
        return value
    damaged(path, f"{where} is {_short(value)}, expected "
                  f"{'a string or NULL' if optional else 'a string'}")


#: Seconds of 0001-01-01 and 9999-12-31T23:59:59 UTC: what a stored ``published`` can be.
EARLIEST, LATEST = -62135596800.0, 253402300799.0


def expect_time(path: str, value: object, where: str) -> float | None:
    """A stored ``published`` (UTC seconds, or NULL), else the damage error."""
    if value is None:
        return None
    if (isinstance(value, bool) or not isinstance(value, int | float)
            or not math.isfinite(value) or not EARLIEST <= value <= LATEST):
        damaged(path, f"{where} is {_short(value)}, expected a time in seconds or NULL")
    return float(value)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
