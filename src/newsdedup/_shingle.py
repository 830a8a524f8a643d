"""Shingles: hashed n-grams of consecutive tokens, per paragraph, as sorted sets.

A shingle of size ``n`` combines ``n`` consecutive token hashes of one paragraph. A paragraph
shorter than ``n`` tokens still gets one shingle (of all its tokens), so captions and short
lines can be compared too. Each paragraph's shingles are returned as a sorted set in a CSR
layout (``offsets`` into one ``values`` array), ready for MinHash and for exact set
similarity.

A shingle is kept as the upper 32 bits of its 64-bit n-gram hash: exactly the 32-bit value
datasketch-compatible MinHash consumes (see ``_minhash``), at half the memory of the largest
array of a corpus. Two different n-grams of one pair of articles share those bits with
probability ~1e-4 per article pair (550 x 550 / 2**32), which moves an exact Jaccard by a
few millionths at most.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from ._hashing import U64, fmix64, fmix64_scalar
from ._hashsort import sort_hashes
from ._jit import kernel
from ._tokenize import TokenBatch

__all__ = ["ShingleSets", "ShingleValues", "set_fingerprints", "shingle_sets"]

#: Shingle values: uint32 as built here; sets built elsewhere may hold uint64 hashes.
ShingleValues = npt.NDArray[np.uint32] | npt.NDArray[np.uint64]

# Distinct odd multipliers, one per position in the n-gram, so that order matters.
_POSITION_KEYS = fmix64(np.arange(1, 65, dtype=np.uint64)) | np.uint64(1)
_SHORT_SALT = np.uint64(0xD6E8FEB86659FD93)
_SET_SALT = np.uint64(0x2545F4914F6CDD1D)
_HALF = np.uint64(32)


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

    >>> from newsdedup._tokenize import hash_tokens
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


@kernel
def _shingle_kernel(hashes: U64, token_start: npt.NDArray[np.int64], size: int,
                    position_keys: U64) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32]]:
    """Sorted distinct shingles of each paragraph (tokens ``token_start[p]:token_start[p+1]``).

    A full shingle at token ``i`` is the upper half of
    ``fmix64(sum(hashes[i + k] * position_keys[k]))``; a paragraph of ``0 < n < size`` tokens
    gets that of ``fmix64(sum(...over its n tokens) ^ n * salt)``.
    """
    n_paragraphs = token_start.size - 1
    capacity = 0
    for paragraph in range(n_paragraphs):
        count = token_start[paragraph + 1] - token_start[paragraph]
        capacity += max(count - size + 1, 1 if count > 0 else 0)
    values = np.empty(capacity, dtype=np.uint32)
    offsets = np.zeros(n_paragraphs + 1, dtype=np.int64)
    longest = 1
    for paragraph in range(n_paragraphs):
        longest = max(longest, token_start[paragraph + 1] - token_start[paragraph])
    scratch = np.empty(longest, dtype=np.uint32)
    buckets = np.empty(257, dtype=np.int64)
    written = 0
    for paragraph in range(n_paragraphs):
        first, stop = token_start[paragraph], token_start[paragraph + 1]
        count = stop - first
        if count >= size:
            for start in range(first, stop - size + 1):
                combined = np.uint64(0)
                for position in range(size):
                    combined += hashes[start + position] * position_keys[position]
                values[written + start - first] = np.uint32(fmix64_scalar(combined) >> _HALF)
            produced = count - size + 1
        elif count > 0:
            combined = np.uint64(0)
            for position in range(count):
                combined += hashes[first + position] * position_keys[position]
            values[written] = np.uint32(
                fmix64_scalar(combined ^ (np.uint64(count) * _SHORT_SALT)) >> _HALF)
            produced = 1
        else:
            produced = 0
        if produced > 1:
            block = values[written:written + produced]
            # Linear in the worst case too (a 100 MB paragraph, words chosen to crowd one
            # bucket): see _hashsort.
            sort_hashes(block, scratch, buckets)
            distinct = 1
            for index in range(1, produced):
                if block[index] != block[distinct - 1]:
                    block[distinct] = block[index]
                    distinct += 1
            produced = distinct
        written += produced
        offsets[paragraph + 1] = written
    # A view, not a copy: few n-grams repeat inside a paragraph, so little is left unused.
    return offsets, values[:written]


def set_fingerprints(sets: ShingleSets) -> U64:
    """An order-independent 64-bit fingerprint of each shingle set (equal sets, equal prints).

    >>> from newsdedup._tokenize import hash_tokens
    >>> prints = set_fingerprints(shingle_sets(hash_tokens(["a b c", "x y", "a b c"]), 2))
    >>> bool(prints[0] == prints[2]), bool(prints[0] == prints[1])
    (True, False)
    """
    return _fingerprint_kernel(sets.offsets, sets.values)


@kernel
def _fingerprint_kernel(offsets: npt.NDArray[np.int64], values: ShingleValues) -> U64:
    prints = np.empty(offsets.size - 1, dtype=np.uint64)
    for row in range(offsets.size - 1):
        total = np.uint64(0)
        for position in range(offsets[row], offsets[row + 1]):
            total += fmix64_scalar(np.uint64(values[position]) ^ _SET_SALT)
        prints[row] = fmix64_scalar(total + np.uint64(offsets[row + 1] - offsets[row]) * _SET_SALT)
    return prints
