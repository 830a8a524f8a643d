# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True, nonecheck=False, cpow=True, embedsignature=False
"""The compiled kernels of newsdedup, built with the package (C99, ``-O3``).

Every loop that visits each byte, token, shingle or term of a corpus lives here, one file
of ``kernels/`` per module of the data flow (``kernels/minhash.pxi`` holds the loops of
``_minhash``, and so on); the Python modules call them under their old names. Each kernel
releases the GIL for its loops (``with nogil``), so the ``workers`` threads run side by
side, and touches no Python object inside them: arrays arrive as typed memoryviews
(contiguous, checked for dtype when called), outputs are numpy arrays allocated before or
after the loops. The arithmetic is the arithmetic of the numba kernels these replaced
(unsigned integers wrap modulo 2**n, floating point in the same order, no contraction into
fused multiply-adds), so results are bit-identical to theirs; ``tests/test_kernels.py``
checks them against those reference implementations on random inputs.
"""

from libc.stdint cimport int8_t, int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc, qsort, realloc
from libc.string cimport memcpy, memset
from libc.math cimport log, sqrt, fabs

import numpy as np

cdef extern from "kernels/common.h" nogil:
    uint64_t nd_fmix64(uint64_t value)
    uint32_t nd_fmix32(uint32_t value)
    uint64_t ND_TOKEN_Q
    uint64_t ND_LENGTH_SALT
    uint64_t ND_SHORT_SALT
    uint64_t ND_SET_SALT
    uint64_t ND_FNV_PRIME
    uint64_t ND_TOP_HALF

ctypedef fused hash_t:
    uint32_t
    uint64_t

ctypedef fused other_hash_t:
    uint32_t
    uint64_t

ctypedef fused point_t:
    uint8_t
    uint32_t

ctypedef fused index_t:
    int32_t
    int64_t


cdef inline int64_t imin(int64_t a, int64_t b) noexcept nogil:
    return a if a < b else b


cdef inline int64_t imax(int64_t a, int64_t b) noexcept nogil:
    return a if a > b else b


cdef void* checked_malloc(size_t size) except NULL nogil:
    cdef void* memory = malloc(size if size > 0 else 1)
    if memory == NULL:
        with gil:
            raise MemoryError(f"could not allocate {size} bytes of kernel scratch")
    return memory


cdef struct KeyIndex:
    int64_t key
    int64_t index


cdef struct ValueIndex:
    double value
    int64_t index


cdef int compare_key_index(const void* left, const void* right) noexcept nogil:
    """Order of (key, index) pairs: by key, then index (what a stable sort gives)."""
    cdef const KeyIndex* a = <const KeyIndex*>left
    cdef const KeyIndex* b = <const KeyIndex*>right
    if a.key != b.key:
        return -1 if a.key < b.key else 1
    return -1 if a.index < b.index else (1 if a.index > b.index else 0)


cdef int compare_value_index(const void* left, const void* right) noexcept nogil:
    """Order of (value, index) pairs: by value, then index (what a stable sort gives)."""
    cdef const ValueIndex* a = <const ValueIndex*>left
    cdef const ValueIndex* b = <const ValueIndex*>right
    if a.value < b.value:
        return -1
    if a.value > b.value:
        return 1
    return -1 if a.index < b.index else (1 if a.index > b.index else 0)


cdef int compare_int64(const void* left, const void* right) noexcept nogil:
    cdef int64_t a = (<const int64_t*>left)[0]
    cdef int64_t b = (<const int64_t*>right)[0]
    return -1 if a < b else (1 if a > b else 0)


cdef int compare_int32(const void* left, const void* right) noexcept nogil:
    cdef int32_t a = (<const int32_t*>left)[0]
    cdef int32_t b = (<const int32_t*>right)[0]
    return -1 if a < b else (1 if a > b else 0)


cdef int compare_double(const void* left, const void* right) noexcept nogil:
    cdef double a = (<const double*>left)[0]
    cdef double b = (<const double*>right)[0]
    return -1 if a < b else (1 if a > b else 0)


cdef object int64_array(const int64_t* data, int64_t count):
    """A new numpy array holding ``data[:count]``."""
    array = np.empty(count, dtype=np.int64)
    cdef int64_t[::1] view = array
    if count:
        memcpy(&view[0], data, count * sizeof(int64_t))
    return array


include "kernels/hashing.pxi"
include "kernels/hashsort.pxi"
include "kernels/tokenize.pxi"
include "kernels/shingle.pxi"
include "kernels/minhash.pxi"
include "kernels/verify.pxi"
include "kernels/lsh.pxi"
include "kernels/paragraphs.pxi"
include "kernels/patterns.pxi"
include "kernels/terms.pxi"
include "kernels/links.pxi"
include "kernels/shared.pxi"
include "kernels/boilerplate.pxi"
include "kernels/copy_families.pxi"
include "kernels/story_candidates.pxi"
include "kernels/story_vectors.pxi"
include "kernels/index_terms.pxi"
include "kernels/index_paragraphs.pxi"
include "kernels/index_lookup.pxi"
