"""newsdedup.dask: the pipeline on a LocalCluster of 2 worker processes gives the very tables
of local dedup(), on the seeds with reposts, the ECB+ dev documents and a synthetic corpus."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import newsdedup
from conftest import load_ecbplus, load_seeds
from newsdedup import Article, ConfigError, MissingExtraError
from newsdedup._text.paragraphs import split_paragraphs

pandas = pytest.importorskip("pandas")

try:
    import dask.bag as db
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from newsdedup import dask as nd_dask
except ImportError:  # the missing-extra test below runs without dask
    HAVE_DASK = False
else:
    HAVE_DASK = True

needs_dask = pytest.mark.skipif(
    not HAVE_DASK, reason="dask is not installed: pip install 'newsdedup[dask]'")

SYNTHETIC_SIZE = 20_000


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A LocalCluster with 2 worker processes (one thread each), as the issue asks."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as connected:
        yield connected


def _records(articles: list[Article]) -> list[dict[str, Any]]:
    return [article.to_dict() for article in articles]


def _seeds_with_reposts() -> list[dict[str, Any]]:
    """The dated seeds, an aggregator repost of each (with its footer) and a cut copy."""
    seeds = load_seeds(dated=True)
    out = list(seeds)
    for number, seed in enumerate(seeds):
        paragraphs = split_paragraphs(seed.text)
        out.append(Article(f"repost-{number}", seed.text + "\n\nRead original article here.",
                           source="aggregator.example",
                           published=seed.published + dt.timedelta(hours=3)))
        out.append(Article(f"cut-{number}", "\n\n".join(paragraphs[: len(paragraphs) * 2 // 3]),
                           source=f"outlet-{number}",
                           published=seed.published + dt.timedelta(days=1)))
    return _records(out)


def _assert_same_tables(records: list[dict[str, Any]], result: Any) -> None:
    """Every table of the Dask result equals the local one, row for row."""
    local = newsdedup.dedup(iter(records))
    for table in nd_dask.TABLES:
        expected = local.to_pandas(table)
        got = result.to_pandas(table)
        pandas.testing.assert_frame_equal(got, expected, check_exact=True, obj=table)


@needs_dask
def test_seeds_with_reposts_identical(client: Any) -> None:
    records = _seeds_with_reposts()
    result = nd_dask.dedup(db.from_sequence(records, npartitions=3))
    _assert_same_tables(records, result)
    groups = result.to_pandas("groups")
    assert (groups["n_members"] > 1).sum() >= 5  # each seed grouped with its copies
    assert result.to_pandas("boilerplate_paragraphs")["article_id"].str.startswith(
        "repost").any()


@needs_dask
def test_ecbplus_identical(client: Any) -> None:
    """Also with the reduce on one thread and on two (the default: the cores its worker
    may use, two or one here)."""
    records = load_ecbplus()
    for threads in (1, 2, None):
        result = nd_dask.dedup(db.from_sequence(records, npartitions=4),
                               reduce_workers=threads)
        _assert_same_tables(records, result)
    assert result.stories.npartitions >= 1
    with pytest.raises(ConfigError, match="reduce_workers"):
        nd_dask.dedup(db.from_sequence(records, npartitions=4), reduce_workers=0)


def test_the_reduce_runs_on_the_cores_it_may_use() -> None:
    """Asked for, that many threads; by default, the cores of the process."""
    from newsdedup._drivers.dask_steps import reduce_threads

    assert reduce_threads(3) == 3
    assert 1 <= reduce_threads(None) <= (os.cpu_count() or 1)


@needs_dask
@pytest.mark.filterwarnings("ignore:Sending large graph")
def test_synthetic_identical(client: Any) -> None:
    records = [article.to_dict() for article, _ in newsdedup.synthetic.iter_corpus(
        SYNTHETIC_SIZE, seed=7)]
    stats: dict[str, Any] = {}
    result = nd_dask.dedup(db.from_sequence(records, partition_size=SYNTHETIC_SIZE // 4),
                           stats=stats)
    _assert_same_tables(records, result)
    assert {"map", "reduce"} <= set(stats)


@needs_dask
def test_dataframe_jsonl_and_parquet_inputs(client: Any, tmp_path: Path) -> None:
    records = _seeds_with_reposts()
    expected = newsdedup.dedup(iter(records)).to_pandas("articles")
    frame = pandas.DataFrame([{**r, "published": r.get("published")} for r in records])
    from_frame = nd_dask.dedup(dd.from_pandas(frame, npartitions=2))
    pandas.testing.assert_frame_equal(from_frame.to_pandas(), expected)

    jsonl = tmp_path / "articles.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    from_jsonl = nd_dask.dedup(str(jsonl), blocksize=2000)
    pandas.testing.assert_frame_equal(from_jsonl.to_pandas(), expected)

    parquet = tmp_path / "articles.parquet"
    frame.to_parquet(parquet)
    from_parquet = nd_dask.dedup(str(parquet))
    pandas.testing.assert_frame_equal(from_parquet.to_pandas(), expected)


@needs_dask
def test_tables_write_to_parquet(client: Any, tmp_path: Path) -> None:
    records = _seeds_with_reposts()
    result = nd_dask.dedup(db.from_sequence(records, npartitions=2))
    result.to_parquet(tmp_path / "out")
    for table in nd_dask.TABLES:
        written = pandas.read_parquet(tmp_path / "out" / table)
        assert list(written.columns) == list(result.to_pandas(table).columns)
        assert len(written) == len(result.to_pandas(table))


@needs_dask
def test_duplicate_ids_across_partitions_are_refused(client: Any) -> None:
    records = [{"id": "a", "text": "One text."}, {"id": "a", "text": "Another text."}]
    with pytest.raises(newsdedup.InputError, match="duplicate id 'a'"):
        nd_dask.dedup(db.from_sequence(records, npartitions=2))


@needs_dask
def test_unknown_input_and_table_are_refused() -> None:
    with pytest.raises(newsdedup.InputError, match="Dask Bag"):
        nd_dask.dedup([{"id": "a", "text": "x"}])
    with pytest.raises(ValueError, match="unknown table"):
        nd_dask.DaskResult({}).to_pandas("nope")


def test_missing_extra_names_the_pip_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without dask, newsdedup.dask.dedup says which pip line installs it."""
    for name in [m for m in sys.modules if m == "dask" or m.startswith("dask.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.delitem(sys.modules, "newsdedup.dask", raising=False)
    import importlib

    module = importlib.import_module("newsdedup.dask")
    with pytest.raises(MissingExtraError, match=r"pip install 'newsdedup\[dask\]'"):
        module.dedup([{"id": "a", "text": "x"}])


@needs_dask
def test_a_dying_worker_is_retried_and_the_result_is_identical(client: Any,
                                                               tmp_path: Path) -> None:
    """The first attempt of one map task kills its worker process; Dask restarts the worker,
    reruns the task, and the tables are still those of local dedup()."""
    records = _seeds_with_reposts()
    marker = str(tmp_path / "died")

    def die_once(part: list[dict[str, Any]]) -> list[dict[str, Any]]:
        import os

        if any(r["id"] == "repost-0" for r in part) and not os.path.exists(marker):
            open(marker, "w").close()
            os._exit(1)
        return part

    bag = db.from_sequence(records, npartitions=3).map_partitions(die_once)
    result = nd_dask.dedup(bag)
    assert Path(marker).exists()
    _assert_same_tables(records, result)


@needs_dask
def test_a_worker_dying_in_the_reduce_is_retried_and_the_result_is_identical(
        client: Any, tmp_path: Path) -> None:
    """The reduce's first attempt kills its worker process (in the canonical key, which only
    the reduce calls): Dask reruns what died with it (the joined partitions, and the map
    tasks they were joined from, released once joined) and the tables are still those of
    local dedup() with that key."""
    records = _seeds_with_reposts()
    marker = str(tmp_path / "died")

    def key(article: Article) -> str:
        import os

        if not os.path.exists(marker):
            open(marker, "w").close()
            os._exit(1)
        return article.id

    result = nd_dask.dedup(db.from_sequence(records, npartitions=3), canonical_key=key)
    assert Path(marker).exists()
    local = newsdedup.dedup(iter(records), canonical_key=lambda article: article.id)
    for table in nd_dask.TABLES:
        pandas.testing.assert_frame_equal(result.to_pandas(table), local.to_pandas(table),
                                          check_exact=True, obj=table)
