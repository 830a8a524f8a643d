# _stories.sparse_linkage: the merge loop of average linkage over sparse edges.
#
# What the Python loop it replaced did, with the same arithmetic in the same order (see
# ``_merge_clusters`` and the reference in tests/reference_kernels/_sparse_linkage.py):
# clusters are numbered as they are made (nodes first, then n_nodes + step); the summed
# similarity of each pair of live clusters sits in one open-addressing table keyed by the
# pair; each cluster lists its neighbours (entries naming merged clusters are skipped when
# read); the heap pops the highest mean first, ties by the lower (left, right) numbers.


cdef struct PairTable:
    uint64_t* keys
    double* values
    int64_t mask
    int64_t count


cdef struct MeanEntry:
    double mean
    int64_t left
    int64_t right


cdef struct NodeList:
    int64_t* items
    int64_t length
    int64_t capacity


cdef uint64_t PAIR_EMPTY = 0xFFFFFFFFFFFFFFFFULL


cdef int pair_table_init(PairTable* table, int64_t expected) except -1 nogil:
    cdef int64_t slots = table_slots(imax(expected, 8))
    table.keys = <uint64_t*>checked_malloc(slots * sizeof(uint64_t))
    table.values = <double*>checked_malloc(slots * sizeof(double))
    memset(table.keys, 0xFF, slots * sizeof(uint64_t))
    table.mask = slots - 1
    table.count = 0
    return 0


cdef inline int64_t pair_slot(const PairTable* table, uint64_t key) noexcept nogil:
    """The slot holding ``key``, or the empty slot where it would go (linear probing)."""
    cdef int64_t slot = <int64_t>(nd_fmix64(key) & <uint64_t>table.mask)
    while table.keys[slot] != PAIR_EMPTY and table.keys[slot] != key:
        slot = (slot + 1) & table.mask
    return slot


cdef int pair_table_set(PairTable* table, uint64_t key, double value) except -1 nogil:
    cdef int64_t slot, old_slots, index
    cdef uint64_t* old_keys
    cdef double* old_values
    if 2 * (table.count + 1) > table.mask + 1:
        old_keys, old_values, old_slots = table.keys, table.values, table.mask + 1
        table.keys = <uint64_t*>malloc(2 * old_slots * sizeof(uint64_t))
        table.values = <double*>malloc(2 * old_slots * sizeof(double))
        if table.keys == NULL or table.values == NULL:
            free(table.keys)
            free(table.values)
            table.keys, table.values = old_keys, old_values
            with gil:
                raise MemoryError("could not grow the linkage's pair table")
        memset(table.keys, 0xFF, 2 * old_slots * sizeof(uint64_t))
        table.mask = 2 * old_slots - 1
        for index in range(old_slots):
            if old_keys[index] != PAIR_EMPTY:
                slot = pair_slot(table, old_keys[index])
                table.keys[slot] = old_keys[index]
                table.values[slot] = old_values[index]
        free(old_keys)
        free(old_values)
    slot = pair_slot(table, key)
    if table.keys[slot] == PAIR_EMPTY:
        table.keys[slot] = key
        table.count += 1
    table.values[slot] = value
    return 0


cdef inline bint pair_table_get(const PairTable* table, uint64_t key,
                                double* value) noexcept nogil:
    cdef int64_t slot = pair_slot(table, key)
    if table.keys[slot] == PAIR_EMPTY:
        return False
    value[0] = table.values[slot]
    return True


cdef inline uint64_t pair_key(int64_t a, int64_t b, int64_t n_clusters) noexcept nogil:
    if a > b:
        a, b = b, a
    return <uint64_t>a * <uint64_t>n_clusters + <uint64_t>b


cdef inline bint pops_before(const MeanEntry* x, const MeanEntry* y) noexcept nogil:
    """Whether ``x`` pops before ``y``: a higher mean, then lower cluster numbers (the order
    of the tuples ``(-mean, left, right)`` in a min-heap)."""
    if x.mean != y.mean:
        return x.mean > y.mean
    if x.left != y.left:
        return x.left < y.left
    return x.right < y.right


