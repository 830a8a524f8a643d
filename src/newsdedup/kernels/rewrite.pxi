# _stories.rewrite: cosines of blocks of paragraph rows, one merge per pair of rows.


def cosine_block(const index_t[::1] indptr, const index_t[::1] indices, const double[::1] data,
                 const int64_t[::1] left, const int64_t[::1] right):
    """Dot products of rows ``left`` with rows ``right`` of a CSR matrix whose rows have
    sorted column indices (one merge per pair of rows: no transpose of the matrix)."""
    cdef Py_ssize_t i, j
    cdef int64_t a, a_stop, b, b_stop
    cdef double total
    block = np.zeros((left.shape[0], right.shape[0]), dtype=np.float64)
    cdef double[:, ::1] out = block
    with nogil:
        for i in range(left.shape[0]):
            for j in range(right.shape[0]):
                a = indptr[left[i]]
                a_stop = indptr[left[i] + 1]
                b = indptr[right[j]]
                b_stop = indptr[right[j] + 1]
                total = 0.0
                while a < a_stop and b < b_stop:
                    if indices[a] < indices[b]:
                        a += 1
                    elif indices[a] > indices[b]:
                        b += 1
                    else:
                        total += data[a] * data[b]
                        a += 1
                        b += 1
                out[i, j] = total
    return block
