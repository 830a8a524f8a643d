"""Copy families: articles that carry most of one another's text, before boilerplate is known.

Boilerplate is text that recurs across *unrelated* articles (``_near_duplicates.boilerplate``).
Articles are related when they are copies of one text: a repost, a cut repost, a lead excerpt, a
digest page carrying a short article whole. Deciding that from the content blocks alone fails when
copies cut one text into many small blocks (reposts truncated at different points, a short
article whose every paragraph is also in a digest): each block is then a minor share of its
carriers, the copies share no "content block", and the text of a syndicated article is taken
for a footer.

So relatedness is measured on the whole text first (less the lines a boilerplate phrase
flags): two articles are in one copy family when the paragraphs of text they share (by
paragraph cluster, weighted by shingles; lines shorter than ``TEXT_TOKENS`` tokens are no
proof) make up at least ``boilerplate_max_share`` of the smaller one; families are the
connected components of that relation. Text carried by more than ``ALL_PAIRS_CARRIERS`` copy
classes (a popular paragraph: a wire story's, or a site's footer on all its pages) proves it
only when it makes up that share of *both* articles: an aggregator's 25-word footer is half of
each of its short reposts, and would otherwise join every text it reposts into one family (at
20,000 reposts of 418 texts, 12 families; the footer was then "content" on 15,785 pages),
while copies of one text cut at different points still share most of each other.

Pairs are found as for article links (``_near_duplicates.links.class_pairs``: copy classes, and hubs
for popular paragraphs, so the work stays linear), and scored on short per-class cluster lists.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .._core.arrays import sorted_unique
from .._core.config import DedupConfig
from .._core.threads import map_in_threads, split_range
from .._core.types import I64
from .._kernels import related_pairs as _related_pairs
from .._text.features import Features
from .canonical import Preference
from .copies import copy_classes
from .links import ALL_PAIRS_CARRIERS, TEXT_TOKENS, class_pairs
from .paragraph_matches import ParagraphMatches

__all__ = ["copy_families"]


def copy_families(features: Features, matches: ParagraphMatches, config: DedupConfig,
                  earliest_first: I64) -> I64:
    """Each article's copy family (see the module docstring; -1: no text with shingles).

    ``earliest_first`` ranks the articles (publication, then id) for the hubs of popular
    paragraphs.
    """
    n_articles = features.n_articles
    # Lines a boilerplate phrase flags (and, in the index's runs, established boilerplate)
    # are nobody's text.
    has_text = (features.shingles.sizes > 0) & ~features.pattern_boilerplate
    classes = copy_classes(features.paragraph_article, matches.unique_of, has_text, n_articles,
                           earliest_first)
    family = np.full(n_articles, -1, dtype=np.int64)
    if classes.n_classes == 0:
        return family
    # Each class's text as (cluster, shingles) entries, clusters ascending. Short lines
    # (headers, footers, share prompts) weigh in the text's size but are no proof of copying:
    # their shared shingles count only through ``proof``.
    paragraphs = matches.representative[classes.uniques]
    sizes = features.shingles.sizes[paragraphs].astype(np.int64)
    proof = np.where(features.token_counts[paragraphs] >= TEXT_TOKENS, sizes, 0)
    clusters = matches.cluster_of_unique[classes.uniques]
    owner = np.repeat(np.arange(classes.n_classes, dtype=np.int64),
                      np.diff(classes.unique_offsets))
    order = np.lexsort((clusters, owner))
    entry_offsets = classes.unique_offsets
    entry_cluster, entry_size = clusters[order], proof[order]
    weight = np.bincount(owner, weights=sizes, minlength=classes.n_classes).astype(np.int64)

    # Hubs of popular paragraphs: the carriers holding most text, then the earliest.
    ranking = Preference(earliest_first, np.zeros(n_articles, dtype=np.int64), 20,
                         np.full(n_articles, np.nan))
    a, b = class_pairs(classes, matches, ranking, lambda chosen: weight)
    # Text carried by many classes proves copying only when it is most of both sides (see
    # the module docstring): a site's long footer is most of its short pages, and through
    # them it would make one family of every text the site reposts.
    n_clusters = int(clusters.max(initial=-1)) + 1
    carriers = np.bincount(sorted_unique(owner * n_clusters + clusters) % n_clusters,
                           minlength=n_clusters)
    # All shared text, and the text of few carriers, against the classes' weights: one
    # compiled pass over the pairs (5.7M at 20k reposts: arrays of each quantity cost a
    # second to allocate and fill), by ranges on ``workers`` threads.
    specific = np.where(carriers[entry_cluster] > ALL_PAIRS_CARRIERS, 0, entry_size)
    related = np.concatenate(map_in_threads(
        lambda bounds: _related_pairs(entry_offsets, entry_cluster, entry_size, specific,
                                      weight, a[bounds[0]:bounds[1]], b[bounds[0]:bounds[1]],
                                      config.boilerplate_max_share),
        split_range(a.size, config.workers), config.workers))
    graph = coo_matrix((np.ones(int(related.sum())), (a[related], b[related])),
                       shape=(classes.n_classes, classes.n_classes))
    _, label = connected_components(graph, directed=False)
    with_class = classes.class_of >= 0
    family[with_class] = label[classes.class_of[with_class]]
    return family

