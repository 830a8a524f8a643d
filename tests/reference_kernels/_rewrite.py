"""References for the kernels of ``newsdedup._stories.rewrite`` (tests/core/test_kernels.py):
``_cosine_block``, the numba kernel as it was when it was ported to C, and the two kernels
that replaced it, written the plain way (sorted n-grams per piece, one merge per row pair)."""
# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from typing import Any

from ._hashing import fmix64_scalar
from ._jit import kernel

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
ShingleValues = npt.NDArray[np.uint32] | npt.NDArray[np.uint64]


@kernel
def _cosine_block(indptr: npt.NDArray[np.int32], indices: npt.NDArray[np.int32], data: F64,
                  left: I64, right: I64) -> F64:
    """Dot products of rows ``left`` with rows ``right`` of a CSR matrix whose rows have
    sorted column indices (one merge per pair of rows: no transpose of the matrix)."""
    block = np.zeros((left.size, right.size))
    for i in range(left.size):
        for j in range(right.size):
            a, a_stop = indptr[left[i]], indptr[left[i] + 1]
            b, b_stop = indptr[right[j]], indptr[right[j] + 1]
            total = 0.0
            while a < a_stop and b < b_stop:
                if indices[a] < indices[b]:
                    a += 1
                elif indices[a] > indices[b]:
                    b += 1
                else:
                    total += data[a] * data[b]
                    a += 1
                    b += 1
            block[i, j] = total
    return block


@kernel
def _piece_columns(points: U32, start: int, stop: int, prime: np.uint64, ngram: int,
                   buckets: int) -> I64:
    """The sorted columns (with repeats) of one piece's n-grams."""
    mask = np.uint64(buckets - 1)
    if stop - start >= ngram:
        columns = np.empty(stop - start - ngram + 1, dtype=np.int64)
        for position in range(start, stop - ngram + 1):
            value = np.uint64(0)
            for k in range(ngram):
                value = value * prime + np.uint64(points[position + k])
            columns[position - start] = np.int64(fmix64_scalar(value) & mask)
    elif stop > start:
        value = np.uint64(0)
        for position in range(start, stop):
            value += np.uint64(points[position])
        columns = np.full(1, np.int64(fmix64_scalar(value) & mask), dtype=np.int64)
    else:
        columns = np.zeros(0, dtype=np.int64)
    return np.sort(columns)


def _collapse_spaces(points: U32, is_space: U8) -> tuple[U32, I64]:
    """Each piece (between 0s) split into its runs of non-space code points, joined by one
    space (32): ``" ".join(piece.split())`` on code points."""
    out: list[int] = []
    starts = [0]
    for piece in _pieces(points):
        words, word = [], []
        for point in piece:
            if is_space[point]:
                if word:
                    words.append(word)
                word = []
            else:
                word.append(point)
        if word:
            words.append(word)
        for number, word in enumerate(words):
            if number:
                out.append(32)
            out.extend(word)
        starts.append(len(out))
    return np.array(out, dtype=np.uint32), np.array(starts, dtype=np.int64)


def _pieces(points: U32) -> list[list[int]]:
    pieces: list[list[int]] = [[]]
    for point in points.tolist():
        if point == 0:
            pieces.append([])
        else:
            pieces[-1].append(point)
    return pieces


def _ngram_counts(points: U32, starts: I64, prime: int, ngram: int,
                  frequency: npt.NDArray[np.int32]) -> tuple[I64, I32, I32]:
    """Each piece's sorted distinct columns with their counts; ``frequency`` counts each
    piece's columns once."""
    n_pieces = starts.size - 1
    indptr = np.zeros(n_pieces + 1, dtype=np.int64)
    indices, counts = [], []
    for piece in range(n_pieces):
        columns = _piece_columns(points, int(starts[piece]), int(starts[piece + 1]),
                                 np.uint64(prime), ngram, frequency.size)
        distinct, repeats = np.unique(columns, return_counts=True)
        frequency[distinct] += 1
        indices.extend(distinct.tolist())
        counts.extend(repeats.tolist())
        indptr[piece + 1] = len(indices)
    return indptr, np.array(indices, dtype=np.int32), np.array(counts, dtype=np.int32)


def _weights(indptr: I64, indices: I32, counts: I32, frequency: I32, n_rows: int) -> F64:
    """``1 + log tf`` times the smooth IDF over ``n_rows`` pieces, per entry."""
    return np.array([(1.0 + math.log(int(counts[k])))
                     * (math.log((1 + n_rows) / (1.0 + int(frequency[indices[k]]))) + 1.0)
                     for k in range(indices.size)], dtype=np.float64)


