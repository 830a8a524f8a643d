# _core.hashsort: sorting runs of hash values by top-bit buckets and one insertion pass, with a
# radix sort when the pass would exceed MOVES_PER_VALUE moves per value (see that module).

cdef enum:
    MAX_BUCKETS = 256
    MOVES_PER_VALUE = 8
    DIGIT_BITS = 8
    DIGIT_MASK = 255

HASHSORT_MAX_BUCKETS = MAX_BUCKETS
HASHSORT_MOVES_PER_VALUE = MOVES_PER_VALUE


cdef inline int bucket_bits(int64_t count) noexcept nogil:
    cdef int bits = 1
    while (1 << bits) < count and (1 << bits) < MAX_BUCKETS:
        bits += 1
    return bits


cdef bint radix_pass(const hash_t* source, hash_t* target, int64_t count, int shift,
                     int64_t* counts) noexcept nogil:
    """Stable scatter of ``source`` into ``target`` by the digit at ``shift``; False if only
    one digit occurs (nothing would move, ``target`` untouched)."""
    cdef int64_t position
    cdef int digit
    memset(counts, 0, ((1 << DIGIT_BITS) + 1) * sizeof(int64_t))
    for position in range(count):
        counts[((source[position] >> shift) & DIGIT_MASK) + 1] += 1
    for digit in range(1 << DIGIT_BITS):
        if counts[digit + 1] == count:
            return False
        counts[digit + 1] += counts[digit]
    for position in range(count):
        digit = <int>((source[position] >> shift) & DIGIT_MASK)
        target[counts[digit]] = source[position]
        counts[digit] += 1
    return True


cdef void radix_sort_run(hash_t* values, hash_t* scratch, int64_t count,
                         int64_t* counts) noexcept nogil:
    """Sort ``values`` in place (``scratch`` as long): linear, whatever the values."""
    cdef bint in_values = True
    cdef bint moved
    cdef int shift = 0
    while shift < <int>(sizeof(hash_t) * 8):
        if in_values:
            moved = radix_pass(values, scratch, count, shift, counts)
        else:
            moved = radix_pass(scratch, values, count, shift, counts)
        if moved:
            in_values = not in_values
        shift += DIGIT_BITS
    if not in_values:
        memcpy(values, scratch, count * sizeof(hash_t))


cdef int64_t sort_run(hash_t* values, hash_t* scratch, int64_t count,
                      int64_t* buckets) noexcept nogil:
    """Sort ``values[:count]`` in place; returns the insertion pass's moves."""
    cdef int bits, shift
    cdef int64_t number, position, moves = 0, budget, bucket
    cdef hash_t value
    if count < 2:
        return 0
    bits = bucket_bits(count)
    shift = <int>(sizeof(hash_t) * 8) - bits
    memset(buckets, 0, ((1 << bits) + 1) * sizeof(int64_t))
    for number in range(count):
        buckets[(values[number] >> shift) + 1] += 1
    for bucket in range(1 << bits):
        buckets[bucket + 1] += buckets[bucket]
    for number in range(count):
        bucket = <int64_t>(values[number] >> shift)
        scratch[buckets[bucket]] = values[number]
        buckets[bucket] += 1
    budget = MOVES_PER_VALUE * count
    values[0] = scratch[0]
    for number in range(1, count):
        value = scratch[number]
        position = number
        while position > 0 and values[position - 1] > value:
            values[position] = values[position - 1]
            position -= 1
        values[position] = value
        moves += number - position
        if moves > budget:  # crowded buckets: finish in linear time
            memcpy(values, scratch, count * sizeof(hash_t))
            radix_sort_run(values, scratch, count, buckets)
            break
    return moves


