"""Article links: exact scores, relations, coverage and digest recognition."""

from __future__ import annotations

import re
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import load_ecbplus, load_seeds
from newsdedup import Article, DedupConfig, dedup
from newsdedup._corpora.messy import teaser
from newsdedup._near_duplicates import links as links_module
from newsdedup._text.paragraphs import split_paragraphs

from ._digest_reference import _find_digests as reference_find_digests


def _match(result: object, a: str, b: str) -> object:
    return next(m for m in result.matches if {m.a, m.b} == {a, b})  # type: ignore[attr-defined]


def test_scores_are_exact_set_similarities() -> None:
    """Reported Jaccard and containment equal the exact shingle-set values."""
    seed = load_seeds()[0]
    paragraphs = split_paragraphs(seed.text)
    half = Article("half", "\n".join(paragraphs[:9]))
    result = dedup([seed, half])
    match = _match(result, seed.id, "half")
    assert match.b_in_a == 1.0 or match.a_in_b == 1.0  # type: ignore[attr-defined]
    # Exact: Jaccard equals |A & B| / |A | B| = |half| / |seed| since half is inside seed.
    assert 0 < match.jaccard < 1  # type: ignore[attr-defined]
    assert match.jaccard == min(match.a_in_b, match.b_in_a)  # type: ignore[attr-defined]


def test_relations_read_from_a_to_b() -> None:
    """A truncated copy is 'contained-in' its original; the original 'contains' it."""
    seed = load_seeds()[1]
    paragraphs = split_paragraphs(seed.text)
    short = Article("zz-short", "\n".join(paragraphs[:6]))
    result = dedup([seed, short])
    match = _match(result, seed.id, "zz-short")
    assert (match.a, match.relation) == (seed.id, "contains")  # type: ignore[attr-defined]
    assert result.article("zz-short").relation == "contained-in"


def test_partial_reuse_is_a_match_but_not_a_duplicate() -> None:
    """Two different articles quoting one shared paragraph are linked as partial reuse."""
    seeds = load_seeds()
    quote = split_paragraphs(seeds[0].text)[4]
    other = Article("quoter", seeds[3].text + "\n\n" + quote)
    result = dedup([seeds[0], other])
    match = _match(result, seeds[0].id, "quoter")
    assert match.relation == "partial-reuse" and not match.is_duplicate  # type: ignore[attr-defined]
    assert [(s.a_index, s.similarity) for s in match.shared_paragraphs] == [(4, 1.0)]  # type: ignore[attr-defined]


def test_low_coverage_containment_is_not_a_duplicate() -> None:
    """A long page that quotes a short article in full contains it but is no copy of it."""
    seeds = load_seeds()
    short = Article("short", "\n".join(split_paragraphs(seeds[3].text)[:3]))
    page = Article("page", seeds[0].text + "\n\n" + short.text)
    result = dedup([short, page])
    match = _match(result, "page", "short")
    assert match.relation == "contains" and not match.is_duplicate  # type: ignore[attr-defined]
    assert result.article("short").group_id != result.article("page").group_id


def test_boilerplate_does_not_create_links() -> None:
    """Articles sharing only a site footer are not linked."""
    seeds = load_seeds()
    footer = "Stay connected with us on social media: click here to join our Telegram."
    articles = [Article(a.id, a.text + "\n\n" + footer) for a in seeds[:3]]
    result = dedup(articles)
    assert result.matches == ()


def test_article_shingle_sets_are_unions_of_allowed_paragraphs() -> None:
    """Each article's set is the sorted union of its allowed paragraphs' shingle sets."""
    import numpy as np

    from newsdedup import DedupConfig
    from newsdedup._near_duplicates.links import article_shingle_sets
    from newsdedup._text.features import extract_features

    articles = [*load_seeds(), Article("empty", ""), Article("twice", "Same line.\nSame line.")]
    features = extract_features(articles, DedupConfig())
    allowed = np.random.default_rng(0).random(len(features.shingles)) < 0.7
    sets = article_shingle_sets(features, allowed)
    owner = features.paragraph_article
    for article in range(len(articles)):
        expected: set[int] = set()
        for paragraph in np.flatnonzero((owner == article) & allowed).tolist():
            expected |= set(features.shingles.row(paragraph).tolist())
        assert sets.row(article).tolist() == sorted(expected)


def test_content_sizes_are_the_sizes_of_the_unions() -> None:
    """article_content_sizes equals the sizes of article_shingle_sets, without the sets."""
    import numpy as np

    from newsdedup import DedupConfig
    from newsdedup._near_duplicates.links import article_content_sizes, article_shingle_sets
    from newsdedup._text.features import extract_features

    articles = [*load_seeds(), Article("empty", ""), Article("twice", "Same line.\nSame line.")]
    features = extract_features(articles, DedupConfig())
    allowed = np.random.default_rng(1).random(len(features.shingles)) < 0.6
    sizes = article_shingle_sets(features, allowed).sizes
    assert np.array_equal(article_content_sizes(features, allowed), sizes)
    chosen = np.isin(np.arange(len(articles)), [6, 0, 3])
    assert np.array_equal(article_content_sizes(features, allowed, chosen),
                          np.where(chosen, sizes, 0))
    chosen_sets = article_shingle_sets(features, allowed, chosen)
    full_sets = article_shingle_sets(features, allowed)
    for article in range(len(articles)):
        expected = full_sets.row(article).tolist() if chosen[article] else []
        assert chosen_sets.row(article).tolist() == expected


