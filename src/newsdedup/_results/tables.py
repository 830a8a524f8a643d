"""A result as flat, typed tables: pandas, Arrow (and Parquet), polars.

Every table has scalar columns of one declared type (strings, booleans, int64, float64 and
``published`` as a UTC timestamp), so a DataFrame never holds Python lists in object
columns: what is nested in the result objects (a group's members, a match's paragraph
pairs, an article's repeats) is a table of its own, joined on ids. The input's extra fields
follow the articles' columns under the record rule (``input_`` before a name taken by the
result, see ``_results.result.input_field_name``), their types inferred by the library; a field
whose values Arrow or polars cannot type (mixed kinds) is written as JSON text there.

The columns of each table are built once, as Python lists, and handed to the library.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .._core.errors import missing_extra
from .result import DedupResult, _json_default, input_field_name

if TYPE_CHECKING:  # pragma: no cover
    import pandas
    import polars
    import pyarrow

__all__ = ["TABLES", "table_columns", "to_arrow", "to_pandas", "to_polars", "write_parquet"]

# Column kinds: a declared type each library maps to its own; None for inferred extra fields.
STRING, OPTIONAL_STRING, BOOL, INT, FLOAT, TIMESTAMP = (
    "string", "string?", "bool", "int64", "float64", "timestamp")
Columns = dict[str, tuple[str | None, list[Any]]]


def _articles(result: DedupResult) -> Columns:
    articles = result.articles
    columns: Columns = {
        "id": (STRING, [a.id for a in articles]),
        "group_id": (STRING, [a.group_id for a in articles]),
        "story_id": (STRING, [a.story_id for a in articles]),
        "canonical_id": (STRING, [a.canonical_id for a in articles]),
        "story_canonical_id": (STRING, [a.story_canonical_id for a in articles]),
        "is_canonical": (BOOL, [a.is_canonical for a in articles]),
        "relation": (STRING, [a.relation for a in articles]),
        "jaccard": (FLOAT, [a.jaccard for a in articles]),
        "containment": (FLOAT, [a.containment for a in articles]),
        "n_paragraphs": (INT, [a.n_paragraphs for a in articles]),
        "is_empty": (BOOL, [a.is_empty for a in articles]),
        "is_digest": (BOOL, [a.is_digest for a in articles]),
        "n_repeated_paragraphs": (INT, [len(a.repeated_paragraphs) for a in articles]),
        "n_boilerplate_paragraphs": (INT, [len(a.boilerplate_paragraphs) for a in articles]),
        "title": (OPTIONAL_STRING, [a.metadata.get("title") for a in articles]),
        "url": (OPTIONAL_STRING, [a.metadata.get("url") for a in articles]),
        "source": (OPTIONAL_STRING, [a.metadata.get("source") for a in articles]),
        "published": (TIMESTAMP, [_timestamp(a.metadata.get("published")) for a in articles]),
    }
    if articles and result.has_text:
        columns["text"] = (STRING, [a.text for a in articles])
    known = {"title", "url", "source", "published"}
    extra: dict[str, None] = {}
    for article in articles:  # extra fields, in order of first appearance
        extra.update(dict.fromkeys(key for key in article.metadata if key not in known))
    taken = set(columns) | {"repeated_paragraphs", "boilerplate_paragraphs", "text"}
    for key in extra:
        name = input_field_name(key, taken)
        taken.add(name)
        columns[name] = (None, [a.metadata.get(key) for a in articles])
    return columns


def _timestamp(value: object) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else None


def _groups(result: DedupResult) -> Columns:
    groups = result.groups
    return {"id": (STRING, [g.id for g in groups]),
            "canonical_id": (STRING, [g.canonical_id for g in groups]),
            "canonical_rule": (STRING, [g.canonical_rule for g in groups]),
            "story_id": (STRING, [g.story_id for g in groups]),
            "n_members": (INT, [len(g.members) for g in groups])}


def _rows(names: tuple[tuple[str, str], ...], rows: Iterator[tuple[Any, ...]]) -> Columns:
    """Columns of the given names and kinds from an iterator of row tuples."""
    values: list[list[Any]] = [[] for _ in names]
    for row in rows:
        for column, value in zip(values, row, strict=True):
            column.append(value)
    return {name: (kind, column) for (name, kind), column in zip(names, values, strict=True)}


def _members(result: DedupResult) -> Columns:
    return _rows((("group_id", STRING), ("id", STRING), ("relation", STRING),
                  ("jaccard", FLOAT), ("containment", FLOAT), ("is_canonical", BOOL)),
                 ((g.id, m.id, m.relation, m.jaccard, m.containment, m.id == g.canonical_id)
                  for g in result.groups for m in g.members))


def _stories(result: DedupResult) -> Columns:
    stories = result.stories
    return {"id": (STRING, [s.id for s in stories]),
            "canonical_id": (STRING, [s.canonical_id for s in stories]),
            "canonical_rule": (STRING, [s.canonical_rule for s in stories]),
            "n_articles": (INT, [len(s.member_ids) for s in stories]),
            "n_groups": (INT, [len(s.group_ids) for s in stories])}


def _matches(result: DedupResult) -> Columns:
    return _rows((("a", STRING), ("b", STRING), ("relation", STRING), ("jaccard", FLOAT),
                  ("containment", FLOAT), ("a_in_b", FLOAT), ("b_in_a", FLOAT),
                  ("is_duplicate", BOOL), ("n_shared_paragraphs", INT)),
                 ((m.a, m.b, m.relation, m.jaccard, m.containment, m.a_in_b, m.b_in_a,
                   m.is_duplicate, len(m.shared_paragraphs)) for m in result.matches))


def _shared(result: DedupResult) -> Columns:
    return _rows((("a", STRING), ("b", STRING), ("a_index", INT), ("b_index", INT),
                  ("similarity", FLOAT)),
                 ((m.a, m.b, s.a_index, s.b_index, s.similarity)
                  for m in result.matches for s in m.shared_paragraphs))


def _repeated(result: DedupResult) -> Columns:
    return _rows((("article_id", STRING), ("index", INT), ("repeat_of", INT),
                  ("jaccard", FLOAT), ("containment", FLOAT), ("kind", STRING)),
                 ((a.id, r.index, r.repeat_of, r.jaccard, r.containment, r.kind)
                  for a in result.articles for r in a.repeated_paragraphs))


def _boilerplate(result: DedupResult) -> Columns:
    return _rows((("article_id", STRING), ("index", INT), ("reason", STRING),
                  ("families", INT)),
                 ((a.id, b.index, b.reason, b.families)
                  for a in result.articles for b in a.boilerplate_paragraphs))


def _provenance(result: DedupResult) -> Columns:
    return _rows((("group_id", STRING), ("canonical_id", STRING), ("index", INT),
                  ("is_boilerplate", BOOL), ("article_id", STRING), ("paragraph_index", INT),
                  ("similarity", FLOAT)),
                 ((g.id, g.canonical_id, p.index, p.is_boilerplate, c.article_id,
                   c.paragraph_index, c.similarity)
                  for g in result.groups for p in g.provenance for c in p.carriers))


def _paragraphs(result: DedupResult) -> Columns:
    def rows() -> Iterator[tuple[Any, ...]]:
        for article in result.articles:
            text = article.text
            spans = article.paragraph_spans  # raises when the text was not kept
            boilerplate = {b.index for b in article.boilerplate_paragraphs}
            repeated = {r.index for r in article.repeated_paragraphs}
            assert text is not None
            for index, (start, end) in enumerate(spans):
                yield (article.id, index, start, end, text[start:end], index in boilerplate,
                       index in repeated)

    return _rows((("article_id", STRING), ("index", INT), ("start", INT), ("end", INT),
                  ("text", STRING), ("is_boilerplate", BOOL), ("is_repeated", BOOL)), rows())


_BUILDERS: dict[str, Callable[[DedupResult], Columns]] = {
    "articles": _articles, "groups": _groups, "members": _members, "stories": _stories,
    "matches": _matches, "shared_paragraphs": _shared, "repeated_paragraphs": _repeated,
    "boilerplate_paragraphs": _boilerplate, "provenance": _provenance,
    "paragraphs": _paragraphs,
}
#: The table names of ``to_pandas(table)`` and its siblings.
TABLES = tuple(_BUILDERS)


def table_columns(result: DedupResult, table: str) -> Columns:
    """The columns of one table: name → (kind, values); kind None for inferred fields.

    >>> from newsdedup import dedup
    >>> columns = table_columns(dedup([{"id": "a", "text": "x"}]), "groups")
    >>> list(columns), columns["n_members"]
    (['id', 'canonical_id', 'canonical_rule', 'story_id', 'n_members'], ('int64', [1]))
    """
    builder = _BUILDERS.get(table)
    if builder is None:
        raise ValueError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
    return builder(result)


def to_pandas(result: DedupResult, table: str) -> pandas.DataFrame:
    """One table as a pandas DataFrame with typed columns (see the module docstring)."""
    try:
        import pandas
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise missing_extra("pandas", "pandas") from exc
    data: dict[str, Any] = {}
    for name, (kind, values) in table_columns(result, table).items():
        if kind is None:
            data[name] = pandas.Series(values, dtype=object).infer_objects()
        elif kind == TIMESTAMP:
            data[name] = pandas.to_datetime(pandas.Series(values, dtype=object), utc=True)
        elif kind in (STRING, OPTIONAL_STRING):
            data[name] = pandas.Series(values, dtype="string")
        else:
            data[name] = pandas.Series(values, dtype=kind)
    return pandas.DataFrame(data)


def _as_json(values: list[Any]) -> list[str | None]:
    return [None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True,
                                                  default=_json_default) for value in values]


def to_arrow(result: DedupResult, table: str) -> pyarrow.Table:
    """One table as a ``pyarrow.Table`` with a declared schema."""
    try:
        import pyarrow
    except ImportError as exc:
        raise missing_extra("arrow", "pyarrow") from exc
    types = {STRING: pyarrow.string(), OPTIONAL_STRING: pyarrow.string(),
             BOOL: pyarrow.bool_(), INT: pyarrow.int64(), FLOAT: pyarrow.float64(),
             TIMESTAMP: pyarrow.timestamp("us", tz="UTC")}
    arrays = {}
    for name, (kind, values) in table_columns(result, table).items():
        if kind is not None:
            arrays[name] = pyarrow.array(values, type=types[kind])
            continue
        try:
            arrays[name] = pyarrow.array(values)
        except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError, OverflowError):
            arrays[name] = pyarrow.array(_as_json(values), type=pyarrow.string())
    return pyarrow.table(arrays)


def to_polars(result: DedupResult, table: str) -> polars.DataFrame:
    """One table as a polars DataFrame with declared dtypes (pyarrow not needed)."""
    try:
        import polars
    except ImportError as exc:
        raise missing_extra("polars", "polars") from exc
    types: dict[str, Any] = {
        STRING: polars.String, OPTIONAL_STRING: polars.String, BOOL: polars.Boolean,
             INT: polars.Int64, FLOAT: polars.Float64,
             TIMESTAMP: polars.Datetime("us", time_zone="UTC")}
    series = []
    for name, (kind, values) in table_columns(result, table).items():
        if kind is not None:
            series.append(polars.Series(name, values, dtype=types[kind]))
            continue
        try:
            series.append(polars.Series(name, values))
        except (TypeError, ValueError, OverflowError, polars.exceptions.PolarsError):
            series.append(polars.Series(name, _as_json(values), dtype=polars.String))
    return polars.DataFrame(series)


def write_parquet(result: DedupResult, path: str | os.PathLike[str], table: str) -> None:
    """Write one table to a Parquet file, replacing it only once complete."""
    arrow_table = to_arrow(result, table)
    import pyarrow.parquet

    from .._core.atomic_file import atomic_binary_output

    with atomic_binary_output(path) as handle:
        pyarrow.parquet.write_table(arrow_table, handle)
