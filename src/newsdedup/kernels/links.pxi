# _near_duplicates.links: unions of articles' shingle sets (merges of sorted runs), their
# similarities, and the class pairs to compare (hubs of popular paragraphs).


cdef int64_t merge_union(int64_t article, const int64_t[::1] article_paragraphs,
                         const uint8_t[::1] allowed, const int64_t[::1] shingle_offsets,
                         const hash_t* shingle_values, hash_t* buffers, int64_t longest,
                         int64_t* run_bounds, int64_t run_stride, int* row) noexcept nogil:
    """The sorted distinct shingles of one article's allowed paragraphs, built in buffer
    ``row`` (``buffers + row * longest``); returns their number.

    Each paragraph's set is already sorted, so the union is a bottom-up merge of those runs
    (dropping repeats): a few linear passes instead of a sort.
    """
    cdef int current = 0, target
    cdef int64_t n_runs = 0, size = 0, paragraph, start, stop, merged, n_merged, pair
    cdef int64_t left, left_end, right, right_end, run_start
    cdef hash_t value
    cdef hash_t* source
    cdef hash_t* destination
    cdef int64_t* source_bounds
    cdef int64_t* target_bounds
    run_bounds[0] = 0
    for paragraph in range(article_paragraphs[article], article_paragraphs[article + 1]):
        start = shingle_offsets[paragraph]
        stop = shingle_offsets[paragraph + 1]
        if allowed[paragraph] and stop > start:
            memcpy(buffers + size, shingle_values + start, (stop - start) * sizeof(hash_t))
            size += stop - start
            n_runs += 1
            run_bounds[n_runs] = size
    while n_runs > 1:
        target = 1 - current
        source = buffers + current * longest
        destination = buffers + target * longest
        source_bounds = run_bounds + current * run_stride
        target_bounds = run_bounds + target * run_stride
        merged = 0
        n_merged = 0
        target_bounds[0] = 0
        for pair in range(0, n_runs, 2):
            left = source_bounds[pair]
            left_end = source_bounds[pair + 1]
            right = left_end
            right_end = left_end
            if pair + 1 < n_runs:
                right_end = source_bounds[pair + 2]
            while left < left_end or right < right_end:
                if right >= right_end or (left < left_end and source[left] <= source[right]):
                    value = source[left]
                    left += 1
                else:
                    value = source[right]
                    right += 1
                run_start = target_bounds[n_merged]
                if merged == run_start or destination[merged - 1] != value:
                    destination[merged] = value
                    merged += 1
            n_merged += 1
            target_bounds[n_merged] = merged
        current = target
        n_runs = n_merged
        size = merged
    row[0] = current
    return size


cdef void union_scratch(const int64_t[::1] article_paragraphs, const uint8_t[::1] allowed,
                        const int64_t[::1] shingle_offsets, int64_t* longest,
                        int64_t* most_paragraphs) noexcept nogil:
    """The largest union input (allowed shingles) and paragraph count of one article."""
    cdef int64_t article, paragraph, size
    longest[0] = 0
    most_paragraphs[0] = 0
    for article in range(article_paragraphs.shape[0] - 1):
        most_paragraphs[0] = imax(most_paragraphs[0],
                                  article_paragraphs[article + 1] - article_paragraphs[article])
        size = 0
        for paragraph in range(article_paragraphs[article], article_paragraphs[article + 1]):
            if allowed[paragraph]:
                size += shingle_offsets[paragraph + 1] - shingle_offsets[paragraph]
        longest[0] = imax(longest[0], size)


