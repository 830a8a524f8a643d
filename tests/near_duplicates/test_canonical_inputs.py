"""The canonical rule's inputs (src/newsdedup/_near_duplicates/canonical_inputs.py)."""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import Any

import attrs
import numpy as np

from conftest import edited_copies
from newsdedup import Article, DedupConfig, DedupResult, dedup
from newsdedup._near_duplicates.canonical import preference
from newsdedup._near_duplicates.canonical_inputs import (
    canonical_keys,
    credited_times,
    group_keys,
    inserted_paragraphs,
    neighbour_max_content,
    noise_counts,
    own_paragraphs,
    user_rank_keys,
)
from newsdedup._near_duplicates.copies import copy_classes
from newsdedup._near_duplicates.groups import build_groups
from newsdedup._near_duplicates.links import link_articles
from newsdedup._near_duplicates.paragraph_matches import match_paragraphs
from newsdedup._text.features import extract_features


def _pair_linked() -> tuple[Any, Any]:
    """Articles 0 and 1 in two copy classes linked as duplicates; article 2 has no class."""
    classes = SimpleNamespace(class_of=np.array([0, 1, -1]), representative=np.array([0, 1]))
    links = SimpleNamespace(a=np.array([0]), b=np.array([1]), duplicate=np.array([True]))
    return classes, links


def test_noise_counts_boilerplate_and_repeated_paragraphs() -> None:
    """Each article's paragraphs flagged for any reason, and its repeated ones."""
    features = SimpleNamespace(paragraph_article=np.array([0, 0, 1, 2]))
    boilerplate = SimpleNamespace(any=np.array([True, False, False, False]))
    repeats = SimpleNamespace(paragraph=np.array([1, 2]))
    assert noise_counts(features, boilerplate, repeats, 4).tolist() == [2, 1, 0, 0]


def test_neighbour_max_is_the_largest_content_among_linked_duplicates() -> None:
    """Duplicates share the larger content size; an article without class keeps its own."""
    classes, links = _pair_linked()
    content = np.array([10, 20, 5])
    assert neighbour_max_content(content, classes, links).tolist() == [20, 20, 5]


def test_default_keys_measure_completeness_against_the_neighbour_max() -> None:
    """Half the content of its duplicate is completeness step 10 of 20; the other is 19."""
    classes, links = _pair_linked()
    articles = [Article("a", "x"), Article("b", "y"), Article("c", "z")]
    keys = canonical_keys(articles, np.array([200, 400, 50]), classes, links, np.zeros(3, int))
    assert [key[1] for key in keys] == [-10, -19, -19]


def test_a_user_key_replaces_the_measured_inputs() -> None:
    """Under a user key the keys are the user's, whatever the measurements."""
    articles = [Article("a", "x"), Article("b", "y")]
    user_keys = user_rank_keys(articles, lambda article: -len(article.id))
    assert user_keys is not None
    classes, links = _pair_linked()
    assert canonical_keys(articles, np.array([1, 2]), classes, links, np.zeros(2, int),
                          user_keys) == user_keys
    assert user_rank_keys(articles, None) is None


_INSERTS = ("Advertisement", "Story continues below advertisement",
            "Sign up for our daily newsletter to get the top stories delivered to your inbox.",
            "Related: {other}", "Read more: {other}")


def _wrapped_reposts(documents: list[dict[str, str]]) -> tuple[list[Article], list[str]]:
    """Undated ECB+ documents of four paragraphs or more, each reposted by two aggregators
    with a header line naming the site and time, one or two lines inserted between its
    paragraphs (a "Related: <another headline>" line, an advertisement marker, a newsletter
    call), the site's footer; the second repost cut to 70% of the paragraphs."""
    chooser = random.Random(5)
    headlines = [document["text"].split("\n")[0][:90] for document in documents]
    articles, originals = [], []
    for document in documents:
        articles.append(Article(document["id"], document["text"]))
        paragraphs = [p for p in document["text"].split("\n") if p.strip()]
        if len(paragraphs) < 4 or len(originals) == 60:
            continue
        originals.append(document["id"])
        for site, keep in ((0, len(paragraphs)), (1, max(3, int(0.7 * len(paragraphs))))):
            kept = paragraphs[:keep]
            for _ in range(chooser.randint(1, 2)):
                line = chooser.choice(_INSERTS).format(other=chooser.choice(headlines))
                kept.insert(chooser.randint(1, len(kept) - 1), line)
            day, hour = chooser.randint(1, 28), chooser.randint(10, 23)
            header = f"Feed{site} | March {day}, 2024 {hour}:05"
            footer = f"Copyright 2024 Feed{site} Media. All rights reserved."
            articles.append(Article(f"{document['id']}~feed{site}",
                                    "\n\n".join([header, *kept, footer]),
                                    source=f"feed{site}.example"))
    return articles, originals


