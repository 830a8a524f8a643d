# _text.paragraphs: spans of the non-blank lines of a batch of texts, one pass over code points.


cdef inline int64_t lower_bound_u32(const uint32_t* keys, int64_t size,
                                    uint32_t key) noexcept nogil:
    """``np.searchsorted(keys, key)``: the first position holding ``key`` or more."""
    cdef int64_t low = 0, high = size, middle
    while low < high:
        middle = (low + high) >> 1
        if keys[middle] < key:
            low = middle + 1
        else:
            high = middle
    return low


def line_spans(const point_t[::1] points, const uint8_t[::1] latin1,
               const uint32_t[::1] breaks, const uint32_t[::1] spaces):
    """``(start, end)`` of every line of ``points`` that holds a non-space character,
    stripped of its leading and trailing spaces.

    ``latin1`` classes the first 256 code points (0: other, 1: space, 2: line break); above
    them, ``breaks`` and ``spaces`` (sorted) are searched.
    """
    cdef Py_ssize_t size = points.shape[0], position
    cdef int64_t count = 0, first = -1, last = -1, index
    cdef uint32_t point
    cdef int kind
    spans = np.empty((size // 2 + 1, 2), dtype=np.int64)
    cdef int64_t[:, ::1] out = spans
    cdef const uint32_t* break_points = &breaks[0]
    cdef const uint32_t* space_points = &spaces[0]
    cdef int64_t n_breaks = breaks.shape[0], n_spaces = spaces.shape[0]
    with nogil:
        for position in range(size):
            point = points[position]
            if point < 256:
                kind = latin1[point]
            else:
                kind = 0
                index = lower_bound_u32(break_points, n_breaks, point)
                if index < n_breaks and break_points[index] == point:
                    kind = 2
                else:
                    index = lower_bound_u32(space_points, n_spaces, point)
                    if index < n_spaces and space_points[index] == point:
                        kind = 1
            if kind == 0:
                if first < 0:
                    first = position
                last = position
            elif kind == 2:
                if first >= 0:
                    out[count, 0] = first
                    out[count, 1] = last + 1
                    count += 1
                first = -1
        if first >= 0:
            out[count, 0] = first
            out[count, 1] = last + 1
            count += 1
    return spans[:count].copy()
