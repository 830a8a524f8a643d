# _index.terms: the index's term counts (a hash table), strongest terms, shared-term probe.



def count_into(uint64_t[::1] keys, int64_t[::1] counts, uint8_t[::1] filled,
               const uint64_t[::1] terms, const int64_t[::1] change):
    """Add ``change[k]`` to the count of ``terms[k]`` in an open-addressing table (sized a
    power of two, at most half full); return how many slots it newly filled."""
    cdef uint64_t mask = <uint64_t>(keys.shape[0] - 1), term, slot
    cdef int64_t new = 0
    cdef Py_ssize_t index
    with nogil:
        for index in range(terms.shape[0]):
            term = terms[index]
            slot = nd_fmix64(term) & mask
            while filled[slot] and keys[slot] != term:
                slot = (slot + 1) & mask
            if not filled[slot]:
                filled[slot] = True
                keys[slot] = term
                new += 1
            counts[slot] += change[index]
    return new


def counts_of(const uint64_t[::1] keys, const int64_t[::1] counts, const uint8_t[::1] filled,
              const uint64_t[::1] terms):
    """The count of each of ``terms`` in the table (0 when absent)."""
    cdef uint64_t mask = <uint64_t>(keys.shape[0] - 1), term, slot
    cdef Py_ssize_t index
    found = np.zeros(terms.shape[0], dtype=np.int64)
    cdef int64_t[::1] out = found
    with nogil:
        for index in range(terms.shape[0]):
            term = terms[index]
            slot = nd_fmix64(term) & mask
            while filled[slot]:
                if keys[slot] == term:
                    out[index] = counts[slot]
                    break
                slot = (slot + 1) & mask
    return found


def strongest_terms(const int64_t[::1] offsets, const uint64_t[::1] terms,
                    const uint8_t[::1] occurrences, const uint8_t[::1] salient,
                    const int64_t[::1] frequency, double n_articles, int64_t per_article,
                    double k1, double name_boost):
    """The ``per_article`` terms of most weight of each article (see
    ``_stories.weights.strongest_terms``), concatenated in that order, and how many each has."""
    cdef int64_t n = offsets.shape[0] - 1, written = 0, article, size, entry, position, rank
    cdef double tf, share, idf, weight
    cdef double* best_weight = NULL
    cdef int64_t* best_entry = NULL
    counts = np.zeros(n, dtype=np.int64)
    kept = np.empty(imin(terms.shape[0], n * per_article), dtype=np.uint64)
    cdef int64_t[::1] out_counts = counts
    cdef uint64_t[::1] out_kept = kept
    try:
        with nogil:
            best_weight = <double*>checked_malloc(per_article * sizeof(double))
            best_entry = <int64_t*>checked_malloc(per_article * sizeof(int64_t))
            for article in range(n):
                # The best entries so far by decreasing weight; an equal weight keeps the
                # earlier entry first (the article's term order: ascending hashes).
                size = 0
                for entry in range(offsets[article], offsets[article + 1]):
                    tf = <double>occurrences[entry]
                    share = py_min(<double>salient[entry] / py_max(tf, 1.0), 1.0)
                    idf = log((1.0 + n_articles) / (1.0 + <double>frequency[entry])) + 1.0
                    weight = (tf * (k1 + 1.0) / (tf + k1)
                              * (1.0 + name_boost * share) * idf)
                    if size == per_article and weight <= best_weight[size - 1]:
                        continue
                    position = imin(size, per_article - 1)
                    while position > 0 and best_weight[position - 1] < weight:
                        if position < per_article:
                            best_weight[position] = best_weight[position - 1]
                            best_entry[position] = best_entry[position - 1]
                        position -= 1
                    best_weight[position] = weight
                    best_entry[position] = entry
                    size = imin(size + 1, per_article)
                for rank in range(size):
                    out_kept[written] = terms[best_entry[rank]]
                    written += 1
                out_counts[article] = size
    finally:
        free(best_weight)
        free(best_entry)
    return kept[:written], counts


