"""_index.terms: document frequencies, strongest story terms and story candidates, against
direct counts and plain-Python models."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import add_in_batches, load_seeds, synced_memory
from newsdedup import Article, DedupConfig, DedupIndex, open_index
from newsdedup._corpora.synthetic import generate_corpus
from newsdedup._index import terms as terms_module
from newsdedup._index.terms import STORY_TERMS, StoryTerms, TermCounts, story_terms
from newsdedup._text.features import Features, extract_features
from newsdedup._text.terms import CorpusFrequencies

CONFIG = DedupConfig()
#: Dated over 30 days: a 10-day retention window expires some as later ones arrive.
CORPUS = sorted(generate_corpus(80, seed=8, article_bytes=600).articles,
                key=lambda article: (article.published, article.id))


def _direct_counts(articles: list[Article]) -> Counter[int]:
    """How many of ``articles`` hold each content term, counted from fresh features."""
    features = extract_features(articles, CONFIG)
    counts: Counter[int] = Counter()
    for number in range(features.n_articles):
        start, stop = features.article_terms[number:number + 2]
        counts.update(set(features.terms[start:stop].tolist()))
    return counts


def _assert_frequencies(index: DedupIndex, ever: list[Article]) -> None:
    """The index's frequencies of every term ever seen equal a count over what is retained."""
    memory = synced_memory(index)
    retained = [index.article(a.id) for a in ever if a.id in index and not index.get(a.id).expired]
    assert memory.n_alive == len(retained) == len(index)
    expected = _direct_counts(retained)
    probe = np.array(sorted(_direct_counts(ever) | expected), dtype=np.uint64)
    lookup = memory.term_counts.frequencies(TermCounts.delta([], []), memory.n_alive).lookup
    assert lookup(probe).tolist() == [expected[int(term)] for term in probe.tolist()]


def test_document_frequencies_equal_a_direct_count(tmp_path: Path) -> None:
    """After adds, replacements and expiry (and after reopening, and in a connection that
    caught up with another's writes), each term's count is the number of retained articles
    holding it."""
    path = tmp_path / "news.db"
    index = open_index(path, retention_days=10)
    reader = open_index(path)
    add_in_batches(index, CORPUS[:50], [9])
    _assert_frequencies(reader, CORPUS[:50])  # loaded from the file
    seeds = load_seeds()
    replaced = [Article(CORPUS[45].id, seeds[0].text, published=CORPUS[45].published),
                Article(CORPUS[48].id, seeds[1].text, published=CORPUS[48].published)]
    index.add(replaced)
    add_in_batches(index, CORPUS[50:], [11])
    ever = [*CORPUS, *replaced]
    assert sum(index.get(a.id).expired for a in CORPUS) > 10  # expiry did happen
    _assert_frequencies(index, ever)
    _assert_frequencies(reader, ever)  # caught up
    index.close()
    _assert_frequencies(open_index(path), ever)  # rebuilt on open


def _model_story_terms(features: Features, frequencies: CorpusFrequencies,
                       per_article: int) -> list[list[int]]:
    """The story step's weighting, term by term in plain Python."""
    out = []
    for number in range(features.n_articles):
        start, stop = features.article_terms[number:number + 2]
        weighted = []
        for k in range(start, stop):
            term = int(features.terms[k])
            count = float(features.term_counts[k])
            df = int(frequencies.lookup(np.array([term], dtype=np.uint64))[0])
            idf = math.log((1.0 + frequencies.n_articles) / (1.0 + df)) + 1.0
            saturated = count * 2.2 / (count + 1.2)
            salient = min(float(features.term_salient[k]) / max(count, 1.0), 1.0)
            weighted.append((-(saturated * (1.0 + 2.0 * salient) * idf), term))
        out.append([term for _, term in sorted(weighted)[:per_article]])
    return out


@pytest.mark.parametrize("per_article", [STORY_TERMS, 3])
def test_story_terms_are_the_strongest_by_the_story_weighting(per_article: int) -> None:
    """Each article's strongest terms (names and figures boosted, weighed by the index's
    IDF), strongest first, ties by the smaller hash."""
    features = extract_features([*load_seeds(), *CORPUS[:20]], CONFIG)
    counts = TermCounts()
    delta = counts.delta([features.terms[features.article_terms[n]:features.article_terms[n + 1]]
                          for n in range(features.n_articles)], [])
    counts.apply(delta, features.n_articles)
    frequencies = counts.frequencies(TermCounts.delta([], []), features.n_articles)
    got = story_terms(features, frequencies, per_article)
    assert [part.tolist() for part in got] == _model_story_terms(features, frequencies,
                                                                 per_article)
    assert all(part.dtype == np.uint64 and part.size == min(per_article, n) for part, n in
               zip(got, np.diff(features.article_terms).tolist(), strict=True))


def test_a_rare_name_outranks_a_common_word() -> None:
    """A capitalised name held by few articles is among the strongest; a word every stored
    article holds is not."""
    common = [Article(f"c{n}", f"The weather report for day {n} said rain and wind again.")
              for n in range(30)]
    target = Article("t", "Rain and wind again, said the report about Zelinskaya and Quorvath.")
    features = extract_features([*common, target], CONFIG)
    counts = TermCounts()
    counts.apply(counts.delta([features.terms[features.article_terms[n]:
                                              features.article_terms[n + 1]]
                               for n in range(features.n_articles)], []), 31)
    strongest = story_terms(features, counts.frequencies(TermCounts.delta([], []), 31), 2)[-1]
    names = extract_features([Article("n", "Zelinskaya Quorvath")], CONFIG).terms
    assert sorted(strongest.tolist()) == sorted(names.astype(np.uint64).tolist())


