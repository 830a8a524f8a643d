"""Pattern boilerplate: short lines that are boilerplate wherever they appear.

Aggregator and share prompts, author bios, related-content trailers, legal notices. English
only: recurrence across articles (see ``_near_duplicates.boilerplate``) is the language-independent
signal; this list only adds what a single article already shows ("Read original article here").

The expression is checked only on paragraphs that can match it: a match needs one of a few
key tokens (or token pairs, adjacent in one paragraph), found by one lookup of every token
hash in a small sorted table, so the expression runs on a few paragraphs instead of all.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import regex

from .._core.types import I64, U64
from .._kernels import pattern_candidate_kernel as _pattern_candidate_kernel
from .normalize import normalize_text
from .tokenize import TokenBatch, hash_texts

__all__ = ["BOILERPLATE_PATTERN", "PATTERN_MAX_TOKENS", "pattern_boilerplate"]


BOILERPLATE_PATTERN = regex.compile(
    r"\b(read (the )?(original|full|more|source) (article|story|post)"
    r"|click here|(share|like) this (article|story|post)|subscribe (to|now)|sign up (for|to)"
    r"|(follow|join|find|connect with) (us|our)\b.{0,40}\b(on|via)\b"
    r"|newsletter|about the author|related (articles|posts|stories|news|content)"
    r"|view (all )?(articles|posts)|leave a (comment|reply)|all rights reserved"
    r"|denial of responsibility|stay (connected|updated|tuned) with"
    r"|sponsored content|originally (published|appeared) (on|in|at)"
    r"|this (article|story) (first appeared|was originally)|\d+ min(ute)? read)\b"
    r"|^(advertisement|advertising|sponsored|share|comments?)$"
)
#: Paragraphs longer than this many tokens are never flagged by pattern alone.
PATTERN_MAX_TOKENS = 120

# Keep in step with the pattern; tests/text/test_patterns.py compares the prefilter with the
# expression on every paragraph of the test data.
_SINGLE_WORDS = ("newsletter", "author", "reserved", "denial", "sponsored", "originally",
                 "appeared", "subscribe")
_WORD_PAIRS = (
    (("read",), ("the", "original", "full", "more", "source")),
    (("min", "minute"), ("read",)),
    (("click",), ("here",)),
    (("share", "like"), ("this",)),
    (("sign",), ("up",)),
    (("follow", "join", "find"), ("us", "our")),
    (("connect",), ("with",)),
    (("related",), ("articles", "posts", "stories", "news", "content")),
    (("view",), ("all", "articles", "posts")),
    (("leave",), ("a",)),
    (("stay",), ("connected", "updated", "tuned")),
)
_WHOLE_PARAGRAPH = ("advertisement", "advertising", "sponsored", "share", "comment", "comments")

# Role bits of a key token: bit 0 a single word, bit 1 a whole-paragraph word, then for pair k
# bit 2 + k (first word of the pair) and bit 2 + len(_WORD_PAIRS) + k (second word).
_SINGLE, _WHOLE, _FIRST = 1, 2, 2
_SECOND = _FIRST + len(_WORD_PAIRS)


def _key_table() -> tuple[U64, npt.NDArray[np.uint64]]:
    roles: dict[str, int] = {}
    for word in _SINGLE_WORDS:
        roles[word] = roles.get(word, 0) | _SINGLE
    for word in _WHOLE_PARAGRAPH:
        roles[word] = roles.get(word, 0) | _WHOLE
    for number, (firsts, seconds) in enumerate(_WORD_PAIRS):
        for word in firsts:
            roles[word] = roles.get(word, 0) | (1 << (_FIRST + number))
        for word in seconds:
            roles[word] = roles.get(word, 0) | (1 << (_SECOND + number))
    words = sorted(roles)
    hashes = hash_texts([" ".join(words)]).hashes
    order = np.argsort(hashes)
    return hashes[order], np.array([roles[words[i]] for i in order], dtype=np.uint64)


_KEY_HASHES, _KEY_ROLES = _key_table()
# Low 16 bits of every key hash: a token whose low bits are not here is no key (one lookup).
_KEY_FILTER = np.zeros(1 << 16, dtype=np.bool_)
_KEY_FILTER[(_KEY_HASHES & np.uint64(0xFFFF)).astype(np.int64)] = True


def _candidate_kernel(hashes: U64, paragraph: I64, token_counts: I64,
                      key_filter: npt.NDArray[np.bool_], key_hashes: U64,
                      key_roles: npt.NDArray[np.uint64], n_paragraphs: int
                      ) -> npt.NDArray[np.bool_]:
    """Candidate flags per paragraph, one compiled pass over the tokens (``kernels/
    patterns.pxi``), with this module's role bits."""
    return _pattern_candidate_kernel(hashes, paragraph, token_counts, key_filter, key_hashes,
                                     key_roles, n_paragraphs, len(_WORD_PAIRS), _SINGLE,
                                     _WHOLE, _FIRST, _SECOND)


def _candidates(tokens: TokenBatch, token_counts: I64) -> npt.NDArray[np.bool_]:
    """Paragraphs holding a key token, a key token pair, or only a whole-paragraph word."""
    return _candidate_kernel(tokens.hashes, tokens.paragraph, token_counts, _KEY_FILTER,
                             _KEY_HASHES, _KEY_ROLES, tokens.n_paragraphs)


def pattern_boilerplate(texts: Sequence[str], tokens: TokenBatch, token_counts: I64,
                        ambiguous: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Paragraphs of at most PATTERN_MAX_TOKENS tokens matching BOILERPLATE_PATTERN.

    ``tokens`` are the paragraphs' hashed tokens, ``ambiguous`` marks paragraphs where word
    boundaries of the expression and of tokens may differ (see ``_text.tokenize.token_bytes``);
    those are always checked with the expression.

    >>> from newsdedup._text.tokenize import hash_token_bytes, token_bytes
    >>> texts = ["Read the original article here.", "The storm hit the coast."]
    >>> data, ambiguous = token_bytes(texts)
    >>> tokens = hash_token_bytes(data, 2)
    >>> pattern_boilerplate(texts, tokens, np.bincount(tokens.paragraph), ambiguous).tolist()
    [True, False]
    """
    check = (_candidates(tokens, token_counts) | ambiguous) & (token_counts <= PATTERN_MAX_TOKENS)
    pattern = np.zeros(len(texts), dtype=bool)
    for number in np.flatnonzero(check).tolist():
        pattern[number] = _matches_pattern(texts[number])
    return pattern


@functools.lru_cache(maxsize=1 << 16)
def _matches_pattern(text: str) -> bool:
    """Whether a paragraph's normalized text holds BOILERPLATE_PATTERN, each distinct text
    checked once: boilerplate is the same lines on thousands of pages (3,000 articles with
    one site's 40-line footer: 120,000 checks, 2.3 s of a 5.1 s run, were 40)."""
    return BOILERPLATE_PATTERN.search(normalize_text(text)) is not None