@pytest.mark.parametrize("workers", [1, 2])
def test_pair_scores_with_kept_unions_equal_unions_merged_per_pair(workers: int) -> None:
    """The pairs' unions built once and kept (under ``_KEPT_UNION_SHINGLES``) give the
    intersections and sizes of each pair's unions merged when needed (past it), on one
    thread or two; every article appears in several pairs, on either side."""
    from newsdedup import DedupConfig
    from newsdedup._text.features import extract_features

    documents = load_ecbplus()[:60]
    articles = [Article(d["id"], d["text"]) for d in documents]
    features = extract_features(articles, DedupConfig())
    allowed = np.random.default_rng(2).random(len(features.shingles)) < 0.8
    rng = np.random.default_rng(3)
    pairs = np.unique(np.sort(rng.integers(0, len(articles), (300, 2)), axis=1), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    a, b = np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1])
    kept = links_module._pair_scores(features, allowed, a, b, workers)
    merged_once = links_module._KEPT_UNION_SHINGLES
    try:
        links_module._KEPT_UNION_SHINGLES = 0
        merged = links_module._pair_scores(features, allowed, a, b, workers)
    finally:
        links_module._KEPT_UNION_SHINGLES = merged_once
    sets = links_module.article_shingle_sets(features, allowed)
    expected = [len(set(sets.row(x).tolist()) & set(sets.row(y).tolist()))
                for x, y in zip(a.tolist(), b.tolist(), strict=True)]
    assert kept.intersection.tolist() == merged.intersection.tolist() == expected
    assert kept.left_size.tolist() == merged.left_size.tolist()
    assert kept.right_size.tolist() == merged.right_size.tolist()
    assert sum(expected) > 0


def test_a_lead_excerpt_is_a_contained_copy() -> None:
    """A repost cut to its first paragraphs (wholly contained, covering ~40% of the source)
    joins the source's group; a page quoting a short article as a small part does not."""
    seed = load_seeds()[1]
    excerpt = Article("excerpt", "\n".join(split_paragraphs(seed.text)[:3]))
    result = dedup([seed, excerpt])
    match = _match(result, seed.id, "excerpt")
    assert 0.3 <= match.jaccard < 0.5  # type: ignore[attr-defined]
    assert match.is_duplicate  # type: ignore[attr-defined]
    assert result.article("excerpt").group_id == result.article(seed.id).group_id
    off = dedup([seed, excerpt], excerpt_coverage=0.6, teaser_tokens=None)
    assert off.article("excerpt").group_id != off.article(seed.id).group_id


def test_a_lead_excerpt_counts_by_paragraphs() -> None:
    """An article opening with short lines (a link, a headline, a dateline) then long ones:
    its first three paragraphs hold a third of its paragraphs but little of its text. As a
    repost cut there, it is a lead excerpt (a run of two paragraphs or more from the lead,
    a quarter of them); its first paragraph alone, or three paragraphs from its middle, are
    not. Its first two of eight paragraphs (a lead excerpt of 30-45% in whole paragraphs,
    rounded down) are one too."""
    source = next(Article(row["id"], row["text"]) for row in load_ecbplus()
                  if row["id"] == "16_2ecbplus")
    paragraphs = split_paragraphs(source.text)
    assert len(paragraphs) <= 10
    lead = Article("lead", "\n\n".join(paragraphs[:3]))
    result = dedup([source, lead])
    match = _match(result, source.id, "lead")
    assert match.jaccard < 0.2  # it covers little of the text  # type: ignore[attr-defined]
    assert result.article("lead").group_id == result.article(source.id).group_id
    for name, part in (("first", paragraphs[:1]), ("middle", paragraphs[3:6])):
        other = dedup([source, Article(name, "\n\n".join(part))])
        assert other.article(name).group_id != other.article(source.id).group_id, name
    eight = next(Article(row["id"], row["text"]) for row in load_ecbplus()
                 if row["id"] == "16_8ecbplus")
    assert len(split_paragraphs(eight.text)) == 8
    two = Article("two", "\n\n".join(split_paragraphs(eight.text)[:2]))
    result = dedup([eight, two])
    assert _match(result, eight.id, "two").jaccard < 0.2  # type: ignore[attr-defined]
    assert result.article("two").group_id == result.article(eight.id).group_id


_REPORT = ("Police in Harrisville are looking for a suspect who robbed a liquor store in the "
           "{block} block of {street} Street {day}.\n\n{left}\n\nInvestigators remained at the "
           "scene for several hours.\n\nAnyone with information is asked to call the "
           "Harrisville Police Department at (555) 104-3299.")


def test_a_line_of_its_own_is_not_an_edit() -> None:
    """Two formulaic reports of one station, days apart, differ in few shingles, but each has
    a sentence the other lacks: not copies. A repost with edited words is one."""
    first = Article("first", _REPORT.format(
        block=2700, street="School", day="Thursday",
        left="He left with about $7,800 and fled on foot toward Pine Street."),
        published="2023-09-14T22:00:00Z")
    second = Article("second", _REPORT.format(
        block=3600, street="Main", day="Saturday",
        left="He left with about $400 and fled on foot toward Route 9. No one was injured."),
        published="2023-09-17T15:00:00Z")
    repost = Article("repost", "Valley Wire | September 15, 2023\n\n" + first.text.replace(
        "remained", "stayed").replace("several", "two"), published="2023-09-15T08:00:00Z")
    result = dedup([first, second, repost])
    assert result.article("second").group_id != result.article("first").group_id
    assert not _match(result, "first", "second").is_duplicate  # type: ignore[attr-defined]
    assert result.article("repost").group_id == result.article("first").group_id


_FIRE = ("A {age}-year-old man was hurt when fire broke out in a home on {street} in {town} "
         "{day}.\n\nA {age}-year-old man was taken to Memorial Hospital for smoke inhalation."
         "\n\nFlames were coming through the roof when firefighters arrived.\n\n{extra}\n\n"
         "It was not immediately clear whether the incident was connected to any others in "
         "the area.\n\nAnyone with information is asked to call the {town} Police Department "
         "at (555) {phone}.")


def _fire_reports() -> list[Article]:
    first = Article("first", _FIRE.format(
        age=55, street="Maple Drive", town="Dunmore", day="Thursday", phone="842-7888",
        extra="Investigators remained at the scene for several hours."),
        published="2022-03-10T10:00:00Z")
    second = Article("second", _FIRE.format(
        age=64, street="Prospect Street", town="Riverton", day="Monday", phone="202-8093",
        extra="The Red Cross is helping the family."), published="2022-03-12T10:00:00Z")
    repost = Article("repost", "Source: wbnd-13.example | Curated by Metro Wire\n\n"
                     + first.text.replace("when fire broke", "when a fire broke")
                     .replace("remained at", "stayed at"), published="2022-03-11T08:00:00Z")
    return [first, second, repost]


