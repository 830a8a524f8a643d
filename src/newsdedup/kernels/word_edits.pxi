# _near_duplicates.word_edits: which copies hold a line of their own inside the text they copy.


def own_lines_kernel(const int64_t[::1] article_paragraphs, const uint8_t[::1] allowed,
                     const int64_t[::1] shingle_offsets, const hash_t[::1] shingle_values,
                     const int64_t[::1] union_offsets, const hash_t[::1] union_values,
                     const int64_t[::1] inner, const int64_t[::1] outer):
    """For each pair ``(inner[k], outer[k])``, whether ``inner`` (three content paragraphs
    or more, ``allowed``) holds a content paragraph sharing no shingle with ``outer``'s
    content (its sorted union, row ``outer[k]`` of ``union_offsets``/``union_values``)
    after one that shares some and before another that does, and ``outer`` has content
    (see ``_near_duplicates.word_edits.own_lines_edited``): one merge per paragraph, until
    the answer is known."""
    cdef Py_ssize_t pair, n_pairs = inner.shape[0]
    found_out = np.zeros(n_pairs, dtype=np.uint8)
    cdef uint8_t[::1] out = found_out
    if n_pairs == 0 or shingle_values.shape[0] == 0 or union_values.shape[0] == 0:
        return found_out.view(np.bool_)
    cdef const hash_t* values = &shingle_values[0]
    cdef const hash_t* merged = &union_values[0]
    cdef int64_t line, a, b, content, shares
    cdef bint seen, pending
    with nogil:
        for pair in range(n_pairs):
            a = inner[pair]
            b = outer[pair]
            content = 0
            for line in range(article_paragraphs[a], article_paragraphs[a + 1]):
                content += allowed[line] != 0
            # Content paragraphs hold shingles: an empty union is an outer without content.
            if content < 3 or union_offsets[b] >= union_offsets[b + 1]:
                continue
            seen = False
            pending = False
            for line in range(article_paragraphs[a], article_paragraphs[a + 1]):
                if not allowed[line]:
                    continue
                shares = 0
                if shingle_offsets[line] < shingle_offsets[line + 1]:
                    shares = shared_count(values, shingle_offsets[line],
                                          shingle_offsets[line + 1], merged,
                                          union_offsets[b], union_offsets[b + 1])
                if shares > 0:
                    if pending:
                        out[pair] = 1
                        break
                    seen = True
                elif seen:
                    pending = True
    return found_out.view(np.bool_)
