"""Per-article features: paragraphs, shingle sets and their fingerprints, content terms.

This is the map step of the pipeline: it looks at one chunk of articles at a time and needs
nothing from the others, so the batch driver, the incremental index and a thread pool all
call the same :func:`extract_features`; :func:`concat_features` joins chunk results in input
order, so a parallel run gives exactly the result of a single-threaded one.
:func:`collect_features` streams a corpus through it.
"""

from __future__ import annotations

import itertools
import operator
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .._core.arrays import gather_rows, owner_offsets
from .._core.config import DedupConfig
from .._core.heap_trim import release_free_memory
from .._core.threads import map_in_threads
from .._core.types import I64, U64
from .article import Article, iter_articles, without_text
from .dates import named_days
from .normalize import plain_text
from .paragraphs import chunk_paragraphs
from .patterns import pattern_boilerplate
from .shingle import ShingleSets, set_fingerprints, shingle_sets
from .spill import SpilledTexts
from .terms import content_terms, paragraph_term_tokens
from .tokenize import hash_token_bytes, token_bytes

__all__ = [
    "Collected",
    "Features",
    "collect_features",
    "concat_features",
    "extract_features",
    "extract_features_parallel",
    "select_features",
    "split_features",
]


#: Articles per chunk: a few MB of text, so the byte-level scratch arrays stay small.
CHUNK_ARTICLES = 512


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
        fingerprints: order-independent hash of each paragraph's shingle set (equal sets,
            equal fingerprints; see ``_text.shingle.set_fingerprints``).
        pattern_boilerplate: paragraphs flagged by the built-in boilerplate phrases.
        article_terms: CSR offsets of each article's content terms in ``terms``/``term_counts``
            (see ``_text.terms``: tokens of the title, counted twice, and of the paragraphs not
            flagged by a boilerplate phrase).
        terms: 32-bit token hashes (see ``_text.terms``), sorted per article.
        term_counts: occurrences of each term in its article (at most 255, see ``_text.terms``).
        term_salient: how many of those occurrences were written as a salient word (a name, a
            place, a figure); stories weigh terms that are mostly written so more.
        name_offsets: CSR offsets of each paragraph's salient words in ``names``.
        names: the salient words (names, places, figures) of each paragraph, as 32-bit
            hashes like ``terms``, sorted and distinct per paragraph
            (``_text.terms.paragraph_names``).
        named_day: per article, the earliest day its lead names (days since 1970-01-01;
            ``_text.dates.NO_DAY``: none, or undated): the story step's time rules read it.
    """

    n_articles: int
    article_paragraphs: I64
    spans: I64
    token_counts: I64
    shingles: ShingleSets
    fingerprints: U64
    pattern_boilerplate: npt.NDArray[np.bool_]
    article_terms: I64
    terms: npt.NDArray[np.uint32]
    term_counts: npt.NDArray[np.uint8]
    term_salient: npt.NDArray[np.uint8]
    name_offsets: I64
    names: npt.NDArray[np.uint32]
    named_day: npt.NDArray[np.int32]

    @property
    def paragraph_article(self) -> I64:
        """Article number of each paragraph."""
        return np.repeat(np.arange(self.n_articles, dtype=np.int64),
                         np.diff(self.article_paragraphs))

    def paragraph_texts(self, texts: Sequence[str], paragraphs: I64) -> list[str]:
        """The text of each of ``paragraphs`` (ascending) as the steps read it
        (``_text.normalize.plain_text`` of its span), from the articles' ``texts``: each
        text read once (a stream's from disk)."""
        articles = np.searchsorted(self.article_paragraphs, paragraphs, side="right") - 1
        pieces: list[str] = []
        for article, spans in itertools.groupby(
                zip(articles.tolist(), self.spans[paragraphs].tolist(), strict=True),
                key=operator.itemgetter(0)):
            text = texts[article]
            pieces.extend(plain_text(text[begin:end]) for _, (begin, end) in spans)
        return pieces

    @property
    def paragraph_index(self) -> I64:
        """Index of each paragraph within its article."""
        counts = np.diff(self.article_paragraphs)
        return np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
            self.article_paragraphs[:-1], counts)


