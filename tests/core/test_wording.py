"""Counts as people read them: one story, two stories, in the repr and the report."""

from __future__ import annotations

from newsdedup import Article, dedup
from newsdedup._core.wording import counted
from newsdedup._results.report import format_summary


def test_one_is_singular_and_the_rest_plural() -> None:
    assert [counted(n, "match", "matches") for n in (0, 1, 2, 1500)] == [
        "0 matches", "1 match", "2 matches", "1,500 matches"]
    assert counted(1, "article") == "1 article"


def test_the_result_and_its_report_read_one_story_in_the_singular() -> None:
    articles = [Article("a", "The council approved the harbour budget on Tuesday.")]
    result = dedup(articles)
    assert repr(result).startswith("<DedupResult: 1 article, 1 group (0 with duplicates), "
                                   "1 story, 0 matches,")
    assert "1 article in 1 group;" in format_summary(result, articles)
