"""The numba kernels of ``newsdedup._text.terms`` as they were when they were ported to C:
references for tests/core/test_kernels.py (compiled by numba, see ``_jit``)."""
# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from typing import Any

from ._jit import kernel
from ._hashing import fmix64_scalar
from ._hashsort import sort_slots_by_hash

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
ShingleValues = npt.NDArray[np.uint32] | npt.NDArray[np.uint64]

from newsdedup._text.tokenize import CharClass

_WORD, _SPACE, _UPPER = CharClass.WORD, CharClass.SPACE, CharClass.UPPER
_DIGIT, _LOWER_DIGIT_COMMA = CharClass.DIGIT, CharClass.LOWER_DIGIT_COMMA

MAX_COUNT = 255


_TOP_HALF = np.uint64(0xFFFFFFFF00000000)


_HALF = np.uint64(32)


_NEWLINE = 0x0A


@kernel
def _ascii_salient_kernel(raw: npt.NDArray[np.uint8], classes: npt.NDArray[np.uint8],
                          n_tokens: int) -> npt.NDArray[np.bool_]:
    """Whether each token (run of word characters) of ASCII ``raw`` is a salient word.

    Paragraphs are separated by line breaks; the rule is :data:`SALIENT_WORD`'s: a token
    with a digit, or a capitalised one after white space that follows a lower-case letter,
    digit, comma or semicolon, an abbreviation such as "p.m." (period, lower-case letter,
    period), or a whole word "A", "An" or "The". (Updated with the expression on
    2026-12-05: the article and abbreviation cases.)
    """
    salient = np.zeros(n_tokens, dtype=np.bool_)
    token = 0
    last_solid = 0  # classes of the last non-space character of this paragraph (0: none)
    solid_at = -1  # where that character is (-1: none in this paragraph)
    line_start = 0
    word_start = -1
    word_end = -1  # the last word, when the last non-space character ends it
    after_space = False
    position = 0
    size = raw.size
    while position < size:
        byte = raw[position]
        if byte == _NEWLINE:
            last_solid = 0
            solid_at = -1
            word_end = -1
            line_start = position + 1
            after_space = False
            position += 1
            continue
        flags = classes[byte]
        if flags & _WORD:
            in_sentence = after_space and (last_solid & _LOWER_DIGIT_COMMA) != 0
            if after_space and not in_sentence and solid_at >= 0:
                if (raw[solid_at] == 46 and solid_at >= line_start + 2
                        and 97 <= raw[solid_at - 1] <= 122 and raw[solid_at - 2] == 46):
                    in_sentence = True
                elif word_end == solid_at + 1:
                    length = word_end - word_start
                    if length == 1:
                        in_sentence = raw[word_start] == 65
                    elif length == 2:
                        in_sentence = raw[word_start] == 65 and raw[word_start + 1] == 110
                    elif length == 3:
                        in_sentence = (raw[word_start] == 84 and raw[word_start + 1] == 104
                                       and raw[word_start + 2] == 101)
            capitalised = (flags & _UPPER) != 0
            has_digit = False
            word_start = position
            while position < size and raw[position] != _NEWLINE and (
                    classes[raw[position]] & _WORD):
                if classes[raw[position]] & _DIGIT:
                    has_digit = True
                position += 1
            word_end = position
            salient[token] = has_digit or (capitalised and in_sentence)
            token += 1
            last_solid = classes[raw[position - 1]]
            solid_at = position - 1
            after_space = False
        else:
            if flags & _SPACE:
                after_space = True
            else:
                last_solid = flags
                solid_at = position
                after_space = False
            position += 1
    return salient


@kernel
def _slot(value: np.uint64, keys: U64, occupied: npt.NDArray[np.bool_],
          mask: np.uint64) -> np.int64:
    """The slot of ``value`` in an open-addressing table: where it is, or the free slot
    where it belongs."""
    slot = np.int64(fmix64_scalar(value) & mask)
    while occupied[slot] and keys[slot] != value:
        slot = (slot + np.int64(1)) & np.int64(mask)
    return slot