def extract_features(articles: Sequence[Article], config: DedupConfig) -> Features:
    """Compute the features of ``articles`` (one chunk; see :func:`collect_features`).

    >>> from newsdedup import Article, DedupConfig
    >>> f = extract_features([Article("a", "One two.\\n\\nThree four five.")], DedupConfig())
    >>> f.article_paragraphs.tolist(), f.token_counts.tolist()
    ([0, 2], [2, 3])
    """
    per_article, spans, texts = chunk_paragraphs([article.text for article in articles])
    n_paragraphs = len(texts)
    # All token text of the chunk is normalized and hashed in bulk (see _text.tokenize).
    paragraph_bytes, ambiguous = token_bytes(texts)
    tokens = hash_token_bytes(paragraph_bytes, n_paragraphs)
    token_counts = np.bincount(tokens.paragraph, minlength=n_paragraphs).astype(np.int64)
    pattern = pattern_boilerplate(texts, tokens, token_counts, ambiguous)
    shingles = shingle_sets(tokens, config.shingle_size)
    paragraph_owner = np.repeat(np.arange(len(articles), dtype=np.int64), np.diff(per_article))
    terms = content_terms(texts, paragraph_term_tokens(paragraph_bytes, tokens),
                          paragraph_owner, pattern,
                          [plain_text(article.title or "") for article in articles],
                          len(articles))
    return Features(
        n_articles=len(articles),
        article_paragraphs=per_article,
        spans=spans,
        token_counts=token_counts,
        shingles=shingles,
        fingerprints=set_fingerprints(shingles),
        pattern_boilerplate=pattern if config.boilerplate_patterns else np.zeros_like(pattern),
        article_terms=terms.offsets,
        terms=terms.terms,
        term_counts=terms.counts,
        term_salient=terms.salient,
        name_offsets=terms.name_offsets,
        names=terms.names,
        named_day=named_days([article.text for article in articles],
                             [article.published for article in articles]),
    )


def concat_features(parts: Sequence[Features]) -> Features:
    """Join the features of consecutive chunks into one, in order."""
    if not parts:
        raise ValueError("concat_features needs at least one part")
    if len(parts) == 1:
        return parts[0]
    return _join([_columns(part) for part in parts])


#: Bytes of chunk arrays freed between two calls of release_free_memory while joining.
_RELEASE_EVERY = 256 << 20
# Columns holding CSR offsets: joined by shifting, not by plain concatenation.
_OFFSET_COLUMNS = ("article_paragraphs", "shingle_offsets", "article_terms", "name_offsets")


def _columns(part: Features) -> dict[str, npt.NDArray[Any]]:
    """The arrays of ``part`` by name (shingle sets as two columns)."""
    columns = {field.name: getattr(part, field.name) for field in attrs.fields(Features)
               if field.name not in ("n_articles", "shingles")}
    columns["shingle_offsets"] = part.shingles.offsets
    columns["shingle_values"] = part.shingles.values
    return columns


