"""Group term vectors (src/newsdedup/_stories/vectors.py)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix, diags

from newsdedup import DedupConfig
from newsdedup._near_duplicates.groups import GroupAssignment, build_groups
from newsdedup._stories import weights as weights_module
from newsdedup._stories.vectors import StoryContext, group_vectors, story_vectors
from newsdedup._text.article import coerce_articles
from newsdedup._text.features import Features, extract_features_parallel, select_features
from newsdedup._text.terms import CorpusFrequencies


@pytest.fixture(scope="module")
def ecbplus_features(ecbplus: list[dict[str, str]]) -> Features:
    """Features of the first 120 ECB+ documents."""
    return extract_features_parallel(
        coerce_articles([{"id": r["id"], "text": r["text"]} for r in ecbplus[:120]]),
        DedupConfig())


def _pairs(n: int) -> GroupAssignment:
    """Articles 0-1, 2-3, ... in groups of two: the mean of several members is covered."""
    return build_groups(n, list(range(0, n - 1, 2)), list(range(1, n, 2)),
                        [(k,) for k in range(n)])


def _reference_vectors(features: Features, groups: GroupAssignment,
                       names_only: bool = False) -> csr_matrix:
    """The group vectors computed the plain way: np.unique, COO matrices, diagonal scalings
    (``names_only``: from the salient terms alone, as the name vectors are)."""
    _, term_ids = np.unique(features.terms, return_inverse=True)
    counts = features.term_counts.astype(np.float64)
    n_terms = int(term_ids.max()) + 1
    share = (np.bincount(term_ids, weights=features.term_salient, minlength=n_terms)
             / np.maximum(np.bincount(term_ids, weights=counts, minlength=n_terms), 1.0))
    weights = (counts * 2.2 / (counts + 1.2)) * (1.0 + 2.0 * np.minimum(share, 1.0))[term_ids]
    if names_only:
        weights *= (share >= 0.5)[term_ids]
    owner = np.repeat(np.arange(features.n_articles), np.diff(features.article_terms))
    articles = csr_matrix((weights, (owner, term_ids)), shape=(features.n_articles, n_terms))
    articles.eliminate_zeros()
    norms = np.sqrt(np.asarray(articles.multiply(articles).sum(axis=1)).ravel())
    articles = diags(1.0 / np.maximum(norms, 1e-12)) @ articles
    n_groups = len(groups.canonical)
    sums = csr_matrix((np.ones(features.n_articles),
                       (groups.group_of, np.arange(features.n_articles))),
                      shape=(n_groups, features.n_articles)) @ articles
    df = np.bincount(csr_matrix(sums).indices, minlength=n_terms)
    # Names, places and figures of a single group count in its norm; then only shared terms stay.
    counted = (df > 1) | (share >= 0.5)
    idf = np.where(counted, np.log((1.0 + n_groups) / (1.0 + df)) + 1.0, 0.0)
    weighted = csr_matrix(sums @ diags(idf))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    return csr_matrix(diags(1.0 / np.maximum(norms, 1e-12)) @ weighted @ diags((df > 1) * 1.0))


def test_group_vectors_equal_the_plain_computation(ecbplus_features: Features) -> None:
    """Group vectors give the cosines of the plain computation (unique, COO, diagonals)."""
    features = ecbplus_features
    groups = _pairs(features.n_articles)
    vectors = group_vectors(features, groups)
    reference = _reference_vectors(features, groups)
    np.testing.assert_allclose((vectors @ vectors.T).toarray(),
                               (reference @ reference.T).toarray(), atol=1e-12)


def test_vectors_summed_on_threads_are_bit_identical(ecbplus_features: Features) -> None:
    """Ranges of groups summed on threads give exactly the one-thread term and name
    vectors (the same entries, bit for bit) and the same own shares."""
    groups = _pairs(ecbplus_features.n_articles)
    one_share = np.ones(len(groups.canonical))
    one = story_vectors(ecbplus_features, groups, own_share=one_share)
    for workers in (2, 3, 7):
        share = np.ones(len(groups.canonical))
        found = story_vectors(ecbplus_features, groups, own_share=share, workers=workers)
        for mine, theirs in ((found.terms, one.terms), (found.names, one.names)):
            assert mine.indptr.tolist() == theirs.indptr.tolist()
            assert mine.indices.tolist() == theirs.indices.tolist()
            assert mine.data.tobytes() == theirs.data.tobytes()
        assert share.tobytes() == one_share.tobytes()


def test_name_vectors_equal_the_plain_computation(ecbplus_features: Features) -> None:
    """Name vectors give the cosines of the plain computation over the salient terms alone,
    and the term vectors beside them are group_vectors' own."""
    features = ecbplus_features
    groups = _pairs(features.n_articles)
    vectors = story_vectors(features, groups)
    reference = _reference_vectors(features, groups, names_only=True)
    np.testing.assert_allclose((vectors.names @ vectors.names.T).toarray(),
                               (reference @ reference.T).toarray(), atol=1e-12)
    terms = group_vectors(features, groups)
    assert (vectors.terms != terms).nnz == 0


def test_reports_of_one_event_name_more_in_common(ecbplus: list[dict[str, str]],
                                                  ecbplus_features: Features) -> None:
    """On ECB+ (one topic: two events of one kind), documents of one event have a higher
    mean name cosine than documents of the topic's other event."""
    features = ecbplus_features
    rows = ecbplus[:features.n_articles]
    names = story_vectors(features, build_groups(features.n_articles, [], [],
                                                 [(k,) for k in range(features.n_articles)])
                          ).names
    cosines = (names @ names.T).toarray()
    same, other = [], []
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            if rows[i]["topic"] == rows[j]["topic"]:
                (same if rows[i]["event"] == rows[j]["event"] else other).append(cosines[i, j])
    assert len(same) > 50 and len(other) > 50
    assert np.mean(same) > 2.0 * np.mean(other)


