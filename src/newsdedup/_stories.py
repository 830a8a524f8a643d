"""Stories: duplicate groups about the same news event, whether or not they share text.

1. **What an article is about.** Its content terms (title tokens and the tokens of its
   non-boilerplate paragraphs, see ``_features``) weighted by a BM25-style saturated term
   frequency, so a word repeated ten times does not drown the rest, and boosted up to
   ``1 + _NAME_BOOST`` times for terms the corpus mostly writes as salient words
   (capitalised inside a sentence, or carrying a digit): names, places and figures are what
   tell two earthquakes or two rehab stories apart. The boost is the share of a term's
   occurrences that are salient, measured over the corpus, so it needs no word list and does
   nothing for scripts without case.
2. **One vote per group.** A duplicate group is the mean of its members' (normalized) vectors,
   so forty reposts of one wire story do not outweigh the other coverage. IDF comes from the
   groups themselves (no language-specific stopword list: terms frequent in the corpus weigh
   little), and terms found in a single group are dropped: they can never be shared, they only
   shrink every cosine of that group.
3. **Candidates, near-linear.** A sparse product restricted to each group's strongest terms
   proposes pairs; their exact cosine is computed on the full vectors. Groups further apart in
   time than ``story_window_days`` are never linked.
4. **No chaining.** Clusters are cut from average-linkage trees over the components of the
   candidate graph: a cluster joins another only when the *mean* similarity of all their pairs
   reaches ``story_threshold``, so one bridging article cannot chain two events together the
   way connected components do.

Optionally (``story_embedding_weight > 0``, the ``[embed]`` extra) each pair's similarity is a
blend of the lexical cosine and the cosine of sentence embeddings; candidates still come from
the lexical index.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import numpy as np
import numpy.typing as npt
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix, diags
from scipy.sparse.csgraph import connected_components

from ._config import DedupConfig
from ._features import Features
from ._groups import GroupAssignment

__all__ = ["StoryAssignment", "build_stories"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

#: Strongest terms per group used to generate candidate pairs.
_CANDIDATE_TERMS = 64
#: Candidate pairs must reach this share of ``story_threshold`` on the strongest terms alone.
_CANDIDATE_SHARE = 0.5
#: Terms among the strongest of more groups than this do not generate candidates.
_MAX_POSTINGS = 500
#: Groups per block of the candidate product (bounds its memory).
_BLOCK_ROWS = 2048
#: Candidate pairs per block of the exact cosine step (bounds its memory).
_BLOCK_PAIRS = 200_000
#: BM25's term-frequency saturation constant (its usual value).
_BM25_K1 = 1.2
#: Extra weight of a term always written as a salient word (a name, a place, a figure).
_NAME_BOOST = 2.0
#: Components larger than this are clustered by a stricter threshold first (memory bound of
#: the dense average-linkage step).
_MAX_LINKAGE = 4000


@attrs.frozen(slots=True)
class StoryAssignment:
    """Stories as group numbers: ``story_of_group[g]`` is group ``g``'s story number."""

    story_of_group: I64
    n_stories: int


def group_vectors(features: Features, groups: GroupAssignment) -> csr_matrix:
    """L2-normalized weighted term vector of each group (rows), over the corpus's term ids.

    >>> from newsdedup import Article, DedupConfig
    >>> from newsdedup._features import extract_features
    >>> from newsdedup._groups import build_groups
    >>> texts = ["Quake hits Lima.", "Quake hits Lima hard.", "Floods in Oslo."]
    >>> features = extract_features([Article(str(n), t) for n, t in enumerate(texts)],
    ...                             DedupConfig())
    >>> vectors = group_vectors(features, build_groups(3, [], [], [0, 1, 2]))
    >>> round(float((vectors[0] @ vectors[1].T).toarray()[0, 0]), 2)
    1.0
    """
    n_articles = features.n_articles
    # Sorting the distinct values and searching them is ~3x faster than return_inverse.
    distinct = np.unique(features.terms)
    term_ids = np.searchsorted(distinct, features.terms)
    n_terms = int(term_ids.max()) + 1 if term_ids.size else 1
    counts = features.term_counts.astype(np.float64)
    salient_share = (np.bincount(term_ids, weights=features.term_salient, minlength=n_terms)
                     / np.maximum(np.bincount(term_ids, weights=counts, minlength=n_terms), 1.0))
    tf = counts * (_BM25_K1 + 1.0) / (counts + _BM25_K1)
    weights = tf * (1.0 + _NAME_BOOST * np.minimum(salient_share[term_ids], 1.0))
    owner = np.repeat(np.arange(n_articles), np.diff(features.article_terms))
    articles = _normalize_rows(csr_matrix((weights, (owner, term_ids)),
                                          shape=(n_articles, n_terms)))
    n_groups = len(groups.canonical)
    membership = csr_matrix((np.ones(n_articles), (groups.group_of, np.arange(n_articles))),
                            shape=(n_groups, n_articles))
    sums = csr_matrix(membership @ articles)
    document_frequency = np.bincount(sums.indices, minlength=n_terms)
    idf = np.log((1.0 + n_groups) / (1.0 + document_frequency)) + 1.0
    idf[document_frequency <= 1] = 0.0  # never shared: only dilutes the cosines
    weighted = csr_matrix(sums @ diags(idf))
    weighted.eliminate_zeros()
    return _normalize_rows(weighted)


