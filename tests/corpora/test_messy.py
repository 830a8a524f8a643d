"""Messy real feeds (issue #15): the scenario generators, and the behaviour the issue targets.

Generator tests pin down what each stand-in is (deterministic, labels consistent with the
text). Target tests assert the behaviour issue #15 asks for on small fixtures of every
scenario; those the library does not meet yet are ``xfail(strict=True)``, so a fix that makes
one pass must remove its mark (and say so). Numbers at benchmark scale:
``python -m benchmarks.messy`` and ``docs/messy.md``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import attrs
import numpy as np
import pytest

from conftest import DATA, load_ecbplus, load_seeds
from newsdedup import DedupResult, dedup
from newsdedup._corpora.messy import (
    FEED_TEASER_ENDINGS,
    BaseDocument,
    MessyCorpus,
    base_documents,
    briefing_feed,
    caseless_script,
    digest_feed,
    distinct_documents,
    excerpt_feed,
    headline,
    lookalike_events,
    normalize_quotes,
    related_lists,
    teaser,
)
from newsdedup._corpora.messy_feed import _permutation, rekey, repost_feed, vocabulary_bands
from newsdedup._corpora.messy_incidents import SITE_TEMPLATES, incident_crawl
from newsdedup._corpora.messy_rewrites import rewrite_pairs, rewrite_text
from newsdedup._messy_eval import (
    canonical_original_rate,
    char_ngram_cosines,
    groups_spanning,
    joined_rates,
    merged_pages,
    recall_at_precision,
    rewrite_recall,
    same_story,
    score_field,
)
from newsdedup._text.paragraphs import split_lines

ROOT = Path(__file__).resolve().parent.parent.parent


@functools.cache
def ecb() -> tuple[BaseDocument, ...]:
    return base_documents(load_ecbplus())


@functools.cache
def seeds() -> tuple[BaseDocument, ...]:
    return tuple(BaseDocument(a.id, a.text, "seeds", "seeds") for a in load_seeds())


@functools.cache
def ukrainian() -> tuple[tuple[BaseDocument, ...], dict[str, str]]:
    with open(DATA / "uagec-sample.jsonl", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return base_documents(rows), {row["id"]: row["variant"] for row in rows}


def words(text: str, size: int = 5) -> set[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text.casefold())
    return {tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


def body(corpus: MessyCorpus, article_id: str) -> list[str]:
    """An article's paragraphs without those labelled boilerplate."""
    text = next(a.text for a in corpus.articles if a.id == article_id)
    skip = set(corpus.labels[article_id].boilerplate_paragraphs)
    return [p for n, p in enumerate(split_lines(text)) if n not in skip]


def texts(corpus: MessyCorpus) -> dict[str, str]:
    return {a.id: a.text for a in corpus.articles}


# Fixtures: one small corpus per scenario, and its dedup() result.

@pytest.fixture(scope="module")
def crawl() -> tuple[MessyCorpus, DedupResult]:
    """200 look-alike incidents, a tenth of the pages failed extractions."""
    corpus = incident_crawl(200, seed=3, template_rate=0.1)
    return corpus, dedup(corpus.articles)


@pytest.fixture(scope="module")
def digests() -> tuple[MessyCorpus, DedupResult]:
    corpus = digest_feed(ecb(), seed=1, n_cases=15, long_first=seeds())
    return corpus, dedup(corpus.articles)


@pytest.fixture(scope="module")
def excerpts() -> tuple[MessyCorpus, DedupResult]:
    corpus = excerpt_feed(seeds() + ecb(), seed=2, n_sources=25)
    return corpus, dedup(corpus.articles)


@pytest.fixture(scope="module")
def lookalikes() -> tuple[MessyCorpus, DedupResult]:
    corpus = lookalike_events(ecb(), seed=0)
    return corpus, dedup(corpus.articles)


@pytest.fixture(scope="module")
def rewrites() -> tuple[MessyCorpus, DedupResult]:
    corpus = rewrite_pairs(ecb(), seed=0, n_sources=40)
    return corpus, dedup(corpus.articles)


@pytest.fixture(scope="module")
def feed() -> MessyCorpus:
    return repost_feed(seeds() + ecb(), 1500, seed=4)