def test_terms_of_a_single_group_are_dropped(ecbplus_features: Features) -> None:
    """Columns are the terms shared by two groups or more; none is left empty."""
    vectors = group_vectors(ecbplus_features, _pairs(ecbplus_features.n_articles))
    assert (np.bincount(vectors.indices, minlength=vectors.shape[1]) >= 2).all()


def test_rows_are_at_most_unit_length(ecbplus_features: Features) -> None:
    """Rows are normalized before the unshared names are dropped: norms are at most 1, and
    below 1 exactly for groups holding a name, place or figure no other group holds."""
    vectors = group_vectors(ecbplus_features, _pairs(ecbplus_features.n_articles))
    norms = np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel())
    assert (norms <= 1.0 + 1e-12).all()
    assert (norms < 1.0 - 1e-9).any() and np.isclose(norms, 1.0).any()


def test_a_name_of_one_group_lowers_its_cosines() -> None:
    """Two reports sharing their wording but each naming a different town (two look-alike
    events) are less similar than the same two without the names."""
    def cosine(texts: list[str]) -> float:
        features = extract_features_parallel(
            coerce_articles([{"id": str(n), "text": t} for n, t in enumerate(texts)]),
            DedupConfig())
        vectors = group_vectors(features, build_groups(2, [], [], [0, 1]))
        return float((vectors[0] @ vectors[1].T).toarray()[0, 0])

    plain = ["a strong quake hit the town on monday, officials said",
             "a strong quake hit the town on monday, police said"]
    named = ["a strong quake hit the town of Ardabil on monday, officials said",
             "a strong quake hit the town of Bushehr on monday, police said"]
    assert cosine(named) < cosine(plain)


def _context(features: Features, n_groups: int) -> StoryContext:
    """The article counts of ``features``, as the index hands them over."""
    terms, articles = np.unique(features.terms.astype(np.uint64), return_counts=True)

    def frequency(wanted: np.ndarray) -> np.ndarray:
        where = np.minimum(np.searchsorted(terms, wanted), terms.size - 1)
        return np.where(terms[where] == wanted, articles[where], 0).astype(np.int64)

    return StoryContext(CorpusFrequencies(features.n_articles, frequency), n_groups)


def _singletons(n: int) -> GroupAssignment:
    return build_groups(n, [], [], [(k,) for k in range(n)])


def test_a_context_of_the_run_itself_changes_nothing(ecbplus_features: Features) -> None:
    """A context holding nothing outside the run gives the run's own vectors."""
    groups = _pairs(ecbplus_features.n_articles)
    alone = group_vectors(ecbplus_features, groups)
    framed = group_vectors(ecbplus_features, groups, _context(ecbplus_features, 0))
    assert (alone.indptr == framed.indptr).all() and (alone.indices == framed.indices).all()
    np.testing.assert_allclose(alone.data, framed.data, rtol=1e-12)


def test_a_run_over_part_of_a_corpus_weighs_its_groups_as_the_whole(
        monkeypatch: pytest.MonkeyPatch, ecbplus_features: Features) -> None:
    """With the corpus around it as context, a run over 60 of 120 articles gives them the
    cosines a run over all 120 gives: the terms shared with articles outside are kept and
    the IDF is the whole corpus's (single-article groups make the estimate of groups
    outside exact; the salient-word boost, which stays the run's own, is switched off).
    Without the context the cosines differ."""
    monkeypatch.setattr(weights_module, "NAME_BOOST", 0.0)
    n = ecbplus_features.n_articles
    part = select_features(ecbplus_features, np.arange(60))
    whole = group_vectors(ecbplus_features, _singletons(n))[:60]
    framed = group_vectors(part, _singletons(60), _context(ecbplus_features, n - 60))
    expected = (whole @ whole.T).toarray()
    np.testing.assert_allclose((framed @ framed.T).toarray(), expected, atol=1e-12)
    alone = group_vectors(part, _singletons(60))
    assert np.abs((alone @ alone.T).toarray() - expected).max() > 0.01


def test_a_digests_terms_count_in_no_document_frequency(
        monkeypatch: pytest.MonkeyPatch, ecbplus: list[dict[str, str]]) -> None:
    """A digest page's text is its parts': marked ``uncounted``, its group adds nothing to
    the terms' document frequencies or the number of groups, so the other groups' cosines
    are those of the run without it (the salient-word boost, which counts every article,
    is switched off). Counted, the digest lowers the IDF of its parts' terms: on 30
    briefings of ECB+ articles the story ARI of the articles fell from 0.776 to 0.610."""
    monkeypatch.setattr(weights_module, "NAME_BOOST", 0.0)
    rows = ecbplus[:40]
    digest_text = "\n\n".join(row["text"] for row in rows[:6])
    articles = [{"id": row["id"], "text": row["text"]} for row in rows]
    features = extract_features_parallel(coerce_articles(articles), DedupConfig())
    with_digest = extract_features_parallel(
        coerce_articles([*articles, {"id": "digest", "text": digest_text}]), DedupConfig())
    expected = story_vectors(features, _singletons(40)).terms
    uncounted = np.zeros(41, dtype=bool)
    uncounted[40] = True
    found = story_vectors(with_digest, _singletons(41), uncounted=uncounted).terms[:40]
    np.testing.assert_allclose((found @ found.T).toarray(), (expected @ expected.T).toarray(),
                               atol=1e-12)
    counted = story_vectors(with_digest, _singletons(41)).terms[:40]
    assert np.abs((counted @ counted.T).toarray() - (expected @ expected.T).toarray()).max() \
        > 0.01
