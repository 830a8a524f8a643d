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


def _sentence_pieces(points: U32, classes: U8, shortest: int) -> tuple[U32, I64, I64]:
    """Each piece (between 0s) as words (runs of non-space code points) and the gaps
    between them (a space), plus a gap inside a word after a bare end mark and any closing
    marks, before another character. A gap after a word ending in an end mark or a bare
    one (then any closing marks; not a period when the word holds an earlier one), and
    every gap inside a word, may end a sentence: it does when the sentence so far holds
    ``shortest`` code points or more and no digit follows; otherwise a gap between words
    is one space and one inside a word nothing. A piece's last sentence shorter than
    ``shortest`` is joined to the one before by a space."""
    space, end, close, bare, digit, period = (1, 2, 4, 8, 16, 32)
    out: list[int] = []
    starts = [0]
    counts = []
    for piece in _pieces(points):
        words, word = [], []
        for point in piece:
            if classes[point] & space:
                if word:
                    words.append(word)
                word = []
            else:
                word.append(point)
        if word:
            words.append(word)
        # (part, whether the gap after it may end a sentence, whether it is a space)
        parts = []
        for word in words:
            begin = 0
            for position in range(1, len(word)):
                before = word[begin:position]
                if not classes[word[position]] & close and _ends_with(before, classes, bare,
                                                                      close):
                    parts.append((before, True, False))
                    begin = position
            last = word[begin:]
            ends = _ends_with(last, classes, end | bare, close)
            if ends and not _ends_with(last, classes, bare, close):
                mark = len(last) - 1
                while classes[last[mark]] & close:
                    mark -= 1
                if classes[last[mark]] & period:
                    ends = not any(classes[point] & period for point in word[:begin + mark])
            parts.append((last, ends, True))
        sentences: list[list[int]] = []
        current: list[int] = []
        gap_ends, gap_space = False, False
        for part, ends, is_space in parts:
            if current and gap_ends and len(current) >= shortest and not (
                    classes[part[0]] & digit):
                sentences.append(current)
                current = []
            elif current and gap_space:
                current.append(32)
            current.extend(part)
            gap_ends, gap_space = ends, is_space
        if sentences and len(current) < shortest:
            sentences[-1] = sentences[-1] + [32] + current
        else:
            sentences.append(current)
        for sentence in sentences:
            out.extend(sentence)
            starts.append(len(out))
        counts.append(len(sentences))
    return (np.array(out, dtype=np.uint32), np.array(starts, dtype=np.int64),
            np.array(counts, dtype=np.int64))


def _ends_with(part: list[int], classes: U8, marks: int, close: int) -> bool:
    """Whether ``part`` ends with one of ``marks`` followed by closing marks only."""
    position = len(part) - 1
    while position >= 0 and classes[part[position]] & close:
        position -= 1
    return position >= 0 and bool(classes[part[position]] & marks)


def _pieces(points: U32) -> list[list[int]]:
    pieces: list[list[int]] = [[]]
    for point in points.tolist():
        if point == 0:
            pieces.append([])
        else:
            pieces[-1].append(point)
    return pieces


#: An entry's column bits and the count that sends it to the escape table (the kernel's).
ENTRY_COLUMN_BITS = 22
ENTRY_ESCAPED = 1023


def pack_entries(indices: I64, counts: I64) -> tuple[U32, I64, I64]:
    """Entries as ``ngram_counts`` writes them: the column in the low bits, the count in
    the high ones or ``ENTRY_ESCAPED``, then listed in the escape table."""
    indices, counts = np.asarray(indices, dtype=np.int64), np.asarray(counts, dtype=np.int64)
    escaped = np.flatnonzero(counts >= ENTRY_ESCAPED)
    entries = (indices | (np.minimum(counts, ENTRY_ESCAPED) << ENTRY_COLUMN_BITS))
    return entries.astype(np.uint32), escaped.astype(np.int64), counts[escaped]


def unpack_entries(entries: U32, positions: I64, escaped: I64) -> tuple[I64, I64]:
    """Each entry's column and count (its escaped count where it has one)."""
    columns = (entries & ((1 << ENTRY_COLUMN_BITS) - 1)).astype(np.int64)
    counts = (entries >> ENTRY_COLUMN_BITS).astype(np.int64)
    counts[positions] = escaped
    return columns, counts


