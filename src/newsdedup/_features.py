"""Per-article features: paragraphs, shingle sets, MinHash signatures and content terms.

This is the map step of the pipeline: it looks at one chunk of articles at a time and needs
nothing from the others, so the batch driver, the incremental index and a process pool all
call the same :func:`extract_features`; :func:`concat_features` joins chunk results in input
order, so a parallel run gives exactly the result of a single-process one.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

import attrs
import numpy as np
import numpy.typing as npt
import regex

from ._article import Article
from ._config import DedupConfig
from ._hashing import U64
from ._minhash import signatures
from ._normalize import normalize_text
from ._paragraphs import paragraph_spans
from ._shingle import ShingleSets, shingle_sets
from ._tokenize import (
    CharClass,
    TokenBatch,
    char_classes,
    code_points,
    concat_batches,
    hash_texts,
    hash_token_bytes,
    token_bytes,
)

__all__ = ["Features", "concat_features", "extract_features", "extract_features_parallel"]

I64 = npt.NDArray[np.int64]

#: Articles per chunk: a few MB of text, so the byte-level scratch arrays stay small.
CHUNK_ARTICLES = 512

# Short lines that are boilerplate wherever they appear: aggregator and share prompts, author
# bios, related-content trailers, legal notices. English only; recurrence across articles
# (see _boilerplate.py) is the language-independent signal, this list only adds what a single
# article already shows.
_BOILERPLATE_PATTERN = regex.compile(
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
_PATTERN_MAX_TOKENS = 120
# Salient words (names, places, figures): a capitalised word inside a sentence (after a
# lower-case letter, a digit or a comma), or any word carrying a digit. Only scripts with case
# and digits are affected; elsewhere no word is salient and nothing changes.
_SALIENT_WORD = regex.compile(
    r"(?<=[\p{Ll}\p{N},;]\s+)[\p{Lu}\p{Lt}][\p{L}\p{M}\p{N}]*|[\p{L}\p{M}]*\p{N}[\p{L}\p{M}\p{N}]*")


# Pattern boilerplate is checked with the regular expression only on paragraphs that can
# match it: a match needs one of these tokens (or token pairs, adjacent in one paragraph), so
# the expression runs on a few paragraphs instead of all. Keep in step with the pattern;
# tests/test_features.py compares both on every paragraph of the test data.
_PATTERN_SINGLE_WORDS = ("newsletter", "author", "reserved", "denial", "sponsored", "originally",
                         "appeared", "subscribe")
_PATTERN_WORD_PAIRS = (
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
_PATTERN_WHOLE_PARAGRAPH = ("advertisement", "advertising", "sponsored", "share", "comment",
                            "comments")


def _word_hashes(words: Sequence[str]) -> U64:
    return hash_texts([" ".join(words)]).hashes


def _pattern_candidates(tokens: TokenBatch, token_counts: I64) -> npt.NDArray[np.bool_]:
    hashes, paragraph = tokens.hashes, tokens.paragraph
    candidate = np.zeros(tokens.n_paragraphs, dtype=bool)
    candidate[paragraph[np.isin(hashes, _word_hashes(_PATTERN_SINGLE_WORDS))]] = True
    same = paragraph[1:] == paragraph[:-1]
    for first_words, second_words in _PATTERN_WORD_PAIRS:
        pair = (same & np.isin(hashes[:-1], _word_hashes(first_words))
                & np.isin(hashes[1:], _word_hashes(second_words)))
        candidate[paragraph[:-1][pair]] = True
    whole = np.isin(hashes, _word_hashes(_PATTERN_WHOLE_PARAGRAPH))
    candidate[paragraph[whole][token_counts[paragraph[whole]] == 1]] = True
    return candidate


def _pattern_boilerplate(texts: Sequence[str], tokens: TokenBatch, token_counts: I64,
                         ambiguous: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Paragraphs of at most _PATTERN_MAX_TOKENS tokens matching _BOILERPLATE_PATTERN."""
    check = (_pattern_candidates(tokens, token_counts) | ambiguous) & (
        token_counts <= _PATTERN_MAX_TOKENS)
    pattern = np.zeros(len(texts), dtype=bool)
    for number in np.flatnonzero(check).tolist():
        pattern[number] = _BOILERPLATE_PATTERN.search(normalize_text(texts[number])) is not None
    return pattern