def test_an_edit_changes_words_not_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """A formulaic report of another fire (another age, street, town, phone) holds most of
    the first report's shingles; it is no copy, because its edited lines name what the
    first does not. A repost editing words (not names) still is one. Without the names
    check, both reports would be one group."""
    result = dedup(_fire_reports())
    assert result.article("repost").group_id == result.article("first").group_id
    assert result.article("second").group_id != result.article("first").group_id
    assert not _match(result, "first", "second").is_duplicate  # type: ignore[attr-defined]
    monkeypatch.setattr(links_module, "_names_agree",
                        lambda features, allowed, a, b, unshared_a, unshared_b, wanted,
                        strict=None: wanted.copy())
    monkeypatch.setattr(links_module, "_contained_names_kept",
                        lambda features, allowed, inner, outer, unshared, wanted,
                        strict=None: wanted.copy())
    # The second report's lead, a line of 15 tokens, is no wrapper either (it shares words
    # with the first's lead): that alone keeps them apart now ...
    names_unchecked = dedup(_fire_reports())
    assert names_unchecked.article("second").group_id != names_unchecked.article("first").group_id
    # ... and without both checks, the two reports are one group.
    monkeypatch.setattr(links_module, "_WRAPPER_SHARED_SHINGLES", 10**6)
    unchecked = dedup(_fire_reports())
    assert unchecked.article("second").group_id == unchecked.article("first").group_id


def test_an_edited_copy_weeks_later_keeps_every_name() -> None:
    """Past ``edited_copy_days``, an edited copy must name nothing new: a repost five weeks
    after its original, two words edited, is a copy; a report naming another street (one
    word of the lead) is one within days (an edit may correct a name), not six weeks
    later, when it is a formulaic report of another incident."""
    full = _fire_reports()[0]
    # Three paragraphs: one word of the lead is a fifth of the shingles (Jaccard < 0.8).
    first = attrs.evolve(full, text="\n\n".join(full.text.split("\n\n")[:3]))
    weeks_later = "2022-04-14T10:00:00Z"
    repost = Article("repost", first.text.replace("when fire broke", "when a fire broke")
                     .replace("coming through", "pouring through"), published=weeks_later)
    other_street = first.text.replace("Maple Drive", "Maple Avenue")
    # (A week apart from the repost too, which it would otherwise join as its edit.)
    result = dedup([first, repost, Article("other", other_street,
                                           published="2022-04-21T10:00:00Z")])
    assert result.article("repost").group_id == result.article("first").group_id
    assert result.article("other").group_id != result.article("first").group_id
    days_later = dedup([first, Article("other", other_street,
                                       published="2022-03-11T10:00:00Z")])
    assert days_later.article("other").group_id == days_later.article("first").group_id
    # Beyond copy_window_days no edited copy is one.
    months_later = dedup([first, attrs.evolve(repost, published="2022-07-14T10:00:00Z")])
    assert months_later.article("repost").group_id != months_later.article("first").group_id


_HOUSE_FIRE = ("A {age}-year-old man was hurt when fire broke out in a home on {street} in "
               "{town} Thursday.\n\n{first}\n\n{second}\n\nA {age}-year-old man was taken to "
               "Memorial Hospital for smoke inhalation.\n\n{extra}Investigators remained at "
               "the scene for several hours.{tail}")
_RED_CROSS = ("The Red Cross is helping the family. Flames were coming through the roof when "
              "firefighters arrived.")
_CAUSE = "The cause of the fire is under investigation."


def test_a_formulaic_report_contained_in_another_is_no_copy() -> None:
    """A report of one fire is contained (0.69) in a longer report of another, seven months
    later, up to its lead (another age, street and town): they only share stock sentences,
    so their relation is a partial reuse, not "contains", and their stories stay apart
    (copies are held in one story whatever their dates). A repost is still a copy."""
    lakeside = Article("lakeside", _HOUSE_FIRE.format(
        age=49, street="Jefferson Street", town="Lakeside", first=_RED_CROSS, second=_CAUSE,
        extra="", tail="\n\nTips can be left anonymously with Lakeside Crime Stoppers at "
                       "(555) 192-4680."), published="2020-02-06T21:17:25Z")
    hillcrest = Article("hillcrest", _HOUSE_FIRE.format(
        age=76, street="School Street", town="Hillcrest", first=_CAUSE, second=_RED_CROSS,
        extra="It was not immediately clear whether the incident was connected to any others "
              "in the area. Officers from the Hillcrest Police Department responded to the 500 "
              "block of School Street around 9:45 a.m., according to a news release.\n\n",
        tail=""), published="2020-09-18T04:22:42Z")
    repost = Article("repost", lakeside.text.replace("remained at", "stayed at"),
                     published="2020-02-07T10:00:00Z")
    result = dedup([lakeside, hillcrest, repost])
    assert _match(result, "hillcrest", "lakeside").relation == "partial-reuse"  # type: ignore[attr-defined]
    assert result.article("lakeside").story_id != result.article("hillcrest").story_id
    assert result.article("repost").group_id == result.article("lakeside").group_id


_STABBING_STOCK = (
    "A knife was recovered near the scene.\n\n"
    "Police said the two men knew each other. The suspect ran from the scene before officers "
    "arrived.\n\n"
    "Capt. Alicia Morales said detectives are reviewing surveillance video from nearby homes "
    "and businesses. Anyone with information is asked to call the Greenville Police "
    "Department at (555) 829-5740.")


