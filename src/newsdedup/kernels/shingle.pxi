# _text.shingle: sorted distinct shingles of each paragraph, and set fingerprints.


def shingle_kernel(const uint64_t[::1] hashes, const int64_t[::1] token_start, int64_t size,
                   const uint64_t[::1] position_keys):
    """Sorted distinct shingles of each paragraph (tokens ``token_start[p]:token_start[p+1]``).

    A full shingle at token ``i`` is the upper half of
    ``fmix64(sum(hashes[i + k] * position_keys[k]))``; a paragraph of ``0 < n < size`` tokens
    gets that of ``fmix64(sum(...over its n tokens) ^ n * salt)``. Returns the CSR offsets
    and the values (a view of a buffer sized for the shingles before de-duplication).
    """
    cdef Py_ssize_t n_paragraphs = token_start.shape[0] - 1
    cdef int64_t capacity = 0, longest = 1, count, first, stop, start, produced, written = 0
    cdef int64_t paragraph, position, distinct, index
    cdef uint64_t combined
    cdef uint32_t* block
    for paragraph in range(n_paragraphs):
        count = token_start[paragraph + 1] - token_start[paragraph]
        capacity += imax(count - size + 1, 1 if count > 0 else 0)
        longest = imax(longest, count)
    values = np.empty(capacity, dtype=np.uint32)
    offsets = np.zeros(n_paragraphs + 1, dtype=np.int64)
    cdef uint32_t[::1] out = values
    cdef int64_t[::1] out_offsets = offsets
    cdef uint32_t* scratch
    cdef int64_t buckets[257]
    with nogil:
        scratch = <uint32_t*>checked_malloc(longest * sizeof(uint32_t))
        for paragraph in range(n_paragraphs):
            first = token_start[paragraph]
            stop = token_start[paragraph + 1]
            count = stop - first
            if count >= size:
                for start in range(first, stop - size + 1):
                    combined = 0
                    for position in range(size):
                        combined += hashes[start + position] * position_keys[position]
                    out[written + start - first] = <uint32_t>(nd_fmix64(combined) >> 32)
                produced = count - size + 1
            elif count > 0:
                combined = 0
                for position in range(count):
                    combined += hashes[first + position] * position_keys[position]
                out[written] = <uint32_t>(
                    nd_fmix64(combined ^ (<uint64_t>count * ND_SHORT_SALT)) >> 32)
                produced = 1
            else:
                produced = 0
            if produced > 1:
                block = &out[written]
                # Linear in the worst case too: see _core.hashsort.
                sort_run(block, scratch, produced, buckets)
                distinct = 1
                for index in range(1, produced):
                    if block[index] != block[distinct - 1]:
                        block[distinct] = block[index]
                        distinct += 1
                produced = distinct
            written += produced
            out_offsets[paragraph + 1] = written
        free(scratch)
    # A view, not a copy: few n-grams repeat inside a paragraph, so little is left unused.
    return offsets, values[:written]


def fingerprint_kernel(const int64_t[::1] offsets, const hash_t[::1] values):
    """An order-independent 64-bit fingerprint of each row (see ``_text.shingle``)."""
    cdef Py_ssize_t row, n_rows = offsets.shape[0] - 1
    cdef int64_t position
    cdef uint64_t total
    prints = np.empty(n_rows, dtype=np.uint64)
    cdef uint64_t[::1] out = prints
    with nogil:
        for row in range(n_rows):
            total = 0
            for position in range(offsets[row], offsets[row + 1]):
                total += nd_fmix64(<uint64_t>values[position] ^ ND_SET_SALT)
            out[row] = nd_fmix64(
                total + <uint64_t>(offsets[row + 1] - offsets[row]) * ND_SET_SALT)
    return prints
