# _index.paragraphs: union-find roots and the live occurrences of paragraph uids.


def find_roots(int64_t[::1] parent, const int64_t[::1] nodes):
    """Union-find roots of ``nodes`` (halving the paths on the way)."""
    cdef Py_ssize_t index
    cdef int64_t node
    roots = np.empty(nodes.shape[0], dtype=np.int64)
    cdef int64_t[::1] out = roots
    with nogil:
        for index in range(nodes.shape[0]):
            node = nodes[index]
            while parent[node] != node:
                parent[node] = parent[parent[node]]
                node = parent[node]
            out[index] = node
    return roots


def walk(const int64_t[::1] uids, const int64_t[::1] head, const int64_t[::1] following,
         const uint8_t[::1] alive):
    """The live occurrences of ``uids``, following each uid's chain."""
    cdef int64_t size = 16, count = 0, occurrence
    cdef Py_ssize_t index
    cdef int64_t* found = NULL
    cdef int64_t* grown
    try:
        with nogil:
            found = <int64_t*>checked_malloc(size * sizeof(int64_t))
            for index in range(uids.shape[0]):
                occurrence = head[uids[index]]
                while occurrence >= 0:
                    if alive[occurrence]:
                        if count == size:
                            size *= 2
                            grown = <int64_t*>realloc(found, size * sizeof(int64_t))
                            if grown == NULL:
                                with gil:
                                    raise MemoryError("could not grow the occurrence list")
                            found = grown
                        found[count] = occurrence
                        count += 1
                    occurrence = following[occurrence]
        return copied_array(found, count, np.int64)
    finally:
        free(found)
