# _near_duplicates.repeated: near repeats inside each article, found by the cheaper of two ways.


def near_repeats(const int64_t[::1] article_paragraphs, const int64_t[::1] unique_of,
                 const int64_t[::1] left_offsets, const int64_t[::1] right,
                 const int64_t[::1] match_of, const int64_t[::1] pair_codes):
    """Pairs (occurrence of a match's left unique paragraph, first occurrence of its right
    one in the same article, match number), for every article (see
    ``_near_duplicates.repeated._near_repeats``): per article, every pair of its paragraphs looked
    up among the sorted ``pair_codes``, or the matches of each of its paragraphs scanned, whichever
    reads less."""
    cdef int64_t n_unique = left_offsets.shape[0] - 1, n_codes = pair_codes.shape[0]
    cdef int64_t capacity = 64, written = 0, article, start, stop, worded, scans, paragraph
    cdef int64_t unique, other, partner, code, k, low, high, middle
    cdef int64_t* first_in = NULL
    cdef int64_t* out_left = NULL
    cdef int64_t* out_right = NULL
    cdef int64_t* out_pair = NULL
    try:
        with nogil:
            first_in = <int64_t*>checked_malloc(n_unique * sizeof(int64_t))
            for k in range(n_unique):
                first_in[k] = -1
            out_left = <int64_t*>checked_malloc(capacity * sizeof(int64_t))
            out_right = <int64_t*>checked_malloc(capacity * sizeof(int64_t))
            out_pair = <int64_t*>checked_malloc(capacity * sizeof(int64_t))
            for article in range(article_paragraphs.shape[0] - 1):
                start = article_paragraphs[article]
                stop = article_paragraphs[article + 1]
                worded = 0
                scans = 0
                paragraph = stop - 1
                while paragraph >= start:
                    unique = unique_of[paragraph]
                    if unique >= 0:
                        first_in[unique] = paragraph
                        worded += 1
                        scans += left_offsets[unique + 1] - left_offsets[unique]
                    paragraph -= 1
                if worded >= 2:
                    for paragraph in range(start, stop):
                        unique = unique_of[paragraph]
                        if unique < 0:
                            continue
                        if worded * worded <= scans:
                            for other in range(start, stop):
                                partner = unique_of[other]
                                if partner <= unique or first_in[partner] != other:
                                    continue
                                code = unique * n_unique + partner
                                low = 0
                                high = n_codes
                                while low < high:
                                    middle = (low + high) >> 1
                                    if pair_codes[middle] < code:
                                        low = middle + 1
                                    else:
                                        high = middle
                                k = low
                                if k < n_codes and pair_codes[k] == code:
                                    if written == capacity:
                                        capacity *= 2
                                        out_left = <int64_t*>checked_realloc(
                                            out_left, capacity * sizeof(int64_t))
                                        out_right = <int64_t*>checked_realloc(
                                            out_right, capacity * sizeof(int64_t))
                                        out_pair = <int64_t*>checked_realloc(
                                            out_pair, capacity * sizeof(int64_t))
                                    out_left[written] = paragraph
                                    out_right[written] = other
                                    out_pair[written] = match_of[k]
                                    written += 1
                        else:
                            for k in range(left_offsets[unique], left_offsets[unique + 1]):
                                other = first_in[right[k]]
                                if other < 0:
                                    continue
                                if written == capacity:
                                    capacity *= 2
                                    out_left = <int64_t*>checked_realloc(
                                        out_left, capacity * sizeof(int64_t))
                                    out_right = <int64_t*>checked_realloc(
                                        out_right, capacity * sizeof(int64_t))
                                    out_pair = <int64_t*>checked_realloc(
                                        out_pair, capacity * sizeof(int64_t))
                                out_left[written] = paragraph
                                out_right[written] = other
                                out_pair[written] = match_of[k]
                                written += 1
                for paragraph in range(start, stop):
                    if unique_of[paragraph] >= 0:
                        first_in[unique_of[paragraph]] = -1
        return (copied_array(out_left, written, np.int64),
                copied_array(out_right, written, np.int64),
                copied_array(out_pair, written, np.int64))
    finally:
        free(first_in)
        free(out_left)
        free(out_right)
        free(out_pair)
