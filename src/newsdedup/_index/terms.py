"""The index's term memory: document frequencies and a names index for story candidates.

Two index-wide quantities the neighbourhood of an add cannot see by itself:

* :class:`TermCounts`: how many retained articles hold each content term. The boilerplate
  topic check weighs terms by these (through ``CorpusFrequencies``), so a neighbourhood run
  makes the check exactly as a run over the whole index would.
* :class:`StoryTerms`: each article's few strongest terms, weighted as the story step weighs
  them (names, places and figures count most, see ``_stories.weights``), in an inverted index, so a
  new article finds stored articles about the same event even when they share no text. It
  only proposes candidates; the story step itself decides.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .._core.types import F64, I64, U64
from .._kernels import count_into as _count_into
from .._kernels import counts_of as _counts_of
from .._kernels import shared_terms as _shared_terms
from .._stories.weights import strongest_terms
from .._text.features import Features
from .._text.terms import CorpusFrequencies
from .lookup import SortedMultimap

__all__ = ["StoryTerms", "TermCounts", "story_terms"]

#: Strongest terms of each article kept for story candidates.
STORY_TERMS = 12
#: Strong terms a stored article must share with a new one to be its story candidate (or
#: all of the new one's, if it has fewer): story-mates share names, places and figures,
#: while two unrelated articles rarely share three strong terms (on the synthetic corpus:
#: 97% of same-story pairs do, 0.005% of other pairs).
MIN_SHARED = 3
#: Stored story candidates kept per new article (those sharing the most strong terms).
MAX_CANDIDATES = 10
#: Terms held by more stored articles than this are too common to propose candidates (the
#: story step skips terms among the strongest of more than 500 groups, see ``_stories.clusters``).
MAX_POSTINGS = 1000


class _Table:
    """A growing hash table from uint64 terms to int64 counts (compiled kernels)."""

    def __init__(self, capacity: int = 1 << 10) -> None:
        self.keys = np.zeros(capacity, dtype=np.uint64)
        self.counts = np.zeros(capacity, dtype=np.int64)
        self.filled = np.zeros(capacity, dtype=bool)
        self.size = 0

    def add(self, terms: U64, change: I64) -> None:
        needed = self.size + terms.size  # at most: the terms may repeat
        if 2 * needed > self.keys.size:
            capacity = self.keys.size
            while 2 * needed > capacity:
                capacity *= 2
            keys, counts = self.keys[self.filled], self.counts[self.filled]
            self.keys = np.zeros(capacity, dtype=np.uint64)
            self.counts = np.zeros(capacity, dtype=np.int64)
            self.filled = np.zeros(capacity, dtype=bool)
            self.size = _count_into(self.keys, self.counts, self.filled, keys, counts)
        self.size += _count_into(self.keys, self.counts, self.filled, terms, change)

    def get(self, terms: U64) -> I64:
        return _counts_of(self.keys, self.counts, self.filled, terms)


class TermCounts:
    """Document frequencies of content terms over the retained articles (a hash table).

    >>> counts = TermCounts()
    >>> counts.apply(counts.delta([np.array([3, 5], dtype=np.uint64)], []), 1)
    >>> counts.frequencies(counts.delta([np.array([5], dtype=np.uint64)], []), 2).lookup(
    ...     np.array([5, 7], dtype=np.uint64)).tolist()
    [2, 0]
    """

    def __init__(self) -> None:
        self._table = _Table()

    @property
    def nbytes(self) -> int:
        """Memory held by the table."""
        table = self._table
        return int(table.keys.nbytes + table.counts.nbytes + table.filled.nbytes)

    @staticmethod
    def delta(added: Sequence[npt.NDArray[np.unsignedinteger]],
              removed: Sequence[npt.NDArray[np.unsignedinteger]]) -> tuple[U64, I64]:
        """The change of counts when articles with terms ``added`` arrive and ``removed`` go
        (each array: one article's distinct terms), as sorted terms and their changes."""
        parts = [np.asarray(terms, dtype=np.uint64) for terms in (*added, *removed)]
        if not parts:
            return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
        signs = np.repeat(np.where(np.arange(len(parts)) < len(added), 1, -1),
                          [part.size for part in parts]).astype(np.int64)
        table = _Table()
        table.add(np.concatenate(parts), signs)
        keep = table.filled & (table.counts != 0)
        terms, change = table.keys[keep], table.counts[keep]
        order = np.argsort(terms)
        return terms[order], change[order]

    def frequencies(self, delta: tuple[U64, I64], n_articles: int) -> CorpusFrequencies:
        """The counts with ``delta`` applied, as the pipeline's hook (nothing changes)."""
        delta_terms, delta_change = delta
        changes = _Table()
        changes.add(np.asarray(delta_terms, dtype=np.uint64), delta_change)

        def lookup(terms: npt.NDArray[np.unsignedinteger]) -> I64:
            terms = np.asarray(terms, dtype=np.uint64)
            counts = self._table.get(terms)
            if delta_terms.size:
                counts += changes.get(terms)
            return counts

        return CorpusFrequencies(n_articles, lookup)

    def apply(self, delta: tuple[U64, I64], n_articles: int) -> None:
        """Apply a :meth:`delta` (``n_articles`` is only checked to be positive-or-zero)."""
        if n_articles < 0:
            raise ValueError(f"negative article count {n_articles}")
        self._table.add(*delta)


def story_terms(features: Features, frequencies: CorpusFrequencies,
                per_article: int = STORY_TERMS) -> list[U64]:
    """Each article's strongest content terms, as the story step weighs them (see
    ``_stories.weights``): saturated term frequency, boosted for terms mostly written as
    salient words (names, places, figures), times the inverse document frequency over the
    index; up to ``per_article``, strongest
    first (ties: smaller hash)."""
    terms = features.terms.astype(np.uint64)
    if per_article < 1:
        return [np.zeros(0, dtype=np.uint64) for _ in range(features.n_articles)]
    offsets = features.article_terms.astype(np.int64)
    kept, counts = strongest_terms(offsets, terms, features.term_counts,
                                   features.term_salient, frequencies.lookup(terms),
                                   float(frequencies.n_articles), per_article)
    return np.split(kept, np.cumsum(counts)[:-1])


class StoryTerms:
    """Inverted index from salient terms to the article slots holding them.

    >>> index = StoryTerms()
    >>> index.insert(np.array([0, 1]), [np.array([7, 8, 9], dtype=np.uint64),
    ...                                 np.array([5, 7, 8], dtype=np.uint64)])
    >>> index.candidates([np.array([7, 8, 9], dtype=np.uint64)], np.ones(2, bool)).tolist()
    [[0, 0]]
    """

    def __init__(self) -> None:
        self._postings = SortedMultimap(np.uint64, np.int64)
        self._counted = np.zeros(0, dtype=np.int64)
        self._next_stamp = 0

    @property
    def nbytes(self) -> int:
        """Memory held by the postings."""
        return self._postings.nbytes

    def insert(self, slots: I64, terms: Sequence[U64]) -> None:
        """Index the salient ``terms`` of each of article ``slots``."""
        lengths = np.array([part.size for part in terms], dtype=np.int64)
        if lengths.sum():
            self._postings.insert(np.concatenate(terms), np.repeat(slots, lengths))

    def candidates(self, terms: Sequence[U64], alive: npt.NDArray[np.bool_],
                   times: F64 | None = None, published: F64 | None = None,
                   window: float | None = None) -> I64:
        """``(query number, slot)`` pairs: stored articles (where ``alive``; and, with a
        ``window`` in seconds, published at most that far from the query: ``times`` of the
        queries, ``published`` of the slots, NaN for undated, which the window never
        excludes) sharing at least ``MIN_SHARED`` strong terms with query ``terms[n]`` (all
        of them, for a query with fewer), at most ``MAX_CANDIDATES`` per query, those sharing
        the most first (then the newest); terms posted more than ``MAX_POSTINGS`` times are
        too common to count. Sorted by query, then slot."""
        lengths = np.array([part.size for part in terms], dtype=np.int64)
        if not lengths.sum():
            return np.zeros((0, 2), dtype=np.int64)
        offsets = np.zeros(lengths.size + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        (base_left, base_right, base), (delta_left, delta_right, delta) = self._postings.spans(
            np.concatenate(terms))
        if window is None or times is None or published is None:
            times, published, window = np.zeros(0), np.zeros(0), -1.0  # never read then
        if self._counted.size < alive.size:  # scratch counts, kept between calls
            self._counted = np.full(max(alive.size, 2 * self._counted.size), -1,
                                    dtype=np.int64)
            self._next_stamp = 0
        first_stamp = self._next_stamp  # each query takes its size + 1 values from here
        self._next_stamp += int(offsets[-1]) + lengths.size
        return _shared_terms(offsets, base_left, base_right, np.asarray(base, dtype=np.int64),
                             delta_left, delta_right, np.asarray(delta, dtype=np.int64),
                             np.ascontiguousarray(alive),
                             np.ascontiguousarray(times, dtype=np.float64),
                             np.ascontiguousarray(published, dtype=np.float64), float(window),
                             MAX_POSTINGS, MIN_SHARED, MAX_CANDIDATES, self._counted,
                             first_stamp)