def shared_terms(const int64_t[::1] offsets, const int64_t[::1] base_left,
                 const int64_t[::1] base_right, const int64_t[::1] base,
                 const int64_t[::1] delta_left, const int64_t[::1] delta_right,
                 const int64_t[::1] delta, const uint8_t[::1] alive, const double[::1] times,
                 const double[::1] published, double window, int64_t max_postings,
                 int64_t min_shared, int64_t max_candidates, int64_t[::1] counted,
                 int64_t first_stamp):
    """``StoryTerms.candidates`` over the postings in place (``window < 0``: none); see
    ``_index.terms._shared_terms`` for the stamps kept in ``counted``."""
    cdef int64_t n_queries = offsets.shape[0] - 1, written = 0, query, need, stamp
    cdef int64_t n_reached, term, run, first, last, position, slot, count, number
    cdef int64_t reached_size = 16, n_alive = alive.shape[0], n_keys, n_chosen
    cdef const int64_t* values
    cdef int64_t* reached = NULL
    cdef int64_t* keys = NULL
    cdef int64_t* grown
    pairs = np.empty((n_queries * max_candidates, 2), dtype=np.int64)
    cdef int64_t[:, ::1] out = pairs
    cdef const int64_t* base_values = &base[0] if base.shape[0] else NULL
    cdef const int64_t* delta_values = &delta[0] if delta.shape[0] else NULL
    try:
        with nogil:
            reached = <int64_t*>checked_malloc(reached_size * sizeof(int64_t))
            keys = <int64_t*>checked_malloc(reached_size * sizeof(int64_t))
            for query in range(n_queries):
                need = imin(min_shared, offsets[query + 1] - offsets[query])
                stamp = first_stamp + offsets[query] + query
                n_reached = 0
                for term in range(offsets[query], offsets[query + 1]):
                    if (base_right[term] - base_left[term]
                            + delta_right[term] - delta_left[term]) > max_postings:
                        continue
                    for run in range(2):
                        values = base_values if run == 0 else delta_values
                        first = base_left[term] if run == 0 else delta_left[term]
                        last = base_right[term] if run == 0 else delta_right[term]
                        for position in range(first, last):
                            slot = values[position]
                            count = counted[slot] - stamp if counted[slot] >= stamp else 0
                            counted[slot] = stamp + count + 1
                            if count + 1 != need or not alive[slot]:
                                continue
                            if window >= 0.0 and fabs(times[query] - published[slot]) > window:
                                continue  # a NaN gap compares False: undated is never too far
                            if n_reached == reached_size:
                                reached_size *= 2
                                grown = <int64_t*>realloc(reached, reached_size * sizeof(int64_t))
                                if grown == NULL:
                                    with gil:
                                        raise MemoryError("could not grow the story probe")
                                reached = grown
                                grown = <int64_t*>realloc(keys, reached_size * sizeof(int64_t))
                                if grown == NULL:
                                    with gil:
                                        raise MemoryError("could not grow the story probe")
                                keys = grown
                            reached[n_reached] = slot
                            n_reached += 1
                if n_reached == 0:
                    continue
                # Most shared first, then the newest (largest slot): one key, descending.
                for number in range(n_reached):
                    slot = reached[number]
                    keys[number] = (counted[slot] - stamp) * (n_alive + 1) + slot
                sort_values(keys, n_reached)
                n_chosen = imin(max_candidates, n_reached)
                for number in range(n_chosen):
                    reached[number] = keys[n_reached - 1 - number] % (n_alive + 1)
                sort_values(reached, n_chosen)
                for number in range(n_chosen):
                    out[written, 0] = query
                    out[written, 1] = reached[number]
                    written += 1
    finally:
        free(reached)
        free(keys)
    return pairs[:written].copy()
