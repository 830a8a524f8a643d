"""Tokens of many paragraphs at once, hashed in bulk.

The known bottleneck of MinHash pipelines is one Python call per token or shingle. Here the
token text of a whole batch of paragraphs (see :func:`~newsdedup._text.normalize.token_text`) is
encoded once to UTF-8 and every token is hashed in one compiled pass over those bytes.

The polynomial hash of a token's bytes ``v[0..n-1]`` is ``sum((v[j] + 1) * Q**j)`` modulo
2**64, with ``Q`` the inverse of the FNV prime, then mixed with its length and
:func:`~newsdedup._core.hashing.fmix64`; one compiled pass over the bytes of the batch computes
every token's hash (``kernels/tokenize.pxi``).

:func:`hash_texts` does the normalization as well, for a whole batch at once: it gives exactly
``hash_tokens([token_text(t) for t in texts])``, but the normalization runs once over the
joined batch (NFKC, case folding and the quote/dash table are per character, line breaks
separate the texts) and the word/non-word decision is a table lookup per code point instead
of a regular expression per paragraph. The per-code-point classes are taken from the same
``regex`` character classes that :mod:`~newsdedup._text.normalize` uses, so both paths agree on
every character, including ones newer than Python's ``unicodedata``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt
import regex

from .._core.types import U64
from .._kernels import TOKEN_LENGTH_SALT, TOKEN_Q
from .._kernels import hash_token_kernel as _hash_token_kernel
from .normalize import _FOLD_TABLE, _FOLDS, nfkc

__all__ = [
    "CharClass",
    "TokenBatch",
    "char_classes",
    "code_points",
    "concat_batches",
    "folded_text",
    "hash_texts",
    "hash_token_bytes",
    "hash_tokens",
    "matching_code_points",
    "token_bytes",
]

# The inverse modulo 2**64 of the FNV prime 0x100000001B3 (odd, so invertible).
_Q = np.uint64(TOKEN_Q)
_SPACE, _NEWLINE = 0x20, 0x0A
_LENGTH_SALT = np.uint64(TOKEN_LENGTH_SALT)


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
    WORD = 2  #: ``[\p{L}\p{M}\p{N}]``: kept in token text (see ``_text.normalize``)
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


def matching_code_points(pattern: re.Pattern[str] | regex.Pattern[str]) -> list[int]:
    """The code points ``pattern`` matches (one character each), read by one scan of a
    string holding every code point (surrogates, which cannot be decoded, as NUL): 0.02 s
    for white space, where a loop calling ``str.isspace`` a million times took 0.12 s."""
    points = np.arange(sys.maxunicode + 1, dtype=np.uint32)
    points[0xD800:0xE000] = 0
    everything = points.astype("<u4").tobytes().decode("utf-32-le")
    return [match.start() for match in pattern.finditer(everything)]


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
    for source, target in _FOLDS.items():
        table[ord(source)] = _DELETED if target is None else ord(target)
    return table


_TRANSLATION = _translation_table()
_ASCII_POINTS = np.arange(128, dtype=np.uint32)
# Token text of ASCII after case folding: word characters kept, line breaks kept, the rest
# becomes a space.
_ASCII_TOKEN_BYTES = bytes(
    point if (flag & CharClass.WORD) or point == _NEWLINE else _SPACE
    for point, flag in zip(range(128), char_classes(_ASCII_POINTS).tolist(), strict=True)
) + bytes(range(128, 256))


# ASCII characters whose word-ness differs between tokens and regex's \b (checked against
# the class table at import, so the two cannot drift apart).
_ASCII_ODD = bytes(point for point, flag in zip(range(128), char_classes(_ASCII_POINTS).tolist(),
                                                strict=True)
                   if bool(flag & CharClass.WORD) != bool(flag & CharClass.REGEX_WORD))
_ASCII_ODD_BYTES = re.compile(b"[" + re.escape(_ASCII_ODD) + b"]") if _ASCII_ODD else re.compile(
    b"(?!)")


def folded_text(text: str, boundary: str = "\n") -> str:
    """``normalize_text`` up to its whitespace collapsing, which no token depends on
    (``boundary``: the character that joins the pieces of ``text``, see ``nfkc``).

    Keep in step with :func:`~newsdedup._text.normalize.normalize_text`;
    ``tests/text/test_features.py`` checks that both paths give the same tokens.
    """
    folded = nfkc(text, boundary).casefold()
    if folded.isascii():
        return folded.translate(_FOLD_TABLE)
    # str.translate with a dict costs a lookup per character; a table lookup in numpy is
    # ~30x faster on long non-ASCII text.
    points = _TRANSLATION[code_points(folded)]
    translated = _text_of(points[points != _DELETED])
    return nfkc(translated, boundary)


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
    folded = folded_text("\n".join(texts))
    ambiguous = np.zeros(len(texts), dtype=bool)
    if folded.isascii():
        data = folded.encode("ascii")
        # In ASCII only "_" is a word character for one and not the other: most batches have
        # none, and need no pass over their bytes to know it.
        if _ASCII_ODD_BYTES.search(data) is not None:
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

    >>> from newsdedup._text.normalize import token_text
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
    hashes, paragraph = _hash_token_kernel(np.frombuffer(data, dtype=np.uint8))
    return TokenBatch(hashes, paragraph, n_paragraphs)