cdef bint slot_radix_pass(const int64_t* source, int64_t* target, int64_t count,
                          const uint64_t* keys, int shift, int64_t* counts) noexcept nogil:
    """:func:`radix_pass` of slots by their keys."""
    cdef int64_t position, slot
    cdef int digit
    memset(counts, 0, ((1 << DIGIT_BITS) + 1) * sizeof(int64_t))
    for position in range(count):
        counts[((keys[source[position]] >> shift) & DIGIT_MASK) + 1] += 1
    for digit in range(1 << DIGIT_BITS):
        if counts[digit + 1] == count:
            return False
        counts[digit + 1] += counts[digit]
    for position in range(count):
        slot = source[position]
        digit = <int>((keys[slot] >> shift) & DIGIT_MASK)
        target[counts[digit]] = slot
        counts[digit] += 1
    return True


cdef int radix_sort_slots(const int64_t* slots, int64_t count, const uint64_t* keys,
                          int64_t* out, int64_t* counts) except -1 nogil:
    """``out``: ``slots`` stably ordered by their keys, in linear time."""
    cdef int64_t* spare = <int64_t*>checked_malloc(count * sizeof(int64_t))
    cdef bint in_out = True
    cdef bint moved
    cdef int shift = 0
    memcpy(out, slots, count * sizeof(int64_t))
    while shift < 64:
        if in_out:
            moved = slot_radix_pass(out, spare, count, keys, shift, counts)
        else:
            moved = slot_radix_pass(spare, out, count, keys, shift, counts)
        if moved:
            in_out = not in_out
        shift += DIGIT_BITS
    if not in_out:
        memcpy(out, spare, count * sizeof(int64_t))
    free(spare)
    return 0


cdef int64_t sort_slots(const int64_t* slots, int64_t count, const uint64_t* keys, int64_t* out,
                        int64_t* buckets) except -1 nogil:
    """``out[:count]``: ``slots`` ordered by ``keys[slot]``, ties in slot order; returns the
    insertion pass's moves."""
    cdef int bits, shift
    cdef int64_t number, position, moves = 0, budget, bucket, slot
    cdef uint64_t key
    if count == 0:
        return 0
    bits = bucket_bits(count)
    shift = 64 - bits
    memset(buckets, 0, ((1 << bits) + 1) * sizeof(int64_t))
    for number in range(count):
        buckets[(keys[slots[number]] >> shift) + 1] += 1
    for bucket in range(1 << bits):
        buckets[bucket + 1] += buckets[bucket]
    for number in range(count):
        slot = slots[number]
        bucket = <int64_t>(keys[slot] >> shift)
        out[buckets[bucket]] = slot
        buckets[bucket] += 1
    budget = MOVES_PER_VALUE * count
    for number in range(1, count):
        slot = out[number]
        key = keys[slot]
        position = number
        while position > 0 and keys[out[position - 1]] > key:
            out[position] = out[position - 1]
            position -= 1
        out[position] = slot
        moves += number - position
        if moves > budget:  # crowded buckets: finish in linear time
            radix_sort_slots(slots, count, keys, out, buckets)
            break
    return moves


def sort_hashes(hash_t[::1] values, hash_t[::1] scratch, int64_t[::1] buckets):
    """Sort ``values`` in place (``scratch`` at least as long, ``buckets`` of 257 entries);
    returns the insertion pass's moves (see ``_core.hashsort``)."""
    cdef int64_t moves
    with nogil:
        moves = sort_run(&values[0] if values.shape[0] else NULL,
                         &scratch[0] if scratch.shape[0] else NULL, values.shape[0],
                         &buckets[0])
    return moves


def radix_sort(hash_t[::1] values, hash_t[::1] scratch, int64_t[::1] counts):
    """Sort ``values`` in place by least-significant-digit radix (``scratch`` as long)."""
    if values.shape[0] == 0:
        return
    with nogil:
        radix_sort_run(&values[0], &scratch[0], values.shape[0], &counts[0])


def sort_slots_by_hash(const int64_t[::1] slots, const uint64_t[::1] keys, int64_t[::1] out,
                       int64_t[::1] buckets):
    """``out[:slots.size]``: ``slots`` ordered by ``keys[slot]``, ties in slot order; returns
    the insertion pass's moves."""
    cdef int64_t moves
    if slots.shape[0] == 0:
        return 0
    with nogil:
        moves = sort_slots(&slots[0], slots.shape[0], &keys[0], &out[0], &buckets[0])
    return moves
