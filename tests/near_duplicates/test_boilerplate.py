"""Boilerplate: site templates and off-topic recurring blocks, never shared content."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.sparse import csr_matrix

from conftest import load_ecbplus, load_seeds
from newsdedup import Article, DedupResult, dedup
from newsdedup._corpora.messy import (
    BaseDocument,
    MessyCorpus,
    base_documents,
    digest_feed,
    related_lists,
)
from newsdedup._near_duplicates import boilerplate as boilerplate_module
from newsdedup._text.paragraphs import split_paragraphs
from newsdedup._text.tokenize import hash_texts

FOOTER = ("NewsHub is a curated digest of stories from around the web. Trademarks belong "
          "to their owners.")
HEADER = "NewsHub Daily | Your world, curated every morning"


def _reposts(articles: list[Article], source: str | None) -> list[Article]:
    return [Article(f"{a.id}-hub", f"{HEADER}\n\n{a.text}\n\n{FOOTER}", source=source)
            for a in articles]


def _flagged_texts(result_article: object, text: str) -> set[str]:
    paragraphs = split_paragraphs(text)
    return {paragraphs[b.index] for b in result_article.boilerplate_paragraphs}  # type: ignore[attr-defined]


def test_site_template_on_one_story_is_boilerplate() -> None:
    """Header and footer of one source's reposts of different seeds are boilerplate."""
    seeds = load_seeds()
    reposts = _reposts(seeds, source="newshub.example")
    result = dedup(seeds + reposts)
    for repost in reposts:
        assert {HEADER, FOOTER} <= _flagged_texts(result.article(repost.id), repost.text)
    for seed in seeds:
        group = result.group(result.article(seed.id).group_id)
        assert group.canonical_id == seed.id
        assert group.member_ids == (seed.id, f"{seed.id}-hub")


def test_site_is_read_from_url_domain() -> None:
    """Without a source field, the URL's domain identifies the site."""
    seeds = load_seeds()
    reposts = [Article(r.id, r.text, url=f"https://www.newshub.example/{n}")
               for n, r in enumerate(_reposts(seeds, source=None))]
    result = dedup(seeds + reposts)
    assert all(FOOTER in _flagged_texts(result.article(r.id), r.text) for r in reposts)


def test_footer_across_unrelated_stories_is_boilerplate() -> None:
    """A footer recurring on reports of different events is boilerplate, with no source."""
    documents = load_ecbplus()
    chosen = [next(d for d in documents if d["event"] == event)
              for event in ("1-a", "3-a", "8-b", "14-a")]
    articles = [Article(d["id"], d["text"] + "\n\n" + FOOTER) for d in chosen]
    result = dedup(articles)
    for article in articles:
        flagged = result.article(article.id).boilerplate_paragraphs
        assert [b.reason for b in flagged] == ["recurring"]
        assert flagged[0].families == 4
    assert not any(match.is_duplicate for match in result.matches)


def test_same_story_footer_without_site_is_not_flagged_but_cannot_win() -> None:
    """Unknown site, one story: not reported as boilerplate, yet the original stays canonical."""
    seeds = load_seeds()
    reposts = _reposts(seeds, source=None)
    result = dedup(reposts + seeds)
    for seed, repost in zip(seeds, reposts, strict=True):
        assert FOOTER not in _flagged_texts(result.article(repost.id), repost.text)
        assert result.article(repost.id).canonical_id == seed.id


def test_shared_quote_in_one_story_is_reuse_not_boilerplate() -> None:
    """Reports of one event sharing one quoted paragraph: partial reuse, no boilerplate."""
    documents = [d for d in load_ecbplus() if d["event"] == "1-a"]
    result = dedup(documents)
    assert not any(b.reason == "recurring"
                   for a in result.articles for b in a.boilerplate_paragraphs)
    assert any(m.relation == "partial-reuse" for m in result.matches)


def test_patterns_can_be_switched_off(seeds: list[Article]) -> None:
    """boilerplate_patterns=False leaves only recurrence-based flags."""
    result = dedup(seeds, boilerplate_patterns=False)
    assert all(not a.boilerplate_paragraphs for a in result.articles)


def test_a_lead_that_a_roundup_and_a_repost_carry_on_one_site_is_content() -> None:
    """An aggregator reposts articles and, on the same site, a roundup carrying one's lead
    beside another's: two families of one site share the lead, as they share the site's
    footer. The lead is the article's own text (its first publication, on another site,
    carries it); the footer was added by the site. Before, the lead was flagged as the
    site's template, and the roundup then looked like a copy of the other article."""
    documents = {row["id"]: row for row in load_ecbplus()}
    chosen = ["9_6ecb", "9_10ecb", "9_3ecb", "9_7ecb", "1_10ecb", "3_1ecb"]
    originals = [Article(name, documents[name]["text"], source=f"outlet-{n}.example",
                         published=f"2024-03-0{n + 1}T08:00:00Z")
                 for n, name in enumerate(chosen)]
    site = "newshub.example"
    reposts = [Article(f"{a.id}-hub", f"{a.text}\n\n{FOOTER}", source=site,
                       published="2024-03-08T08:00:00Z") for a in originals]
    first, second = originals[:2]
    lead = "\n\n".join(split_paragraphs(first.text)[:9])
    other_lead = "\n\n".join(split_paragraphs(second.text)[:2])
    roundup = Article("roundup", f"{lead}\n\n{other_lead}\n\n{FOOTER}", source=site,
                      published="2024-03-08T09:00:00Z")
    result = dedup([*originals, *reposts, roundup])
    flagged = _flagged_texts(result.article("roundup"), roundup.text)
    assert FOOTER in flagged
    assert not flagged & set(split_paragraphs(f"{lead}\n\n{other_lead}"))
    assert result.article("roundup").is_digest
    assert result.group(result.article("roundup").group_id).member_ids == ("roundup",)


