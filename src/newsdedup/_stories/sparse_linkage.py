"""Average linkage over a sparse similarity graph, cut at a threshold.

Average linkage (UPGMA) repeatedly merges the two clusters whose pairs have the highest mean
similarity. Here a pair that is not an edge of the graph has similarity 0, so the mean
between two clusters is the *sum* of the edges joining them over the product of their sizes,
and two clusters with no edge between them never reach a positive threshold. The merge loop
therefore only ever looks at edges: a heap of cluster pairs ordered by mean, and per cluster
the summed similarity to each neighbouring cluster. Its work grows with the edges (times a
logarithm), where scipy's ``linkage`` needs the dense ``n x n`` matrix of every component.

Stopping when the best mean falls below the threshold gives the clusters of cutting the full
tree at that height: average linkage has no inversions (merge heights never decrease), so
``fcluster(linkage(1 - S, "average"), 1 - threshold, "distance")`` finds the same partition,
up to ties.

*Must-links* (pairs that belong together whatever their similarity, such as an article and
its copy) are honoured by starting from their connected components instead of single nodes:
each component is one node standing for its items, and edges between two components add up.

*Agreement* (optional): a second measure over pairs of nodes, such as how far two groups
name the same people and places, that a merge must also meet. A cluster's agreement with
another is the summed agreement of their pairs over the norm of their sums: with
``a_ij`` the cosine of two nodes' unit vectors, the cosine of the clusters' summed vectors
is ``sum_AB a_ij / sqrt((|A| + 2 sum_A a_ij) (|B| + 2 sum_B a_ij))``, counted over the pairs
given (the compared ones; a pair not given counts 0). When the two clusters of the best mean
fall below ``minimum``, they are not merged then; their similarity still counts, and they
are compared again when either has grown (their names may then agree). The agreement is
given for every compared pair, most of which never become edges (synthetic 400k: 6.5
million against ~230 thousand edges), so unlike the similarities its sums are not kept per
cluster pair (folding them into each merged cluster grew with the square of a dense
region's size): a merge's check sums, over the members of the smaller cluster, their
agreements with members of the other (each node's agreements in one array run, each node's
cluster found through the set it was folded into).

The merge loop is compiled (``kernels/linkage.pxi``: the pair sums in one open-addressing
table, a neighbour list per cluster, a binary heap); it was a Python loop over dicts, 4.6 s
at 300k synthetic articles (212k open edges) against 0.6 s now, the same parents. Two
shortcuts keep its input small: a connected component is a single cluster when
every pair of its nodes is an edge at or above the threshold (every mean then reaches it
whatever the merge order) and, with an agreement, every such pair reaches ``minimum`` (the
cosine of two sums of unit vectors whose pairs all reach it reaches it too); a component
with one node is its own cluster.
"""

from __future__ import annotations

import attrs
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from .._core.arrays import sorted_unique
from .._core.types import F64, I64
from .._kernels import agreement_runs as _agreement_runs
from .._kernels import merge_clusters_kernel as _merge_clusters_kernel

__all__ = ["Agreement", "average_linkage_clusters", "number_by_first_node"]


@attrs.frozen(slots=True)
class Agreement:
    """Agreement ``value[k]`` (a cosine in [0, 1]) of nodes ``first[k]`` and ``second[k]``,
    each pair at most once, that every merge must reach ``minimum`` on (module docstring).
    """

    first: I64
    second: I64
    value: F64
    minimum: float


