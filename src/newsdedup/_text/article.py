"""The input record, :class:`Article`, and turning user input into validated articles.

Users hand us attrs ``Article`` objects or plain mappings (dicts from JSON, rows of a
DataFrame). Everything is validated here, once, with errors that name the record; later steps
can trust what they get. Fields we do not know are kept in ``Article.extra`` and written back
out, so nothing a user gave us is lost.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator, Mapping
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, TypeGuard

import attrs
import numpy as np

from .._core.errors import InputError

if TYPE_CHECKING:
    import pandas

__all__ = [
    "Article",
    "coerce_articles",
    "is_dataframe",
    "is_missing",
    "iter_articles",
    "optional_fields",
    "parse_published",
    "require_unicode",
    "without_text",
]

_KNOWN_FIELDS = ("id", "text", "title", "url", "source", "published")


def is_missing(value: object) -> bool:
    """Whether ``value`` means "no value": None, a NaN, or pandas' ``NaT`` / ``NA``.

    Records taken from a DataFrame (``df.to_dict("records")``) spell a missing title or date
    that way, depending on the column's type; the optional fields read them as missing.

    >>> [is_missing(v) for v in (None, float("nan"), "", 0.0)]
    [True, True, False, False]
    """
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    if isinstance(value, np.datetime64):
        return bool(np.isnat(value))
    kind = type(value)
    return kind.__name__ in ("NaTType", "NAType") and kind.__module__.startswith("pandas")


def is_dataframe(value: object) -> TypeGuard[pandas.DataFrame]:
    """Whether ``value`` is a pandas DataFrame (told without importing pandas)."""
    kind = type(value)
    return any(base.__name__ == "DataFrame" and base.__module__.startswith("pandas")
               for base in kind.__mro__)


#: What a ``published`` string may be, for the error that refuses one.
_DATE_FORMATS = ("an ISO 8601 date such as '2023-07-26' or '2023-07-26T10:00:00+00:00', or an "
                 "RFC 2822 date as in RSS feeds: 'Wed, 26 Jul 2023 10:00:00 GMT'")


def _parse_date_text(value: str, where: str) -> dt.datetime | None:
    text = value.strip()
    if not text:
        return None
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return dt.datetime.fromisoformat(iso)
    except ValueError:
        pass
    try:  # RSS <pubDate>, HTTP and e-mail headers; a "-0000" zone gives a naive time (UTC)
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError) as exc:
        raise InputError(f"{where}: cannot parse 'published' {value!r}; expected "
                         f"{_DATE_FORMATS}") from exc


def _from_timestamp(value: float, where: str) -> dt.datetime:
    if not math.isfinite(value):
        raise InputError(f"{where}: expected 'published' as a date, got {value!r}")
    try:
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise InputError(f"{where}: 'published' timestamp {value!r} is out of range") from exc


def parse_published(value: object, where: str) -> dt.datetime | None:
    """Turn ``value`` into an aware UTC datetime, or None.

    Accepts ``datetime`` (naive is taken as UTC; pandas ``Timestamp`` too), ``date``, numpy
    ``datetime64``, ISO 8601 strings (a trailing ``Z`` included), RFC 2822 strings (RSS
    ``pubDate``: ``"Wed, 26 Jul 2023 10:00:00 GMT"``) and Unix timestamps (int/float
    seconds, numpy numbers too). None, an empty string and the missing values of pandas
    (NaN, ``NaT``, ``NA``) are no date. ``where`` names the record in error messages.

    >>> parse_published("2023-07-26T10:00:00Z", "article 'a'").isoformat()
    '2023-07-26T10:00:00+00:00'
    >>> parse_published("Wed, 26 Jul 2023 12:00:00 +0200", "article 'a'").isoformat()
    '2023-07-26T10:00:00+00:00'
    """
    if isinstance(value, str):  # first: the common case
        return _aware_utc(_parse_date_text(value, where), value, where)
    if is_missing(value):
        return None
    if isinstance(value, np.generic) and not isinstance(value, np.bool_):
        value = _from_numpy(value, where)
    parsed: dt.datetime
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, bool | np.bool_):
        raise InputError(f"{where}: expected 'published' as a date, got the boolean {value!r}")
    elif isinstance(value, int | float):
        parsed = _from_timestamp(value, where)
    else:
        raise InputError(
            f"{where}: expected 'published' as a date string (ISO 8601 or RFC 2822), a "
            f"datetime or a Unix timestamp, got {type(value).__name__} {value!r}"
        )
    return _aware_utc(parsed, value, where)


def _aware_utc(parsed: dt.datetime | None, value: object, where: str) -> dt.datetime | None:
    """``parsed`` in UTC (a naive time taken as UTC); ``value`` names it in errors."""
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError as exc:  # e.g. 0001-01-01T00:00+01:00 is before year 1 in UTC
        raise InputError(f"{where}: 'published' {value!r} is out of range in UTC") from exc


def _from_numpy(value: np.generic, where: str) -> object:
    """A numpy scalar as the Python value it stands for (a datetime64 as a datetime)."""
    if isinstance(value, np.datetime64):
        as_python = value.astype("datetime64[us]").item()
        if not isinstance(as_python, dt.datetime):  # outside years 1-9999
            raise InputError(f"{where}: 'published' {value!r} is out of range")
        return as_python
    return value.item()


def require_unicode(value: str, field: str, where: str) -> None:
    """Refuse a string holding a lone surrogate (U+D800-U+DFFF outside a pair).

    Such a string is not Unicode text: it cannot be encoded as UTF-8, so it could be neither
    written to JSONL, SQLite or Arrow nor printed, and replacing the character would alter
    what the user gave. JSON lets one in through an escape (``"\\ud800"``), like a broken
    emoji cut in half upstream. Checked on every field, since results write them all back
    out (the text too, in JSONL records, tables and reports).

    >>> require_unicode("caf\\u00e9 \\U0001F600", "text", "article 'a'")
    >>> try:
    ...     require_unicode("broken \\ud83d", "text", "article 'a'")
    ... except InputError as error:
    ...     print(str(error)[:66])
    article 'a': 'text' holds a lone surrogate (U+D83D at character 7)
    """
    if value.isascii():  # O(1) in CPython: most ids and many texts stop here
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            f"{where}: {field!r} holds a lone surrogate (U+{ord(value[exc.start]):04X} at "
            f"character {exc.start}), which is not valid Unicode and cannot be written out "
            "unchanged; repair or remove it upstream") from None


def _check_extra_fields(extra: Mapping[Any, Any], where: str) -> None:
    """Field names of ``extra`` are strings, and no string inside it has a lone surrogate."""
    pending: list[tuple[str, object]] = []
    for key, value in extra.items():
        if not isinstance(key, str):
            raise InputError(f"{where}: expected field names to be strings, got "
                             f"{type(key).__name__} {key!r:.80}")
        require_unicode(key, "field name", where)
        pending.append((key, value))
    # Iterative, not recursive: a record nested thousands deep must not overflow the stack.
    while pending:
        field, value = pending.pop()
        if isinstance(value, str):
            require_unicode(value, field, where)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str):
                    require_unicode(key, field, where)
                pending.append((field, item))
        elif isinstance(value, list | tuple | set | frozenset):
            pending.extend((field, item) for item in value)


def _optional_str(value: object, field: str, where: str) -> str | None:
    if isinstance(value, str):  # first: the common case, a million times per run
        require_unicode(value, field, where)
        return value
    if is_missing(value):
        return None
    raise InputError(f"{where}: expected {field!r} to be a string or missing, got "
                     f"{type(value).__name__} {value!r}")


def _check_id(instance: Article, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"article {value!r}: expected a non-empty 'id' string, got {value!r}")
    require_unicode(value, "id", f"article {value!r}")


def _check_text(instance: Article, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        raise InputError(
            f"article {instance.id!r}: expected 'text' to be a string, got "
            f"{type(value).__name__} {value!r:.80}"
        )
    require_unicode(value, "text", f"article {instance.id!r}")


def _check_extra(instance: Article, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        raise InputError(f"article {instance.id!r}: expected 'extra' to be a mapping, got "
                         f"{type(value).__name__}")
    _check_extra_fields(value, f"article {instance.id!r}")


def _check_optional_str(instance: Article, attribute: attrs.Attribute[Any], value: object) -> None:
    _optional_str(value, attribute.name, f"article {instance.id!r}")


def _none_if_missing(value: object) -> object:
    return None if is_missing(value) else value


@attrs.frozen(slots=True)
class Article:
    """One news article: the unit newsdedup reads.

    Attributes:
        id: unique, non-empty identifier (a string).
        text: the body; paragraphs are separated by blank lines or single newlines.
            Empty text is allowed and reported in the result, never dropped.
        title: optional headline; used for stories, not for duplicate detection. The
            optional fields take None, or pandas' missing values (NaN, ``NaT``, ``NA``), as
            missing.
        url: optional address of the article.
        source: optional outlet name or domain; a paragraph recurring across different
            articles of one source is strong evidence of boilerplate.
        published: optional publication time (aware UTC datetime; ISO 8601 and RFC 2822
            strings, dates, numpy ``datetime64`` and Unix timestamps are converted). Used by
            the canonical rule and the story time window.
        extra: any other fields of the input record, kept and written back out untouched.

    >>> Article(id="a1", text="Hello.\\n\\nWorld.", published="2023-07-26").published.year
    2023
    """

    id: str = attrs.field(validator=_check_id)
    text: str = attrs.field(validator=_check_text)
    title: str | None = attrs.field(default=None, converter=_none_if_missing,
                                  validator=_check_optional_str)
    url: str | None = attrs.field(default=None, converter=_none_if_missing,
                                  validator=_check_optional_str)
    source: str | None = attrs.field(default=None, converter=_none_if_missing,
                                     validator=_check_optional_str)
    published: dt.datetime | None = attrs.field(default=None)
    # Left out of the hash (not of equality): a dict is unhashable, and a frozen class that
    # cannot be put in a set would surprise.
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False, hash=False,
                                           validator=_check_extra)

    def __attrs_post_init__(self) -> None:
        # A converter cannot name the article in its error, so parse here, where the id is known.
        parsed = parse_published(self.published, f"article {self.id!r}")
        object.__setattr__(self, "published", parsed)

    @classmethod
    def from_mapping(cls, record: Mapping[str, Any], where: str = "record") -> Article:
        """Build an article from a mapping with the fields above; unknown keys go to ``extra``.

        ``where`` names the record in error messages (e.g. ``"line 12 of in.jsonl"``).

        >>> Article.from_mapping({"id": "x", "text": "t", "lang": "en"}).extra
        {'lang': 'en'}
        """
        if not isinstance(record, Mapping):
            raise InputError(
                f"{where}: expected an Article or a mapping with 'id' and 'text', got "
                f"{type(record).__name__}"
            )
        raw_id = record.get("id")
        if isinstance(raw_id, int) and not isinstance(raw_id, bool):
            raise InputError(f"{where}: expected 'id' to be a string, got the integer {raw_id!r}"
                             f" (quote it: \"{raw_id}\")")
        if not isinstance(raw_id, str) or not raw_id.strip():
            raise InputError(f"{where}: expected a non-empty 'id' string, got {raw_id!r}")
        require_unicode(raw_id, "id", where)
        label = f"{where} (article {raw_id!r})"
        if "text" not in record:
            raise InputError(f"{label}: missing the 'text' field")
        text = record["text"]
        if not isinstance(text, str):
            raise InputError(
                f"{label}: expected 'text' to be a string, got {type(text).__name__} {text!r:.80}"
            )
        require_unicode(text, "text", label)
        published = parse_published(record.get("published"), label)
        title, url, source = (_optional_str(record.get(name), name, label)
                              for name in ("title", "url", "source"))
        extra = {key: value for key, value in record.items() if key not in _KNOWN_FIELDS}
        if extra:
            _check_extra_fields(extra, label)
        # Every field is validated above: build the instance without running the validators
        # a second time (a stream of a million records pays for each check).
        article: Article = object.__new__(cls)
        for name, value in (("id", raw_id), ("text", text), ("title", title), ("url", url),
                            ("source", source), ("published", published), ("extra", extra)):
            object.__setattr__(article, name, value)
        return article

    def to_dict(self) -> dict[str, Any]:
        """The article as a JSON-ready dict (``published`` as ISO 8601), ``extra`` merged in."""
        out: dict[str, Any] = dict(self.extra)
        out.update(id=self.id, text=self.text)
        out.update(optional_fields(self))
        return out


def optional_fields(article: Article) -> dict[str, Any]:
    """The optional fields ``article`` has (``title``, ``url``, ``source``, ``published`` as
    ISO 8601), in ``Article.to_dict``'s order: its record less the id, text and extra
    fields.

    >>> optional_fields(Article("a", "t", url="https://x.example/1", title="T"))
    {'title': 'T', 'url': 'https://x.example/1'}
    """
    out: dict[str, Any] = {}
    for name in ("title", "url", "source"):
        value = getattr(article, name)
        if value is not None:
            out[name] = value
    if article.published is not None:
        out["published"] = article.published.isoformat()
    return out


def coerce_articles(items: Iterable[Article | Mapping[str, Any]]) -> list[Article]:
    """Validate an iterable of articles/mappings into a list, rejecting duplicate ids.

    Errors name the position (0-based) and the id of the offending record.

    >>> [a.id for a in coerce_articles([{"id": "a", "text": "x"}, Article("b", "y")])]
    ['a', 'b']
    """
    return list(iter_articles(items))


def iter_articles(items: Iterable[Article | Mapping[str, Any]]) -> Iterator[Article]:
    """Validate articles/mappings one at a time, as they are read (see :func:`coerce_articles`).

    The input is consumed lazily, so a stream of records never has to fit in memory; only the
    ids seen so far are kept, to reject duplicates. A pandas DataFrame is read by rows
    (:func:`~newsdedup.from_dataframe`).

    >>> [a.id for a in iter_articles(({"id": str(n), "text": "x"} for n in range(2)))]
    ['0', '1']
    """
    if is_dataframe(items):  # rows, not column names: errors name the row's index label
        from .loaders import from_dataframe  # the loaders build on this module

        return iter(from_dataframe(items))
    if isinstance(items, str | bytes | Mapping | Article):
        raise InputError(
            f"expected an iterable of articles, got a single {type(items).__name__}; "
            "wrap it in a list"
        )
    try:
        iterator = iter(items)
    except TypeError as exc:
        raise InputError(
            f"expected an iterable of articles, got {type(items).__name__} {items!r:.80}"
        ) from exc
    return _validated(iterator)


def _validated(iterator: Iterator[Article | Mapping[str, Any]]) -> Iterator[Article]:
    seen: dict[str, int] = {}
    for position, item in enumerate(iterator):
        where = f"article {position}"
        article = item if isinstance(item, Article) else Article.from_mapping(item, where)
        if article.id in seen:
            raise InputError(
                f"{where}: duplicate id {article.id!r} (first used by article {seen[article.id]})"
            )
        seen[article.id] = position
        yield article


def without_text(article: Article) -> Article:
    """A copy of ``article`` with empty text (all other fields shared, nothing re-validated).

    The pipeline keeps these once an article's features are computed, so memory holds the
    features of a large corpus, not its text.

    >>> without_text(Article("a", "Long text.", title="T")).title
    'T'
    """
    slim: Article = object.__new__(Article)
    for field in attrs.fields(Article):
        object.__setattr__(slim, field.name, getattr(article, field.name))
    object.__setattr__(slim, "text", "")
    return slim