def test_a_lead_is_not_boilerplate_because_a_headline_inside_it_recurs() -> None:
    """Digests of the messy-feed stand-in (seed 2): a digest carries the headline of one
    ECB+ write-up of the Indian navy's capture of pirates ("The Indian navy captured 23
    pirates in the Gulf of"), which is contained in the lead of another write-up, a short
    article reposted by aggregators. The lead recurs only with its own copies; the headline
    inside it recurs across the digest too. Before, the lead was flagged "recurring" (the
    digest made a second family), its truncated repost kept no content and became a group
    of its own."""
    documents = base_documents(load_ecbplus())
    seed_documents = tuple(BaseDocument(a.id, a.text, "seeds", "seeds") for a in load_seeds())
    corpus = digest_feed(documents, seed=2, n_cases=40, long_first=seed_documents)
    result = dedup(corpus.articles)
    texts = {a.id: a.text for a in corpus.articles}
    short = result.article("12_15ecb")
    assert short.boilerplate_paragraphs == ()
    copies = [i for i, labels in corpus.labels.items()
              if labels.group == "g:12_15ecb" and i != "12_15ecb"]
    assert len(copies) == 3
    assert {result.article(i).group_id for i in copies} == {short.group_id}
    # The reposts' additions are still flagged. The headline inside the digest was too,
    # until a block that a carrier tells was content (sixteenth session): the write-up
    # whose lead holds it names the navy and the gulf again; the digest's own lines stay.
    headline = "The Indian navy captured 23 pirates in the Gulf of"
    digest_flagged = _flagged_texts(result.article("digest-2-8"), texts["digest-2-8"])
    assert headline not in digest_flagged and len(digest_flagged) >= 3
    flagged = [_flagged_texts(result.article(copy), texts[copy]) for copy in copies]
    assert sum(bool(found) for found in flagged) >= 2
    assert not set().union(*flagged) & set(split_paragraphs(texts["12_15ecb"]))


def test_a_lead_teased_by_briefings_stays_content() -> None:
    """Briefings (newsletter pages of teasers of the day's articles, each of other articles)
    carry the opening of one article's lead: its carriers are
    many and about different things, as a footer's are. But the article tells it: the
    names the teaser names come back in its own text, which no footer's do. So the lead
    and the teasers stay content, and every briefing is a digest; the sender's footer
    (naming the sender) is still boilerplate. Before, the lead and the teasers were flagged
    "recurring" (the article then lost its lead, a briefing kept one teaser and joined the
    article's group as an excerpt)."""
    from newsdedup._corpora.messy import teaser

    documents = [row for row in load_ecbplus() if teaser(row["text"]) is not None]
    by_topic: dict[str, list[dict[str, str]]] = {}
    for row in documents:
        by_topic.setdefault(row["topic"], []).append(row)
    # The article teased: one whose lead's names (capitalised words inside its teaser)
    # come back in its other paragraphs, as a news story names its people again.
    def named_again(row: dict[str, str]) -> int:
        opening, *rest = split_paragraphs(row["text"])
        names = set(re.findall(r"(?<=[a-z,] )[A-Z][a-z]+", str(teaser(opening))))
        return len(names & set(re.findall(r"[A-Z][a-z]+", " ".join(rest))))

    told = next(row for row in documents if named_again(row) >= 3)
    topics = sorted(by_topic, key=lambda topic: topic != told["topic"])
    articles = [Article(row["id"], row["text"], published="2024-03-01")
                for rows in by_topic.values() for row in rows[:2]]
    if told["id"] not in {a.id for a in articles}:
        articles.append(Article(told["id"], told["text"], published="2024-03-01"))
    sender = "Morningbrief"
    footer = (f"You receive the {sender} briefing because you subscribed to it at "
              f"{sender}.example, where you can unsubscribe at any time.")
    briefings = []
    assert len(topics) >= 16
    for number in range(5):  # three other articles each, of topics no other briefing has
        others = [by_topic[topic][0] for topic in topics[1 + 3 * number:4 + 3 * number]]
        lines = [str(teaser(told["text"])), *(str(teaser(row["text"])) for row in others),
                 footer]
        briefings.append(Article(f"briefing-{number}", "\n\n".join(lines),
                                 source=f"{sender}.example", published="2024-03-01T18:00"))
    result = dedup([*articles, *briefings])
    assert result.article(told["id"]).boilerplate_paragraphs == ()
    for briefing in briefings:
        page = result.article(briefing.id)
        assert page.is_digest
        assert result.group(page.group_id).member_ids == (briefing.id,)
        assert _flagged_texts(page, briefing.text) == {footer}


