# _text.terms: salient words of ASCII text, content terms per article, numbering and counting.

cdef enum:
    # CharClass flags (_text.tokenize.CharClass).
    CLASS_WORD = 2
    CLASS_SPACE = 16
    CLASS_LOWER_DIGIT_COMMA = 32
    CLASS_UPPER = 64
    CLASS_DIGIT = 128
    # Largest count a term of one article keeps (_text.terms.MAX_COUNT).
    MAX_TERM_COUNT = 255

TERM_MAX_COUNT = MAX_TERM_COUNT
#: The CharClass flags the salient-word kernel reads (tests compare them with CharClass).
TERM_CLASS_FLAGS = {"WORD": CLASS_WORD, "SPACE": CLASS_SPACE,
                    "LOWER_DIGIT_COMMA": CLASS_LOWER_DIGIT_COMMA, "UPPER": CLASS_UPPER,
                    "DIGIT": CLASS_DIGIT}


def ascii_salient_kernel(const uint8_t[::1] raw, const uint8_t[::1] classes, int64_t n_tokens):
    """Whether each token (run of word characters) of ASCII ``raw`` is a salient word.

    Paragraphs are separated by line breaks; the rule is ``_text.terms.SALIENT_WORD``'s.
    """
    salient = np.zeros(n_tokens, dtype=np.bool_)
    cdef uint8_t[::1] out = salient
    cdef int64_t token = 0
    cdef uint8_t last_solid = 0  # classes of the last non-space character (0: none)
    # Where the last non-space character is (-1: none in this paragraph), where the
    # paragraph starts, and the last word (start, end) when it ends there.
    cdef Py_ssize_t solid_at = -1, line_start = 0, word_start = -1, word_end = -1
    cdef bint after_space = False, in_sentence, capitalised, has_digit
    cdef Py_ssize_t position = 0, size = raw.shape[0], length
    cdef uint8_t byte, flags
    with nogil:
        while position < size:
            byte = raw[position]
            if byte == NEWLINE:
                last_solid = 0
                solid_at = word_end = -1
                line_start = position + 1
                after_space = False
                position += 1
                continue
            flags = classes[byte]
            if flags & CLASS_WORD:
                in_sentence = after_space and (last_solid & CLASS_LOWER_DIGIT_COMMA) != 0
                if after_space and not in_sentence and solid_at >= 0:
                    # After "p.m." (period, lower-case letter, period) ...
                    if (raw[solid_at] == 46 and solid_at >= line_start + 2
                            and 97 <= raw[solid_at - 1] <= 122 and raw[solid_at - 2] == 46):
                        in_sentence = True
                    # ... or after a capitalised article: "A", "An", "The".
                    elif word_end == solid_at + 1:
                        length = word_end - word_start
                        if length == 1:
                            in_sentence = raw[word_start] == 65
                        elif length == 2:
                            in_sentence = raw[word_start] == 65 and raw[word_start + 1] == 110
                        elif length == 3:
                            in_sentence = (raw[word_start] == 84 and raw[word_start + 1] == 104
                                           and raw[word_start + 2] == 101)
                capitalised = (flags & CLASS_UPPER) != 0
                has_digit = False
                word_start = position
                while position < size and raw[position] != NEWLINE and (
                        classes[raw[position]] & CLASS_WORD):
                    if classes[raw[position]] & CLASS_DIGIT:
                        has_digit = True
                    position += 1
                word_end = position
                out[token] = has_digit or (capitalised and in_sentence)
                token += 1
                last_solid = classes[raw[position - 1]]
                solid_at = position - 1
                after_space = False
            else:
                if flags & CLASS_SPACE:
                    after_space = True
                else:
                    last_solid = flags
                    solid_at = position
                    after_space = False
                position += 1
    return salient


cdef inline int64_t term_slot(uint64_t value, const uint64_t* keys, const uint8_t* occupied,
                              uint64_t mask) noexcept nogil:
    """The slot of ``value`` in an open-addressing table: where it is, or the free slot
    where it belongs."""
    cdef int64_t slot = <int64_t>(nd_fmix64(value) & mask)
    while occupied[slot] and keys[slot] != value:
        slot = (slot + 1) & <int64_t>mask
    return slot


cdef struct TermTable:
    int64_t size
    uint64_t* keys
    int64_t* weight
    int64_t* salient
    uint8_t* used
    int64_t* slots_used
    int64_t* order


cdef void free_term_table(TermTable* table) noexcept nogil:
    free(table.keys)
    free(table.weight)
    free(table.salient)
    free(table.used)
    free(table.slots_used)
    free(table.order)
    table.keys = NULL
    table.weight = NULL
    table.salient = NULL
    table.used = NULL
    table.slots_used = NULL
    table.order = NULL


