"""Shingles: hashed n-grams of consecutive tokens, per paragraph, as sorted sets.

A shingle of size ``n`` combines ``n`` consecutive token hashes of one paragraph. A paragraph
shorter than ``n`` tokens still gets one shingle (of all its tokens), so captions and short
lines can be compared too. Each paragraph's shingles are returned as a sorted set in a CSR
layout (``offsets`` into one ``values`` array), ready for MinHash and for exact set
similarity.

A shingle is kept as the upper 32 bits of its 64-bit n-gram hash: exactly the 32-bit value
datasketch-compatible MinHash consumes (see ``_near_duplicates.minhash``), at half the memory of the
largest array of a corpus. Two different n-grams of one pair of articles share those bits with
probability ~1e-4 per article pair (550 x 550 / 2**32), which moves an exact Jaccard by a
few millionths at most.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from .._core.hashing import fmix64
from .._core.types import U64
from .._kernels import fingerprint_kernel as _fingerprint_kernel
from .._kernels import shingle_kernel as _shingle_kernel
from .tokenize import TokenBatch

__all__ = ["ShingleSets", "ShingleValues", "set_fingerprints", "shingle_sets"]

#: Shingle values: uint32 as built here; sets built elsewhere may hold uint64 hashes.
ShingleValues = npt.NDArray[np.uint32] | npt.NDArray[np.uint64]

# Distinct odd multipliers, one per position in the n-gram, so that order matters.
_POSITION_KEYS = fmix64(np.arange(1, 65, dtype=np.uint64)) | np.uint64(1)


@attrs.frozen(slots=True)
class ShingleSets:
    """Sorted, de-duplicated shingle hashes of many paragraphs in CSR form.

    Paragraph ``i`` owns ``values[offsets[i]:offsets[i + 1]]``.
    """

    offsets: npt.NDArray[np.int64]
    values: ShingleValues

    @property
    def sizes(self) -> npt.NDArray[np.int64]:
        """Number of distinct shingles of each paragraph."""
        return np.diff(self.offsets)

    def __len__(self) -> int:
        return int(self.offsets.size - 1)

    def row(self, index: int) -> ShingleValues:
        """The shingle set of paragraph ``index``."""
        return self.values[self.offsets[index] : self.offsets[index + 1]]


def shingle_sets(tokens: TokenBatch, size: int) -> ShingleSets:
    """Return the set of ``size``-token shingles of every paragraph of ``tokens``.

    >>> from newsdedup._text.tokenize import hash_tokens
    >>> sets = shingle_sets(hash_tokens(["a b c d", "a b", "", "b c d a"]), 3)
    >>> sets.sizes.tolist()
    [2, 1, 0, 2]
    >>> int(np.intersect1d(sets.row(0), sets.row(3)).size)  # "b c d" is shared
    1
    """
    if size < 1 or size > _POSITION_KEYS.size:
        raise ValueError(f"shingle size must be in 1..{_POSITION_KEYS.size}, got {size}")
    counts = np.bincount(tokens.paragraph, minlength=tokens.n_paragraphs).astype(np.int64)
    token_start = np.zeros(tokens.n_paragraphs + 1, dtype=np.int64)
    np.cumsum(counts, out=token_start[1:])
    offsets, values = _shingle_kernel(tokens.hashes, token_start, size, _POSITION_KEYS)
    return ShingleSets(offsets, values)


def set_fingerprints(sets: ShingleSets) -> U64:
    """An order-independent 64-bit fingerprint of each shingle set (equal sets, equal prints).

    >>> from newsdedup._text.tokenize import hash_tokens
    >>> prints = set_fingerprints(shingle_sets(hash_tokens(["a b c", "x y", "a b c"]), 2))
    >>> bool(prints[0] == prints[2]), bool(prints[0] == prints[1])
    (True, False)
    """
    return _fingerprint_kernel(sets.offsets, sets.values)