@pytest.fixture(scope="module")
def feed_results(feed: MessyCorpus) -> dict[str, DedupResult]:
    return {"with sites": dedup(feed.articles),
            "without sites": dedup(feed.without_sites().articles)}


# The generators.

@pytest.mark.parametrize("make", [
    lambda seed: incident_crawl(40, seed),
    lambda seed: digest_feed(ecb(), seed, n_cases=4, long_first=seeds()),
    lambda seed: excerpt_feed(ecb(), seed, n_sources=5),
    lambda seed: lookalike_events(ecb(), seed),
    lambda seed: rewrite_pairs(ecb(), seed, n_sources=8),
    lambda seed: repost_feed(ecb(), 120, seed),
    lambda seed: briefing_feed(ecb(), seed, n_briefings=4),
    lambda seed: related_lists(ecb()[:40], seed),
], ids=["crawl", "digests", "excerpts", "lookalikes", "rewrites", "feed", "briefings",
        "related-lists"])
def test_generators_are_deterministic(make) -> None:  # type: ignore[no-untyped-def]
    """The same seed gives the same corpus; another seed another one."""
    one, again, other = make(0), make(0), make(1)
    assert one == again
    assert [a.text for a in one.articles] != [a.text for a in other.articles]
    assert set(one.labels) == {a.id for a in one.articles}  # one label per article


def test_feed_is_identical_in_a_fresh_process() -> None:
    """No salted hash: a subprocess generates byte-identical articles."""
    code = ("import json; from corpora.test_messy import ecb; "
            "from newsdedup._corpora.messy_feed import repost_feed; "
            "print(json.dumps([a.to_dict() for a in repost_feed(ecb(), 80, 5)."
            "articles], default=str, sort_keys=True))")
    child = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "tests",
                           capture_output=True, text=True, check=True)
    here = json.dumps([a.to_dict() for a in repost_feed(ecb(), 80, 5).articles], default=str,
                      sort_keys=True)
    assert child.stdout.strip() == here


def test_feed_reposts_carry_their_original(feed: MessyCorpus) -> None:
    """A repost's body is its original's leading paragraphs (one may move, one sentence may
    have 1-3 words edited, quotes may change); cut reposts keep 60-80% of them."""
    text = texts(feed)
    for article in feed.articles:
        labels = feed.labels[article.id]
        if labels.kind not in ("copy", "truncated"):
            continue
        original = [normalize_quotes(p, False) for p in split_lines(
            text[labels.derived_from])]
        kept = [normalize_quotes(p, False) for p in body(feed, article.id)]
        assert labels.group == feed.labels[labels.derived_from].group
        assert sum(p in original for p in kept) >= len(kept) - 1
        if labels.kind == "truncated":
            assert len(kept) < len(original)
            assert len(kept) >= round(0.6 * len(original)) - 1
        else:
            assert len(kept) == len(original)


def test_feed_roundups_carry_leads_of_one_topic(feed: MessyCorpus) -> None:
    """A roundup holds the first ~40% of two or three same-topic originals, in order."""
    text = texts(feed)
    roundups = [i for i, labels in feed.labels.items() if labels.kind == "roundup"]
    assert roundups
    for roundup in roundups:
        parts = feed.labels[roundup].parts
        assert 2 <= len(parts) <= 3
        assert len({feed.labels[p].story.split("-")[0] for p in parts}) == 1  # one topic
        page = split_lines(text[roundup])
        for part in parts:
            paragraphs = split_lines(text[part])
            carried = [p for p in paragraphs if p in page]
            assert carried == paragraphs[:len(carried)]
            assert 1 <= len(carried) <= max(1, round(0.45 * len(paragraphs)) + 1)


def test_feed_instances_share_no_text_with_the_real_one() -> None:
    """Instance 1 of a text is a different original: same shape, no shared word 5-gram."""
    docs = distinct_documents(ecb())
    mapping = _permutation(vocabulary_bands(docs), 1)
    for doc in docs[:40]:
        again = rekey(doc.text, mapping)
        assert len(split_lines(again)) == len(split_lines(doc.text))
        assert len(again.split()) == len(doc.text.split())
        assert not words(again) & words(doc.text)


