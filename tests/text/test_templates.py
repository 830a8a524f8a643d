"""Template pages: one body under unrelated titles is a site template, not a story."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np

from conftest import load_ecbplus
from newsdedup import Article, DedupConfig, dedup
from newsdedup._corpora.messy import inflected_script
from newsdedup._text.features import extract_features
from newsdedup._text.templates import template_pages, title_terms, titles_as_terms

TEMPLATE = ("Please check your email for a verification link to finish signing up.\n\n"
            "Get email notifications on the topics you care about. Sign up now.\n\n"
            "To continue, please complete the captcha below and confirm you are not a robot.")


def _crawl(n_events: int = 12) -> list[Article]:
    """Real reports of ``n_events`` ECB+ events, and for each a page of the same site whose
    extraction failed: the site template under that report's title, months apart."""
    documents = load_ecbplus()[: n_events * 6: 6]
    start = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
    articles = []
    for number, document in enumerate(documents):
        title = next(s for s in document["text"].split(". ") if "http" not in s)[:90]
        published = start + dt.timedelta(days=45 * number)
        articles.append(Article(document["id"], document["text"], title=title,
                                published=published, source="local.example"))
        articles.append(Article(document["id"] + "-failed", TEMPLATE, title=title + " (video)",
                                published=published + dt.timedelta(hours=3),
                                source="local.example"))
    return articles


def test_template_pages_are_flagged_and_grouped_with_nothing() -> None:
    """Pages holding only the site template are template pages, each alone in its group."""
    result = dedup(_crawl())
    failed = [a for a in result.articles if a.id.endswith("-failed")]
    assert all(a.is_template for a in failed)
    assert all({b.reason for b in a.boilerplate_paragraphs} == {"template"} for a in failed)
    assert all(len(result.group(a.group_id).members) == 1 for a in failed)
    assert not any(a.is_template for a in result.articles if not a.id.endswith("-failed"))


def test_template_pages_do_not_glue_stories() -> None:
    """A story holding a template page holds one event: template pages' stories are told by
    their titles, and glue no events together. (Two real reports of two events of one kind,
    the two contract offers of ECB+ topic 10, may still share a story by their own text, as
    in the look-alike scenario of docs/messy.md.)"""
    event = {d["id"]: d["event"] for d in load_ecbplus()}
    result = dedup(_crawl())
    with_templates = [s for s in result.stories if any(m.endswith("-failed") for m in s.member_ids)]
    assert len(with_templates) >= 10
    for story in with_templates:
        events = {event[m.removesuffix("-failed")] for m in story.member_ids}
        assert len(events) == 1


def test_copies_under_one_headline_are_copies() -> None:
    """The same body under the same title is one article reposted, not a template."""
    text = load_ecbplus()[100]["text"]
    copies = [Article(f"c{k}", text, title="Same headline for every copy") for k in range(3)]
    result = dedup(copies)
    assert len(result.groups) == 1 and not any(a.is_template for a in result.articles)


def test_copies_under_rewritten_headlines_are_copies() -> None:
    """Syndicated copies whose outlets rewrote the headline, from words of the body, stay
    duplicates."""
    document = load_ecbplus()[100]["text"]
    words = [w.strip(".,") for w in document.split() if len(w) > 4]
    copies = [Article(f"c{k}", document, title=" ".join(words[3 * k: 3 * k + 6]))
              for k in range(4)]
    result = dedup(copies)
    assert len(result.groups) == 1 and not any(a.is_template for a in result.articles)


def test_copies_under_rewritten_headlines_are_copies_in_cyrillic() -> None:
    """The same in Cyrillic, whose words count by their stems (``_text.stems``): a title's
    words are compared with the body's as the content terms count them (compared as
    written, no long title word was found in the body, and every copy was a template)."""
    document = inflected_script(load_ecbplus()[100]["text"], 0.0, random.Random(0))
    words = [w.strip(".,") for w in document.split() if len(w) > 5]
    copies = [Article(f"c{k}", document, title=" ".join(words[3 * k: 3 * k + 6]))
              for k in range(4)]
    result = dedup(copies)
    assert len(result.groups) == 1 and not any(a.is_template for a in result.articles)


def test_copies_under_one_headline_stay_copies_when_roundups_carry_their_lead() -> None:
    """An article reposted under its headline, whole or cut after its lead, whose lead two
    roundup pages also carry under titles of their own: the headline's words are common to
    most carriers, but they are about the body, so the lead is no template. Before, the
    copies' titles had no words left to judge and the two roundups alone made the lead a
    template: boilerplate, and the copies split into groups of one."""
    documents = load_ecbplus()
    article = next(d["text"] for d in documents[100:] if d["text"].count("\n\n") >= 4)
    lead = "\n\n".join(article.split("\n\n")[:2])
    headline = next(s for s in lead.split(". ") if "http" not in s)[:90]
    others = [documents[k]["text"].split("\n\n")[0] for k in (200, 300)]
    start = dt.datetime(2024, 5, 6, 8, tzinfo=dt.UTC)
    pages = [Article("original", article, title=headline, published=start)]
    pages += [Article(f"copy{k}", article if k < 3 else lead, title=headline,
                      published=start + dt.timedelta(hours=k + 1)) for k in range(6)]
    pages += [Article(f"roundup{k}", f"{lead}\n\n{others[k]}",
                      title=f"Morning roundup number {k + 1}: three stories",
                      published=start + dt.timedelta(hours=k + 2)) for k in range(2)]
    result = dedup(pages)
    copies = [a for a in result.articles if not a.id.startswith("roundup")]
    assert not any(a.is_template for a in result.articles)
    assert not any(b.reason == "template" for a in copies for b in a.boilerplate_paragraphs)
    assert len({a.group_id for a in copies}) == 1
    assert result.article("copy5").canonical_id == "original"


def test_without_titles_a_shared_body_stays_a_copy() -> None:
    """Untitled pages with one body cannot be told from copies: they are copies."""
    pages = [Article(f"p{k}", TEMPLATE) for k in range(3)]
    result = dedup(pages)
    assert len(result.groups) == 1 and not any(a.is_template for a in result.articles)


def test_title_terms_count_each_occurrence() -> None:
    """title_terms gives each title's hashed tokens with their occurrences."""
    terms = title_terms(["Storm storm hits", None])
    assert sorted(terms[0].values()) == [1, 2] and terms[1] == {}


def test_a_template_page_keeps_only_its_title_terms() -> None:
    """titles_as_terms leaves a template page the terms of its title, with the title's weight,
    and every other article its own terms."""
    articles = [Article("a", "Flood waters rose in the valley.", title="Valley flood"),
                Article("t", TEMPLATE, title="Valley flood")]
    features = extract_features(articles, DedupConfig())
    pages = np.array([False, True])
    kept = titles_as_terms(features, pages, [a.title for a in articles])
    own = slice(features.article_terms[0], features.article_terms[1])
    assert kept.terms[kept.article_terms[0]:kept.article_terms[1]].tolist() == \
        features.terms[own].tolist()
    page = slice(kept.article_terms[1], kept.article_terms[2])
    assert set(kept.terms[page].tolist()) == set(title_terms(["Valley flood"])[0])
    assert kept.term_counts[page].tolist() == [2, 2]
    flags = np.zeros(len(features.token_counts), dtype=bool)
    flags[1:] = True
    assert template_pages(features, flags).tolist() == [False, True]
