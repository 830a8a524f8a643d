"""The numba kernels of ``newsdedup._near_duplicates.boilerplate`` as they were when they were ported to C:
references for tests/core/test_kernels.py (compiled by numba, see ``_jit``)."""
# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from typing import Any

from ._jit import kernel

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
ShingleValues = npt.NDArray[np.uint32] | npt.NDArray[np.uint64]


@kernel
def _families(blocks: I64, block_offsets: I64, articles_by_block: I64, article_offsets: I64,
              blocks_by_article: I64, is_candidate: npt.NDArray[np.bool_], copy_family: I64
              ) -> tuple[I64, I64, I64, I64]:
    """Carriers and families of each of ``blocks``: CSR offsets, each block's distinct
    carriers (ascending), their family labels, and each block's number of families.

    Two carriers are in one family when they share a content block (one that is not a
    candidate) or are in one copy family; families are the connected components of that
    relation (union-find).
    """
    n_blocks = block_offsets.size - 1
    first_carrier = np.full(n_blocks, -1, dtype=np.int64)  # per content block, reset after
    n_copy_families = 1
    for family in copy_family:
        n_copy_families = max(n_copy_families, family + 1)
    first_of_copy = np.full(n_copy_families, -1, dtype=np.int64)
    offsets = np.zeros(blocks.size + 1, dtype=np.int64)
    total = 0
    for number in range(blocks.size):
        total += block_offsets[blocks[number] + 1] - block_offsets[blocks[number]]
    carriers_out = np.empty(total, dtype=np.int64)
    families_out = np.empty(total, dtype=np.int64)
    counts = np.zeros(blocks.size, dtype=np.int64)
    written = 0
    for number in range(blocks.size):
        block = blocks[number]
        carriers = np.unique(articles_by_block[block_offsets[block]:block_offsets[block + 1]])
        size = carriers.size
        parent = np.arange(size)
        touched = []
        for local in range(size):
            article = carriers[local]
            for position in range(article_offsets[article], article_offsets[article + 1]):
                other = blocks_by_article[position]
                if is_candidate[other]:
                    continue
                if first_carrier[other] < 0:
                    first_carrier[other] = local
                    touched.append(other)
                    continue
                root_a = local
                while parent[root_a] != root_a:
                    root_a = parent[root_a]
                root_b = first_carrier[other]
                while parent[root_b] != root_b:
                    root_b = parent[root_b]
                if root_a != root_b:
                    parent[max(root_a, root_b)] = min(root_a, root_b)
        for local in range(size):
            family = copy_family[carriers[local]]
            if family < 0:
                continue
            if first_of_copy[family] < 0:
                first_of_copy[family] = local
                continue
            root_a = local
            while parent[root_a] != root_a:
                root_a = parent[root_a]
            root_b = first_of_copy[family]
            while parent[root_b] != root_b:
                root_b = parent[root_b]
            if root_a != root_b:
                parent[max(root_a, root_b)] = min(root_a, root_b)
        for local in range(size):
            if copy_family[carriers[local]] >= 0:
                first_of_copy[copy_family[carriers[local]]] = -1
        for other in touched:
            first_carrier[other] = -1
        n_families = 0
        for local in range(size):
            root = local
            while parent[root] != root:
                root = parent[root]
            parent[local] = root
            if root == local:
                n_families += 1
            carriers_out[written + local] = carriers[local]
            families_out[written + local] = root
        counts[number] = n_families
        written += size
        offsets[number + 1] = written
    return offsets, carriers_out[:written], families_out[:written], counts
