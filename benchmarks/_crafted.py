"""Paragraphs built to be hard: one huge paragraph, and words chosen offline to crowd a sort.

The token and shingle hashes of newsdedup are not keyed (results must not depend on a
secret), so anyone can pick words whose hashes land where they like. These generators do it
with the project's own hash functions:

* :func:`random_paragraph`: ``n_words`` random words of a 50,000-word vocabulary, one
  paragraph (no line breaks);
* :func:`crowded_shingle_paragraph`: a chain of words in which *every* 5-word shingle has the
  same top 8 bits, so all of a paragraph's shingles fall in one bucket of the shingle sort
  (``_core.hashsort``): the worst case of a bucket sort;
* :func:`crowded_term_paragraph`: distinct 8-letter words whose token hashes (the keys the
  story terms sort, ``_text.terms``) all have the same top 8 bits.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from newsdedup._core.hashing import fmix64
from newsdedup._text.shingle import _POSITION_KEYS
from newsdedup._text.tokenize import _LENGTH_SALT, _Q, hash_tokens

__all__ = ["BUCKET_BITS", "crowded_shingle_paragraph", "crowded_term_paragraph",
           "random_paragraph"]

#: Top bits that pick a bucket in ``_core.hashsort`` for runs of 256 values or more.
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


def _crowded_chain(word_hashes: npt.NDArray[np.uint64], position_keys: npt.NDArray[np.uint64],
                   n_words: int, size: int, top_bits: int, seed: int) -> npt.NDArray[np.int64]:
    """Word numbers such that every ``size``-word shingle has its top ``top_bits`` bits 0.

    Each next word is searched among the vocabulary (a random block of it at a time) for one
    that completes the shingle so; numpy does a block per step.
    """
    rng = np.random.default_rng(seed)
    n_vocabulary = word_hashes.size
    chain = np.empty(n_words, dtype=np.int64)
    chain[:min(size - 1, n_words)] = rng.integers(0, n_vocabulary, min(size - 1, n_words))
    keys = [int(key) for key in position_keys[:size]]
    hashes = [int(value) for value in word_hashes]
    with np.errstate(over="ignore"):
        last = word_hashes * position_keys[size - 1]
    shift = np.uint64(64 - top_bits)
    block = 512
    for number in range(size - 1, n_words):
        partial = sum(hashes[chain[number - size + 1 + position]] * keys[position]
                      for position in range(size - 1)) % 2**64
        start = int(rng.integers(0, n_vocabulary))
        chain[number] = start  # kept if no word fits (about 1e-7 with 4,096 words)
        for offset in range(0, n_vocabulary, block):
            words = (start + offset + np.arange(block)) % n_vocabulary
            with np.errstate(over="ignore"):
                fits = np.flatnonzero(fmix64(last[words] + np.uint64(partial)) >> shift == 0)
            if fits.size:
                chain[number] = words[fits[0]]
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


def _crowded_words(n_words: int, top_bits: int, seed: int, q: np.uint64,
                   length_salt: np.uint64) -> npt.NDArray[np.uint8]:
    """``n_words`` random 8-letter words (bytes, end to end) whose token hash has its top
    ``top_bits`` bits 0 (the formula of ``_text.tokenize.hash_token_bytes``), drawn in blocks."""
    rng = np.random.default_rng(seed)
    found: list[npt.NDArray[np.uint8]] = []
    count = 0
    shift = np.uint64(64 - top_bits)
    powers = np.array([pow(int(q), position, 2**64) for position in range(8)], dtype=np.uint64)
    while count < n_words:
        letters = rng.integers(97, 123, (1 << 18, 8)).astype(np.uint8)
        with np.errstate(over="ignore"):
            polynomial = ((letters.astype(np.uint64) + np.uint64(1)) * powers).sum(
                axis=1, dtype=np.uint64)
            keep = fmix64(polynomial ^ (np.uint64(8) * length_salt)) >> shift == 0
        found.append(letters[keep])
        count += int(keep.sum())
    return np.concatenate(found)[:n_words].ravel()


def crowded_term_paragraph(n_words: int, seed: int = 0) -> str:
    """One paragraph of distinct words whose term keys share their top bits."""
    text = _crowded_words(n_words, BUCKET_BITS, seed, _Q, _LENGTH_SALT).tobytes().decode("ascii")
    words = sorted({text[start:start + 8] for start in range(0, len(text), 8)})
    sample = hash_tokens(words[:1000]).hashes
    if not (sample >> np.uint64(64 - BUCKET_BITS) == 0).all():
        raise RuntimeError("the token hash formula changed: update _crowded_words")
    return " ".join(words)
