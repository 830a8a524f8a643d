# _near_duplicates.boilerplate: the carriers of candidate blocks and their families (union-find).


cdef inline int64_t find_root(const int64_t* parent, int64_t node) noexcept nogil:
    while parent[node] != node:
        node = parent[node]
    return node


def families(const int64_t[::1] blocks, const int64_t[::1] block_offsets,
             const int64_t[::1] articles_by_block, const int64_t[::1] article_offsets,
             const int64_t[::1] blocks_by_article, const uint8_t[::1] is_candidate,
             const int64_t[::1] copy_family):
    """Carriers and families of each of ``blocks``: CSR offsets, each block's distinct
    carriers (ascending), their family labels, and each block's number of families.

    Two carriers are in one family when they share a content block (one that is not a
    candidate) or are in one copy family; families are the connected components of that
    relation (union-find).
    """
    cdef int64_t n_blocks = block_offsets.shape[0] - 1, n_selected = blocks.shape[0]
    cdef int64_t n_copy_families = 1, total = 0, longest = 0, number, block, size, local
    cdef int64_t article, position, other, root_a, root_b, family, n_touched, n_families
    cdef int64_t written = 0, start, stop, distinct, root
    cdef Py_ssize_t k
    cdef int64_t* first_carrier = NULL
    cdef int64_t* first_of_copy = NULL
    cdef int64_t* carriers = NULL
    cdef int64_t* parent = NULL
    cdef int64_t* touched = NULL
    with nogil:
        for k in range(copy_family.shape[0]):
            n_copy_families = imax(n_copy_families, copy_family[k] + 1)
        for number in range(n_selected):
            size = block_offsets[blocks[number] + 1] - block_offsets[blocks[number]]
            total += size
            longest = imax(longest, size)
    offsets = np.zeros(n_selected + 1, dtype=np.int64)
    carriers_out = np.empty(total, dtype=np.int64)
    families_out = np.empty(total, dtype=np.int64)
    counts = np.zeros(n_selected, dtype=np.int64)
    cdef int64_t[::1] out_offsets = offsets
    cdef int64_t[::1] out_carriers = carriers_out
    cdef int64_t[::1] out_families = families_out
    cdef int64_t[::1] out_counts = counts
    try:
        with nogil:
            first_carrier = <int64_t*>checked_malloc(n_blocks * sizeof(int64_t))
            for k in range(n_blocks):
                first_carrier[k] = -1  # per content block, reset after each block
            first_of_copy = <int64_t*>checked_malloc(n_copy_families * sizeof(int64_t))
            for k in range(n_copy_families):
                first_of_copy[k] = -1
            carriers = <int64_t*>checked_malloc(longest * sizeof(int64_t))
            parent = <int64_t*>checked_malloc(longest * sizeof(int64_t))
            touched = <int64_t*>checked_malloc(n_blocks * sizeof(int64_t))
            for number in range(n_selected):
                block = blocks[number]
                start = block_offsets[block]
                stop = block_offsets[block + 1]
                # The block's distinct carriers, ascending (np.unique).
                for position in range(start, stop):
                    carriers[position - start] = articles_by_block[position]
                sort_values(carriers, stop - start)
                size = 0
                for position in range(stop - start):
                    if size == 0 or carriers[position] != carriers[size - 1]:
                        carriers[size] = carriers[position]
                        size += 1
                for local in range(size):
                    parent[local] = local
                n_touched = 0
                for local in range(size):
                    article = carriers[local]
                    for position in range(article_offsets[article], article_offsets[article + 1]):
                        other = blocks_by_article[position]
                        if is_candidate[other]:
                            continue
                        if first_carrier[other] < 0:
                            first_carrier[other] = local
                            touched[n_touched] = other
                            n_touched += 1
                            continue
                        root_a = find_root(parent, local)
                        root_b = find_root(parent, first_carrier[other])
                        if root_a != root_b:
                            parent[imax(root_a, root_b)] = imin(root_a, root_b)
                for local in range(size):
                    family = copy_family[carriers[local]]
                    if family < 0:
                        continue
                    if first_of_copy[family] < 0:
                        first_of_copy[family] = local
                        continue
                    root_a = find_root(parent, local)
                    root_b = find_root(parent, first_of_copy[family])
                    if root_a != root_b:
                        parent[imax(root_a, root_b)] = imin(root_a, root_b)
                for local in range(size):
                    if copy_family[carriers[local]] >= 0:
                        first_of_copy[copy_family[carriers[local]]] = -1
                for local in range(n_touched):
                    first_carrier[touched[local]] = -1
                n_families = 0
                for local in range(size):
                    root = find_root(parent, local)
                    parent[local] = root
                    if root == local:
                        n_families += 1
                    out_carriers[written + local] = carriers[local]
                    out_families[written + local] = root
                out_counts[number] = n_families
                written += size
                out_offsets[number + 1] = written
    finally:
        free(first_carrier)
        free(first_of_copy)
        free(carriers)
        free(parent)
        free(touched)
    return offsets, carriers_out[:written], families_out[:written], counts
