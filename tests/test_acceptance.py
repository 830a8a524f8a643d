"""Acceptance scenarios of the core issue: seeds with syndicated copies, synthetic corpora."""

from __future__ import annotations

import itertools

import pytest

from conftest import load_seeds
from newsdedup import Article, DedupResult, dedup
from newsdedup._corpora.synthetic import aggregator_boilerplate, generate_corpus, repost
from newsdedup._text.paragraphs import split_paragraphs
from newsdedup.evaluate import score_clustering

AGGREGATORS = ("dailyfeed.example", "newsroundup.example", "topstories.example")


def _syndicated(dated: bool) -> tuple[list[Article], dict[str, str]]:
    """Each seed reposted 2-3 times (header/footer, an edited sentence, some truncated)."""
    seeds = load_seeds(dated=dated)
    articles, original_of = list(seeds), {}
    for number, seed in enumerate(seeds):
        for copy_number, source in enumerate(AGGREGATORS[: 2 + number % 2]):
            copy = repost(seed, source=source, seed=10 * number + copy_number,
                          header=copy_number != 1, footer=True, edit=True,
                          truncate=0.7 if (number + copy_number) % 3 == 0 else None)
            articles.append(copy)
            original_of[copy.id] = seed.id
    return articles, original_of


@pytest.fixture(scope="module", params=[True, False], ids=["dated", "undated"])
def syndicated(request: pytest.FixtureRequest) -> tuple[DedupResult, list[Article],
                                                        dict[str, str]]:
    """The syndicated corpus, with dates (copies later) and without any dates."""
    articles, original_of = _syndicated(dated=request.param)
    return dedup(articles), articles, original_of


def test_each_original_groups_with_exactly_its_copies(syndicated) -> None:  # type: ignore[no-untyped-def]
    """Every seed's group is the seed plus its own reposts, with the seed canonical."""
    result, _, original_of = syndicated
    for seed in load_seeds():
        group = result.group(result.article(seed.id).group_id)
        expected = {seed.id} | {c for c, o in original_of.items() if o == seed.id}
        assert set(group.member_ids) == expected
        assert group.canonical_id == seed.id
    assert len(result.stories) == 1


def test_provenance_points_at_the_copies(syndicated) -> None:  # type: ignore[no-untyped-def]
    """Each canonical content paragraph is traced to the copies that kept it."""
    result, articles, original_of = syndicated
    texts = {a.id: split_paragraphs(a.text) for a in articles}
    for seed in load_seeds():
        group = result.group(result.article(seed.id).group_id)
        carried = [entry for entry in group.provenance if entry.carriers]
        assert len(carried) >= 0.6 * len(group.provenance)
        for entry in carried:
            # The best carrier is the copy's version of the paragraph; weaker ones are
            # paragraphs that repeat part of it (002 repeats one of its sentences).
            assert max(carrier.similarity for carrier in entry.carriers) >= 0.5
            for carrier in entry.carriers:
                assert original_of[carrier.article_id] == seed.id
                if carrier.similarity == 1.0:  # verbatim: the same normalized paragraph
                    original = texts[seed.id][entry.index]
                    copy = texts[carrier.article_id][carrier.paragraph_index]
                    assert original.split()[:3] == copy.split()[:3]


def test_aggregator_footer_is_boilerplate(syndicated) -> None:  # type: ignore[no-untyped-def]
    """A footer shared by one aggregator's reposts of different seeds is boilerplate."""
    result, articles, _ = syndicated
    for article in articles:
        if article.source not in AGGREGATORS:
            continue
        paragraphs = split_paragraphs(article.text)
        flagged = {paragraphs[b.index] for b in result.article(article.id).boilerplate_paragraphs}
        footer = aggregator_boilerplate(article.source)
        assert set(footer) <= flagged, article.id


@pytest.mark.parametrize("seed", [0, 1])
def test_synthetic_corpus_groups(seed: int) -> None:
    """On a labeled synthetic corpus, groups match the labels and originals are canonical."""
    corpus = generate_corpus(400, seed=seed)
    result = dedup(corpus.articles)
    groups = score_clustering({a.id: a.group_id for a in result.articles},
                              {i: lab.group for i, lab in corpus.labels.items()})
    assert groups.pairwise_precision >= 0.98 and groups.pairwise_recall >= 0.95
    canonical = {a.id: a.canonical_id for a in result.articles}
    originals = [i for i, lab in corpus.labels.items() if lab.kind == "original"]
    correct = sum(canonical[i] == i for i in originals)
    assert correct >= 0.97 * len(originals)


def test_synthetic_repeats_and_boilerplate_are_found() -> None:
    """Labeled repeated and boilerplate paragraphs of a synthetic corpus are flagged."""
    corpus = generate_corpus(300, seed=3)
    result = dedup(corpus.articles)
    by_id = {a.id: a for a in result.articles}
    expected_repeats = {(i, p) for i, lab in corpus.labels.items()
                        for p in lab.repeated_paragraphs}
    found_repeats = {(i, r.index) for i, a in by_id.items() for r in a.repeated_paragraphs}
    assert expected_repeats and len(expected_repeats & found_repeats) >= 0.95 * len(
        expected_repeats)
    expected_boilerplate = {(i, p) for i, lab in corpus.labels.items()
                            for p in lab.boilerplate_paragraphs}
    found_boilerplate = {(i, b.index) for i, a in by_id.items()
                         for b in a.boilerplate_paragraphs}
    assert len(expected_boilerplate & found_boilerplate) >= 0.9 * len(expected_boilerplate)
    # Hardly any real content is flagged.
    assert len(found_boilerplate - expected_boilerplate) <= 0.02 * sum(
        a.n_paragraphs for a in result.articles)


def test_digests_in_synthetic_corpus_do_not_merge_groups() -> None:
    """A generated digest contains its parts but never joins their groups."""
    corpus = generate_corpus(400, seed=5)
    digests = [i for i, lab in corpus.labels.items() if lab.kind == "digest"]
    assert digests
    result = dedup(corpus.articles)
    by_id = {a.id: a for a in result.articles}
    for digest_id in digests:
        parts = corpus.labels[digest_id].parts
        assert by_id[digest_id].group_id not in {by_id[p].group_id for p in parts}
        for first, second in itertools.combinations(parts, 2):
            assert by_id[first].group_id != by_id[second].group_id


@pytest.mark.parametrize("seed", [0, 1])
def test_synthetic_corpus_stories(seed: int) -> None:
    """On a 3,000-article synthetic corpus, story pair F1 against the labels is >= 0.95."""
    corpus = generate_corpus(3000, seed=seed)
    result = dedup(corpus.articles)
    stories = score_clustering({a.id: a.story_id for a in result.articles},
                               {i: lab.story for i, lab in corpus.labels.items()})
    assert stories.pairwise_f1 >= 0.95
