"""Paragraphs built to be hard: one huge paragraph, and words chosen offline to crowd a sort.

The token and shingle hashes of newsdedup are not keyed (results must not depend on a
secret), so anyone can pick words whose hashes land where they like. These generators do it
with the project's own hash functions:

* :func:`random_paragraph`: ``n_words`` random words of a 50,000-word vocabulary, one
  paragraph (no line breaks);
* :func:`crowded_shingle_paragraph`: a chain of words in which *every* 5-word shingle has the
  same top 8 bits, so all of a paragraph's shingles fall in one bucket of the shingle sort
  (``_hashsort``): the worst case of a bucket sort;
* :func:`crowded_term_paragraph`: distinct 8-letter words whose token hashes (the keys the
  story terms sort, ``_terms``) all have the same top 8 bits.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from newsdedup._hashing import fmix64_scalar
from newsdedup._shingle import _POSITION_KEYS
from newsdedup._tokenize import _LENGTH_SALT, _Q, hash_tokens

__all__ = ["BUCKET_BITS", "crowded_shingle_paragraph", "crowded_term_paragraph",
           "random_paragraph"]

#: Top bits that pick a bucket in ``_hashsort`` for runs of 256 values or more.
BUCKET_BITS = 8
_LETTERS = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)


def _random_words(count: int, rng: np.random.Generator, shortest: int = 3,
                  longest: int = 10) -> list[str]:
    lengths = rng.integers(shortest, longest + 1, count)
    letters = _LETTERS[rng.integers(0, 26, int(lengths.sum()))].tobytes().decode("ascii")
    ends = np.cumsum(lengths)
    return [letters[end - length:end] for end, length in zip(ends, lengths, strict=True)]


def random_paragraph(n_words: int, seed: int = 0) -> str:
    """One paragraph of ``n_words`` random words (a 50,000-word vocabulary)."""
    rng = np.random.default_rng(seed)
    vocabulary = np.array(_random_words(50_000, rng))
    return " ".join(vocabulary[rng.integers(0, vocabulary.size, n_words)].tolist())


@numba.njit(cache=False)
def _crowded_chain(word_hashes: npt.NDArray[np.uint64], position_keys: npt.NDArray[np.uint64],
                   n_words: int, size: int, top_bits: int, seed: int) -> npt.NDArray[np.int64]:
    """Word numbers such that every ``size``-word shingle has its top ``top_bits`` bits 0."""
    np.random.seed(seed)
    n_vocabulary = word_hashes.size
    chain = np.empty(n_words, dtype=np.int64)
    for number in range(min(size - 1, n_words)):
        chain[number] = np.random.randint(0, n_vocabulary)
    shift = np.uint64(64 - top_bits)
    for number in range(size - 1, n_words):
        partial = np.uint64(0)
        for position in range(size - 1):
            partial += word_hashes[chain[number - size + 1 + position]] * position_keys[position]
        start = np.random.randint(0, n_vocabulary)
        chain[number] = start  # kept if no word fits (about 1e-7 with 4,096 words)
        for step in range(n_vocabulary):
            word = (start + step) % n_vocabulary
            combined = partial + word_hashes[word] * position_keys[size - 1]
            if fmix64_scalar(combined) >> shift == 0:
                chain[number] = word
                break
    return chain


def crowded_shingle_paragraph(n_words: int, seed: int = 0, shingle_size: int = 5) -> str:
    """One paragraph whose shingles all share their top :data:`BUCKET_BITS` bits."""
    rng = np.random.default_rng(seed)
    vocabulary = sorted(set(_random_words(4096, rng, 4, 9)))
    word_hashes = hash_tokens(vocabulary).hashes
    chain = _crowded_chain(word_hashes, _POSITION_KEYS, n_words, shingle_size, BUCKET_BITS,
                           seed)
    return " ".join(np.array(vocabulary)[chain].tolist())


@numba.njit(cache=False)
def _crowded_words(n_words: int, top_bits: int, seed: int, q: np.uint64,
                   length_salt: np.uint64) -> npt.NDArray[np.uint8]:
    """``n_words`` random 8-letter words (bytes, end to end) whose token hash has its top
    ``top_bits`` bits 0 (the formula of ``_tokenize._hash_token_kernel``)."""
    np.random.seed(seed)
    out = np.empty(n_words * 8, dtype=np.uint8)
    found = 0
    shift = np.uint64(64 - top_bits)
    word = np.empty(8, dtype=np.uint8)
    while found < n_words:
        polynomial = np.uint64(0)
        power = np.uint64(1)
        letters = np.random.randint(0, 26**8)  # one draw, eight base-26 digits
        for position in range(8):
            word[position] = 97 + letters % 26
            letters //= 26
            polynomial += (np.uint64(word[position]) + np.uint64(1)) * power
            power *= q
        if fmix64_scalar(polynomial ^ (np.uint64(8) * length_salt)) >> shift == 0:
            out[found * 8:found * 8 + 8] = word
            found += 1
    return out


def crowded_term_paragraph(n_words: int, seed: int = 0) -> str:
    """One paragraph of distinct words whose term keys share their top bits."""
    text = _crowded_words(n_words, BUCKET_BITS, seed, _Q, _LENGTH_SALT).tobytes().decode("ascii")
    words = sorted({text[start:start + 8] for start in range(0, len(text), 8)})
    sample = hash_tokens(words[:1000]).hashes
    if not (sample >> np.uint64(64 - BUCKET_BITS) == 0).all():
        raise RuntimeError("the token hash formula changed: update _crowded_words")
    return " ".join(words)
