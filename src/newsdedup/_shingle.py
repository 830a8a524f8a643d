"""Shingles: hashed n-grams of consecutive tokens, per paragraph, as sorted sets.

A shingle of size ``n`` combines ``n`` consecutive token hashes of one paragraph. A paragraph
shorter than ``n`` tokens still gets one shingle (of all its tokens), so captions and short
lines can be compared too. Each paragraph's shingles are returned as a sorted set in a CSR
layout (``offsets`` into one ``values`` array), ready for MinHash and for exact set
similarity.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from ._hashing import U64, fmix64
from ._tokenize import TokenBatch

__all__ = ["ShingleSets", "shingle_sets"]

# Distinct odd multipliers, one per position in the n-gram, so that order matters.
_POSITION_KEYS = fmix64(np.arange(1, 65, dtype=np.uint64)) | np.uint64(1)
_SHORT_SALT = np.uint64(0xD6E8FEB86659FD93)


@attrs.frozen(slots=True)
class ShingleSets:
    """Sorted, de-duplicated shingle hashes of many paragraphs in CSR form.

    Paragraph ``i`` owns ``values[offsets[i]:offsets[i + 1]]``.
    """

    offsets: npt.NDArray[np.int64]
    values: U64

    @property
    def sizes(self) -> npt.NDArray[np.int64]:
        """Number of distinct shingles of each paragraph."""
        return np.diff(self.offsets)

    def __len__(self) -> int:
        return int(self.offsets.size - 1)

    def row(self, index: int) -> U64:
        """The shingle set of paragraph ``index``."""
        return self.values[self.offsets[index] : self.offsets[index + 1]]


def _combine(hashes: U64, first: npt.NDArray[np.int64], width: int) -> U64:
    combined = np.zeros(first.size, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for position in range(width):
            combined += hashes[first + position] * _POSITION_KEYS[position]
    return combined


def shingle_sets(tokens: TokenBatch, size: int) -> ShingleSets:
    """Return the set of ``size``-token shingles of every paragraph of ``tokens``.

    >>> from newsdedup._tokenize import hash_tokens
    >>> sets = shingle_sets(hash_tokens(["a b c d", "a b", "", "b c d a"]), 3)
    >>> sets.sizes.tolist()
    [2, 1, 0, 2]
    >>> int(np.intersect1d(sets.row(0), sets.row(3)).size)  # "b c d" is shared
    1
    """
    if size < 1 or size > _POSITION_KEYS.size:
        raise ValueError(f"shingle size must be in 1..{_POSITION_KEYS.size}, got {size}")
    hashes, paragraph = tokens.hashes, tokens.paragraph
    counts = np.bincount(paragraph, minlength=tokens.n_paragraphs).astype(np.int64)
    token_start = np.zeros(tokens.n_paragraphs + 1, dtype=np.int64)
    np.cumsum(counts, out=token_start[1:])

    # Full n-grams: every token position whose n-gram stays inside its paragraph.
    last = np.arange(hashes.size, dtype=np.int64) + (size - 1)
    full = last < hashes.size
    full[full] &= paragraph[last[full]] == paragraph[full]
    full_first = np.flatnonzero(full)
    full_values = fmix64(_combine(hashes, full_first, size))
    full_paragraph = paragraph[full_first]

    # Paragraphs shorter than one n-gram: a single shingle of all their tokens.
    short = np.flatnonzero((counts > 0) & (counts < size))
    short_values = np.zeros(short.size, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for position in range(size - 1):
            take = counts[short] > position
            short_values[take] += (
                hashes[token_start[short[take]] + position] * _POSITION_KEYS[position]
            )
        short_values = fmix64(short_values ^ (counts[short].astype(np.uint64) * _SHORT_SALT))

    values = np.concatenate([full_values, short_values])
    owner = np.concatenate([full_paragraph, short])
    order = np.lexsort((values, owner))
    values, owner = values[order], owner[order]
    keep = np.ones(values.size, dtype=bool)
    keep[1:] = (values[1:] != values[:-1]) | (owner[1:] != owner[:-1])
    values, owner = values[keep], owner[keep]
    offsets = np.zeros(tokens.n_paragraphs + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=tokens.n_paragraphs), out=offsets[1:])
    return ShingleSets(offsets, values)
