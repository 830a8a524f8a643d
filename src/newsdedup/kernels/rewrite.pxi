# _stories.rewrite: character n-gram vectors of paragraphs, and the paragraph pairs of article
# pairs whose vectors are close.


# How many n-grams ahead the n-gram kernels ask for a column's counts (tables of 16-32 MB:
# each access a cache miss without it).
cdef enum:
    PREFETCH_AHEAD = 16
    # An entry of the n-gram rows is one uint32: its column in the low ENTRY_COLUMN_BITS
    # bits (tables of at most 2**22 columns), its count in the high ones, or ENTRY_ESCAPED
    # for a count that large or larger, then kept in the escape table (the entries'
    # positions, ascending, and their counts). Four bytes per character of text: the rows
    # of the synthetic 100k's rewrite step (176M entries) take 0.7 GB instead of 2.1 GB as
    # a column, a count and the count of the column in the article's whole text (int32s).
    ENTRY_COLUMN_BITS = 22
    ENTRY_COLUMN_MASK = (1 << 22) - 1
    ENTRY_ESCAPED = 1023


cdef inline const int64_t* data_of(const int64_t[::1] values) noexcept nogil:
    """The first value's address (NULL for an empty array, never read)."""
    return NULL if values.shape[0] == 0 else &values[0]


cdef inline int64_t entry_count(uint32_t value, int64_t position,
                                const int64_t* escaped_positions,
                                const int64_t* escaped_counts, int64_t n_escaped
                                ) noexcept nogil:
    """The count of entry ``value`` at ``position``: its high bits, or its count in the
    escape table (a binary search of its position; counts of ``ENTRY_ESCAPED`` or more are
    rare: a paragraph repeating one n-gram a thousand times)."""
    cdef int64_t count = value >> ENTRY_COLUMN_BITS
    cdef int64_t low = 0, high = n_escaped - 1, middle
    if count != ENTRY_ESCAPED:
        return count
    while low < high:
        middle = (low + high) >> 1
        if escaped_positions[middle] < position:
            low = middle + 1
        else:
            high = middle
    return escaped_counts[low]


