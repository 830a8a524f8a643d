# _stories.vectors: each group's summed normalized row, then IDF weights and kept columns.

# BM25's k1 and the name boost are _stories.weights' (passed in on every call).


cdef inline double py_max(double a, double b) noexcept nogil:
    """Python's ``max(a, b)`` of two floats: ``a`` unless ``b`` is larger."""
    return b if b > a else a


cdef inline double py_min(double a, double b) noexcept nogil:
    """Python's ``min(a, b)`` of two floats: ``a`` unless ``b`` is smaller."""
    return b if b < a else a


cdef double article_norm(const int64_t[::1] offsets, const int32_t[::1] term_ids,
                         const uint8_t[::1] counts, const double[::1] boost, int64_t article,
                         double k1) noexcept nogil:
    """The norm of an article's weights ``tf / (tf + k1) * boost`` (at least 1e-12)."""
    cdef int64_t entry
    cdef double tf, weight, norm = 0.0
    for entry in range(offsets[article], offsets[article + 1]):
        tf = <double>counts[entry]
        weight = tf / (tf + k1) * boost[term_ids[entry]]
        norm += weight * weight
    return py_max(sqrt(norm), 1e-12)


cdef bint single_row(const int64_t[::1] offsets, const int32_t[::1] term_ids,
                     const uint8_t[::1] counts, const double[::1] boost, int64_t article,
                     double k1, int32_t[::1] out_indices, double[::1] out_data,
                     int64_t* written) noexcept nogil:
    """The row of a group of one article, written straight from the article's entries
    when their terms ascend (they do: an article's terms are distinct, sorted by hash,
    and numbered in hash order): what the accumulator gives (``0.0 +`` each weight), with
    no scatter and no sort. False, and nothing written, when they do not ascend."""
    cdef int64_t start = offsets[article], stop = offsets[article + 1], entry
    cdef int64_t at = written[0]
    cdef double tf, norm
    for entry in range(start + 1, stop):
        if term_ids[entry] <= term_ids[entry - 1]:
            return False
    norm = article_norm(offsets, term_ids, counts, boost, article, k1)
    for entry in range(start, stop):
        tf = <double>counts[entry]
        out_indices[at] = term_ids[entry]
        out_data[at] = 0.0 + tf / (tf + k1) * boost[term_ids[entry]] / norm
        at += 1
    written[0] = at
    return True