def test_an_undated_repost_with_inserted_lines_never_beats_its_original(
        ecbplus: list[dict[str, str]]) -> None:
    """Without dates the most complete text decides, and a repost's own lines (its header,
    the lines it inserted between the paragraphs) are not text its original lacks: in every
    group the original is the canonical (fails without ``inserted_paragraphs``)."""
    articles, originals = _wrapped_reposts(ecbplus)
    _assert_originals_are_canonical(dedup(articles), originals)


def _assert_originals_are_canonical(result: DedupResult, originals: list[str],
                                    rules: tuple[str, ...] | None = None) -> None:
    """Every original is its group's canonical (chosen by one of ``rules``, if given), for
    100 reposts or more of the 120."""
    checked = 0
    for original in originals:
        group = result.group(result.article(original).group_id)
        if sum("~" not in member for member in group.member_ids) > 1:
            continue  # two ECB+ documents with one text: either is an original
        assert group.canonical_id == original, (original, group.canonical_rule)
        assert rules is None or group.canonical_rule in rules
        checked += len(group.member_ids) - 1
    assert checked >= 100  # reposts checked, of 120


def test_an_undated_original_is_not_handed_to_its_dated_reposts(
        ecbplus: list[dict[str, str]]) -> None:
    """Originals crawled without a date, reposts dated (and naming no source to credit):
    an undated member counts as published with its group's earliest, so the text decides
    and every original is its group's canonical (before, every dated repost beat it on
    "earliest published")."""
    articles, originals = _wrapped_reposts(ecbplus)
    dated = [attrs.evolve(a, published=f"2024-03-{10 + n % 9:02d}T08:00:00Z") if "~" in a.id
             else a for n, a in enumerate(articles)]
    _assert_originals_are_canonical(dedup(dated), originals,
                                    ("most complete text", "least boilerplate"))


def test_an_undated_original_beats_dated_copies_that_edited_words(
        ecbplus: list[dict[str, str]]) -> None:
    """An original crawled without a date, copied whole by three dated sites that each
    edited a word of another paragraph: the steps before tie (the undated original counts
    as published with the earliest copy, the texts are as complete, no boilerplate), and
    "fewest edits" gives the original, whose every paragraph its copies carry (before,
    "dated" gave the earliest copy)."""
    articles, originals = edited_copies(ecbplus)
    result = dedup(articles)
    _assert_originals_are_canonical(result, originals, ("fewest edits",))
    # Copies dated too, the original the earliest: the date decides, as before.
    dated = [a if "~" in a.id else attrs.evolve(a, published="2024-03-09T08:00:00Z")
             for a in articles]
    _assert_originals_are_canonical(dedup(dated), originals, ("earliest published",))


def test_own_paragraphs_are_the_texts_no_group_mate_carries() -> None:
    """Per article, its distinct content paragraphs that no other member of its group
    carries; a paragraph repeated in one article counts once, boilerplate (not allowed)
    never; in a group of one or two nothing is counted (two versions: which one edited?)."""
    # Articles 0, 1, 2 in group 0 (texts 0-4), 3 alone in group 1, 4 and 5 in group 2.
    article = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    unique = np.array([0, 1, 1, 4, 0, 2, 3, 0, 2, 5, 6, 7, 8, 7, 9])
    allowed = np.ones(article.size, dtype=bool)
    allowed[3] = False
    group_of = np.array([0, 0, 0, 1, 2, 2])
    # Article 0: text 1 (twice) is its own, text 4 is boilerplate; article 1: text 3; article
    # 2: none (texts 0 and 2 are carried by article 1 too).
    assert own_paragraphs(article, unique, allowed, group_of).tolist() == [1, 1, 0, 0, 0, 0]


def test_inserted_paragraphs_are_inside_the_shared_text_or_short_lines_around_it() -> None:
    """A line inserted between shared paragraphs and a short header are left out; the
    original's trailing text past its truncated copy's end, and the copy's text, are not."""
    body = [f"Paragraph {n} of the report says the council met on Monday to vote on budget "
            f"item {n} after a long debate among members." for n in range(5)]
    original = Article("original", "\n\n".join(body))
    repost = Article("repost", "\n\n".join(
        ["Feed | March 3", body[0], body[1], "Related: another story entirely about the "
         "weather in the mountains this weekend.", *body[2:4]]))
    features = extract_features([original, repost], DedupConfig())
    config = DedupConfig()
    matches = match_paragraphs(features, config, np.arange(2))
    allowed = features.shingles.sizes > 0
    ranking = preference([original, repost], [0, 0], np.arange(2), None)
    classes = copy_classes(features.paragraph_article, matches.unique_of, allowed, 2,
                           ranking.rank)
    links = link_articles(features, matches, allowed, classes, ranking, config, np.arange(2))
    assert links.duplicate.any()
    flagged = inserted_paragraphs(features, links, allowed, matches)
    start = features.article_paragraphs
    assert flagged[start[0]:start[1]].tolist() == [False] * 5
    assert flagged[start[1]:start[2]].tolist() == [True, False, False, True, False, False]


