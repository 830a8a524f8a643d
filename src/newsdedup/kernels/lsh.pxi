# _near_duplicates.lsh: candidate pairs of each band's buckets (a hash table per band, no sort).

cdef enum:
    HUBS_PER_BUCKET = 8

#: Members of an oversized bucket that every other member is paired with
#: (_near_duplicates.lsh.HUBS).
LSH_HUBS = HUBS_PER_BUCKET


cdef inline int64_t pair_code(int64_t first, int64_t second, int64_t n) noexcept nogil:
    """The code ``i * n + j`` of the unordered pair ``{first, second}`` (``i < j``)."""
    if first < second:
        return first * n + second
    return second * n + first


def band_pair_codes(const uint32_t[:, ::1] signatures, int64_t first_band, int64_t stop_band,
                    int64_t rows, int64_t max_bucket, const int64_t[::1] order):
    """Pair codes ``i * n + j`` (``i < j``) of the buckets of bands ``first_band`` to
    ``stop_band - 1``, with repeats (see ``_near_duplicates.lsh._band_pair_codes``)."""
    cdef int64_t n_rows = signatures.shape[0]
    cdef int64_t capacity = 16
    while capacity < 2 * n_rows:
        capacity *= 2
    cdef uint64_t mask = <uint64_t>(capacity - 1)
    cdef int64_t band, row, column, slot, bucket, n_buckets, position, size, first, hubs
    cdef int64_t needed, left, right, other, written = 0, out_size = imax(n_rows, 16)
    cdef uint64_t key
    cdef uint64_t* keys = NULL
    cdef int64_t* slots = NULL
    cdef int64_t* bucket_of = NULL
    cdef uint64_t* bucket_key = NULL
    cdef int64_t* starts = NULL
    cdef int64_t* fill = NULL
    cdef int64_t* members = NULL
    cdef int64_t* out = NULL
    cdef int64_t* grown
    try:
        with nogil:
            keys = <uint64_t*>checked_malloc(n_rows * sizeof(uint64_t))
            slots = <int64_t*>checked_malloc(capacity * sizeof(int64_t))
            bucket_of = <int64_t*>checked_malloc(n_rows * sizeof(int64_t))
            bucket_key = <uint64_t*>checked_malloc(n_rows * sizeof(uint64_t))
            starts = <int64_t*>checked_malloc((n_rows + 1) * sizeof(int64_t))
            fill = <int64_t*>checked_malloc(n_rows * sizeof(int64_t))
            members = <int64_t*>checked_malloc(n_rows * sizeof(int64_t))
            out = <int64_t*>checked_malloc(out_size * sizeof(int64_t))
            for band in range(first_band, stop_band):
                for row in range(n_rows):
                    key = <uint64_t>(band + 1)
                    for column in range(band * rows, (band + 1) * rows):
                        key = nd_fmix64(key * ND_FNV_PRIME + <uint64_t>signatures[row, column])
                    keys[row] = key
                for slot in range(capacity):
                    slots[slot] = -1
                n_buckets = 0
                for row in range(n_rows):
                    slot = <int64_t>(nd_fmix64(keys[row]) & mask)
                    while True:
                        bucket = slots[slot]
                        if bucket < 0:
                            slots[slot] = n_buckets
                            bucket_key[n_buckets] = keys[row]
                            bucket_of[row] = n_buckets
                            n_buckets += 1
                            break
                        if bucket_key[bucket] == keys[row]:
                            bucket_of[row] = bucket
                            break
                        slot = (slot + 1) & (capacity - 1)
                # Members of each bucket in the order of ``order`` (a counting sort).
                for bucket in range(n_buckets + 1):
                    starts[bucket] = 0
                for row in range(n_rows):
                    starts[bucket_of[row] + 1] += 1
                for bucket in range(n_buckets):
                    starts[bucket + 1] += starts[bucket]
                for bucket in range(n_buckets):
                    fill[bucket] = starts[bucket]
                for position in range(n_rows):
                    row = order[position]
                    members[fill[bucket_of[row]]] = row
                    fill[bucket_of[row]] += 1
                for bucket in range(n_buckets):
                    size = starts[bucket + 1] - starts[bucket]
                    if size < 2:
                        continue
                    first = starts[bucket]
                    # A small bucket: all pairs. A big one: every member with the hubs (the
                    # first HUBS_PER_BUCKET members, so hubs pair among themselves too) and with its
                    # successor.
                    hubs = size if size <= max_bucket else imin(HUBS_PER_BUCKET, size)
                    needed = hubs * size + size
                    if written + needed > out_size:
                        out_size = imax(2 * out_size, written + needed)
                        grown = <int64_t*>realloc(out, out_size * sizeof(int64_t))
                        if grown == NULL:
                            with gil:
                                raise MemoryError("could not grow the LSH candidate buffer")
                        out = grown
                    for left in range(first, first + hubs):
                        for right in range(left + 1, first + size):
                            out[written] = pair_code(members[left], members[right], n_rows)
                            written += 1
                    if size > max_bucket:
                        for other in range(first + hubs, first + size - 1):
                            out[written] = pair_code(members[other], members[other + 1],
                                                     n_rows)
                            written += 1
        return copied_array(out, written, np.int64)
    finally:
        free(keys)
        free(slots)
        free(bucket_of)
        free(bucket_key)
        free(starts)
        free(fill)
        free(members)
        free(out)