def test_a_report_opening_with_its_own_lead_is_not_unwrapped() -> None:
    """Two stabbings in one town told in one station's stock sentences, five days apart: the
    second opens with a 15-token lead of its own ("Police in Greenville are investigating a
    stabbing in the 2600 block of Prospect Street Wednesday.") where the first's lead (a
    bank branch on Maple Drive) is not carried. A repost's header wraps the text from its
    start, so that lead is no header to leave out: the reports are no copies (seed 2 of the
    crawl stand-in grouped them, and the copy link held two incidents in one story). A
    repost with a header line before the whole report is still a copy."""
    maple = Article("maple", "A 70-year-old man was hospitalized after being stabbed outside a "
                    "bank branch on Maple Drive.\n\n" + _STABBING_STOCK
                    + "\n\nThe victim was taken to Regional Medical Center in fair condition."
                    "\n\nNo other details were immediately released.",
                    source="kxtv-local.example", published="2021-05-28T09:31:28Z")
    prospect = Article("prospect", "Police in Greenville are investigating a stabbing in the "
                       "2600 block of Prospect Street Wednesday.\n\n" + _STABBING_STOCK,
                       source="tri-county-patch.example", published="2021-06-02T05:38:20Z")
    repost = Article("repost", "Source: kxtv-local.example | Curated by Newsdesk\n\n"
                     + maple.text, source="newsdesk.example", published="2021-05-28T12:00:00Z")
    result = dedup([maple, prospect, repost])
    assert _match(result, "maple", "prospect").relation == "partial-reuse"  # type: ignore[attr-defined]
    assert result.article("maple").group_id != result.article("prospect").group_id
    assert result.article("repost").group_id == result.article("maple").group_id


def test_a_copy_that_dropped_a_name_still_agrees() -> None:
    """Of two copies of one text, one may have lost a figure the other kept: they agree
    (one of the two names nothing new), and both join the original."""
    first = _fire_reports()[0]
    dropped = Article("dropped", first.text.replace(" Thursday.", "."),
                      published="2022-03-10T12:00:00Z")
    kept = Article("kept", first.text.replace("when fire broke", "when a fire broke"),
                   published="2022-03-10T13:00:00Z")
    result = dedup([dropped, kept])
    assert result.article("dropped").group_id == result.article("kept").group_id
    # Two copies each correcting one figure differently are still copies of one another.
    three = Article("three", first.text.replace("several hours", "3 hours"),
                    published="2022-03-10T12:00:00Z")
    four = Article("four", first.text.replace("several hours", "4 hours"),
                   published="2022-03-10T13:00:00Z")
    corrected = dedup([three, four])
    assert corrected.article("three").group_id == corrected.article("four").group_id


def test_edited_line_names_kernel() -> None:
    """The compiled check: a line naming words the other lacks (more than one, and more than
    a quarter of its names) fails only when it is an edited line of the other (a quarter of
    its shingles, not all, in one paragraph)."""
    from newsdedup import DedupConfig
    from newsdedup._kernels import edited_line_names
    from newsdedup._text.features import extract_features

    reports = _fire_reports()
    features = extract_features(reports, DedupConfig())
    allowed = np.ones(features.token_counts.size, dtype=bool)
    text_line = features.token_counts >= links_module.TEXT_TOKENS
    kept = edited_line_names(features.article_paragraphs, text_line, allowed,
                             features.shingles.offsets, features.shingles.values,
                             features.name_offsets, features.names, features.article_terms,
                             features.terms, np.array([1, 2, 0]), np.array([0, 0, 2]), 0.25,
                             1, 0.25, links_module._WEEKDAYS)
    assert kept.tolist() == [False, True, True]
    # Allowing six new names a line (the lead names five of its own): all kept.
    assert edited_line_names(features.article_paragraphs, text_line, allowed,
                             features.shingles.offsets, features.shingles.values,
                             features.name_offsets, features.names, features.article_terms,
                             features.terms, np.array([1]), np.array([0]), 0.25, 6,
                             0.25, np.zeros(0, dtype=np.uint32)).tolist() == [True]
    # Its own line, sharing no shingle, is no edit: with share 1.01 nothing is an edit.
    assert edited_line_names(features.article_paragraphs, text_line, allowed,
                             features.shingles.offsets, features.shingles.values,
                             features.name_offsets, features.names, features.article_terms,
                             features.terms, np.array([1]), np.array([0]), 1.01, 1,
                             0.25, links_module._WEEKDAYS).tolist() == [True]


def _roundup_sources() -> tuple[Article, Article]:
    """Two ECB+ articles of different events, each with at least five paragraphs."""
    long_ones = [Article(row["id"], row["text"]) for row in load_ecbplus()
                 if len(split_paragraphs(row["text"])) >= 5]
    first = long_ones[0]
    second = next(a for a in long_ones if a.id.split("_")[0] != first.id.split("_")[0])
    return first, second


def _lead(article: Article, count: int) -> str:
    return "\n\n".join(split_paragraphs(article.text)[:count])


def test_a_roundup_of_leads_is_a_digest() -> None:
    """A roundup page made of the leads of two articles contains neither of them and is a
    copy of neither: a digest, in no group with their copies. (Before the rule, it was the
    canonical of a group with a cut repost of the first, which it contains, having been
    published first.)"""
    first, second = _roundup_sources()
    roundup = Article("roundup", "Morning roundup: the stories of the day\n\n"
                      f"{_lead(first, 4)}\n\n{_lead(second, 2)}", published="2024-03-01")
    sources = [Article(a.id, a.text, published="2024-03-02") for a in (first, second)]
    cut = Article("cut", _lead(first, 3), published="2024-03-02T06:00")
    result = dedup([*sources, roundup, cut])
    page = result.article("roundup")
    assert page.is_digest
    assert not any(result.article(a.id).is_digest for a in (*sources, cut))
    assert result.group(page.group_id).member_ids == ("roundup",)
    assert result.article("cut").group_id == result.article(first.id).group_id


def test_an_article_made_of_other_articles_middles_is_no_digest() -> None:
    """An article made wholly of paragraphs of two others, but not of their leads, is a
    write-up from two wires (as ECB+ has several), not a roundup: no digest."""
    first, second = _roundup_sources()
    middle = [split_paragraphs(a.text)[2:4] for a in (first, second)]
    article = Article("write-up", "\n\n".join([*middle[0], *middle[1]]))
    result = dedup([first, second, article])
    assert not result.article("write-up").is_digest
    shared = {m.b if m.a == "write-up" else m.a for m in result.matches}
    assert shared == {first.id, second.id}
    leads = Article("write-up", "\n\n".join([_lead(first, 2), _lead(second, 2)]))
    assert dedup([first, second, leads]).article("write-up").is_digest


