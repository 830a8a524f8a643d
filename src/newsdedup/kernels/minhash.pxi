# _near_duplicates.minhash: MinHash signatures of many rows, datasketch's affine32 scheme.

cdef extern from "kernels/minhash.h" nogil:
    void nd_sign_rows(const int64_t* offsets, const uint32_t* values, const int64_t* rows,
                      int64_t n_rows, const uint32_t* a, const uint32_t* b, int64_t num_perm,
                      uint32_t* out, int64_t out_stride)


def signature_kernel(const int64_t[::1] offsets, const uint32_t[::1] values,
                     const int64_t[::1] rows, const uint32_t[::1] a, const uint32_t[::1] b,
                     uint32_t[:, ::1] out):
    """Fill ``out[k]`` with the minimum of ``a * fmix32(value) + b`` over the (32-bit)
    shingles of row ``rows[k]`` (uint32 arithmetic, wrapping), or 0xFFFFFFFF if it has none."""
    if rows.shape[0] == 0 or a.shape[0] == 0:
        return
    with nogil:
        nd_sign_rows(&offsets[0], &values[0] if values.shape[0] else NULL, &rows[0],
                     rows.shape[0], &a[0], &b[0], a.shape[0], &out[0, 0], out.strides[0] // 4)
