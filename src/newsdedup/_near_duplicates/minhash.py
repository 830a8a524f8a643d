"""MinHash signatures of many paragraphs at once, compatible with datasketch.

The permutation scheme is datasketch's default (``affine32``, datasketch >= 2.0): a shingle's
32-bit hash value ``h`` is mixed with MurmurHash3's 32-bit finalizer, then each permutation
``k`` maps it to ``a[k] * h + b[k]`` modulo 2**32, with ``(a, b)`` drawn exactly as datasketch
draws them from ``seed``. A signature is the element-wise minimum over a paragraph's shingles.

So a row of :func:`signatures` equals ``datasketch.MinHash(num_perm, seed,
hashfunc=lambda v: v)`` updated with :func:`minhash_inputs` of the same shingles, and
:func:`to_lean_minhash` turns it into a ``datasketch.LeanMinHash`` that can be inserted into,
or query, a ``datasketch.MinHashLSH``.

The kernel is one compiled loop over the shingles (``kernels/minhash.h``); its inner loop over the
permutations runs on SIMD lanes.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import numpy.typing as npt

from .._core.threads import map_in_threads, split_range
from .._core.types import U32
from .._kernels import signature_kernel as _signature_kernel
from .._text.shingle import ShingleSets, ShingleValues

__all__ = ["EMPTY_VALUE", "minhash_inputs", "permutations", "signatures", "to_lean_minhash"]


#: Signature value of an empty paragraph (datasketch's empty MinHash has it everywhere).
EMPTY_VALUE = np.uint32(0xFFFFFFFF)


@functools.lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[U32, U32]:
    """The ``(a, b)`` permutation parameters datasketch uses for ``(num_perm, seed)``.

    Drawn as datasketch's ``affine32`` scheme draws them (all of ``a``, odd, then all of
    ``b``, from ``numpy.random.RandomState(seed)``), without importing datasketch;
    ``tests/near_duplicates/test_minhash.py`` checks them against datasketch itself.
    """
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def minhash_inputs(shingles: ShingleValues) -> U32:
    """The 32-bit values fed to MinHash: 32-bit shingles as they are, the upper half of
    64-bit shingle hashes."""
    if shingles.dtype == np.uint32:
        return shingles  # type: ignore[return-value]
    return (shingles >> np.uint64(32)).astype(np.uint32)


def signatures(sets: ShingleSets, num_perm: int = 128, seed: int = 1,
               columns: int | tuple[int, int] | None = None,
               rows: npt.NDArray[np.int64] | None = None, workers: int = 1) -> U32:
    """MinHash signature (``num_perm`` uint32 values) of every paragraph in ``sets``.

    Paragraphs without shingles get :data:`EMPTY_VALUE` everywhere. ``columns`` computes only
    the first that many values of each signature, or the values ``start:stop`` of a pair (the
    ones some LSH bands read); ``rows`` signs only those paragraphs (one output row each, in
    that order). ``workers`` threads share the rows (the result does not depend on it).

    >>> from newsdedup._text.tokenize import hash_tokens
    >>> from newsdedup._text.shingle import shingle_sets
    >>> sig = signatures(shingle_sets(hash_tokens(["a b c d e f", "a b c d e f", ""]), 3))
    >>> sig.shape, bool((sig[0] == sig[1]).all()), bool((sig[2] == EMPTY_VALUE).all())
    ((3, 128), True, True)
    """
    a, b = permutations(num_perm, seed)
    if columns is not None:
        start, stop = (0, columns) if isinstance(columns, int) else columns
        a, b = a[start:stop], b[start:stop]
    if rows is None:
        rows = np.arange(len(sets), dtype=np.int64)
    # The kernel reads C-contiguous arrays (views of the caller's arrays are copied).
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    offsets = np.ascontiguousarray(sets.offsets, dtype=np.int64)
    out = np.empty((rows.size, a.size), dtype=np.uint32)
    values = np.ascontiguousarray(minhash_inputs(sets.values))

    def sign(bounds: tuple[int, int]) -> None:
        _signature_kernel(offsets, values, rows[bounds[0]:bounds[1]], a, b,
                          out[bounds[0]:bounds[1]])

    map_in_threads(sign, split_range(rows.size, workers), workers)
    return out


def to_lean_minhash(signature: npt.ArrayLike, seed: int = 1) -> Any:
    """Wrap one signature row as a ``datasketch.LeanMinHash`` (scheme ``affine32``).

    >>> import numpy as np
    >>> to_lean_minhash(np.arange(4, dtype=np.uint32)).jaccard(
    ...     to_lean_minhash(np.arange(4, dtype=np.uint32)))
    1.0
    """
    from datasketch import LeanMinHash

    values = np.asarray(signature, dtype=np.uint32)
    return LeanMinHash(seed=seed, hashvalues=values, scheme="affine32")
