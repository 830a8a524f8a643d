"""The tasks of ``newsdedup.dask``: plain functions over partitions, wired into a Dask graph.

Kept apart from ``newsdedup.dask`` so that the functions the workers run import nothing of
Dask (a worker unpickles them by module and name).
"""

from __future__ import annotations

import importlib
import os
import time
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from .._core.config import DedupConfig
from .._core.errors import InputError
from .._near_duplicates.canonical import CanonicalKey
from .._results.reduce import reduce_collected
from .._results.result import attach_texts
from .._text.article import Article
from .._text.features import Collected, collect_features, concat_features

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["join_partitions", "map_partition", "reduce_partitions", "run"]

TABLES = ("articles", "groups", "members", "stories", "matches", "shared_paragraphs",
          "repeated_paragraphs", "boilerplate_paragraphs", "provenance")


def map_partition(records: Any, settings: DedupConfig) -> Collected:
    """The map step over one partition, on one thread (Dask runs the partitions in
    parallel): its articles validated and their features, the articles with their texts,
    which the reduce reads (the default canonical rule its credit lines, a user key,
    rewrites and embeddings; the local pipeline keeps a stream's on disk for them, but a
    worker's file cannot move)."""
    return collect_features(list(records), attrs.evolve(settings, workers=1),
                            keep_text=True)


def reduce_threads(requested: int | None) -> int:
    """The threads the reduce runs on: ``requested``, or the cores this process may use
    (the reduce is the graph's last task: the other workers' cores on its machine are idle
    while it runs)."""
    if requested is not None:
        return requested
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def join_partitions(parts: list[Collected]) -> Collected:
    """The partitions' articles and features joined in order, their ids checked unique.
    A task of its own: once it is done the partitions can be released, and the reduce
    holds the joined copy only."""
    articles: list[Article] = [a for part in parts for a in part.articles]
    _check_unique(articles)
    empty = np.concatenate([part.empty for part in parts]) if parts else np.zeros(0, bool)
    return Collected(articles, concat_features([part.features for part in parts]), empty)


def reduce_partitions(joined: Collected, settings: DedupConfig,
                      canonical_key: CanonicalKey | None, keep_text: bool,
                      threads: int | None = None) -> dict[str, pandas.DataFrame]:
    """Every step after the map step, over the joined partitions (``join_partitions``), on
    ``reduce_threads(threads)`` threads (the tables are the same for any number)."""
    settings = attrs.evolve(settings, workers=reduce_threads(threads))
    texts = [article.text for article in joined.articles] if keep_text else None
    result = reduce_collected([joined], settings, canonical_key)
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
        canonical_key: CanonicalKey | None, keep_text: bool,
        stats: dict[str, Any] | None = None, regions: bool = False,
        reduce_workers: int | None = None) -> dict[str, Any]:
    """Build and run the graph; the tables as Dask DataFrames of persisted partitions.

    ``stats`` receives the wall time of each phase (``map``, ``reduce``, and with ``regions``
    the band-key shuffle's ``regions`` with its region sizes); ``reduce_workers``: the
    reduce's threads (:func:`reduce_threads`)."""
    stats = {} if stats is None else stats
    dd = dask.dataframe
    delayed = dask.delayed
    started = time.perf_counter()
    collected = list(dask.persist(*[delayed(map_partition)(part, settings)
                                    for part in partitions]))
    _wait(collected)
    stats["map"] = time.perf_counter() - started
    if regions:
        started = time.perf_counter()
        stats.update(text_regions(dask, collected, settings))
        stats["regions"] = time.perf_counter() - started
    started = time.perf_counter()
    # The partitions joined on one worker, then released (nothing else holds them) before
    # the reduce runs there: its worker holds one copy of the features, not two.
    (joined,) = dask.persist(delayed(join_partitions)(collected))
    _wait([joined])
    del collected
    reduced = delayed(reduce_partitions)(joined, settings, canonical_key, keep_text,
                                         reduce_workers)
    del joined
    pieces = {table: [delayed(_pick)(reduced, table)] for table in TABLES}
    frames = _frames(dask, dd, pieces)
    stats["reduce"] = time.perf_counter() - started
    return frames


def _wait(persisted: list[Any]) -> None:
    """Block until persisted collections are computed (on a distributed client)."""
    try:
        distributed: Any = importlib.import_module("distributed")
    except ImportError:  # pragma: no cover - the local schedulers compute when persisting
        return
    try:
        distributed.default_client()
    except ValueError:
        return
    distributed.wait(persisted)