_POSTINGS = st.lists(st.lists(st.integers(0, 14), unique=True, max_size=8), min_size=1,
                     max_size=20)


@settings(max_examples=100, deadline=None)
@given(_POSTINGS, st.lists(st.lists(st.integers(0, 16), unique=True, max_size=6), min_size=1,
                           max_size=4), st.data())
def test_story_candidates_follow_their_model(stored: list[list[int]], queries: list[list[int]],
                                             data: st.DataObject) -> None:
    """Property: candidates are the alive (and, with a window, near: undated never too far)
    slots sharing at least min(3, query size) terms, at most MAX_CANDIDATES per query (most
    shared, then newest), skipping terms posted more than MAX_POSTINGS times; listed by
    (query, slot)."""
    alive = np.array(data.draw(st.lists(st.booleans(), min_size=len(stored),
                                        max_size=len(stored))))
    moments = st.one_of(st.just(math.nan), st.integers(0, 3).map(float))
    published = np.array(data.draw(st.lists(moments, min_size=len(stored),
                                            max_size=len(stored))))
    times = np.array(data.draw(st.lists(moments, min_size=len(queries),
                                        max_size=len(queries))))
    window = data.draw(st.one_of(st.none(), st.integers(0, 2).map(float)))
    index = StoryTerms()
    # Inserted in two parts, so that both sorted runs hold postings.
    half = len(stored) // 2
    for slots in (range(half), range(half, len(stored))):
        index.insert(np.array(list(slots), dtype=np.int64),
                     [np.array(stored[slot], dtype=np.uint64) for slot in slots])
    postings = Counter(term for terms in stored for term in terms)
    asked = [np.array(q, dtype=np.uint64) for q in queries]
    with mock.patch.multiple(terms_module, MAX_CANDIDATES=3, MAX_POSTINGS=6):
        got = index.candidates(asked, alive, times, published, window)
        # Counts kept between calls (the scratch of an index) leave nothing behind.
        index.candidates(asked[::-1], alive, times[::-1], published, window)
        again = index.candidates(asked, alive, times, published, window)
    assert again.tolist() == got.tolist()
    expected = []
    for number, query in enumerate(queries):
        usable = {term for term in query if postings[term] <= 6}
        ranked = []
        for slot, terms in enumerate(stored):
            shared = len(usable & set(terms))
            far = window is not None and abs(times[number] - published[slot]) > window
            if alive[slot] and not far and shared and shared >= min(3, len(query)):
                ranked.append((-shared, -slot))
        expected += sorted((number, -slot) for _, slot in sorted(ranked)[:3])
    assert got.tolist() == [list(pair) for pair in expected]
    assert got.dtype == np.int64 and got.shape == (len(expected), 2)


def test_story_candidates_of_real_articles_are_story_mates() -> None:
    """In a synthetic corpus (no copies), the stored articles proposed for a new one by their
    strong terms are its story-mates, and nearly all its story-mates are proposed."""
    corpus = generate_corpus(60, seed=5, article_bytes=3000, copies_rate=0.0)
    features = extract_features(corpus.articles, CONFIG)
    counts = TermCounts()
    counts.apply(counts.delta([features.terms[features.article_terms[n]:
                                              features.article_terms[n + 1]]
                               for n in range(features.n_articles)], []), 60)
    strong = story_terms(features, counts.frequencies(TermCounts.delta([], []), 60))
    story = [corpus.labels[a.id].story for a in corpus.articles]
    index = StoryTerms()  # even articles stored (slot = position // 2), odd ones ask
    index.insert(np.arange(30), strong[0::2])
    pairs = index.candidates(strong[1::2], np.ones(30, dtype=bool))
    found = {(2 * query + 1, 2 * slot) for query, slot in pairs.tolist()}
    mates = {(q, s) for q in range(1, 60, 2) for s in range(0, 60, 2) if story[q] == story[s]}
    assert found <= mates
    assert len(found) >= 0.9 * len(mates) and len(mates) > 30


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3000), unique=True, max_size=40), max_size=8),
       st.lists(st.lists(st.integers(0, 3000), unique=True, max_size=40), max_size=8))
def test_delta_is_the_signed_count_and_frequencies_do_not_apply_it(
        added: list[list[int]], removed: list[list[int]]) -> None:
    """Property: delta() is the per-term difference (zeros dropped, sorted terms); asking for
    frequencies with a delta leaves the table as it was; apply() then makes it real."""
    counts = TermCounts()
    base = [np.array(t, dtype=np.uint64) for t in removed]  # stored first, so they can leave
    counts.apply(counts.delta(base, []), len(base))
    delta = counts.delta([np.array(t, dtype=np.uint64) for t in added], base)
    model = Counter(t for terms in added for t in terms)
    model.subtract(t for terms in removed for t in terms)
    nonzero = sorted((t, c) for t, c in model.items() if c)
    assert delta[0].tolist() == [t for t, _ in nonzero]
    assert delta[1].tolist() == [c for _, c in nonzero]
    probe = np.arange(3001, dtype=np.uint64)
    stored = Counter(t for terms in removed for t in terms)
    before = [stored[t] for t in range(3001)]
    after = [stored[t] + model[t] for t in range(3001)]
    assert counts.frequencies(delta, 9).lookup(probe).tolist() == after
    empty = TermCounts.delta([], [])
    assert counts.frequencies(empty, 9).lookup(probe).tolist() == before
    counts.apply(delta, len(added))
    assert counts.frequencies(empty, 9).lookup(probe).tolist() == after
    with pytest.raises(ValueError, match="negative article count -1"):
        counts.apply(empty, -1)