def _join(parts: list[dict[str, npt.NDArray[Any]]], workers: int = 1) -> Features:
    """Join chunk columns into corpus columns, freeing each chunk's copy as soon as it is
    copied: the peak stays near the size of the corpus's features, not twice it. Columns
    are joined on ``workers`` threads, the largest first (the copies release the GIL; on a
    virtual machine most of a join's time is the first touch of its new pages)."""
    n_articles = sum(part["article_paragraphs"].size - 1 for part in parts)

    def join_column(name: str) -> npt.NDArray[Any]:
        offsets = name in _OFFSET_COLUMNS
        sizes = [part[name].shape[0] - (1 if offsets else 0) for part in parts]
        first = parts[0][name]
        out = np.empty((sum(sizes) + (1 if offsets else 0), *first.shape[1:]), dtype=first.dtype)
        position, shift, freed, column_bytes = 0, 0, 0, 0
        if offsets:
            out[0] = 0
            position = 1
        for part, size in zip(parts, sizes, strict=True):
            array = part.pop(name)
            out[position:position + size] = array[1:] + shift if offsets else array
            position += size
            if offsets:
                shift += int(array[-1])
            freed += array.nbytes
            column_bytes += array.nbytes
            del array
            if freed > _RELEASE_EVERY:  # the freed chunks stay resident until released
                release_free_memory()
                freed = 0
        release_free_memory(freed=column_bytes)
        return out

    names = sorted(parts[0], key=lambda name: -sum(part[name].nbytes for part in parts))
    joined = dict(zip(names, map_in_threads(join_column, names, workers), strict=True))
    shingles = ShingleSets(joined.pop("shingle_offsets"), joined.pop("shingle_values"))
    return Features(n_articles=n_articles, shingles=shingles, **joined)


@attrs.frozen(slots=True)
class Collected:
    """What the map step keeps of a corpus: its articles and their features.

    Attributes:
        articles: the validated articles, in input order; without their text unless it was
            asked to be kept (see :func:`collect_features`).
        features: the features of all articles.
        empty: whether each article's text is empty or only white space.
        texts: the texts of a stream kept apart from its articles, on disk
            (:class:`~newsdedup._text.spill.SpilledTexts`), when asked for; else None.
    """

    articles: list[Article]
    features: Features
    empty: npt.NDArray[np.bool_]
    texts: Sequence[str] | None = None


def collect_features(items: Iterable[Article | Mapping[str, Any]], config: DedupConfig,
                     keep_text: bool = False, spill_text: bool = False) -> Collected:
    """Validate ``items`` and compute their features, streaming, on ``config.workers`` threads.

    The input is read lazily, ``CHUNK_ARTICLES`` at a time; each chunk's features are computed
    by a thread of a pool (the compiled kernels release the GIL) while the next chunks are
    read, with at most two chunks per thread in flight. Articles are kept without their text
    (unless ``keep_text``), so memory is bounded by the features, not by the texts; with
    ``spill_text`` (and not ``keep_text``) the texts are written to disk as they are read
    (``Collected.texts``). Chunks are fixed by position and joined in order: the result is
    identical for any number of workers.

    >>> collected = collect_features([{"id": "a", "text": "One.\\n\\nTwo."}], DedupConfig())
    >>> collected.articles[0].text, collected.features.n_articles, collected.empty.tolist()
    ('', 1, [False])
    """
    articles: list[Article] = []
    empty: list[bool] = []
    parts: list[dict[str, npt.NDArray[Any]]] = []
    workers = max(1, min(config.workers, os.cpu_count() or 1))
    spilled = SpilledTexts() if spill_text and not keep_text else None
    pending: deque[Future[Features]] = deque()
    with ThreadPoolExecutor(max_workers=workers) if workers > 1 else _InThread() as pool:
        for chunk in _chunks(iter_articles(items)):
            pending.append(pool.submit(extract_features, chunk, config))
            empty.extend(not article.text.strip() for article in chunk)
            articles.extend(chunk if keep_text else map(without_text, chunk))
            if spilled is not None:
                for article in chunk:
                    spilled.append(article.text)
            while len(pending) > 2 * workers or (pending and pending[0].done()):
                parts.append(_columns(pending.popleft().result()))
        parts.extend(_columns(future.result()) for future in pending)
        pending.clear()
    if not parts:
        parts.append(_columns(extract_features([], config)))
    return Collected(articles, _join(parts, workers), np.array(empty, dtype=bool), spilled)


def _chunks(articles: Iterator[Article]) -> Iterator[list[Article]]:
    while chunk := list(itertools.islice(articles, CHUNK_ARTICLES)):
        yield chunk


