# _text.tokenize: token hashes of a batch of paragraphs, one pass over its UTF-8 bytes.

cdef enum:
    SPACE = 0x20
    NEWLINE = 0x0A

TOKEN_Q = ND_TOKEN_Q
TOKEN_LENGTH_SALT = ND_LENGTH_SALT


def hash_token_kernel(const uint8_t[::1] raw):
    """Token hashes and paragraph numbers of ``raw`` (see ``_text.tokenize.hash_token_bytes``).

    A token of bytes ``v[0..n-1]`` hashes to ``fmix64(sum((v[j] + 1) * Q**j) ^ n * SALT)``
    modulo 2**64.
    """
    cdef Py_ssize_t size = raw.shape[0]
    cdef Py_ssize_t position, start, count = 0, token = 0
    cdef bint inside = False, in_token
    cdef uint8_t byte
    cdef int64_t current = 0
    cdef uint64_t polynomial, power
    with nogil:
        for position in range(size):
            byte = raw[position]
            in_token = byte != SPACE and byte != NEWLINE
            if in_token and not inside:
                count += 1
            inside = in_token
    hashes = np.empty(count, dtype=np.uint64)
    paragraph = np.empty(count, dtype=np.int64)
    cdef uint64_t[::1] hashes_out = hashes
    cdef int64_t[::1] paragraph_out = paragraph
    with nogil:
        position = 0
        while position < size:
            byte = raw[position]
            if byte == NEWLINE:
                current += 1
                position += 1
                continue
            if byte == SPACE:
                position += 1
                continue
            polynomial = 0
            power = 1
            start = position
            while position < size and raw[position] != SPACE and raw[position] != NEWLINE:
                polynomial += (<uint64_t>raw[position] + 1) * power
                power *= ND_TOKEN_Q
                position += 1
            hashes_out[token] = nd_fmix64(
                polynomial ^ (<uint64_t>(position - start) * ND_LENGTH_SALT))
            paragraph_out[token] = current
            token += 1
    return hashes, paragraph