def ngram_counts(const uint32_t[::1] points, const int64_t[::1] starts, uint64_t prime,
                 const int8_t[::1] ngrams, int32_t[::1] frequency):
    """The character n-grams of pieces of text (piece ``k`` is
    ``points[starts[k]:starts[k + 1]]``, its n-grams ``ngrams[k]`` code points long, at
    least 1) as CSR rows of distinct columns, ascending, each
    entry holding its column and its count (``ENTRY_COLUMN_BITS``; counts of
    ``ENTRY_ESCAPED`` or more in the escape table); each row's columns are also counted in
    ``frequency`` (one per piece: the document frequency, added to what it holds). Returns
    the CSR offsets, the entries, and the escape table's positions and counts.

    An n-gram is the polynomial hash of its code points (Horner, times ``prime``; a piece
    shorter than an n-gram is one n-gram, the sum of its code points, none if empty), mixed
    (``fmix64``) into ``frequency.shape[0]`` columns (a power of two, 4,096 to 2**22). A
    piece's columns are listed in order from a three-level bit set (a bit per column, per 64
    columns and per 4,096 columns), not sorted; a column's count in the piece is asked for
    ``PREFETCH_AHEAD`` n-grams before it is read (a table of 16 MB: each access a cache miss
    without), and so is its document frequency, counted at the column's first n-gram in the
    piece. Tables are zeroed by the system page by page as they are touched, so a few short
    pieces (an index query) cost little."""
    cdef Py_ssize_t n_pieces = starts.shape[0] - 1
    cdef int64_t buckets = frequency.shape[0]
    cdef int64_t piece, position, start, stop, size, k, total = 0, written = 0, most = 1
    cdef int64_t ngram
    cdef int64_t mask = buckets - 1, n_words = buckets >> 6, n_summary = buckets >> 12
    cdef int64_t n_top = (n_summary + 63) >> 6, top_index
    cdef int64_t word_index, summary_index, n_columns, ahead, count
    cdef int64_t n_escaped = 0, escaped_capacity = 16
    cdef uint64_t value, word, summary_word, top_word
    cdef uint64_t prime_square = prime * prime, prime_cube = prime * prime * prime
    cdef int32_t bucket
    if buckets > (1 << ENTRY_COLUMN_BITS):
        raise ValueError(f"at most {1 << ENTRY_COLUMN_BITS} columns, got {buckets}")
    if ngrams.shape[0] != n_pieces:
        raise ValueError(f"{n_pieces} pieces, {ngrams.shape[0]} n-gram lengths")
    for piece in range(n_pieces):
        size = starts[piece + 1] - starts[piece]
        ngram = ngrams[piece]
        if ngram < 1:
            raise ValueError(f"piece {piece}: n-grams of {ngram} code points")
        total += size - ngram + 1 if size >= ngram else (1 if size > 0 else 0)
        most = imax(most, size)
    indptr = np.zeros(n_pieces + 1, dtype=np.int64)
    entries = np.empty(total, dtype=np.uint32)
    cdef int64_t[::1] out_indptr = indptr
    cdef uint32_t[::1] out_entries = entries
    cdef int32_t* table = NULL
    cdef int32_t* columns = NULL
    cdef uint64_t* bits = NULL
    cdef uint64_t* summary = NULL
    cdef uint64_t* top = NULL
    cdef int64_t* escaped_positions = NULL
    cdef int64_t* escaped_counts = NULL
    try:
        with nogil:
            table = <int32_t*>checked_calloc(buckets, sizeof(int32_t))
            columns = <int32_t*>checked_malloc(most * sizeof(int32_t))
            bits = <uint64_t*>checked_calloc(n_words, sizeof(uint64_t))
            summary = <uint64_t*>checked_calloc(n_summary, sizeof(uint64_t))
            top = <uint64_t*>checked_calloc(n_top, sizeof(uint64_t))
            escaped_positions = <int64_t*>checked_malloc(escaped_capacity * sizeof(int64_t))
            escaped_counts = <int64_t*>checked_malloc(escaped_capacity * sizeof(int64_t))
            for piece in range(n_pieces):
                start = starts[piece]
                stop = starts[piece + 1]
                ngram = ngrams[piece]
                # The piece's n-gram columns first (no table access), then their counts.
                n_columns = 0
                if ngram == 4 and stop - start >= 4:
                    # Horner's sum written out (the same value modulo 2**64): three
                    # independent products instead of a chain of four.
                    for position in range(start, stop - 3):
                        value = (points[position] * prime_cube
                                 + points[position + 1] * prime_square
                                 + points[position + 2] * prime + points[position + 3])
                        columns[n_columns] = <int32_t>(nd_fmix64(value) & <uint64_t>mask)
                        n_columns += 1
                elif stop - start >= ngram:
                    for position in range(start, stop - ngram + 1):
                        value = 0
                        for k in range(ngram):
                            value = value * prime + points[position + k]
                        columns[n_columns] = <int32_t>(nd_fmix64(value) & <uint64_t>mask)
                        n_columns += 1
                elif stop > start:
                    value = 0
                    for position in range(start, stop):
                        value += points[position]
                    columns[0] = <int32_t>(nd_fmix64(value) & <uint64_t>mask)
                    n_columns = 1
                for k in range(imin(n_columns, PREFETCH_AHEAD)):
                    nd_prefetch(&table[columns[k]])
                    nd_prefetch(&frequency[columns[k]])
                for k in range(n_columns):
                    ahead = k + PREFETCH_AHEAD
                    if ahead < n_columns:
                        nd_prefetch(&table[columns[ahead]])
                        nd_prefetch(&frequency[columns[ahead]])
                    bucket = columns[k]
                    if table[bucket] == 0:
                        # A column's first n-gram in the piece: its document frequency.
                        bits[bucket >> 6] |= (<uint64_t>1) << (bucket & 63)
                        summary[bucket >> 12] |= (<uint64_t>1) << ((bucket >> 6) & 63)
                        top[bucket >> 18] |= (<uint64_t>1) << ((bucket >> 12) & 63)
                        frequency[bucket] += 1
                    table[bucket] += 1
                # The piece's columns in ascending order, each with its count; the bit sets
                # and counts are left cleared for the next piece. A third level (a bit per
                # 4,096 columns) spares reading the 1,024 words of the second for each piece
                # (a chunk of the synthetic 100k's pieces, 306 characters on average:
                # 26.3-26.6 ns a character before, 21.3-21.4 after).
                for top_index in range(n_top):
                    top_word = top[top_index]
                    top[top_index] = 0
                    while top_word:
                        summary_index = (top_index << 6) + nd_lowest_bit(top_word)
                        top_word &= top_word - 1
                        summary_word = summary[summary_index]
                        summary[summary_index] = 0
                        while summary_word:
                            word_index = (summary_index << 6) + nd_lowest_bit(summary_word)
                            summary_word &= summary_word - 1
                            word = bits[word_index]
                            bits[word_index] = 0
                            while word:
                                bucket = <int32_t>((word_index << 6) + nd_lowest_bit(word))
                                word &= word - 1
                                count = table[bucket]
                                if count >= ENTRY_ESCAPED:
                                    if n_escaped == escaped_capacity:
                                        escaped_capacity *= 2
                                        escaped_positions = <int64_t*>checked_realloc(
                                            escaped_positions,
                                            escaped_capacity * sizeof(int64_t))
                                        escaped_counts = <int64_t*>checked_realloc(
                                            escaped_counts, escaped_capacity * sizeof(int64_t))
                                    escaped_positions[n_escaped] = written
                                    escaped_counts[n_escaped] = count
                                    n_escaped += 1
                                    count = ENTRY_ESCAPED
                                out_entries[written] = (
                                    <uint32_t>bucket | (<uint32_t>count << ENTRY_COLUMN_BITS))
                                table[bucket] = 0
                                written += 1
                out_indptr[piece + 1] = written
        positions = copied_array(escaped_positions, n_escaped, np.int64)
        counts = copied_array(escaped_counts, n_escaped, np.int64)
    finally:
        free(table)
        free(columns)
        free(bits)
        free(summary)
        free(top)
        free(escaped_positions)
        free(escaped_counts)
    return indptr, entries[:written], positions, counts