def _article_counts(indptr: I64, indices: I32, counts: I32, article_rows: I64,
                    buckets: int) -> I32:
    """Each entry's column count summed over its article's rows."""
    summed = np.zeros(indices.size, dtype=np.int32)
    for article in range(article_rows.size - 1):
        start, stop = indptr[article_rows[article]], indptr[article_rows[article + 1]]
        totals: dict[int, int] = {}
        for column, count in zip(indices[start:stop].tolist(), counts[start:stop].tolist()):
            totals[column] = totals.get(column, 0) + count
        summed[start:stop] = [totals[column] for column in indices[start:stop].tolist()]
    return summed


def _summed_weight(count: int, df: int, n_rows: int) -> float:
    """``1 + log tf`` of a summed count times the smooth IDF (the kernel's operations)."""
    return (1.0 + math.log(count)) * (math.log((1 + n_rows) / (1.0 + df)) + 1.0)


def _ngram_norms(indptr: I64, indices: I32, counts: I32, frequency: I32, n_rows: int,
                 summed: I32, article_rows: I64) -> tuple[F64, F64]:
    """Each row's L2 norm of its weights, squares summed in column order, and each
    article's norm of its whole text, each entry adding its part of its column's square
    (in row and column order); at least 1e-12."""
    weights = _weights(indptr, indices, counts, frequency, n_rows)
    norms = np.zeros(indptr.size - 1)
    for row in range(indptr.size - 1):
        total = 0.0
        for weight in weights[indptr[row]:indptr[row + 1]].tolist():
            total += weight * weight
        norms[row] = max(math.sqrt(total), 1e-12)
    whole = np.zeros(article_rows.size - 1)
    for article in range(article_rows.size - 1):
        total = 0.0
        for k in range(indptr[article_rows[article]], indptr[article_rows[article + 1]]):
            weight = _summed_weight(int(summed[k]), int(frequency[indices[k]]), n_rows)
            total += weight * weight * int(counts[k]) / float(summed[k])
        whole[article] = max(math.sqrt(total), 1e-12)
    return norms, whole


def _supporting_entries(indptr: I64, indices: I32, counts: I32, frequency: I32, norms: F64,
                        n_rows: int, article_rows: I64, left: I64, right: I64,
                        threshold: float, summed: I32, whole_norms: F64,
                        most_compared: int) -> tuple[I64, I64, I64, F64, F64]:
    """Each article pair's block of row cosines (weights over norms, one merge per row
    pair), its entries at ``threshold`` or above in row order; and its whole-text cosine:
    each entry's share of its column's whole weight (``weight * count / summed``), the
    left article's shares added up per column, rows last first and each row's entries in
    order, each right entry's share times the left total of its column, added in entry
    order. Only each article's first ``most_compared`` rows are compared row by row."""
    row_of = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
    data = _weights(indptr, indices, counts, frequency, n_rows) / norms[row_of]

    def share(k: int) -> float:
        return (_summed_weight(int(summed[k]), int(frequency[indices[k]]), n_rows)
                * int(counts[k]) / float(summed[k]))

    offsets = np.zeros(left.size + 1, dtype=np.int64)
    whole = np.zeros(left.size)
    first, second, values = [], [], []
    for pair in range(left.size):
        totals: dict[int, float] = {}
        for row in range(article_rows[left[pair] + 1] - 1, article_rows[left[pair]] - 1, -1):
            for k in range(indptr[row], indptr[row + 1]):
                column = int(indices[k])
                totals[column] = share(k) + totals[column] if column in totals else share(k)
        dot = 0.0
        for k in range(indptr[article_rows[right[pair]]],
                       indptr[article_rows[right[pair] + 1]]):
            if int(indices[k]) in totals:
                dot += totals[int(indices[k])] * share(k)
        whole[pair] = dot / (whole_norms[left[pair]] * whole_norms[right[pair]])
        left_rows = np.arange(article_rows[left[pair]], article_rows[left[pair] + 1])
        right_rows = np.arange(article_rows[right[pair]], article_rows[right[pair] + 1])
        left_rows, right_rows = left_rows[:most_compared], right_rows[:most_compared]
        block = _cosine_block(indptr, indices, data, left_rows, right_rows)
        for i, j in np.argwhere(block >= threshold).tolist():
            first.append(left_rows[i])
            second.append(right_rows[j])
            values.append(block[i, j])
        offsets[pair + 1] = len(first)
    return (offsets, np.array(first, dtype=np.int64), np.array(second, dtype=np.int64),
            np.array(values, dtype=np.float64), whole)
