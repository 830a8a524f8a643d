"""The tasks of ``newsdedup.dask``: plain functions over partitions, wired into a Dask graph.

Kept apart from ``newsdedup.dask`` so that the functions the workers run import nothing of
Dask (a worker unpickles them by module and name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._article import Article
from ._canonical import CanonicalKey
from ._config import DedupConfig
from ._errors import InputError
from ._features import Collected, collect_features, concat_features
from ._pipeline import _reduce
from ._result import attach_texts

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["map_partition", "reduce_partitions", "run"]

TABLES = ("articles", "groups", "members", "stories", "matches", "shared_paragraphs",
          "repeated_paragraphs", "boilerplate_paragraphs", "provenance")


def map_partition(records: Any, settings: DedupConfig, keep: bool) -> Collected:
    """The map step over one partition: its articles validated and their features."""
    return collect_features(list(records), settings, keep)


def reduce_partitions(parts: list[Collected], settings: DedupConfig,
                      canonical_key: CanonicalKey | None, keep_text: bool
                      ) -> dict[str, pandas.DataFrame]:
    """Every step after the map step, over the partitions' features joined in order."""
    articles: list[Article] = [a for part in parts for a in part.articles]
    _check_unique(articles)
    empty = np.concatenate([part.empty for part in parts]) if parts else np.zeros(0, bool)
    features = concat_features([part.features for part in parts])
    parts.clear()
    texts = [article.text for article in articles] if keep_text else None
    result = _reduce([Collected(articles, features, empty)], settings, canonical_key)
    if texts is not None:
        attach_texts(result, texts)
    return {table: result.to_pandas(table) for table in TABLES}


def _check_unique(articles: list[Article]) -> None:
    seen: dict[str, int] = {}
    for position, article in enumerate(articles):
        first = seen.setdefault(article.id, position)
        if first != position:
            raise InputError(f"article {position}: duplicate id {article.id!r} (first used by "
                             f"article {first})")


def run(dask: Any, partitions: list[Any], settings: DedupConfig,
        canonical_key: CanonicalKey | None, keep: bool, keep_text: bool) -> dict[str, Any]:
    """Build and run the graph; the tables as Dask DataFrames of persisted partitions."""
    dd = dask.dataframe
    delayed = dask.delayed
    collected = [delayed(map_partition)(part, settings, keep) for part in partitions]
    reduced = delayed(reduce_partitions)(collected, settings, canonical_key, keep_text)
    pieces = {table: [delayed(_pick)(reduced, table)] for table in TABLES}
    return _frames(dask, dd, pieces)


def _pick(tables: dict[str, pandas.DataFrame], table: str) -> pandas.DataFrame:
    return tables[table]


def _frames(dask: Any, dd: Any, pieces: dict[str, list[Any]]) -> dict[str, Any]:
    """Persist every table's partitions, then wrap them in Dask DataFrames (the meta of
    each is the empty head of its first partition: only that crosses to the client)."""
    names = list(pieces)
    flat = [piece for name in names for piece in pieces[name]]
    persisted = dask.persist(*flat)
    heads = dask.compute(*[dask.delayed(_empty_head)(pieces_of[0]) for pieces_of in
                           _regroup(names, pieces, persisted).values()])
    frames = {}
    for (name, parts), meta in zip(_regroup(names, pieces, persisted).items(), heads,
                                   strict=True):
        frames[name] = dd.from_delayed(parts, meta=meta, verify_meta=False)
    return frames


def _regroup(names: list[str], pieces: dict[str, list[Any]], flat: tuple[Any, ...]
             ) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    position = 0
    for name in names:
        count = len(pieces[name])
        out[name] = list(flat[position:position + count])
        position += count
    return out


def _empty_head(frame: pandas.DataFrame) -> pandas.DataFrame:
    return frame.iloc[:0]