cdef int heap_push(MeanEntry** heap, int64_t* length, int64_t* capacity,
                   double mean, int64_t left, int64_t right) except -1 nogil:
    cdef int64_t at, up
    cdef MeanEntry entry
    if length[0] == capacity[0]:
        capacity[0] = imax(2 * capacity[0], 64)
        heap[0] = <MeanEntry*>checked_realloc(heap[0], capacity[0] * sizeof(MeanEntry))
    entry.mean = mean
    entry.left = left
    entry.right = right
    at = length[0]
    length[0] += 1
    while at > 0:
        up = (at - 1) // 2
        if not pops_before(&entry, &heap[0][up]):
            break
        heap[0][at] = heap[0][up]
        at = up
    heap[0][at] = entry
    return 0


cdef MeanEntry heap_pop(MeanEntry* heap, int64_t* length) noexcept nogil:
    cdef MeanEntry top = heap[0]
    cdef MeanEntry last
    cdef int64_t at = 0, child
    length[0] -= 1
    if length[0] == 0:
        return top
    last = heap[length[0]]
    while True:
        child = 2 * at + 1
        if child >= length[0]:
            break
        if child + 1 < length[0] and pops_before(&heap[child + 1], &heap[child]):
            child += 1
        if not pops_before(&heap[child], &last):
            break
        heap[at] = heap[child]
        at = child
    heap[at] = last
    return top


cdef int list_append(NodeList* node_list, int64_t value) except -1 nogil:
    if node_list.length == node_list.capacity:
        node_list.capacity = imax(2 * node_list.capacity, 4)
        node_list.items = <int64_t*>checked_realloc(node_list.items,
                                                    node_list.capacity * sizeof(int64_t))
    node_list.items[node_list.length] = value
    node_list.length += 1
    return 0


