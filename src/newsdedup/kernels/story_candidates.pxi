# _stories.candidates: strongest terms of each row, the probe order, and pair cosines.


def strongest_kernel(const int64_t[::1] indptr, const double[::1] data, int64_t keep):
    """Whether each entry is at or above its row's ``keep``-th largest value."""
    cdef Py_ssize_t row
    cdef int64_t start, stop, entry, longest = 0
    cdef double cut
    cdef double* scratch = NULL
    kept = np.ones(data.shape[0], dtype=np.bool_)
    cdef uint8_t[::1] out = kept
    try:
        with nogil:
            for row in range(indptr.shape[0] - 1):
                longest = imax(longest, indptr[row + 1] - indptr[row])
            scratch = <double*>checked_malloc(longest * sizeof(double))
            for row in range(indptr.shape[0] - 1):
                start = indptr[row]
                stop = indptr[row + 1]
                if stop - start <= keep:
                    continue
                # The (stop - start - keep)-th smallest value (np.partition's pivot).
                memcpy(scratch, &data[start], (stop - start) * sizeof(double))
                cut = select_value(scratch, stop - start, stop - start - keep)
                for entry in range(start, stop):
                    if data[entry] < cut:
                        out[entry] = False
    finally:
        free(scratch)
    return kept


def probe_kernel(const int64_t[::1] indptr, const index_t[::1] indices, const double[::1] data,
                 const int64_t[::1] postings, int64_t budget):
    """Whether each row probes each of its entries: by weight per posting (a stable order:
    ties keep the row's term order) while the running total of postings stays in budget."""
    cdef Py_ssize_t row
    cdef int64_t start, stop, entry, longest = 0, total, position
    cdef ValueIndex* order = NULL
    cdef ValueIndex* scratch = NULL
    probed = np.zeros(data.shape[0], dtype=np.bool_)
    cdef uint8_t[::1] out = probed
    try:
        with nogil:
            for row in range(indptr.shape[0] - 1):
                longest = imax(longest, indptr[row + 1] - indptr[row])
            order = <ValueIndex*>checked_malloc(longest * sizeof(ValueIndex))
            scratch = <ValueIndex*>checked_malloc(longest * sizeof(ValueIndex))
            for row in range(indptr.shape[0] - 1):
                start = indptr[row]
                stop = indptr[row + 1]
                if stop == start:
                    continue
                for entry in range(start, stop):
                    order[entry - start].value = -(
                        data[entry] / <double>imax(postings[indices[entry]], 1))
                    order[entry - start].index = entry - start
                stable_sort_by_value(order, scratch, stop - start)
                total = 0
                for position in range(stop - start):
                    total += postings[indices[start + order[position].index]]
                    if total <= budget:
                        out[start + order[position].index] = True
    finally:
        free(order)
        free(scratch)
    return probed


def dot_kernel(const int64_t[::1] indptr, const index_t[::1] indices, const double[::1] data,
               const int64_t[::1] rows, const int64_t[::1] cols, int64_t n_columns):
    """Dot product of rows ``rows[k]`` and ``cols[k]`` (entries sorted by column, columns
    below ``n_columns``). Each run of pairs with one ``rows`` row scatters that row into a
    dense table once; each partner then adds its entries' products read from the table, in
    column order: the products of the shared columns added in the order a merge of the
    two rows would add them (the others add 0.0, which changes no sum), without the merge's
    branch per entry."""
    cdef Py_ssize_t pair
    cdef int64_t entry, row, scattered = -1
    cdef double total
    cdef double* dense = NULL
    result = np.zeros(rows.shape[0], dtype=np.float64)
    cdef double[::1] out = result
    try:
        with nogil:
            dense = <double*>checked_calloc(n_columns, sizeof(double))
            for pair in range(rows.shape[0]):
                row = rows[pair]
                if row != scattered:
                    if scattered >= 0:
                        for entry in range(indptr[scattered], indptr[scattered + 1]):
                            dense[indices[entry]] = 0.0
                    for entry in range(indptr[row], indptr[row + 1]):
                        dense[indices[entry]] = data[entry]
                    scattered = row
                total = 0.0
                for entry in range(indptr[cols[pair]], indptr[cols[pair] + 1]):
                    total += dense[indices[entry]] * data[entry]
                out[pair] = total
    finally:
        free(dense)
    return result
