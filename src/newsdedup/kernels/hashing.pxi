# _core.hashing: the 64-bit finalizer of one value (the loops use nd_fmix64 of common.h).


def fmix64_scalar(uint64_t value):
    """:func:`newsdedup._core.hashing.fmix64` of one ``uint64``."""
    return np.uint64(nd_fmix64(value))