@kernel
def _count_terms(token_hashes: U64, paragraph_start: I64, token_salient: npt.NDArray[np.bool_],
                 paragraph_kept: npt.NDArray[np.bool_], paragraph_owner: I64,
                 title_hashes: U64, title_owner: I64, other_hashes: U64, other_owner: I64,
                 other_kept: npt.NDArray[np.bool_], n_articles: int) -> tuple[I64, U32, U8, U8]:
    """Per article, its distinct terms (sorted) with counts and salient marks.

    Occurrences: the tokens of kept paragraphs (weight 1, salient by ``token_salient``), title
    tokens (weight 2) and the general path's salient words (``other_*``: weight 0, they only
    mark an occurrence as salient). Terms whose weight sums to 0 are left out. Every input is
    in article order, so each article's occurrences are contiguous runs of the three.
    """
    n_paragraphs = paragraph_start.size - 1
    capacity = token_hashes.size + title_hashes.size + other_hashes.size
    offsets = np.zeros(n_articles + 1, dtype=np.int64)
    terms = np.empty(capacity, dtype=np.uint32)
    counts = np.empty(capacity, dtype=np.uint8)
    salient_counts = np.empty(capacity, dtype=np.uint8)
    # Each article's occurrences are summed in a small open-addressing table (cleared slot by
    # slot), then its distinct terms are sorted: a sort of the distinct values, not an
    # argsort of every occurrence.
    table_size = 64
    table_keys = np.empty(table_size, dtype=np.uint64)
    table_weight = np.zeros(table_size, dtype=np.int64)
    table_salient = np.zeros(table_size, dtype=np.int64)
    table_used = np.zeros(table_size, dtype=np.bool_)
    used = np.empty(table_size, dtype=np.int64)
    order = np.empty(table_size, dtype=np.int64)
    buckets = np.empty(257, dtype=np.int64)
    paragraph = 0
    title = 0
    other = 0
    written = 0
    for article in range(n_articles):
        # Occurrences of this article: a bound to size its table.
        last_paragraph = paragraph
        while last_paragraph < n_paragraphs and paragraph_owner[last_paragraph] == article:
            last_paragraph += 1
        last_title = title
        while last_title < title_hashes.size and title_owner[last_title] == article:
            last_title += 1
        last_other = other
        while last_other < other_hashes.size and other_owner[last_other] == article:
            last_other += 1
        bound = (paragraph_start[last_paragraph] - paragraph_start[paragraph]
                 + last_title - title + last_other - other)
        if 2 * bound > table_size:
            while 2 * bound > table_size:
                table_size *= 2
            table_keys = np.empty(table_size, dtype=np.uint64)
            table_weight = np.zeros(table_size, dtype=np.int64)
            table_salient = np.zeros(table_size, dtype=np.int64)
            table_used = np.zeros(table_size, dtype=np.bool_)
            used = np.empty(table_size, dtype=np.int64)
            order = np.empty(table_size, dtype=np.int64)
        mask = np.uint64(table_size - 1)
        n_used = 0
        # The three kinds of occurrence are added by the same lines written out three times:
        # through a shared helper taking the table's arrays, this kernel ran 2.4x slower.
        for number in range(paragraph, last_paragraph):
            if not paragraph_kept[number]:
                continue
            for token in range(paragraph_start[number], paragraph_start[number + 1]):
                key = token_hashes[token] & _TOP_HALF
                slot = _slot(key, table_keys, table_used, mask)
                if not table_used[slot]:
                    table_used[slot] = True
                    table_keys[slot] = key
                    used[n_used] = slot
                    n_used += 1
                table_weight[slot] += 1
                if token_salient[token]:
                    table_salient[slot] += 1
        for number in range(title, last_title):
            key = title_hashes[number] & _TOP_HALF
            slot = _slot(key, table_keys, table_used, mask)
            if not table_used[slot]:
                table_used[slot] = True
                table_keys[slot] = key
                used[n_used] = slot
                n_used += 1
            table_weight[slot] += 2
        for number in range(other, last_other):
            if not other_kept[number]:
                continue
            key = other_hashes[number] & _TOP_HALF
            slot = _slot(key, table_keys, table_used, mask)
            if not table_used[slot]:
                table_used[slot] = True
                table_keys[slot] = key
                used[n_used] = slot
                n_used += 1
            table_salient[slot] += 1
        # Linear in the worst case too (millions of distinct words, or words chosen to crowd
        # one bucket): see _hashsort.
        sort_slots_by_hash(used[:n_used], table_keys, order, buckets)
        for number in range(n_used):
            slot = order[number]
            term = table_keys[slot]
            total = table_weight[slot]
            marked = table_salient[slot]
            if total > 0:
                if total > MAX_COUNT:  # saturate, keeping the salient share
                    marked = marked * MAX_COUNT // total
                    total = MAX_COUNT
                terms[written] = np.uint32(term >> _HALF)
                counts[written] = total
                salient_counts[written] = marked
                written += 1
        for number in range(n_used):  # clear the table for the next article
            slot = used[number]
            table_used[slot] = False
            table_weight[slot] = 0
            table_salient[slot] = 0
        offsets[article + 1] = written
        paragraph, title, other = last_paragraph, last_title, last_other
    return offsets, terms[:written].copy(), counts[:written].copy(), salient_counts[:written].copy()