def union_kernel(const int64_t[::1] article_paragraphs, const uint8_t[::1] allowed,
                 const uint8_t[::1] chosen, const int64_t[::1] shingle_offsets,
                 const hash_t[::1] shingle_values, bint keep):
    """Sorted distinct shingles of the allowed paragraphs of each chosen article (CSR; the
    others are empty); with ``keep`` False only the offsets (the sizes) are computed."""
    cdef int64_t n_articles = article_paragraphs.shape[0] - 1
    cdef int64_t capacity = 0, article, paragraph, longest, most_paragraphs, written = 0, size
    cdef int row
    with nogil:
        for article in range(n_articles):
            if chosen[article]:
                for paragraph in range(article_paragraphs[article],
                                       article_paragraphs[article + 1]):
                    if allowed[paragraph]:
                        capacity += shingle_offsets[paragraph + 1] - shingle_offsets[paragraph]
        union_scratch(article_paragraphs, allowed, shingle_offsets, &longest, &most_paragraphs)
    dtype = np.uint32 if hash_t is uint32_t else np.uint64
    values = np.empty(capacity if keep else 0, dtype=dtype)
    offsets = np.zeros(n_articles + 1, dtype=np.int64)
    cdef hash_t[::1] out = values
    cdef int64_t[::1] out_offsets = offsets
    cdef const hash_t* source = &shingle_values[0] if shingle_values.shape[0] else NULL
    cdef hash_t* buffers = NULL
    cdef int64_t* run_bounds = NULL
    try:
        with nogil:
            buffers = <hash_t*>checked_malloc(2 * longest * sizeof(hash_t))
            run_bounds = <int64_t*>checked_malloc(2 * (most_paragraphs + 2) * sizeof(int64_t))
            for article in range(n_articles):
                if chosen[article]:
                    size = merge_union(article, article_paragraphs, allowed, shingle_offsets,
                                       source, buffers, longest, run_bounds,
                                       most_paragraphs + 2, &row)
                    if keep and size:
                        memcpy(&out[written], buffers + row * longest, size * sizeof(hash_t))
                    written += size
                out_offsets[article + 1] = written
    finally:
        free(buffers)
        free(run_bounds)
    # A view, not a copy: the few repeats dropped are not worth a second large allocation.
    return offsets, values[:written] if keep else values


def link_similarity_kernel(const int64_t[::1] article_paragraphs, const uint8_t[::1] allowed,
                           const int64_t[::1] shingle_offsets, const hash_t[::1] shingle_values,
                           const int64_t[::1] a, const int64_t[::1] b):
    """Intersection and union sizes of the allowed shingles of articles ``a[k]`` and
    ``b[k]``, each union built when needed and dropped (``a`` ascending: one per ``a``)."""
    cdef int64_t longest, most_paragraphs, previous = -1, left_count = 0, right_count
    cdef int left_row = 0, right_row
    cdef Py_ssize_t pair, n_pairs = a.shape[0]
    intersection = np.zeros(n_pairs, dtype=np.int64)
    left_size = np.zeros(n_pairs, dtype=np.int64)
    right_size = np.zeros(n_pairs, dtype=np.int64)
    cdef int64_t[::1] out_intersection = intersection
    cdef int64_t[::1] out_left = left_size
    cdef int64_t[::1] out_right = right_size
    cdef const hash_t* source = &shingle_values[0] if shingle_values.shape[0] else NULL
    cdef hash_t* left_buffers = NULL
    cdef hash_t* right_buffers = NULL
    cdef int64_t* run_bounds = NULL
    try:
        with nogil:
            union_scratch(article_paragraphs, allowed, shingle_offsets, &longest,
                          &most_paragraphs)
            left_buffers = <hash_t*>checked_malloc(2 * longest * sizeof(hash_t))
            right_buffers = <hash_t*>checked_malloc(2 * longest * sizeof(hash_t))
            run_bounds = <int64_t*>checked_malloc(2 * (most_paragraphs + 2) * sizeof(int64_t))
            for pair in range(n_pairs):
                if a[pair] != previous:
                    left_count = merge_union(a[pair], article_paragraphs, allowed,
                                             shingle_offsets, source, left_buffers, longest,
                                             run_bounds, most_paragraphs + 2, &left_row)
                    previous = a[pair]
                right_count = merge_union(b[pair], article_paragraphs, allowed, shingle_offsets,
                                          source, right_buffers, longest, run_bounds,
                                          most_paragraphs + 2, &right_row)
                out_intersection[pair] = shared_count(
                    left_buffers + left_row * longest, 0, left_count,
                    right_buffers + right_row * longest, 0, right_count)
                out_left[pair] = left_count
                out_right[pair] = right_count
    finally:
        free(left_buffers)
        free(right_buffers)
        free(run_bounds)
    return intersection, left_size, right_size