def _candidate_pairs(vectors: csr_matrix, floor: float) -> tuple[I64, I64]:
    """Pairs ``i < j`` whose product over their strongest terms reaches ``floor``.

    That product is a lower bound of the cosine (weights are non-negative) holding most of it.
    Terms among the strongest of more than ``_MAX_POSTINGS`` groups are left out of it (they
    still count in the exact cosine): a term that common says little about which event an
    article covers, and its posting list would make the product quadratic. Rows are
    multiplied in blocks so memory stays bounded by the pairs kept.
    """
    strongest = _top_terms(vectors, _CANDIDATE_TERMS)
    postings = np.bincount(strongest.indices, minlength=strongest.shape[1])
    common = postings[strongest.indices] > _MAX_POSTINGS
    if common.any():
        strongest.data[common] = 0.0
        strongest.eliminate_zeros()
    transposed = csr_matrix(strongest.T)
    all_rows: list[I64] = []
    all_cols: list[I64] = []
    for start in range(0, strongest.shape[0], _BLOCK_ROWS):
        block = (strongest[start:start + _BLOCK_ROWS] @ transposed).tocoo()
        row = block.row.astype(np.int64) + start
        col = block.col.astype(np.int64)
        keep = (row < col) & (block.data >= floor)
        all_rows.append(row[keep])
        all_cols.append(col[keep])
    return np.concatenate(all_rows), np.concatenate(all_cols)


def _pair_cosines(vectors: csr_matrix, rows: I64, cols: I64) -> F64:
    """Exact cosine of each pair on the full vectors, in bounded blocks of pairs."""
    parts = [np.asarray(vectors[rows[start:start + _BLOCK_PAIRS]].multiply(
                 vectors[cols[start:start + _BLOCK_PAIRS]]).sum(axis=1)).ravel()
             for start in range(0, rows.size, _BLOCK_PAIRS)]
    return np.concatenate(parts) if parts else np.zeros(0)


def _group_embeddings(embeddings: F64, groups: GroupAssignment) -> F64:
    """Normalized mean embedding of each group's members (a group votes once)."""
    sums = np.zeros((len(groups.canonical), embeddings.shape[1]))
    np.add.at(sums, groups.group_of, embeddings)
    result: F64 = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    return result


def _normalize_rows(matrix: csr_matrix) -> csr_matrix:
    normalized = csr_matrix(matrix, dtype=np.float64, copy=True)
    row_of_value = np.repeat(np.arange(normalized.shape[0]), np.diff(normalized.indptr))
    norms = np.sqrt(np.bincount(row_of_value, weights=normalized.data ** 2,
                                minlength=normalized.shape[0]))
    normalized.data /= np.maximum(norms, 1e-12)[row_of_value]
    return normalized


def _top_terms(matrix: csr_matrix, keep: int) -> csr_matrix:
    matrix = csr_matrix(matrix, copy=True)
    for row in range(matrix.shape[0]):
        start, stop = matrix.indptr[row], matrix.indptr[row + 1]
        if stop - start > keep:
            values = matrix.data[start:stop]
            cutoff = np.partition(values, stop - start - keep)[stop - start - keep]
            values[values < cutoff] = 0.0
    matrix.eliminate_zeros()
    return matrix