cdef int alloc_term_table(TermTable* table, int64_t size) except -1 nogil:
    free_term_table(table)
    table.size = size
    table.keys = <uint64_t*>checked_malloc(size * sizeof(uint64_t))
    table.weight = <int64_t*>checked_malloc(size * sizeof(int64_t))
    table.salient = <int64_t*>checked_malloc(size * sizeof(int64_t))
    table.used = <uint8_t*>checked_malloc(size * sizeof(uint8_t))
    table.slots_used = <int64_t*>checked_malloc(size * sizeof(int64_t))
    table.order = <int64_t*>checked_malloc(size * sizeof(int64_t))
    memset(table.weight, 0, size * sizeof(int64_t))
    memset(table.salient, 0, size * sizeof(int64_t))
    memset(table.used, 0, size * sizeof(uint8_t))
    return 0


def count_terms(const uint64_t[::1] token_hashes, const int64_t[::1] paragraph_start,
                const uint8_t[::1] token_salient, const uint8_t[::1] paragraph_kept,
                const int64_t[::1] paragraph_owner, const uint64_t[::1] title_hashes,
                const int64_t[::1] title_owner, const uint64_t[::1] other_hashes,
                const int64_t[::1] other_owner, const uint8_t[::1] other_kept,
                int64_t n_articles):
    """Per article, its distinct terms (sorted) with counts and salient marks (see
    ``_text.terms._count_terms``): tokens of kept paragraphs weigh 1 (salient by
    ``token_salient``), title tokens 2, the general path's salient words 0 (they only mark an
    occurrence as salient); terms of weight 0 are left out."""
    cdef int64_t n_paragraphs = paragraph_start.shape[0] - 1
    cdef int64_t n_titles = title_hashes.shape[0], n_others = other_hashes.shape[0]
    cdef int64_t capacity = token_hashes.shape[0] + n_titles + n_others
    offsets = np.zeros(n_articles + 1, dtype=np.int64)
    terms = np.empty(capacity, dtype=np.uint32)
    counts = np.empty(capacity, dtype=np.uint8)
    salient_counts = np.empty(capacity, dtype=np.uint8)
    cdef int64_t[::1] out_offsets = offsets
    cdef uint32_t[::1] out_terms = terms
    cdef uint8_t[::1] out_counts = counts
    cdef uint8_t[::1] out_salient = salient_counts
    cdef TermTable table
    table.keys = NULL
    table.weight = NULL
    table.salient = NULL
    table.used = NULL
    table.slots_used = NULL
    table.order = NULL
    cdef int64_t buckets[257]
    cdef int64_t paragraph = 0, title = 0, other = 0, written = 0, article, last_paragraph
    cdef int64_t last_title, last_other, bound, table_size, n_used, number, token, slot
    cdef int64_t total, marked
    cdef uint64_t key, mask
    try:
        with nogil:
            alloc_term_table(&table, 64)
            for article in range(n_articles):
                # Occurrences of this article: a bound to size its table.
                last_paragraph = paragraph
                while last_paragraph < n_paragraphs and paragraph_owner[last_paragraph] == article:
                    last_paragraph += 1
                last_title = title
                while last_title < n_titles and title_owner[last_title] == article:
                    last_title += 1
                last_other = other
                while last_other < n_others and other_owner[last_other] == article:
                    last_other += 1
                bound = (paragraph_start[last_paragraph] - paragraph_start[paragraph]
                         + last_title - title + last_other - other)
                if 2 * bound > table.size:
                    table_size = table.size
                    while 2 * bound > table_size:
                        table_size *= 2
                    alloc_term_table(&table, table_size)
                mask = <uint64_t>(table.size - 1)
                n_used = 0
                for number in range(paragraph, last_paragraph):
                    if not paragraph_kept[number]:
                        continue
                    for token in range(paragraph_start[number], paragraph_start[number + 1]):
                        key = token_hashes[token] & ND_TOP_HALF
                        slot = term_slot(key, table.keys, table.used, mask)
                        if not table.used[slot]:
                            table.used[slot] = True
                            table.keys[slot] = key
                            table.slots_used[n_used] = slot
                            n_used += 1
                        table.weight[slot] += 1
                        if token_salient[token]:
                            table.salient[slot] += 1
                for number in range(title, last_title):
                    key = title_hashes[number] & ND_TOP_HALF
                    slot = term_slot(key, table.keys, table.used, mask)
                    if not table.used[slot]:
                        table.used[slot] = True
                        table.keys[slot] = key
                        table.slots_used[n_used] = slot
                        n_used += 1
                    table.weight[slot] += 2
                for number in range(other, last_other):
                    if not other_kept[number]:
                        continue
                    key = other_hashes[number] & ND_TOP_HALF
                    slot = term_slot(key, table.keys, table.used, mask)
                    if not table.used[slot]:
                        table.used[slot] = True
                        table.keys[slot] = key
                        table.slots_used[n_used] = slot
                        n_used += 1
                    table.salient[slot] += 1
                # Linear in the worst case too: see _core.hashsort.
                sort_slots(table.slots_used, n_used, table.keys, table.order, buckets)
                for number in range(n_used):
                    slot = table.order[number]
                    total = table.weight[slot]
                    marked = table.salient[slot]
                    if total > 0:
                        if total > MAX_TERM_COUNT:  # saturate, keeping the salient share
                            marked = marked * MAX_TERM_COUNT // total
                            total = MAX_TERM_COUNT
                        out_terms[written] = <uint32_t>(table.keys[slot] >> 32)
                        out_counts[written] = <uint8_t>total
                        out_salient[written] = <uint8_t>marked
                        written += 1
                for number in range(n_used):  # clear the table for the next article
                    slot = table.slots_used[number]
                    table.used[slot] = False
                    table.weight[slot] = 0
                    table.salient[slot] = 0
                out_offsets[article + 1] = written
                paragraph = last_paragraph
                title = last_title
                other = last_other
    finally:
        free_term_table(&table)
    return offsets, terms[:written].copy(), counts[:written].copy(), salient_counts[:written].copy()