@kernel
def _renumber(ids: npt.NDArray[np.int32], new: npt.NDArray[np.int32]) -> None:
    """``ids[:] = new[ids]`` in place."""
    for position in range(ids.size):
        ids[position] = new[ids[position]]


@kernel
def _first_appearance_ids(values: U32 | U64) -> tuple[npt.NDArray[np.int32], U32 | U64]:
    """Ids of ``values`` numbered by first appearance, and the distinct values in that order.

    Open addressing, grown to stay at most half full: sized by the distinct values, not by
    all of them, so the table stays small enough for the caches.
    """
    capacity = 1 << 12
    slots = np.full(capacity, -1, dtype=np.int64)
    keys = np.empty(values.size, dtype=values.dtype)
    ids = np.empty(values.size, dtype=np.int32)
    n_distinct = 0
    for position in range(values.size):
        value = values[position]
        mask = np.uint64(capacity - 1)
        slot = np.int64(fmix64_scalar(np.uint64(value)) & mask)
        while True:
            found = slots[slot]
            if found < 0:
                slots[slot] = n_distinct
                keys[n_distinct] = value
                ids[position] = n_distinct
                n_distinct += 1
                break
            if keys[found] == value:
                ids[position] = found
                break
            slot = (slot + np.int64(1)) & np.int64(capacity - 1)
        if 2 * n_distinct > capacity:
            capacity *= 2
            mask = np.uint64(capacity - 1)
            slots = np.full(capacity, -1, dtype=np.int64)
            for number in range(n_distinct):
                slot = np.int64(fmix64_scalar(np.uint64(keys[number])) & mask)
                while slots[slot] >= 0:
                    slot = (slot + np.int64(1)) & np.int64(capacity - 1)
                slots[slot] = number
    return ids, keys[:n_distinct].copy()


@kernel
def _count_members(values: U32 | U64, members: U32 | U64) -> I64:
    """Occurrences in ``values`` of each of the distinct ``members`` (hash-set lookups).

    Most values are no member: a 16-bit filter on their low bits turns them away with one
    lookup, before any hashing.
    """
    capacity = 16
    while capacity < 2 * members.size:
        capacity *= 2
    mask = np.uint64(capacity - 1)
    slots = np.full(capacity, -1, dtype=np.int64)
    possible = np.zeros(1 << 16, dtype=np.bool_)
    for number in range(members.size):
        possible[np.int64(np.uint64(members[number]) & np.uint64(0xFFFF))] = True
        slot = np.int64(fmix64_scalar(np.uint64(members[number])) & mask)
        while slots[slot] >= 0:
            slot = (slot + np.int64(1)) & np.int64(capacity - 1)
        slots[slot] = number
    counts = np.zeros(members.size, dtype=np.int64)
    for value in values:
        if not possible[np.int64(np.uint64(value) & np.uint64(0xFFFF))]:
            continue
        slot = np.int64(fmix64_scalar(np.uint64(value)) & mask)
        while slots[slot] >= 0:
            if members[slots[slot]] == value:
                counts[slots[slot]] += 1
                break
            slot = (slot + np.int64(1)) & np.int64(capacity - 1)
    return counts