def _list_lines_flagged(corpus: MessyCorpus, result: DedupResult) -> float:
    """Share of the related-list lines (labelled boilerplate) that are flagged."""
    flagged = listed = 0
    for article in result.articles:
        lines = set(corpus.labels[article.id].boilerplate_paragraphs)
        listed += len(lines)
        flagged += len(lines & {b.index for b in article.boilerplate_paragraphs})
    return flagged / listed


def test_headlines_in_related_story_lists_stay_boilerplate(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """ECB+ pages on six sites each end with a list of six related stories, the headlines
    (first words) of other articles (``related_lists``). Each headline line is a small part
    of the pages listing it, and its own article tells it (its names come back there): a
    carrier telling a block makes it content only when the block is a share of its
    carriers' text (a teaser in a briefing), not a line of a list. 2,711 of the 2,793
    list lines are boilerplate; 2,102 when any block could be told."""
    corpus = related_lists(base_documents(load_ecbplus()), 0)
    assert _list_lines_flagged(corpus, dedup(corpus.articles)) >= 0.95
    monkeypatch.setattr(boilerplate_module, "_TOLD_LEAST_SHARE", 0.0)
    assert _list_lines_flagged(corpus, dedup(corpus.articles)) < 0.8


def test_words_only_short_boilerplate_lines_hold_weigh_nothing_in_stories() -> None:
    """The words that an article's short boilerplate lines hold and its text does not (the
    headlines of its related-stories list, an aggregator's header) weigh nothing in its
    story vector, nor count in its terms' document frequencies: on the related-lists
    stand-in the story ARI by event is 0.823 (0.632 when they weighed, 0.732 when only
    their names were left out, 0.766 when they still counted in the document frequencies,
    0.853 for the pages without their lists)."""
    from newsdedup.evaluate import adjusted_rand_index

    documents = base_documents(load_ecbplus())
    corpus = related_lists(documents, 0)
    result = dedup(corpus.articles)
    ids = [a.id for a in corpus.articles]

    def ari(found: DedupResult) -> float:
        return adjusted_rand_index([found.article(i).story_id for i in ids],
                                   [corpus.labels[i].story for i in ids])

    assert ari(result) >= 0.80
    assert ari(dedup(related_lists(documents, 0, listed=0).articles)) >= 0.85


def test_boilerplate_words_are_the_words_of_short_flagged_lines_alone() -> None:
    """``boilerplate_words`` marks the term entries of words that only short flagged lines
    hold: a word also in the text (or in a long flagged line) is left alone."""
    from newsdedup import DedupConfig
    from newsdedup._near_duplicates.boilerplate import boilerplate_words
    from newsdedup._text.features import extract_features

    text = ("The council of Lima met on Monday to approve a budget for the roads of the north.\n"
            "Read by Rapidtelecast and Lima\n"
            "This page was compiled automatically by the staff of Newshub from its sources.")
    features = extract_features([Article("a", text)], DedupConfig())
    chrome = boilerplate_words(features, np.array([False, True, True]), [text])
    assert chrome is not None
    words = {word: int(hash_texts([word]).hashes[0] >> np.uint64(32))
             for word in ("read", "rapidtelecast", "and", "lima", "by", "newshub")}
    marked = set(features.terms[chrome].tolist())
    assert marked == {words["read"], words["rapidtelecast"], words["and"]}
    assert boilerplate_words(features, np.zeros(3, dtype=bool), [text]) is None


@given(seed=st.integers(0, 2**32 - 1), samples=st.integers(1, 6))
def test_mean_cross_family_cosines_equal_the_mean_over_pairs(seed: int, samples: int) -> None:
    """The topic check's means, computed for all samples at once by sums, equal the mean
    cosine over each sample's pairs of carriers of different families (1.0 when every
    carrier is of one family; empty term vectors included)."""
    rng = np.random.default_rng(seed)
    dense = rng.random((30, 12)) * (rng.random((30, 12)) < 0.3)
    norms = np.linalg.norm(dense, axis=1)
    dense = dense / np.where(norms > 0, norms, 1.0)[:, None]
    vectors = csr_matrix(dense)
    carriers = [rng.choice(30, size=int(rng.integers(1, 10)), replace=False)
                for _ in range(samples)]
    families = [rng.integers(0, 3, sample.size) for sample in carriers]
    means = boilerplate_module._mean_cross_family_cosines(vectors, carriers, families)
    for mean, sample, family in zip(means.tolist(), carriers, families, strict=True):
        cosine = dense[sample] @ dense[sample].T
        different = family[:, None] != family[None, :]
        expected = float(cosine[different].mean()) if different.any() else 1.0
        assert mean == pytest.approx(expected, abs=1e-12)
