"""Stories: duplicate groups about the same news event, whether or not they share text.

Each duplicate group is represented once (a group votes once, so forty reposts of one wire
story do not outweigh the other coverage) by the mean of its members' TF-IDF vectors over
content terms: the tokens of the title and of the non-boilerplate paragraphs, with IDF from
the corpus itself (no language-specific stopword list: terms frequent in the corpus weigh
little). Candidate pairs come from a sparse product restricted to each group's strongest
terms, so cost stays near-linear; groups further apart in time than ``story_window_days`` are
never linked. Clusters are cut from average-linkage trees over the candidate graph, so a
single bridging article cannot chain two events together the way connected components do.
"""

from __future__ import annotations

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
#: Components larger than this are clustered by a stricter threshold first (memory bound of
#: the dense average-linkage step).
_MAX_LINKAGE = 4000


@attrs.frozen(slots=True)
class StoryAssignment:
    """Stories as group numbers: ``story_of_group[g]`` is group ``g``'s story number."""

    story_of_group: I64
    n_stories: int


def group_vectors(features: Features, groups: GroupAssignment) -> csr_matrix:
    """L2-normalized TF-IDF vector of each group (rows), over the corpus's term ids."""
    n_articles = features.n_articles
    _, term_ids = np.unique(features.terms, return_inverse=True)
    n_terms = int(term_ids.max()) + 1 if term_ids.size else 0
    owner = np.repeat(np.arange(n_articles), np.diff(features.article_terms))
    tf = 1.0 + np.log(features.term_counts.astype(np.float64))
    articles = csr_matrix((tf, (owner, term_ids)), shape=(n_articles, max(n_terms, 1)))
    articles = _normalize_rows(articles)
    n_groups = len(groups.canonical)
    membership = csr_matrix((np.ones(n_articles), (groups.group_of, np.arange(n_articles))),
                            shape=(n_groups, n_articles))
    sums = membership @ articles
    document_frequency = np.bincount(sums.indices, minlength=sums.shape[1])
    idf = np.log((1.0 + n_groups) / (1.0 + document_frequency)) + 1.0
    return _normalize_rows(sums @ diags(idf))


def _normalize_rows(matrix: csr_matrix) -> csr_matrix:
    matrix = csr_matrix(matrix)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return csr_matrix(diags(1.0 / np.maximum(norms, 1e-12)) @ matrix)


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
                  config: DedupConfig) -> StoryAssignment:
    """Cluster groups into stories (see the module docstring).

    ``group_times`` holds each group's publication time in seconds (NaN when undated).
    """
    n_groups = len(groups.canonical)
    if n_groups == 0:
        return StoryAssignment(np.zeros(0, dtype=np.int64), 0)
    vectors = group_vectors(features, groups)
    strongest = _top_terms(vectors, _CANDIDATE_TERMS)
    candidates = (strongest @ strongest.T).tocoo()
    upper = candidates.row < candidates.col
    rows, cols = candidates.row[upper], candidates.col[upper]
    # Exact cosine of the candidate pairs on the full vectors.
    similarity = np.asarray(vectors[rows].multiply(vectors[cols]).sum(axis=1)).ravel()
    if config.story_window_days is not None:
        gap = np.abs(group_times[rows] - group_times[cols])
        similarity[gap > config.story_window_days * 86400.0] = 0.0  # NaN gap: never excluded
    linked = similarity >= config.story_threshold
    rows, cols, similarity = rows[linked], cols[linked], similarity[linked]
    graph = csr_matrix((similarity, (rows, cols)), shape=(n_groups, n_groups))
    n_components, component = connected_components(graph, directed=False)
    story_of_group = np.full(n_groups, -1, dtype=np.int64)
    next_story = 0
    order = np.argsort(component, kind="stable")
    bounds = np.searchsorted(component[order], np.arange(n_components + 1))
    for index in range(n_components):
        members = order[bounds[index]:bounds[index + 1]]
        labels = _average_linkage(members, graph, config.story_threshold)
        story_of_group[members] = labels + next_story
        next_story += int(labels.max()) + 1
    return StoryAssignment(story_of_group, next_story)


def _average_linkage(members: I64, graph: csr_matrix, threshold: float) -> I64:
    """Cluster labels (0..k-1) of ``members`` cut from an average-linkage tree."""
    if members.size == 1:
        return np.zeros(1, dtype=np.int64)
    if members.size > _MAX_LINKAGE:
        # Too large for a dense tree: split by a stricter link first, then recurse.
        sub = graph[members][:, members]
        sub.data[sub.data < min(1.0, threshold * 1.25)] = 0.0
        sub.eliminate_zeros()
        count, parts = connected_components(sub, directed=False)
        if count == 1:
            return np.zeros(members.size, dtype=np.int64)
        labels = np.zeros(members.size, dtype=np.int64)
        offset = 0
        for part in range(count):
            inside = np.flatnonzero(parts == part)
            labels[inside] = _average_linkage(members[inside], graph, threshold) + offset
            offset = int(labels[inside].max()) + 1
        return labels
    block = graph[members][:, members].toarray()
    similarity = np.maximum(block, block.T)
    distance = 1.0 - similarity
    np.fill_diagonal(distance, 0.0)
    condensed = distance[np.triu_indices(members.size, k=1)]
    tree = linkage(condensed, method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    # Number clusters by first member so labels do not depend on scipy's numbering.
    _, first = np.unique(labels, return_index=True)
    renumber = {int(labels[position]): rank for rank, position in enumerate(np.sort(first))}
    return np.array([renumber[int(label)] for label in labels], dtype=np.int64)