def test_without_sites_drops_source_and_url(feed: MessyCorpus) -> None:
    """The no-site variant keeps everything but ``source`` and ``url``."""
    bare = feed.without_sites()
    assert all(a.source is None and a.url is None for a in bare.articles)
    assert [a.text for a in bare.articles] == [a.text for a in feed.articles]


def test_wrongly_decoded_copies_keep_their_labels_and_read_back(feed: MessyCorpus) -> None:
    """The mojibake variant changes the text of about the share asked of the copies (never
    an original), keeps ids and labels, and each changed text reads back as it was."""
    from newsdedup._text.normalize import repair_mojibake

    damaged = feed.wrongly_decoded(0.3, seed=1)
    changed = [(a, b) for a, b in zip(feed.articles, damaged.articles, strict=True)
               if a.text != b.text]
    assert damaged.labels == feed.labels
    assert [a.id for a in damaged.articles] == [a.id for a in feed.articles]
    assert all(feed.labels[a.id].kind != "original" for a, _ in changed)
    copies = sum(feed.labels[a.id].kind != "original" for a in feed.articles)
    # Texts without a character outside ASCII are the same either way.
    assert 0.1 * copies < len(changed) <= 0.3 * copies + 10
    assert all(repair_mojibake(b.text) == a.text for a, b in changed)


def test_dates_lost_touches_only_the_originals_dates(feed: MessyCorpus) -> None:
    """The dates-lost variant leaves every copy and every text as it was, and of the
    originals undates about the share asked and dates about the other share a day late."""
    lost = feed.dates_lost(0.3, 0.15, seed=1)
    assert lost.labels == feed.labels
    pairs = list(zip(feed.articles, lost.articles, strict=True))
    assert all(a.text == b.text and a.id == b.id for a, b in pairs)
    changed = [(a, b) for a, b in pairs if a.published != b.published]
    assert all(feed.labels[a.id].kind == "original" for a, _ in changed)
    originals = sum(feed.labels[a.id].kind == "original" for a in feed.articles)
    undated = sum(b.published is None for _, b in changed)
    late = [b.published - a.published for a, b in changed if b.published is not None]
    assert 0.15 * originals < undated < 0.45 * originals
    assert 0.05 * originals < len(late) < 0.25 * originals
    assert set(late) == {dt.timedelta(days=1)}


def test_inflected_keeps_labels_and_words_but_varies_their_endings(feed: MessyCorpus) -> None:
    """The inflected variant writes every text in Cyrillic: labels, ids, dates and sites
    unchanged, as many words as before, Latin letters gone; each article's endings drawn
    for it alone (the same in any order), so that a copy and its original differ in them."""
    written = feed.inflected(0.4)
    assert written.labels == feed.labels
    pairs = list(zip(feed.articles, written.articles, strict=True))
    assert all((a.id, a.published, a.source, a.url) == (b.id, b.published, b.source, b.url)
               for a, b in pairs)
    assert all(len(a.text.split()) == len(b.text.split()) for a, b in pairs)
    assert not any(re.search("[A-Za-z]", b.text) for _, b in pairs)
    reversed_feed = attrs.evolve(feed, articles=feed.articles[::-1]).inflected(0.4)
    assert reversed_feed.articles[::-1] == written.articles
    plain = feed.inflected(0.0)
    assert [b.text for b in plain.articles] != [b.text for b in written.articles]


def test_caseless_keeps_words_apart_and_labels_but_no_case(feed: MessyCorpus) -> None:
    """The caseless variant writes every text and title in a script without case: labels,
    ids, dates and sites unchanged, every word still one word (two words differ after it
    exactly when they differ, case aside), nothing capitalised."""
    from newsdedup._text.terms import caseless_texts

    written = feed.caseless()
    assert written.labels == feed.labels
    pairs = list(zip(feed.articles, written.articles, strict=True))
    assert all((a.id, a.published, a.source, a.url) == (b.id, b.published, b.source, b.url)
               for a, b in pairs)
    texts = [b.text for _, b in pairs]
    assert caseless_texts(texts).all() and not any(t != t.lower() for t in texts)
    for a, b in pairs[:200]:
        assert [len(w) for w in a.text.split()] == [len(w) for w in b.text.split()]
    words = ["Lima", "lima", "LIMA", "Пожежа", "пожежа", "Lime"]
    assert len({caseless_script(w) for w in words}) == 3