def average_linkage_clusters(n_nodes: int, first: I64, second: I64, similarity: F64,
                             threshold: float,
                             must_link: tuple[I64, I64] | None = None,
                             agreement: Agreement | None = None) -> I64:
    """Cluster label (``0..k-1``) of each node: average linkage on the edges, cut at ``threshold``.

    Edges ``(first[i], second[i])`` are undirected, with positive ``similarity``; each pair of
    nodes appears at most once and never as a loop. Labels are numbered in the order of each
    cluster's smallest node, so they depend only on the graph, never on the edge order.
    ``must_link`` pairs of nodes (two arrays) start in one cluster: the clustering starts from
    the connected components of those pairs instead of single nodes, with the same rule for
    every later merge (mean similarity of all pairs of nodes across two clusters).
    ``agreement``, if given, must also be met by every merge (see the module docstring).

    >>> import numpy as np
    >>> # a triangle 0-1-2 and a weak bridge 2-3: the bridge alone does not reach the mean
    >>> average_linkage_clusters(4, np.array([0, 0, 1, 2]), np.array([1, 2, 2, 3]),
    ...                          np.array([0.9, 0.8, 0.85, 0.5]), 0.4).tolist()
    [0, 0, 0, 1]
    >>> average_linkage_clusters(4, np.array([0, 0, 1, 2]), np.array([1, 2, 2, 3]),
    ...                          np.array([0.9, 0.8, 0.85, 0.5]), 0.4,
    ...                          (np.array([3]), np.array([1]))).tolist()
    [0, 0, 0, 0]
    >>> # 0 and 1 are alike but name different things: kept apart
    >>> average_linkage_clusters(3, np.array([0, 1]), np.array([1, 2]), np.array([0.9, 0.5]),
    ...                          0.4, agreement=Agreement(np.array([0, 1]), np.array([1, 2]),
    ...                                                   np.array([0.1, 0.8]), 0.3)).tolist()
    [0, 1, 1]
    """
    first, second = np.minimum(first, second), np.maximum(first, second)
    if first.size and (first == second).any():
        raise ValueError("average_linkage_clusters: expected no loops, got an edge (n, n)")
    keys = first * np.int64(n_nodes) + second
    if sorted_unique(keys).size != keys.size:
        raise ValueError("average_linkage_clusters: expected each pair once, got duplicates")
    if must_link is None or must_link[0].size == 0:
        unit, n_units = np.arange(n_nodes, dtype=np.int64), n_nodes
    else:
        # Contract each must-link component into one node; edges between two components
        # add up (the mean between clusters is the summed similarity over the product of
        # their sizes).
        linked = csr_matrix((np.ones(must_link[0].size), (must_link[0], must_link[1])),
                            shape=(n_nodes, n_nodes))
        n_units, labels = connected_components(linked, directed=False)
        unit = labels.astype(np.int64)
    sizes = np.bincount(unit, minlength=n_units).astype(np.int64)
    edges = _unit_edges(unit, n_units, first, second, similarity)
    agreed = None
    if agreement is not None:
        # Pairs inside one must-link unit add to its own sum (the norm of its summed vector).
        inside = unit[agreement.first] == unit[agreement.second]
        inner: F64 = np.bincount(unit[agreement.first][inside], minlength=n_units,
                                 weights=agreement.value[inside]).astype(np.float64)
        agreed = _UnitAgreement(_unit_edges(unit, n_units, agreement.first, agreement.second,
                                            agreement.value), inner, agreement.minimum)
    root = _cluster(n_units, edges, sizes, threshold, agreed)
    return number_by_first_node(root[unit])


@attrs.frozen(slots=True)
class _UnitEdges:
    """Summed values of node pairs between units (``first < second``, keys ascending)."""

    first: I64
    second: I64
    total: F64


@attrs.frozen(slots=True)
class _UnitAgreement:
    """Summed agreement between units (``edges``), within each unit (``inner``), and the
    minimum a merge must reach."""

    edges: _UnitEdges
    inner: F64
    minimum: float

    def between(self, first: I64, second: I64, sizes: I64) -> F64:
        """Agreement, as clusters, of each unit pair ``(first[k], second[k])``
        (``first < second``); ``sizes`` are the units' node counts."""
        n_units = np.int64(sizes.size)
        keys = self.edges.first * n_units + self.edges.second
        wanted = first * n_units + second
        summed = np.zeros(wanted.size)
        if keys.size:
            at = np.minimum(np.searchsorted(keys, wanted), keys.size - 1)
            hit = keys[at] == wanted
            summed[hit] = self.edges.total[at[hit]]
        norms = np.sqrt((sizes[first] + 2.0 * self.inner[first])
                        * (sizes[second] + 2.0 * self.inner[second]))
        result: F64 = summed / np.maximum(norms, 1e-12)
        return result


