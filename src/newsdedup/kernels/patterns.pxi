# _text.patterns: paragraphs holding a key token, a key token pair, or a whole-paragraph word.


def pattern_candidate_kernel(const uint64_t[::1] hashes, const int64_t[::1] paragraph,
                             const int64_t[::1] token_counts, const uint8_t[::1] key_filter,
                             const uint64_t[::1] key_hashes, const uint64_t[::1] key_roles,
                             int64_t n_paragraphs, int64_t n_pairs, int64_t single_bit,
                             int64_t whole_bit, int64_t first_shift, int64_t second_shift):
    """Candidate flags per paragraph (see ``_text.patterns._candidates``): role bits ``single_bit``
    and ``whole_bit``, then pair ``k``'s first word at bit ``first_shift + k`` and second
    word at ``second_shift + k``."""
    candidate = np.zeros(n_paragraphs, dtype=np.bool_)
    cdef uint8_t[::1] out = candidate
    cdef uint64_t pair_bits = (<uint64_t>1 << n_pairs) - 1
    cdef uint64_t previous_role = 0, role, value
    cdef int64_t previous_paragraph = -1, owner, slot
    cdef Py_ssize_t token
    cdef const uint64_t* keys = &key_hashes[0]
    cdef int64_t n_keys = key_hashes.shape[0], low, high, middle
    with nogil:
        for token in range(hashes.shape[0]):
            role = 0
            value = hashes[token]
            if key_filter[<int64_t>(value & 0xFFFF)]:
                low = 0
                high = n_keys
                while low < high:
                    middle = (low + high) >> 1
                    if keys[middle] < value:
                        low = middle + 1
                    else:
                        high = middle
                slot = low
                if slot < n_keys and keys[slot] == value:
                    role = key_roles[slot]
            owner = paragraph[token]
            if role & <uint64_t>single_bit:
                out[owner] = True
            if role & <uint64_t>whole_bit and token_counts[owner] == 1:
                out[owner] = True
            if owner == previous_paragraph and (
                    (previous_role >> first_shift) & (role >> second_shift) & pair_bits):
                out[owner] = True
            previous_role = role
            previous_paragraph = owner
    return candidate
