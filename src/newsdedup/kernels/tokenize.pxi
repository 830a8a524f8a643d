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


def stem_token_bytes(const uint8_t[::1] raw, const uint8_t[::1] classes, int64_t letters,
                     uint8_t letter_bit, uint8_t mark_bit):
    """Token text ``raw`` (UTF-8, tokens apart by spaces, paragraphs by line breaks) with each
    token made only of code points of class ``letter_bit`` or ``mark_bit`` (``classes``, a
    table over every code point) cut after its ``letters``-th letter and that letter's marks
    (see ``_text.stems``). Returns the cut bytes (a uint8 array) and how many tokens were
    cut. One pass: each token is decoded once to decide, then copied whole or cut."""
    cdef Py_ssize_t size = raw.shape[0]
    cdef Py_ssize_t position = 0, start, end, cut_at, written = 0, step
    cdef int64_t counted, n_cut = 0
    cdef uint32_t point
    cdef uint8_t byte, flags
    cdef bint cuttable
    out = np.empty(size, dtype=np.uint8)
    cdef uint8_t[::1] target = out
    with nogil:
        while position < size:
            byte = raw[position]
            if byte == SPACE or byte == NEWLINE:
                target[written] = byte
                written += 1
                position += 1
                continue
            start = position
            end = position
            counted = 0
            cut_at = -1
            cuttable = True
            while end < size and raw[end] != SPACE and raw[end] != NEWLINE:
                byte = raw[end]
                if byte < 0x80:
                    point = byte
                    step = 1
                elif byte < 0xE0:
                    point = ((byte & 0x1F) << 6) | (raw[end + 1] & 0x3F)
                    step = 2
                elif byte < 0xF0:
                    point = (((byte & 0x0F) << 12) | ((raw[end + 1] & 0x3F) << 6)
                             | (raw[end + 2] & 0x3F))
                    step = 3
                else:
                    point = (((byte & 0x07) << 18) | ((raw[end + 1] & 0x3F) << 12)
                             | ((raw[end + 2] & 0x3F) << 6) | (raw[end + 3] & 0x3F))
                    step = 4
                flags = classes[point] if point < <uint32_t>classes.shape[0] else 0
                if flags & letter_bit:
                    counted += 1
                    if counted == letters + 1:
                        cut_at = end
                elif not (flags & mark_bit):
                    cuttable = False
                end += step
            if not cuttable or cut_at < 0:
                cut_at = end
            else:
                n_cut += 1
            while start < cut_at:
                target[written] = raw[start]
                written += 1
                start += 1
            position = end
    return out[:written], n_cut


def ascii_typography_kernel(const uint8_t[::1] data, const int8_t[::1] lengths,
                            const uint8_t[:, ::1] replacements):
    """``data`` (UTF-8) with each character of the Basic Multilingual Plane whose
    ``lengths`` entry is 0 or more written as that many bytes of its ``replacements`` row
    (never more bytes than its UTF-8: see ``_text.tokenize.ascii_typography``), every other
    character copied as it is; one pass."""
    cdef Py_ssize_t size = data.shape[0]
    cdef Py_ssize_t position = 0, written = 0, width, k
    cdef uint8_t byte
    cdef uint32_t point
    cdef int8_t length
    out = np.empty(size, dtype=np.uint8)
    cdef uint8_t[::1] result = out
    with nogil:
        while position < size:
            byte = data[position]
            if byte < 0x80:
                result[written] = byte
                written += 1
                position += 1
                continue
            point = 0x110000  # none of the table's
            if (byte & 0xE0) == 0xC0:
                width = 2
                if position + 1 < size:
                    point = ((byte & 0x1F) << 6) | (data[position + 1] & 0x3F)
            elif (byte & 0xF0) == 0xE0:
                width = 3
                if position + 2 < size:
                    point = (((byte & 0x0F) << 12) | ((data[position + 1] & 0x3F) << 6)
                             | (data[position + 2] & 0x3F))
            elif (byte & 0xF8) == 0xF0:
                width = 4
            else:
                width = 1
            if position + width > size:
                width = size - position
            length = lengths[point] if point < 0x10000 else -1
            if length >= 0:
                for k in range(length):
                    result[written + k] = replacements[point, k]
                written += length
            else:
                for k in range(width):
                    result[written + k] = data[position + k]
                written += width
            position += width
    return out[:written]