def group_rows(const int64_t[::1] offsets, const int32_t[::1] term_ids,
               const uint8_t[::1] counts, const double[::1] boost,
               const int64_t[::1] group_starts, const int64_t[::1] members, int64_t n_terms,
               double k1):
    """Each group's row: the sum of its members' normalized weighted rows (CSR, columns
    ascending). An article's weights are ``tf / (tf + k1) * boost``, divided by their norm."""
    cdef int64_t n_groups = group_starts.shape[0] - 1, capacity = 0, group, first, last
    cdef int64_t article, n_touched, position, entry, number, written = 0, start, stop
    cdef int32_t term
    cdef double tf, norm
    cdef uint8_t* seen = NULL
    cdef int32_t* touched = NULL
    cdef double* accumulator = NULL
    indptr = np.zeros(n_groups + 1, dtype=np.int64)
    cdef int64_t[::1] out_indptr = indptr
    cdef int32_t[::1] out_indices
    cdef double[::1] out_data
    try:
        with nogil:
            seen = <uint8_t*>checked_malloc(n_terms)
            memset(seen, 0, n_terms)
            touched = <int32_t*>checked_malloc(n_terms * sizeof(int32_t))
            # First the exact size: a group of copies has far fewer distinct terms than
            # entries.
            for group in range(n_groups):
                first = group_starts[group]
                last = group_starts[group + 1]
                if last - first == 1:
                    article = members[first]
                    capacity += offsets[article + 1] - offsets[article]
                    continue
                n_touched = 0
                for position in range(first, last):
                    article = members[position]
                    for entry in range(offsets[article], offsets[article + 1]):
                        if not seen[term_ids[entry]]:
                            seen[term_ids[entry]] = True
                            touched[n_touched] = term_ids[entry]
                            n_touched += 1
                for number in range(n_touched):
                    seen[touched[number]] = False
                capacity += n_touched
        indices = np.empty(capacity, dtype=np.int32)
        data = np.empty(capacity, dtype=np.float64)
        out_indices = indices
        out_data = data
        with nogil:
            accumulator = <double*>checked_malloc(n_terms * sizeof(double))
            for number in range(n_terms):
                accumulator[number] = 0.0
            for group in range(n_groups):
                if (group_starts[group + 1] - group_starts[group] == 1
                        and single_row(offsets, term_ids, counts, boost,
                                       members[group_starts[group]], k1, out_indices,
                                       out_data, &written)):
                    out_indptr[group + 1] = written
                    continue
                n_touched = 0
                for position in range(group_starts[group], group_starts[group + 1]):
                    article = members[position]
                    start = offsets[article]
                    stop = offsets[article + 1]
                    norm = article_norm(offsets, term_ids, counts, boost, article, k1)
                    for entry in range(start, stop):
                        term = term_ids[entry]
                        tf = <double>counts[entry]
                        accumulator[term] += tf / (tf + k1) * boost[term] / norm
                        if not seen[term]:
                            seen[term] = True
                            touched[n_touched] = term
                            n_touched += 1
                sort_values(touched, n_touched)
                for number in range(n_touched):
                    term = touched[number]
                    out_indices[written] = term
                    out_data[written] = accumulator[term]
                    accumulator[term] = 0.0
                    seen[term] = False
                    written += 1
                out_indptr[group + 1] = written
    finally:
        free(seen)
        free(touched)
        free(accumulator)
    return indptr, indices, data


def weigh_and_keep(int64_t[::1] indptr, int32_t[::1] indices, double[::1] data,
                   const double[::1] idf, const double[::1] full_idf, const uint8_t[::1] shared,
                   const int32_t[::1] column, double[::1] own_share):
    """In place: multiply each row by the IDF, normalize it (terms of IDF 0 do not count),
    keep the shared terms (their columns renumbered) and return how many entries are kept;
    ``indptr`` is updated, and ``own_share`` gets each row's norm over its norm with every
    term weighed by ``full_idf``."""
    cdef int64_t kept = 0, start = indptr[0], stop, entry
    cdef Py_ssize_t row
    cdef int32_t term
    cdef double norm, full, value
    with nogil:
        for row in range(indptr.shape[0] - 1):
            stop = indptr[row + 1]
            norm = 0.0
            full = 0.0
            for entry in range(start, stop):
                value = data[entry] * idf[indices[entry]]
                norm += value * value
                value = data[entry] * full_idf[indices[entry]]
                full += value * value
            own_share[row] = py_min(1.0, sqrt(norm) / py_max(sqrt(full), 1e-12))
            norm = py_max(sqrt(norm), 1e-12)
            for entry in range(start, stop):
                term = indices[entry]
                if shared[term]:
                    data[kept] = data[entry] * idf[term] / norm
                    indices[kept] = column[term]
                    kept += 1
            start = stop
            indptr[row + 1] = kept
    return kept


def term_totals(const int32_t[::1] term_ids, const uint8_t[::1] counts,
                const uint8_t[::1] salient, int64_t n_terms):
    """Each term's occurrences and salient occurrences over all entries, as floats: what
    ``np.bincount(term_ids, weights=...)`` gives (sums of small integers are exact in any
    order), in one pass, without a table of every term per slice of entries."""
    total_array = np.zeros(n_terms, dtype=np.float64)
    marked_array = np.zeros(n_terms, dtype=np.float64)
    cdef double[::1] total = total_array
    cdef double[::1] marked = marked_array
    cdef Py_ssize_t entry
    with nogil:
        for entry in range(term_ids.shape[0]):
            total[term_ids[entry]] += counts[entry]
            marked[term_ids[entry]] += salient[entry]
    return total_array, marked_array