def _ngram_counts(points: U32, starts: I64, prime: int, ngrams: npt.NDArray[np.int8],
                  frequency: npt.NDArray[np.int32]) -> tuple[I64, U32, I64, I64]:
    """Each piece's sorted distinct columns (of its ``ngrams[piece]``-grams) with their
    counts, packed (``pack_entries``); ``frequency`` counts each piece's columns once."""
    n_pieces = starts.size - 1
    indptr = np.zeros(n_pieces + 1, dtype=np.int64)
    indices, counts = [], []
    for piece in range(n_pieces):
        columns = _piece_columns(points, int(starts[piece]), int(starts[piece + 1]),
                                 np.uint64(prime), int(ngrams[piece]), frequency.size)
        distinct, repeats = np.unique(columns, return_counts=True)
        frequency[distinct] += 1
        indices.extend(distinct.tolist())
        counts.extend(repeats.tolist())
        indptr[piece + 1] = len(indices)
    return (indptr, *pack_entries(np.array(indices, dtype=np.int64),
                                  np.array(counts, dtype=np.int64)))


def _row_hashes(indptr: I64, entries: U32) -> U64:
    """Each row's entries mixed one by one and summed modulo 2**64."""
    hashes = np.zeros(indptr.size - 1, dtype=np.uint64)
    for row in range(indptr.size - 1):
        total = 0
        for value in entries[indptr[row]:indptr[row + 1]].tolist():
            total = (total + int(fmix64_scalar(np.uint64(value)))) % 2**64
        hashes[row] = total
    return hashes


def _sentence_figures(points: U32, starts: I64) -> tuple[I64, U64]:
    """Each piece's figures found by a regular expression (digits, a ``,`` or ``.`` between
    two of them), each one's digits folded into ``value * 11 + digit + 1`` and mixed."""
    import re

    figure = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
    offsets, hashes = [0], []
    for start, stop in zip(starts[:-1].tolist(), starts[1:].tolist()):
        text = "".join(chr(point) for point in points[start:stop].tolist())
        for match in figure.finditer(text):
            value = 0
            for digit in re.sub(r"[.,]", "", match.group()):
                value = (value * 11 + int(digit) + 1) % 2**64
            hashes.append(int(fmix64_scalar(np.uint64(value))))
        offsets.append(len(hashes))
    return np.array(offsets, dtype=np.int64), np.array(hashes, dtype=np.uint64)


def _weight(count: int, df: int, n_rows: int) -> float:
    """``1 + log tf`` times the smooth IDF over ``n_rows`` pieces (the kernel's operations)."""
    return (1.0 + math.log(count)) * (math.log((1 + n_rows) / (1.0 + df)) + 1.0)


def _ngram_norms(indptr: I64, entries: U32, positions: I64, escaped: I64, frequency: I32,
                 n_rows: int) -> F64:
    """Each row's L2 norm of its weights, squares summed in column order; at least 1e-12."""
    columns, counts = unpack_entries(entries, positions, escaped)
    norms = np.zeros(indptr.size - 1)
    for row in range(indptr.size - 1):
        total = 0.0
        for k in range(indptr[row], indptr[row + 1]):
            weight = _weight(int(counts[k]), int(frequency[columns[k]]), n_rows)
            total += weight * weight
        norms[row] = max(math.sqrt(total), 1e-12)
    return norms


def _supporting_entries(indptr: I64, entries: U32, positions: I64, escaped: I64,
                        frequency: I32, norms: F64, n_rows: int, article_rows: I64,
                        left: I64, right: I64, threshold: float,
                        most_compared: int) -> tuple[I64, I64, I64, F64]:
    """Each article pair's block of row cosines (weights over norms, one merge per row
    pair), its entries at ``threshold`` or above in row order. Only each article's first
    ``most_compared`` rows are compared."""
    columns, counts = unpack_entries(entries, positions, escaped)
    row_of = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
    data = np.array([_weight(int(counts[k]), int(frequency[columns[k]]), n_rows)
                     for k in range(columns.size)], dtype=np.float64) / norms[row_of]
    offsets = np.zeros(left.size + 1, dtype=np.int64)
    first, second, values = [], [], []
    for pair in range(left.size):
        left_rows = np.arange(article_rows[left[pair]], article_rows[left[pair] + 1])
        right_rows = np.arange(article_rows[right[pair]], article_rows[right[pair] + 1])
        left_rows, right_rows = left_rows[:most_compared], right_rows[:most_compared]
        block = _cosine_block(indptr, columns.astype(np.int32), data, left_rows, right_rows)
        for i, j in np.argwhere(block >= threshold).tolist():
            first.append(left_rows[i])
            second.append(right_rows[j])
            values.append(block[i, j])
        offsets[pair + 1] = len(first)
    return (offsets, np.array(first, dtype=np.int64), np.array(second, dtype=np.int64),
            np.array(values, dtype=np.float64))
