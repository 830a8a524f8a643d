# _near_duplicates.shared: the shared paragraphs of article pairs (each paragraph's counterpart).


cdef void index_occurrences(const int64_t[::1] article_paragraphs, const int64_t[::1] unique_of,
                            const uint8_t[::1] content, int64_t article, int64_t* start,
                            int64_t* count, int64_t* placed, int64_t* listed) noexcept nogil:
    """Fill ``listed`` with the article's content paragraphs grouped by unique paragraph, in
    order within a group: unique ``u``'s occurrences are ``listed[start[u]:start[u] +
    count[u]]``. ``start`` must be -1 and ``count``, ``placed`` 0 for its uniques on entry
    (``placed`` is left so; see :func:`reset_occurrences` for the others)."""
    cdef int64_t first = article_paragraphs[article], stop = article_paragraphs[article + 1]
    cdef int64_t paragraph, unique, filled = 0
    for paragraph in range(first, stop):
        if content[paragraph] and unique_of[paragraph] >= 0:
            count[unique_of[paragraph]] += 1
    for paragraph in range(first, stop):
        unique = unique_of[paragraph]
        if content[paragraph] and unique >= 0 and start[unique] < 0:
            start[unique] = filled
            filled += count[unique]
    for paragraph in range(first, stop):
        unique = unique_of[paragraph]
        if content[paragraph] and unique >= 0:
            listed[start[unique] + placed[unique]] = paragraph
            placed[unique] += 1
    for paragraph in range(first, stop):
        if unique_of[paragraph] >= 0:
            placed[unique_of[paragraph]] = 0


cdef void reset_occurrences(const int64_t[::1] article_paragraphs, const int64_t[::1] unique_of,
                            int64_t article, int64_t* start, int64_t* count) noexcept nogil:
    """Undo :func:`index_occurrences` for ``article``."""
    cdef int64_t paragraph, unique
    for paragraph in range(article_paragraphs[article], article_paragraphs[article + 1]):
        unique = unique_of[paragraph]
        if unique >= 0:
            start[unique] = -1
            count[unique] = 0


cdef int64_t counterparts(const int64_t[::1] article_paragraphs, const int64_t[::1] unique_of,
                          const uint8_t[::1] content, const int64_t[::1] partner_offsets,
                          const int64_t[::1] partner, const double[::1] jaccard, int64_t mine,
                          int64_t* seen, const int64_t* other_start, const int64_t* other_count,
                          const int64_t* other_listed, int64_t* out_mine, int64_t* out_theirs,
                          double* out_similarity, int64_t written) noexcept nogil:
    """Append each content paragraph of ``mine`` with its counterpart in the other article
    (indexed by :func:`index_occurrences`); ``seen`` counts occurrences and is reset."""
    cdef int64_t paragraph, unique, rank, best, k, other, found
    cdef double best_similarity
    for paragraph in range(article_paragraphs[mine], article_paragraphs[mine + 1]):
        unique = unique_of[paragraph]
        if not content[paragraph] or unique < 0:
            continue
        rank = seen[unique]
        seen[unique] += 1
        best = -1
        best_similarity = -1.0
        if other_count[unique] > 0:
            best = other_listed[other_start[unique] + imin(rank, other_count[unique] - 1)]
            best_similarity = 1.0
        else:
            for k in range(partner_offsets[unique], partner_offsets[unique + 1]):
                other = partner[k]
                if other_count[other] > 0:
                    found = other_listed[other_start[other] + imin(rank, other_count[other] - 1)]
                    if jaccard[k] > best_similarity or (jaccard[k] == best_similarity
                                                        and found < best):
                        best = found
                        best_similarity = jaccard[k]
        if best >= 0:
            out_mine[written] = paragraph
            out_theirs[written] = best
            out_similarity[written] = best_similarity
            written += 1
    for paragraph in range(article_paragraphs[mine], article_paragraphs[mine + 1]):
        if unique_of[paragraph] >= 0:
            seen[unique_of[paragraph]] = 0
    return written


