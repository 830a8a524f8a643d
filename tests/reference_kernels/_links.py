"""The numba kernels of ``newsdedup._near_duplicates.links`` as they were when they were ported to C:
references for tests/core/test_kernels.py (compiled by numba, see ``_jit``)."""
# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from typing import Any

from ._jit import kernel
from ._verify import count_shared

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
ShingleValues = npt.NDArray[np.uint32] | npt.NDArray[np.uint64]


@kernel
def _merge_union(article: int, article_paragraphs: I64, allowed: npt.NDArray[np.bool_],
                 shingle_offsets: I64, shingle_values: ShingleValues, buffers: ShingleValues,
                 run_bounds: I64) -> tuple[int, int]:
    """The sorted distinct shingles of one article's allowed paragraphs, built in
    ``buffers[row, :size]``; returns ``(row, size)``.

    Each paragraph's set is already sorted, so the union is a bottom-up merge of those runs
    (dropping repeats): a few linear passes instead of a sort.
    """
    current = 0
    n_runs = 0
    size = 0
    run_bounds[current, 0] = 0
    for paragraph in range(article_paragraphs[article], article_paragraphs[article + 1]):
        start, stop = shingle_offsets[paragraph], shingle_offsets[paragraph + 1]
        if allowed[paragraph] and stop > start:
            buffers[current, size:size + stop - start] = shingle_values[start:stop]
            size += stop - start
            n_runs += 1
            run_bounds[current, n_runs] = size
    while n_runs > 1:
        target = 1 - current
        merged = 0
        n_merged = 0
        run_bounds[target, 0] = 0
        for pair in range(0, n_runs, 2):
            left, left_end = run_bounds[current, pair], run_bounds[current, pair + 1]
            right, right_end = left_end, left_end
            if pair + 1 < n_runs:
                right_end = run_bounds[current, pair + 2]
            while left < left_end or right < right_end:
                if right >= right_end or (left < left_end and
                                          buffers[current, left] <= buffers[current, right]):
                    value = buffers[current, left]
                    left += 1
                else:
                    value = buffers[current, right]
                    right += 1
                run_start = run_bounds[target, n_merged]
                if merged == run_start or buffers[target, merged - 1] != value:
                    buffers[target, merged] = value
                    merged += 1
            n_merged += 1
            run_bounds[target, n_merged] = merged
        current = target
        n_runs = n_merged
        size = merged
    return current, size


@kernel
def _union_scratch(article_paragraphs: I64, allowed: npt.NDArray[np.bool_],
                   shingle_offsets: I64) -> tuple[int, int]:
    """The largest union input (allowed shingles) and paragraph count of one article."""
    longest = 0
    most_paragraphs = 0
    for article in range(article_paragraphs.size - 1):
        most_paragraphs = max(most_paragraphs,
                              article_paragraphs[article + 1] - article_paragraphs[article])
        size = 0
        for paragraph in range(article_paragraphs[article], article_paragraphs[article + 1]):
            if allowed[paragraph]:
                size += shingle_offsets[paragraph + 1] - shingle_offsets[paragraph]
        longest = max(longest, size)
    return longest, most_paragraphs


@kernel
def _union_kernel(article_paragraphs: I64, allowed: npt.NDArray[np.bool_],
                  chosen: npt.NDArray[np.bool_], shingle_offsets: I64,
                  shingle_values: ShingleValues, keep: bool) -> tuple[I64, ShingleValues]:
    """Sorted distinct shingles of the allowed paragraphs of each chosen article (CSR; the
    others are empty); with ``keep`` False only the offsets (the sizes) are computed."""
    n_articles = article_paragraphs.size - 1
    capacity = 0
    for article in range(n_articles):
        if chosen[article]:
            for paragraph in range(article_paragraphs[article],
                                   article_paragraphs[article + 1]):
                if allowed[paragraph]:
                    capacity += shingle_offsets[paragraph + 1] - shingle_offsets[paragraph]
    longest, most_paragraphs = _union_scratch(article_paragraphs, allowed, shingle_offsets)
    values = np.empty(capacity if keep else 0, dtype=shingle_values.dtype)
    offsets = np.zeros(n_articles + 1, dtype=np.int64)
    buffers = np.empty((2, longest), dtype=shingle_values.dtype)
    run_bounds = np.empty((2, most_paragraphs + 2), dtype=np.int64)
    written = 0
    for article in range(n_articles):
        if chosen[article]:
            row, size = _merge_union(article, article_paragraphs, allowed, shingle_offsets,
                                     shingle_values, buffers, run_bounds)
            if keep:
                values[written:written + size] = buffers[row, :size]
            written += size
        offsets[article + 1] = written
    # A view, not a copy: the few repeats dropped are not worth a second large allocation.
    return offsets, values[:written] if keep else values