def popular_hubs(const int64_t[::1] popular, const int64_t[::1] carrier_offsets,
                 const int64_t[::1] carriers, const int64_t[::1] content,
                 const int64_t[::1] period, const int64_t[::1] rank, int64_t steps,
                 int64_t n_hubs):
    """The ``n_hubs`` best carriers of each popular unique paragraph (CSR over ``popular``),
    best by the canonical rule's order: period, completeness relative to the paragraph's most
    complete carrier in ``steps`` steps, then ``rank``."""
    cdef Py_ssize_t n_popular = popular.shape[0]
    cdef int64_t n_classes = content.shape[0], written = 0, number, start, stop, largest
    cdef int64_t position, carrier, step, key, size, place
    offsets = np.zeros(n_popular + 1, dtype=np.int64)
    hubs = np.empty(n_popular * n_hubs, dtype=np.int64)
    cdef int64_t[::1] out_offsets = offsets
    cdef int64_t[::1] out = hubs
    cdef int64_t* best_key = NULL
    cdef int64_t* best_carrier = NULL
    try:
        with nogil:
            best_key = <int64_t*>checked_malloc((n_hubs + 1) * sizeof(int64_t))
            best_carrier = <int64_t*>checked_malloc((n_hubs + 1) * sizeof(int64_t))
            for number in range(n_popular):
                start = carrier_offsets[popular[number]]
                stop = carrier_offsets[popular[number] + 1]
                largest = 1
                for position in range(start, stop):
                    largest = imax(largest, content[carriers[position]])
                # The n_hubs smallest keys, ascending (an earlier carrier first on a tie, as
                # a stable sort gives; ranks are distinct, so keys do not tie).
                size = 0
                for position in range(start, stop):
                    carrier = carriers[position]
                    step = imin(steps - 1, (content[carrier] * steps) // largest)
                    key = (period[carrier] * steps + (steps - 1 - step)) * n_classes + rank[carrier]
                    if size == n_hubs and key >= best_key[size - 1]:
                        continue
                    place = size if size < n_hubs else n_hubs - 1
                    while place > 0 and best_key[place - 1] > key:
                        best_key[place] = best_key[place - 1]
                        best_carrier[place] = best_carrier[place - 1]
                        place -= 1
                    best_key[place] = key
                    best_carrier[place] = carrier
                    if size < n_hubs:
                        size += 1
                for position in range(size):
                    out[written] = best_carrier[position]
                    written += 1
                out_offsets[number + 1] = written
    finally:
        free(best_key)
        free(best_carrier)
    return offsets, hubs[:written]


def candidate_pass(const int64_t[::1] carrier_offsets, const int64_t[::1] carriers,
                   const int64_t[::1] hub_row, const int64_t[::1] hub_offsets,
                   const int64_t[::1] hubs, const int64_t[::1] partner_offsets,
                   const int64_t[::1] partner, int64_t n_classes, int64_t[::1] out, bint write):
    """One pass of ``_near_duplicates.links._candidate_codes``: the number of class pair codes,
    written to ``out`` when ``write``."""
    cdef int64_t written = 0, unique, side, other, first_start, first_stop, second_start
    cdef int64_t second_stop, i, j, h, this, that, that_start, that_stop, hub_start, hub_stop
    cdef int turn
    cdef int64_t* target = &out[0] if out.shape[0] else NULL
    with nogil:
        for unique in range(carrier_offsets.shape[0] - 1):
            for side in range(-1, partner_offsets[unique + 1] - partner_offsets[unique]):
                # side -1: the unique paragraph with itself; else its side-th partner.
                other = unique if side < 0 else partner[partner_offsets[unique] + side]
                if other < unique:
                    continue
                # Each side's "hubs": all its carriers, or the hubs of a popular paragraph.
                first_start = carrier_offsets[unique]
                first_stop = carrier_offsets[unique + 1]
                second_start = carrier_offsets[other]
                second_stop = carrier_offsets[other + 1]
                if hub_row[unique] < 0 and hub_row[other] < 0:
                    for i in range(first_start, first_stop):
                        for j in range(i + 1 if other == unique else second_start, second_stop):
                            if carriers[i] != carriers[j]:
                                if write:
                                    target[written] = pair_code(carriers[i], carriers[j],
                                                                n_classes)
                                written += 1
                    continue
                # A popular side takes part through its hubs only, paired with every carrier
                # of the other side (a small side's carriers are paired with the popular
                # side's hubs, never with all its carriers: that is what would be quadratic).
                for turn in range(2):
                    if turn == 0:
                        this, that = unique, other
                        that_start, that_stop = second_start, second_stop
                    else:
                        this, that = other, unique
                        that_start, that_stop = first_start, first_stop
                    if hub_row[this] < 0:
                        continue
                    hub_start = hub_offsets[hub_row[this]]
                    hub_stop = hub_offsets[hub_row[this] + 1]
                    for h in range(hub_start, hub_stop):
                        for j in range(that_start, that_stop):
                            if hubs[h] != carriers[j]:
                                if write:
                                    target[written] = pair_code(hubs[h], carriers[j], n_classes)
                                written += 1
                    if that == this:
                        break
    return written


cdef inline int64_t count_missing(const uint32_t* words, int64_t first, int64_t first_end,
                                  const uint32_t* sorted_words, int64_t start, int64_t stop,
                                  const uint32_t* kinds, int64_t n_kinds,
                                  int64_t* missing_kinds) noexcept nogil:
    """How many values of ``words[first:first_end]`` are not in the ascending run
    ``sorted_words[start:stop]`` (a binary search each, ``lower_bound_u32``: a line names a
    few words, an article holds hundreds); how many of those missing are among the
    ascending ``kinds[:n_kinds]`` goes to ``missing_kinds``."""
    cdef int64_t at, missing = 0
    missing_kinds[0] = 0
    while first < first_end:
        at = lower_bound_u32(sorted_words + start, stop - start, words[first])
        if at == stop - start or sorted_words[start + at] != words[first]:
            missing += 1
            if n_kinds:
                at = lower_bound_u32(kinds, n_kinds, words[first])
                if at < n_kinds and kinds[at] == words[first]:
                    missing_kinds[0] += 1
        first += 1
    return missing


def edited_line_names(const int64_t[::1] article_paragraphs, const uint8_t[::1] text_line,
                      const uint8_t[::1] allowed, const int64_t[::1] shingle_offsets,
                      const hash_t[::1] shingle_values, const int64_t[::1] name_offsets,
                      const uint32_t[::1] names, const int64_t[::1] term_offsets,
                      const uint32_t[::1] terms, const int64_t[::1] inner,
                      const int64_t[::1] outer, double share, int64_t most_new,
                      double name_share, const uint32_t[::1] days):
    """For each pair ``(inner[k], outer[k])``, whether no text line of ``inner`` (marked in
    ``text_line``) that is an edited line of ``outer`` names more than ``most_new`` words
    ``outer``'s terms lack *and* ``name_share`` of its names or more, or names one of
    ``days`` (ascending: the weekdays' hashes) that ``outer`` lacks (an edit may correct a
    figure, not move the event to another day). An edited line holds at least ``share`` of
    its shingles, but not all, in one of ``outer``'s ``allowed`` paragraphs (see
    ``_near_duplicates.links._names_kept``)."""
    cdef Py_ssize_t pair, n_pairs = inner.shape[0]
    kept = np.ones(n_pairs, dtype=np.uint8)
    cdef uint8_t[::1] out = kept
    if n_pairs == 0 or shingle_values.shape[0] == 0 or names.shape[0] == 0:
        return kept.view(np.bool_)
    cdef const hash_t* values = &shingle_values[0]
    cdef const uint32_t* name_data = &names[0]
    cdef const uint32_t* term_data = &terms[0] if terms.shape[0] else NULL
    cdef const uint32_t* day_data = &days[0] if days.shape[0] else NULL
    cdef int64_t n_days = days.shape[0] if day_data != NULL else 0
    cdef int64_t line, paragraph, size, best, found, a, b, missing, n_names, new_days
    with nogil:
        for pair in range(n_pairs):
            a = inner[pair]
            b = outer[pair]
            for line in range(article_paragraphs[a], article_paragraphs[a + 1]):
                n_names = name_offsets[line + 1] - name_offsets[line]
                if not text_line[line] or n_names == 0:
                    continue
                new_days = 0
                if term_data == NULL:
                    missing = n_names
                else:
                    missing = count_missing(name_data, name_offsets[line],
                                            name_offsets[line + 1], term_data,
                                            term_offsets[b], term_offsets[b + 1], day_data,
                                            n_days, &new_days)
                if new_days == 0 and (missing <= most_new
                                      or missing < name_share * n_names):
                    continue
                size = shingle_offsets[line + 1] - shingle_offsets[line]
                best = 0
                for paragraph in range(article_paragraphs[b], article_paragraphs[b + 1]):
                    if allowed[paragraph]:
                        found = shared_count(values, shingle_offsets[line],
                                             shingle_offsets[line + 1], values,
                                             shingle_offsets[paragraph],
                                             shingle_offsets[paragraph + 1])
                        if found > best:
                            best = found
                if best >= share * size and best < size:
                    out[pair] = 0
                    break
    return kept.view(np.bool_)


def lines_within(const int64_t[::1] article_paragraphs, const uint8_t[::1] text_line,
                 const int64_t[::1] shingle_offsets, const hash_t[::1] shingle_values,
                 const int64_t[::1] text_offsets, const hash_t[::1] text_values,
                 const int64_t[::1] inner, const int64_t[::1] outer, double share):
    """For each pair ``(inner[k], outer[k])``, whether every text line of ``inner`` (marked
    in ``text_line``) has at least ``share`` of its shingles in ``outer``'s text (its sorted
    shingle set, row ``outer[k]`` of ``text_offsets``/``text_values``; see
    ``_near_duplicates.links._edits_within``)."""
    cdef Py_ssize_t pair, n_pairs = inner.shape[0]
    kept = np.ones(n_pairs, dtype=np.uint8)
    cdef uint8_t[::1] out = kept
    if n_pairs == 0 or shingle_values.shape[0] == 0:
        return kept.view(np.bool_)
    cdef const hash_t* values = &shingle_values[0]
    cdef const hash_t* text = &text_values[0] if text_values.shape[0] else NULL
    cdef int64_t line, a, b, size, found
    with nogil:
        for pair in range(n_pairs):
            a = inner[pair]
            b = outer[pair]
            for line in range(article_paragraphs[a], article_paragraphs[a + 1]):
                if not text_line[line]:
                    continue
                size = shingle_offsets[line + 1] - shingle_offsets[line]
                if text == NULL or text_offsets[b] >= text_offsets[b + 1] or size == 0:
                    found = 0
                else:
                    found = shared_count(values, shingle_offsets[line],
                                         shingle_offsets[line + 1], text, text_offsets[b],
                                         text_offsets[b + 1])
                if found < share * size:
                    out[pair] = 0
                    break
    return kept.view(np.bool_)


def unwrapped_containment_kernel(const int64_t[::1] offsets, const int64_t[::1] mine,
                                 const int64_t[::1] article_paragraphs,
                                 const uint8_t[::1] allowed, const int64_t[::1] token_counts,
                                 const int64_t[::1] shingle_offsets,
                                 const hash_t[::1] shingle_values,
                                 const int64_t[::1] text_offsets,
                                 const hash_t[::1] text_values, const int64_t[::1] inner,
                                 const int64_t[::1] outer, const double[::1] contained,
                                 const int64_t[::1] intersection, int64_t wrapper_tokens,
                                 int64_t wrapper_shared, double wrapper_share):
    """For each pair ``k`` (``inner[k]`` in ``outer[k]``, the paragraphs of ``inner`` it
    shares in ``mine[offsets[k]:offsets[k + 1]]``, ascending), its containment without the
    wrapper lines (see ``_near_duplicates.links._unwrapped_containment``): the content
    paragraphs before the first and after the last shared one, each of at most
    ``wrapper_tokens`` tokens and sharing at most ``wrapper_shared`` shingles with
    ``outer``'s text (row ``outer[k]`` of ``text_offsets``/``text_values``), together at most
    ``wrapper_share`` of ``inner``'s shingles, leave the containment; else ``contained[k]``."""
    cdef Py_ssize_t pair, n_pairs = inner.shape[0]
    result = np.array(contained, dtype=np.float64, copy=True)
    cdef double[::1] out = result
    if n_pairs == 0 or shingle_values.shape[0] == 0:
        return result
    cdef const hash_t* values = &shingle_values[0]
    cdef const hash_t* text = &text_values[0] if text_values.shape[0] else NULL
    cdef int64_t a, b, start, stop, low, high, p, total, wrapper, size, shared
    cdef bint wrapped
    cdef double unwrapped
    with nogil:
        for pair in range(n_pairs):
            if offsets[pair] >= offsets[pair + 1]:
                continue
            a = inner[pair]
            b = outer[pair]
            start = article_paragraphs[a]
            stop = article_paragraphs[a + 1]
            low = mine[offsets[pair]]
            high = mine[offsets[pair + 1] - 1]
            total = 0
            wrapper = 0
            wrapped = True
            for p in range(start, stop):
                size = shingle_offsets[p + 1] - shingle_offsets[p] if allowed[p] else 0
                total += size
                if (p >= low and p <= high) or not allowed[p]:
                    continue
                if token_counts[p] > wrapper_tokens:
                    wrapped = False
                    break
                if text != NULL and text_offsets[b] < text_offsets[b + 1] and size > 0:
                    shared = shared_count(values, shingle_offsets[p], shingle_offsets[p + 1],
                                          text, text_offsets[b], text_offsets[b + 1])
                    if shared > wrapper_shared:
                        wrapped = False
                        break
                wrapper += size
            if not wrapped or wrapper > wrapper_share * total or wrapper >= total:
                continue
            unwrapped = <double>intersection[pair] / <double>(total - wrapper)
            if unwrapped > 1.0:
                unwrapped = 1.0
            if unwrapped > out[pair]:
                out[pair] = unwrapped
    return result