def merge_clusters_kernel(int64_t n_nodes, const int64_t[::1] first,
                          const int64_t[::1] second, const double[::1] total,
                          const int64_t[::1] sizes, double threshold, bint agreeing,
                          const int64_t[::1] agree_offsets, const int64_t[::1] agree_other,
                          const double[::1] agree_value, const double[::1] agree_inner,
                          double minimum):
    """Parent of each node and of each cluster merged (``n_nodes + step``), -1 at the roots:
    the loop of ``_stories.sparse_linkage._merge_clusters``.

    Edges ``(first[k], second[k])`` (``first < second``, each pair once) carry the summed
    similarity ``total[k]`` of the items of two nodes of ``sizes`` items. With ``agreeing``,
    ``agree_offsets`` / ``agree_other`` / ``agree_value`` list each node's agreements (by
    node, then neighbour), ``agree_inner`` each node's agreement within, and a merge must
    reach ``minimum`` (see the module's docstring).
    """
    cdef int64_t n_clusters = 2 * n_nodes
    cdef int64_t n_edges = first.shape[0]
    parent_array = np.full(n_clusters, -1, dtype=np.int64)
    cdef int64_t[::1] parent = parent_array
    cdef int64_t* size = NULL
    cdef uint8_t* alive = NULL
    cdef double* inner = NULL
    cdef int64_t* stamp = NULL
    cdef NodeList* neighbours = NULL
    cdef MeanEntry* heap = NULL
    cdef int64_t heap_length = 0, heap_capacity = 0
    cdef PairTable table
    # Agreement: the set of nodes of each cluster, as linked lists headed by a node.
    cdef int64_t* set_of_node = NULL
    cdef int64_t* set_of_cluster = NULL
    cdef int64_t* next_member = NULL
    cdef int64_t* last_member = NULL
    cdef int64_t* set_count = NULL
    cdef int64_t k, node, left, right, fresh, big, small, other, index, member, entry
    cdef int64_t iterated, target, merged_size, left_set, right_set
    cdef double mean, summed, part, between, norms
    cdef bint found
    cdef MeanEntry popped
    cdef NodeList merged_list
    table.keys = NULL
    table.values = NULL
    try:
        with nogil:
            size = <int64_t*>checked_calloc(imax(n_clusters, 1), sizeof(int64_t))
            alive = <uint8_t*>checked_calloc(imax(n_clusters, 1), sizeof(uint8_t))
            inner = <double*>checked_calloc(imax(n_clusters, 1), sizeof(double))
            stamp = <int64_t*>checked_malloc(imax(n_clusters, 1) * sizeof(int64_t))
            neighbours = <NodeList*>checked_calloc(imax(n_clusters, 1), sizeof(NodeList))
            pair_table_init(&table, 2 * n_edges)
            for k in range(n_clusters):
                stamp[k] = -1
            for node in range(n_nodes):
                size[node] = sizes[node]
            for k in range(n_edges):
                left = first[k]
                right = second[k]
                alive[left] = True
                alive[right] = True
                list_append(&neighbours[left], right)
                list_append(&neighbours[right], left)
                pair_table_set(&table, pair_key(left, right, n_clusters), total[k])
                mean = total[k] / <double>(size[left] * size[right])
                if mean >= threshold:
                    heap_push(&heap, &heap_length, &heap_capacity, mean, left, right)
            if agreeing:
                set_of_node = <int64_t*>checked_malloc(imax(n_nodes, 1) * sizeof(int64_t))
                set_of_cluster = <int64_t*>checked_malloc(imax(n_clusters, 1)
                                                          * sizeof(int64_t))
                next_member = <int64_t*>checked_malloc(imax(n_nodes, 1) * sizeof(int64_t))
                last_member = <int64_t*>checked_malloc(imax(n_nodes, 1) * sizeof(int64_t))
                set_count = <int64_t*>checked_malloc(imax(n_nodes, 1) * sizeof(int64_t))
                for node in range(n_nodes):
                    set_of_node[node] = node
                    set_of_cluster[node] = node
                    next_member[node] = -1
                    last_member[node] = node
                    set_count[node] = 1
                    inner[node] = agree_inner[node]
            fresh = n_nodes
            while heap_length > 0:
                popped = heap_pop(heap, &heap_length)
                left = popped.left
                right = popped.right
                if not alive[left] or not alive[right]:
                    continue
                if agreeing:
                    # Summed agreement across the two clusters: over the members of the
                    # smaller set (the left one on a tie), in member order.
                    left_set = set_of_cluster[left]
                    right_set = set_of_cluster[right]
                    if set_count[right_set] < set_count[left_set]:
                        iterated, target = right_set, left_set
                    else:
                        iterated, target = left_set, right_set
                    between = 0.0
                    member = iterated
                    while member != -1:
                        for entry in range(agree_offsets[member], agree_offsets[member + 1]):
                            if set_of_node[agree_other[entry]] == target:
                                between += agree_value[entry]
                        member = next_member[member]
                    norms = ((<double>size[left] + 2.0 * inner[left])
                             * (<double>size[right] + 2.0 * inner[right]))
                    if between < minimum * sqrt(norms):
                        continue
                    inner[fresh] = inner[left] + inner[right] + between
                    # The smaller set joins the larger (the left one on a tie).
                    if set_count[left_set] < set_count[right_set]:
                        left_set, right_set = right_set, left_set
                    member = right_set
                    while member != -1:
                        set_of_node[member] = left_set
                        member = next_member[member]
                    next_member[last_member[left_set]] = right_set
                    last_member[left_set] = last_member[right_set]
                    set_count[left_set] += set_count[right_set]
                    set_of_cluster[fresh] = left_set
                alive[left] = False
                alive[right] = False
                # The merged cluster's neighbours: the live ones of both, each once (the
                # longer list is reused in place).
                if neighbours[left].length >= neighbours[right].length:
                    big, small = left, right
                else:
                    big, small = right, left
                merged_list = neighbours[big]
                neighbours[big].items = NULL
                neighbours[big].length = neighbours[big].capacity = 0
                index = 0
                for k in range(merged_list.length):
                    other = merged_list.items[k]
                    if alive[other] and stamp[other] != fresh:
                        stamp[other] = fresh
                        merged_list.items[index] = other
                        index += 1
                merged_list.length = index
                for k in range(neighbours[small].length):
                    other = neighbours[small].items[k]
                    if alive[other] and stamp[other] != fresh:
                        stamp[other] = fresh
                        list_append(&merged_list, other)
                free(neighbours[small].items)
                neighbours[small].items = NULL
                neighbours[small].length = neighbours[small].capacity = 0
                neighbours[fresh] = merged_list
                merged_size = size[left] + size[right]
                size[fresh] = merged_size
                parent[left] = fresh
                parent[right] = fresh
                alive[fresh] = True
                for k in range(merged_list.length):
                    other = merged_list.items[k]
                    # The sums of both clusters to a neighbour, added (one alone, as is).
                    found = pair_table_get(&table, pair_key(left, other, n_clusters), &summed)
                    if pair_table_get(&table, pair_key(right, other, n_clusters), &part):
                        summed = summed + part if found else part
                    pair_table_set(&table, pair_key(fresh, other, n_clusters), summed)
                    list_append(&neighbours[other], fresh)
                    mean = summed / <double>(merged_size * size[other])
                    if mean >= threshold:
                        heap_push(&heap, &heap_length, &heap_capacity, mean, other, fresh)
                fresh += 1
    finally:
        if neighbours != NULL:
            for k in range(n_clusters):
                free(neighbours[k].items)
        free(neighbours)
        free(size)
        free(alive)
        free(inner)
        free(stamp)
        free(heap)
        free(table.keys)
        free(table.values)
        free(set_of_node)
        free(set_of_cluster)
        free(next_member)
        free(last_member)
        free(set_count)
    return parent_array[:fresh].copy()


