"""Shared hypothesis strategies for the newsdedup tests.

Text strategies build paragraphs from a small vocabulary, so that generated paragraphs share
words and n-grams (and therefore shingles) often enough to exercise the matching code paths.
Array strategies build the CSR layouts and run lengths the numpy helpers work on.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from newsdedup._shingle import ShingleSets

#: A small vocabulary: random paragraphs over it share many n-grams.
VOCABULARY = [
    "the", "a", "of", "to", "in", "and", "on", "for", "said", "police", "minister", "court",
    "city", "storm", "fire", "rescue", "government", "report", "people", "two", "three", "year",
    "after", "before", "new", "old", "first", "last",
]

#: Words of several scripts, with diacritics, vowel signs and combining marks.
MULTILINGUAL_WORDS = [
    "Straße", "ＮＥＷＳ", "ﬁnal", "café", "cafe\u0301", "naïve", "Ærø", "İstanbul",
    "پاکستان", "حکومت", "مَرْحَبًا", "हिन्दी", "समाचार", "北京", "欢迎你", "東京タワー",
    "ภาษาไทย", "한국어", "뉴스", "Ελλάδα", "Москва", "co\u00adoperate", "zero\u200bwidth",
    "“quoted”", "‘single’", "en–dash", "em—dash", "«guillemets»", "$900K", "3.14",
]

#: Combining marks, to land after letters, invisible characters and case-folded letters.
COMBINING_MARKS = ["\u0301", "\u0308", "\u0327", "\u0345"]

#: Separators found between and inside news paragraphs, including invisible characters.
SEPARATORS = [
    " ", "  ", "\t", "\u00a0", "\u3000", "\n", "\n\n", "\r\n", "\u2028", "\u2029",
    "\u00ad", "\u200b", ", ", ". ", " — ", "!\n",
]

#: Characters that `str.splitlines` treats as line boundaries.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

words = st.sampled_from(VOCABULARY)


def paragraphs(min_words: int = 0, max_words: int = 30) -> st.SearchStrategy[str]:
    """Token texts: words of :data:`VOCABULARY` joined by single spaces (may be empty)."""
    return st.lists(words, min_size=min_words, max_size=max_words).map(" ".join)


def paragraph_lists(
    min_size: int = 0, max_size: int = 12, min_words: int = 0, max_words: int = 30
) -> st.SearchStrategy[list[str]]:
    """Batches of token-text paragraphs, some of them possibly empty."""
    return st.lists(paragraphs(min_words, max_words), min_size=min_size, max_size=max_size)


multilingual_text = st.lists(
    st.one_of(
        st.sampled_from(MULTILINGUAL_WORDS),
        st.sampled_from(COMBINING_MARKS),
        st.sampled_from(SEPARATORS),
    ),
    max_size=25,
).map("".join)
"""Messy text mixing scripts, typography, invisible characters and line breaks."""

combining_text = st.text(
    alphabet=st.sampled_from(
        [*"aAeEoOnNsSß", *COMBINING_MARKS, "\u00ad", "\u200b", " ", "\n", "\u00a0"]
    ),
    max_size=20,
)
"""Short text where combining marks often follow letters, possibly across invisibles."""

article_texts = st.lists(
    st.one_of(
        paragraphs(1, 12),
        st.sampled_from(["", " ", "\t", "\u00a0", "\u00a0 \u3000", "  Indented. "]),
    ),
    max_size=10,
).flatmap(
    lambda parts: st.lists(
        st.sampled_from(["\n", "\n\n", "\r\n", "\r\n\r\n", "\u2028", "\n \n", "\n\u00a0\n"]),
        min_size=len(parts),
        max_size=len(parts),
    ).map(lambda breaks: "".join(part + brk for part, brk in zip(parts, breaks, strict=True)))
)
"""Article bodies: paragraphs separated by every kind of line break, blank and nbsp lines."""


def shingle_set_lists(
    max_sets: int = 12, max_size: int = 20, universe: int = 40
) -> st.SearchStrategy[list[set[int]]]:
    """Lists of sets drawn from a small universe of hash values (empty sets included)."""
    values = st.integers(0, universe - 1).map(lambda value: (value * 0x9E3779B97F4A7C15) % 2**64)
    return st.lists(st.sets(values, max_size=max_size), max_size=max_sets)


def to_shingle_sets(sets: list[set[int]]) -> ShingleSets:
    """The CSR :class:`ShingleSets` holding ``sets`` (each sorted), in order."""
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum([len(members) for members in sets], out=offsets[1:])
    values = [value for members in sets for value in sorted(members)]
    return ShingleSets(offsets, np.array(values, dtype=np.uint64))


run_lengths = st.lists(st.integers(0, 12), max_size=15)
"""Lengths of consecutive runs (zero-length runs included)."""
