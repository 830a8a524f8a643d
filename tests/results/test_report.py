"""The text summary printed by `newsdedup demo`."""

from __future__ import annotations

from newsdedup import dedup, demo_articles
from newsdedup._results.report import format_summary


def test_summary_names_every_finding() -> None:
    """The summary lists stories, groups with rules, repeats, boilerplate and digests."""
    articles = demo_articles()
    text = format_summary(dedup(articles), articles)
    assert text.splitlines()[0].startswith("<DedupResult: 16 articles")
    assert "STORY " in text and "GROUP " in text and "rule: earliest published" in text
    assert "provenance:" in text
    assert "¶11 repeats ¶7 (near-duplicate" in text
    assert "recurs in 4 unrelated articles" in text  # the digest carries seeds: related
    assert "a digest page" in text and "digest-1-3 contains" in text


def test_demo_articles_are_seeds_plus_generated_copies() -> None:
    """demo_articles adds two reposts per seed and one digest; seeds-only gives five."""
    assert len(demo_articles(reposts=False)) == 5
    articles = demo_articles()
    assert len(articles) == 16
    assert sum("~" in a.id for a in articles) == 10
    assert articles[-1].id == "digest-1-3"