@kernel
def _link_similarity_kernel(article_paragraphs: I64, allowed: npt.NDArray[np.bool_],
                            shingle_offsets: I64, shingle_values: ShingleValues, a: I64,
                            b: I64) -> tuple[I64, I64, I64]:
    """Intersection and union sizes of the allowed shingles of articles ``a[k]`` and
    ``b[k]``, each union built when needed and dropped (``a`` ascending: one per ``a``)."""
    longest, most_paragraphs = _union_scratch(article_paragraphs, allowed, shingle_offsets)
    left_buffers = np.empty((2, longest), dtype=shingle_values.dtype)
    right_buffers = np.empty((2, longest), dtype=shingle_values.dtype)
    run_bounds = np.empty((2, most_paragraphs + 2), dtype=np.int64)
    intersection = np.zeros(a.size, dtype=np.int64)
    left_size = np.zeros(a.size, dtype=np.int64)
    right_size = np.zeros(a.size, dtype=np.int64)
    previous = -1
    left_row, left_count = 0, 0
    for pair in range(a.size):
        if a[pair] != previous:
            left_row, left_count = _merge_union(a[pair], article_paragraphs, allowed,
                                                shingle_offsets, shingle_values, left_buffers,
                                                run_bounds)
            previous = a[pair]
        right_row, right_count = _merge_union(b[pair], article_paragraphs, allowed,
                                              shingle_offsets, shingle_values, right_buffers,
                                              run_bounds)
        intersection[pair] = count_shared(left_buffers[left_row], 0, left_count,
                                          right_buffers[right_row], 0, right_count)
        left_size[pair] = left_count
        right_size[pair] = right_count
    return intersection, left_size, right_size


@kernel
def _popular_hubs(popular: I64, carrier_offsets: I64, carriers: I64, content: I64, period: I64,
                  rank: I64, steps: int, n_hubs: int) -> tuple[I64, I64]:
    """The ``n_hubs`` best carriers of each popular unique paragraph (CSR over ``popular``).

    Best by the canonical rule's order: period (publication), completeness relative to the
    paragraph's most complete carrier in ``steps`` steps, then the rest of the rule (``rank``).
    """
    offsets = np.zeros(popular.size + 1, dtype=np.int64)
    out = np.empty(popular.size * n_hubs, dtype=np.int64)
    n_classes = content.size
    written = 0
    for number in range(popular.size):
        start = carrier_offsets[popular[number]]
        stop = carrier_offsets[popular[number] + 1]
        largest = 1
        for position in range(start, stop):
            largest = max(largest, content[carriers[position]])
        keys = np.empty(stop - start, dtype=np.int64)
        for position in range(start, stop):
            carrier = carriers[position]
            step = min(steps - 1, (content[carrier] * steps) // largest)
            keys[position - start] = ((period[carrier] * steps + (steps - 1 - step)) * n_classes
                                      + rank[carrier])
        best = np.argsort(keys)[:n_hubs]
        for k in range(best.size):
            out[written] = carriers[start + best[k]]
            written += 1
        offsets[number + 1] = written
    return offsets, out[:written]


@kernel
def _candidate_pass(carrier_offsets: I64, carriers: I64, hub_row: I64, hub_offsets: I64,
                    hubs: I64, partner_offsets: I64, partner: I64, n_classes: int, out: I64,
                    write: bool) -> int:
    """One pass of :func:`_candidate_codes`: the number of codes, written when ``write``."""
    written = 0
    for unique in range(carrier_offsets.size - 1):
        for side in range(-1, partner_offsets[unique + 1] - partner_offsets[unique]):
            # side -1: the unique paragraph with itself; else its side-th partner.
            other = unique if side < 0 else partner[partner_offsets[unique] + side]
            if other < unique:
                continue
            # Each side's "hubs": all its carriers, or the hubs of a popular paragraph.
            first_start, first_stop = carrier_offsets[unique], carrier_offsets[unique + 1]
            second_start, second_stop = carrier_offsets[other], carrier_offsets[other + 1]
            if hub_row[unique] < 0 and hub_row[other] < 0:
                for i in range(first_start, first_stop):
                    for j in range(i + 1 if other == unique else second_start, second_stop):
                        if carriers[i] != carriers[j]:
                            if write:
                                out[written] = _pair_code(carriers[i], carriers[j], n_classes)
                            written += 1
                continue
            # A popular side takes part through its hubs only, paired with every carrier of
            # the other side (a small side's carriers are paired with the popular side's
            # hubs, never with all its carriers: that is what would be quadratic).
            for this, that, that_start, that_stop in (
                    (unique, other, second_start, second_stop),
                    (other, unique, first_start, first_stop)):
                if hub_row[this] < 0:
                    continue
                hub_start, hub_stop = hub_offsets[hub_row[this]], hub_offsets[hub_row[this] + 1]
                for h in range(hub_start, hub_stop):
                    for j in range(that_start, that_stop):
                        if hubs[h] != carriers[j]:
                            if write:
                                out[written] = _pair_code(hubs[h], carriers[j], n_classes)
                            written += 1
                if that == this:
                    break
    return written


@kernel
def _pair_code(first: int, second: int, n: int) -> int:
    """The code ``i * n + j`` of the unordered pair ``{first, second}`` (``i < j``)."""
    if first < second:
        return first * n + second
    return second * n + first
