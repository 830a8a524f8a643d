"""Tokens of many paragraphs at once, hashed in bulk with numpy.

The known bottleneck of MinHash pipelines is one Python call per token or shingle. Here the
token text of a whole batch of paragraphs (see :func:`~newsdedup._normalize.token_text`) is
encoded once to UTF-8 and every token is hashed with array operations: a polynomial hash
over its bytes, computed from prefix sums, then mixed with :func:`fmix64`. Cost is a few
passes over the bytes of the batch, whatever the number of tokens.

How the polynomial hash is vectorized: with ``Q`` the inverse of an odd ``P`` modulo 2**64
and ``G[i] = sum(v[j] * Q**j for j <= i)``, the hash of bytes ``s..e-1`` is
``P**s * (G[e-1] - G[s-1]) = sum(v[j] * Q**(j-s))``, one subtraction and one product per
token.

:func:`hash_texts` does the normalization as well, for a whole batch at once: it gives exactly
``hash_tokens([token_text(t) for t in texts])``, but the normalization runs once over the
joined batch (NFKC, case folding and the quote/dash table are per character, line breaks
separate the texts) and the word/non-word decision is a table lookup per code point instead
of a regular expression per paragraph. The per-code-point classes are taken from the same
``regex`` character classes that :mod:`~newsdedup._normalize` uses, so both paths agree on
every character, including ones newer than Python's ``unicodedata``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt
import regex

from ._hashing import U64, fmix64
from ._normalize import _QUOTES_AND_DASHES

__all__ = [
    "CharClass",
    "TokenBatch",
    "char_classes",
    "code_points",
    "concat_batches",
    "hash_texts",
    "hash_token_bytes",
    "hash_tokens",
    "token_bytes",
]

_P = np.uint64(0x100000001B3)  # the FNV prime: odd, so invertible modulo 2**64
_Q = np.uint64(pow(0x100000001B3, -1, 2**64))
_SPACE, _NEWLINE = 0x20, 0x0A
_LENGTH_SALT = np.uint64(0x9E3779B97F4A7C15)


@attrs.frozen(slots=True)
class TokenBatch:
    """Hashed tokens of a batch of paragraphs, in reading order.

    Attributes:
        hashes: one uint64 hash per token.
        paragraph: for each token, the index of its paragraph in the batch (non-decreasing).
        n_paragraphs: number of paragraphs in the batch (some may have no tokens).
    """

    hashes: U64
    paragraph: npt.NDArray[np.int64]
    n_paragraphs: int


class CharClass:
    """Bit flags of :func:`char_classes`, one ``regex`` character class each."""

    KNOWN = 1
    WORD = 2  #: ``[\p{L}\p{M}\p{N}]``: kept in token text (see ``_normalize``)
    UNSPACED = 4  #: scripts written without spaces: one token per character
    REGEX_WORD = 8  #: ``\w`` of the ``regex`` module (word boundaries ``\b``)
    SPACE = 16  #: ``\s``
    LOWER_DIGIT_COMMA = 32  #: ``[\p{Ll}\p{N},;]``
    UPPER = 64  #: ``[\p{Lu}\p{Lt}]``
    DIGIT = 128  #: ``\p{N}``


_CLASS_PATTERNS = (
    (CharClass.WORD, regex.compile(r"[\p{L}\p{M}\p{N}]")),
    (CharClass.UNSPACED,
     regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]")),
    (CharClass.REGEX_WORD, regex.compile(r"\w")),
    (CharClass.SPACE, regex.compile(r"\s")),
    (CharClass.LOWER_DIGIT_COMMA, regex.compile(r"[\p{Ll}\p{N},;]")),
    (CharClass.UPPER, regex.compile(r"[\p{Lu}\p{Lt}]")),
    (CharClass.DIGIT, regex.compile(r"\p{N}")),
)
# Classes of every code point seen so far in this process, filled on demand (1.1 MB).
_CLASS_TABLE = np.zeros(0x110000, dtype=np.uint8)


def code_points(text: str) -> npt.NDArray[np.uint32]:
    """The code points of ``text`` as an array (lone surrogates included)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _text_of(points: npt.NDArray[np.uint32]) -> str:
    return points.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")