def _salient_texts(texts: Sequence[str]) -> list[str]:
    """For each text, its _SALIENT_WORD matches (other characters blanked), in one pass.

    Tokenizes like ``" ".join(_SALIENT_WORD.findall(text))``: the expression only matches
    whole runs of word characters, a run with a digit, or one opening with an upper-case
    letter after white space that follows a lower-case letter, digit, comma or semicolon.
    Keep in step with the expression; tests/test_features.py compares both.
    """
    joined = "\x00".join(texts)
    if not joined:
        return list(texts)
    points = code_points(joined)
    flags = char_classes(points)
    separators = np.cumsum([len(text) + 1 for text in texts[:-1]], dtype=np.int64) - 1
    flags[separators] = 0  # nothing crosses a paragraph boundary
    word = (flags & CharClass.WORD) != 0
    edges = np.diff(word.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    digits = np.concatenate([[0], np.cumsum((flags & CharClass.DIGIT) != 0)])
    has_digit = digits[ends] > digits[starts]
    space = (flags & CharClass.SPACE) != 0
    last_solid = np.maximum.accumulate(np.where(space, -1, np.arange(points.size)))
    before = np.maximum(starts - 1, 0)
    anchor = last_solid[before]
    after_sentence_text = ((starts > 0) & space[before] & (anchor >= 0)
                           & ((flags[np.maximum(anchor, 0)] & CharClass.LOWER_DIGIT_COMMA) != 0))
    capitalised = (flags[starts] & CharClass.UPPER) != 0
    salient = has_digit | (capitalised & after_sentence_text)
    # Runs never touch (a non-word character separates them), so +1/-1 marks do not collide.
    marks = np.zeros(points.size + 1, dtype=np.int8)
    marks[starts[salient]] = 1
    marks[ends[salient]] = -1
    inside = np.cumsum(marks[:-1], dtype=np.int8) > 0
    blanked = np.where(inside, points, np.uint32(0x20))
    blanked[separators] = 0x0A
    return blanked.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass").split("\n")


@attrs.frozen(slots=True)
class Features:
    """Features of consecutive articles; paragraph arrays are in article order.

    Attributes:
        n_articles: number of articles covered.
        article_paragraphs: CSR offsets: article ``a`` owns paragraphs
            ``article_paragraphs[a]:article_paragraphs[a + 1]``.
        spans: ``(start, end)`` character span of each paragraph in its article's text.
        token_counts: number of tokens of each paragraph.
        shingles: shingle set of each paragraph.
        signatures: MinHash signature of each paragraph (uint32, ``num_perm`` columns).
        pattern_boilerplate: paragraphs flagged by the built-in boilerplate phrases.
        article_terms: CSR offsets of each article's content terms in ``terms``/``term_counts``
            (tokens of the title, counted twice, and of the non-boilerplate paragraphs).
        terms: token hashes (uint64), sorted per article.
        term_counts: occurrences of each term in its article.
        term_salient: how many of those occurrences were written as a salient word (capitalised
            inside a sentence, or carrying a digit) in a non-boilerplate paragraph; stories
            weigh terms that are mostly written so (names, places, figures) more.
    """

    n_articles: int
    article_paragraphs: I64
    spans: I64
    token_counts: I64
    shingles: ShingleSets
    signatures: npt.NDArray[np.uint32]
    pattern_boilerplate: npt.NDArray[np.bool_]
    article_terms: I64
    terms: U64
    term_counts: I64
    term_salient: I64

    @property
    def paragraph_article(self) -> I64:
        """Article number of each paragraph."""
        return np.repeat(np.arange(self.n_articles, dtype=np.int64),
                         np.diff(self.article_paragraphs))

    @property
    def paragraph_index(self) -> I64:
        """Index of each paragraph within its article."""
        counts = np.diff(self.article_paragraphs)
        return np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
            self.article_paragraphs[:-1], counts)


def _article_terms(token_hashes: U64, owner: I64, weight: I64, salient: I64,
                   n_articles: int) -> tuple[I64, U64, I64, I64]:
    order = np.lexsort((token_hashes, owner))
    hashes, owner, weight, salient = (token_hashes[order], owner[order], weight[order],
                                      salient[order])
    new = np.ones(hashes.size, dtype=bool)
    new[1:] = (hashes[1:] != hashes[:-1]) | (owner[1:] != owner[:-1])
    group = np.cumsum(new) - 1
    if hashes.size:
        counts = np.bincount(group, weights=weight).astype(np.int64)
        salient_counts = np.bincount(group, weights=salient).astype(np.int64)
    else:
        counts = salient_counts = np.zeros(0, np.int64)
    # A salient word is also counted among its paragraph's tokens; keep only counted terms.
    counted = counts > 0
    offsets = np.zeros(n_articles + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner[new][counted], minlength=n_articles), out=offsets[1:])
    return offsets, hashes[new][counted], counts[counted], salient_counts[counted]


