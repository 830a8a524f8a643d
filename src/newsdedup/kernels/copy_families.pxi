# _near_duplicates.copy_families: the shingles of the clusters two classes share, and which
# pairs of classes that makes one family.


def related_pairs(const int64_t[::1] offsets, const int64_t[::1] cluster,
                  const int64_t[::1] size, const int64_t[::1] specific,
                  const int64_t[::1] weight, const int64_t[::1] a, const int64_t[::1] b,
                  double share):
    """For each class pair, whether it is related: the shingles of their shared clusters
    (the smaller side's of each: ``size`` per entry, all shared text; ``specific``, the
    text of few carriers) reach ``share`` of the smaller class's ``weight``, and either the
    specific text does too or all shared text reaches ``share`` of the larger one's
    (``_near_duplicates.copy_families``). One merge per pair, no array per quantity."""
    cdef Py_ssize_t pair
    cdef int64_t left, left_stop, right, right_stop, total, total_specific, this
    cdef int64_t mine, theirs, mine_specific, theirs_specific, small, large
    out = np.zeros(a.shape[0], dtype=np.bool_)
    cdef uint8_t[::1] result = out.view(np.uint8)
    with nogil:
        for pair in range(a.shape[0]):
            left = offsets[a[pair]]
            left_stop = offsets[a[pair] + 1]
            right = offsets[b[pair]]
            right_stop = offsets[b[pair] + 1]
            total = 0
            total_specific = 0
            while left < left_stop and right < right_stop:
                if cluster[left] < cluster[right]:
                    left += 1
                elif cluster[left] > cluster[right]:
                    right += 1
                else:
                    # All entries of this cluster on each side.
                    this = cluster[left]
                    mine = 0
                    mine_specific = 0
                    while left < left_stop and cluster[left] == this:
                        mine += size[left]
                        mine_specific += specific[left]
                        left += 1
                    theirs = 0
                    theirs_specific = 0
                    while right < right_stop and cluster[right] == this:
                        theirs += size[right]
                        theirs_specific += specific[right]
                        right += 1
                    total += imin(mine, theirs)
                    total_specific += imin(mine_specific, theirs_specific)
            small = imin(weight[a[pair]], weight[b[pair]])
            large = imax(weight[a[pair]], weight[b[pair]])
            result[pair] = (<double>total >= share * <double>small
                            and (<double>total_specific >= share * <double>small
                                 or <double>total >= share * <double>large))
    return out

