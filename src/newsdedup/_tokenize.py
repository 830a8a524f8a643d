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
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from ._hashing import U64, fmix64

__all__ = ["TokenBatch", "hash_tokens"]

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


def _powers(base: np.uint64, count: int) -> U64:
    powers = np.full(count, base, dtype=np.uint64)
    powers[0] = 1
    with np.errstate(over="ignore"):
        return np.cumprod(powers, dtype=np.uint64)


def hash_tokens(paragraph_token_texts: list[str]) -> TokenBatch:
    """Hash the tokens of each paragraph's token text (tokens separated by single spaces).

    >>> batch = hash_tokens(["a b", "", "b"])
    >>> batch.paragraph.tolist(), batch.n_paragraphs
    ([0, 0, 2], 3)
    >>> bool(batch.hashes[1] == batch.hashes[2])
    True
    """
    n_paragraphs = len(paragraph_token_texts)
    data = "\n".join(paragraph_token_texts).encode("utf-8", "surrogatepass")
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
    with np.errstate(over="ignore"):
        prefix = np.cumsum(values * _powers(_Q, raw.size), dtype=np.uint64)
        before_start = np.where(starts > 0, prefix[np.maximum(starts - 1, 0)], np.uint64(0))
        polynomial = (prefix[ends - 1] - before_start) * _powers(_P, raw.size)[starts]
        lengths = (ends - starts).astype(np.uint64)
        hashes = fmix64(polynomial ^ (lengths * _LENGTH_SALT))
    return TokenBatch(hashes, paragraph, n_paragraphs)