def extract_features(articles: Sequence[Article], config: DedupConfig) -> Features:
    """Compute the features of ``articles`` (one chunk; see :func:`extract_features_parallel`).

    >>> from newsdedup import Article, DedupConfig
    >>> f = extract_features([Article("a", "One two.\\n\\nThree four five.")], DedupConfig())
    >>> f.article_paragraphs.tolist(), f.token_counts.tolist()
    ([0, 2], [2, 3])
    """
    spans: list[tuple[int, int]] = []
    texts: list[str] = []
    per_article = np.zeros(len(articles) + 1, dtype=np.int64)
    for number, article in enumerate(articles):
        article_spans = paragraph_spans(article.text)
        spans.extend(article_spans)
        texts.extend(article.text[start:end] for start, end in article_spans)
        per_article[number + 1] = per_article[number] + len(article_spans)
    n_paragraphs = len(texts)
    # All token text of the chunk is normalized and hashed in bulk (see _tokenize.hash_texts);
    # equal to hash_tokens([token_text(t) for t in texts + titles + salient texts]).
    paragraph_bytes, ambiguous = token_bytes(texts)
    paragraph_tokens = hash_token_bytes(paragraph_bytes, n_paragraphs)
    # A line break in a title would be read as a paragraph break.
    titles = hash_texts([(article.title or "").replace("\n", " ") for article in articles])
    salient = hash_texts(_salient_texts(texts))
    tokens = concat_batches([paragraph_tokens, titles, salient])
    token_counts = np.bincount(paragraph_tokens.paragraph, minlength=n_paragraphs)
    pattern = _pattern_boilerplate(texts, paragraph_tokens, token_counts, ambiguous)
    shingles = shingle_sets(paragraph_tokens, config.shingle_size)
    paragraph_owner = np.repeat(np.arange(len(articles), dtype=np.int64), np.diff(per_article))
    # Content terms: paragraph tokens of non-pattern paragraphs, plus title tokens twice; the
    # salient words of non-pattern paragraphs only mark occurrences (weight 0, salient 1).
    owner_of_unit = np.concatenate([paragraph_owner, np.arange(len(articles), dtype=np.int64),
                                    paragraph_owner])
    unit_weight = np.concatenate([np.where(pattern, 0, 1), np.full(len(articles), 2),
                                  np.zeros(n_paragraphs, dtype=np.int64)])
    unit_salient = np.concatenate([np.zeros(n_paragraphs + len(articles), dtype=np.int64),
                                   np.where(pattern, 0, 1)])
    token_weight = unit_weight[tokens.paragraph]
    token_salient = unit_salient[tokens.paragraph]
    keep = (token_weight > 0) | (token_salient > 0)
    article_terms, terms, term_counts, term_salient = _article_terms(
        tokens.hashes[keep], owner_of_unit[tokens.paragraph[keep]],
        token_weight[keep].astype(np.int64), token_salient[keep].astype(np.int64),
        len(articles))
    return Features(
        n_articles=len(articles),
        article_paragraphs=per_article,
        spans=np.array(spans, dtype=np.int64).reshape(-1, 2),
        token_counts=token_counts.astype(np.int64),
        shingles=shingles,
        signatures=signatures(shingles, config.num_perm, config.seed),
        pattern_boilerplate=pattern if config.boilerplate_patterns else np.zeros_like(pattern),
        article_terms=article_terms,
        terms=terms,
        term_counts=term_counts,
        term_salient=term_salient,
    )


def _concat_offsets(parts: Sequence[I64]) -> I64:
    shifted = [parts[0]]
    for offsets in parts[1:]:
        shifted.append(offsets[1:] + shifted[-1][-1])
    return np.concatenate(shifted)


def concat_features(parts: Sequence[Features]) -> Features:
    """Join the features of consecutive chunks into one, in order."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        raise ValueError("concat_features needs at least one part")
    return Features(
        n_articles=sum(part.n_articles for part in parts),
        article_paragraphs=_concat_offsets([part.article_paragraphs for part in parts]),
        spans=np.concatenate([part.spans for part in parts]),
        token_counts=np.concatenate([part.token_counts for part in parts]),
        shingles=ShingleSets(_concat_offsets([part.shingles.offsets for part in parts]),
                             np.concatenate([part.shingles.values for part in parts])),
        signatures=np.concatenate([part.signatures for part in parts]),
        pattern_boilerplate=np.concatenate([part.pattern_boilerplate for part in parts]),
        article_terms=_concat_offsets([part.article_terms for part in parts]),
        terms=np.concatenate([part.terms for part in parts]),
        term_counts=np.concatenate([part.term_counts for part in parts]),
        term_salient=np.concatenate([part.term_salient for part in parts]),
    )


def _extract_chunk(args: tuple[Sequence[Article], DedupConfig]) -> Features:
    return extract_features(*args)


def extract_features_parallel(articles: Sequence[Article], config: DedupConfig) -> Features:
    """Features of all ``articles``, in chunks, on ``config.workers`` processes.

    The result is identical for any number of workers: chunks are fixed by position and
    joined in order.
    """
    chunks = [articles[start:start + CHUNK_ARTICLES]
              for start in range(0, len(articles), CHUNK_ARTICLES)] or [articles]
    workers = min(config.workers, len(chunks), os.cpu_count() or 1)
    if workers <= 1:
        return concat_features([extract_features(chunk, config) for chunk in chunks])
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(_extract_chunk, [(chunk, config) for chunk in chunks]))
    return concat_features(parts)