def char_classes(points: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
    """:class:`CharClass` flags of each code point.

    >>> flags = char_classes(code_points("a,B"))
    >>> [bool(f & CharClass.WORD) for f in flags.tolist()]
    [True, False, True]
    """
    flags = _CLASS_TABLE[points]
    unknown = (flags & CharClass.KNOWN) == 0
    if unknown.any():
        for point in np.unique(points[unknown]).tolist():
            char = chr(point)
            value = CharClass.KNOWN
            for flag, pattern in _CLASS_PATTERNS:
                if pattern.match(char):
                    value |= flag
            _CLASS_TABLE[point] = value
        flags = _CLASS_TABLE[points]
    return flags


_DELETED = np.uint32(0xFFFFFFFF)


def _translation_table() -> npt.NDArray[np.uint32]:
    table = np.arange(0x110000, dtype=np.uint32)
    for source, target in _QUOTES_AND_DASHES.items():
        table[source] = _DELETED if target is None else ord(str(target))
    return table


_TRANSLATION = _translation_table()
_ASCII_POINTS = np.arange(128, dtype=np.uint32)
# Token text of ASCII after case folding: word characters kept, line breaks kept, the rest
# becomes a space.
_ASCII_TOKEN_BYTES = bytes(
    point if (flag & CharClass.WORD) or point == _NEWLINE else _SPACE
    for point, flag in zip(range(128), char_classes(_ASCII_POINTS).tolist(), strict=True)
) + bytes(range(128, 256))


def _folded(text: str) -> str:
    """``normalize_text`` up to its whitespace collapsing, which no token depends on.

    Keep in step with :func:`~newsdedup._normalize.normalize_text`; ``tests/test_features.py``
    checks that both paths give the same tokens.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    if folded.isascii():
        return folded.translate(_QUOTES_AND_DASHES)
    # str.translate with a dict costs a lookup per character; a table lookup in numpy is
    # ~30x faster on long non-ASCII text.
    points = _TRANSLATION[code_points(folded)]
    translated = _text_of(points[points != _DELETED])
    return unicodedata.normalize("NFKC", translated)


def _newline_owner(is_newline: npt.NDArray[np.bool_], positions: npt.NDArray[np.int64]
                   ) -> npt.NDArray[np.int64]:
    return np.searchsorted(np.flatnonzero(is_newline), positions, "right").astype(np.int64)


def token_bytes(texts: Sequence[str]) -> tuple[bytes, npt.NDArray[np.bool_]]:
    """Token text of ``texts`` in one pass, and which texts have ambiguous word boundaries.

    The bytes have the same tokens and line breaks as ``"\\n".join(map(token_text, texts))``
    (runs of separators may differ, which no token sees). The mask marks texts holding a
    character that is a word character for ``regex``'s ``\\b`` but not for tokens, or the
    reverse (``_``, joiners, some number signs): there, a word-bounded match need not be a
    token.
    """
    folded = _folded("\n".join(texts))
    ambiguous = np.zeros(len(texts), dtype=bool)
    if folded.isascii():
        data = folded.encode("ascii")
        raw = np.frombuffer(data, dtype=np.uint8)
        flags = _CLASS_TABLE[raw]
        odd = np.flatnonzero(((flags & CharClass.WORD) != 0)
                             != ((flags & CharClass.REGEX_WORD) != 0))
        ambiguous[_newline_owner(raw == _NEWLINE, odd)] = True
        return data.translate(_ASCII_TOKEN_BYTES), ambiguous
    points = code_points(folded)
    flags = char_classes(points)
    odd = np.flatnonzero(((flags & CharClass.WORD) != 0) != ((flags & CharClass.REGEX_WORD) != 0))
    ambiguous[_newline_owner(points == _NEWLINE, odd)] = True
    unspaced = (flags & CharClass.UNSPACED) != 0
    if unspaced.any():
        # Each character of an unspaced script becomes " c ": one token on its own.
        copies = np.where(unspaced, 3, 1)
        points = np.repeat(points, copies)
        flags = np.repeat(flags, copies)
        centre = np.flatnonzero(np.repeat(unspaced, copies))[1::3]
        flags[centre - 1] = 0
        flags[centre + 1] = 0
    keep = ((flags & CharClass.WORD) != 0) | (points == _NEWLINE)
    spaced = np.where(keep, points, np.uint32(_SPACE))
    return _text_of(spaced).encode("utf-8", "surrogatepass"), ambiguous


def hash_texts(texts: Sequence[str]) -> TokenBatch:
    """Tokens of ``token_text(t)`` for each of ``texts``, hashed: one pass over the batch.

    Identical to ``hash_tokens([token_text(t) for t in texts])``.

    >>> from newsdedup._normalize import token_text
    >>> texts = ["Netflix’s $900K job!", "", "网飞 AI"]
    >>> bool((hash_texts(texts).hashes == hash_tokens([token_text(t) for t in texts]).hashes
    ...       ).all())
    True
    """
    return hash_token_bytes(token_bytes(texts)[0], len(texts))


def concat_batches(batches: Sequence[TokenBatch]) -> TokenBatch:
    """Join token batches as if their paragraphs had been hashed in one call."""
    shift = np.cumsum([0] + [batch.n_paragraphs for batch in batches[:-1]])
    return TokenBatch(np.concatenate([batch.hashes for batch in batches]),
                      np.concatenate([batch.paragraph + offset
                                      for batch, offset in zip(batches, shift, strict=True)]),
                      sum(batch.n_paragraphs for batch in batches))


_POWER_CACHE: dict[int, tuple[U64, U64]] = {}


def _powers(count: int) -> tuple[U64, U64]:
    """``Q**i`` and ``P**i`` for ``i < count`` (cached, grown by doubling)."""
    cached = _POWER_CACHE.get(0)
    if cached is None or cached[0].size < count:
        size = max(count, 2 * cached[0].size if cached is not None else 1 << 16)
        tables = []
        for base in (_Q, _P):
            powers = np.full(size, base, dtype=np.uint64)
            powers[0] = 1
            with np.errstate(over="ignore"):
                tables.append(np.cumprod(powers, dtype=np.uint64))
        cached = (tables[0], tables[1])
        _POWER_CACHE[0] = cached
    return cached


def hash_tokens(paragraph_token_texts: list[str]) -> TokenBatch:
    """Hash the tokens of each paragraph's token text (tokens separated by single spaces).

    >>> batch = hash_tokens(["a b", "", "b"])
    >>> batch.paragraph.tolist(), batch.n_paragraphs
    ([0, 0, 2], 3)
    >>> bool(batch.hashes[1] == batch.hashes[2])
    True
    """
    data = "\n".join(paragraph_token_texts).encode("utf-8", "surrogatepass")
    return hash_token_bytes(data, len(paragraph_token_texts))


def hash_token_bytes(data: bytes, n_paragraphs: int) -> TokenBatch:
    """Hash the tokens of UTF-8 ``data``: paragraphs separated by ``\\n``, tokens by spaces.

    >>> hash_token_bytes(b"a  b\\n\\nb", 3).paragraph.tolist()
    [0, 0, 2]
    """
    if not data:
        return TokenBatch(np.zeros(0, np.uint64), np.zeros(0, np.int64), n_paragraphs)
    raw = np.frombuffer(data, dtype=np.uint8)
    is_newline = raw == _NEWLINE
    in_token = (raw != _SPACE) & ~is_newline
    edges = np.diff(in_token.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)  # exclusive
    paragraph = np.cumsum(is_newline, dtype=np.int64)[starts]

    values = raw.astype(np.uint64) + np.uint64(1)
    q_powers, p_powers = _powers(raw.size)
    with np.errstate(over="ignore"):
        prefix = np.cumsum(values * q_powers[: raw.size], dtype=np.uint64)
        before_start = np.where(starts > 0, prefix[np.maximum(starts - 1, 0)], np.uint64(0))
        polynomial = (prefix[ends - 1] - before_start) * p_powers[starts]
        lengths = (ends - starts).astype(np.uint64)
        hashes = fmix64(polynomial ^ (lengths * _LENGTH_SALT))
    return TokenBatch(hashes, paragraph, n_paragraphs)