def renumber(int32_t[::1] ids, const int32_t[::1] new):
    """``ids[:] = new[ids]`` in place."""
    cdef Py_ssize_t position
    with nogil:
        for position in range(ids.shape[0]):
            ids[position] = new[ids[position]]


def first_appearance_ids(const hash_t[::1] values):
    """Ids of ``values`` numbered by first appearance, and the distinct values in that order
    (open addressing, grown to stay at most half full)."""
    cdef Py_ssize_t size = values.shape[0], position
    cdef int64_t capacity = 1 << 12, n_distinct = 0, slot, found, number
    cdef uint64_t mask
    cdef hash_t value
    cdef int64_t* slots = NULL
    keys = np.empty(size, dtype=np.uint32 if hash_t is uint32_t else np.uint64)
    ids = np.empty(size, dtype=np.int32)
    cdef hash_t[::1] out_keys = keys
    cdef int32_t[::1] out_ids = ids
    try:
        with nogil:
            slots = <int64_t*>checked_malloc(capacity * sizeof(int64_t))
            for slot in range(capacity):
                slots[slot] = -1
            for position in range(size):
                value = values[position]
                mask = <uint64_t>(capacity - 1)
                slot = <int64_t>(nd_fmix64(<uint64_t>value) & mask)
                while True:
                    found = slots[slot]
                    if found < 0:
                        slots[slot] = n_distinct
                        out_keys[n_distinct] = value
                        out_ids[position] = <int32_t>n_distinct
                        n_distinct += 1
                        break
                    if out_keys[found] == value:
                        out_ids[position] = <int32_t>found
                        break
                    slot = (slot + 1) & (capacity - 1)
                if 2 * n_distinct > capacity:
                    capacity *= 2
                    mask = <uint64_t>(capacity - 1)
                    free(slots)
                    slots = NULL
                    slots = <int64_t*>checked_malloc(capacity * sizeof(int64_t))
                    for slot in range(capacity):
                        slots[slot] = -1
                    for number in range(n_distinct):
                        slot = <int64_t>(nd_fmix64(<uint64_t>out_keys[number]) & mask)
                        while slots[slot] >= 0:
                            slot = (slot + 1) & (capacity - 1)
                        slots[slot] = number
    finally:
        free(slots)
    return ids, keys[:n_distinct].copy()


def count_members(const hash_t[::1] values, const other_hash_t[::1] members):
    """Occurrences in ``values`` of each of the distinct ``members`` (hash-set lookups; a
    16-bit filter on the low bits turns most values away first)."""
    cdef int64_t capacity = 16, number, slot
    cdef Py_ssize_t n_members = members.shape[0], position
    while capacity < 2 * n_members:
        capacity *= 2
    cdef uint64_t mask = <uint64_t>(capacity - 1)
    cdef uint64_t value
    cdef int64_t* slots = NULL
    cdef uint8_t* possible = NULL
    counts = np.zeros(n_members, dtype=np.int64)
    cdef int64_t[::1] out = counts
    try:
        with nogil:
            slots = <int64_t*>checked_malloc(capacity * sizeof(int64_t))
            possible = <uint8_t*>checked_malloc(1 << 16)
            memset(possible, 0, 1 << 16)
            for slot in range(capacity):
                slots[slot] = -1
            for number in range(n_members):
                possible[<uint64_t>members[number] & 0xFFFF] = True
                slot = <int64_t>(nd_fmix64(<uint64_t>members[number]) & mask)
                while slots[slot] >= 0:
                    slot = (slot + 1) & (capacity - 1)
                slots[slot] = number
            for position in range(values.shape[0]):
                value = <uint64_t>values[position]
                if not possible[value & 0xFFFF]:
                    continue
                slot = <int64_t>(nd_fmix64(value) & mask)
                while slots[slot] >= 0:
                    if <uint64_t>members[slots[slot]] == value:
                        out[slots[slot]] += 1
                        break
                    slot = (slot + 1) & (capacity - 1)
    finally:
        free(slots)
        free(possible)
    return counts
