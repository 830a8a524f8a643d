"""Copy families: articles that carry most of one another's text, before boilerplate is known.

Boilerplate is text that recurs across *unrelated* articles (``_boilerplate``). Articles are
related when they are copies of one text: a repost, a cut repost, a lead excerpt, a digest
page carrying a short article whole. Deciding that from the content blocks alone fails when
copies cut one text into many small blocks (reposts truncated at different points, a short
article whose every paragraph is also in a digest): each block is then a minor share of its
carriers, the copies share no "content block", and the text of a syndicated article is taken
for a footer.

So relatedness is measured on the whole text first (less the lines a boilerplate phrase
flags): two articles are in one copy family when the paragraphs of text they share (by
paragraph cluster, weighted by shingles; lines shorter than ``_TEXT_TOKENS`` tokens are no
proof) make up at least ``boilerplate_max_share`` of the smaller one; families are the
connected components of that relation. Pairs are found as for article links
(``_links.class_pairs``: copy classes, and hubs for popular paragraphs, so the work stays
linear), and scored on short per-class cluster lists.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ._canonical import Preference
from ._config import DedupConfig
from ._copies import copy_classes
from ._features import Features
from ._kernels import shared_weights as _shared_weights
from ._links import class_pairs
from ._paragraph_matches import ParagraphMatches

__all__ = ["copy_families"]

I64 = npt.NDArray[np.int64]
#: A paragraph of at least this many tokens is text of an article; shorter lines may be a
#: site's (a footer shared by two short reposts of different articles is no proof that they
#: copy each other).
_TEXT_TOKENS = 12


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
    proof = np.where(features.token_counts[paragraphs] >= _TEXT_TOKENS, sizes, 0)
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
    shared = _shared_weights(entry_offsets, entry_cluster, entry_size, a, b)
    related = shared >= config.boilerplate_max_share * np.minimum(weight[a], weight[b])
    graph = coo_matrix((np.ones(int(related.sum())), (a[related], b[related])),
                       shape=(classes.n_classes, classes.n_classes))
    _, label = connected_components(graph, directed=False)
    with_class = classes.class_of >= 0
    family[with_class] = label[classes.class_of[with_class]]
    return family

