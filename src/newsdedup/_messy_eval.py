"""Scores of a :func:`~newsdedup.dedup` result against a messy-feed scenario's labels.

Used by ``benchmarks/messy.py`` and ``tests/corpora/test_messy.py``; each function reads only the
public result (article group, story and canonical ids, matches) and the gold labels of a
:class:`~newsdedup._corpora.messy.MessyCorpus`.

>>> from newsdedup import dedup
>>> from newsdedup._corpora.messy_incidents import incident_crawl
>>> crawl = incident_crawl(20, seed=0)
>>> score_field(dedup(crawl.articles), crawl, "story").n_items == len(crawl.articles)
True
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from ._corpora.messy import MessyCorpus
from ._corpora.synthetic import ArticleLabels
from ._results.result import DedupResult
from .evaluate import ClusterScores, score_clustering

__all__ = ["canonical_original_rate", "char_ngram_cosines", "groups_spanning", "joined_rates",
           "merged_pages", "pair_link_rates", "recall_at_precision", "rewrite_recall",
           "same_story", "score_field", "word_bigram_jaccards"]


def score_field(result: DedupResult, corpus: MessyCorpus, field: str = "group",
                keep: Callable[[ArticleLabels], bool] | None = None) -> ClusterScores:
    """Predicted groups (``field="group"``) or stories (``"story"``) against the gold
    labels, over the articles whose labels pass ``keep`` (all by default)."""
    attribute = f"{field}_id"
    predicted = {a.id: getattr(a, attribute) for a in result.articles}
    gold = {i: getattr(labels, field) for i, labels in corpus.labels.items()
            if keep is None or keep(labels)}
    return score_clustering(predicted, gold)


def groups_spanning(result: DedupResult, corpus: MessyCorpus,
                    field: str = "story") -> list[tuple[str, ...]]:
    """Predicted duplicate groups whose members have two or more different gold ``field``
    labels (e.g. template pages of different incidents grouped together)."""
    return [group.member_ids for group in result.groups if len(group.members) > 1
            and len({getattr(corpus.labels[m], field) for m in group.member_ids}) > 1]


def canonical_original_rate(result: DedupResult, corpus: MessyCorpus) -> float:
    """Share of the members of gold groups of two or more whose predicted canonical is the
    gold canonical (the original). 1.0 when there are none."""
    sizes = Counter(labels.group for labels in corpus.labels.values())
    members = [a for a in result.articles if sizes[corpus.labels[a.id].group] > 1]
    if not members:
        return 1.0
    return sum(a.canonical_id == corpus.labels[a.id].canonical for a in members) / len(members)


def merged_pages(result: DedupResult, corpus: MessyCorpus,
                 kinds: Iterable[str] = ("digest", "roundup")) -> list[str]:
    """Ids of pages of these kinds (each its own gold group) that share a predicted group."""
    wanted = set(kinds)
    size = Counter(a.group_id for a in result.articles)
    return [a.id for a in result.articles
            if corpus.labels[a.id].kind in wanted and size[a.group_id] > 1]


def _root(corpus: MessyCorpus, article_id: str) -> str:
    seen = {article_id}
    labels = corpus.labels[article_id]
    while labels.derived_from and labels.derived_from in corpus.labels \
            and labels.derived_from not in seen:
        seen.add(labels.derived_from)
        labels = corpus.labels[labels.derived_from]
    return labels.id


def joined_rates(result: DedupResult, corpus: MessyCorpus,
                 kinds: Iterable[str]) -> tuple[float, float, int]:
    """For the articles of these kinds: the share in the predicted group of the article they
    derive from (followed back to its first article), the share in its predicted story, and
    their number. Shares are 1.0 when there are none."""
    wanted = set(kinds)
    by_id = {a.id: a for a in result.articles}
    ids = [i for i in by_id if corpus.labels[i].kind in wanted and corpus.labels[i].derived_from]
    if not ids:
        return 1.0, 1.0, 0
    roots = [by_id[_root(corpus, i)] for i in ids]
    grouped = sum(by_id[i].group_id == r.group_id for i, r in zip(ids, roots, strict=True))
    storied = sum(by_id[i].story_id == r.story_id for i, r in zip(ids, roots, strict=True))
    return grouped / len(ids), storied / len(ids), len(ids)


def same_story(result: DedupResult, corpus: MessyCorpus, story: str) -> bool:
    """Whether every article of the gold ``story`` is in one predicted story."""
    return len({a.story_id for a in result.articles if corpus.labels[a.id].story == story}) <= 1


def recall_at_precision(scored: Sequence[tuple[float | None, bool]],
                        min_precision: float = 0.9) -> tuple[float, float | None]:
    """Best recall over score thresholds at which precision is at least ``min_precision``,
    and that threshold. ``scored`` holds ``(score, is_positive)``; a score of None was never
    retrieved. ``(0.0, None)`` when no threshold reaches the precision.

    >>> recall_at_precision([(0.9, True), (0.8, False), (0.7, True), (None, True)], 0.6)
    (0.6666666666666666, 0.7)
    """
    positives = sum(label for _, label in scored)
    retrieved = sorted(((s, label) for s, label in scored if s is not None),
                       key=lambda item: -item[0])
    best, threshold, true_positives = 0.0, None, 0
    for rank, (score, label) in enumerate(retrieved, 1):
        true_positives += label
        last_of_tie = rank == len(retrieved) or retrieved[rank][0] != score
        if (last_of_tie and positives and true_positives / rank >= min_precision
                and true_positives / positives > best):
            best, threshold = true_positives / positives, score
    return best, threshold


def pair_link_rates(result: DedupResult, corpus: MessyCorpus) -> tuple[float, float]:
    """Share of derived and of non-derived labelled pairs that the result links at all (one
    duplicate group, or any match)."""
    group = {a.id: a.group_id for a in result.articles}
    matched = {(min(m.a, m.b), max(m.a, m.b)) for m in result.matches}

    def linked(a: str, b: str) -> bool:
        return group[a] == group[b] or (min(a, b), max(a, b)) in matched

    derived = [linked(p.a, p.b) for p in corpus.pairs if p.derived]
    other = [linked(p.a, p.b) for p in corpus.pairs if not p.derived]
    return (sum(derived) / max(1, len(derived)), sum(other) / max(1, len(other)))


def rewrite_recall(result: DedupResult, corpus: MessyCorpus,
                   min_precision: float = 0.9) -> tuple[float, float | None] | None:
    """Recall at ``min_precision`` of the ``rewrite`` relation over the labelled pairs (its
    ``score`` if matches have one, else its Jaccard), or None when the result reports no
    ``rewrite`` relation at all (not implemented yet)."""
    rewrites = [m for m in result.matches if m.relation == "rewrite"]
    if not rewrites:
        return None
    score = {(min(m.a, m.b), max(m.a, m.b)): float(getattr(m, "score", m.jaccard))
             for m in rewrites}
    return recall_at_precision([(score.get((min(p.a, p.b), max(p.a, p.b))), p.derived)
                                for p in corpus.pairs], min_precision)


def _normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip()


def char_ngram_cosines(corpus: MessyCorpus, n: int = 4) -> list[tuple[float | None, bool]]:
    """Reference text-only signal: TF-IDF cosine of character ``n``-grams (IDF over the
    corpus, ``1 + log tf``) of each labelled pair, with its label."""
    texts = {a.id: _normalized(a.text) for a in corpus.articles}
    grams = {i: Counter(t[k:k + n] for k in range(len(t) - n + 1)) for i, t in texts.items()}
    frequency: Counter[str] = Counter()
    for counts in grams.values():
        frequency.update(counts.keys())
    idf = {g: math.log((1 + len(grams)) / (1 + f)) + 1 for g, f in frequency.items()}
    vectors = {}
    for i, counts in grams.items():
        weights = {g: (1 + math.log(c)) * idf[g] for g, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors[i] = {g: w / norm for g, w in weights.items()}

    def cosine(a: str, b: str) -> float:
        small, large = sorted((vectors[a], vectors[b]), key=len)
        return sum(w * large.get(g, 0.0) for g, w in small.items())

    return [(cosine(p.a, p.b), p.derived) for p in corpus.pairs]


def word_bigram_jaccards(corpus: MessyCorpus) -> list[tuple[float | None, bool]]:
    """Reference text-only signal: Jaccard of the word 2-gram sets of each labelled pair."""
    def bigrams(text: str) -> set[tuple[str, str]]:
        words = re.findall(r"\w+", text.casefold())
        return set(itertools.pairwise(words))

    sets = {a.id: bigrams(a.text) for a in corpus.articles}
    return [(len(sets[p.a] & sets[p.b]) / max(1, len(sets[p.a] | sets[p.b])), p.derived)
            for p in corpus.pairs]
