"""What the canonical rule compares, measured from the steps before it.

``_near_duplicates.canonical`` states the rule (earliest published, most complete text, least
boilerplate, smallest id); this module measures its inputs, in the order the batch driver has them:

1. **Noise** (:func:`noise_counts`), after the boilerplate step: per article, its
   boilerplate, template-like and repeated paragraphs. It ranks articles before they are
   linked (``_near_duplicates.canonical.preference``) and is the rule's "least boilerplate" step.
2. **Content size** (:func:`content_sizes`), after the link step: the article's distinct
   non-boilerplate shingles (``ArticleLinks.content_size``), counted again without its
   template-like paragraphs for the articles that have some (those lines are neither content
   nor clean text).
3. **Neighbour maximum** (:func:`neighbour_max_content`): the largest content size among
   the article's copy class and the classes of its duplicates, the reference against which
   "most complete text" is measured.

:func:`canonical_keys` turns them into the rule's sort keys (or a user's keys, see
:func:`user_rank_keys`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .._core.types import I64
from .._text.article import Article
from .._text.features import Features
from .boilerplate import Boilerplate
from .canonical import CanonicalKey, RankKey, rank_keys
from .copies import CopyClasses
from .links import ArticleLinks, article_content_sizes
from .repeated import Repeats

__all__ = ["canonical_keys", "content_sizes", "neighbour_max_content", "noise_counts",
           "user_rank_keys"]


def noise_counts(features: Features, boilerplate: Boilerplate, repeats: Repeats,
                 n_articles: int) -> I64:
    """Per article, its paragraphs that are not content: boilerplate, template-like (for
    the canonical rule neither content nor clean text) and repeated ones."""
    not_content = boilerplate.any | boilerplate.template_like
    noise: I64 = (np.bincount(features.paragraph_article[not_content], minlength=n_articles)
                  + np.bincount(features.paragraph_article[repeats.paragraph],
                                minlength=n_articles))
    return noise


def user_rank_keys(articles: Sequence[Article],
                   canonical_key: CanonicalKey | None) -> list[RankKey] | None:
    """The keys of a user's rule (checked), or None under the default rule."""
    if canonical_key is None:
        return None
    return rank_keys(articles, [], [], [], canonical_key)


def content_sizes(features: Features, links: ArticleLinks, allowed: npt.NDArray[np.bool_],
                  template_like: npt.NDArray[np.bool_], workers: int = 1) -> I64:
    """Each article's content size: its distinct shingles of ``allowed`` paragraphs, without
    its template-like ones (reads the shingle sets: call before they are dropped)."""
    template_content = allowed & template_like
    # Only articles with template-like paragraphs have a content size other than the
    # size of their link set.
    content = links.content_size.copy()
    templated = np.zeros(content.size, dtype=bool)
    templated[features.paragraph_article[template_content]] = True
    if templated.any():
        sizes = article_content_sizes(features, allowed & ~template_content, templated,
                                      workers)
        content[templated] = sizes[templated]
    return content


def neighbour_max_content(content: I64, classes: CopyClasses, links: ArticleLinks) -> I64:
    """Each article's most complete duplicate: the largest content size of its copy class
    (copies of one text share their class's) and of the classes it is a duplicate of."""
    representative = classes.representative
    dup_a, dup_b = links.a[links.duplicate], links.b[links.duplicate]
    class_max = content[representative]
    np.maximum.at(class_max, dup_a, content[representative[dup_b]])
    np.maximum.at(class_max, dup_b, content[representative[dup_a]])
    neighbour_max = content.copy()
    with_class = classes.class_of >= 0
    neighbour_max[with_class] = class_max[classes.class_of[with_class]]
    return neighbour_max


def canonical_keys(articles: Sequence[Article], content: I64, classes: CopyClasses,
                   links: ArticleLinks, noise: I64,
                   user_keys: list[RankKey] | None = None) -> list[RankKey]:
    """The canonical rule's sort key of every article (smaller is better): ``user_keys``
    if given, else the default rule's over the measured inputs."""
    if user_keys is not None:
        return user_keys
    neighbour_max = neighbour_max_content(content, classes, links)
    return rank_keys(articles, content.tolist(), neighbour_max.tolist(), noise.tolist())
