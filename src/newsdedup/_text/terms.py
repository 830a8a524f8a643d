"""Content terms: what an article is about, as counted token hashes.

An article's content terms are the tokens of its title (counted twice) and of its paragraphs
not flagged as pattern boilerplate, each with its number of occurrences, and how many of
those occurrences are *salient words*: a capitalised word inside a sentence (after a
lower-case letter, a digit, a comma or a semicolon; after a capitalised article, "A", "An"
or "The", as in "A Maplewood family"; or after an abbreviation of single lower-case letters,
"7 p.m. Tuesday") or any word carrying a digit — names, places, figures. Stories weigh
terms mostly written so more (see ``_stories.weights``). Only scripts with case mark names;
in a paragraph written in a script without case (Arabic, Hebrew, Devanagari, Chinese, Thai:
:func:`caseless_texts`) the figures are its only salient words, and they weigh as such, but
they are not the paragraph's *names* (:func:`paragraph_names`, read by the names checks of
copies and stories): figures alone would make a poor names check, and an article naming
nothing is not held to one.

Words of an alphabet other than Latin count by their first letters (``_text.stems``: an
inflected language writes one word in many forms).

Salient words are defined on the original text (case is gone after normalization). For a
paragraph of ASCII text, normalization keeps every character in place, so a token *is* the
word at the same position: one compiled pass over the original bytes marks which tokens are
salient. Other paragraphs take the general path: their salient words are cut out of the
text (:func:`salient_texts`) and tokenized on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs
import numpy as np
import numpy.typing as npt
import regex

from .._core.arrays import owner_offsets, sorted_unique
from .._core.types import I64, U8, U32, U64
from .._kernels import TERM_MAX_COUNT
from .._kernels import ascii_salient_kernel as _ascii_salient_kernel
from .._kernels import count_members as _count_members
from .._kernels import count_terms as _count_terms
from .._kernels import first_appearance_ids as _first_appearance_ids
from .._kernels import renumber as _renumber
from .stems import stemmed_token_bytes
from .tokenize import (
    SALIENT_TYPOGRAPHY,
    CharClass,
    TokenBatch,
    ascii_typography,
    char_classes,
    code_points,
    hash_token_bytes,
    token_bytes,
)

__all__ = [
    "SALIENT_WORD",
    "ContentTerms",
    "CorpusFrequencies",
    "caseless_texts",
    "content_terms",
    "document_frequencies",
    "paragraph_names",
    "paragraph_term_tokens",
    "salient_texts",
    "term_ids",
    "term_tokens",
]

#: Largest count a term of one article keeps (counts are stored in 8 bits; the story weight
#: of a term saturates long before: BM25's tf part is 2.19 at 255 and 2.20 at 10,000).
MAX_COUNT: int = TERM_MAX_COUNT

#: The definition of a salient word; :func:`salient_texts` and the ASCII kernel compute it
#: without running the expression (tests/text/test_terms.py compares all three).
SALIENT_WORD = regex.compile(
    r"(?<=(?:[\p{Ll}\p{N},;]|(?<![\p{L}\p{M}\p{N}])(?:A|An|The)|\.\p{Ll}\.)\s+)"
    r"[\p{Lu}\p{Lt}][\p{L}\p{M}\p{N}]*|[\p{L}\p{M}]*\p{N}[\p{L}\p{M}\p{N}]*")
#: The capitalised articles after which a capitalised word is salient.
_ARTICLES = ("A", "An", "The")

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
        name_offsets, names: the salient words of each paragraph (CSR, see
            :func:`paragraph_names`).
    """

    offsets: I64
    terms: U32
    counts: U8
    salient: U8
    name_offsets: I64
    names: U32


def salient_texts(texts: Sequence[str]) -> list[str]:
    """For each text, its salient words (other characters blanked), in one numpy pass.

    Tokenizes like ``" ".join(SALIENT_WORD.findall(text))``: the expression only matches
    whole runs of word characters, a run with a digit, or one opening with an upper-case
    letter after white space that follows a lower-case letter, digit, comma or semicolon, a
    whole run "A", "An" or "The", or a period, lower-case letter and period.
    """
    return _salient_texts(texts)[0]