def agreement_runs(int64_t n_nodes, const int64_t[::1] first, const int64_t[::1] second,
                   const double[::1] value):
    """Each node's pairs as one run, by node, then neighbour: CSR ``offsets``, the
    neighbour and the value of each entry (each pair twice, once from each end). The pairs
    must come sorted by ``(first, second)``, with ``first < second`` (a ValueError
    otherwise): a node's neighbours below it then come in order from the pairs it ends,
    then those above it from the pairs it starts, so a counting sort by node (linear) puts
    them in order, where a sort of the entries by (node, neighbour) took most of the merge
    step's time at a million articles (tens of millions of agreements)."""
    cdef int64_t n_pairs = first.shape[0], k, position
    cdef bint ordered = True
    cdef int64_t* cursor = NULL
    offsets_array = np.zeros(n_nodes + 1, dtype=np.int64)
    other_array = np.empty(2 * n_pairs, dtype=np.int64)
    values_array = np.empty(2 * n_pairs, dtype=np.float64)
    cdef int64_t[::1] offsets = offsets_array
    cdef int64_t[::1] other = other_array
    cdef double[::1] values = values_array
    with nogil:
        for k in range(n_pairs):
            if (first[k] >= second[k] or first[k] < 0 or second[k] >= n_nodes
                    or (k > 0 and (first[k] < first[k - 1]
                                   or (first[k] == first[k - 1]
                                       and second[k] <= second[k - 1])))):
                ordered = False
                break
    if not ordered:
        raise ValueError("agreement_runs: expected pairs sorted by (first, second), "
                         "first < second, each once, nodes below n_nodes")
    try:
        with nogil:
            for k in range(n_pairs):
                offsets[first[k] + 1] += 1
                offsets[second[k] + 1] += 1
            for k in range(n_nodes):
                offsets[k + 1] += offsets[k]
            cursor = <int64_t*>checked_malloc(imax(n_nodes, 1) * sizeof(int64_t))
            for k in range(n_nodes):
                cursor[k] = offsets[k]
            for k in range(n_pairs):
                position = cursor[second[k]]
                cursor[second[k]] += 1
                other[position] = first[k]
                values[position] = value[k]
            for k in range(n_pairs):
                position = cursor[first[k]]
                cursor[first[k]] += 1
                other[position] = second[k]
                values[position] = value[k]
    finally:
        free(cursor)
    return offsets_array, other_array, values_array
