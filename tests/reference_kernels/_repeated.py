"""The numba kernels of ``newsdedup._near_duplicates.repeated`` as they were when they were ported to C:
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
def _near_repeats(article_paragraphs: I64, unique_of: I64, left_offsets: I64, right: I64,
                  match_of: I64, pair_codes: I64) -> tuple[I64, I64, I64]:
    """Pairs (occurrence of a match's left unique paragraph, first occurrence of its right
    one in the same article, match number), for every article.

    Per article, the cheaper of two ways: look up every pair of its paragraphs among the
    matches (``pair_codes``, sorted), or scan the matches of each of its paragraphs. A
    paragraph matched a thousand ways, repeated in a thousand articles of eight paragraphs
    each, costs 64 lookups per article, not a thousand scans.
    """
    n_unique = left_offsets.size - 1
    first_in = np.full(n_unique, -1, dtype=np.int64)
    capacity = 64
    out_left = np.empty(capacity, dtype=np.int64)
    out_right = np.empty(capacity, dtype=np.int64)
    out_pair = np.empty(capacity, dtype=np.int64)
    written = 0
    for article in range(article_paragraphs.size - 1):
        start, stop = article_paragraphs[article], article_paragraphs[article + 1]
        worded = 0
        scans = 0
        for paragraph in range(stop - 1, start - 1, -1):
            unique = unique_of[paragraph]
            if unique >= 0:
                first_in[unique] = paragraph
                worded += 1
                scans += left_offsets[unique + 1] - left_offsets[unique]
        if worded >= 2:
            for paragraph in range(start, stop):
                unique = unique_of[paragraph]
                if unique < 0:
                    continue
                if worded * worded <= scans:
                    for other in range(start, stop):
                        partner = unique_of[other]
                        if partner <= unique or first_in[partner] != other:
                            continue
                        code = unique * n_unique + partner
                        k = np.searchsorted(pair_codes, code)
                        if k < pair_codes.size and pair_codes[k] == code:
                            if written == capacity:
                                capacity *= 2
                                out_left = _grown(out_left, capacity)
                                out_right = _grown(out_right, capacity)
                                out_pair = _grown(out_pair, capacity)
                            out_left[written] = paragraph
                            out_right[written] = other
                            out_pair[written] = match_of[k]
                            written += 1
                else:
                    for k in range(left_offsets[unique], left_offsets[unique + 1]):
                        other = first_in[right[k]]
                        if other < 0:
                            continue
                        if written == capacity:
                            capacity *= 2
                            out_left = _grown(out_left, capacity)
                            out_right = _grown(out_right, capacity)
                            out_pair = _grown(out_pair, capacity)
                        out_left[written] = paragraph
                        out_right[written] = other
                        out_pair[written] = match_of[k]
                        written += 1
        for paragraph in range(start, stop):
            if unique_of[paragraph] >= 0:
                first_in[unique_of[paragraph]] = -1
    return out_left[:written].copy(), out_right[:written].copy(), out_pair[:written].copy()


@kernel
def _grown(values: I64, capacity: int) -> I64:
    """``values`` copied into a new array of ``capacity``."""
    out = np.empty(capacity, dtype=np.int64)
    out[:values.size] = values
    return out