def shared_kernel(const int64_t[::1] article_paragraphs, const int64_t[::1] unique_of,
                  const uint8_t[::1] content, const int64_t[::1] partner_offsets,
                  const int64_t[::1] partner, const double[::1] jaccard,
                  const int64_t[::1] first, const int64_t[::1] second):
    """See ``_near_duplicates.shared.shared_paragraphs``."""
    cdef int64_t n_unique = partner_offsets.shape[0] - 1, n_pairs = first.shape[0]
    cdef int64_t capacity = 0, longest = 0, size, pair, a, b, found, written = 0, k
    cdef int64_t previous_a, previous_b, position, stride
    cdef int64_t* start_a = NULL
    cdef int64_t* start_b = NULL
    cdef int64_t* count_a = NULL
    cdef int64_t* count_b = NULL
    cdef int64_t* seen = NULL
    cdef int64_t* listed_a = NULL
    cdef int64_t* listed_b = NULL
    cdef int64_t* scratch_a = NULL
    cdef int64_t* scratch_b = NULL
    cdef double* scratch_similarity = NULL
    cdef KeyIndex* order = NULL
    with nogil:
        for pair in range(n_pairs):
            size = (article_paragraphs[first[pair] + 1] - article_paragraphs[first[pair]]
                    + article_paragraphs[second[pair] + 1] - article_paragraphs[second[pair]])
            capacity += size
            longest = imax(longest, size)
    offsets = np.zeros(n_pairs + 1, dtype=np.int64)
    paragraphs_a = np.empty(capacity, dtype=np.int64)
    paragraphs_b = np.empty(capacity, dtype=np.int64)
    similarity = np.empty(capacity, dtype=np.float64)
    cdef int64_t[::1] out_offsets = offsets
    cdef int64_t[::1] out_a = paragraphs_a
    cdef int64_t[::1] out_b = paragraphs_b
    cdef double[::1] out_similarity = similarity
    try:
        with nogil:
            start_a = <int64_t*>checked_malloc(n_unique * sizeof(int64_t))
            start_b = <int64_t*>checked_malloc(n_unique * sizeof(int64_t))
            count_a = <int64_t*>checked_malloc(n_unique * sizeof(int64_t))
            count_b = <int64_t*>checked_malloc(n_unique * sizeof(int64_t))
            seen = <int64_t*>checked_malloc(n_unique * sizeof(int64_t))
            for k in range(n_unique):
                start_a[k] = -1
                start_b[k] = -1
                count_a[k] = 0
                count_b[k] = 0
                seen[k] = 0  # occurrences counted; also the "placed" scratch
            listed_a = <int64_t*>checked_malloc(longest * sizeof(int64_t))
            listed_b = <int64_t*>checked_malloc(longest * sizeof(int64_t))
            scratch_a = <int64_t*>checked_malloc(longest * sizeof(int64_t))
            scratch_b = <int64_t*>checked_malloc(longest * sizeof(int64_t))
            scratch_similarity = <double*>checked_malloc(longest * sizeof(double))
            order = <KeyIndex*>checked_malloc(longest * sizeof(KeyIndex))
            stride = article_paragraphs[article_paragraphs.shape[0] - 1] + 1
            for pair in range(n_pairs):
                a = first[pair]
                b = second[pair]
                index_occurrences(article_paragraphs, unique_of, content, a, start_a, count_a,
                                  seen, listed_a)
                index_occurrences(article_paragraphs, unique_of, content, b, start_b, count_b,
                                  seen, listed_b)
                found = counterparts(article_paragraphs, unique_of, content, partner_offsets,
                                     partner, jaccard, a, seen, start_b, count_b, listed_b,
                                     scratch_a, scratch_b, scratch_similarity, 0)
                found = counterparts(article_paragraphs, unique_of, content, partner_offsets,
                                     partner, jaccard, b, seen, start_a, count_a, listed_a,
                                     scratch_b, scratch_a, scratch_similarity, found)
                reset_occurrences(article_paragraphs, unique_of, a, start_a, count_a)
                reset_occurrences(article_paragraphs, unique_of, b, start_b, count_b)
                # Sorted by (paragraph in a, paragraph in b), each pair once.
                for k in range(found):
                    order[k].key = scratch_a[k] * stride + scratch_b[k]
                    order[k].index = k
                qsort(order, found, sizeof(KeyIndex), compare_key_index)
                previous_a = -1
                previous_b = -1
                for position in range(found):
                    k = order[position].index
                    if scratch_a[k] == previous_a and scratch_b[k] == previous_b:
                        continue
                    previous_a = scratch_a[k]
                    previous_b = scratch_b[k]
                    out_a[written] = scratch_a[k]
                    out_b[written] = scratch_b[k]
                    out_similarity[written] = scratch_similarity[k]
                    written += 1
                out_offsets[pair + 1] = written
    finally:
        free(start_a)
        free(start_b)
        free(count_a)
        free(count_b)
        free(seen)
        free(listed_a)
        free(listed_b)
        free(scratch_a)
        free(scratch_b)
        free(scratch_similarity)
        free(order)
    return offsets, paragraphs_a[:written], paragraphs_b[:written], similarity[:written]
