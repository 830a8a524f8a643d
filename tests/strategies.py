"""Shared hypothesis strategies for the newsdedup tests.

Text strategies build paragraphs from a small vocabulary, so that generated paragraphs share
words and n-grams (and therefore shingles) often enough to exercise the matching code paths.
Array strategies build the CSR layouts and run lengths the numpy helpers work on.
"""

from __future__ import annotations

import json

import numpy as np
from hypothesis import strategies as st

from newsdedup._text.shingle import ShingleSets

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


# --- Hostile input, for tests/test_fuzz.py -----------------------------------------------------

any_character = st.characters(exclude_categories=())
"""Any code point: controls, unassigned, private use and lone surrogates included."""

hostile_texts = st.one_of(
    st.text(any_character, max_size=60),
    st.text(st.sampled_from(".,;:!?*-_—…·•\"'()[]{}<>#@&%$€ \n\t\u200b\u00ad\ufeff"), max_size=40),
    st.sampled_from(["", " ", "\n\n", "...", "***", "\U0001F600\U0001F525", "\x00\x1f\x7f",
                     "\ud83d", "\udc00 x", "\r\r\r", "\u2028\u2029", "\ufffd" * 5]),
    paragraphs(1, 12),
    article_texts,
    st.tuples(st.sampled_from(["word ", "a b c d e f ", "\U0001F600", ". ", "\n"]),
              st.integers(100, 20_000)).map(lambda repeat: repeat[0] * repeat[1]),
)
"""Article texts a hostile or broken feed may send: arbitrary code points, punctuation only,
invisible characters, lone surrogates, huge repeats, and ordinary paragraphs (so that some
articles do match)."""

hostile_ids = st.one_of(st.text(any_character, max_size=8), st.sampled_from(["a", "b", "a\x1fb"]))
"""Ids, including empty, blank, duplicated and surrogate-holding ones."""

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(any_character, max_size=12))
json_values = st.recursive(json_scalars, lambda children: st.one_of(
    st.lists(children, max_size=3), st.dictionaries(st.text(max_size=5), children, max_size=3)),
    max_leaves=8)
"""JSON-like values, NaN, infinities and lone surrogates included."""

published_values = st.one_of(
    st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-(2**62), 2**62),
    st.sampled_from(["2023-07-26", "2023-07-26T10:00:00Z", "0001-01-01T00:00:00+01:00",
                     "9999-12-31T23:59:59-01:00", "yesterday", "", "2023-02-30", "NaN"]),
    st.text(any_character, max_size=10))
"""Values of 'published': dates, timestamps out of range, NaN, garbage."""


@st.composite
def hostile_records(draw: st.DrawFn) -> dict[str, object]:
    """One input record: usually well formed, often with one field wrong or missing."""
    record: dict[str, object] = {"id": draw(hostile_ids), "text": draw(hostile_texts)}
    for field in ("title", "url", "source"):
        if draw(st.booleans()):
            record[field] = draw(st.one_of(st.text(any_character, max_size=20), json_scalars))
    if draw(st.booleans()):
        record["published"] = draw(published_values)
    if draw(st.integers(0, 4)) == 0:
        record[draw(st.sampled_from(["id", "text"]))] = draw(json_values)
    if draw(st.integers(0, 6)) == 0:
        del record[draw(st.sampled_from(["id", "text"]))]
    for _ in range(draw(st.integers(0, 2))):
        record[draw(st.text(max_size=6))] = draw(json_values)
    return record


@st.composite
def hostile_jsonl(draw: st.DrawFn) -> bytes:
    """A JSONL file: records (NaN allowed), malformed JSON, non-objects, invalid UTF-8, BOMs
    and blank lines."""
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 9))
        if kind <= 5:
            text = json.dumps(draw(hostile_records()), ensure_ascii=draw(st.booleans()))
            line = text.encode("utf-8", "surrogatepass")
        elif kind == 6:
            line = json.dumps(draw(json_values)).encode("utf-8", "surrogatepass")
        elif kind == 7:
            line = draw(st.text(max_size=30)).encode("utf-8")
        elif kind == 8:
            line = draw(st.binary(max_size=30)).replace(b"\n", b"")
        else:
            line = draw(st.sampled_from([b"", b"  ", b"\xef\xbb\xbf{}", b'{"id": "a", "text"',
                                         b"[" * 5000]))
        lines.append(line)
    return b"\n".join(lines) + draw(st.sampled_from([b"", b"\n", b"\r\n"]))