class _InThread:
    """A stand-in for a one-thread pool: runs each task at once, in the calling thread."""

    def __enter__(self) -> _InThread:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def submit(self, function: Callable[..., Features], *args: Any) -> Future[Features]:
        future: Future[Features] = Future()
        future.set_result(function(*args))
        return future


def select_features(features: Features, articles: I64) -> Features:
    """The features of the given article numbers (in that order), as a new corpus.

    >>> from newsdedup import Article, DedupConfig
    >>> f = extract_features([Article("a", "One."), Article("b", "Two.\\nThree.")],
    ...                      DedupConfig())
    >>> select_features(f, np.array([1])).article_paragraphs.tolist()
    [0, 2]
    """
    articles = np.asarray(articles, dtype=np.int64)
    paragraphs, paragraph_owner = gather_rows(features.article_paragraphs, articles)
    shingle_positions, shingle_owner = gather_rows(features.shingles.offsets, paragraphs)
    term_positions, term_owner = gather_rows(features.article_terms, articles)
    name_positions, name_owner = gather_rows(features.name_offsets, paragraphs)
    return Features(
        n_articles=articles.size,
        article_paragraphs=owner_offsets(paragraph_owner, articles.size),
        spans=features.spans[paragraphs],
        token_counts=features.token_counts[paragraphs],
        shingles=ShingleSets(owner_offsets(shingle_owner, paragraphs.size),
                             features.shingles.values[shingle_positions]),
        fingerprints=features.fingerprints[paragraphs],
        pattern_boilerplate=features.pattern_boilerplate[paragraphs],
        article_terms=owner_offsets(term_owner, articles.size),
        terms=features.terms[term_positions],
        term_counts=features.term_counts[term_positions],
        term_salient=features.term_salient[term_positions],
        name_offsets=owner_offsets(name_owner, paragraphs.size),
        names=features.names[name_positions],
        named_day=features.named_day[articles],
    )


def split_features(features: Features) -> list[Features]:
    """Each article's features on its own, in order (equal to ``select_features`` of each
    article number, but built from slices of the arrays: an add splits a thousand at once).

    >>> from newsdedup import Article, DedupConfig
    >>> f = extract_features([Article("a", "One."), Article("b", "Two.\\nThree.")],
    ...                      DedupConfig())
    >>> [part.article_paragraphs.tolist() for part in split_features(f)]
    [[0, 1], [0, 2]]
    """
    paragraph_offsets = features.article_paragraphs.tolist()
    term_offsets = features.article_terms.tolist()
    shingle_offsets = features.shingles.offsets
    name_offsets = features.name_offsets
    parts = []
    for article in range(features.n_articles):
        first, last = paragraph_offsets[article], paragraph_offsets[article + 1]
        start, stop = term_offsets[article], term_offsets[article + 1]
        offsets = shingle_offsets[first:last + 1]
        paragraphs, terms = slice(first, last), slice(start, stop)
        parts.append(Features(
            n_articles=1,
            article_paragraphs=np.array([0, last - first], dtype=np.int64),
            spans=features.spans[paragraphs],
            token_counts=features.token_counts[paragraphs],
            shingles=ShingleSets(offsets - offsets[0],
                                 features.shingles.values[offsets[0]:offsets[-1]]),
            fingerprints=features.fingerprints[paragraphs],
            pattern_boilerplate=features.pattern_boilerplate[paragraphs],
            article_terms=np.array([0, stop - start], dtype=np.int64),
            terms=features.terms[terms],
            term_counts=features.term_counts[terms],
            term_salient=features.term_salient[terms],
            name_offsets=name_offsets[first:last + 1] - name_offsets[first],
            names=features.names[name_offsets[first]:name_offsets[last]],
            named_day=features.named_day[article:article + 1],
        ))
    return parts


def extract_features_parallel(articles: Sequence[Article], config: DedupConfig) -> Features:
    """Features of all ``articles`` (see :func:`collect_features`; texts are not copied)."""
    return collect_features(articles, config, keep_text=True).features
