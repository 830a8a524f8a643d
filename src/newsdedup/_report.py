"""A readable text summary of a :class:`~newsdedup.DedupResult` (used by ``newsdedup demo``)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

from ._article import Article
from ._paragraphs import split_paragraphs
from ._result import DedupResult

__all__ = ["format_summary"]


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
        lines.append(f"STORY {story.id}: {len(story.member_ids)} articles in "
                     f"{len(story.group_ids)} groups; canonical {story.canonical_id} "
                     f"({story.canonical_rule})")
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