def _unit_edges(unit: I64, n_units: int, first: I64, second: I64, value: F64) -> _UnitEdges:
    """The pairs' values summed per pair of units (pairs inside one unit left out)."""
    first, second = unit[first], unit[second]
    left, right = np.minimum(first, second), np.maximum(first, second)
    del first, second
    across = left != right
    codes = left[across] * np.int64(n_units) + right[across]
    del left, right
    if codes.size < 2 or bool((codes[1:] > codes[:-1]).all()):
        # Each pair once, in order (no must-links, candidates by row, then column): as
        # below, each key's sum is 0.0 plus its one value.
        return _UnitEdges(codes // n_units, codes % n_units, 0.0 + value[across])
    # np.unique(codes, return_inverse=True), by a stable sort: the pairs come mostly in
    # order (candidates by row, then column; units numbered by their first node), which a
    # merge of runs sorts in about linear time (agreement pairs of synthetic 1M: 12.7 s
    # with np.unique).
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    del codes
    starts = np.ones(ordered.size, dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    keys = ordered[starts]
    del ordered
    inverse = np.empty(order.size, dtype=np.int64)
    inverse[order] = np.cumsum(starts) - 1
    del order, starts
    total: F64 = np.bincount(inverse, weights=value[across],
                             minlength=keys.size).astype(np.float64)
    return _UnitEdges(keys // n_units, keys % n_units, total)


def _cluster(n_nodes: int, edges: _UnitEdges, sizes: I64, threshold: float,
             agreement: _UnitAgreement | None) -> I64:
    """A representative of each node's cluster. Node ``n`` stands for ``sizes[n]`` items;
    ``edges.total`` is the summed similarity of the items across each edge."""
    first, second, total = edges.first, edges.second, edges.total
    graph = csr_matrix((np.ones(first.size), (first, second)), shape=(n_nodes, n_nodes))
    _, component = connected_components(graph, directed=False)
    component = component.astype(np.int64)
    n_components = int(component.max()) + 1 if n_nodes else 0
    nodes = np.bincount(component, minlength=n_components)
    edge_counts = np.bincount(component[first], minlength=n_components)
    weakest = np.full(n_components, np.inf)
    np.minimum.at(weakest, component[first], total / (sizes[first] * sizes[second]))
    if agreement is not None:
        np.minimum.at(weakest, component[first],
                      np.where(agreement.between(first, second, sizes) >= agreement.minimum,
                               np.inf, -np.inf))
    # A component whose every pair of nodes is an edge with a mean at the threshold (and
    # agreeing) is one cluster whatever the merge order (a merged cluster's mean to another
    # is a weighted mean of means that all reach it).
    settled = (edge_counts == nodes * (nodes - 1) // 2) & (weakest >= threshold)
    open_edges = ~settled[component[first]]
    open_agreement = None
    if agreement is not None:
        inside = ~settled[component[agreement.edges.first]] & (
            component[agreement.edges.first] == component[agreement.edges.second])
        open_agreement = _UnitAgreement(
            _UnitEdges(agreement.edges.first[inside], agreement.edges.second[inside],
                       agreement.edges.total[inside]), agreement.inner, agreement.minimum)
    parent = _merge_clusters(n_nodes, _UnitEdges(first[open_edges], second[open_edges],
                                                 total[open_edges]),
                             sizes, threshold, open_agreement)
    root = _roots(parent)[:n_nodes]
    # A settled component is one cluster: point all its nodes at one representative.
    representative = np.full(n_components, -1, dtype=np.int64)
    np.maximum.at(representative, component, np.arange(n_nodes, dtype=np.int64))
    result: I64 = np.where(settled[component], representative[component], root)
    return result


def _merge_clusters(n_nodes: int, edges: _UnitEdges, sizes: I64, threshold: float,
                    agreement: _UnitAgreement | None) -> I64:
    """Parent of each node and of each cluster merged (``n_nodes + step``), -1 at the roots.

    The loop (compiled: ``kernels/linkage.pxi``) pops cluster pairs by mean, highest first,
    from a heap of the pairs whose mean reaches the threshold. A merged cluster gets a fresh
    number, so every entry naming a cluster merged since it was pushed is stale and skipped;
    the others are still exact. Ties pop in the order of the cluster numbers, which makes the
    result deterministic. With an ``agreement``, a popped pair below its minimum is not
    merged (its entry is spent; the pair is pushed again when either cluster grows): the
    agreement across two clusters is summed over the members of the smaller one (the left
    one on a tie), member by member in the order they joined, each member's agreements by
    neighbour, as they are listed here.
    """
    if agreement is None:
        no_runs = np.zeros(n_nodes + 1, dtype=np.int64)
        parent: I64 = _merge_clusters_kernel(
            n_nodes, edges.first, edges.second, edges.total, sizes, threshold, False,
            no_runs, no_runs[:0], np.zeros(0), np.zeros(n_nodes), 0.0)
        return parent
    # Each node's agreements as one run, by node, then neighbour (the pairs come sorted, as
    # _unit_edges gives them).
    pairs = agreement.edges
    offsets, other, value = _agreement_runs(n_nodes, pairs.first, pairs.second, pairs.total)
    parent = _merge_clusters_kernel(
        n_nodes, edges.first, edges.second, edges.total, sizes, threshold, True, offsets,
        other, value, agreement.inner.astype(np.float64), agreement.minimum)
    return parent


def _roots(parent: I64) -> I64:
    """The root of every entry of a forest given as parent pointers (-1 at the roots)."""
    root = np.where(parent < 0, np.arange(parent.size, dtype=np.int64), parent)
    while True:
        # Pointer jumping: halves every path per round, so O(log depth) rounds.
        jumped = root[root]
        if np.array_equal(jumped, root):
            return root
        root = jumped


def number_by_first_node(root: I64) -> I64:
    """Relabel clusters ``0..k-1`` in the order of their smallest node."""
    _, first_position, inverse = np.unique(root, return_index=True, return_inverse=True)
    rank = np.empty(first_position.size, dtype=np.int64)
    rank[np.argsort(first_position, kind="stable")] = np.arange(first_position.size)
    labels: I64 = rank[inverse.ravel()]
    return labels
