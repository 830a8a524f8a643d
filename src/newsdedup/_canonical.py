"""The canonical rule: which member represents a duplicate group or a story, and why.

Default rule, in order (design.md):

1. ``earliest published`` - the first version out is the original; undated articles come
   after dated ones;
2. ``most complete text`` - most non-boilerplate content, compared relative to the most
   complete duplicate of the article, in 5% steps (a truncated copy loses; a light edit that
   adds three words does not win);
3. ``least boilerplate`` - fewest boilerplate plus repeated paragraphs (an aggregator repost
   with its footer loses to the original it copies);
4. ``smallest id`` - a deterministic last resort.

A user can pass ``canonical_key``: a function of an :class:`~newsdedup.Article` whose smallest
value wins, with the smallest id breaking ties; the rule is then reported as ``user key``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from ._article import Article

__all__ = ["RULES", "CanonicalKey", "RankKey", "decisive_rule", "rank_keys"]

#: Names of the default rule's steps, in order; the result reports one of these.
RULES = ("earliest published", "most complete text", "least boilerplate", "smallest id")
USER_RULE = "user key"
ONLY_MEMBER = "only member"

CanonicalKey = Callable[[Article], Any]
RankKey = tuple[Any, ...]

_COMPLETENESS_STEPS = 20


def rank_keys(
    articles: Sequence[Article],
    content_size: Sequence[int],
    neighbour_max_content: Sequence[int],
    noise: Sequence[int],
    canonical_key: CanonicalKey | None = None,
) -> list[RankKey]:
    """Sort keys (smaller is better) of every article, one component per rule step.

    ``neighbour_max_content`` is the largest content size among the article and its
    duplicates; ``noise`` counts its boilerplate and repeated paragraphs.
    """
    keys: list[RankKey] = []
    for number, article in enumerate(articles):
        if canonical_key is not None:
            keys.append((canonical_key(article), article.id))
            continue
        published = (0, article.published.timestamp()) if article.published else (1, 0.0)
        reference = max(int(neighbour_max_content[number]), 1)
        relative = int(content_size[number]) / reference
        completeness = min(_COMPLETENESS_STEPS - 1, math.floor(relative * _COMPLETENESS_STEPS))
        keys.append((published, -completeness, int(noise[number]), article.id))
    return keys


def decisive_rule(winner: RankKey, runner_up: RankKey | None, user_key: bool) -> str:
    """Name of the first rule step on which ``winner`` beats ``runner_up``."""
    if runner_up is None:
        return ONLY_MEMBER
    if user_key:
        return USER_RULE if winner[0] != runner_up[0] else RULES[-1]
    for step, (mine, theirs) in enumerate(zip(winner, runner_up, strict=True)):
        if mine != theirs:
            return RULES[step]
    return RULES[-1]