def caseless_texts(texts: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Which texts are written in scripts without case: fewer than half of their letters
    are upper- or lower-case letters (Arabic, Hebrew, Devanagari, Chinese, Thai, ... ; a few
    Latin acronyms inside do not change that). Such a text names people and places without
    marking them, so its salient words are its figures alone.

    >>> caseless_texts(["Fire in Lima.", "حريق في ليما 12", "BBC: حريق في ليما", "12"]).tolist()
    [False, True, True, False]
    """
    return _salient_texts(texts)[1]


def _salient_texts(texts: Sequence[str]) -> tuple[list[str], npt.NDArray[np.bool_]]:
    """:func:`salient_texts` and :func:`caseless_texts` of ``texts``, in one pass."""
    joined = "\x00".join(texts)
    if not joined:
        return list(texts), np.zeros(len(texts), dtype=bool)
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
    solid = np.maximum(anchor, 0)
    after_text = (flags[solid] & CharClass.LOWER_DIGIT_COMMA) != 0
    # After "p.m.": a period, a lower-case letter (not a digit, comma or semicolon), a period.
    lower = (((flags & CharClass.LOWER_DIGIT_COMMA) != 0) & ((flags & CharClass.DIGIT) == 0)
             & (points != ord(",")) & (points != ord(";")))
    period = points == ord(".")
    after_text |= (anchor >= 2) & period[solid] & lower[np.maximum(anchor - 1, 0)] & period[
        np.maximum(anchor - 2, 0)]
    # After an article: the run before ends at the anchor and is "A", "An" or "The".
    previous = np.minimum(np.searchsorted(ends, solid + 1), ends.size - 1)
    previous_run = ends[previous] == solid + 1
    previous_length = ends[previous] - starts[previous]
    for article in _ARTICLES:
        length = len(article)
        runs = previous_run & (previous_length == length)
        for offset, letter in enumerate(article):
            runs &= points[np.maximum(solid - length + 1 + offset, 0)] == ord(letter)
        after_text |= runs
    after_sentence_text = (starts > 0) & space[before] & (anchor >= 0) & after_text
    capitalised = (flags[starts] & CharClass.UPPER) != 0
    salient = has_digit | (capitalised & after_sentence_text)
    # Runs never touch (a non-word character separates them), so +1/-1 marks do not collide.
    marks = np.zeros(points.size + 1, dtype=np.int8)
    marks[starts[salient]] = 1
    marks[ends[salient]] = -1
    inside = np.cumsum(marks[:-1], dtype=np.int8) > 0
    blanked = np.where(inside, points, np.uint32(0x20))
    blanked[separators] = 0x0A
    # Letters with case against all letters (marks included: the vowel signs of caseless
    # scripts), per text.
    text_of = np.zeros(points.size + 1, dtype=np.int64)
    text_of[separators + 1] = 1  # the first character of each text after the first
    text_of = np.cumsum(text_of[:-1])
    letters = ((flags & CharClass.WORD) != 0) & ((flags & CharClass.DIGIT) == 0)
    cased = ((flags & CharClass.UPPER) != 0) | lower
    caseless = (2 * np.bincount(text_of[cased], minlength=len(texts))
                < np.bincount(text_of[letters], minlength=len(texts)))
    return (blanked.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass").split("\n"),
            caseless)


def _salient_tokens(texts: Sequence[str], tokens: TokenBatch
                    ) -> tuple[npt.NDArray[np.bool_], TokenBatch, npt.NDArray[np.bool_]]:
    """Salient flags of the tokens of ASCII paragraphs, the salient tokens of the others,
    and which paragraphs are caseless (:func:`caseless_texts`).

    ``tokens`` are the hashed tokens of ``texts``. The flags cover every token (False for
    tokens of non-ASCII paragraphs); the batch holds the salient tokens of the non-ASCII
    paragraphs, numbered like ``texts``.
    """
    # Typography (curly quotes, dashes, no-break spaces) written as ASCII of the same
    # classes: most news paragraphs are ASCII but for it, and take the compiled path.
    written = _typography_in_ascii(texts)
    ascii_text = np.fromiter((text.isascii() for text in written), dtype=bool,
                             count=len(texts))
    caseless = np.zeros(len(texts), dtype=bool)
    if ascii_text.all():  # the common case: no masks over every token
        raw = np.frombuffer("\n".join(written).encode("ascii"), dtype=np.uint8)
        return (_ascii_salient_kernel(raw, _ASCII_CLASSES, tokens.hashes.size),
                TokenBatch(np.zeros(0, np.uint64), np.zeros(0, np.int64), len(texts)),
                caseless)
    flags = np.zeros(tokens.hashes.size, dtype=bool)
    in_ascii = ascii_text[tokens.paragraph]
    if ascii_text.any():
        raw = np.frombuffer("\n".join(t for t, a in zip(written, ascii_text, strict=True) if a)
                            .encode("ascii"), dtype=np.uint8)
        flags[in_ascii] = _ascii_salient_kernel(raw, _ASCII_CLASSES, int(in_ascii.sum()))
    others = np.flatnonzero(~ascii_text)
    salient, caseless[others] = _salient_texts([texts[number] for number in others.tolist()])
    rest = term_tokens(salient)
    return flags, TokenBatch(rest.hashes, others[rest.paragraph], len(texts)), caseless


def _typography_in_ascii(texts: Sequence[str]) -> Sequence[str]:
    """``texts`` with their typography written as ASCII characters of the same classes
    (``_text.tokenize.SALIENT_TYPOGRAPHY``): the salient words of each are those of the
    text as it is (``tests/text/test_terms.py``)."""
    joined = "\n".join(texts)
    if joined.isascii() or joined.count("\n") != len(texts) - 1:
        return texts
    return ascii_typography(joined, SALIENT_TYPOGRAPHY).split("\n")


def paragraph_names(tokens: TokenBatch, salient: npt.NDArray[np.bool_], others: TokenBatch,
                    n_paragraphs: int) -> tuple[I64, U32]:
    """The salient words (names, places, figures) of each paragraph, as CSR ``offsets`` and
    the words' 32-bit hashes (the upper half of the token hash, as in
    :class:`ContentTerms`), sorted and distinct within each paragraph. ``tokens`` are the
    paragraphs' tokens with their ``salient`` flags, ``others`` the salient tokens of
    paragraphs the flags do not cover (see :func:`_salient_tokens`).

    An edited copy changes words, not names or figures: ``_near_duplicates.links`` checks that every
    name of a copy's text is a word of its original.

    >>> from newsdedup._text.tokenize import hash_texts
    >>> texts = ["Fire in Lima, 12 hurt in Lima.", "fire in lima, hurt."]
    >>> tokens = hash_texts(texts)
    >>> flags, others, _ = _salient_tokens(texts, tokens)
    >>> offsets, names = paragraph_names(tokens, flags, others, 2)
    >>> offsets.tolist()
    [0, 2, 2]
    """
    hashes = np.concatenate([tokens.hashes[salient], others.hashes]) >> np.uint64(32)
    paragraph = np.concatenate([tokens.paragraph[salient], others.paragraph])
    keys = sorted_unique((paragraph.astype(np.uint64) << np.uint64(32)) | hashes)
    offsets = owner_offsets((keys >> np.uint64(32)).astype(np.int64), n_paragraphs)
    return offsets, (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def content_terms(texts: Sequence[str], tokens: TokenBatch, paragraph_owner: I64,
                  pattern: npt.NDArray[np.bool_], titles: Sequence[str],
                  n_articles: int) -> ContentTerms:
    """Content terms of ``n_articles`` articles.

    ``texts`` are all their paragraphs, ``tokens`` those paragraphs' hashed tokens,
    ``paragraph_owner`` each paragraph's article, ``pattern`` the paragraphs flagged as
    pattern boilerplate (left out), ``titles`` one per article ("" for none).

    >>> from newsdedup._text.tokenize import hash_texts
    >>> texts = ["Quake hits Lima, 7 dead.", "Read more."]
    >>> terms = content_terms(texts, hash_texts(texts), np.array([0, 0]),
    ...                       np.array([False, True]), ["Lima quake"], 1)
    >>> len(terms.terms), int(terms.counts.sum()), int(terms.salient.sum())
    (5, 9, 2)

    ``tokens`` are the paragraphs' term tokens (:func:`paragraph_term_tokens`): words of an
    alphabet other than Latin count by their stems (``_text.stems``), and so do the words of
    the titles and the salient words read here.
    """
    flags, others, caseless = _salient_tokens(texts, tokens)
    title_tokens = term_tokens([title.replace("\n", " ") for title in titles])
    paragraph_start = owner_offsets(tokens.paragraph, len(texts))
    offsets, terms, counts, salient_counts = _count_terms(
        tokens.hashes, paragraph_start, flags, ~pattern, paragraph_owner,
        title_tokens.hashes, title_tokens.paragraph, others.hashes,
        paragraph_owner[others.paragraph], ~pattern[others.paragraph], n_articles)
    # A caseless paragraph's figures weigh as salient terms, but are not its names: names
    # there are not marked, and figures alone would make a poor names check (links, stories).
    cased = ~caseless[others.paragraph]
    names = TokenBatch(others.hashes[cased], others.paragraph[cased], len(texts))
    return ContentTerms(offsets, terms, counts, salient_counts,
                        *paragraph_names(tokens, flags, names, len(texts)))


def term_tokens(texts: Sequence[str]) -> TokenBatch:
    """The tokens of ``texts`` as content terms count them: hashed as ``hash_texts`` hashes
    them, each word of an alphabet other than Latin by its stem (``_text.stems``). Every
    step that compares words of a text with content terms hashes them here.

    >>> term_tokens(["пожежа"]).hashes.tolist() == term_tokens(["пожежі"]).hashes.tolist()
    True
    """
    data = token_bytes(texts)[0]
    return hash_token_bytes(stemmed_token_bytes(data) or data, len(texts))


def paragraph_term_tokens(data: bytes, tokens: TokenBatch) -> TokenBatch:
    """The term tokens (:func:`term_tokens`) of paragraphs whose token text is ``data``
    (``_text.tokenize.token_bytes``) and hashed tokens ``tokens`` (the shingles' words, as
    written): ``tokens`` itself when no word is cut."""
    cut = stemmed_token_bytes(data)
    return tokens if cut is None else hash_token_bytes(cut, tokens.n_paragraphs)


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


def document_frequencies(terms: U32 | U64, of: U32 | U64) -> I64:
    """How often each of the distinct values ``of`` occurs in ``terms`` (the number of
    articles holding it, since an article's terms are distinct).

    >>> document_frequencies(np.array([5, 7, 5, 9], dtype=np.uint64),
    ...                      np.array([5, 6], dtype=np.uint64)).tolist()
    [2, 0]
    """
    if sorted_unique(of).size != of.size:
        raise ValueError("document_frequencies: the values to count must be distinct")
    return _count_members(terms, of)


@attrs.frozen(slots=True)
class CorpusFrequencies:
    """Document frequencies of content terms over a corpus larger than the one being run.

    The incremental index runs the pipeline over the neighbourhood of new articles; the topic
    check must weigh terms as a run over the whole index would, so it passes these.
    ``n_articles`` is that corpus's size, ``lookup(terms)`` the number of its articles holding
    each of the given distinct terms.
    """

    n_articles: int
    lookup: Callable[[np.ndarray], I64]