def build_stories(features: Features, groups: GroupAssignment, group_times: F64,
                  config: DedupConfig, embeddings: F64 | None = None) -> StoryAssignment:
    """Cluster groups into stories (see the module docstring).

    ``group_times`` holds each group's publication time in seconds (NaN when undated).
    ``embeddings`` (one row per article, see ``_embed``) are blended in with
    ``config.story_embedding_weight``; without them the similarity is purely lexical.
    """
    n_groups = len(groups.canonical)
    if n_groups == 0:
        return StoryAssignment(np.zeros(0, dtype=np.int64), 0)
    vectors = group_vectors(features, groups)
    rows, cols = _candidate_pairs(vectors, _CANDIDATE_SHARE * config.story_threshold)
    if config.story_window_days is not None:
        # Before verification: pairs outside the window are never linked. NaN gap: kept.
        gap = np.abs(group_times[rows] - group_times[cols])
        inside = ~(gap > config.story_window_days * 86400.0)
        rows, cols = rows[inside], cols[inside]
    similarity = _pair_cosines(vectors, rows, cols)
    weight = config.story_embedding_weight
    if embeddings is not None and weight > 0.0:
        semantic = _group_embeddings(embeddings, groups)
        similarity = ((1.0 - weight) * similarity
                      + weight * np.einsum("ij,ij->i", semantic[rows], semantic[cols]))
    linked = similarity >= config.story_threshold
    rows, cols, similarity = rows[linked], cols[linked], similarity[linked]
    story_of_group = np.full(n_groups, -1, dtype=np.int64)
    next_story = 0
    for members, first, second, weights in _components(n_groups, rows, cols, similarity):
        labels = _average_linkage(members.size, first, second, weights, config.story_threshold)
        story_of_group[members] = labels + next_story
        next_story += int(labels.max()) + 1
    return StoryAssignment(story_of_group, next_story)


def _components(size: int, first: I64, second: I64,
                similarity: F64) -> Iterator[tuple[I64, I64, I64, F64]]:
    """Connected components of a graph given as edges, in order of their smallest node.

    Yields each component's nodes (ascending) and its edges renumbered to positions in that
    node array (see :func:`_parts`); scipy numbers components by their smallest node.
    """
    graph = csr_matrix((np.ones(first.size), (first, second)), shape=(size, size))
    _, component = connected_components(graph, directed=False)
    yield from _parts(component.astype(np.int64), first, second, similarity)


def _average_linkage(size: int, first: I64, second: I64, similarity: F64,
                     threshold: float) -> I64:
    """Cluster labels (0..k-1) of a component's nodes cut from an average-linkage tree."""
    if size == 1:
        return np.zeros(1, dtype=np.int64)
    if size > _MAX_LINKAGE:
        # Too large for a dense tree: split by a stricter link first, then recurse.
        strict = similarity >= min(1.0, threshold * 1.25)
        graph = csr_matrix((np.ones(int(strict.sum())), (first[strict], second[strict])),
                           shape=(size, size))
        parts = connected_components(graph, directed=False)[1].astype(np.int64)
        if parts.max() == 0:
            return np.zeros(size, dtype=np.int64)
        inside = parts[first] == parts[second]
        labels = np.zeros(size, dtype=np.int64)
        offset = 0
        for nodes, sub_first, sub_second, sub_similarity in _parts(
                parts, first[inside], second[inside], similarity[inside]):
            labels[nodes] = _average_linkage(nodes.size, sub_first, sub_second,
                                             sub_similarity, threshold) + offset
            offset = int(labels[nodes].max()) + 1
        return labels
    similarity_matrix = np.zeros((size, size))
    similarity_matrix[first, second] = similarity
    similarity_matrix[second, first] = similarity
    distance = 1.0 - similarity_matrix
    np.fill_diagonal(distance, 0.0)
    condensed = distance[np.triu_indices(size, k=1)]
    tree = linkage(condensed, method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    # Number clusters by first member so labels do not depend on scipy's numbering.
    _, first_position = np.unique(labels, return_index=True)
    renumber = np.zeros(int(labels.max()) + 1, dtype=np.int64)
    renumber[labels[np.sort(first_position)]] = np.arange(first_position.size)
    result: I64 = renumber[labels]
    return result


def _parts(parts: I64, first: I64, second: I64,
           similarity: F64) -> Iterator[tuple[I64, I64, I64, F64]]:
    """Nodes (ascending) and renumbered edges of each part of a labelling (0..k-1) of the nodes.

    Every edge must join two nodes of the same part. Edges are bucketed once, so the cost is
    linear in nodes plus edges.
    """
    order = np.argsort(parts, kind="stable")
    count = int(parts.max()) + 1
    bounds = np.searchsorted(parts[order], np.arange(count + 1))
    local = np.empty(parts.size, dtype=np.int64)
    local[order] = np.arange(parts.size) - np.repeat(bounds[:-1], np.diff(bounds))
    edge_part = parts[first]
    edge_order = np.argsort(edge_part, kind="stable")
    edge_bounds = np.searchsorted(edge_part[edge_order], np.arange(count + 1))
    for index in range(count):
        chosen = edge_order[edge_bounds[index]:edge_bounds[index + 1]]
        yield (order[bounds[index]:bounds[index + 1]], local[first[chosen]],
               local[second[chosen]], similarity[chosen])
