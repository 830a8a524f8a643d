"""Boilerplate: paragraphs that recur across unrelated articles.

Shared text is either *content* (a syndicated copy carries its original's paragraphs) or
*boilerplate* (an aggregator's footer, a share prompt, a disclaimer, an author bio). What
tells them apart is what else the carriers share:

1. Paragraph clusters are grouped into *blocks* by their exact set of carrier articles, so a
   five-line footer that always travels together is judged as one piece.
2. A block is a boilerplate candidate when, on average, it makes up at most
   ``boilerplate_max_share`` of its carriers' text: content copies share most of their text.
3. Its carriers are split into *families*: two carriers are related when they also share a
   paragraph outside the block (an original and its repost share the body). The block is
   boilerplate when it recurs in at least ``boilerplate_min_articles`` families, i.e. across
   articles that are otherwise unrelated.

Paragraphs matching well-known boilerplate phrases (see ``_features``) are flagged too, with
the reason ``"pattern"``, so a single article's own footer is recognised.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ._arrays import gather_rows
from ._config import DedupConfig
from ._features import Features
from ._hashing import fmix64
from ._paragraph_matches import ParagraphMatches

__all__ = ["Boilerplate", "find_boilerplate"]

I64 = npt.NDArray[np.int64]


@attrs.frozen(slots=True)
class Boilerplate:
    """Boilerplate flags per paragraph.

    Attributes:
        recurring: flagged because its block recurs across unrelated articles.
        pattern: flagged by a built-in boilerplate phrase.
        families: for recurring paragraphs, the number of unrelated article families
            carrying the block (0 otherwise).
    """

    recurring: npt.NDArray[np.bool_]
    pattern: npt.NDArray[np.bool_]
    families: I64

    @property
    def any(self) -> npt.NDArray[np.bool_]:
        """Paragraphs flagged for either reason."""
        return self.recurring | self.pattern


def find_boilerplate(features: Features, matches: ParagraphMatches,
                     config: DedupConfig) -> Boilerplate:
    """Flag boilerplate paragraphs (see the module docstring for the rule)."""
    n_paragraphs = matches.unique_of.size
    recurring = np.zeros(n_paragraphs, dtype=bool)
    families_out = np.zeros(n_paragraphs, dtype=np.int64)
    pattern = features.pattern_boilerplate.copy()
    cluster = matches.cluster_of_paragraph
    article = features.paragraph_article
    sizes = features.shingles.sizes

    # Distinct (cluster, article) carriers; keep clusters carried by 2+ articles.
    has_cluster = np.flatnonzero(cluster >= 0)
    n_articles = features.n_articles
    carrier_code = np.unique(cluster[has_cluster] * n_articles + article[has_cluster])
    carrier_cluster, carrier_article = carrier_code // n_articles, carrier_code % n_articles
    carriers_per_cluster = np.bincount(carrier_cluster,
                                       minlength=int(cluster.max(initial=-1)) + 1)
    shared = carriers_per_cluster[carrier_cluster] >= 2
    carrier_cluster, carrier_article = carrier_cluster[shared], carrier_article[shared]
    if carrier_cluster.size == 0:
        return Boilerplate(recurring, pattern, families_out)

    # Block key of each shared cluster: an order-independent hash of its carrier set.
    mixed = fmix64(carrier_article.astype(np.uint64) + np.uint64(1))
    n_clusters = carriers_per_cluster.size
    block_hash = np.zeros(n_clusters, dtype=np.uint64)
    with np.errstate(over="ignore"):
        np.add.at(block_hash, carrier_cluster, mixed)
    shared_clusters = np.unique(carrier_cluster)
    _, block_of_shared = np.unique(block_hash[shared_clusters], return_inverse=True)
    block_of_cluster = np.full(n_clusters, -1, dtype=np.int64)
    block_of_cluster[shared_clusters] = block_of_shared
    n_blocks = int(block_of_shared.max()) + 1

    # Share of each carrier's shingles that lies in the block, averaged over carriers.
    article_size = np.bincount(article, weights=sizes, minlength=n_articles)
    paragraph_block = np.where(cluster >= 0, block_of_cluster[np.maximum(cluster, 0)], -1)
    in_block = np.flatnonzero(paragraph_block >= 0)
    key = paragraph_block[in_block] * n_articles + article[in_block]
    block_article, key_inverse = np.unique(key, return_inverse=True)
    block_size = np.bincount(key_inverse, weights=sizes[in_block])
    carrier_size = article_size[block_article % n_articles]
    share = np.divide(block_size, carrier_size, out=np.ones(block_size.size),
                      where=carrier_size > 0)
    key_block = block_article // n_articles
    mean_share = np.bincount(key_block, weights=share, minlength=n_blocks) / np.maximum(
        np.bincount(key_block, minlength=n_blocks), 1)
    candidate_blocks = np.flatnonzero(mean_share <= config.boilerplate_max_share)
    if candidate_blocks.size == 0:
        return Boilerplate(recurring, pattern, families_out)

    # (article, block) incidence, to find what else each carrier shares.
    carrier_block = block_of_cluster[carrier_cluster]
    by_article = np.argsort(carrier_article, kind="stable")
    article_offsets = np.zeros(n_articles + 1, dtype=np.int64)
    np.cumsum(np.bincount(carrier_article, minlength=n_articles), out=article_offsets[1:])
    blocks_by_article = carrier_block[by_article]
    cluster_order = np.argsort(carrier_block, kind="stable")
    block_offsets = np.zeros(n_blocks + 1, dtype=np.int64)
    np.cumsum(np.bincount(carrier_block, minlength=n_blocks), out=block_offsets[1:])
    articles_by_block = carrier_article[cluster_order]

    family_count = np.zeros(n_blocks, dtype=np.int64)
    for block in candidate_blocks.tolist():
        carriers = np.unique(articles_by_block[block_offsets[block]:block_offsets[block + 1]])
        family_count[block] = _families(carriers, article_offsets, blocks_by_article, block)
    boilerplate_blocks = family_count >= max(2, config.boilerplate_min_articles)
    flagged = np.flatnonzero(paragraph_block >= 0)
    flagged = flagged[boilerplate_blocks[paragraph_block[flagged]]]
    recurring[flagged] = True
    families_out[flagged] = family_count[paragraph_block[flagged]]
    return Boilerplate(recurring, pattern, families_out)


def _families(carriers: I64, article_offsets: I64, blocks_by_article: I64, block: int) -> int:
    """Number of groups of ``carriers`` linked by sharing some block other than ``block``."""
    positions, owner = gather_rows(article_offsets, carriers)
    other = blocks_by_article[positions]
    keep = other != block
    owner, other = owner[keep], other[keep]
    if owner.size == 0:
        return int(carriers.size)
    _, other_index = np.unique(other, return_inverse=True)
    n_nodes = carriers.size + int(other_index.max()) + 1
    graph = coo_matrix((np.ones(owner.size), (owner, carriers.size + other_index)),
                       shape=(n_nodes, n_nodes))
    _, labels = connected_components(graph, directed=False)
    return int(np.unique(labels[: carriers.size]).size)
