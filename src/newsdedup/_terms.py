"""Content terms: what an article is about, as counted token hashes.

An article's content terms are the tokens of its title (counted twice) and of its paragraphs
not flagged as pattern boilerplate, each with its number of occurrences, and how many of
those occurrences are *salient words*: a capitalised word inside a sentence (after a
lower-case letter, a digit, a comma or a semicolon) or any word carrying a digit — names,
places, figures. Stories weigh terms mostly written so more (see ``_stories``). Only scripts
with case and digits have salient words; elsewhere none is, and nothing changes.

Salient words are defined on the original text (case is gone after normalization). For a
paragraph of ASCII text, normalization keeps every character in place, so a token *is* the
word at the same position: one compiled pass over the original bytes marks which tokens are
salient. Other paragraphs take the general path: their salient words are cut out of the
text (:func:`salient_texts`) and tokenized on their own.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt
import regex

from ._hashing import U64, fmix64_scalar
from ._hashsort import sort_slots_by_hash
from ._jit import kernel
from ._tokenize import (
    CharClass,
    TokenBatch,
    char_classes,
    code_points,
    hash_texts,
)

__all__ = [
    "SALIENT_WORD",
    "ContentTerms",
    "content_terms",
    "document_frequencies",
    "salient_texts",
    "term_ids",
]

I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
U32 = npt.NDArray[np.uint32]
#: Largest count a term of one article keeps (counts are stored in 8 bits; the story weight
#: of a term saturates long before: BM25's tf part is 2.19 at 255 and 2.20 at 10,000).
MAX_COUNT = 255
# Upper half of a 64-bit hash: the 32-bit term, in place (so hash order is kept).
_TOP_HALF = np.uint64(0xFFFFFFFF00000000)
_HALF = np.uint64(32)

#: The definition of a salient word; :func:`salient_texts` and the ASCII kernel compute it
#: without running the expression (tests/test_terms.py compares all three).
SALIENT_WORD = regex.compile(
    r"(?<=[\p{Ll}\p{N},;]\s+)[\p{Lu}\p{Lt}][\p{L}\p{M}\p{N}]*|[\p{L}\p{M}]*\p{N}[\p{L}\p{M}\p{N}]*")

_NEWLINE = 0x0A
# CharClass flags as plain module constants, which compiled kernels can read.
_WORD, _SPACE, _UPPER = CharClass.WORD, CharClass.SPACE, CharClass.UPPER
_DIGIT, _LOWER_DIGIT_COMMA = CharClass.DIGIT, CharClass.LOWER_DIGIT_COMMA
# Classes of the ASCII characters (the table behind char_classes, filled for them).
_ASCII_CLASSES = char_classes(np.arange(128, dtype=np.uint32)).copy()


@attrs.frozen(slots=True)
class ContentTerms:
    """Content terms of consecutive articles (CSR: article ``a`` owns
    ``offsets[a]:offsets[a + 1]``), sorted by hash within each article.

    Attributes:
        offsets: CSR offsets per article.
        terms: the upper 32 bits of the tokens' 64-bit hashes (a corpus of a million distinct
            terms has ~100 pairs of them sharing a value: two rare words counted as one).
        counts: occurrences of each term in its article (title tokens count twice), at most
            255 (a term seen more often counts 255 times, and its salient occurrences are
            scaled alike; weights saturate long before).
        salient: how many of those occurrences were written as a salient word.
    """

    offsets: I64
    terms: U32
    counts: U8
    salient: U8


def salient_texts(texts: Sequence[str]) -> list[str]:
    """For each text, its salient words (other characters blanked), in one numpy pass.

    Tokenizes like ``" ".join(SALIENT_WORD.findall(text))``: the expression only matches
    whole runs of word characters, a run with a digit, or one opening with an upper-case
    letter after white space that follows a lower-case letter, digit, comma or semicolon.
    """
    joined = "\x00".join(texts)
    if not joined:
        return list(texts)
    points = code_points(joined)
    flags = char_classes(points)
    separators = np.cumsum([len(text) + 1 for text in texts[:-1]], dtype=np.int64) - 1
    flags[separators] = 0  # nothing crosses a paragraph boundary
    word = (flags & CharClass.WORD) != 0
    edges = np.diff(word.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    digits = np.concatenate([[0], np.cumsum((flags & CharClass.DIGIT) != 0)])
    has_digit = digits[ends] > digits[starts]
    space = (flags & CharClass.SPACE) != 0
    last_solid = np.maximum.accumulate(np.where(space, -1, np.arange(points.size)))
    before = np.maximum(starts - 1, 0)
    anchor = last_solid[before]
    after_sentence_text = ((starts > 0) & space[before] & (anchor >= 0)
                           & ((flags[np.maximum(anchor, 0)] & CharClass.LOWER_DIGIT_COMMA) != 0))
    capitalised = (flags[starts] & CharClass.UPPER) != 0
    salient = has_digit | (capitalised & after_sentence_text)
    # Runs never touch (a non-word character separates them), so +1/-1 marks do not collide.
    marks = np.zeros(points.size + 1, dtype=np.int8)
    marks[starts[salient]] = 1
    marks[ends[salient]] = -1
    inside = np.cumsum(marks[:-1], dtype=np.int8) > 0
    blanked = np.where(inside, points, np.uint32(0x20))
    blanked[separators] = 0x0A
    return blanked.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass").split("\n")


@kernel
def _ascii_salient_kernel(raw: npt.NDArray[np.uint8], classes: npt.NDArray[np.uint8],
                          n_tokens: int) -> npt.NDArray[np.bool_]:
    """Whether each token (run of word characters) of ASCII ``raw`` is a salient word.

    Paragraphs are separated by line breaks; the rule is :data:`SALIENT_WORD`'s.
    """
    salient = np.zeros(n_tokens, dtype=np.bool_)
    token = 0
    last_solid = 0  # classes of the last non-space character of this paragraph (0: none)
    after_space = False
    position = 0
    size = raw.size
    while position < size:
        byte = raw[position]
        if byte == _NEWLINE:
            last_solid = 0
            after_space = False
            position += 1
            continue
        flags = classes[byte]
        if flags & _WORD:
            in_sentence = after_space and (last_solid & _LOWER_DIGIT_COMMA) != 0
            capitalised = (flags & _UPPER) != 0
            has_digit = False
            while position < size and raw[position] != _NEWLINE and (
                    classes[raw[position]] & _WORD):
                if classes[raw[position]] & _DIGIT:
                    has_digit = True
                position += 1
            salient[token] = has_digit or (capitalised and in_sentence)
            token += 1
            last_solid = classes[raw[position - 1]]
            after_space = False
        else:
            if flags & _SPACE:
                after_space = True
            else:
                last_solid = flags
                after_space = False
            position += 1
    return salient


def _salient_tokens(texts: Sequence[str], tokens: TokenBatch) -> tuple[npt.NDArray[np.bool_],
                                                                      TokenBatch]:
    """Salient flags of the tokens of ASCII paragraphs, and the salient tokens of the others.

    ``tokens`` are the hashed tokens of ``texts``. The flags cover every token (False for
    tokens of non-ASCII paragraphs); the batch holds the salient tokens of the non-ASCII
    paragraphs, numbered like ``texts``.
    """
    ascii_text = np.fromiter((text.isascii() for text in texts), dtype=bool, count=len(texts))
    if ascii_text.all():  # the common case: no masks over every token
        raw = np.frombuffer("\n".join(texts).encode("ascii"), dtype=np.uint8)
        return (_ascii_salient_kernel(raw, _ASCII_CLASSES, tokens.hashes.size),
                TokenBatch(np.zeros(0, np.uint64), np.zeros(0, np.int64), len(texts)))
    flags = np.zeros(tokens.hashes.size, dtype=bool)
    in_ascii = ascii_text[tokens.paragraph]
    if ascii_text.any():
        raw = np.frombuffer("\n".join(t for t, a in zip(texts, ascii_text, strict=True) if a)
                            .encode("ascii"), dtype=np.uint8)
        flags[in_ascii] = _ascii_salient_kernel(raw, _ASCII_CLASSES, int(in_ascii.sum()))
    others = np.flatnonzero(~ascii_text)
    rest = hash_texts(salient_texts([texts[number] for number in others.tolist()]))
    return flags, TokenBatch(rest.hashes, others[rest.paragraph], len(texts))


def content_terms(texts: Sequence[str], tokens: TokenBatch, paragraph_owner: I64,
                  pattern: npt.NDArray[np.bool_], titles: Sequence[str],
                  n_articles: int) -> ContentTerms:
    """Content terms of ``n_articles`` articles.

    ``texts`` are all their paragraphs, ``tokens`` those paragraphs' hashed tokens,
    ``paragraph_owner`` each paragraph's article, ``pattern`` the paragraphs flagged as
    pattern boilerplate (left out), ``titles`` one per article ("" for none).

    >>> from newsdedup._tokenize import hash_texts
    >>> texts = ["Quake hits Lima, 7 dead.", "Read more."]
    >>> terms = content_terms(texts, hash_texts(texts), np.array([0, 0]),
    ...                       np.array([False, True]), ["Lima quake"], 1)
    >>> len(terms.terms), int(terms.counts.sum()), int(terms.salient.sum())
    (5, 9, 2)
    """
    flags, others = _salient_tokens(texts, tokens)
    title_tokens = hash_texts([title.replace("\n", " ") for title in titles])
    paragraph_start = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(tokens.paragraph, minlength=len(texts)), out=paragraph_start[1:])
    offsets, terms, counts, salient_counts = _count_terms(
        tokens.hashes, paragraph_start, flags, ~pattern, paragraph_owner,
        title_tokens.hashes, title_tokens.paragraph, others.hashes,
        paragraph_owner[others.paragraph], ~pattern[others.paragraph], n_articles)
    return ContentTerms(offsets, terms, counts, salient_counts)


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


def term_ids(terms: U32 | U64) -> tuple[npt.NDArray[np.int32], U32 | U64]:
    """Number the distinct values of ``terms``: ``(ids, distinct)`` with ``distinct`` sorted
    and ``distinct[ids] == terms`` (``np.unique(terms, return_inverse=True)``), in linear
    time: a hash table numbers them, only the distinct values are sorted. Ids are 32-bit
    (a corpus has far fewer than 2**31 distinct terms): half the memory of one per entry.

    >>> ids, distinct = term_ids(np.array([9, 3, 9, 7], dtype=np.uint64))
    >>> ids.tolist(), distinct.tolist()
    ([2, 0, 2, 1], [3, 7, 9])
    """
    ids, keys = _first_appearance_ids(terms)
    order = np.argsort(keys)
    rank = np.empty(order.size, dtype=np.int32)
    rank[order] = np.arange(order.size, dtype=np.int32)
    _renumber(ids, rank)  # in place: no second array of one id per entry
    return ids, keys[order]


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


def document_frequencies(terms: U32 | U64, of: U32 | U64) -> I64:
    """How often each of the distinct values ``of`` occurs in ``terms`` (the number of
    articles holding it, since an article's terms are distinct).

    >>> document_frequencies(np.array([5, 7, 5, 9], dtype=np.uint64),
    ...                      np.array([5, 6], dtype=np.uint64)).tolist()
    [2, 0]
    """
    if np.unique(of).size != of.size:
        raise ValueError("document_frequencies: the values to count must be distinct")
    return _count_members(terms, of)


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
