"""The batch pipeline on a Dask cluster: :func:`dedup` over a Bag, a DataFrame or files.

Needs the optional extra: ``pip install 'newsdedup[dask]'``. The results are those of the
local :func:`newsdedup.dedup` on the same articles in the same order (ids, groups,
canonicals, matches, repeated and boilerplate paragraphs, stories: see ``docs/dask.md`` for
how the work is split and what each worker holds).

>>> import dask.bag as db  # doctest: +SKIP
>>> from newsdedup import dask as nd_dask  # doctest: +SKIP
>>> result = nd_dask.dedup(db.read_text("news-*.jsonl").map(json.loads))  # doctest: +SKIP
>>> result.groups.to_parquet("out/groups")  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ._core.config import DedupConfig, check_positive_int
from ._core.errors import InputError, missing_extra

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["TABLES", "DaskResult", "dedup"]

#: The tables of a Dask result: those of ``DedupResult.to_pandas`` that need no text.
TABLES = ("articles", "groups", "members", "stories", "matches", "shared_paragraphs",
          "repeated_paragraphs", "boilerplate_paragraphs", "provenance")


def _require_dask() -> Any:
    """Import dask with its Bag and DataFrame modules, or say how to install them."""
    try:
        dask = importlib.import_module("dask")
        importlib.import_module("dask.bag")
        importlib.import_module("dask.dataframe")
    except ImportError as exc:
        raise missing_extra("dask", "dask") from exc
    return dask


@attrs.frozen(slots=True)
class DaskResult:
    """The tables of a Dask run, each a Dask DataFrame with the columns (and dtypes) of
    ``DedupResult.to_pandas(table)``; ``tables`` maps every name of :data:`TABLES` to its
    DataFrame. The partitions are computed already (persisted on the cluster)."""

    tables: dict[str, Any]

    @property
    def articles(self) -> Any:
        """One row per article, in input order (partition by partition)."""
        return self.tables["articles"]

    @property
    def groups(self) -> Any:
        return self.tables["groups"]

    @property
    def members(self) -> Any:
        return self.tables["members"]

    @property
    def stories(self) -> Any:
        return self.tables["stories"]

    @property
    def matches(self) -> Any:
        return self.tables["matches"]

    def to_pandas(self, table: str = "articles") -> pandas.DataFrame:
        """One table computed into a pandas DataFrame (rows in the local result's order)."""
        frame: pandas.DataFrame = _check_table(table, self.tables).compute()
        return frame.reset_index(drop=True)

    def to_parquet(self, path: str | os.PathLike[str], tables: Sequence[str] = TABLES
                   ) -> None:
        """Write each of ``tables`` to ``path/<table>`` as a Parquet dataset."""
        for table in tables:
            _check_table(table, self.tables).to_parquet(os.path.join(os.fspath(path), table),
                                                        write_index=False)


def _check_table(table: str, tables: Mapping[str, Any]) -> Any:
    if table not in tables:
        raise ValueError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
    return tables[table]


def dedup(data: Any, config: DedupConfig | None = None, *,
          canonical_key: Callable[..., Any] | None = None, keep_text: bool = False,
          blocksize: str | int | None = "64MiB", stats: dict[str, Any] | None = None,
          regions: bool = False, reduce_workers: int | None = None,
          **options: Any) -> DaskResult:
    """Run the pipeline on the current Dask scheduler (a ``distributed.Client`` if one is
    active) and return its tables as Dask DataFrames.

    ``data`` is a Dask Bag of article mappings (``id``, ``text``, optional ``title``,
    ``url``, ``source``, ``published``, other fields), a Dask DataFrame with those columns,
    or one or more paths (a string or a list): ``*.parquet`` files or folders are read with
    ``dask.dataframe.read_parquet``, anything else as JSONL in blocks of ``blocksize`` bytes
    (one partition each; ``.gz`` files cannot be split: give ``blocksize=None``).
    ``config``, ``options``, ``canonical_key`` (picklable) and ``keep_text`` are
    those of :func:`newsdedup.dedup`; the results equal ``newsdedup.dedup(articles, ...,
    keep_text=keep_text)`` on the same articles in the same order (partition order, then
    row order). Each partition's map step runs on one thread (Dask runs partitions in
    parallel, whatever ``workers`` says); the reduce, the graph's last task, runs on
    ``reduce_workers`` threads (default: the cores its worker process may use, idle
    otherwise while it runs; the tables are the same for any number). ``stats``, a dict,
    receives the wall time of each phase; with ``regions`` the run also shuffles the LSH
    band keys into text regions and reports them there (a measurement for
    ``docs/dask.md``: the reduce does not use them yet).
    """
    dask = _require_dask()
    if reduce_workers is not None:
        check_positive_int("reduce_workers", reduce_workers)
    settings = DedupConfig.from_options(config, **options)
    partitions = _partitions(dask, data, blocksize)
    from ._drivers import dask_steps

    tables = dask_steps.run(dask, partitions, settings, canonical_key, keep_text, stats,
                             regions, reduce_workers)
    return DaskResult(tables)


def _partitions(dask: Any, data: Any, blocksize: str | int | None) -> list[Any]:
    """The input as a list of delayed partitions, each a list of articles or mappings."""
    db, dd = dask.bag, dask.dataframe

    if isinstance(data, str | os.PathLike):
        data = [data]
    if isinstance(data, list) and data and all(isinstance(p, str | os.PathLike) for p in data):
        paths = [os.fspath(p) for p in data]
        if all(p.endswith(".parquet") or os.path.isdir(p) for p in paths):
            data = dd.read_parquet(paths)
        else:
            data = db.read_text(paths, blocksize=blocksize).map(_json_line).filter(
                _is_record)
    if isinstance(data, dd.DataFrame):
        return [dask.delayed(_frame_records)(part) for part in data.to_delayed()]
    if isinstance(data, db.Bag):
        return list(data.to_delayed())
    raise InputError("expected a Dask Bag of article mappings, a Dask DataFrame, or paths of "
                     f"Parquet or JSONL files; got {type(data).__name__}")


def _json_line(line: str) -> Any:
    """One JSONL line as a record (blank lines become None and are dropped)."""
    return json.loads(line) if line.strip() else None


def _is_record(record: Any) -> bool:
    return record is not None


def _frame_records(frame: pandas.DataFrame) -> list[Any]:
    """A pandas partition as articles (missing values become None, see ``from_dataframe``)."""
    from ._text.loaders import from_dataframe

    return list(from_dataframe(frame.reset_index(drop=True)))


def records_of(items: Iterable[Any]) -> list[Any]:
    """A partition as a list (a Bag partition may be any iterable)."""
    return list(items)
