"""The numba kernels of ``newsdedup._index.terms`` as they were when they were ported to C:
references for tests/core/test_kernels.py (compiled by numba, see ``_jit``)."""
# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from typing import Any

from ._jit import kernel
from ._hashing import fmix64_scalar

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
def _count_into(keys: U64, counts: I64, filled: npt.NDArray[np.bool_], terms: U64,
                change: I64) -> int:
    """Add ``change[k]`` to the count of ``terms[k]`` in an open-addressing table (sized a
    power of two, at most half full); return how many slots it newly filled."""
    mask = np.uint64(keys.size - 1)
    new = 0
    for index in range(terms.size):
        term = terms[index]
        slot = fmix64_scalar(term) & mask
        while filled[slot] and keys[slot] != term:
            slot = (slot + np.uint64(1)) & mask
        if not filled[slot]:
            filled[slot] = True
            keys[slot] = term
            new += 1
        counts[slot] += change[index]
    return new


@kernel
def _counts_of(keys: U64, counts: I64, filled: npt.NDArray[np.bool_], terms: U64) -> I64:
    """The count of each of ``terms`` in the table (0 when absent)."""
    mask = np.uint64(keys.size - 1)
    out = np.zeros(terms.size, dtype=np.int64)
    for index in range(terms.size):
        term = terms[index]
        slot = fmix64_scalar(term) & mask
        while filled[slot]:
            if keys[slot] == term:
                out[index] = counts[slot]
                break
            slot = (slot + np.uint64(1)) & mask
    return out


@kernel
def _strongest(offsets: I64, terms: U64, occurrences: npt.NDArray[np.uint8],
               salient: npt.NDArray[np.uint8], frequency: I64, n_articles: float,
               per_article: int) -> tuple[U64, I64]:
    """The ``per_article`` terms of most weight of each article (see :func:`story_terms`),
    concatenated in that order, and how many each article has."""
    n = offsets.size - 1
    counts = np.zeros(n, dtype=np.int64)
    kept = np.empty(min(terms.size, n * per_article), dtype=np.uint64)
    best_weight = np.empty(per_article)
    best_entry = np.empty(per_article, dtype=np.int64)
    written = 0
    for article in range(n):
        # The best entries so far by decreasing weight; an equal weight keeps the earlier
        # entry first (the article's term order: ascending hashes).
        size = 0
        for entry in range(offsets[article], offsets[article + 1]):
            tf = np.float64(occurrences[entry])
            share = min(np.float64(salient[entry]) / max(tf, 1.0), 1.0)
            idf = np.log((1.0 + n_articles) / (1.0 + np.float64(frequency[entry]))) + 1.0
            weight = tf * (_BM25_K1 + 1.0) / (tf + _BM25_K1) * (1.0 + _NAME_BOOST * share) * idf
            if size == per_article and weight <= best_weight[size - 1]:
                continue
            position = min(size, per_article - 1)
            while position > 0 and best_weight[position - 1] < weight:
                if position < per_article:
                    best_weight[position] = best_weight[position - 1]
                    best_entry[position] = best_entry[position - 1]
                position -= 1
            best_weight[position] = weight
            best_entry[position] = entry
            size = min(size + 1, per_article)
        for rank in range(size):
            kept[written] = terms[best_entry[rank]]
            written += 1
        counts[article] = size
    return kept[:written], counts


@kernel
def _shared_terms(offsets: I64, base_left: I64, base_right: I64, base: I64, delta_left: I64,
                  delta_right: I64, delta: I64, alive: npt.NDArray[np.bool_], times: F64,
                  published: F64, window: float, max_postings: int, min_shared: int,
                  max_candidates: int, counted: I64, first_stamp: int) -> I64:
    """:meth:`StoryTerms.candidates` over the postings in place (``window < 0``: none).

    Each query counts, per slot, the terms it shares, in one number per slot of ``counted``:
    its stamp plus the count. Stamps grow over queries and calls, each query taking as many
    values as it has terms, plus one (from ``first_stamp``), so a value left by an earlier
    query or call is below the stamp: it is recognised and restarted, nothing is cleared,
    and a posting costs one memory access (the cost at a million stored articles). A slot is
    checked (alive, inside the window) only when its count reaches the query's minimum; it
    is ranked by its final count."""
    n_queries = offsets.size - 1
    out = np.empty((n_queries * max_candidates, 2), dtype=np.int64)
    written = 0
    reached = np.empty(16, dtype=np.int64)
    for query in range(n_queries):
        need = min(min_shared, offsets[query + 1] - offsets[query])
        stamp = first_stamp + offsets[query] + query
        n_reached = 0
        for term in range(offsets[query], offsets[query + 1]):
            if (base_right[term] - base_left[term]
                    + delta_right[term] - delta_left[term]) > max_postings:
                continue
            for run in range(2):
                values = base if run == 0 else delta
                first = base_left[term] if run == 0 else delta_left[term]
                last = base_right[term] if run == 0 else delta_right[term]
                for position in range(first, last):
                    slot = values[position]
                    count = counted[slot] - stamp if counted[slot] >= stamp else 0
                    counted[slot] = stamp + count + 1
                    if count + 1 != need or not alive[slot]:
                        continue
                    if window >= 0.0 and abs(times[query] - published[slot]) > window:
                        continue  # a NaN gap compares False: undated is never too far
                    if n_reached == reached.size:
                        grown = np.empty(2 * reached.size, dtype=np.int64)
                        grown[:n_reached] = reached[:n_reached]
                        reached = grown
                    reached[n_reached] = slot
                    n_reached += 1
        if n_reached == 0:
            continue
        # Most shared first, then the newest (largest slot): one key, descending.
        keys = np.empty(n_reached, dtype=np.int64)
        for number in range(n_reached):
            slot = reached[number]
            keys[number] = (counted[slot] - stamp) * (alive.size + 1) + slot
        keys = np.sort(keys)[::-1][:max_candidates]
        chosen = np.sort(keys % (alive.size + 1))
        for slot in chosen:
            out[written, 0] = query
            out[written, 1] = slot
            written += 1
    return out[:written].copy()
