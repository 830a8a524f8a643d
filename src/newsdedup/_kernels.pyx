# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True, nonecheck=False, cpow=True, embedsignature=False
"""The compiled kernels of newsdedup, built with the package (C99, ``-O3``).

Every loop that visits each byte, token, shingle or term of a corpus lives here, one file
of ``kernels/`` per module of the data flow (``kernels/minhash.pxi`` holds the loops of
``_near_duplicates.minhash``, and so on); the Python modules call them under their old names. Each
kernel releases the GIL for its loops (``with nogil``), so the ``workers`` threads run side by
side, and touches no Python object inside them: arrays arrive as typed memoryviews
(contiguous, checked for dtype when called), outputs are numpy arrays allocated before or
after the loops. The arithmetic is the arithmetic of the numba kernels these replaced
(unsigned integers wrap modulo 2**n, floating point in the same order, no contraction into
fused multiply-adds), so results are bit-identical to theirs; ``tests/core/test_kernels.py``
checks them against those reference implementations on random inputs.
"""

from libc.stdint cimport int8_t, int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free, malloc, qsort, realloc
from libc.string cimport memcpy, memset
from libc.math cimport log, sqrt, fabs

import numpy as np

cdef extern from "kernels/common.h" nogil:
    uint64_t nd_fmix64(uint64_t value)
    uint32_t nd_fmix32(uint32_t value)
    int nd_lowest_bit(uint64_t word)
    void nd_prefetch(const void* address)
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


cdef void* checked_calloc(size_t count, size_t size) except NULL nogil:
    """Zeroed memory (large blocks come zeroed from the system, page by page as they are
    touched: a table only partly used costs only its used pages)."""
    cdef void* memory = calloc(count if count > 0 else 1, size if size > 0 else 1)
    if memory == NULL:
        with gil:
            raise MemoryError(f"could not allocate {count * size} bytes of kernel scratch")
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


ctypedef fused sortable_t:
    int32_t
    int64_t
    double


cdef inline void partition(sortable_t* values, int64_t low, int64_t high, int64_t* i_out,
                           int64_t* j_out) noexcept nogil:
    """One Hoare partition of ``values[low:high + 1]`` around the median of three: on return
    ``values[low:j + 1] <= pivot <= values[i:high + 1]`` (``*i_out``, ``*j_out``)."""
    cdef int64_t i = low, j = high, middle = low + (high - low) // 2
    cdef sortable_t pivot, swap
    if values[middle] < values[low]:
        values[middle], values[low] = values[low], values[middle]
    if values[high] < values[low]:
        values[high], values[low] = values[low], values[high]
    if values[high] < values[middle]:
        values[high], values[middle] = values[middle], values[high]
    pivot = values[middle]
    while i <= j:
        while values[i] < pivot:
            i += 1
        while values[j] > pivot:
            j -= 1
        if i <= j:
            swap = values[i]
            values[i] = values[j]
            values[j] = swap
            i += 1
            j -= 1
    i_out[0] = i
    j_out[0] = j


cdef void sort_values(sortable_t* values, int64_t count) noexcept nogil:
    """Sort ``values[:count]`` ascending (a quicksort, median of three, insertion sort on
    short ranges; inlined comparisons, unlike libc's qsort). Equal values are equal: the
    order among them does not show."""
    cdef int64_t low = 0, high = count - 1, i, j
    cdef sortable_t swap
    while high - low > 16:
        partition(values, low, high, &i, &j)
        # Recurse into the smaller part, loop on the larger: bounded stack.
        if j - low < high - i:
            sort_values(values + low, j - low + 1)
            low = i
        else:
            sort_values(values + i, high - i + 1)
            high = j
    for i in range(low + 1, high + 1):
        swap = values[i]
        j = i
        while j > low and values[j - 1] > swap:
            values[j] = values[j - 1]
            j -= 1
        values[j] = swap


cdef double select_value(double* values, int64_t count, int64_t k) noexcept nogil:
    """The ``k``-th smallest of ``values[:count]`` (0-based; ``values`` is reordered), in
    linear expected time: what ``np.partition(values, k)[k]`` gives."""
    cdef int64_t low = 0, high = count - 1, i, j
    while low < high:
        partition(values, low, high, &i, &j)
        if k <= j:
            high = j
        elif k >= i:
            low = i
        else:
            return values[k]
    return values[k]


cdef void stable_sort_by_value(ValueIndex* items, ValueIndex* scratch,
                               int64_t count) noexcept nogil:
    """Sort ``items[:count]`` by value, equal values in their order (a stable merge sort,
    as ``np.argsort(kind="mergesort")``); ``scratch`` holds ``count`` items."""
    cdef int64_t start, i, j, width, left, middle, right, out
    cdef ValueIndex item
    cdef ValueIndex* source = items
    cdef ValueIndex* target = scratch
    cdef ValueIndex* swap
    # Runs of 16 by insertion, then merges of doubling width.
    start = 0
    while start < count:
        right = imin(start + 16, count)
        for i in range(start + 1, right):
            item = items[i]
            j = i
            while j > start and items[j - 1].value > item.value:
                items[j] = items[j - 1]
                j -= 1
            items[j] = item
        start = right
    width = 16
    while width < count:
        left = 0
        while left < count:
            middle = imin(left + width, count)
            right = imin(left + 2 * width, count)
            i = left
            j = middle
            out = left
            while i < middle and j < right:
                if source[j].value < source[i].value:
                    target[out] = source[j]
                    j += 1
                else:
                    target[out] = source[i]
                    i += 1
                out += 1
            while i < middle:
                target[out] = source[i]
                i += 1
                out += 1
            while j < right:
                target[out] = source[j]
                j += 1
                out += 1
            left = right
        swap = source
        source = target
        target = swap
        width *= 2
    if source != items:
        memcpy(items, source, count * sizeof(ValueIndex))


cdef void* checked_realloc(void* memory, size_t size) except NULL nogil:
    """``memory`` (from ``checked_malloc``) reallocated to ``size`` bytes (MemoryError if it
    cannot be; ``memory`` is then still the caller's to free)."""
    cdef void* grown = realloc(memory, size if size > 0 else 1)
    if grown == NULL:
        with gil:
            raise MemoryError(f"could not grow a kernel buffer to {size} bytes")
    return grown


cdef object copied_array(const void* data, int64_t count, object dtype):
    """A new numpy array of ``count`` values of ``dtype`` copied from ``data``."""
    array = np.empty(count, dtype=dtype)
    cdef unsigned char[::1] raw = array.view(np.uint8)
    if count:
        memcpy(&raw[0], data, raw.shape[0])
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
include "kernels/word_edits.pxi"
include "kernels/repeated.pxi"
include "kernels/shared.pxi"
include "kernels/boilerplate.pxi"
include "kernels/copy_families.pxi"
include "kernels/rewrite.pxi"
include "kernels/linkage.pxi"
include "kernels/story_candidates.pxi"
include "kernels/story_vectors.pxi"
include "kernels/index_terms.pxi"
include "kernels/index_paragraphs.pxi"
include "kernels/index_lookup.pxi"
