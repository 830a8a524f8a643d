/* _near_duplicates.minhash: the signature loop, in C so that its loop over the permutations
 * can be built for several instruction sets (SIMD lanes of 8 or 16 values) and picked at
 * load time. */
#ifndef NEWSDEDUP_KERNELS_MINHASH_H
#define NEWSDEDUP_KERNELS_MINHASH_H

#include <stdint.h>
#include "common.h"

#if defined(__x86_64__) && defined(__GNUC__) && defined(__linux__) && !defined(ND_NO_CLONES)
#define ND_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define ND_CLONES
#endif

ND_CLONES
static void nd_sign_rows(const int64_t *offsets, const uint32_t *values, const int64_t *rows,
                         int64_t n_rows, const uint32_t *a, const uint32_t *b, int64_t num_perm,
                         uint32_t *out, int64_t out_stride) {
    for (int64_t number = 0; number < n_rows; number++) {
        int64_t row = rows[number];
        uint32_t *signature = out + number * out_stride;
        for (int64_t permutation = 0; permutation < num_perm; permutation++)
            signature[permutation] = 0xFFFFFFFFu;
        for (int64_t position = offsets[row]; position < offsets[row + 1]; position++) {
            uint32_t mixed = nd_fmix32(values[position]);
            for (int64_t permutation = 0; permutation < num_perm; permutation++) {
                uint32_t permuted = a[permutation] * mixed + b[permutation];
                signature[permutation] = permuted < signature[permutation]
                                         ? permuted : signature[permutation];
            }
        }
    }
}

#endif
