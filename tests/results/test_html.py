"""Notebook views: escaped, bounded, readable in both themes, with the findings marked."""

from __future__ import annotations

import re

import pytest

from newsdedup import Article, DuplicateGroup, GroupMember, dedup, demo_articles
from newsdedup._results.html import CSS, _align
from newsdedup.synthetic import generate_corpus, repost
from rewrite_texts import REWRITE, SOURCE

EVIL = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def demo():  # type: ignore[no-untyped-def]
    """The demo corpus: seeds, reposts (header, footer, edits, truncation), a digest."""
    return dedup(demo_articles())


@pytest.fixture(scope="module")
def evil():  # type: ignore[no-untyped-def]
    """A corpus whose ids, titles, texts and extra fields carry markup."""
    text = "\n\n".join(f"Paragraph {n} {EVIL} about the flood in the valley town, with the "
                       f"volunteers and sandbags on street {n}." for n in range(5))
    seed = Article(f"a{EVIL}", text, title=EVIL, source=f"src{EVIL}", extra={"x": EVIL})
    return dedup([seed, repost(seed, source="hub.example", seed=1)])


def _views(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [result._repr_html_(), result.groups._repr_html_(), result.articles._repr_html_(),
            result.matches._repr_html_(), result.stories._repr_html_(),
            *(g._repr_html_() for g in result.groups),
            *(s._repr_html_() for s in result.stories),
            *(m._repr_html_() for m in result.matches),
            *(a._repr_html_() for a in result.articles)]


def test_untrusted_text_and_ids_are_escaped(evil) -> None:  # type: ignore[no-untyped-def]
    """Markup in ids, titles, sources and texts is shown as text in every view."""
    for view in _views(evil):
        assert "<script" not in view
        assert "alert(" not in view or "&lt;script&gt;alert(&quot;x&quot;)" in view


def test_group_view_shows_canonical_beside_members_with_shared_highlighted(
        demo) -> None:  # type: ignore[no-untyped-def]
    """A group view names the rule and marks shared paragraphs with their similarity."""
    group = demo.group(demo.article("001_cb11fdc8b5c5a02e").group_id)
    view = group._repr_html_()
    assert "chosen by <b>earliest published</b>" in view
    assert view.count('<mark class="nd-p nd-shared') >= 2 * 8  # both sides of each pair
    assert "001_cb11fdc8b5c5a02e~dailyfeed.example~1" in view
    assert re.search(r'class="nd-sim">.*?0\.\d\d', view)  # a score beside a pair
    assert "nd-boiler" in view and "<del>" in view  # the aggregator footer struck out
    assert "Netflix is offering lucrative job opportunities" in view  # the texts


def test_group_view_says_when_versions_of_one_page_share_a_time(demo) -> None:  # type: ignore[no-untyped-def]
    """A later version of a page chosen over its first one is explained (the page's
    versions count from its first version's time); other groups say nothing of pages."""
    seed = demo_articles(reposts=False)[0]
    paragraphs = [line for line in seed.text.split("\n") if line.strip()]
    first = Article("first", "\n\n".join(paragraphs[:-4]), url="https://example.com/a",
                    published="2024-03-01T10:00:00Z")
    update = Article("update", seed.text, url="https://example.com/a/",
                     published="2024-03-01T18:00:00Z")
    result = dedup([first, update], keep_text=True)
    view = result.group(result.article("first").group_id)._repr_html_()
    assert result.article("first").canonical_id == "update"
    assert "versions of one page" in view
    other = demo.group(demo.article("001_cb11fdc8b5c5a02e").group_id)._repr_html_()
    assert "versions of one page" not in other


def test_article_view_marks_repeats_and_boilerplate(demo) -> None:  # type: ignore[no-untyped-def]
    """An article shows its repeated and boilerplate paragraphs marked, with the reason."""
    article = demo.article("004_5096db9e6f3a6c42")
    view = article._repr_html_()
    assert article.repeated_paragraphs and article.boilerplate_paragraphs
    assert view.count("nd-repeat") >= len(article.repeated_paragraphs)
    assert f"repeats ¶{article.repeated_paragraphs[0].repeat_of}" in view
    assert view.count('nd-p nd-boiler') == len(article.boilerplate_paragraphs)


def test_match_and_story_views(demo) -> None:  # type: ignore[no-untyped-def]
    """A match shows its shared pairs side by side; a story lists its groups."""
    match = next(m for m in demo.matches if not m.is_duplicate)
    view = match._repr_html_()
    assert view.count('<mark class="nd-p nd-shared') == 2 * len(match.shared_paragraphs)
    story = demo.stories[0]._repr_html_()
    assert all(group_id in story for group_id in demo.stories[0].group_ids)


def test_a_rewrite_view_says_rewrite_and_what_was_copied() -> None:
    """A rewrite's view names it a rewrite with its score, not a partial reuse of Jaccard 0;
    one that also copies a paragraph shows the copied text's Jaccard too."""
    mixed = "\n\n".join(REWRITE.split("\n\n")[:2] + SOURCE.split("\n\n")[2:])
    for text, copied in ((REWRITE, False), (mixed, True)):
        match = dedup([Article("src", SOURCE), Article("rw", text)]).matches[0]
        view = match._repr_html_()
        assert match.relation == "rewrite" and "rewrite (not grouped): score" in view
        assert "partial reuse" not in view and ("copied text: Jaccard" in view) is copied
        assert view.count('<mark class="nd-p nd-shared') == 2 * len(match.shared_paragraphs)


def test_views_are_bounded_on_a_big_result() -> None:
    """Views of a 2,000-article result stay small: first rows and a count of the rest."""
    result = dedup(generate_corpus(2000, seed=3).articles)
    assert len(result._repr_html_()) < 30_000
    groups = result.groups._repr_html_()
    assert len(groups) < 30_000 and f"{len(result.groups) - 20:,} more groups" in groups
    assert len(repr(result.groups)) < 2_000 and "more DuplicateGroups" in repr(result.groups)
    biggest = max(result.groups, key=lambda g: len(g.members))
    assert len(biggest._repr_html_()) < 400_000


def test_views_use_theme_colours_only() -> None:
    """The style sets no opaque background or text colour: it reads in dark themes too."""
    assert not re.search(r"background(-color)?:\s*(#|white|rgb\()", CSS)
    assert not re.search(r"(?<![-\w])color:\s*(#|white|black|rgb\()", CSS)
    assert "color:inherit" in CSS


def test_views_without_texts_say_so() -> None:
    """A streamed run keeps no texts: views show paragraph numbers and how to get texts."""
    result = dedup(iter(demo_articles()))
    assert not result.has_text
    assert "keep_text=True" in result._repr_html_()
    group = next(g for g in result.groups if len(g.members) > 1)
    assert "texts not kept" in group._repr_html_()
    assert "keep_text=True" in result.articles[0]._repr_html_()


def test_a_group_built_by_hand_has_a_view() -> None:
    """A group outside a result (no texts to quote) still renders."""
    group = DuplicateGroup("g", "a", "only member", "s", (GroupMember("a", "canonical", 1, 1),),
                           ())
    assert "Duplicate group <code>g</code>" in group._repr_html_()


def test_align_keeps_pairs_in_order() -> None:
    """Side-by-side rows: increasing pairs on one row, the others alone, nothing lost."""
    rows = _align([(0, 1, 1.0), (2, 2, 0.9), (1, 0, 0.5)], 3, 4)
    assert (0, 1, 1.0) in rows and (2, 2, 0.9) in rows
    assert sorted(r[0] for r in rows if r[0] is not None) == [0, 1, 2]
    assert sorted(r[1] for r in rows if r[1] is not None) == [0, 1, 2, 3]
