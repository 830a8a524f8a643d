"""The numba kernels of ``newsdedup._near_duplicates.shared`` as they were when they were ported to C:
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
def _index_occurrences(article_paragraphs: I64, unique_of: I64, content: npt.NDArray[np.bool_],
                       article: int, start: I64, count: I64, placed: I64, listed: I64) -> None:
    """Fill ``listed`` with the article's content paragraphs grouped by unique paragraph, in
    order within a group: unique ``u``'s occurrences are ``listed[start[u]:start[u] +
    count[u]]``. ``start`` must be -1 and ``count``, ``placed`` 0 for its uniques on entry
    (``placed`` is left so; see :func:`_reset` for the others)."""
    first, stop = article_paragraphs[article], article_paragraphs[article + 1]
    for paragraph in range(first, stop):
        if content[paragraph] and unique_of[paragraph] >= 0:
            count[unique_of[paragraph]] += 1
    filled = 0
    for paragraph in range(first, stop):
        unique = unique_of[paragraph]
        if content[paragraph] and unique >= 0 and start[unique] < 0:
            start[unique] = filled
            filled += count[unique]
    for paragraph in range(first, stop):
        unique = unique_of[paragraph]
        if content[paragraph] and unique >= 0:
            listed[start[unique] + placed[unique]] = paragraph
            placed[unique] += 1
    for paragraph in range(first, stop):
        if unique_of[paragraph] >= 0:
            placed[unique_of[paragraph]] = 0


@kernel
def _reset(article_paragraphs: I64, unique_of: I64, article: int, start: I64, count: I64) -> None:
    """Undo :func:`_index_occurrences` for ``article``."""
    for paragraph in range(article_paragraphs[article], article_paragraphs[article + 1]):
        unique = unique_of[paragraph]
        if unique >= 0:
            start[unique] = -1
            count[unique] = 0


@kernel
def _counterparts(article_paragraphs: I64, unique_of: I64, content: npt.NDArray[np.bool_],
                  partner_offsets: I64, partner: I64, jaccard: F64, mine: int,
                  seen: I64, other_start: I64, other_count: I64, other_listed: I64,
                  out_mine: I64, out_theirs: I64, out_similarity: F64, written: int) -> int:
    """Append each content paragraph of ``mine`` with its counterpart in the other article
    (indexed by :func:`_index_occurrences`); ``seen`` counts occurrences and is reset."""
    for paragraph in range(article_paragraphs[mine], article_paragraphs[mine + 1]):
        unique = unique_of[paragraph]
        if not content[paragraph] or unique < 0:
            continue
        rank = seen[unique]
        seen[unique] += 1
        best, best_similarity = -1, -1.0
        if other_count[unique] > 0:
            best = other_listed[other_start[unique] + min(rank, other_count[unique] - 1)]
            best_similarity = 1.0
        else:
            for k in range(partner_offsets[unique], partner_offsets[unique + 1]):
                other = partner[k]
                if other_count[other] > 0:
                    found = other_listed[other_start[other] + min(rank, other_count[other] - 1)]
                    if jaccard[k] > best_similarity or (jaccard[k] == best_similarity
                                                        and found < best):
                        best, best_similarity = found, jaccard[k]
        if best >= 0:
            out_mine[written] = paragraph
            out_theirs[written] = best
            out_similarity[written] = best_similarity
            written += 1
    for paragraph in range(article_paragraphs[mine], article_paragraphs[mine + 1]):
        if unique_of[paragraph] >= 0:
            seen[unique_of[paragraph]] = 0
    return written


@kernel
def _shared_kernel(article_paragraphs: I64, unique_of: I64, content: npt.NDArray[np.bool_],
                   partner_offsets: I64, partner: I64, jaccard: F64, first: I64, second: I64
                   ) -> tuple[I64, I64, I64, F64]:
    """See :func:`shared_paragraphs`."""
    n_unique = partner_offsets.size - 1
    start_a = np.full(n_unique, -1, dtype=np.int64)
    start_b = np.full(n_unique, -1, dtype=np.int64)
    count_a = np.zeros(n_unique, dtype=np.int64)
    count_b = np.zeros(n_unique, dtype=np.int64)
    seen = np.zeros(n_unique, dtype=np.int64)  # occurrences counted; also "placed" scratch
    capacity = 0
    longest = 0
    for pair in range(first.size):
        size = (article_paragraphs[first[pair] + 1] - article_paragraphs[first[pair]]
                + article_paragraphs[second[pair] + 1] - article_paragraphs[second[pair]])
        capacity += size
        longest = max(longest, size)
    offsets = np.zeros(first.size + 1, dtype=np.int64)
    out_a = np.empty(capacity, dtype=np.int64)
    out_b = np.empty(capacity, dtype=np.int64)
    out_similarity = np.empty(capacity, dtype=np.float64)
    listed_a = np.empty(longest, dtype=np.int64)
    listed_b = np.empty(longest, dtype=np.int64)
    scratch_a = np.empty(longest, dtype=np.int64)
    scratch_b = np.empty(longest, dtype=np.int64)
    scratch_similarity = np.empty(longest, dtype=np.float64)
    written = 0
    for pair in range(first.size):
        a, b = first[pair], second[pair]
        _index_occurrences(article_paragraphs, unique_of, content, a, start_a, count_a, seen,
                           listed_a)
        _index_occurrences(article_paragraphs, unique_of, content, b, start_b, count_b, seen,
                           listed_b)
        found = _counterparts(article_paragraphs, unique_of, content, partner_offsets, partner,
                              jaccard, a, seen, start_b, count_b, listed_b, scratch_a,
                              scratch_b, scratch_similarity, 0)
        found = _counterparts(article_paragraphs, unique_of, content, partner_offsets, partner,
                              jaccard, b, seen, start_a, count_a, listed_a, scratch_b,
                              scratch_a, scratch_similarity, found)
        _reset(article_paragraphs, unique_of, a, start_a, count_a)
        _reset(article_paragraphs, unique_of, b, start_b, count_b)
        # Sorted by (paragraph in a, paragraph in b), each pair once.
        order = np.argsort(scratch_a[:found] * (article_paragraphs[-1] + 1) + scratch_b[:found])
        previous_a, previous_b = -1, -1
        for k in order:
            if scratch_a[k] == previous_a and scratch_b[k] == previous_b:
                continue
            previous_a, previous_b = scratch_a[k], scratch_b[k]
            out_a[written] = scratch_a[k]
            out_b[written] = scratch_b[k]
            out_similarity[written] = scratch_similarity[k]
            written += 1
        offsets[pair + 1] = written
    return offsets, out_a[:written], out_b[:written], out_similarity[:written]