def test_group_keys_measure_completeness_against_the_group() -> None:
    """An original whose most complete duplicate sits in another group (a longer text that
    contains it) is measured against its own group once groups are known, so its repost
    does not win by a different yardstick."""
    articles = [Article("original", "x"), Article("repost", "y"), Article("longer", "z")]
    content, noise = np.array([100, 98, 200]), np.array([0, 1, 0])
    classes = SimpleNamespace(class_of=np.array([0, 1, 2]),
                              representative=np.array([0, 1, 2]))
    links = SimpleNamespace(a=np.array([0, 0]), b=np.array([1, 2]),
                            duplicate=np.array([True, True]))
    before = canonical_keys(articles, content, classes, links, noise)
    assert before[1] < before[0]  # the repost, measured against the original, wins
    groups = build_groups(3, [0], [1], before)
    keys = group_keys(articles, content, groups, noise)
    assert groups.reranked(keys).canonical[groups.group_of[0]] == 0


def _credited_group(ecbplus: list[dict[str, str]], original_published: str | None,
                    crediting: bool = True) -> list[Article]:
    """An original on wire.example and four reposts, dated: the first by a scraper, with
    no credit line, the three others opening with a credit line naming the original's
    site (unless ``crediting`` is False) and closing with their own footer."""
    text = next(d["text"] for d in ecbplus if d["text"].count("\n\n") >= 4)
    articles = [Article("original", text, url="https://wire.example/story",
                        published=original_published)]
    articles.append(Article("scraper", text, url="https://scraper.example/1",
                            published="2024-05-06T07:00:00+00:00"))
    for hour, name in enumerate(("alpha", "beta", "gamma"), start=8):
        header = ("This article originally appeared on wire.example." if crediting
                  else f"Posted in News by the {name.title()}news team.")
        articles.append(Article(
            name, f"{header}\n\n{text}\n\nCurated automatically by {name.title()}news.",
            url=f"https://{name}news.example/story", published=f"2024-05-06T{hour:02}:00:00Z"))
    return articles


def test_an_original_its_reposts_credit_is_the_canonical_without_its_date(
        ecbplus: list[dict[str, str]]) -> None:
    """Reposts naming the original's site in their boilerplate say which member is the
    source: undated, it counts as published before every dated member (the scraper's
    copy, which credits nobody, included); dated after the reposts crediting it, as
    published before them. Without credit lines the earliest dated copy wins, as the
    rule says; and an original crediting a group-mate itself is not moved."""
    undated = dedup(_credited_group(ecbplus, None))
    group = undated.group(undated.article("original").group_id)
    assert len(group.member_ids) == 5
    assert group.canonical_id == "original" and group.canonical_rule == "earliest published"
    late = dedup([a for a in _credited_group(ecbplus, "2024-05-06T12:00:00Z")
                  if a.id != "scraper"])
    assert late.group(late.article("original").group_id).canonical_id == "original"
    plain = dedup(_credited_group(ecbplus, None, crediting=False))
    assert plain.group(plain.article("original").group_id).canonical_id == "scraper"
    circular = _credited_group(ecbplus, None)
    circular[0] = Article("original", "This article originally appeared on alphanews.example."
                          "\n\n" + circular[0].text,
                          url="https://wire.example/story")
    mutual = dedup(circular)
    assert mutual.group(mutual.article("original").group_id).canonical_id == "scraper"


def test_credits_need_texts_and_group_mates() -> None:
    """Without texts (an index query's neighbours may have none) nothing is moved; an
    article alone in its group is never credited."""
    articles = [Article("a", "Intro.\n\nThis article originally appeared on b.example.",
                        url="https://a.example/1", published="2024-05-06"),
                Article("b", "Other text entirely.", url="https://b.example/1")]
    features = extract_features(articles, DedupConfig())
    groups = build_groups(2, [], [], [("k", 0), ("k", 1)], np.array([-1, -1]))
    versions = (np.array([1.0, np.nan]), np.zeros(2, dtype=np.int64))
    flagged = np.ones(features.spans.shape[0], dtype=bool)
    assert credited_times(articles, None, features, flagged, groups, versions) is versions
    times, _ = credited_times(articles, [a.text for a in articles], features, flagged, groups,
                              versions)
    assert np.isnan(times[1]) and times[0] == 1.0
