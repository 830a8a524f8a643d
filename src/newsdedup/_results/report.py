"""Readable text summaries of a :class:`~newsdedup.DedupResult`.

:func:`format_summary` tells everything (the demo's few articles); :func:`format_brief`
fits a screen whatever the size of the run (``newsdedup dedup --summary``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

from .._core.wording import counted
from .._text.article import Article
from .._text.paragraphs import split_paragraphs
from .result import DedupResult, DuplicateGroup, Story

__all__ = ["brief_canonicals", "format_brief", "format_summary"]


def _excerpt(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def format_summary(result: DedupResult, articles: Sequence[Article]) -> str:
    """Stories, groups (canonical and the rule that chose it), repeats and boilerplate.

    ``articles`` are the inputs of ``result`` (used to quote paragraphs).
    """
    by_id: Mapping[str, Article] = {article.id: article for article in articles}
    paragraphs = {article.id: split_paragraphs(article.text) for article in articles}
    groups = {group.id: group for group in result.groups}
    digests = {article.id: article.is_digest for article in result.articles}
    lines = [repr(result), ""]
    for story in result.stories:
        lines.append(f"STORY {story.id}: {counted(len(story.member_ids), 'article')} in "
                     f"{counted(len(story.group_ids), 'group')}; canonical "
                     f"{story.canonical_id} ({story.canonical_rule})")
        title = by_id[story.canonical_id].title or (paragraphs[story.canonical_id] or [""])[0]
        lines.append(f"  “{_excerpt(title, 80)}”")
        for group_id in story.group_ids:
            group = groups[group_id]
            digest = " - a digest page" if digests.get(group.canonical_id) else ""
            lines.append(f"  GROUP {group.id}: canonical {group.canonical_id} "
                         f"(rule: {group.canonical_rule}){digest}")
            for member in group.members[1:]:
                lines.append(f"    - {member.id}: {member.relation}, Jaccard "
                             f"{member.jaccard:.2f}, containment {member.containment:.2f}")
            carried = sum(1 for entry in group.provenance if entry.carriers)
            if len(group.members) > 1:
                lines.append(f"    provenance: {carried} of {len(group.provenance)} canonical "
                             "paragraphs are carried by other members")
        lines.append("")
    lines.append("REPEATED PARAGRAPHS")
    for article in result.articles:
        for repeat in article.repeated_paragraphs:
            text = paragraphs[article.id][repeat.index]
            lines.append(f"  {article.id} ¶{repeat.index} repeats ¶{repeat.repeat_of} "
                         f"({repeat.kind}, Jaccard {repeat.jaccard:.2f}): “{_excerpt(text)}”")
    lines.append("")
    lines.append("BOILERPLATE")
    for article in result.articles:
        for flagged in article.boilerplate_paragraphs:
            text = paragraphs[article.id][flagged.index]
            why = (f"recurs in {flagged.families} unrelated articles" if flagged.reason ==
                   "recurring" else "boilerplate phrase")
            lines.append(f"  {article.id} ¶{flagged.index} ({why}): “{_excerpt(text)}”")
    reuse = [match for match in result.matches if not match.is_duplicate]
    if reuse:
        lines.append("")
        lines.append("OTHER SHARED TEXT")
        for match in reuse:
            # Containment reads best from the container: "page contains article".
            first, relation, second = ((match.b, "contains", match.a)
                                       if match.relation == "contained-in"
                                       else (match.a, match.relation, match.b))
            lines.append(f"  {first} {relation} {second}: "
                         f"{len(match.shared_paragraphs)} shared paragraphs, Jaccard "
                         f"{match.jaccard:.2f}")
    return "\n".join(textwrap.shorten(line, 400) if len(line) > 400 else line
                     for line in lines)


def brief_canonicals(result: DedupResult, top: int = 8) -> set[str]:
    """Ids of the canonicals :func:`format_brief` names (to find their titles)."""
    return ({g.canonical_id for g in _largest_groups(result)[:top]}
            | {s.canonical_id for s in _largest_stories(result)[:top]})


def _largest_groups(result: DedupResult) -> list[DuplicateGroup]:
    return sorted((g for g in result.groups if len(g.members) > 1),
                  key=lambda g: (-len(g.members), g.id))


def _largest_stories(result: DedupResult) -> list[Story]:
    return sorted((s for s in result.stories if len(s.group_ids) > 1),
                  key=lambda s: (-len(s.member_ids), s.id))


def format_brief(result: DedupResult, top: int = 8,
                 titles: Mapping[str, str] | None = None) -> str:
    """Totals, the ``top`` largest duplicate groups and stories: at most ~30 lines.

    ``titles`` gives a line about some articles by id (when the result has no texts; see
    :func:`brief_canonicals`).

    >>> from newsdedup import dedup
    >>> print(format_brief(dedup([{"id": "a", "text": "Words."}])).splitlines()[1])
    1 article: 1 kept, 0 removed as duplicates (0.0%)
    """
    from .html import excerpt, summary_rows

    catalog = result._catalog
    counts = dict(summary_rows(result))
    n_articles = len(result.articles)
    removed = sum(1 for article in result.articles if not article.is_canonical)
    lines = [repr(result),
             f"{counted(n_articles, 'article')}: {n_articles - removed:,} kept, "
             f"{removed:,} removed as duplicates "
             f"({removed / n_articles if n_articles else 0.0:.1%})",
             f"groups: {counts['duplicate groups']}; stories: {counts['stories']}",
             f"repeated paragraphs: {counts['repeated paragraphs']}; boilerplate paragraphs: "
             f"{counts['boilerplate paragraphs']}; matches: {counts['matches']}"]
    multi = _largest_groups(result)

    def title_of(article_id: str) -> str:
        found = excerpt(catalog.get(article_id), 60)
        return found or _excerpt((titles or {}).get(article_id, ""), 60)

    if multi:
        lines.append("largest duplicate groups (articles, canonical, rule, title):")
        for group in multi[:top]:
            title = title_of(group.canonical_id)
            canonical = _excerpt(group.canonical_id, 30)
            lines.append(f"  {group.id}  {len(group.members):>4}  {canonical}"
                         f"  ({group.canonical_rule})  {title}")
        if len(multi) > top:
            lines.append(f"  … {len(multi) - top:,} more groups with duplicates")
    stories = _largest_stories(result)
    if stories:
        lines.append("largest stories (articles, groups, title):")
        for story in stories[:top]:
            title = title_of(story.canonical_id)
            lines.append(f"  {story.id}  {len(story.member_ids):>4}  {len(story.group_ids):>3}"
                         f"  {title}")
        if len(stories) > top:
            lines.append(f"  … {len(stories) - top:,} more stories of several groups")
    return "\n".join(lines)
