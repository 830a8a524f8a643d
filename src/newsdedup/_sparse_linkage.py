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

Two shortcuts keep the Python loop small: a connected component is a single cluster when
every pair of its nodes is an edge at or above the threshold (every mean then reaches it
whatever the merge order), and a component with one node is its own cluster.
"""

from __future__ import annotations

import heapq

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from ._arrays import sorted_unique
from ._types import F64, I64

__all__ = ["average_linkage_clusters"]



def average_linkage_clusters(n_nodes: int, first: I64, second: I64, similarity: F64,
                             threshold: float,
                             must_link: tuple[I64, I64] | None = None) -> I64:
    """Cluster label (``0..k-1``) of each node: average linkage on the edges, cut at ``threshold``.

    Edges ``(first[i], second[i])`` are undirected, with positive ``similarity``; each pair of
    nodes appears at most once and never as a loop. Labels are numbered in the order of each
    cluster's smallest node, so they depend only on the graph, never on the edge order.
    ``must_link`` pairs of nodes (two arrays) start in one cluster: the clustering starts from
    the connected components of those pairs instead of single nodes, with the same rule for
    every later merge (mean similarity of all pairs of nodes across two clusters).

    >>> import numpy as np
    >>> # a triangle 0-1-2 and a weak bridge 2-3: the bridge alone does not reach the mean
    >>> average_linkage_clusters(4, np.array([0, 0, 1, 2]), np.array([1, 2, 2, 3]),
    ...                          np.array([0.9, 0.8, 0.85, 0.5]), 0.4).tolist()
    [0, 0, 0, 1]
    >>> average_linkage_clusters(4, np.array([0, 0, 1, 2]), np.array([1, 2, 2, 3]),
    ...                          np.array([0.9, 0.8, 0.85, 0.5]), 0.4,
    ...                          (np.array([3]), np.array([1]))).tolist()
    [0, 0, 0, 0]
    """
    first, second = np.minimum(first, second), np.maximum(first, second)
    if first.size and (first == second).any():
        raise ValueError("average_linkage_clusters: expected no loops, got an edge (n, n)")
    keys = first * np.int64(n_nodes) + second
    if sorted_unique(keys).size != keys.size:
        raise ValueError("average_linkage_clusters: expected each pair once, got duplicates")
    if must_link is None or must_link[0].size == 0:
        return _number_by_first_node(_cluster(n_nodes, first, second, similarity,
                                              np.ones(n_nodes, dtype=np.int64), threshold))
    # Contract each must-link component into one node; edges between two components add up
    # (the mean between clusters is the summed similarity over the product of their sizes).
    linked = csr_matrix((np.ones(must_link[0].size), (must_link[0], must_link[1])),
                        shape=(n_nodes, n_nodes))
    n_units, unit = connected_components(linked, directed=False)
    unit = unit.astype(np.int64)
    left, right = np.minimum(unit[first], unit[second]), np.maximum(unit[first], unit[second])
    across = left != right
    unit_keys, inverse = np.unique(left[across] * np.int64(n_units) + right[across],
                                   return_inverse=True)
    totals: F64 = np.bincount(inverse.ravel(), weights=similarity[across],
                              minlength=unit_keys.size).astype(np.float64)
    sizes = np.bincount(unit, minlength=n_units).astype(np.int64)
    root = _cluster(n_units, unit_keys // n_units, unit_keys % n_units, totals, sizes,
                    threshold)
    return _number_by_first_node(root[unit])


def _cluster(n_nodes: int, first: I64, second: I64, total: F64, sizes: I64,
             threshold: float) -> I64:
    """A representative of each node's cluster. Node ``n`` stands for ``sizes[n]`` items;
    ``total`` is the summed similarity of the items across each edge (``first < second``)."""
    graph = csr_matrix((np.ones(first.size), (first, second)), shape=(n_nodes, n_nodes))
    _, component = connected_components(graph, directed=False)
    component = component.astype(np.int64)
    n_components = int(component.max()) + 1 if n_nodes else 0
    nodes = np.bincount(component, minlength=n_components)
    edges = np.bincount(component[first], minlength=n_components)
    weakest = np.full(n_components, np.inf)
    np.minimum.at(weakest, component[first], total / (sizes[first] * sizes[second]))
    # A component whose every pair of nodes is an edge with a mean at the threshold is one
    # cluster whatever the merge order (a merged cluster's mean to another is a weighted
    # mean of means that all reach it).
    settled = (edges == nodes * (nodes - 1) // 2) & (weakest >= threshold)
    open_edges = ~settled[component[first]]
    parent = _merge_clusters(n_nodes, first[open_edges], second[open_edges], total[open_edges],
                             sizes, threshold)
    root = _roots(parent)[:n_nodes]
    # A settled component is one cluster: point all its nodes at one representative.
    representative = np.full(n_components, -1, dtype=np.int64)
    np.maximum.at(representative, component, np.arange(n_nodes, dtype=np.int64))
    result: I64 = np.where(settled[component], representative[component], root)
    return result


def _merge_clusters(n_nodes: int, first: I64, second: I64, total: F64, sizes: I64,
           threshold: float) -> I64:
    """Parent of each node and of each cluster merged (``n_nodes + step``), -1 at the roots.

    The heap holds ``(-mean, left, right)`` for cluster pairs whose mean reaches the
    threshold. A merged cluster gets a fresh number, so every entry naming a cluster merged
    since it was pushed is stale and skipped; the others are still exact. Ties pop in the
    order of the cluster numbers, which makes the result deterministic.
    """
    parent = np.full(2 * n_nodes, -1, dtype=np.int64)
    size: dict[int, int] = {}
    links: dict[int, dict[int, float]] = {}
    heap: list[tuple[float, int, int]] = []
    node_sizes = sizes.tolist()
    for left, right, value in zip(first.tolist(), second.tolist(), total.tolist(),
                                  strict=True):
        links.setdefault(left, {})[right] = value
        links.setdefault(right, {})[left] = value
        size[left], size[right] = node_sizes[left], node_sizes[right]
        mean = value / (node_sizes[left] * node_sizes[right])
        if mean >= threshold:
            heap.append((-mean, left, right))
    heapq.heapify(heap)
    fresh = n_nodes
    while heap:
        _, left, right = heapq.heappop(heap)
        if left not in links or right not in links:
            continue
        left_links, right_links = links.pop(left), links.pop(right)
        if len(left_links) < len(right_links):
            left_links, right_links = right_links, left_links
        # Summed similarity of the merged cluster to each neighbour (smaller dict folded in).
        for neighbour, summed in right_links.items():
            left_links[neighbour] = left_links.get(neighbour, 0.0) + summed
        left_links.pop(left, None)
        left_links.pop(right, None)
        merged_size = size.pop(left) + size.pop(right)
        size[fresh] = merged_size
        links[fresh] = left_links
        parent[left] = parent[right] = fresh
        for neighbour, summed in left_links.items():
            neighbour_links = links[neighbour]
            neighbour_links.pop(left, None)
            neighbour_links.pop(right, None)
            neighbour_links[fresh] = summed
            mean = summed / (merged_size * size[neighbour])
            if mean >= threshold:
                heapq.heappush(heap, (-mean, neighbour, fresh))
        fresh += 1
    return parent[:fresh]


def _roots(parent: I64) -> I64:
    """The root of every entry of a forest given as parent pointers (-1 at the roots)."""
    root = np.where(parent < 0, np.arange(parent.size, dtype=np.int64), parent)
    while True:
        # Pointer jumping: halves every path per round, so O(log depth) rounds.
        jumped = root[root]
        if np.array_equal(jumped, root):
            return root
        root = jumped


def _number_by_first_node(root: I64) -> I64:
    """Relabel clusters ``0..k-1`` in the order of their smallest node."""
    _, first_position, inverse = np.unique(root, return_index=True, return_inverse=True)
    rank = np.empty(first_position.size, dtype=np.int64)
    rank[np.argsort(first_position, kind="stable")] = np.arange(first_position.size)
    labels: I64 = rank[inverse.ravel()]
    return labels
