"""The index's term memory: document frequencies and a names index for story candidates.

Two index-wide quantities the neighbourhood of an add cannot see by itself:

* :class:`TermCounts`: how many retained articles hold each content term. The boilerplate
  topic check weighs terms by these (through ``CorpusFrequencies``), so a neighbourhood run
  makes the check exactly as a run over the whole index would.
* :class:`StoryTerms`: each article's few strongest terms, weighted as the story step weighs
  them (names, places and figures count most, see ``_stories``), in an inverted index, so a
  new article finds stored articles about the same event even when they share no text. It
  only proposes candidates; the story step itself decides.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ._boilerplate import CorpusFrequencies
from ._features import Features
from ._hashing import fmix64_scalar
from ._index_lookup import SortedMultimap
from ._jit import kernel

__all__ = ["StoryTerms", "TermCounts", "story_terms"]

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
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
#: story step skips terms among the strongest of more than 500 groups, see ``_stories``).
MAX_POSTINGS = 1000
# The story step's term weighting (see _stories: BM25's k1 and the salient-word boost).
_BM25_K1 = 1.2
_NAME_BOOST = 2.0


@kernel
def _count_into(keys: U64, counts: I64, filled: npt.NDArray[np.bool_], terms: U64,
                change: I64) -> int:
    """Add ``change[k]`` to the count of ``terms[k]`` in an open-addressing table (sized a
    power of two, at most half full); return how many slots it newly filled."""
    mask = np.uint64(keys.size - 1)
    new = 0
    for index in range(terms.size):
        term = terms[index]
        slot = fmix64_scalar(term) & mask
        while filled[slot] and keys[slot] != term:
            slot = (slot + np.uint64(1)) & mask
        if not filled[slot]:
            filled[slot] = True
            keys[slot] = term
            new += 1
        counts[slot] += change[index]
    return new


@kernel
def _counts_of(keys: U64, counts: I64, filled: npt.NDArray[np.bool_], terms: U64) -> I64:
    """The count of each of ``terms`` in the table (0 when absent)."""
    mask = np.uint64(keys.size - 1)
    out = np.zeros(terms.size, dtype=np.int64)
    for index in range(terms.size):
        term = terms[index]
        slot = fmix64_scalar(term) & mask
        while filled[slot]:
            if keys[slot] == term:
                out[index] = counts[slot]
                break
            slot = (slot + np.uint64(1)) & mask
    return out


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
    """Each article's strongest content terms, as the story step weighs them: saturated term
    frequency, boosted for terms mostly written as salient words (names, places, figures),
    times the inverse document frequency over the index; up to ``per_article``, strongest
    first (ties: smaller hash)."""
    terms = features.terms.astype(np.uint64)
    if per_article < 1:
        return [np.zeros(0, dtype=np.uint64) for _ in range(features.n_articles)]
    offsets = features.article_terms.astype(np.int64)
    kept, counts = _strongest(offsets, terms, features.term_counts, features.term_salient,
                              frequencies.lookup(terms), float(frequencies.n_articles),
                              per_article)
    return np.split(kept, np.cumsum(counts)[:-1])


@kernel
def _strongest(offsets: I64, terms: U64, occurrences: npt.NDArray[np.uint8],
               salient: npt.NDArray[np.uint8], frequency: I64, n_articles: float,
               per_article: int) -> tuple[U64, I64]:
    """The ``per_article`` terms of most weight of each article (see :func:`story_terms`),
    concatenated in that order, and how many each article has."""
    n = offsets.size - 1
    counts = np.zeros(n, dtype=np.int64)
    kept = np.empty(min(terms.size, n * per_article), dtype=np.uint64)
    best_weight = np.empty(per_article)
    best_entry = np.empty(per_article, dtype=np.int64)
    written = 0
    for article in range(n):
        # The best entries so far by decreasing weight; an equal weight keeps the earlier
        # entry first (the article's term order: ascending hashes).
        size = 0
        for entry in range(offsets[article], offsets[article + 1]):
            tf = np.float64(occurrences[entry])
            share = min(np.float64(salient[entry]) / max(tf, 1.0), 1.0)
            idf = np.log((1.0 + n_articles) / (1.0 + np.float64(frequency[entry]))) + 1.0
            weight = tf * (_BM25_K1 + 1.0) / (tf + _BM25_K1) * (1.0 + _NAME_BOOST * share) * idf
            if size == per_article and weight <= best_weight[size - 1]:
                continue
            position = min(size, per_article - 1)
            while position > 0 and best_weight[position - 1] < weight:
                if position < per_article:
                    best_weight[position] = best_weight[position - 1]
                    best_entry[position] = best_entry[position - 1]
                position -= 1
            best_weight[position] = weight
            best_entry[position] = entry
            size = min(size + 1, per_article)
        for rank in range(size):
            kept[written] = terms[best_entry[rank]]
            written += 1
        counts[article] = size
    return kept[:written], counts


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
                             delta_left, delta_right, np.asarray(delta, dtype=np.int64), alive,
                             np.asarray(times, dtype=np.float64),
                             np.asarray(published, dtype=np.float64), float(window),
                             MAX_POSTINGS, MIN_SHARED, MAX_CANDIDATES, self._counted,
                             first_stamp)


@kernel
def _shared_terms(offsets: I64, base_left: I64, base_right: I64, base: I64, delta_left: I64,
                  delta_right: I64, delta: I64, alive: npt.NDArray[np.bool_], times: F64,
                  published: F64, window: float, max_postings: int, min_shared: int,
                  max_candidates: int, counted: I64, first_stamp: int) -> I64:
    """:meth:`StoryTerms.candidates` over the postings in place (``window < 0``: none).

    Each query counts, per slot, the terms it shares, in one number per slot of ``counted``:
    its stamp plus the count. Stamps grow over queries and calls, each query taking as many
    values as it has terms, plus one (from ``first_stamp``), so a value left by an earlier
    query or call is below the stamp: it is recognised and restarted, nothing is cleared,
    and a posting costs one memory access (the cost at a million stored articles). A slot is
    checked (alive, inside the window) only when its count reaches the query's minimum; it
    is ranked by its final count."""
    n_queries = offsets.size - 1
    out = np.empty((n_queries * max_candidates, 2), dtype=np.int64)
    written = 0
    reached = np.empty(16, dtype=np.int64)
    for query in range(n_queries):
        need = min(min_shared, offsets[query + 1] - offsets[query])
        stamp = first_stamp + offsets[query] + query
        n_reached = 0
        for term in range(offsets[query], offsets[query + 1]):
            if (base_right[term] - base_left[term]
                    + delta_right[term] - delta_left[term]) > max_postings:
                continue
            for run in range(2):
                values = base if run == 0 else delta
                first = base_left[term] if run == 0 else delta_left[term]
                last = base_right[term] if run == 0 else delta_right[term]
                for position in range(first, last):
                    slot = values[position]
                    count = counted[slot] - stamp if counted[slot] >= stamp else 0
                    counted[slot] = stamp + count + 1
                    if count + 1 != need or not alive[slot]:
                        continue
                    if window >= 0.0 and abs(times[query] - published[slot]) > window:
                        continue  # a NaN gap compares False: undated is never too far
                    if n_reached == reached.size:
                        grown = np.empty(2 * reached.size, dtype=np.int64)
                        grown[:n_reached] = reached[:n_reached]
                        reached = grown
                    reached[n_reached] = slot
                    n_reached += 1
        if n_reached == 0:
            continue
        # Most shared first, then the newest (largest slot): one key, descending.
        keys = np.empty(n_reached, dtype=np.int64)
        for number in range(n_reached):
            slot = reached[number]
            keys[number] = (counted[slot] - stamp) * (alive.size + 1) + slot
        keys = np.sort(keys)[::-1][:max_candidates]
        chosen = np.sort(keys % (alive.size + 1))
        for slot in chosen:
            out[written, 0] = query
            out[written, 1] = slot
            written += 1
    return out[:written].copy()
