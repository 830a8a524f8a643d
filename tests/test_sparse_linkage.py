"""Average linkage on sparse edges (src/newsdedup/_sparse_linkage.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.cluster.hierarchy import fcluster, linkage

from newsdedup._sparse_linkage import average_linkage_clusters


def _dense_reference(n_nodes: int, first: np.ndarray, second: np.ndarray,
                     similarity: np.ndarray, threshold: float) -> np.ndarray:
    """scipy's average linkage on the full matrix (0 off the edges), cut at the threshold."""
    if n_nodes == 1:
        return np.zeros(1, dtype=np.int64)
    matrix = np.zeros((n_nodes, n_nodes))
    matrix[first, second] = matrix[second, first] = similarity
    distance = 1.0 - matrix
    np.fill_diagonal(distance, 0.0)
    tree = linkage(distance[np.triu_indices(n_nodes, k=1)], method="average")
    return fcluster(tree, t=1.0 - threshold, criterion="distance")


def _partition(labels: np.ndarray) -> set[frozenset[int]]:
    clusters: dict[int, set[int]] = {}
    for node, label in enumerate(labels.tolist()):
        clusters.setdefault(label, set()).add(node)
    return {frozenset(members) for members in clusters.values()}


def _random_graph(seed: int, n_nodes: int, density: float) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    first, second = np.triu_indices(n_nodes, k=1)
    chosen = rng.random(first.size) < density
    similarity = rng.uniform(0.05, 1.0, int(chosen.sum()))
    return first[chosen].astype(np.int64), second[chosen].astype(np.int64), similarity


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_nodes=st.integers(1, 40),
       density=st.floats(0.02, 0.6), threshold=st.floats(0.1, 0.9))
def test_same_clusters_as_scipy_dense_average_linkage(seed: int, n_nodes: int, density: float,
                                                      threshold: float) -> None:
    """On random weighted graphs the clusters equal scipy's dense average-linkage cut."""
    first, second, similarity = _random_graph(seed, n_nodes, density)
    labels = average_linkage_clusters(n_nodes, first, second, similarity, threshold)
    expected = _dense_reference(n_nodes, first, second, similarity, threshold)
    assert _partition(labels) == _partition(expected)


def test_bridge_does_not_chain_two_groups() -> None:
    """Two triangles joined by one edge above the threshold stay two clusters (no chaining)."""
    first = np.array([0, 0, 1, 3, 3, 4, 2])
    second = np.array([1, 2, 2, 4, 5, 5, 3])
    similarity = np.array([0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.6])  # the bridge reaches 0.5 too
    labels = average_linkage_clusters(6, first, second, similarity, 0.5)
    assert labels.tolist() == [0, 0, 0, 1, 1, 1]


def test_labels_do_not_depend_on_edge_order_or_direction() -> None:
    """Shuffling the edges and swapping their ends gives the same labels."""
    first, second, similarity = _random_graph(7, 60, 0.1)
    labels = average_linkage_clusters(60, first, second, similarity, 0.4)
    order = np.random.default_rng(1).permutation(first.size)
    again = average_linkage_clusters(60, second[order], first[order], similarity[order], 0.4)
    assert labels.tolist() == again.tolist()


def test_labels_numbered_by_smallest_node() -> None:
    """Cluster numbers follow each cluster's smallest node; isolated nodes are their own."""
    labels = average_linkage_clusters(5, np.array([3]), np.array([1]), np.array([0.9]), 0.5)
    assert labels.tolist() == [0, 1, 2, 1, 3]


def test_clique_above_threshold_is_one_cluster() -> None:
    """A component whose every pair is an edge at the threshold is one cluster."""
    first, second = np.triu_indices(30, k=1)
    similarity = np.full(first.size, 0.3)
    labels = average_linkage_clusters(30, first.astype(np.int64), second.astype(np.int64),
                                      similarity, 0.3)
    assert set(labels.tolist()) == {0}


def test_sparse_component_larger_than_a_dense_matrix_would_allow() -> None:
    """A 100k-node chain of weak links is clustered without a dense matrix (pairs of nodes)."""
    n_nodes = 100_000
    first = np.arange(n_nodes - 1, dtype=np.int64)
    similarity = np.where(first % 2 == 0, 0.9, 0.2)  # strong pairs joined by weak links
    labels = average_linkage_clusters(n_nodes, first, first + 1, similarity, 0.5)
    assert labels.max() + 1 == n_nodes // 2
    assert (labels[0::2] == labels[1::2]).all()


@pytest.mark.parametrize(("first", "second"), [([0, 1], [1, 0]), ([2], [2])])
def test_duplicate_pairs_and_loops_are_rejected(first: list[int], second: list[int]) -> None:
    """Each pair may appear once and never as a loop: anything else is a ValueError."""
    with pytest.raises(ValueError, match="expected"):
        average_linkage_clusters(3, np.array(first), np.array(second),
                                 np.full(len(first), 0.5), 0.3)
