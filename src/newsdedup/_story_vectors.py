"""Group term vectors: what each duplicate group is about, as one weighted, normalized row.

1. **Article weights.** Each content term of an article (``Features.terms``: title tokens
   and the tokens of its non-boilerplate paragraphs) weighs a BM25-style saturated term
   frequency ``tf·(k1+1)/(tf+k1)``, so a word repeated ten times does not drown the rest,
   times ``1 + _NAME_BOOST·s``, where ``s`` is the share of the term's occurrences in the
   corpus written as a salient word (capitalised inside a sentence, or carrying a digit):
   names, places and figures tell two earthquakes apart. ``s`` is measured on the corpus, so
   no word list is needed and scripts without case get no boost.
2. **One vote per group.** A group's row is the mean of its members' normalized rows.
3. **IDF over groups.** ``log((1+G)/(1+df)) + 1`` with ``df`` counted over groups: terms
   frequent in the corpus weigh little in any language, without a stopword list. Terms of a
   single group are dropped: they are never shared and would only shrink its cosines.

The corpus has one entry per (article, term), tens of millions at 100k articles, so the
per-entry steps run over slices of about ``_CHUNK_ENTRIES`` entries aligned on articles:
their temporaries stay small enough to be reused instead of fresh memory for every step.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix

from ._features import Features
from ._groups import GroupAssignment
from ._terms import term_ids as number_terms

__all__ = ["group_vectors"]

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

#: BM25's term-frequency saturation constant (its usual value).
_BM25_K1 = 1.2
#: Extra weight of a term always written as a salient word (a name, a place, a figure).
_NAME_BOOST = 2.0
#: Entries per slice of the per-entry steps (a few MB per temporary array).
_CHUNK_ENTRIES = 1 << 20


def group_vectors(features: Features, groups: GroupAssignment) -> csr_matrix:
    """L2-normalized weighted term vector of each group (rows; see the module docstring).

    Columns are the terms shared by at least two groups, in hash order.

    >>> from newsdedup import Article, DedupConfig
    >>> from newsdedup._features import extract_features
    >>> from newsdedup._groups import build_groups
    >>> texts = ["Quake hits Lima.", "Quake hits Lima hard.", "Floods in Oslo."]
    >>> features = extract_features([Article(str(n), t) for n, t in enumerate(texts)],
    ...                             DedupConfig())
    >>> vectors = group_vectors(features, build_groups(3, [], [], [0, 1, 2]))
    >>> round(float((vectors[0] @ vectors[1].T).toarray()[0, 0]), 2)
    1.0
    """
    n_articles = features.n_articles
    term_ids, distinct = number_terms(features.terms)
    n_terms = distinct.size
    n_terms = max(n_terms, 1)
    weights = _article_weights(features, term_ids, n_terms)
    # Each term appears once per article (Features.terms): the rows are valid CSR as is.
    articles = csr_matrix((weights, term_ids, features.article_terms),
                          shape=(n_articles, n_terms))
    n_groups = len(groups.canonical)
    membership = csr_matrix((np.ones(n_articles), (groups.group_of, np.arange(n_articles))),
                            shape=(n_groups, n_articles))
    sums = csr_matrix(membership @ articles)
    del articles, weights, term_ids
    document_frequency = np.bincount(sums.indices, minlength=n_terms)
    shared = document_frequency > 1
    idf = np.where(shared, np.log((1.0 + n_groups) / (1.0 + document_frequency)) + 1.0, 0.0)
    column = (np.cumsum(shared) - 1).astype(np.int32)
    indptr = sums.indptr.astype(np.int64)
    kept_indptr = np.zeros(n_groups + 1, dtype=np.int64)
    data = np.empty(int(document_frequency[shared].sum()))
    indices = np.empty(data.size, dtype=np.int32)
    for first, last in _row_slices(indptr):
        part = slice(indptr[first], indptr[last])
        values = sums.data[part] * idf[sums.indices[part]]
        lengths = np.diff(indptr[first:last + 1])
        values /= np.repeat(np.maximum(_row_norms(values, lengths), 1e-12), lengths)
        kept = shared[sums.indices[part]]
        kept_indptr[first + 1:last + 1] = kept_indptr[first] + np.cumsum(
            _row_sums(kept, lengths).astype(np.int64))
        destination = slice(kept_indptr[first], kept_indptr[last])
        data[destination] = values[kept]
        indices[destination] = column[sums.indices[part][kept]]
    return csr_matrix((data, indices, kept_indptr), shape=(n_groups, max(int(shared.sum()), 1)))


def _article_weights(features: Features, term_ids: I32, n_terms: int) -> F64:
    """Saturated tf times the name boost of every (article, term) entry, rows normalized."""
    counts = np.zeros(n_terms)
    salient = np.zeros(n_terms)
    offsets = features.article_terms.astype(np.int64)
    # Each slice's bincounts span the vocabulary: with a large one, fewer, larger slices.
    for first, last in _row_slices(offsets, max(_CHUNK_ENTRIES, 4 * n_terms)):
        part = slice(offsets[first], offsets[last])
        counts += np.bincount(term_ids[part], weights=features.term_counts[part],
                              minlength=n_terms)
        salient += np.bincount(term_ids[part], weights=features.term_salient[part],
                               minlength=n_terms)
    boost = (_BM25_K1 + 1.0) * (1.0 + _NAME_BOOST * np.minimum(
        salient / np.maximum(counts, 1.0), 1.0))
    weights = np.empty(offsets[-1])
    for first, last in _row_slices(offsets):
        part = slice(offsets[first], offsets[last])
        tf = features.term_counts[part].astype(np.float64)
        values = tf / (tf + _BM25_K1) * boost[term_ids[part]]
        lengths = np.diff(offsets[first:last + 1])
        values /= np.repeat(np.maximum(_row_norms(values, lengths), 1e-12), lengths)
        weights[part] = values
    return weights


def _row_slices(offsets: I64, size: int | None = None) -> Iterator[tuple[int, int]]:
    """Consecutive row ranges ``[first, last)`` of a CSR layout, of about ``size`` entries
    (default ``_CHUNK_ENTRIES``)."""
    size = size or _CHUNK_ENTRIES
    n_rows = offsets.size - 1
    first = 0
    while first < n_rows:
        last = int(np.searchsorted(offsets, offsets[first] + size, side="right")) - 1
        last = min(max(last, first + 1), n_rows)  # a row longer than a slice is one slice
        yield first, last
        first = last


def _row_sums(values: npt.NDArray[np.float64 | np.bool_], lengths: I64) -> F64:
    """Sum of each row's ``values``, rows of ``lengths`` laid end to end (0 when empty)."""
    sums = np.zeros(lengths.size)
    filled = lengths > 0
    starts = np.cumsum(lengths) - lengths
    # reduceat sums up to the next start: with empty rows left out that is each row's end.
    sums[filled] = np.add.reduceat(values, starts[filled], dtype=np.float64)
    return sums


def _row_norms(values: F64, lengths: I64) -> F64:
    """Euclidean norm of each row's ``values`` (0 for an empty row)."""
    result: F64 = np.sqrt(_row_sums(values * values, lengths))
    return result
