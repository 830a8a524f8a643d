"""Paragraph matches: identical paragraphs collapsed, near ones found by LSH and verified.

Steps: paragraphs with identical shingle sets share one *unique paragraph* (so a footer seen
ten thousand times is hashed into LSH once); LSH over the unique paragraphs proposes
candidates; :func:`~newsdedup._verify.pair_similarity` checks each exactly; a pair *matches*
when its Jaccard reaches ``paragraph_jaccard`` or the shorter paragraph is contained in the
longer one to ``paragraph_containment``. Matched unique paragraphs form *paragraph clusters*
(connected components), the unit of boilerplate detection.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ._arrays import pairs_in_runs
from ._config import DedupConfig
from ._features import Features
from ._lsh import candidate_pairs, choose_bands
from ._minhash import signatures
from ._verify import pair_similarity

__all__ = [
    "ParagraphMatches",
    "ParagraphPairs",
    "match_paragraphs",
    "paragraph_pairs",
    "unique_positions",
]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

#: LSH bands signed and bucketed together (8 bands of 2 rows: 16 signature values a row).
_BANDS_PER_BLOCK = 8

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

    @property
    def cluster_of_paragraph(self) -> I64:
        """Paragraph cluster of each paragraph (-1 for paragraphs without shingles)."""
        return np.where(self.unique_of >= 0,
                        self.cluster_of_unique[np.maximum(self.unique_of, 0)], -1)


def match_paragraphs(features: Features, config: DedupConfig) -> ParagraphMatches:
    """Find identical and near-identical paragraphs across all articles of ``features``."""
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

    bands, rows = choose_bands(config.lsh_threshold, config.num_perm)
    # Only the unique paragraphs are signed, only with the permutations the bands use, and a
    # few bands at a time: the signatures of a large corpus never all sit in memory.
    found = []
    for first_band in range(0, bands, _BANDS_PER_BLOCK):
        block = min(bands - first_band, _BANDS_PER_BLOCK)
        block_signatures = signatures(
            sets, config.num_perm, config.seed, rows=representative, workers=config.workers,
            columns=(first_band * rows, (first_band + block) * rows))
        found.append(candidate_pairs(block_signatures, block, rows, workers=config.workers))
        del block_signatures
    pairs = (np.unique(np.concatenate(found), axis=0) if len(found) > 1 else found[0]
             ).reshape(-1, 2)
    similarity = pair_similarity(sets, representative[pairs[:, 0]], representative[pairs[:, 1]])
    jaccard = similarity.jaccard
    containment = similarity.smaller_contained
    keep = (jaccard >= config.paragraph_jaccard) | (containment >= config.paragraph_containment)
    left, right = pairs[keep, 0], pairs[keep, 1]

    n_unique = representative.size
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


@attrs.frozen(slots=True)
class ParagraphPairs:
    """Occurrence-level paragraph pairs: paragraph ``first[k]`` matches ``second[k]``.

    ``first < second`` as paragraph numbers; ``similarity`` is the exact Jaccard (1.0 for
    identical shingle sets); ``containment`` that of the shorter in the longer.
    """

    first: I64
    second: I64
    similarity: F64
    containment: F64


def _occurrences(unique_of: I64, n_unique: int, allowed: npt.NDArray[np.bool_]) -> tuple[I64, I64]:
    """Paragraph numbers grouped by unique paragraph (CSR), only where ``allowed``."""
    rows = np.flatnonzero((unique_of >= 0) & allowed)
    order = np.argsort(unique_of[rows], kind="stable")
    members = rows[order]
    offsets = np.zeros(n_unique + 1, dtype=np.int64)
    np.cumsum(np.bincount(unique_of[members], minlength=n_unique), out=offsets[1:])
    return offsets, members


def paragraph_pairs(matches: ParagraphMatches, allowed: npt.NDArray[np.bool_]) -> ParagraphPairs:
    """Expand unique-level matches into pairs of paragraph occurrences among ``allowed`` ones.

    Identical occurrences pair with each other (similarity 1.0); occurrences of two matched
    unique paragraphs pair across (their exact Jaccard).
    """
    n_unique = matches.representative.size
    offsets, members = _occurrences(matches.unique_of, n_unique, allowed)
    counts = np.diff(offsets)
    # Identical: all pairs within each unique paragraph's occurrence list.
    multi = np.flatnonzero(counts > 1)
    first_pos, second_pos = pairs_in_runs(offsets[multi], counts[multi], max_bucket=1 << 62)
    same_first, same_second = members[first_pos], members[second_pos]
    # Near: cross product of the occurrence lists of each matched pair.
    left_count, right_count = counts[matches.left], counts[matches.right]
    pair_sizes = left_count * right_count
    pair_of = np.repeat(np.arange(matches.left.size, dtype=np.int64), pair_sizes)
    within = np.arange(int(pair_sizes.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(pair_sizes) - pair_sizes, pair_sizes)
    near_first = members[offsets[matches.left[pair_of]] + within // right_count[pair_of]]
    near_second = members[offsets[matches.right[pair_of]] + within % right_count[pair_of]]
    first = np.concatenate([same_first, near_first])
    second = np.concatenate([same_second, near_second])
    similarity = np.concatenate([np.ones(same_first.size), matches.jaccard[pair_of]])
    containment = np.concatenate([np.ones(same_first.size), matches.containment[pair_of]])
    low, high = np.minimum(first, second), np.maximum(first, second)
    return ParagraphPairs(low, high, similarity, containment)


def unique_positions(matches: ParagraphMatches) -> tuple[I64, I64]:
    """CSR of all paragraph occurrences per unique paragraph (see ``_occurrences``)."""
    return _occurrences(matches.unique_of, matches.representative.size,
                        np.ones(matches.unique_of.size, dtype=bool))
