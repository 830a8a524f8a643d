# _near_duplicates.copy_families: the shingles of the clusters two classes share.


def shared_weights(const int64_t[::1] offsets, const int64_t[::1] cluster,
                   const int64_t[::1] size, const int64_t[::1] a, const int64_t[::1] b):
    """For each class pair, the shingles of their shared clusters (the smaller side's)."""
    cdef Py_ssize_t pair
    cdef int64_t left, left_stop, right, right_stop, total, this, mine, theirs
    out = np.zeros(a.shape[0], dtype=np.int64)
    cdef int64_t[::1] result = out
    with nogil:
        for pair in range(a.shape[0]):
            left = offsets[a[pair]]
            left_stop = offsets[a[pair] + 1]
            right = offsets[b[pair]]
            right_stop = offsets[b[pair] + 1]
            total = 0
            while left < left_stop and right < right_stop:
                if cluster[left] < cluster[right]:
                    left += 1
                elif cluster[left] > cluster[right]:
                    right += 1
                else:
                    # All entries of this cluster on each side.
                    this = cluster[left]
                    mine = 0
                    while left < left_stop and cluster[left] == this:
                        mine += size[left]
                        left += 1
                    theirs = 0
                    while right < right_stop and cluster[right] == this:
                        theirs += size[right]
                        right += 1
                    total += imin(mine, theirs)
            result[pair] = total
    return out
