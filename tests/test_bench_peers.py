"""The peer benchmark's shared task, corpora and reposts generator (correctness, not timing)."""

from __future__ import annotations

import doctest
import importlib.util
import itertools
import json
from pathlib import Path

import pytest
from benchmarks import reposts
from benchmarks.peers import _task
from benchmarks.peers._child import PEERS, peer_module
from benchmarks.peers._corpus import load

from conftest import all_paragraphs
from newsdedup import DedupConfig
from newsdedup._corpora.synthetic import generate_corpus
from newsdedup._text.normalize import token_text
from newsdedup._text.paragraphs import split_paragraphs


def test_doctests() -> None:
    """The shared task's examples hold."""
    assert doctest.testmod(_task).failed == 0


def test_normalized_is_token_text() -> None:
    """The fast normalization equals newsdedup's token_text, odd characters included."""
    texts = all_paragraphs()
    texts += [paragraph for article in reposts.build(400)
              for paragraph in split_paragraphs(article["text"])]
    assert [_task.normalized(text) for text in texts] == [token_text(text) for text in texts]


def _brute_force_groups(paragraphs: _task.Paragraphs) -> list[list[int]]:
    """Components of every duplicate article pair sharing a matched or identical paragraph."""
    config = DedupConfig()
    shingles, carriers = paragraphs.shingles, paragraphs.carriers
    parent = list(range(paragraphs.n_articles))

    def root(article: int) -> int:
        while parent[article] != article:
            article = parent[article]
        return article

    def union(article: int) -> frozenset[str]:
        return frozenset().union(*(shingles[c] for c in paragraphs.article_classes[article]))

    linked = set()
    for number, other in itertools.combinations(range(len(shingles)), 2):
        if number == other or not (shingles[number] & shingles[other]):
            continue
        if _task._paragraphs_match(shingles[number], shingles[other], config):
            linked.update(itertools.product(carriers[number], carriers[other]))
    for articles in carriers:
        linked.update(itertools.product(articles, articles))
    for left, right in linked:
        if left != right and _task.articles_duplicate(union(left), union(right), config):
            parent[root(left)] = root(right)
    members: dict[int, list[int]] = {}
    for article in range(paragraphs.n_articles):
        members.setdefault(root(article), []).append(article)
    return sorted(group for group in members.values() if len(group) > 1)


def _all_candidates(paragraphs: _task.Paragraphs) -> list[tuple[int, list[int]]]:
    return [(number, list(range(len(paragraphs.shingles))))
            for number in range(len(paragraphs.shingles))]


def test_groups_skip_nothing_that_matters() -> None:
    """Skipping pairs already in one group gives the groups of examining every pair."""
    corpus = generate_corpus(150, seed=3)
    paragraphs = _task.prepare(article.text for article in corpus.articles)
    groups, counts = _task.duplicate_groups(paragraphs, _all_candidates(paragraphs))
    assert sorted(groups) == _brute_force_groups(paragraphs)
    assert counts["article_pairs_skipped"] > 0


def test_footer_is_boilerplate() -> None:
    """A paragraph carried by more articles than the limit joins nothing and is dropped."""
    body = "one two three four five six seven eight nine ten eleven twelve"
    footer = "follow us on social media for the latest news of the day every day"
    texts = [f"{body} {n}\n\n{footer}" if n < 2 else f"unrelated words number {n} of many "
             f"kinds here and there\n\n{footer}" for n in range(30)]
    paragraphs = _task.prepare(texts)
    assert paragraphs.boilerplate == 1 and paragraphs.max_carriers == 20
    groups, _ = _task.duplicate_groups(paragraphs, _all_candidates(paragraphs))
    assert groups == [[0, 1]]


@pytest.mark.parametrize("peer", list(PEERS))
def test_peer_finds_the_brute_force_groups(peer: str) -> None:
    """Each installed peer's candidates give the groups of verifying every pair."""
    if any(importlib.util.find_spec(name) is None for name in peer_module(peer).REQUIRES):
        pytest.skip(f"{peer} is not installed")
    corpus = generate_corpus(120, seed=5)
    paragraphs = _task.prepare(article.text for article in corpus.articles)
    found = peer_module(peer).candidates(paragraphs, _task.StageClock())
    groups, _ = _task.duplicate_groups(paragraphs, found)
    assert sorted(groups) == _brute_force_groups(paragraphs)


def test_corpus_labels(tmp_path: Path) -> None:
    """Labels come from 'group' or from 'duplicate_of' chains, and are hidden from systems."""
    rows = [{"id": "a", "text": "x"}, {"id": "b", "text": "x", "duplicate_of": "a"},
            {"id": "c", "text": "x", "duplicate_of": "b"}, {"id": "d", "text": "y"}]
    path = tmp_path / "chain.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    corpus = load({"kind": "jsonl", "path": str(path)})
    assert corpus.truth == {("a", "b"), ("a", "c"), ("b", "c")}
    assert all("duplicate_of" not in record for record in corpus.records)
    path.write_text("".join(json.dumps({"id": row["id"], "text": "x"}) + "\n" for row in rows))
    assert load({"kind": "jsonl", "path": str(path)}).quality({("a", "b")}) is None


def test_reposts_corpus() -> None:
    """Reposts are labeled with their source, roundups alone, and the build is seeded."""
    articles = reposts.build(600, seed=1)
    assert articles == reposts.build(600, seed=1) and len(articles) == 600
    ids = {source["id"] for source in reposts.sources()}
    assert len(ids) == 413  # 413 ECB+ + 5 seeds, less 5 ECB+ near-copies of another
    groups: dict[str, list[str]] = {}
    for article in articles:
        groups.setdefault(article["group"], []).append(article["id"])
        assert article["group"] in ids or article["group"] == article["id"]
    copies = [len(members) for group, members in groups.items() if group in ids]
    assert max(copies) <= 21 and sum(copies) > 500
    assert any(article["group"] == article["id"] and article["id"] not in ids
               for article in articles)
