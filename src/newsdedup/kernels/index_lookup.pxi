# _index.lookup: binary searches through a fence, and gathering the postings of two runs.


cdef inline int64_t fenced_lower_bound(const hash_t* keys, int64_t start, int64_t stop,
                                       hash_t key) noexcept nogil:
    """The first position of ``keys[start:stop]`` (sorted) holding ``key`` or more (``stop``
    if none). Branch-free halving: the comparison selects the next base instead of a jump."""
    cdef int64_t base = start, size = stop - start, half
    if size <= 0:
        return start
    while size > 1:
        half = size // 2
        base = base + half if keys[base + half - 1] < key else base
        size -= half
    return base + 1 if keys[base] < key else base


def run_bounds(const hash_t[::1] keys, const hash_t[::1] fence, int64_t step,
               const hash_t[::1] queries):
    """``(left, right)``: where each query's entries lie in the sorted run ``keys``, found
    through its ``fence`` (every ``step``-th key) and then one block of the run."""
    cdef Py_ssize_t query, n_queries = queries.shape[0]
    cdef int64_t n_keys = keys.shape[0], low, start, end
    cdef hash_t key
    left = np.empty(n_queries, dtype=np.int64)
    right = np.empty(n_queries, dtype=np.int64)
    cdef int64_t[::1] out_left = left
    cdef int64_t[::1] out_right = right
    cdef const hash_t* key_data = &keys[0] if n_keys else NULL
    cdef const hash_t* fence_data = &fence[0] if fence.shape[0] else NULL
    with nogil:
        for query in range(n_queries):
            key = queries[query]
            low = fenced_lower_bound(fence_data, 0, fence.shape[0], key)
            start = 0 if low == 0 else (low - 1) * step + 1
            start = fenced_lower_bound(key_data, start, imin(low * step, n_keys), key)
            end = start
            while end < n_keys and key_data[end] == key:
                end += 1
            out_left[query] = start
            out_right[query] = end
    return left, right


def gather(const int64_t[::1] base_left, const int64_t[::1] base_right,
           const index_t[::1] base_values, const int64_t[::1] delta_left,
           const int64_t[::1] delta_right, const index_t[::1] delta_values):
    """The ``(query position, value)`` pairs of two runs' spans: base run first, then delta,
    each by query position."""
    cdef int64_t total = 0, written = 0, position
    cdef Py_ssize_t query
    with nogil:
        for query in range(base_left.shape[0]):
            total += base_right[query] - base_left[query]
        for query in range(delta_left.shape[0]):
            total += delta_right[query] - delta_left[query]
    which = np.empty(total, dtype=np.int64)
    values = np.empty(total, dtype=np.int32 if index_t is int32_t else np.int64)
    cdef int64_t[::1] out_which = which
    cdef index_t[::1] out_values = values
    with nogil:
        for query in range(base_left.shape[0]):
            for position in range(base_left[query], base_right[query]):
                out_which[written] = query
                out_values[written] = base_values[position]
                written += 1
        for query in range(delta_left.shape[0]):
            for position in range(delta_left[query], delta_right[query]):
                out_which[written] = query
                out_values[written] = delta_values[position]
                written += 1
    return which, values