def test_excerpts_are_verbatim_prefixes(excerpts: tuple[MessyCorpus, DedupResult]) -> None:
    """Cut reposts keep the first 60-67% of the paragraphs, lead excerpts the first 30-45%,
    verbatim; some are published 10 or more days after their source."""
    corpus, _ = excerpts
    text = texts(corpus)
    published = {a.id: a.published for a in corpus.articles}
    late = 0
    for article_id, labels in corpus.labels.items():
        if labels.kind not in ("truncated", "excerpt"):
            continue
        source = split_lines(text[labels.derived_from])
        kept = body(corpus, article_id)
        assert kept == source[:len(kept)]
        low, high = (0.6, 0.67) if labels.kind == "truncated" else (0.3, 0.45)
        assert round(low * len(source)) <= len(kept) <= max(1, round(high * len(source)))
        delay = published[article_id] - published[labels.derived_from]  # type: ignore[operator]
        late += delay >= dt.timedelta(days=10)
    assert late >= 3


def test_feed_teasers_are_the_first_words_run_together(
        excerpts: tuple[MessyCorpus, DedupResult]) -> None:
    """A feed teaser is its source's first 30-70 words in one paragraph (across the
    source's paragraphs, cut anywhere), then one of the feed endings; drawn apart from the
    other articles, which are those of a feed without teasers."""
    corpus, _ = excerpts
    text = texts(corpus)
    teasers = [i for i, labels in corpus.labels.items() if labels.kind == "teaser"]
    assert len(teasers) >= 5
    for article_id in teasers:
        description = text[article_id]
        ending = next(end for end in FEED_TEASER_ENDINGS if description.endswith(end))
        words = description[:-len(ending)].split()
        assert 30 <= len(words) <= 70 and "\n" not in description
        source = text[corpus.labels[article_id].derived_from].split()
        assert words == source[:len(words)]
    plain = excerpt_feed(seeds() + ecb(), seed=2, n_sources=25, teaser_rate=0.0)
    assert [a.id for a in plain.articles] == [a.id for a in corpus.articles
                                               if a.id not in set(teasers)]


def test_digests_carry_a_short_and_a_long_article(
        digests: tuple[MessyCorpus, DedupResult]) -> None:
    """A digest holds both parts whole; the first is short (at most 3 paragraphs)."""
    corpus, _ = digests
    text = texts(corpus)
    pages = [i for i, labels in corpus.labels.items() if labels.kind == "digest"]
    assert len(pages) == 15
    for page in pages:
        short, long = corpus.labels[page].parts
        page_paragraphs = set(split_lines(text[page]))
        assert set(split_lines(text[short])) <= page_paragraphs
        assert set(split_lines(text[long])) <= page_paragraphs
        assert len(split_lines(text[short])) <= 3 < len(split_lines(text[long]))
        assert corpus.labels[short].story != corpus.labels[long].story
    assert {s.id for s in seeds()} <= set(text)


def test_crawl_templates_are_one_body_per_site(crawl: tuple[MessyCorpus, DedupResult]) -> None:
    """Failed pages of one site share their body up to a year or an id; their titles and
    dates are their own incident's."""
    corpus, _ = crawl
    bodies: dict[str, set[str]] = {}
    for article in corpus.articles:
        if corpus.labels[article.id].kind == "template":
            assert article.source is not None
            masked = re.sub(r"\b(19|20)\d\d\b|[0-9a-f]{12}", "#", article.text)
            bodies.setdefault(article.source, set()).add(masked)
            assert masked.split("\n")[0] in {t.split("\n")[0].format(
                site=article.source, year="#", ref="#") for t in SITE_TEMPLATES}
    assert bodies and all(len(variants) == 1 for variants in bodies.values())
    years = {a.published.year for a in corpus.articles if a.published}
    assert len(years) >= 4


def test_crawl_follow_ups_come_weeks_later(crawl: tuple[MessyCorpus, DedupResult]) -> None:
    """A follow-up is 7-42 days after its incident's first report and names its street."""
    corpus, _ = crawl
    by_id = {a.id: a for a in corpus.articles}
    follow_ups = [i for i, labels in corpus.labels.items() if labels.kind == "follow-up"]
    assert len(follow_ups) >= 20
    for article_id in follow_ups:
        first = by_id[corpus.labels[article_id].derived_from]
        delay = by_id[article_id].published - first.published  # type: ignore[operator]
        assert dt.timedelta(days=5) <= delay <= dt.timedelta(days=43)
        assert corpus.labels[article_id].story == corpus.labels[first.id].story


