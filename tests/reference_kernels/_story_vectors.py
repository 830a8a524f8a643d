"""The numba kernels of ``newsdedup._stories.vectors`` as they were when they were ported to C:
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


_BM25_K1 = 1.2


_NAME_BOOST = 2.0


@kernel
def _group_rows(offsets: I64, term_ids: I32, counts: npt.NDArray[np.uint8], boost: F64,
                group_starts: I64, members: I64, n_terms: int) -> tuple[I64, I32, F64]:
    """Each group's row: the sum of its members' normalized weighted rows (CSR, columns
    ascending). An article's weights are ``tf / (tf + k1) * boost``, divided by their norm."""
    n_groups = group_starts.size - 1
    indptr = np.zeros(n_groups + 1, dtype=np.int64)
    seen = np.zeros(n_terms, dtype=np.bool_)
    touched = np.empty(n_terms, dtype=np.int32)
    # First the exact size: a group of copies has far fewer distinct terms than entries.
    capacity = 0
    for group in range(n_groups):
        first, last = group_starts[group], group_starts[group + 1]
        if last - first == 1:
            article = members[first]
            capacity += offsets[article + 1] - offsets[article]
            continue
        n_touched = 0
        for position in range(first, last):
            article = members[position]
            for entry in range(offsets[article], offsets[article + 1]):
                if not seen[term_ids[entry]]:
                    seen[term_ids[entry]] = True
                    touched[n_touched] = term_ids[entry]
                    n_touched += 1
        for number in range(n_touched):
            seen[touched[number]] = False
        capacity += n_touched
    indices = np.empty(capacity, dtype=np.int32)
    data = np.empty(capacity, dtype=np.float64)
    accumulator = np.zeros(n_terms, dtype=np.float64)
    written = 0
    for group in range(n_groups):
        n_touched = 0
        for position in range(group_starts[group], group_starts[group + 1]):
            article = members[position]
            start, stop = offsets[article], offsets[article + 1]
            norm = 0.0
            for entry in range(start, stop):
                tf = np.float64(counts[entry])
                weight = tf / (tf + _BM25_K1) * boost[term_ids[entry]]
                norm += weight * weight
            norm = max(np.sqrt(norm), 1e-12)
            for entry in range(start, stop):
                term = term_ids[entry]
                tf = np.float64(counts[entry])
                accumulator[term] += tf / (tf + _BM25_K1) * boost[term] / norm
                if not seen[term]:
                    seen[term] = True
                    touched[n_touched] = term
                    n_touched += 1
        row = touched[:n_touched]
        row.sort()
        for term in row:
            indices[written] = term
            data[written] = accumulator[term]
            accumulator[term] = 0.0
            seen[term] = False
            written += 1
        indptr[group + 1] = written
    return indptr, indices, data


@kernel
def _weigh_and_keep(indptr: I64, indices: I32, data: F64, idf: F64, full_idf: F64,
                    shared: npt.NDArray[np.bool_], column: I32, own_share: F64) -> int:
    """In place: multiply each row by the IDF, normalize it (terms of IDF 0 do not count),
    keep the shared terms (their columns renumbered) and return how many entries are kept;
    ``indptr`` is updated, and ``own_share`` gets each row's norm over its norm with every
    term weighed by ``full_idf``."""
    kept = 0
    start = indptr[0]
    for row in range(indptr.size - 1):
        stop = indptr[row + 1]
        norm = 0.0
        full = 0.0
        for entry in range(start, stop):
            value = data[entry] * idf[indices[entry]]
            norm += value * value
            value = data[entry] * full_idf[indices[entry]]
            full += value * value
        own_share[row] = min(1.0, np.sqrt(norm) / max(np.sqrt(full), 1e-12))
        norm = max(np.sqrt(norm), 1e-12)
        for entry in range(start, stop):
            term = indices[entry]
            if shared[term]:
                data[kept] = data[entry] * idf[term] / norm
                indices[kept] = column[term]
                kept += 1
        start = stop
        indptr[row + 1] = kept
    return kept


def _term_totals(term_ids: I32, counts: npt.NDArray[np.uint8], salient: npt.NDArray[np.uint8],
                 n_terms: int) -> tuple[F64, F64]:
    """Each term's occurrences and salient occurrences, as ``_stories.vectors._boost`` summed
    them before the kernel: ``np.bincount`` over slices of 2**20 entries."""
    total = np.zeros(n_terms)
    marked = np.zeros(n_terms)
    for start in range(0, term_ids.size, 1 << 20):
        part = slice(start, start + (1 << 20))
        total += np.bincount(term_ids[part], weights=counts[part], minlength=n_terms)
        marked += np.bincount(term_ids[part], weights=salient[part], minlength=n_terms)
    return total, marked