def text_regions(dask: Any, collected: list[Any], settings: DedupConfig) -> dict[str, Any]:
    """Connected components of the articles sharing an LSH band key or a paragraph
    fingerprint: the regions a per-region reduce would run over (see docs/dask.md).

    Band keys are built per partition and shuffled by key (a Dask DataFrame shuffle), each
    shuffled partition turns equal keys into star edges, and the edges (two integers per
    pair of articles, not the corpus) are joined into components on the client."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    dd = dask.dataframe
    sizes = dask.compute(*[dask.delayed(partition_size)(part) for part in collected])
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    n_articles = int(offsets[-1])
    keys = [dask.delayed(band_keys)(part, settings, int(offset))
            for part, offset in zip(collected, offsets[:-1].tolist(), strict=True)]
    meta = band_keys(collect_features([], settings), settings, 0)
    frame = dd.from_delayed(keys, meta=meta, verify_meta=False)
    n_keys = int(frame.shape[0].compute())
    shuffled = frame.shuffle(on="key", npartitions=max(1, len(collected)))
    edge_meta = star_edges(meta)
    edges = shuffled.map_partitions(star_edges, meta=edge_meta).compute()
    a, b = edges["a"].to_numpy(), edges["b"].to_numpy()
    graph = coo_matrix((np.ones(a.size, dtype=np.int8), (a, b)),
                       shape=(n_articles, n_articles))
    n_regions, label = connected_components(graph, directed=False)
    region_sizes = np.bincount(label)
    return {"n_articles": n_articles, "band_key_rows": n_keys, "edges": int(a.size),
            "n_regions": int(n_regions),
            "largest_region": int(region_sizes.max(initial=0)),
            "singleton_regions": int((region_sizes == 1).sum())}


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


# ---------------------------------------------------------------------------------------
# Text regions: LSH band keys shuffled so that equal keys meet (see docs/dask.md).


def band_keys(collected: Collected, settings: DedupConfig, first_article: int
              ) -> pandas.DataFrame:
    """One row per (band, key, article) of a partition: each distinct paragraph's LSH band
    keys (two signature values in one uint64) and its exact fingerprint (band -1), with the
    global number of an article carrying it. Equal keys in two partitions are candidates."""
    import pandas

    from .._near_duplicates.lsh import choose_bands
    from .._near_duplicates.minhash import signatures

    features = collected.features
    sets = features.shingles
    rows_with = np.flatnonzero(sets.sizes > 0)
    article = features.paragraph_article[rows_with] + first_article
    prints = features.fingerprints[rows_with]
    _, first, inverse = np.unique(prints, return_index=True, return_inverse=True)
    bands, rows = choose_bands(settings.lsh_threshold, settings.num_perm)
    sig = signatures(sets, settings.num_perm, settings.seed, rows=rows_with[first],
                     columns=bands * rows).astype(np.uint64)
    parts_band, parts_key, parts_article = [np.full(rows_with.size, -1, np.int16)], [
        prints.astype(np.uint64)], [article]
    for band in range(bands):
        key = np.zeros(first.size, dtype=np.uint64)
        for row in range(rows):
            key = (key << np.uint64(64 // rows)) ^ sig[:, band * rows + row]
        parts_band.append(np.full(rows_with.size, band, np.int16))
        parts_key.append(key[inverse])
        parts_article.append(article)
    frame = pandas.DataFrame({"band": np.concatenate(parts_band),
                              "key": np.concatenate(parts_key).view(np.int64),
                              "article": np.concatenate(parts_article)})
    return frame.drop_duplicates(ignore_index=True)


def star_edges(frame: pandas.DataFrame) -> pandas.DataFrame:
    """Within one shuffled partition: for each (band, key) carried by several articles, an
    edge from its smallest article to each other one (enough for connected components)."""
    import pandas

    if frame.empty:
        return pandas.DataFrame({"a": np.zeros(0, np.int64), "b": np.zeros(0, np.int64)})
    frame = frame.sort_values(["band", "key", "article"], kind="stable")
    band, key = frame["band"].to_numpy(), frame["key"].to_numpy()
    article = frame["article"].to_numpy()
    start = np.ones(band.size, dtype=bool)
    start[1:] = (band[1:] != band[:-1]) | (key[1:] != key[:-1])
    head = article[np.maximum.accumulate(np.where(start, np.arange(band.size), 0))]
    keep = head != article
    edges = pandas.DataFrame({"a": head[keep], "b": article[keep]})
    return edges.drop_duplicates(ignore_index=True)


def partition_size(collected: Collected) -> int:
    return collected.features.n_articles
