"""Reference for the kernel of ``newsdedup._stories.sparse_linkage`` (tests/core/test_kernels.py):
the merge loop of average linkage as it was in Python (dicts of pair sums, ``heapq``) when
it was ported to C (``kernels/linkage.pxi``), on main's 051cde0."""
# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import heapq
import math
from typing import Any

import numpy as np
import numpy.typing as npt

from newsdedup._core.arrays import owner_offsets

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
_UnitEdges = Any
_UnitAgreement = Any


class _ClusterAgreement:
    """Summed agreement between clusters as they merge, computed when asked: each node's
    agreements are one run of arrays (by node, then neighbour), and each cluster is a set of
    nodes (a list; a merge appends the smaller to the larger, whose number the merged
    cluster's nodes then point at). Arrays, not Python lists: at a million articles there
    are tens of millions of agreements."""

    def __init__(self, n_nodes: int, edges: _UnitEdges) -> None:
        node = np.concatenate([edges.first, edges.second])
        other = np.concatenate([edges.second, edges.first])
        order = np.lexsort((other, node))
        offsets = owner_offsets(node, n_nodes)
        del node
        self._offsets: list[int] = offsets.tolist()
        self._other: I64 = other[order]
        del other
        self._value: F64 = np.concatenate([edges.total, edges.total])[order]
        self._set_of_node: I64 = np.arange(n_nodes, dtype=np.int64)  # a set is named by a node
        self._set_of_cluster: dict[int, int] = {}  # merged clusters only: nodes name theirs
        self._members: dict[int, list[int]] = {}  # sets of more than one node

    def _set(self, cluster: int) -> int:
        return self._set_of_cluster.get(cluster, cluster)

    def between(self, left: int, right: int) -> float:
        """The summed agreement of the pairs across clusters ``left`` and ``right`` (added
        in order, member by member and neighbour by neighbour)."""
        left_set, right_set = self._set(left), self._set(right)
        left_members = self._members.get(left_set, [left_set])
        right_members = self._members.get(right_set, [right_set])
        if len(right_members) < len(left_members):
            left_members, right_set = right_members, left_set
        offsets = self._offsets
        if len(left_members) == 1:
            runs = slice(offsets[left_members[0]], offsets[left_members[0] + 1])
            others, values = self._other[runs], self._value[runs]
        else:
            entries = np.concatenate([np.arange(offsets[node], offsets[node + 1])
                                      for node in left_members])
            others, values = self._other[entries], self._value[entries]
        across = values[self._set_of_node[others] == right_set]
        # cumsum adds in order, as a loop would (a sum's pairwise order rounds otherwise).
        return float(np.cumsum(across)[-1]) if across.size else 0.0

    def merge(self, left: int, right: int, merged: int) -> None:
        """Clusters ``left`` and ``right`` become cluster ``merged``."""
        left_set = self._set_of_cluster.pop(left, left)
        right_set = self._set_of_cluster.pop(right, right)
        left_members = self._members.pop(left_set, [left_set])
        right_members = self._members.pop(right_set, [right_set])
        if len(left_members) < len(right_members):
            left_set, right_set = right_set, left_set
            left_members, right_members = right_members, left_members
        self._set_of_node[right_members] = left_set
        left_members.extend(right_members)
        self._members[left_set] = left_members
        self._set_of_cluster[merged] = left_set



def _merge_clusters(n_nodes: int, edges: _UnitEdges, sizes: I64, threshold: float,
                    agreement: _UnitAgreement | None) -> I64:
    """Parent of each node and of each cluster merged (``n_nodes + step``), -1 at the roots.

    The heap holds ``(-mean, left, right)`` for cluster pairs whose mean reaches the
    threshold. A merged cluster gets a fresh number, so every entry naming a cluster merged
    since it was pushed is stale and skipped; the others are still exact. Ties pop in the
    order of the cluster numbers, which makes the result deterministic. With an
    ``agreement``, a popped pair below its minimum is not merged (its entry is spent; the
    pair is pushed again when either cluster grows).
    """
    parent = np.full(2 * n_nodes, -1, dtype=np.int64)
    size: dict[int, int] = {}
    links: dict[int, dict[int, float]] = {}
    heap: list[tuple[float, int, int]] = []
    node_sizes = sizes.tolist()
    for left, right, value in zip(edges.first.tolist(), edges.second.tolist(),
                                  edges.total.tolist(), strict=True):
        links.setdefault(left, {})[right] = value
        links.setdefault(right, {})[left] = value
        size[left], size[right] = node_sizes[left], node_sizes[right]
        mean = value / (node_sizes[left] * node_sizes[right])
        if mean >= threshold:
            heap.append((-mean, left, right))
    heapq.heapify(heap)
    # Agreement within each cluster, and between clusters when asked (only with one).
    inner: dict[int, float] = {}
    minimum = 0.0
    between_clusters = None
    if agreement is not None:
        minimum = agreement.minimum
        inner = {node: float(agreement.inner[node]) for node in size}
        between_clusters = _ClusterAgreement(n_nodes, agreement.edges)
    fresh = n_nodes
    while heap:
        _, left, right = heapq.heappop(heap)
        if left not in links or right not in links:
            continue
        if between_clusters is not None:
            between = between_clusters.between(left, right)
            norms = ((size[left] + 2.0 * inner[left]) * (size[right] + 2.0 * inner[right]))
            if between < minimum * math.sqrt(norms):
                continue
            inner[fresh] = inner.pop(left) + inner.pop(right) + between
            between_clusters.merge(left, right, fresh)
        left_links = _fold(links, left, right, fresh)
        merged_size = size.pop(left) + size.pop(right)
        size[fresh] = merged_size
        parent[left] = parent[right] = fresh
        for neighbour, summed in left_links.items():
            mean = summed / (merged_size * size[neighbour])
            if mean >= threshold:
                heapq.heappush(heap, (-mean, neighbour, fresh))
        fresh += 1
    return parent[:fresh]




def _fold(sums: dict[int, dict[int, float]], left: int, right: int,
          merged: int) -> dict[int, float]:
    """Replace clusters ``left`` and ``right`` by ``merged`` in the symmetric pair sums
    ``sums``: its sum to each neighbour is theirs added (the smaller dict folded into the
    larger). Returns the merged cluster's sums."""
    left_sums, right_sums = sums.pop(left, {}), sums.pop(right, {})
    if len(left_sums) < len(right_sums):
        left_sums, right_sums = right_sums, left_sums
    for neighbour, summed in right_sums.items():
        left_sums[neighbour] = left_sums.get(neighbour, 0.0) + summed
    left_sums.pop(left, None)
    left_sums.pop(right, None)
    sums[merged] = left_sums
    for neighbour, summed in left_sums.items():
        neighbour_sums = sums[neighbour]
        neighbour_sums.pop(left, None)
        neighbour_sums.pop(right, None)
        neighbour_sums[merged] = summed
    return left_sums


def _agreement_runs(n_nodes: int, first: I64, second: I64, value: F64) -> tuple[I64, I64, F64]:
    """Each node's pairs as one run, by node, then neighbour (as ``_ClusterAgreement`` lays
    them out, by a sort)."""
    node = np.concatenate([first, second])
    other = np.concatenate([second, first])
    order = np.lexsort((other, node))
    return (owner_offsets(node[order], n_nodes), other[order],
            np.concatenate([value, value])[order])
