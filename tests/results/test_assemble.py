"""Result assembly (``_results.assemble``): the public objects built from the steps' arrays.

Run through ``dedup()`` on the seeds with syndicated copies (aggregator headers and
footers, truncations, a digest), so every kind of finding is present.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from conftest import load_seeds
from newsdedup import Article, DedupResult, Match, dedup
from newsdedup._corpora.synthetic import generate_corpus


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    seeds = load_seeds(dated=True)
    copies = generate_corpus(60, seed=5, article_bytes=800, copies_rate=0.5,
                             digest_rate=0.05, n_aggregators=3).articles
    # Extra fields travel with the article into the result's metadata.
    tagged = [Article(a.id, a.text, title=a.title, url=a.url, source=a.source,
                      published=a.published, extra={"lang": "en", "rank": n})
              for n, a in enumerate(seeds)]
    return [*tagged, *copies]


@pytest.fixture(scope="module")
def result(corpus: list[Article]) -> DedupResult:
    return dedup(corpus)


def test_metadata_is_the_input_without_id_and_text(corpus: list[Article],
                                                   result: DedupResult) -> None:
    for article, found in zip(corpus, result.articles, strict=True):
        expected = article.to_dict()
        del expected["id"], expected["text"]
        assert found.id == article.id
        assert list(found.metadata.items()) == list(expected.items())  # in its order
    assert result.articles[0].metadata["lang"] == "en"
    assert isinstance(result.articles[0].metadata["published"], str)


def test_every_article_sits_in_its_group_and_story(result: DedupResult) -> None:
    groups = {group.id: group for group in result.groups}
    stories = {story.id: story for story in result.stories}
    for article in result.articles:
        group = groups[article.group_id]
        assert article.id in [member.id for member in group.members]
        assert group.canonical_id == article.canonical_id
        assert article.is_canonical == (article.id == group.canonical_id)
        assert group.story_id == article.story_id
        story = stories[article.story_id]
        assert article.id in story.member_ids
        assert group.id in story.group_ids
        assert story.canonical_id == article.story_canonical_id
    assert sum(len(g.members) for g in result.groups) == len(result.articles)
    assert Counter(m for s in result.stories for m in s.member_ids) == Counter(
        a.id for a in result.articles)


def test_members_carry_the_relation_of_their_match_with_the_canonical(
        result: DedupResult) -> None:
    matches = {(m.a, m.b): m for m in result.matches}
    inverse = {"contains": "contained-in", "contained-in": "contains"}
    seen_copies = 0
    for group in result.groups:
        for member in group.members:
            if member.id == group.canonical_id:
                assert (member.relation, member.jaccard, member.containment) == (
                    "canonical", 1.0, 1.0)
                continue
            seen_copies += 1
            a, b = sorted((member.id, group.canonical_id))
            match = matches[(a, b)]
            assert match.is_duplicate
            relation = match.relation if member.id == a else inverse.get(match.relation,
                                                                          match.relation)
            assert member.relation == relation
            assert member.jaccard == match.jaccard
            assert member.containment == match.containment
    assert seen_copies > 10


def test_matches_read_from_the_smaller_id_whatever_the_input_order(
        corpus: list[Article], result: DedupResult) -> None:
    assert all(m.a < m.b for m in result.matches)
    assert list(result.matches) == sorted(result.matches, key=lambda m: (m.a, m.b))
    backwards = dedup(corpus[::-1])
    assert backwards.matches == result.matches
    assert backwards.groups == result.groups


def test_provenance_names_the_carriers_of_each_canonical_paragraph(
        result: DedupResult) -> None:
    articles = {a.id: a for a in result.articles}
    carried = 0
    for group in result.groups:
        canonical = articles[group.canonical_id]
        assert [p.index for p in group.provenance] == list(range(canonical.n_paragraphs))
        flagged = {b.index for b in canonical.boilerplate_paragraphs}
        assert {p.index for p in group.provenance if p.is_boilerplate} == flagged
        members = {m.id for m in group.members} - {group.canonical_id}
        for paragraph in group.provenance:
            assert {c.article_id for c in paragraph.carriers} <= members
            assert list(paragraph.carriers) == sorted(
                paragraph.carriers, key=lambda c: (c.article_id, c.paragraph_index))
            carried += len(paragraph.carriers)
        if not members:
            assert all(not p.carriers for p in group.provenance)
    assert carried > 20


def test_provenance_is_the_members_matches_with_the_canonical_read_by_paragraph(
        result: DedupResult) -> None:
    """Each carrier of a canonical paragraph is a paragraph pair of the member's match with
    the canonical (a group is a star: every member is matched with it), and every such pair
    is a carrier: provenance and matches are one reading of the same shared paragraphs."""
    matched = {(m.a, m.b): m for m in result.matches if m.relation != "rewrite"}
    checked = 0
    for group in result.groups:
        expected: dict[int, list[tuple[str, int, float]]] = {}
        for member in group.members[1:]:
            pair = (min(member.id, group.canonical_id), max(member.id, group.canonical_id))
            for shared in matched[pair].shared_paragraphs:
                mine, theirs = ((shared.a_index, shared.b_index) if pair[0] == group.canonical_id
                                else (shared.b_index, shared.a_index))
                expected.setdefault(mine, []).append((member.id, theirs, shared.similarity))
        for paragraph in group.provenance:
            carriers = [(c.article_id, c.paragraph_index, c.similarity)
                        for c in paragraph.carriers]
            assert carriers == sorted(expected.pop(paragraph.index, []))
            checked += len(carriers)
        assert expected == {}
    assert checked > 20


def test_equal_findings_share_one_immutable_object(result: DedupResult) -> None:
    """Single-member groups with the same boilerplate pattern share their provenance tuple,
    and equal shared-paragraph pairs are one object (memory at a million articles)."""
    by_pattern: dict[tuple[bool, ...], object] = {}
    shared_groups = 0
    for group in result.groups:
        if len(group.members) != 1:
            continue
        pattern = tuple(p.is_boilerplate for p in group.provenance)
        if pattern in by_pattern:
            assert group.provenance is by_pattern[pattern]
            shared_groups += 1
        by_pattern[pattern] = group.provenance
    assert shared_groups > 0
    pairs: dict[tuple[int, int, float], object] = {}
    for match in result.matches:
        for pair in match.shared_paragraphs:
            key = (pair.a_index, pair.b_index, pair.similarity)
            assert pairs.setdefault(key, pair) is pair


def test_an_undated_article_keeps_no_published_field() -> None:
    found = dedup([Article("a", "Some text here about a thing.", source="x.example")])
    assert found.articles[0].metadata == {"source": "x.example"}
    dated = dedup([Article("a", "Some text.", published=dt.datetime(2024, 5, 1,
                                                                   tzinfo=dt.UTC))])
    assert dated.articles[0].metadata == {"published": "2024-05-01T00:00:00+00:00"}


def test_partial_reuse_is_reported_for_each_groups_closest_partners(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A crawl of formulaic police reports shares stock sentences between hundreds of
    reports: each group reports its partial reuse with its ``REUSE_PARTNERS`` closest
    groups (a pair is kept when either ranks the other so close), not with all of them,
    and nothing else of the result changes."""
    from newsdedup._corpora.messy_incidents import incident_crawl
    from newsdedup._results import assemble

    articles = incident_crawl(150, 0).articles
    bound = assemble.REUSE_PARTNERS
    bounded = dedup(articles)
    monkeypatch.setattr(assemble, "REUSE_PARTNERS", 10**9)
    full = dedup(articles)
    assert bounded.articles == full.articles and bounded.groups == full.groups
    assert bounded.stories == full.stories
    group = {a.id: a.group_id for a in full.articles}

    def reuse(match: Match) -> bool:
        # Text shared in part across groups; a rewrite that also copies text counts (it
        # takes the place of the pair's partial reuse, bound or not).
        return (match.relation == "partial-reuse" or (match.relation == "rewrite"
                                                      and match.containment > 0)
                ) and group[match.a] != group[match.b]

    def across(result: DedupResult) -> set[tuple[str, str]]:
        return {(m.a, m.b) for m in result.matches if reuse(m)}

    # Every other match is kept (rewrites whole), and the bound bites on this crawl.
    kept, reported = across(bounded), across(full)

    def others(result: DedupResult) -> list[Match]:
        return [m for m in result.matches if not reuse(m) or m.relation == "rewrite"]

    assert others(full) == others(bounded)
    assert kept < reported and len(kept) <= bound * len(full.groups)
    assert len(reported) > 3 * len(kept)
    # Each group's closest partners (by Jaccard, then containment) are among those kept.
    by_group: dict[str, list[tuple[float, float, str, tuple[str, str]]]] = {}
    for m in full.matches:
        if (m.a, m.b) in reported:
            for own, other in ((m.a, m.b), (m.b, m.a)):
                by_group.setdefault(group[own], []).append(
                    (-m.jaccard, -m.containment, group[other], (m.a, m.b)))
    for partners in by_group.values():
        # Ties at the bound are broken by group number, which ids do not show: strict top.
        ranked = sorted(partners)
        cut = ranked[bound - 1][:2] if len(ranked) > bound else (1.0, 1.0)
        assert all(pair in kept for score_j, score_c, _, pair in ranked
                   if (score_j, score_c) < cut)
