"""Thread-split kernels: every step split over threads gives the one-thread result."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from conftest import load_ecbplus
from newsdedup import Article, DedupConfig
from newsdedup._core.threads import map_in_threads, split_range, split_rows, split_runs
from newsdedup._near_duplicates.links import article_content_sizes, article_shingle_sets
from newsdedup._near_duplicates.lsh import lsh_candidate_pairs
from newsdedup._near_duplicates.minhash import signatures
from newsdedup._text.features import Features, extract_features


def _features() -> Features:
    articles = [Article(doc["id"], doc["text"]) for doc in load_ecbplus()[:120]]
    return extract_features(articles, DedupConfig())


@given(st.integers(0, 1000), st.integers(1, 9))
def test_split_range_covers_the_range_in_order(size: int, parts: int) -> None:
    """The ranges are consecutive, cover 0..size and there are as many as asked."""
    ranges = split_range(size, parts)
    assert len(ranges) == parts
    assert ranges[0][0] == 0 and ranges[-1][1] == size
    assert all(left[1] == right[0] for left, right in itertools.pairwise(ranges))


@given(st.lists(st.integers(0, 5), max_size=200), st.integers(1, 9))
def test_split_runs_keeps_each_run_on_one_range(keys: list[int], parts: int) -> None:
    """The ranges are consecutive and cover the keys; none starts inside a run of equal
    keys; at most as many as asked, at least one."""
    values = np.array(keys, dtype=np.int64)
    ranges = split_runs(values, parts)
    assert 1 <= len(ranges) <= parts
    assert ranges[0][0] == 0 and ranges[-1][1] == values.size
    assert all(left[1] == right[0] for left, right in itertools.pairwise(ranges))
    assert all(values[start] != values[start - 1] for start, _ in ranges[1:])


@given(st.lists(st.integers(0, 30), max_size=60), st.integers(1, 9))
def test_split_rows_covers_the_rows_with_balanced_entries(lengths: list[int],
                                                          parts: int) -> None:
    """The ranges are consecutive, cover every row, none is empty, at most as many as
    asked (at least one); each holds at most its share of entries plus one row's."""
    indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    ranges = split_rows(indptr, parts)
    assert 1 <= len(ranges) <= max(parts, 1)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(lengths)
    assert all(left[1] == right[0] for left, right in itertools.pairwise(ranges))
    assert all(start < stop for start, stop in ranges) or not lengths
    longest = max(lengths, default=0)
    for start, stop in ranges:
        assert indptr[stop] - indptr[start] <= indptr[-1] / parts + 2 * longest


def test_map_in_threads_keeps_the_order() -> None:
    """Results come back in the order of the parts, whatever the threads."""
    assert map_in_threads(lambda n: n + 1, list(range(50)), workers=4) == list(range(1, 51))


def test_signatures_lsh_and_unions_do_not_depend_on_threads() -> None:
    """Signatures, LSH candidates and article unions are equal on 1, 2 and 3 threads."""
    features = _features()
    sets = features.shingles
    rows = np.flatnonzero(sets.sizes > 0)
    one = signatures(sets, 128, 1, columns=64, rows=rows)
    allowed = sets.sizes > 0
    chosen = np.arange(features.n_articles) % 3 != 0
    for workers in (2, 3):
        assert np.array_equal(signatures(sets, 128, 1, columns=64, rows=rows, workers=workers),
                              one)
        assert np.array_equal(lsh_candidate_pairs(one, 32, 2, workers=workers),
                              lsh_candidate_pairs(one, 32, 2))
        split = article_shingle_sets(features, allowed, chosen, workers)
        whole = article_shingle_sets(features, allowed, chosen)
        assert np.array_equal(split.offsets, whole.offsets)
        assert np.array_equal(split.values, whole.values)
        assert np.array_equal(
            article_content_sizes(features, allowed, None, workers),
            article_content_sizes(features, allowed))
