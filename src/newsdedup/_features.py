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
from ._normalize import normalize_text, token_text
from ._paragraphs import paragraph_spans
from ._shingle import ShingleSets, shingle_sets
from ._tokenize import hash_tokens

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


def _article_terms(token_hashes: U64, owner: I64, weight: I64,
                   n_articles: int) -> tuple[I64, U64, I64]:
    order = np.lexsort((token_hashes, owner))
    hashes, owner, weight = token_hashes[order], owner[order], weight[order]
    new = np.ones(hashes.size, dtype=bool)
    new[1:] = (hashes[1:] != hashes[:-1]) | (owner[1:] != owner[:-1])
    group = np.cumsum(new) - 1
    counts = np.bincount(group, weights=weight).astype(np.int64) if hashes.size else \
        np.zeros(0, np.int64)
    offsets = np.zeros(n_articles + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner[new], minlength=n_articles), out=offsets[1:])
    return offsets, hashes[new], counts


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
    tokens_text = [token_text(text) for text in texts]
    titles = [token_text(article.title or "") for article in articles]
    tokens = hash_tokens(tokens_text + titles)
    in_paragraph = tokens.paragraph < n_paragraphs
    paragraph_tokens = type(tokens)(tokens.hashes[in_paragraph],
                                    tokens.paragraph[in_paragraph], n_paragraphs)
    token_counts = np.bincount(paragraph_tokens.paragraph, minlength=n_paragraphs)
    pattern = np.array(
        [count <= _PATTERN_MAX_TOKENS and _BOILERPLATE_PATTERN.search(normalize_text(text))
         is not None for text, count in zip(texts, token_counts, strict=True)],
        dtype=bool,
    )
    shingles = shingle_sets(paragraph_tokens, config.shingle_size)
    paragraph_owner = np.repeat(np.arange(len(articles), dtype=np.int64), np.diff(per_article))
    # Content terms: paragraph tokens of non-pattern paragraphs, plus title tokens twice.
    owner_of_unit = np.concatenate([paragraph_owner, np.arange(len(articles), dtype=np.int64)])
    unit_weight = np.concatenate([np.where(pattern, 0, 1), np.full(len(articles), 2)])
    token_weight = unit_weight[tokens.paragraph]
    keep = token_weight > 0
    article_terms, terms, term_counts = _article_terms(
        tokens.hashes[keep], owner_of_unit[tokens.paragraph[keep]],
        token_weight[keep].astype(np.int64), len(articles))
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
