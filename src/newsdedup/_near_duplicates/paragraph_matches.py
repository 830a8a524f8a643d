"""Paragraph matches: identical paragraphs collapsed, near ones found by LSH and verified.

Steps: paragraphs with identical shingle sets share one *unique paragraph* (so a footer seen
ten thousand times is hashed into LSH once); LSH over the unique paragraphs proposes
candidates; :func:`~newsdedup._near_duplicates.verify.pair_similarity` checks each exactly; a pair
*matches* when its Jaccard reaches ``paragraph_jaccard`` or the shorter paragraph is contained in
the longer one to ``paragraph_containment`` (:func:`paragraphs_match`). Matched unique paragraphs
form *paragraph clusters* (connected components), the unit of boilerplate detection.

**Edited lines.** A few edited words change ``shingle_size`` shingles each: a 29-token sentence
with three words replaced keeps 12 of its 25 shingles (Jaccard 0.32), under both thresholds,
and a short article that is that sentence was no copy of its original. Two lines of text
(``TEXT_TOKENS`` tokens or more each) match too when each has at most
``near_duplicate_edits * shingle_size`` shingles the other lacks (each edited word changes
``shingle_size``), their token counts differ by at most ``near_duplicate_edits`` (a run of
ten words replaced by five changes about as few shingles as three edited words, but not as
few tokens), and they share ``EDITED_LINE_SHARED`` shingles (a ten-word run: a stock phrase
of a few words does not make two sentences one). The article links read such a pair as
they read an edited copy (``_near_duplicates.links``).
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .._core.arrays import distinct_pairs, owner_offsets
from .._core.config import DedupConfig
from .._core.types import F64, I64
from .._text.features import Features
from .lsh import choose_bands, lsh_candidate_pairs
from .minhash import signatures
from .verify import PairSimilarity, pair_similarity

__all__ = ["EDITED_LINE_SHARED", "TEXT_TOKENS", "ParagraphMatches", "match_paragraphs",
           "paragraphs_match", "text_lines", "unique_positions"]


#: LSH bands signed and bucketed together (8 bands of 2 rows: 16 signature values a row).
_BANDS_PER_BLOCK = 8
#: A paragraph of at least this many tokens is text of an article; shorter lines (a header,
#: a dateline, "No one was injured.") may be a site's or a repost's own.
TEXT_TOKENS = 12
#: Two edited lines share at least this many shingles (a run of ten words; see the module
#: docstring). On the repost feed at 5k, 8 and 10 found fewer of its edited copies (pair
#: recall 0.9837 against 0.9849), 4 lost precision (0.9951 against 0.9954).
EDITED_LINE_SHARED = 6


def text_lines(features: Features, allowed: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """The lines of text: ``allowed`` paragraphs (content, not boilerplate) of
    ``TEXT_TOKENS`` tokens or more."""
    result: npt.NDArray[np.bool_] = allowed & (features.token_counts >= TEXT_TOKENS)
    return result


@attrs.frozen(slots=True)
class ParagraphMatches:
    """Which paragraphs carry the same or nearly the same text.

    Attributes:
        unique_of: for each paragraph, its unique-paragraph number (-1: no shingles).
        representative: for each unique paragraph, the first paragraph carrying it.
        left, right: matched unique-paragraph pairs (``left < right``).
        jaccard, containment: exact similarity of each matched pair (containment of the
            shorter paragraph in the longer).
        cluster_of_unique: paragraph cluster of each unique paragraph.
    """

    unique_of: I64
    representative: I64
    left: I64
    right: I64
    jaccard: F64
    containment: F64
    cluster_of_unique: I64
    # partners(), computed on the first call (several steps read it).
    _partners: tuple[I64, I64, F64] | None = attrs.field(default=None, init=False,
                                                          repr=False, eq=False)

    def partners(self) -> tuple[I64, I64, F64]:
        """The matched partners of each unique paragraph (CSR ``offsets``, ``partner``,
        ``jaccard``), each pair listed from both sides, partners ascending (computed once,
        then kept)."""
        if self._partners is not None:
            return self._partners
        first = np.concatenate([self.left, self.right])
        second = np.concatenate([self.right, self.left])
        jaccard = np.concatenate([self.jaccard, self.jaccard])
        order = np.lexsort((second, first))
        offsets = owner_offsets(first, self.representative.size)
        found = (offsets, second[order], jaccard[order])
        object.__setattr__(self, "_partners", found)  # a cache on a frozen record
        return found

    @property
    def cluster_of_paragraph(self) -> I64:
        """Paragraph cluster of each paragraph (-1 for paragraphs without shingles)."""
        return self.clusters_of(np.arange(self.unique_of.size, dtype=np.int64))

    def clusters_of(self, paragraphs: I64) -> I64:
        """Paragraph cluster of the given paragraph numbers (-1: without shingles)."""
        unique = self.unique_of[paragraphs]
        if self.cluster_of_unique.size == 0:  # no paragraph has a shingle (e.g. all "...")
            return np.full(unique.size, -1, dtype=np.int64)
        clusters: I64 = np.where(unique >= 0, self.cluster_of_unique[np.maximum(unique, 0)], -1)
        return clusters


def match_paragraphs(features: Features, config: DedupConfig,
                     article_priority: I64 | None = None) -> ParagraphMatches:
    """Find identical and near-identical paragraphs across all articles of ``features``.

    ``article_priority`` (smaller first; default: article number) orders the paragraphs of
    an oversized LSH bucket by the best article carrying each (see ``_near_duplicates.lsh``).
    """
    sets = features.shingles
    has_shingles = sets.sizes > 0
    prints = features.fingerprints
    candidates_rows = np.flatnonzero(has_shingles)
    _, first_position, inverse = np.unique(prints[candidates_rows], return_index=True,
                                           return_inverse=True)
    # Number unique paragraphs by first appearance, so numbering follows input order.
    appearance = np.argsort(first_position, kind="stable")
    renumber = np.empty_like(appearance)
    renumber[appearance] = np.arange(appearance.size)
    unique_of = np.full(len(sets), -1, dtype=np.int64)
    unique_of[candidates_rows] = renumber[inverse]
    representative = candidates_rows[np.sort(first_position)]
    n_unique = representative.size
    if article_priority is None:
        article_priority = np.arange(features.n_articles, dtype=np.int64)
    priority = np.full(n_unique, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(priority, unique_of[candidates_rows],
                  article_priority[features.paragraph_article[candidates_rows]])

    bands, rows = choose_bands(config.lsh_threshold, config.num_perm)
    # Only the unique paragraphs are signed, only with the permutations the bands use, and a
    # few bands at a time: the signatures of a large corpus never all sit in memory.
    found = []
    for first_band in range(0, bands, _BANDS_PER_BLOCK):
        block = min(bands - first_band, _BANDS_PER_BLOCK)
        block_signatures = signatures(
            sets, config.num_perm, config.seed, rows=representative, workers=config.workers,
            columns=(first_band * rows, (first_band + block) * rows))
        found.append(lsh_candidate_pairs(block_signatures, block, rows, workers=config.workers,
                                     priority=priority))
        del block_signatures
    pairs = (distinct_pairs(np.concatenate(found)) if len(found) > 1
             else found[0] if found else np.zeros((0, 2), dtype=np.int64)).reshape(-1, 2)
    similarity = pair_similarity(sets, representative[pairs[:, 0]], representative[pairs[:, 1]])
    jaccard = similarity.jaccard
    containment = similarity.smaller_contained
    tokens = features.token_counts
    keep = paragraphs_match(similarity, tokens[representative[pairs[:, 0]]],
                            tokens[representative[pairs[:, 1]]], config)
    left, right = pairs[keep, 0], pairs[keep, 1]

    graph = coo_matrix((np.ones(left.size), (left, right)), shape=(n_unique, n_unique))
    _, labels = connected_components(graph, directed=False)
    return ParagraphMatches(
        unique_of=unique_of,
        representative=representative,
        left=left,
        right=right,
        jaccard=jaccard[keep],
        containment=containment[keep],
        cluster_of_unique=labels.astype(np.int64),
    )


def paragraphs_match(similarity: PairSimilarity, left_tokens: I64, right_tokens: I64,
                     config: DedupConfig) -> npt.NDArray[np.bool_]:
    """Which pairs of ``similarity`` match (module docstring): Jaccard ``paragraph_jaccard``,
    containment of the smaller ``paragraph_containment``, or two edited lines of text
    (``left_tokens``/``right_tokens``: each paragraph's token count). The batch run and the
    index (``_index.place``) decide with this one test.

    >>> import numpy as np
    >>> from newsdedup._core.config import DedupConfig
    >>> one = np.array([0])
    >>> edited = PairSimilarity(one, one, np.array([12]), np.array([25]), np.array([25]))
    >>> paragraphs_match(edited, np.array([29]), np.array([29]), DedupConfig()).tolist()
    [True]
    >>> paragraphs_match(edited, np.array([29]), np.array([22]), DedupConfig()).tolist()
    [False]
    """
    keep: npt.NDArray[np.bool_] = ((similarity.jaccard >= config.paragraph_jaccard)
                                   | (similarity.smaller_contained
                                      >= config.paragraph_containment))
    budget = config.near_duplicate_edits * config.shingle_size
    shared = similarity.intersection
    keep |= ((np.minimum(left_tokens, right_tokens) >= TEXT_TOKENS)
             & (np.abs(left_tokens - right_tokens) <= config.near_duplicate_edits)
             & (shared >= EDITED_LINE_SHARED)
             & (similarity.left_size - shared <= budget)
             & (similarity.right_size - shared <= budget))
    return keep


def _occurrences(unique_of: I64, n_unique: int, allowed: npt.NDArray[np.bool_]) -> tuple[I64, I64]:
    """Paragraph numbers grouped by unique paragraph (CSR), only where ``allowed``."""
    rows = np.flatnonzero((unique_of >= 0) & allowed)
    order = np.argsort(unique_of[rows], kind="stable")
    members = rows[order]
    offsets = owner_offsets(unique_of[members], n_unique)
    return offsets, members


def unique_positions(matches: ParagraphMatches) -> tuple[I64, I64]:
    """CSR of all paragraph occurrences per unique paragraph (see ``_occurrences``)."""
    return _occurrences(matches.unique_of, matches.representative.size,
                        np.ones(matches.unique_of.size, dtype=bool))
