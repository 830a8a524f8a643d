/* Hash mixers and constants shared by the kernels (see README.md beside this file). */
#ifndef NEWSDEDUP_KERNELS_COMMON_H
#define NEWSDEDUP_KERNELS_COMMON_H

#include <stdint.h>

/* MurmurHash3's 64-bit finalizer (_core.hashing.fmix64). */
static inline uint64_t nd_fmix64(uint64_t value) {
    value ^= value >> 33;
    value *= 0xFF51AFD7ED558CCDULL;
    value ^= value >> 33;
    value *= 0xC4CEB9FE1A85EC53ULL;
    value ^= value >> 33;
    return value;
}

/* MurmurHash3's 32-bit finalizer (the one datasketch-compatible MinHash applies). */
static inline uint32_t nd_fmix32(uint32_t value) {
    value ^= value >> 16;
    value *= 0x85EBCA6BU;
    value ^= value >> 13;
    value *= 0xC2B2AE35U;
    value ^= value >> 16;
    return value;
}

/* _text.tokenize: the inverse modulo 2**64 of the FNV prime, and the length salt. */
#define ND_TOKEN_Q 0xCE965057AFF6957BULL
#define ND_LENGTH_SALT 0x9E3779B97F4A7C15ULL
/* _text.shingle: salts of short paragraphs and of set fingerprints. */
#define ND_SHORT_SALT 0xD6E8FEB86659FD93ULL
#define ND_SET_SALT 0x2545F4914F6CDD1DULL
/* _near_duplicates.lsh: the FNV prime that chains a band's values. */
#define ND_FNV_PRIME 0x100000001B3ULL
/* Upper half of a 64-bit hash, in place (_text.terms). */
#define ND_TOP_HALF 0xFFFFFFFF00000000ULL

/* Index of the lowest set bit of a nonzero word (_stories.rewrite walks bit sets in order). */
static inline int nd_lowest_bit(uint64_t word) {
    return __builtin_ctzll(word);
}

/* Ask for the cache line holding an address that a loop will read soon (random accesses
   into tables larger than the caches: _stories.rewrite's n-gram counts). */
static inline void nd_prefetch(const void* address) {
    __builtin_prefetch(address, 1, 1);
}

#endif
