"""Average linkage on sparse edges (src/newsdedup/_stories/sparse_linkage.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.cluster.hierarchy import fcluster, linkage

from newsdedup._stories.sparse_linkage import Agreement, average_linkage_clusters


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


# Agreement: a second measure every merge must reach (names, in the story step).

def _agreeing_reference(n_nodes: int, similarity: np.ndarray, agreement: np.ndarray,
                        threshold: float, minimum: float) -> list[frozenset[int]]:
    """Average linkage with an agreement check, by brute force over dense matrices: the
    best mean first; a pair below the agreement minimum is passed over until one of its
    clusters grows."""
    clusters = [frozenset([n]) for n in range(n_nodes)]
    passed: set[frozenset[frozenset[int]]] = set()

    def mean(a: frozenset[int], b: frozenset[int]) -> float:
        return float(similarity[np.ix_(sorted(a), sorted(b))].sum()) / (len(a) * len(b))

    def agrees(a: frozenset[int], b: frozenset[int]) -> float:
        inner_a = float(np.triu(agreement[np.ix_(sorted(a), sorted(a))], 1).sum())
        inner_b = float(np.triu(agreement[np.ix_(sorted(b), sorted(b))], 1).sum())
        between = float(agreement[np.ix_(sorted(a), sorted(b))].sum())
        return between / np.sqrt((len(a) + 2 * inner_a) * (len(b) + 2 * inner_b))

    while True:
        pairs = [(mean(a, b), a, b) for i, a in enumerate(clusters) for b in clusters[i + 1:]
                 if frozenset([a, b]) not in passed]
        pairs = [p for p in pairs if p[0] >= threshold]
        if not pairs:
            return clusters
        _, a, b = max(pairs, key=lambda p: p[0])
        if agrees(a, b) < minimum:
            passed.add(frozenset([a, b]))
            continue
        clusters = [c for c in clusters if c not in (a, b)] + [a | b]


def test_agreement_of_a_cluster_with_a_smaller_one() -> None:
    """A merged cluster of three meets a merged pair: their agreement is summed across them,
    from whichever side is smaller (not within the pair)."""
    first = np.array([0, 0, 1, 3, 0, 0, 1, 1, 2, 2])
    second = np.array([1, 2, 2, 4, 3, 4, 3, 4, 3, 4])
    similarity = np.array([0.9, 0.85, 0.85, 0.8, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
    given = first * 5 + second != 2 * 5 + 4  # (2, 4) not compared: the clique is not settled
    agreement = Agreement(first[given], second[given], np.full(int(given.sum()), 0.9), 0.5)
    labels = average_linkage_clusters(5, first, second, similarity, 0.4, agreement=agreement)
    assert labels.tolist() == [0, 0, 0, 0, 0]
    dense_similarity = np.zeros((5, 5))
    dense_similarity[first, second] = dense_similarity[second, first] = similarity
    dense_agreement = np.zeros((5, 5))
    dense_agreement[first[given], second[given]] = 0.9
    dense_agreement[second[given], first[given]] = 0.9
    assert _partition(labels) == set(_agreeing_reference(5, dense_similarity, dense_agreement,
                                                         0.4, 0.5))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_nodes=st.integers(1, 14),
       density=st.floats(0.1, 0.9), threshold=st.floats(0.1, 0.6),
       minimum=st.floats(0.0, 0.7))
def test_agreement_matches_a_brute_force_reference(seed: int, n_nodes: int, density: float,
                                                   threshold: float, minimum: float) -> None:
    """With an agreement, the clusters equal a dense brute-force run of the same rule
    (cluster agreement: summed pair agreement over the norms of the sums)."""
    first, second, similarity = _random_graph(seed, n_nodes, density)
    rng = np.random.default_rng(seed + 1)
    # Agreement on the edges and on some pairs that are not edges (compared, not linked).
    a_first, a_second = (x.astype(np.int64) for x in np.triu_indices(n_nodes, k=1))
    given_pairs = rng.random(a_first.size) < 0.7
    a_first, a_second = a_first[given_pairs], a_second[given_pairs]
    values = rng.uniform(0.0, 1.0, a_first.size)
    labels = average_linkage_clusters(n_nodes, first, second, similarity, threshold,
                                      agreement=Agreement(a_first, a_second, values, minimum))
    dense_similarity = np.zeros((n_nodes, n_nodes))
    dense_similarity[first, second] = dense_similarity[second, first] = similarity
    dense_agreement = np.zeros((n_nodes, n_nodes))
    dense_agreement[a_first, a_second] = dense_agreement[a_second, a_first] = values
    expected = _agreeing_reference(n_nodes, dense_similarity, dense_agreement, threshold,
                                   minimum)
    assert _partition(labels) == set(expected)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_nodes=st.integers(1, 60),
       density=st.floats(0.02, 0.5), threshold=st.floats(0.1, 0.9))
def test_agreement_with_minimum_zero_changes_nothing(seed: int, n_nodes: int, density: float,
                                                     threshold: float) -> None:
    """An agreement every merge meets (minimum 0) leaves the clusters as they were."""
    first, second, similarity = _random_graph(seed, n_nodes, density)
    plain = average_linkage_clusters(n_nodes, first, second, similarity, threshold)
    agreed = average_linkage_clusters(
        n_nodes, first, second, similarity, threshold,
        agreement=Agreement(first, second, np.zeros(first.size), 0.0))
    assert plain.tolist() == agreed.tolist()


def test_a_pair_that_disagrees_stays_apart_and_a_cluster_can_still_take_it() -> None:
    """0 and 1 are most alike but disagree (0.1): not merged. 0 and 2 agree and merge; the
    cluster {0, 2} then agrees with 1 (0.6 over the norm of the sums, 0.35), so 1 joins:
    the check is between clusters, not between the pair first compared."""
    first, second = np.array([0, 0, 1]), np.array([1, 2, 2])
    similarity = np.array([0.9, 0.8, 0.7])
    apart = Agreement(first, second, np.array([0.1, 0.5, 0.5]), 0.3)
    assert average_linkage_clusters(3, first, second, similarity, 0.5,
                                    agreement=apart).tolist() == [0, 0, 0]
    # With 1 naming nothing 0 and 2 name, it stays apart.
    alone = Agreement(first, second, np.array([0.1, 0.5, 0.1]), 0.3)
    assert average_linkage_clusters(3, first, second, similarity, 0.5,
                                    agreement=alone).tolist() == [0, 1, 0]


def test_a_clique_that_disagrees_is_not_settled_at_once() -> None:
    """A component whose pairs all reach the threshold is one cluster only if its pairs
    also agree: with one pair below the minimum, the two stay apart."""
    first, second = (x.astype(np.int64) for x in np.triu_indices(2, k=1))
    labels = average_linkage_clusters(2, first, second, np.array([0.9]), 0.3,
                                      agreement=Agreement(first, second, np.array([0.2]), 0.3))
    assert labels.tolist() == [0, 1]


def test_agreement_labels_do_not_depend_on_edge_order() -> None:
    """Shuffled, swapped edges and agreement pairs give the same labels."""
    first, second, similarity = _random_graph(11, 80, 0.15)
    values = np.random.default_rng(2).uniform(0.0, 0.8, first.size)
    labels = average_linkage_clusters(80, first, second, similarity, 0.35,
                                      agreement=Agreement(first, second, values, 0.3))
    order = np.random.default_rng(3).permutation(first.size)
    again = average_linkage_clusters(
        80, second[order], first[order], similarity[order], 0.35,
        agreement=Agreement(second[order], first[order], values[order], 0.3))
    assert labels.tolist() == again.tolist()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_nodes=st.integers(1, 30), n_pairs=st.integers(0, 80),
       n_units=st.integers(1, 30))
def test_unit_edges_sum_the_pairs_of_each_unit_pair(seed: int, n_nodes: int, n_pairs: int,
                                                    n_units: int) -> None:
    """Pairs summed per pair of units (unsorted, repeated, inside one unit) equal
    np.unique's keys and a sum per key in the pairs' order."""
    from newsdedup._stories.sparse_linkage import _unit_edges

    rng = np.random.default_rng(seed)
    unit = rng.integers(0, min(n_units, n_nodes), n_nodes).astype(np.int64)
    first = rng.integers(0, n_nodes, n_pairs).astype(np.int64)
    second = rng.integers(0, n_nodes, n_pairs).astype(np.int64)
    if seed % 2:  # each pair once, in order, no two nodes in one unit (no must-links)
        n_units, unit = n_nodes, np.arange(n_nodes, dtype=np.int64)
        first, second = (side.astype(np.int64) for side in np.triu_indices(n_nodes, k=1))
        n_pairs = first.size
    value = rng.random(n_pairs)
    edges = _unit_edges(unit, n_units, first, second, value)
    left = np.minimum(unit[first], unit[second])
    right = np.maximum(unit[first], unit[second])
    across = left != right
    keys, inverse = np.unique(left[across] * n_units + right[across], return_inverse=True)
    expected = np.bincount(inverse.ravel(), weights=value[across], minlength=keys.size)
    assert edges.first.tolist() == (keys // n_units).tolist()
    assert edges.second.tolist() == (keys % n_units).tolist()
    assert edges.total.tobytes() == expected.astype(np.float64).tobytes()
