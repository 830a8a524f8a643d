# _near_duplicates.verify: exact intersections of sorted sets, one merge per pair.


cdef inline int64_t shared_count(const hash_t* left, int64_t first, int64_t first_end,
                                 const hash_t* right, int64_t second,
                                 int64_t second_end) noexcept nogil:
    """How many values the ascending runs ``left[first:first_end]`` and
    ``right[second:second_end]`` (each without repeats) share, by one merge."""
    cdef int64_t shared = 0
    while first < first_end and second < second_end:
        if left[first] < right[second]:
            first += 1
        elif left[first] > right[second]:
            second += 1
        else:
            shared += 1
            first += 1
            second += 1
    return shared


def count_shared(const hash_t[::1] left, int64_t first, int64_t first_end,
                 const hash_t[::1] right, int64_t second, int64_t second_end):
    """How many values the ascending runs ``left[first:first_end]`` and
    ``right[second:second_end]`` (each without repeats) share, by one merge."""
    if first >= first_end or second >= second_end:
        return 0
    return shared_count(&left[0], first, first_end, &right[0], second, second_end)


def intersection_kernel(const int64_t[::1] offsets, const hash_t[::1] values,
                        const int64_t[::1] left, const int64_t[::1] right):
    """Size of the intersection of sorted rows ``left[k]`` and ``right[k]``, by merging."""
    cdef Py_ssize_t pair
    intersection = np.zeros(left.shape[0], dtype=np.int64)
    cdef int64_t[::1] out = intersection
    if values.shape[0] == 0:
        return intersection
    cdef const hash_t* data = &values[0]
    with nogil:
        for pair in range(left.shape[0]):
            out[pair] = shared_count(data, offsets[left[pair]], offsets[left[pair] + 1], data,
                                     offsets[right[pair]], offsets[right[pair] + 1])
    return intersection
