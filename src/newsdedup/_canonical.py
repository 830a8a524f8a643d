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

import attrs
import numpy as np
import numpy.typing as npt

from ._article import Article

__all__ = ["RULES", "CanonicalKey", "Preference", "RankKey", "decisive_rule", "preference",
           "rank_keys"]

#: Names of the default rule's steps, in order; the result reports one of these.
RULES = ("earliest published", "most complete text", "least boilerplate", "smallest id")
USER_RULE = "user key"
ONLY_MEMBER = "only member"

CanonicalKey = Callable[[Article], Any]
RankKey = tuple[Any, ...]

_COMPLETENESS_STEPS = 20


@attrs.frozen(slots=True)
class Preference:
    """The canonical rule as far as it is known before articles are linked.

    Links are what tell how complete an article is among its duplicates; before them, the
    rule's other steps already rank the articles. Huge sets of copies are compared with their
    best-ranked members only (``_links``), and each copy class is represented by its best
    member (``_copies``): both read this ranking.

    Attributes:
        rank: each article's rank by the rule without its completeness step (distinct).
        period: each article's rank by the first step alone (equal dates, equal period;
            undated last); all 0 under a user key.
        completeness_steps: steps in which completeness is compared (1 under a user key:
            completeness does not count).
        published: each article's publication time in seconds (NaN: undated).
    """

    rank: npt.NDArray[np.int64]
    period: npt.NDArray[np.int64]
    completeness_steps: int
    published: npt.NDArray[np.float64]


def preference(articles: Sequence[Article], noise: Sequence[int],
               id_rank: npt.NDArray[np.int64],
               user_keys: Sequence[RankKey] | None = None) -> Preference:
    """The :class:`Preference` of ``articles`` (``user_keys``: the keys of a user rule)."""
    n_articles = len(articles)
    rank = np.empty(n_articles, dtype=np.int64)
    published = np.array([a.published.timestamp() if a.published else np.nan for a in articles],
                         dtype=np.float64)
    if user_keys is not None:
        rank[sorted(range(n_articles), key=user_keys.__getitem__)] = np.arange(n_articles)
        return Preference(rank, np.zeros(n_articles, dtype=np.int64), 1, published)
    period = np.unique(np.nan_to_num(published, nan=np.inf), return_inverse=True)[1]
    period = period.reshape(-1).astype(np.int64)
    rank[np.lexsort((id_rank, np.asarray(noise, dtype=np.int64), period))] = np.arange(n_articles)
    return Preference(rank, period, _COMPLETENESS_STEPS, published)


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
