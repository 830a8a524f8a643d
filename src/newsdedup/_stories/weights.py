"""Story weighting: how much a content term of an article says about what it reports.

The one definition the batch story step and the index share. A term occurring ``tf`` times
in an article weighs

    ``tf·(k1+1)/(tf+k1) · (1 + NAME_BOOST·s) · idf``

a BM25-style saturated term frequency (``BM25_K1``), so a word repeated ten times does not
drown the rest; a boost for names, places and figures, where ``s`` is the share of the
term's occurrences written as a salient word (see ``_text.terms``); and an inverse document
frequency ``log((1+N)/(1+df)) + 1``, so terms frequent in the corpus weigh little in any
language.

* The batch (``_stories.vectors.group_vectors``) measures ``s`` over the whole run and ``idf``
  over groups, after summing each group's normalized article rows: :func:`term_boost` gives
  the per-term factor ``(k1+1)·(1+NAME_BOOST·s)`` and :func:`group_rows` the rows.
* The index (``_index.terms.story_terms``) measures ``s`` in each article and ``idf`` over
  the index's articles, and keeps each article's strongest terms: :func:`strongest_terms`.

The compiled loops receive ``BM25_K1`` and ``NAME_BOOST`` from here on every call, so a
change here (or a test's monkeypatch) reaches the batch and the index alike.
"""

from __future__ import annotations

import numpy as np

from .._core.arrays import joined_offsets
from .._core.threads import map_in_threads, split_range
from .._core.types import F64, I32, I64, U8, U64
from .._kernels import group_rows as _group_rows
from .._kernels import strongest_terms as _strongest_terms

__all__ = ["BM25_K1", "NAME_BOOST", "SALIENT_SHARE", "group_rows", "strongest_terms",
           "term_boost"]

#: BM25's term-frequency saturation constant (its usual value).
BM25_K1 = 1.2
#: Extra weight of a term always written as a salient word (a name, a place, a figure).
NAME_BOOST = 2.0
#: A term written as a salient word at least this share of the time is a name, place or
#: figure: the batch counts it in its group's norm even when no other group holds it.
SALIENT_SHARE = 0.5


def term_boost(share: F64) -> F64:
    """``(k1+1)·(1+NAME_BOOST·share)`` of each term, from its salient ``share``.

    >>> import numpy as np
    >>> term_boost(np.array([0.0, 1.0])).round(2).tolist()
    [2.2, 6.6]
    """
    result: F64 = (BM25_K1 + 1.0) * (1.0 + NAME_BOOST * share)
    return result


def group_rows(offsets: I64, term_ids: I32, counts: U8, boost: F64, group_starts: I64,
               members: I64, n_terms: int, workers: int = 1) -> tuple[I64, I32, F64]:
    """Each group's row: the sum of its members' rows of weights ``tf/(tf+k1)·boost``,
    each divided by its norm (CSR, columns ascending; a compiled loop). Ranges of groups
    are summed on ``workers`` threads (each row is its own: the same result for any
    number)."""
    ranges = split_range(group_starts.size - 1, workers) if workers > 1 else []
    if len(ranges) <= 1:
        return _group_rows(offsets, term_ids, counts, boost, group_starts, members, n_terms,
                           BM25_K1)

    def part(bounds: tuple[int, int]) -> tuple[I64, I32, F64]:
        rows: tuple[I64, I32, F64] = _group_rows(
            offsets, term_ids, counts, boost, group_starts[bounds[0]:bounds[1] + 1], members,
            n_terms, BM25_K1)
        return rows

    parts = map_in_threads(part, ranges, workers)
    return (joined_offsets([indptr for indptr, _, _ in parts]),
            np.concatenate([indices for _, indices, _ in parts]),
            np.concatenate([data for _, _, data in parts]))


def strongest_terms(offsets: I64, terms: U64, occurrences: U8, salient: U8, frequency: I64,
                    n_articles: float, per_article: int) -> tuple[U64, I64]:
    """The ``per_article`` terms of most weight of each article, strongest first (ties: the
    article's term order), concatenated, and how many each article has (a compiled loop).

    >>> import numpy as np
    >>> kept, counts = strongest_terms(
    ...     np.array([0, 2]), np.array([5, 9], dtype=np.uint64), np.array([1, 3], np.uint8),
    ...     np.array([0, 0], np.uint8), np.array([1, 1]), 10.0, 1)
    >>> kept.tolist(), counts.tolist()
    ([9], [1])
    """
    return _strongest_terms(offsets, terms, occurrences, salient, frequency, n_articles,
                            per_article, BM25_K1, NAME_BOOST)