def row_hashes(const int64_t[::1] indptr, const uint32_t[::1] entries):
    """A hash of each row of entries (``ngram_counts``'s: a column and its count in each):
    the sum of its entries mixed (``fmix64``), so the same for the same entries in any
    order, and two sentences written alike (after normalization) have one. Counts of
    ``ENTRY_ESCAPED`` or more all read as that (a sentence repeating one n-gram a thousand
    times)."""
    cdef Py_ssize_t n_rows = indptr.shape[0] - 1
    cdef int64_t row, position
    cdef uint64_t total
    hashes = np.empty(n_rows, dtype=np.uint64)
    cdef uint64_t[::1] out = hashes
    with nogil:
        for row in range(n_rows):
            total = 0
            for position in range(indptr[row], indptr[row + 1]):
                total += nd_fmix64(entries[position])
            out[row] = total
    return hashes


def sentence_figures(const uint32_t[::1] points, const int64_t[::1] starts):
    """The figures each piece (``points[starts[k]:starts[k + 1]]``, normalized text) writes:
    runs of the digits 0-9 (normalization writes every script's digits so), a ``,`` or a
    ``.`` between two digits inside one ("7,600", "3.5"), each as a hash of its digits
    alone (so "7,600" and "7600" are one figure), in the order written. Returns CSR offsets
    over the pieces and the hashes."""
    cdef Py_ssize_t n_pieces = starts.shape[0] - 1, piece
    cdef int64_t position, stop, written = 0
    cdef uint64_t value = 0
    cdef uint32_t point
    cdef bint inside = False
    # A figure and what ends it take two code points, or end a piece: room for them all
    # (only what is written is touched).
    hashes = np.empty(points.shape[0] // 2 + n_pieces + 1, dtype=np.uint64)
    offsets = np.zeros(n_pieces + 1, dtype=np.int64)
    cdef uint64_t[::1] out = hashes
    cdef int64_t[::1] out_offsets = offsets
    with nogil:
        for piece in range(n_pieces):
            stop = starts[piece + 1]
            for position in range(starts[piece], stop):
                point = points[position]
                if point - 48 < 10:
                    value = value * 11 + (point - 47)
                    inside = True
                elif inside:
                    if ((point == 44 or point == 46) and position + 1 < stop
                            and points[position + 1] - 48 < 10):
                        continue
                    out[written] = nd_fmix64(value)
                    written += 1
                    value = 0
                    inside = False
            if inside:
                out[written] = nd_fmix64(value)
                written += 1
                value = 0
                inside = False
            out_offsets[piece + 1] = written
    return offsets, hashes[:written].copy()


cdef void ngram_weight_tables(const uint32_t[::1] entries, const int32_t[::1] frequency,
                              int64_t n_rows, double** tf_weight, double** idf
                              ) except * nogil:
    """Tables of ``1 + log tf`` (counts under ``ENTRY_ESCAPED``) and of each column's smooth
    IDF over ``n_rows`` pieces, ``log((1 + n) / (1 + df)) + 1`` (``df`` from ``frequency``),
    for the columns the ``entries`` hold (every column when there are more entries than
    columns; the others are never read): a weight reads its column's IDF in one access,
    where a table by document frequency is read after the frequency (two dependent cache
    misses). The caller frees them."""
    cdef int64_t k, n_entries = entries.shape[0], buckets = frequency.shape[0]
    cdef double top = <double>(1 + n_rows)
    cdef double* by_frequency = NULL
    cdef uint32_t column
    tf_weight[0] = <double*>checked_malloc(ENTRY_ESCAPED * sizeof(double))
    for k in range(1, ENTRY_ESCAPED):
        tf_weight[0][k] = 1.0 + log(<double>k)
    idf[0] = <double*>checked_malloc(buckets * sizeof(double))
    try:
        by_frequency = <double*>checked_malloc((n_rows + 1) * sizeof(double))
        for k in range(n_rows + 1):
            by_frequency[k] = log(top / (1.0 + k)) + 1.0
        if n_entries >= buckets:
            for k in range(buckets):
                idf[0][k] = column_idf(by_frequency, n_rows, frequency[k])
        else:
            for k in range(n_entries):
                column = entries[k] & ENTRY_COLUMN_MASK
                idf[0][column] = column_idf(by_frequency, n_rows, frequency[column])
    finally:
        free(by_frequency)


cdef inline double column_idf(const double* by_frequency, int64_t n_rows,
                              int32_t df) noexcept nogil:
    """The smooth IDF of a document frequency: from the table up to ``n_rows`` (a frequency
    counted over the rows never exceeds it), computed the same way beyond."""
    if df <= n_rows:
        return by_frequency[df]
    return log(<double>(1 + n_rows) / (1.0 + df)) + 1.0


cdef inline double tf_of(const double* tf_weight, int64_t count) noexcept nogil:
    """``1 + log tf`` of a count, from the table where it holds it (a count summed over an
    article's rows may be past it)."""
    return tf_weight[count] if count < ENTRY_ESCAPED else 1.0 + log(<double>count)


cdef inline int64_t table_slots(int64_t n_entries) noexcept nogil:
    """Slots of an open-addressing table for ``n_entries`` keys: the least power of two at
    least twice as many (so probes stay short)."""
    cdef int64_t slots = 1
    while slots < 2 * n_entries:
        slots <<= 1
    return slots


def ngram_norms(const int64_t[::1] indptr, const uint32_t[::1] entries,
                const int64_t[::1] escaped_positions, const int64_t[::1] escaped_counts,
                const int32_t[::1] frequency, int64_t n_rows):
    """The L2 norm of each row of n-gram counts (``ngram_counts``'s entries and escape
    table; the rows ``indptr`` delimits, its offsets into all the entries) weighed
    ``1 + log tf`` times the smooth IDF over ``n_rows`` pieces (``df`` from
    ``frequency``), squares summed in column order; at least 1e-12."""
    cdef Py_ssize_t n_pieces = indptr.shape[0] - 1
    cdef int64_t piece, position, ahead, total
    cdef int64_t n_entries = entries.shape[0]
    cdef int64_t n_escaped = escaped_positions.shape[0]
    cdef const int64_t* escaped_at = data_of(escaped_positions)
    cdef const int64_t* escaped = data_of(escaped_counts)
    cdef double weight, norm
    norms = np.empty(n_pieces, dtype=np.float64)
    cdef double[::1] out = norms
    cdef double* tf_weight = NULL
    cdef double* idf = NULL
    try:
        with nogil:
            ngram_weight_tables(entries, frequency, n_rows, &tf_weight, &idf)
            for piece in range(n_pieces):
                norm = 0.0
                for position in range(indptr[piece], indptr[piece + 1]):
                    ahead = position + PREFETCH_AHEAD
                    if ahead < n_entries:
                        nd_prefetch(&idf[entries[ahead] & ENTRY_COLUMN_MASK])
                    total = entry_count(entries[position], position, escaped_at, escaped,
                                        n_escaped)
                    weight = tf_of(tf_weight, total) * idf[entries[position]
                                                          & ENTRY_COLUMN_MASK]
                    norm += weight * weight
                norm = sqrt(norm)
                out[piece] = norm if norm >= 1e-12 else 1e-12
    finally:
        free(tf_weight)
        free(idf)
    return norms


def supporting_entries(const int64_t[::1] indptr, const uint32_t[::1] entries,
                       const int64_t[::1] escaped_positions,
                       const int64_t[::1] escaped_counts, const int32_t[::1] frequency,
                       const double[::1] norms, int64_t n_rows,
                       const int64_t[::1] article_rows, const int64_t[::1] left,
                       const int64_t[::1] right, double threshold, int64_t most_compared):
    """The row pairs of each article pair ``(left[k], right[k])`` whose cosine reaches
    ``threshold``: rows ``article_rows[a]:article_rows[a + 1]`` of article ``a`` (entries
    and escape table of ``ngram_counts``) against those of the other, each entry weighed
    as ``ngram_norms`` weighs it (over ``n_rows`` pieces) and divided by its row's norm
    (``left`` ascending: each left article's rows are scattered into a table of
    ``frequency.shape[0]`` columns once, every right row then adds its products along it,
    column by column as a merge of the two rows would). Returns CSR offsets over the
    pairs, then each entry's left row, right row and cosine, in row order.

    A left entry keeps its column's IDF beside its weight, so a right entry reaching its
    chain reads it there, not in a table of every column: the right entries' table reads
    were a third of the kernel's samples (``perf annotate``), and the pairs took 6.8-7.1 s
    against 5.6 s so.

    Only each article's first ``most_compared`` rows are compared (the block of two
    articles is at most ``most_compared`` squared), and a left article's rows are
    scattered last first, so that a chain lists its rows in ascending order and the walk
    along it stops at the first row past the bound (two pages of 10,000 short paragraphs
    took 91 s and 1.6 GB without the bound).

    The table's column of an entry ``PREFETCH_AHEAD`` entries ahead is asked for while the
    rows are scattered and while a right article's entries are read (its IDF too while
    scattering): without, each read of the table missed the caches (synthetic
    100k, a third of the pairs: 2.4-3.4 s before, 1.9-2.4 s after; text of a million
    distinct n-grams: 4.1-4.5 s, 2.6-2.7 s)."""
    cdef Py_ssize_t n_pairs = left.shape[0]
    cdef int64_t pair, current = -1, most_entries = 0, most_rows = 0, article
    cdef int64_t n_left = 0, n_right, left_start = 0, right_start, row, position, entry
    cdef int64_t left_compared = 0, right_compared, count
    cdef int64_t n_entries = 0, capacity = 1024, found = 0, i, j, ahead
    cdef int64_t n_all = entries.shape[0], n_escaped = escaped_positions.shape[0]
    cdef int64_t buckets = frequency.shape[0]
    cdef const int64_t* escaped_at = data_of(escaped_positions)
    cdef const int64_t* escaped = data_of(escaped_counts)
    cdef int32_t bucket
    cdef double weight
    cdef double* tf_weight = NULL
    cdef double* idf = NULL
    offsets = np.zeros(n_pairs + 1, dtype=np.int64)
    cdef int64_t[::1] out_offsets = offsets
    cdef int32_t* head = NULL
    cdef int32_t* chain = NULL
    cdef int32_t* chain_row = NULL
    cdef double* chain_weight = NULL
    cdef double* chain_idf = NULL
    cdef double* block = NULL
    cdef int64_t* first_rows = NULL
    cdef int64_t* second_rows = NULL
    cdef double* similarity = NULL
    try:
        with nogil:
            for article in range(article_rows.shape[0] - 1):
                most_rows = imax(most_rows, article_rows[article + 1] - article_rows[article])
                most_entries = imax(most_entries, indptr[article_rows[article + 1]]
                                    - indptr[article_rows[article]])
            most_rows = imin(most_rows, most_compared)
            ngram_weight_tables(entries, frequency, n_rows, &tf_weight, &idf)
            # Entries are stored plus one: 0 is an empty column or the end of a chain, so the
            # table is zeroed by the system as its pages are touched.
            head = <int32_t*>checked_calloc(buckets, sizeof(int32_t))
            chain = <int32_t*>checked_malloc(imax(most_entries, 1) * sizeof(int32_t))
            chain_row = <int32_t*>checked_malloc(imax(most_entries, 1) * sizeof(int32_t))
            chain_weight = <double*>checked_malloc(imax(most_entries, 1) * sizeof(double))
            chain_idf = <double*>checked_malloc(imax(most_entries, 1) * sizeof(double))
            block = <double*>checked_malloc(imax(most_rows * most_rows, 1) * sizeof(double))
            first_rows = <int64_t*>checked_malloc(capacity * sizeof(int64_t))
            second_rows = <int64_t*>checked_malloc(capacity * sizeof(int64_t))
            similarity = <double*>checked_malloc(capacity * sizeof(double))
            for pair in range(n_pairs):
                if left[pair] != current:
                    # Clear the previous left article's table, then scatter this one's rows.
                    for entry in range(n_entries):
                        head[entries[indptr[left_start] + entry] & ENTRY_COLUMN_MASK] = 0
                    current = left[pair]
                    left_start = article_rows[current]
                    n_left = article_rows[current + 1] - left_start
                    left_compared = imin(n_left, most_compared)
                    # Only the compared rows are scattered (the chains stop at the bound).
                    n_entries = indptr[left_start + left_compared] - indptr[left_start]
                    for row in range(left_compared - 1, -1, -1):
                        for position in range(indptr[left_start + row],
                                              indptr[left_start + row + 1]):
                            ahead = position + PREFETCH_AHEAD
                            if ahead < n_all:
                                nd_prefetch(&head[entries[ahead] & ENTRY_COLUMN_MASK])
                                nd_prefetch(&idf[entries[ahead] & ENTRY_COLUMN_MASK])
                            entry = position - indptr[left_start]
                            bucket = entries[position] & ENTRY_COLUMN_MASK
                            count = entry_count(entries[position], position, escaped_at,
                                                escaped, n_escaped)
                            chain[entry] = head[bucket]
                            chain_row[entry] = <int32_t>row
                            chain_idf[entry] = idf[bucket]
                            chain_weight[entry] = (tf_of(tf_weight, count) * chain_idf[entry]
                                                   / norms[left_start + row])
                            head[bucket] = <int32_t>(entry + 1)
                right_start = article_rows[right[pair]]
                n_right = article_rows[right[pair] + 1] - right_start
                right_compared = imin(n_right, most_compared)
                memset(block, 0, left_compared * right_compared * sizeof(double))
                for j in range(right_compared):
                    for position in range(indptr[right_start + j], indptr[right_start + j + 1]):
                        ahead = position + PREFETCH_AHEAD
                        if ahead < n_all:
                            nd_prefetch(&head[entries[ahead] & ENTRY_COLUMN_MASK])
                        entry = head[entries[position] & ENTRY_COLUMN_MASK] - 1
                        if entry < 0:
                            continue
                        count = entry_count(entries[position], position, escaped_at,
                                            escaped, n_escaped)
                        # The column's IDF from the left chain (no table read).
                        weight = (tf_of(tf_weight, count) * chain_idf[entry]
                                  / norms[right_start + j])
                        while entry >= 0:
                            block[chain_row[entry] * right_compared + j] += (
                                chain_weight[entry] * weight)
                            entry = chain[entry] - 1
                for i in range(left_compared):
                    for j in range(right_compared):
                        if block[i * right_compared + j] >= threshold:
                            if found == capacity:
                                capacity *= 2
                                first_rows = <int64_t*>checked_realloc(
                                    first_rows, capacity * sizeof(int64_t))
                                second_rows = <int64_t*>checked_realloc(
                                    second_rows, capacity * sizeof(int64_t))
                                similarity = <double*>checked_realloc(
                                    similarity, capacity * sizeof(double))
                            first_rows[found] = left_start + i
                            second_rows[found] = right_start + j
                            similarity[found] = block[i * right_compared + j]
                            found += 1
                out_offsets[pair + 1] = found
        first = copied_array(first_rows, found, np.int64)
        second = copied_array(second_rows, found, np.int64)
        values = copied_array(similarity, found, np.float64)
    finally:
        free(tf_weight)
        free(idf)
        free(head)
        free(chain)
        free(chain_row)
        free(chain_weight)
        free(chain_idf)
        free(block)
        free(first_rows)
        free(second_rows)
        free(similarity)
    return offsets, first, second, values


# Classes of code points read by ``sentence_pieces`` (a table with an entry per code point,
# built by ``_text.sentences``).
cdef enum:
    SENTENCE_SPACE = 1  # white space (str.isspace)
    SENTENCE_END = 2  # ends a sentence when white space follows: . ! ? and their kin
    SENTENCE_CLOSE = 4  # may follow an end and belong to its sentence: quotes, brackets
    SENTENCE_END_BARE = 8  # ends a sentence, no white space needed: the ideographic full stop
    SENTENCE_DIGIT = 16  # a digit: a sentence does not start with one ("sept. 4")
    SENTENCE_PERIOD = 32  # a full stop: two in a word make an abbreviation ("u.s.", "a.m.")

SENTENCE_CLASS_FLAGS = {"SPACE": SENTENCE_SPACE, "END": SENTENCE_END, "CLOSE": SENTENCE_CLOSE,
                        "END_BARE": SENTENCE_END_BARE, "DIGIT": SENTENCE_DIGIT,
                        "PERIOD": SENTENCE_PERIOD}


def sentence_pieces(const uint32_t[::1] points, const uint8_t[::1] classes,
                    int64_t shortest):
    """The pieces of ``points`` (code points; pieces separated by a 0) cut into sentences,
    their white space collapsed as ``" ".join(piece.split())`` collapses it.

    ``classes`` has an entry per code point (``SENTENCE_*`` bits). A run of white space
    becomes one space (runs at a piece's start or end go), unless it ends a sentence: it
    follows an end mark (``SENTENCE_END``, then any ``SENTENCE_CLOSE``), the sentence holds
    ``shortest`` code points or more, the word ending there holds no other period (an
    abbreviation: "u.s.", "a.m.") and no digit follows (a date: "sept. 4"); then the run
    goes and a new sentence starts. After a ``SENTENCE_END_BARE`` mark (and any closing
    marks) a sentence ends without white space. A piece's last sentence shorter than
    ``shortest`` goes on the one before it, after a space. Returns the sentences' code
    points back to back, each one's start (CSR offsets) and how many sentences each piece
    has (at least one, empty or not)."""
    cdef Py_ssize_t n = points.shape[0], position
    cdef int64_t n_pieces = 1, most = 1, piece = 0, written = 0, sentence = 0
    cdef int64_t sentence_start = 0, closed = 0, dots = 0, k
    cdef uint32_t point
    cdef uint8_t kind
    cdef bint pending = False, after_end = False, after_bare = False, candidate = False
    for position in range(n):
        kind = classes[points[position]]
        n_pieces += points[position] == 0
        most += (points[position] == 0) + ((kind & (SENTENCE_END | SENTENCE_END_BARE)) != 0)
    # Room for a space per piece: a sentence gone on the one before gets one (no white
    # space was dropped for it after an ideographic full stop).
    out = np.empty(n + n_pieces, dtype=np.uint32)
    starts = np.zeros(most + 1, dtype=np.int64)
    counts = np.zeros(n_pieces, dtype=np.int64)
    cdef uint32_t[::1] out_points = out
    cdef int64_t[::1] out_starts = starts
    cdef int64_t[::1] out_counts = counts
    with nogil:
        for position in range(n + 1):
            point = 0 if position == n else points[position]
            if point == 0:
                # The piece ends: its last sentence, if too short, goes on the one before,
                # after a space (moved one place on).
                if closed > 0 and written - sentence_start < shortest:
                    for k in range(written, sentence_start, -1):
                        out_points[k] = out_points[k - 1]
                    out_points[sentence_start] = 32
                    written += 1
                    sentence -= 1
                else:
                    closed += 1
                sentence += 1
                out_starts[sentence] = written
                out_counts[piece] = closed
                piece += 1
                sentence_start = written
                closed = dots = 0
                pending = after_end = after_bare = candidate = False
                continue
            kind = classes[point]
            if kind & SENTENCE_SPACE:
                # A space is written before the sentence's next character, if it has one.
                pending = written > sentence_start
                candidate = candidate or after_end
                after_end = after_bare = False
                dots = 0
                continue
            if ((candidate or (after_bare and not kind & SENTENCE_CLOSE))
                    and written - sentence_start >= shortest and not kind & SENTENCE_DIGIT):
                closed += 1
                sentence += 1
                out_starts[sentence] = written
                sentence_start = written
                pending = False
            candidate = False
            if pending:
                out_points[written] = 32
                written += 1
                pending = False
            out_points[written] = point
            written += 1
            if kind & SENTENCE_END_BARE:
                after_end = after_bare = True
            elif kind & SENTENCE_END:
                # A period in a word that holds one already is an abbreviation's.
                after_end = not (kind & SENTENCE_PERIOD and dots > 0)
                after_bare = False
                dots += (kind & SENTENCE_PERIOD) != 0
            elif not kind & SENTENCE_CLOSE:
                after_end = after_bare = False
    return out[:written], starts[:sentence + 1], counts