def test_lookalikes_one_report_per_event_on_one_day(
        lookalikes: tuple[MessyCorpus, DedupResult]) -> None:
    """Every event has exactly one original; everything is published on one day."""
    corpus, _ = lookalikes
    originals = Counter(labels.story for labels in corpus.labels.values()
                        if labels.kind == "original")
    assert set(originals.values()) == {1} and len(originals) == 36
    assert len({a.published.date() for a in corpus.articles if a.published}) == 1


def test_rewrites_hide_from_five_grams_not_from_characters(
        rewrites: tuple[MessyCorpus, DedupResult]) -> None:
    """Derived articles share few word 5-grams with their source, yet character 4-grams
    still separate most of them from the negatives; negatives are ~30% of the pairs."""
    corpus, _ = rewrites
    text = texts(corpus)
    derived = [p for p in corpus.pairs if p.derived]
    assert 0.25 <= 1 - len(derived) / len(corpus.pairs) <= 0.35
    shared = [len(words(text[p.a]) & words(text[p.b])) / max(1, len(words(text[p.b])))
              for p in derived]
    assert sorted(shared)[len(shared) // 2] < 0.3
    recall, _ = recall_at_precision(char_ngram_cosines(corpus))
    assert recall >= 0.4


def test_rewrite_text_keeps_words_in_any_script() -> None:
    """Rewriting works on Cyrillic text and leaves most of its words."""
    docs, variants = ukrainian()
    assert len(docs) == 60 and re.search("[а-яіїє]", docs[0].text)
    rewritten = rewrite_text(variants[docs[0].id], random.Random(1))
    assert 0.5 * len(docs[0].text.split()) <= len(rewritten.split()) <= len(docs[0].text.split())
    assert re.search("[а-яіїє]", rewritten)


def test_recall_at_precision() -> None:
    """The best recall at a threshold reaching the precision; unretrieved pairs count."""
    assert recall_at_precision([(1.0, True), (0.5, False), (None, True)]) == (0.5, 1.0)
    assert recall_at_precision([(1.0, False)], 0.9) == (0.0, None)
    # Ties are one threshold: both or neither.
    assert recall_at_precision([(0.5, True), (0.5, False)], 0.9) == (0.0, None)


# What issue #15 targets.

def test_no_duplicate_group_spans_incidents(crawl: tuple[MessyCorpus, DedupResult]) -> None:
    """No duplicate group holds articles of two different incidents."""
    corpus, result = crawl
    assert groups_spanning(result, corpus) == []


def test_formulaic_reports_of_other_incidents_are_no_copies() -> None:
    """In a crawl of 1,500 look-alike incidents (thousands of reports in stock sentences,
    many days apart by a few words: an age, a street, a town), no duplicate group holds two
    incidents, and every copy is still grouped (group pair recall 1.0)."""
    corpus = incident_crawl(1500, seed=0)
    result = dedup(corpus.articles)
    assert groups_spanning(result, corpus) == []
    assert score_field(result, corpus, "group").pairwise_recall == 1.0


def test_follow_ups_join_their_incident(crawl: tuple[MessyCorpus, DedupResult]) -> None:
    """At least 90% of follow-ups are in the story of their incident's first report."""
    corpus, result = crawl
    _, in_story, _ = joined_rates(result, corpus, ["follow-up"])
    assert in_story >= 0.9


def test_crawl_story_ari(crawl: tuple[MessyCorpus, DedupResult]) -> None:
    """Story ARI by incident reaches 0.75 on the crawl."""
    corpus, result = crawl
    assert score_field(result, corpus, "story").ari >= 0.75


def test_crawl_story_ari_at_the_held_out_scale() -> None:
    """At 3,500 incidents (~6,500 pages, 5% failed extractions told by their headlines
    alone), the scale of the held-out crawl, story ARI by incident reaches 0.78 (0.788; 0.767
    before template pages linked only within TITLE_ONLY_DAYS, 0.736 before they had to be
    nearer, TITLE_ONLY_SHARE), with no group spanning incidents (3 before a report's own
    lead stopped being taken for a header)."""
    corpus = incident_crawl(3500, seed=2)
    result = dedup(corpus.articles)
    assert score_field(result, corpus, "story").ari >= 0.78
    assert groups_spanning(result, corpus) == []


def test_briefings_carry_teasers_of_other_topics() -> None:
    """A briefing holds a header, 5-8 teasers (each the opening of one of its parts' first
    paragraph, not all of it) of parts of different topics, and a footer."""
    corpus = briefing_feed(ecb(), 0, n_briefings=10)
    text = texts(corpus)
    pages = [i for i, labels in corpus.labels.items() if labels.kind == "digest"]
    assert len(pages) == 10
    for page in pages:
        parts = corpus.labels[page].parts
        lines = split_lines(text[page])
        assert 5 <= len(parts) <= 8 and len(lines) == len(parts) + 2
        assert len({corpus.labels[part].story.split("-")[0] for part in parts}) == len(parts)
        for line, part in zip(lines[1:-1], parts, strict=True):
            lead = split_lines(text[part])[0]
            assert line == teaser(text[part]) and lead.startswith(line.removesuffix(" \u2026"))
            assert len(line) < len(lead) + 2


def test_briefings_are_digests_and_keep_stories_apart() -> None:
    """Briefings of ECB+ articles are all recognised as digests and share no group (at seed
    0: 0 of 30 digests before teasers counted as pieces, 28 after, two of them grouped as
    excerpts of an article because their teasers, carried by several briefings, were taken
    for boilerplate; 30 and none once the article tells its teased lead). The articles'
    stories are as good as without the briefings: the briefings' terms count in no
    document frequency (story ARI of the articles 0.610 when they did, 0.794 now, 0.776
    without the briefings)."""
    corpus = briefing_feed(ecb(), 0, n_briefings=30)
    result = dedup(corpus.articles)
    pages = [i for i, labels in corpus.labels.items() if labels.kind == "digest"]
    assert all(result.article(i).is_digest for i in pages)
    assert merged_pages(result, corpus, ["digest"]) == []
    articles = corpus.subset(lambda labels: labels.kind != "digest")

    def article_stories(found: DedupResult) -> float:
        return score_field(found, corpus, "story", lambda labels: labels.kind != "digest").ari

    assert article_stories(result) >= article_stories(dedup(articles.articles)) - 0.01


def test_related_lists_end_pages_with_other_articles_headlines() -> None:
    """Each page is its document's text, then "Related stories:" and six headlines of other
    documents, labelled boilerplate; without lists the same pages, sites and dates."""
    listed, plain = related_lists(ecb()[:60], 0), related_lists(ecb()[:60], 0, listed=0)
    heads = {headline(d.text).strip() for d in ecb()[:60]}
    for page, bare in zip(listed.articles, plain.articles, strict=True):
        lines = split_lines(page.text)
        labels = listed.labels[page.id].boilerplate_paragraphs
        assert lines[labels[0]] == "Related stories:" and len(labels) == 7
        assert {lines[k] for k in labels[1:]} <= heads
        assert page.text.startswith(bare.text) and (page.source, page.published) == (
            bare.source, bare.published)


def test_no_digest_is_merged(digests: tuple[MessyCorpus, DedupResult]) -> None:
    """No digest page shares a duplicate group."""
    corpus, result = digests
    assert merged_pages(result, corpus, ["digest"]) == []


def test_digest_feed_groups_and_canonicals(digests: tuple[MessyCorpus, DedupResult]) -> None:
    """Group pair F1 >= 0.99 and the original is canonical for >= 99% of group members."""
    corpus, result = digests
    assert score_field(result, corpus, "group").pairwise_f1 >= 0.99
    assert canonical_original_rate(result, corpus) >= 0.99


def test_seeds_and_their_reposts_are_one_story(
        digests: tuple[MessyCorpus, DedupResult]) -> None:
    """The five seeds and all their reposts are one story, and no digest page (carrying a
    seed and a short ECB+ article) bridges a seed's story and another event's."""
    corpus, result = digests
    assert same_story(result, corpus, "seeds")
    seed_story = next(a.story_id for a in result.articles
                      if corpus.labels[a.id].story == "seeds")
    assert {corpus.labels[a.id].story for a in result.articles
            if a.story_id == seed_story} == {"seeds"}


def test_cut_reposts_join_their_source(excerpts: tuple[MessyCorpus, DedupResult]) -> None:
    """Reposts cut to 60-67% of the paragraphs are in their source's group."""
    corpus, result = excerpts
    grouped, _, count = joined_rates(result, corpus, ["truncated"])
    assert count >= 20 and grouped == 1.0


def test_lead_excerpts_join_their_source(excerpts: tuple[MessyCorpus, DedupResult]) -> None:
    """Lead excerpts (30-45% of the paragraphs, verbatim) are in their source's group."""
    corpus, result = excerpts
    grouped, _, count = joined_rates(result, corpus, ["excerpt"])
    assert count >= 10 and grouped >= 0.9


def test_feed_teasers_join_their_source(excerpts: tuple[MessyCorpus, DedupResult]) -> None:
    """Feed teasers (a tenth of their source or less, run across its paragraphs) are in
    their source's group, and the source is the group's canonical."""
    corpus, result = excerpts
    grouped, in_story, count = joined_rates(result, corpus, ["teaser"])
    assert count >= 5 and grouped == 1.0 and in_story == 1.0
    for article_id, labels in corpus.labels.items():
        if labels.kind == "teaser":
            assert result.article(article_id).canonical_id == labels.derived_from


def test_excerpts_are_in_their_source_story(excerpts: tuple[MessyCorpus, DedupResult]) -> None:
    """Every cut repost and lead excerpt is in its source's story, however late."""
    corpus, result = excerpts
    _, in_story, _ = joined_rates(result, corpus, ["truncated", "excerpt"])
    assert in_story == 1.0


def test_duplicate_links_never_cross_stories(excerpts: tuple[MessyCorpus, DedupResult]) -> None:
    """Two articles linked as near-duplicate or contained copy are in one story."""
    _, result = excerpts
    story = {a.id: a.story_id for a in result.articles}
    crossing = [(m.a, m.b) for m in result.matches if m.is_duplicate and story[m.a] != story[m.b]]
    assert crossing == []


def test_lookalike_events_stay_apart() -> None:
    """One report per event, all on one day: story ARI >= 0.90 over five draws (no draw
    below 0.85); without the name agreement the same draws score below 0.80."""
    with_names, without = [], []
    for draw in range(5):
        corpus = lookalike_events(ecb(), seed=draw)
        with_names.append(score_field(dedup(corpus.articles), corpus, "story").ari)
        without.append(score_field(dedup(corpus.articles, story_name_agreement=None), corpus,
                                   "story").ari)
    assert np.mean(with_names) >= 0.90 and min(with_names) >= 0.85
    assert np.mean(without) < 0.80


def test_rewrites_are_found(rewrites: tuple[MessyCorpus, DedupResult]) -> None:
    """The rewrite relation finds >= 60% of derived pairs at precision >= 0.90."""
    corpus, result = rewrites
    found = rewrite_recall(result, corpus)
    assert found is not None and found[0] >= 0.6


def test_rewrites_do_not_merge_groups(rewrites: tuple[MessyCorpus, DedupResult]) -> None:
    """A rewritten article is never in its source's duplicate group, nor are negatives."""
    corpus, result = rewrites
    group = {a.id: a.group_id for a in result.articles}
    assert all(group[p.a] != group[p.b] for p in corpus.pairs)


@pytest.mark.parametrize("variant", ["with sites", "without sites"])
def test_feed_groups(feed: MessyCorpus, feed_results: dict[str, DedupResult],
                     variant: str) -> None:
    """Reposts of real texts: group pair recall >= 0.95 at precision >= 0.98."""
    data = feed if variant == "with sites" else feed.without_sites()
    scores = score_field(feed_results[variant], data, "group")
    assert scores.pairwise_precision >= 0.98 and scores.pairwise_recall >= 0.95


def test_feed_roundups_stay_apart(feed: MessyCorpus,
                                  feed_results: dict[str, DedupResult]) -> None:
    """A roundup page never joins a duplicate group."""
    for result in feed_results.values():
        assert merged_pages(result, feed, ["roundup"]) == []
