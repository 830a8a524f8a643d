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
import unicodedata
from collections.abc import Sequence
from typing import TypeVar

import attrs
import numpy as np
import numpy.typing as npt
import regex

from .._core.types import U64
from .._kernels import TOKEN_LENGTH_SALT, TOKEN_Q
from .._kernels import ascii_typography_kernel as _ascii_typography_kernel
from .._kernels import hash_token_kernel as _hash_token_kernel
from .normalize import _FOLD_TABLE, _FOLDS, nfkc

__all__ = [
    "SALIENT_TYPOGRAPHY",
    "CharClass",
    "TokenBatch",
    "ascii_typography",
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


def _folded_wide(text: str, boundary: str) -> str:
    """:func:`folded_text` of text that is not ASCII, every character looked at."""
    folded = nfkc(text, boundary).casefold()
    if folded.isascii():
        return folded.translate(_FOLD_TABLE)
    # str.translate with a dict costs a lookup per character; a table lookup in numpy is
    # ~30x faster on long non-ASCII text.
    points = _TRANSLATION[code_points(folded)]
    translated = _text_of(points[points != _DELETED])
    return nfkc(translated, boundary)


def _typography() -> dict[int, tuple[bytes, bytes]]:
    """Characters of typography (quotes, dashes, spaces, an ellipsis, invisible marks) that
    :func:`_folded_wide` turns into ASCII (or nothing) whatever surrounds them in ASCII
    text, by code point: their UTF-8 bytes and the bytes of what they become, checked here
    against it."""
    candidates = [*_FOLDS, "\u00a0", *map(chr, range(0x2000, 0x200B)), "\u202f", "\u205f",
                  "\u2024", "\u2025", "\u2026"]
    pairs = {}
    for char in candidates:
        if char.isascii() or unicodedata.combining(char):
            continue
        folded = _folded_wide(f"a{char}b", "\n")
        if folded.isascii() and folded.startswith("a") and folded.endswith("b"):
            pairs[ord(char)] = (char.encode("utf-8"), folded[1:-1].encode("ascii"))
    return pairs


#: See :func:`_typography`.
_TYPOGRAPHY = _typography()
#: A text mostly of pieces that stay wide after their typography is folded is folded whole.
_WIDE_SHARE = 0.5
#: Special to the salient words' rules (``_text.terms``): never a stand-in.
_SALIENT_SPECIAL = ".,;"


def _salient_typography() -> dict[int, tuple[bytes, bytes]]:
    """Stand-ins in ASCII for the typography that folds to something (:data:`_TYPOGRAPHY`,
    not the invisible characters folding deletes): one character of the same classes
    (:class:`CharClass`; its fold if that is one, else a sign), so that salient words,
    read on the text as written, are read alike (``_text.terms``), and its tokens stay
    those of the folded text."""
    table = {}
    signs = "'\"-!#%&*+/<=>?@^|~"
    for point, (source, target) in _TYPOGRAPHY.items():
        if not target:
            continue
        mine = char_classes(np.array([point], dtype=np.uint32))[0]
        for stand_in in [target.decode(), *signs]:
            if (len(stand_in) == 1 and stand_in not in _SALIENT_SPECIAL
                    and char_classes(code_points(stand_in))[0] == mine):
                table[point] = (source, stand_in.encode("ascii"))
                break
    return table


#: See :func:`_salient_typography`.
SALIENT_TYPOGRAPHY = _salient_typography()

_Dense = tuple[npt.NDArray[np.int8], npt.NDArray[np.uint8]]
_Piece = TypeVar("_Piece", str, bytes)
#: Dense forms of the tables (``ascii_typography_kernel``), made when first used, by id.
_DENSE: dict[int, tuple[dict[int, tuple[bytes, bytes]], _Dense]] = {}


def _dense(table: dict[int, tuple[bytes, bytes]]) -> _Dense:
    """``table``'s characters of the Basic Multilingual Plane as the kernel reads them: each
    code point's replacement length (-1: kept) and bytes. A replacement is never longer than
    the character's UTF-8 (the kernel writes in place of it)."""
    known = _DENSE.get(id(table))
    if known is not None and known[0] is table:
        return known[1]
    lengths = np.full(0x10000, -1, dtype=np.int8)
    replacements = np.zeros((0x10000, 3), dtype=np.uint8)
    for point, (source, target) in table.items():
        if point < 0x10000:
            assert len(target) <= min(len(source), 3)
            lengths[point] = len(target)
            replacements[point, :len(target)] = np.frombuffer(target, dtype=np.uint8)
    _DENSE[id(table)] = (table, (lengths, replacements))
    return lengths, replacements


def ascii_typography(text: str,
                     table: dict[int, tuple[bytes, bytes]] | None = None) -> str:
    """``text`` with its typography written in ASCII: by default as it folds
    (:data:`_TYPOGRAPHY`), or by ``table`` (code point: its UTF-8 and what replaces it;
    only characters of the Basic Multilingual Plane are replaced), in one compiled pass
    over its UTF-8."""
    data = text.encode("utf-8", "surrogatepass")
    written = _ascii_typography_kernel(np.frombuffer(data, dtype=np.uint8),
                                       *_dense(_TYPOGRAPHY if table is None else table))
    return written.tobytes().decode("utf-8", "surrogatepass")


def _wide_numbers(pieces: Sequence[str]) -> tuple[list[int], list[int]] | None:
    """The numbers of the ``pieces`` that are ASCII and of those that are not; None when more
    than ``_WIDE_SHARE`` of them are not (the whole text is then read at once, as it is)."""
    wide = [number for number, piece in enumerate(pieces) if not piece.isascii()]
    if len(wide) > _WIDE_SHARE * len(pieces):
        return None
    wide_set = set(wide)
    return [number for number in range(len(pieces)) if number not in wide_set], wide


def _placed(size: int, *parts: tuple[list[int], Sequence[_Piece]]) -> list[_Piece]:
    """Pieces read apart put back in order: ``parts`` are (their numbers, the pieces)."""
    placed: dict[int, _Piece] = {}
    for numbers, pieces in parts:
        placed.update(zip(numbers, pieces, strict=True))
    return [placed[number] for number in range(size)]


def folded_text(text: str, boundary: str = "\n") -> str:
    """``normalize_text`` up to its whitespace collapsing, which no token depends on
    (``boundary``: the character that joins the pieces of ``text``, see ``nfkc``).

    Keep in step with :func:`~newsdedup._text.normalize.normalize_text`;
    ``tests/text/test_features.py`` checks that both paths give the same tokens.

    News text is ASCII but for its typography (curly quotes, dashes, an ellipsis, a
    no-break space): pieces that are ASCII once it is folded take ASCII's path, and only
    the others (a name with an accent, another script) are looked at character by
    character (``tests/text/test_tokenize.py`` checks both paths give the same text).
    """
    if text.isascii():
        return text.casefold().translate(_FOLD_TABLE)
    pieces = ascii_typography(text).split(boundary)
    split = _wide_numbers(pieces)
    if split is None:
        return _folded_wide(text, boundary)
    narrow, wide = split
    if not wide:
        return boundary.join(pieces).casefold().translate(_FOLD_TABLE)
    # A wide piece is folded as written (its typography too), as it always was.
    originals = text.split(boundary)
    rest = _folded_wide(boundary.join([originals[number] for number in wide]),
                        boundary).split(boundary)
    return boundary.join(_placed(
        len(pieces), (narrow, [pieces[number].casefold().translate(_FOLD_TABLE)
                               for number in narrow]), (wide, rest)))


def _newline_owner(is_newline: npt.NDArray[np.bool_], positions: npt.NDArray[np.int64]
                   ) -> npt.NDArray[np.int64]:
    return np.searchsorted(np.flatnonzero(is_newline), positions, "right").astype(np.int64)


def token_bytes(texts: Sequence[str]) -> tuple[bytes, npt.NDArray[np.bool_]]:
    """Token text of ``texts`` in one pass, and which texts have ambiguous word boundaries.

    The bytes have the same tokens and line breaks as ``"\\n".join(map(token_text, texts))``
    (runs of separators may differ, which no token sees). The mask marks texts holding a
    character that is a word character for ``regex``'s ``\\b`` but not for tokens, or the
    reverse (``_``, joiners, some number signs): there, a word-bounded match need not be a
    token. Texts that are ASCII once folded take ASCII's path, the others are read
    character by character (as :func:`folded_text` does).
    """
    folded = folded_text("\n".join(texts))
    if folded.isascii():
        return _ascii_token_bytes(folded.encode("ascii"))
    lines = folded.split("\n")
    split = _wide_numbers(lines)
    if split is None:
        return _wide_token_bytes(folded)
    narrow, wide = split
    narrow_bytes, narrow_ambiguous = _ascii_token_bytes(
        "\n".join([lines[number] for number in narrow]).encode("ascii"))
    wide_bytes, wide_ambiguous = _wide_token_bytes("\n".join([lines[number] for number in wide]))
    ambiguous = np.zeros(len(lines), dtype=bool)
    ambiguous[narrow] = narrow_ambiguous
    ambiguous[wide] = wide_ambiguous
    return b"\n".join(_placed(len(lines), (narrow, narrow_bytes.split(b"\n")),
                              (wide, wide_bytes.split(b"\n")))), ambiguous


def _ascii_token_bytes(data: bytes) -> tuple[bytes, npt.NDArray[np.bool_]]:
    """:func:`token_bytes` of folded ASCII text (``data``: its lines)."""
    ambiguous = np.zeros(data.count(b"\n") + 1, dtype=bool)
    # In ASCII only "_" is a word character for one and not the other: most batches have
    # none, and need no pass over their bytes to know it.
    if _ASCII_ODD_BYTES.search(data) is not None:
        raw = np.frombuffer(data, dtype=np.uint8)
        flags = _CLASS_TABLE[raw]
        odd = np.flatnonzero(((flags & CharClass.WORD) != 0)
                             != ((flags & CharClass.REGEX_WORD) != 0))
        ambiguous[_newline_owner(raw == _NEWLINE, odd)] = True
    return data.translate(_ASCII_TOKEN_BYTES), ambiguous


def _wide_token_bytes(folded: str) -> tuple[bytes, npt.NDArray[np.bool_]]:
    """:func:`token_bytes` of folded text (its lines), every character looked at."""
    ambiguous = np.zeros(folded.count("\n") + 1, dtype=bool)
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