def test_a_roundup_needs_its_pieces_to_make_the_page() -> None:
    """Leads of two articles inside a page that is mostly text of its own: no digest."""
    first, second = _roundup_sources()
    own = "\n\n".join(split_paragraphs(load_seeds()[2].text))
    page = Article("page", f"{own}\n\n{_lead(first, 1)}\n\n{_lead(second, 1)}")
    result = dedup([first, second, page])
    assert not result.article("page").is_digest


def test_a_roundup_carries_leads_as_runs() -> None:
    """Pieces of a roundup are runs of the page copying each text's first paragraphs in
    order. The same four paragraphs interleaved (as the stock sentences of formulaic reports
    match scattered lines of each other) make no roundup."""
    first, second = _roundup_sources()
    one, two = split_paragraphs(first.text)[:2], split_paragraphs(second.text)[:2]
    runs = Article("page", "\n\n".join([*one, *two]))
    assert dedup([first, second, runs]).article("page").is_digest
    interleaved = Article("page", "\n\n".join([one[0], two[0], one[1], two[1]]))
    assert not dedup([first, second, interleaved]).article("page").is_digest


def test_a_roundup_may_carry_a_short_articles_lead_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A roundup carrying one article's lead and, before it, only the first paragraph of
    another (a short article's lead fits in one paragraph) is a digest: that paragraph,
    copied whole and long, is a piece. Without lone pieces the page is no digest (in a feed
    it was then the copy of a cut repost of the first article, which it contains)."""
    first, _ = _roundup_sources()
    second = next(Article(row["id"], row["text"]) for row in load_ecbplus()
                  if row["id"].split("_")[0] != first.id.split("_")[0]
                  and len(re.findall(r"[a-z]{2,}", split_paragraphs(row["text"])[0])) >= 30)
    lone = split_paragraphs(second.text)[0]
    page = Article("roundup", f"{lone}\n\n{_lead(first, 3)}", published="2024-03-01")
    sources = [Article(a.id, a.text, published="2024-03-02") for a in (first, second)]
    result = dedup([*sources, page])
    assert result.article("roundup").is_digest
    assert result.group(result.article("roundup").group_id).member_ids == ("roundup",)
    monkeypatch.setattr(links_module, "_LONE_PIECE_SHINGLES", 10**6)
    assert not dedup([*sources, page]).article("roundup").is_digest


def _briefing_sources(count: int) -> list[Article]:
    """``count`` ECB+ articles of different topics with a teaser
    (``_corpora.messy.teaser``: the first sentences of the lead, cut with an ellipsis)."""
    chosen: dict[str, Article] = {}
    for row in load_ecbplus():
        article = Article(row["id"], row["text"], published="2024-03-01")
        if row["topic"] not in chosen and teaser(article.text) is not None:
            chosen[row["topic"]] = article
    return list(chosen.values())[:count]


def test_a_briefing_of_teasers_is_a_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    """A briefing (a newsletter page: a header, then the first sentences of each of several
    articles' leads, each cut with an ellipsis) is a digest: each teaser, held in its
    article's lead, is a piece, and five pieces of different texts make the page even with
    its header and a footer of its own. Its articles, of different events, keep their own
    stories. Before: its teasers were no pieces (a lone piece had to be a whole lead) and
    pieces had to make 90% of the page; 1 of 30 such briefings built from ECB+ was a
    digest, and the unrecognised ones joined stories of the articles they tease."""
    sources = _briefing_sources(5)
    assert len(sources) == 5
    teasers = [teaser(a.text) for a in sources]
    briefing = Article("briefing", "\n\n".join(
        ["Your morning briefing: the stories you need to know today.", *map(str, teasers),
         "Forward this briefing to a friend who would enjoy it."]),
        published="2024-03-01T18:00")
    result = dedup([*sources, briefing])
    page = result.article("briefing")
    assert page.is_digest
    assert result.group(page.group_id).member_ids == ("briefing",)
    assert len({result.article(a.id).story_id for a in sources}) == len(sources)
    # A teaser held in its lead counts as a lone piece only as long as the lead holds it.
    monkeypatch.setattr(links_module, "_held_shingles", lambda jaccard, first, second: 0 * first)
    assert not dedup([*sources, briefing]).article("briefing").is_digest


def test_an_article_quoting_teasers_is_no_digest() -> None:
    """An article of its own that quotes the openings of three others (a column recalling
    the week's news) is no digest: the pieces make a small share of it."""
    sources = _briefing_sources(3)
    own = "\n\n".join(split_paragraphs(load_seeds()[2].text))
    column = Article("column", "\n\n".join([own, *(str(teaser(a.text)) for a in sources)]))
    assert not dedup([*sources, column]).article("column").is_digest


def test_a_member_without_a_link_to_its_canonical_gets_one() -> None:
    """A group is a star around its centre; its canonical, the best-ranked member, may have
    no link with a member joined through the centre (they share no matched paragraph, or a
    popular paragraph linked each to other hubs): link_to_canonicals adds the pair with its
    exact scores, a relation by the thresholds alone, and no duplicate flag (it made no
    group); existing links are kept as they are."""
    from newsdedup import DedupConfig
    from newsdedup._near_duplicates.copies import CopyClasses
    from newsdedup._near_duplicates.groups import GroupAssignment
    from newsdedup._near_duplicates.links import (
        ArticleLinks,
        article_shingle_sets,
        link_to_canonicals,
    )
    from newsdedup._text.features import extract_features

    seed = load_seeds()[1]
    paragraphs = split_paragraphs(seed.text)
    articles = [Article("cut", "\n\n".join(paragraphs[:5])), seed,
                Article("other", load_seeds()[3].text)]
    config = DedupConfig()
    features = extract_features(articles, config)
    allowed = features.shingles.sizes > 0
    index = np.arange(3, dtype=np.int64)
    classes = CopyClasses(index, index, np.arange(4, dtype=np.int64), index,
                          np.zeros(4, dtype=np.int64), np.zeros(0, dtype=np.int64))
    links = ArticleLinks(classes=classes, a=np.array([1]), b=np.array([2]),
                         jaccard=np.array([0.5]), a_in_b=np.array([0.5]),
                         b_in_a=np.array([0.5]), relation=("partial-reuse",),
                         duplicate=np.array([True]), digest=np.zeros(3, dtype=bool),
                         content_size=np.zeros(3, dtype=np.int64))
    # A group centred on the seed (linked to both: the link to "cut" was not made here),
    # whose canonical is "cut".
    groups = GroupAssignment(np.zeros(3, dtype=np.int64), (0,), ((0, 1, 2),), (1,))
    linked = link_to_canonicals(features, allowed, links, groups, config)
    assert linked.a.tolist() == [1, 0, 0] and linked.b.tolist() == [2, 1, 2]
    assert linked.relation[0] == "partial-reuse" and linked.duplicate.tolist() == [True, False,
                                                                                   False]
    sets = [set(article_shingle_sets(features, allowed).row(k).tolist()) for k in range(3)]
    for n, (left, right) in enumerate([(0, 1), (0, 2)], start=1):
        shared = len(sets[left] & sets[right])
        assert linked.jaccard[n] == shared / len(sets[left] | sets[right])
        assert linked.a_in_b[n] == shared / len(sets[left])
        assert linked.b_in_a[n] == shared / len(sets[right])
    assert linked.relation[1:] == ("contained-in", "partial-reuse")
    assert link_to_canonicals(features, allowed, linked, groups, config) is linked
    # Centred on its canonical, a group's members are linked to it by their duplicate links:
    # nothing is looked up.
    centred = GroupAssignment(np.zeros(3, dtype=np.int64), (0,), ((0, 1, 2),), (0,))
    assert link_to_canonicals(features, allowed, links, centred, config) is links


def test_a_contained_copy_names_nothing_its_original_lacks() -> None:
    """The names check of an edited contained copy reads the copy's lines, not the
    original's: a short robbery report is contained in a longer one of another town up to
    its lead, which names another town, block, street and day. The longer report's own
    lines name nothing new in lines the two share; read that way round, as before, the two
    passed for a copy and its original."""
    shared = ("The suspect showed a handgun and demanded cash from the clerk.\n\n"
              "The suspect was described as a man in his 20s wearing a dark hooded sweatshirt "
              "and a face mask.\n\nNo other details were immediately released.")
    longer = Article("yorktown", "Police in Yorktown are looking for a suspect who robbed a "
                     "Dollar General store in the 400 block of Elm Street Saturday.\n\nHe left "
                     "with about $4,700 and fled on foot toward River Road.\n\n" + shared
                     + "\n\nTips can be left anonymously with Yorktown Crime Stoppers at "
                     "(555) 796-3945.", published="2021-05-02")
    shorter = Article("millbrook", "Police in Millbrook are looking for a suspect who robbed a "
                      "pharmacy in the 3400 block of River Road Thursday.\n\n" + shared,
                      published="2021-05-03")
    result = dedup([longer, shorter])
    assert result.article("millbrook").group_id != result.article("yorktown").group_id
    assert _match(result, "yorktown", "millbrook").relation == "partial-reuse"  # type: ignore[attr-defined]
    edited = Article("copy", shorter.text.replace("Millbrook", "Yorktown")
                     .replace("3400", "400").replace("pharmacy", "store")
                     .replace("River Road Thursday", "Elm Street Saturday"),
                     published="2021-05-03")
    assert dedup([longer, edited]).article("copy").group_id == (
        dedup([longer, edited]).article("yorktown").group_id)


# --- the compiled line checks against their plain-Python definitions -----------------------

@st.composite
def _two_texts(draw: st.DrawFn) -> dict[str, object]:
    """Two articles (0 and 1) of a few paragraphs, each a sorted set of small shingle values,
    with token counts, content flags, and article 1's text as the union of its content."""
    counts = [draw(st.integers(1, 5)), draw(st.integers(1, 5))]
    article_paragraphs = np.array([0, counts[0], counts[0] + counts[1]], dtype=np.int64)
    sets = [sorted(draw(st.sets(st.integers(0, 40), max_size=12))) for _ in range(sum(counts))]
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in sets], out=offsets[1:])
    values = np.array([v for s in sets for v in s], dtype=np.uint32)
    allowed = np.array(draw(st.lists(st.booleans(), min_size=len(sets), max_size=len(sets))))
    tokens = np.array(draw(st.lists(st.integers(1, 30), min_size=len(sets),
                                    max_size=len(sets))), dtype=np.int64)
    text = sorted({v for p in range(counts[0], len(sets)) if allowed[p] for v in sets[p]})
    return {"article_paragraphs": article_paragraphs, "sets": sets, "offsets": offsets,
            "values": values, "allowed": allowed, "tokens": tokens,
            "text_offsets": np.array([0, 0, len(text)], dtype=np.int64),
            "text_values": np.array(text, dtype=np.uint32), "text": set(text)}


@given(_two_texts(), st.sampled_from([0.0, 0.25, 0.5, 1.0]))
def test_lines_within_kernel_is_its_definition(case: dict[str, Any], share: float) -> None:
    """Every text line of article 0 has ``share`` of its shingles in article 1's text."""
    from newsdedup._kernels import lines_within

    text_line = case["allowed"] & (case["tokens"] >= 12)
    expected = all(len(set(case["sets"][p]) & case["text"]) >= share * len(case["sets"][p])
                   for p in range(case["article_paragraphs"][1]) if text_line[p])
    found = lines_within(case["article_paragraphs"], text_line, case["offsets"],
                         case["values"], case["text_offsets"], case["text_values"],
                         np.array([0]), np.array([1]), share)
    assert found.tolist() == [expected]


@given(_two_texts(), st.data())
def test_unwrapped_containment_kernel_is_its_definition(case: dict[str, Any],
                                                        data: st.DataObject) -> None:
    """Edges of article 0 around its shared paragraphs: short, sharing at most one shingle
    with article 1's text, at most a quarter of it: left out of its containment."""
    from newsdedup._kernels import unwrapped_containment_kernel

    first = int(case["article_paragraphs"][1])
    shared = sorted(data.draw(st.sets(st.integers(0, first - 1), max_size=first)))
    sizes = [len(s) if case["allowed"][p] else 0 for p, s in enumerate(case["sets"])]
    intersection, contained = data.draw(st.integers(0, 40)), data.draw(st.floats(0.0, 1.0))
    expected = contained
    if shared:
        edges = [p for p in (*range(0, shared[0]), *range(shared[-1] + 1, first))
                 if case["allowed"][p]]
        total = sum(sizes[:first])
        wrapper = sum(sizes[p] for p in edges)
        if (all(case["tokens"][p] <= 15 for p in edges)
                and all(len(set(case["sets"][p]) & case["text"]) <= 1 for p in edges)
                and not (wrapper > 0.25 * total or wrapper >= total)):
            expected = max(contained, min(1.0, intersection / (total - wrapper)))
    found = unwrapped_containment_kernel(
        np.array([0, len(shared)], dtype=np.int64), np.array(shared, dtype=np.int64),
        case["article_paragraphs"], case["allowed"], case["tokens"], case["offsets"],
        case["values"], case["text_offsets"], case["text_values"], np.array([0]),
        np.array([1]), np.array([contained]), np.array([intersection], dtype=np.int64),
        15, 1, 0.25)
    assert found.tolist() == [expected]


def test_a_short_article_reposted_with_three_edited_words_is_a_copy() -> None:
    """A one-sentence article reposted with three words replaced, a header and a footer:
    its Jaccard with the original is 0.32 (the edited-copy rule's floor is 0.4 for longer
    texts), but the two share an edited line of 12 shingles: one group. Another report that
    opens with the same 13 words and goes on in its own is not in it."""
    sentence = ("Two gang members were arrested in the fatal shooting of a sheriff's deputy who "
                "was murdered as he was getting ready to go to work, officials announced "
                "Saturday.")
    original = Article("original", sentence, published="2024-03-01T10:00:00Z")
    repost = Article("repost", "Source: tribune.example | Curated by Buzzstream\n\n"
                     + sentence.replace("members were", "reportedly were")
                     .replace("deputy who", "deputy further").replace("he was", "he still")
                     + "\n\nRead the full story on the publisher's website.",
                     published="2024-03-01T12:00:00Z")
    other = Article("other", "Two gang members were arrested in the fatal shooting of a "
                    "sheriff's deputy on Friday after a long chase through three counties "
                    "ended in a crash on the interstate, police said.",
                    published="2024-03-01T11:00:00Z")
    result = dedup([original, repost, other])
    assert result.article("repost").group_id == result.article("original").group_id
    assert result.article("other").group_id != result.article("original").group_id


def test_an_original_with_an_edited_copy_and_a_cut_copy_is_no_digest() -> None:
    """An original of a 13-token line and a longer one; a repost with one word of the first
    line edited (4 of its 9 shingles left: it covers 0.82 of the original) and a repost cut
    to the first line (0.32): by shingles the two "parts" need not overlap, and they share
    no matching paragraph, so the original read as a digest of two texts. The edited repost
    is the original's whole text, edited (as many shingles of its own as the original has,
    within the edit budget): the original is no digest, and it groups its repost."""
    first = "Sixers coach Jim O'Brien was fired today after one season, officials said."
    second = ("Taking over will be the former Portland Trail Blazers coach, who led his last "
              "team to the playoffs three seasons in a row.")
    original = Article("original", f"{first}\n\n{second}", published="2005-05-23T10:00:00Z")
    edited = Article("edited", f"{first.replace('today', 'Monday')}\n\n{second}",
                     published="2005-05-23T12:00:00Z")
    cut = Article("cut", first, published="2005-05-24T09:00:00Z")
    result = dedup([original, edited, cut])
    assert not result.article("original").is_digest
    assert result.article("edited").group_id == result.article("original").group_id


def test_a_digest_stays_a_digest_beside_an_edited_repost_of_its_long_article() -> None:
    """A page carrying a long article and a one-line one (12 tokens), beside an edited
    repost of the long one: within the edit budget of the page, but the repost is no edited
    copy of the whole page (the page's line is text of its own, not an edit: the two lack
    unequal numbers of each other's shingles), so the page stays a digest, grouped with
    neither article."""
    paragraphs = [
        "The city council approved a new budget for the harbour district on Tuesday evening "
        "after a debate that lasted more than four hours.",
        "The plan sets aside money for a sea wall, new lighting along the promenade and the "
        "repair of the old fish market roof, which leaked all winter.",
        "Opponents said the costs of the sea wall had been underestimated and asked for an "
        "independent review before any contract is signed.",
        "The mayor promised a second vote in the spring if the review finds the estimates "
        "too low, and said work could start in the summer.",
    ]
    long = Article("long", "\n\n".join(paragraphs), published="2024-03-05T08:00:00Z")
    short = Article("short", "A fire destroyed two barns near Millbrook on Monday, nobody was "
                    "hurt.", published="2024-03-05T09:00:00Z")
    page = Article("page", long.text + "\n\n" + short.text, published="2024-03-05T12:00:00Z")
    repost = Article("repost", long.text.replace("lasted more", "went on more"),
                     published="2024-03-05T10:00:00Z")
    result = dedup([long, short, page, repost])
    assert result.article("page").is_digest
    assert result.article("page").group_id not in {result.article(name).group_id
                                                   for name in ("long", "short", "repost")}
    assert result.article("repost").group_id == result.article("long").group_id


@given(st.integers(0, 2**32 - 1), st.integers(2, 30), st.floats(0.05, 0.9))
def test_digest_rule_equals_its_reference(seed: int, n_classes: int, density: float) -> None:
    """The digest rule on arrays gives the classes the per-container lists gave, on random
    links with tied coverages (the widest part: the lower class on a tie)."""
    rng = np.random.default_rng(seed)
    a, b = (side.astype(np.int64) for side in np.triu_indices(n_classes, k=1))
    chosen = rng.random(a.size) < density
    a, b = a[chosen], b[chosen]
    shares = np.array([0.0, 0.3, 0.45, 0.5, 0.55, 0.9, 0.97, 1.0])
    a_in_b, b_in_a = rng.choice(shares, a.size), rng.choice(shares, a.size)
    a_first = rng.random(a.size) < 0.5
    config = DedupConfig()
    expected = reference_find_digests(a, b, a_in_b, b_in_a, a_first, config, n_classes)
    found = links_module._find_digests(a, b, a_in_b, b_in_a, a_first, config, n_classes)
    assert found.tolist() == expected.tolist()


_ROBBERY = ("A {place} was robbed Monday around 4:15 p.m., the Brookhaven Police Department "
            "said.\n\nThe suspect was described as a man in his 20s wearing a dark hooded "
            "sweatshirt and a face mask.{injured} The suspect showed a handgun and demanded "
            "cash from the clerk.\n\n{middle}Officer Emily Henderson said detectives are "
            "reviewing surveillance video from nearby homes and businesses.\n\nTips can be "
            "left anonymously with Brookhaven Crime Stoppers at (555) 816-5600.")


def test_a_lead_naming_another_place_is_no_edit() -> None:
    """Two robberies of one afternoon told in one station's words, one at a pizza
    restaurant on Grove Street, the other at a bank branch on Route 22: the first is
    contained in the second to 0.8 and its lead names two words the other lacks, a quarter
    of the lead's eight names: another place, no edit (an edit may bring one new name, or
    under a quarter of a line's). A repost replacing one word is a copy."""
    first = Article("first", _ROBBERY.format(
        place="pizza restaurant on Grove Street", injured="", middle=""),
        published="2022-06-28T10:40:00Z")
    second = Article("second", _ROBBERY.format(
        place="bank branch on Route 22", injured="\n\nNo one was injured.",
        middle="He left with about $2,400 and fled on foot toward Oak Avenue. No other "
        "details were immediately released.\n\n"), published="2022-06-29T06:00:00Z")
    repost = Article("repost", first.text.replace("are reviewing", "were reviewing"),
                     published="2022-06-28T15:00:00Z")
    result = dedup([first, second, repost])
    assert result.article("second").group_id != result.article("first").group_id
    assert result.article("repost").group_id == result.article("first").group_id


_BURGLARY = ("A Kent Ridge family returned home {day} to find their house on Spring Street "
             "ransacked.\n\n{first}\n\nSgt. Anthony Walker said detectives are reviewing "
             "surveillance video from nearby homes and businesses.\n\n{middle}It was not "
             "immediately clear whether the incident was connected to any others in the "
             "area.\n\nAnyone with information is asked to call the Kent Ridge Police "
             "Department at (555) 102-8027.")


def test_an_edit_never_moves_the_event_to_another_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two burglaries of one town three days apart, told in the station's words: most of
    one report's shingles are in the other, and the only name the first's lead adds is
    its day (Saturday against Wednesday), where an edit may bring one new name (a
    corrected figure). A weekday it is not: two events, no copy. A repost of the first
    replacing a plain word (or dropping the day) is a copy."""
    first = Article("first", _BURGLARY.format(
        day="Saturday", first="The burglar got in through a back window, police said.",
        middle="No other details were immediately released.\n\n"),
        published="2022-08-28T10:00:00Z")
    second = Article("second", _BURGLARY.format(
        day="Wednesday", first="Jewelry, electronics and about $5,200 in cash were taken. "
        "The burglar got in through a back window, police said.", middle=""),
        published="2022-08-31T07:00:00Z")
    repost = Article("repost", first.text.replace("are reviewing", "were reviewing")
                     .replace("home Saturday", "home"), published="2022-08-29T09:00:00Z")
    result = dedup([first, second, repost])
    assert result.article("second").group_id != result.article("first").group_id
    assert result.article("repost").group_id == result.article("first").group_id
    monkeypatch.setattr(links_module, "_WEEKDAYS", np.zeros(0, dtype=np.uint32))
    any_day = dedup([first, second, repost])
    assert any_day.article("second").group_id == any_day.article("first").group_id


def _feed_teaser(text: str, words: int, ending: str) -> str:
    """An article's first ``words`` words run together in one paragraph, then ``ending``."""
    return " ".join(" ".join(split_paragraphs(text)).split()[:words]) + ending


def test_a_feed_teaser_joins_its_source() -> None:
    """A feed's description (an article's first 30-100 words run together across its
    paragraphs, cut anywhere, "... Read more" after them) covers a tenth of the article or
    less: a copy all the same (a teaser of ``teaser_tokens``), grouped under its source.
    Its joints cost it shingles the source has in no paragraph: up to
    TEASER_CHECK_TOKENS it is read word by word. A lead sentence alone, and a teaser that
    names another place, are no copies; ``teaser_tokens=None`` turns teasers off."""
    source = load_seeds()[1]
    assert len(split_paragraphs(source.text)) >= 8
    for words, ending in ((32, "\u2026"), (45, "... Read more"), (100, " [...]")):
        description = Article("teaser", _feed_teaser(source.text, words, ending))
        result = dedup([source, description])
        match = _match(result, source.id, "teaser")
        assert match.jaccard < 0.2  # type: ignore[attr-defined]
        assert result.article("teaser").group_id == result.article(source.id).group_id, words
        assert result.article("teaser").relation == "contained-in"
        assert result.article(source.id).is_canonical
        off = dedup([source, description], teaser_tokens=None)
        assert off.article("teaser").group_id != off.article(source.id).group_id, words
    sentence = Article("sentence", _feed_teaser(source.text, 18, "\u2026"))
    result = dedup([source, sentence])
    assert result.article("sentence").group_id != result.article(source.id).group_id
    elsewhere = _feed_teaser(source.text, 45, "\u2026").replace("Hollywood", "Atlanta")
    assert "Atlanta" in elsewhere
    result = dedup([source, Article("elsewhere", elsewhere)])
    assert result.article("elsewhere").group_id != result.article(source.id).group_id
