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
from ._index_lookup import SortedMultimap

__all__ = ["StoryTerms", "TermCounts", "story_terms"]

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
#: Strongest terms of each article kept for story candidates.
STORY_TERMS = 12
#: Strong terms a stored article must share with a new one to be its story candidate (or
#: all of the new one's, if it has fewer): story-mates share names, places and figures,
#: while two unrelated articles rarely share three strong terms (on the synthetic corpus:
#: 97% of same-story pairs do, 0.005% of other pairs).
MIN_SHARED = 3
#: Stored story candidates kept per new article (those sharing the most strong terms).
MAX_CANDIDATES = 10
#: Terms held by more stored articles than this are too common to propose candidates.
MAX_POSTINGS = 2000
# The story step's term weighting (see _stories: BM25's k1 and the salient-word boost).
_BM25_K1 = 1.2
_NAME_BOOST = 2.0


class TermCounts:
    """Document frequencies of content terms over the retained articles.

    >>> counts = TermCounts()
    >>> counts.apply(counts.delta([np.array([3, 5], dtype=np.uint64)], []), 1)
    >>> counts.frequencies(counts.delta([np.array([5], dtype=np.uint64)], []), 2).lookup(
    ...     np.array([5, 7], dtype=np.uint64)).tolist()
    [2, 0]
    """

    def __init__(self) -> None:
        self._terms: U64 = np.zeros(0, dtype=np.uint64)
        self._counts: I64 = np.zeros(0, dtype=np.int64)

    @property
    def nbytes(self) -> int:
        """Memory held by the table."""
        return int(self._terms.nbytes + self._counts.nbytes)

    @staticmethod
    def delta(added: Sequence[npt.NDArray[np.unsignedinteger]],
              removed: Sequence[npt.NDArray[np.unsignedinteger]]) -> tuple[U64, I64]:
        """The change of counts when articles with terms ``added`` arrive and ``removed`` go
        (each array: one article's distinct terms)."""
        parts = [np.asarray(terms, dtype=np.uint64) for terms in (*added, *removed)]
        signs = [np.full(terms.size, 1 if n < len(added) else -1, dtype=np.int64)
                 for n, terms in enumerate(parts)]
        if not parts:
            return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
        terms, inverse = np.unique(np.concatenate(parts), return_inverse=True)
        change = np.bincount(inverse.ravel(), weights=np.concatenate(signs),
                             minlength=terms.size).astype(np.int64)
        return terms[change != 0], change[change != 0]

    def _base(self, terms: U64) -> I64:
        at = np.minimum(np.searchsorted(self._terms, terms), max(self._terms.size - 1, 0))
        found = self._terms[at] == terms if self._terms.size else np.zeros(terms.size, bool)
        return np.where(found, self._counts[at] if self._terms.size else 0, 0)

    def frequencies(self, delta: tuple[U64, I64], n_articles: int) -> CorpusFrequencies:
        """The counts with ``delta`` applied, as the pipeline's hook (nothing changes)."""
        delta_terms, delta_change = delta

        def lookup(terms: npt.NDArray[np.unsignedinteger]) -> I64:
            terms = np.asarray(terms, dtype=np.uint64)
            counts = self._base(terms)
            if delta_terms.size:
                at = np.minimum(np.searchsorted(delta_terms, terms), delta_terms.size - 1)
                counts = counts + np.where(delta_terms[at] == terms, delta_change[at], 0)
            return counts

        return CorpusFrequencies(n_articles, lookup)

    def apply(self, delta: tuple[U64, I64], n_articles: int) -> None:
        """Apply a :meth:`delta` (``n_articles`` is only checked to be positive-or-zero)."""
        if n_articles < 0:
            raise ValueError(f"negative article count {n_articles}")
        terms, change = delta
        if terms.size == 0:
            return
        at = np.searchsorted(self._terms, terms)
        found = np.zeros(terms.size, dtype=bool)
        inside = at < self._terms.size
        found[inside] = self._terms[at[inside]] == terms[inside]
        self._counts[at[found]] += change[found]
        new = ~found
        self._terms = np.insert(self._terms, at[new], terms[new])
        self._counts = np.insert(self._counts, at[new], change[new])


def story_terms(features: Features, frequencies: CorpusFrequencies,
                per_article: int = STORY_TERMS) -> list[U64]:
    """Each article's strongest content terms, as the story step weighs them: saturated term
    frequency, boosted for terms mostly written as salient words (names, places, figures),
    times the inverse document frequency over the index; up to ``per_article``, strongest
    first (ties: smaller hash)."""
    counts = np.diff(features.article_terms)
    owner = np.repeat(np.arange(features.n_articles), counts)
    terms = features.terms.astype(np.uint64)
    occurrences = features.term_counts.astype(np.float64)
    idf = np.log((1.0 + frequencies.n_articles)
                 / (1.0 + frequencies.lookup(terms).astype(np.float64))) + 1.0
    saturated = occurrences * (_BM25_K1 + 1.0) / (occurrences + _BM25_K1)
    salient = np.minimum(features.term_salient / np.maximum(occurrences, 1.0), 1.0)
    weight = saturated * (1.0 + _NAME_BOOST * salient) * idf
    # Stable: equal weights keep each article's term order (ascending hashes).
    order = np.lexsort((-weight, owner))
    rank = np.arange(order.size) - np.repeat(features.article_terms[:-1], counts)
    keep = order[rank < per_article]
    return np.split(terms[keep], np.cumsum(np.bincount(owner[keep],
                                                       minlength=features.n_articles))[:-1])


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

    @property
    def nbytes(self) -> int:
        """Memory held by the postings."""
        return self._postings.nbytes

    def insert(self, slots: I64, terms: Sequence[U64]) -> None:
        """Index the salient ``terms`` of each of article ``slots``."""
        lengths = np.array([part.size for part in terms], dtype=np.int64)
        if lengths.sum():
            self._postings.insert(np.concatenate(terms), np.repeat(slots, lengths))

    def candidates(self, terms: Sequence[U64], alive: npt.NDArray[np.bool_]) -> I64:
        """``(query number, slot)`` pairs: stored articles (where ``alive``) sharing at least
        ``MIN_SHARED`` strong terms with query ``terms[n]`` (all of them, for a query with
        fewer), at most ``MAX_CANDIDATES`` per query, those sharing the most first (then the
        newest)."""
        lengths = np.array([part.size for part in terms], dtype=np.int64)
        if not lengths.sum():
            return np.zeros((0, 2), dtype=np.int64)
        query = np.repeat(np.arange(len(terms)), lengths)
        which, slots = self._postings.lookup(np.concatenate(terms), MAX_POSTINGS)
        keep = alive[slots]
        codes = query[which[keep]] * alive.size + slots[keep]
        pairs, shared = np.unique(codes, return_counts=True)
        owner = pairs // alive.size
        enough = shared >= np.minimum(MIN_SHARED, lengths[owner])
        pairs, shared, owner = pairs[enough], shared[enough], owner[enough]
        order = np.lexsort((-pairs, -shared, owner))
        rank = np.arange(order.size) - np.searchsorted(owner[order], owner[order])
        chosen = np.sort(pairs[order][rank < MAX_CANDIDATES])
        return np.stack([chosen // alive.size, chosen % alive.size], axis=1)
