"""Stories: duplicate groups about the same news event, whether or not they share text.

1. **What an article is about.** Its content terms (title tokens and the tokens of its
   non-boilerplate paragraphs, see ``_features``) weighted by a BM25-style saturated term
   frequency, so a word repeated ten times does not drown the rest, and boosted up to
   ``1 + _NAME_BOOST`` times for terms the corpus mostly writes as salient words
   (capitalised inside a sentence, or carrying a digit): names, places and figures are what
   tell two earthquakes or two rehab stories apart. The boost is the share of a term's
   occurrences that are salient, measured over the corpus, so it needs no word list and does
   nothing for scripts without case.
2. **One vote per group.** A duplicate group is the mean of its members' (normalized) vectors,
   so forty reposts of one wire story do not outweigh the other coverage. IDF comes from the
   groups themselves (no language-specific stopword list: terms frequent in the corpus weigh
   little), and terms found in a single group are dropped: they can never be shared, they only
   shrink every cosine of that group.
3. **Candidates, with bounded work per group.** Each group probes the posting lists of its
   strongest terms, those of most weight per posting first, up to a fixed number of postings
   (``_story_candidates``), so the work per group does not grow with the corpus; candidates
   get their exact cosine on the full vectors. Groups further apart in time than
   ``story_window_days`` are never linked.
4. **No chaining.** Pairs at ``story_threshold`` are the edges of an average-linkage
   clustering (``_sparse_linkage``): a cluster joins another only when the *mean*
   similarity of all their pairs (0 for pairs below the threshold) reaches the threshold, so
   one bridging article cannot chain two events together the way connected components do.

Optionally (``story_embedding_weight > 0``, the ``[embed]`` extra) each pair's similarity is a
blend of the lexical cosine and the cosine of sentence embeddings; candidates still come from
the lexical index.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix

from ._config import DedupConfig
from ._features import Features
from ._groups import GroupAssignment
from ._hashing import U64
from ._sparse_linkage import average_linkage_clusters
from ._story_candidates import candidate_pairs, pair_cosines

__all__ = ["StoryAssignment", "build_stories"]

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

#: Strongest terms per group in the candidate index.
_CANDIDATE_TERMS = 64
#: Postings each group may read to find its candidates (the work bound per group).
_PROBE_BUDGET = 500
#: Candidate pairs must reach this share of ``story_threshold`` on the probed terms alone.
_CANDIDATE_SHARE = 0.6
#: BM25's term-frequency saturation constant (its usual value).
_BM25_K1 = 1.2
#: Extra weight of a term always written as a salient word (a name, a place, a figure).
_NAME_BOOST = 2.0
#: Largest hash table (in bits) used to number the distinct terms.
_TERM_TABLE_BITS = 22


@attrs.frozen(slots=True)
class StoryAssignment:
    """Stories as group numbers: ``story_of_group[g]`` is group ``g``'s story number."""

    story_of_group: I64
    n_stories: int


def term_numbers(terms: U64) -> tuple[I32, int]:
    """Number of each term hash among the distinct hashes in increasing order, and their count.

    Equal to ``np.unique(terms, return_inverse=True)`` without sorting all the terms: the top
    bits of a hash pick a slot of a table, the slots holding one distinct hash (nearly all)
    are numbered by a running count, and only the few hashes sharing a slot are sorted.

    >>> import numpy as np
    >>> numbers, count = term_numbers(np.array([7, 3, 7, 2**63], dtype=np.uint64))
    >>> numbers.tolist(), count
    ([1, 0, 1, 2], 3)
    """
    bits = min(_TERM_TABLE_BITS, max(8, int(terms.size).bit_length()))
    shift = np.uint64(64 - bits)
    slot = np.right_shift(terms, shift).view(np.intp)  # below 2**bits: the view is exact
    owner = np.zeros(1 << bits, dtype=np.uint64)
    owner[slot] = terms  # one writer per slot wins; the others show up as clashes
    used = np.zeros(1 << bits, dtype=bool)
    used[slot] = True
    shared = np.zeros(1 << bits, dtype=bool)
    shared[slot[owner[slot] != terms]] = True
    clashing = np.flatnonzero(shared[slot]) if shared.any() else np.zeros(0, dtype=np.intp)
    shared_hashes = np.unique(terms[clashing])
    # Slots are in hash order, so a running count of distinct hashes per slot numbers them.
    per_slot = (used & ~shared).astype(np.int32)
    per_slot += np.bincount(np.right_shift(shared_hashes, shift).view(np.intp),
                            minlength=1 << bits).astype(np.int32)
    before = np.zeros((1 << bits) + 1, dtype=np.int32)  # fewer terms than 2**31: int32 fits
    np.cumsum(per_slot, out=before[1:])
    numbers = before[slot]
    if clashing.size:
        # Inside a shared slot: its first number plus the hash's rank among that slot's hashes.
        slot_start = np.left_shift(slot[clashing].view(np.uint64), shift)
        numbers[clashing] += (np.searchsorted(shared_hashes, terms[clashing])
                              - np.searchsorted(shared_hashes, slot_start)).astype(np.int32)
    return numbers, int(before[-1])


def group_vectors(features: Features, groups: GroupAssignment) -> csr_matrix:
    """L2-normalized weighted term vector of each group (rows), over the corpus's term ids.

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
    # Arrays here have one entry per (article, term): in-place steps keep the copies few.
    n_articles = features.n_articles
    term_ids, n_terms = term_numbers(features.terms)
    n_terms = max(n_terms, 1)
    counts = features.term_counts.astype(np.float64)
    salient_share = (np.bincount(term_ids, weights=features.term_salient, minlength=n_terms)
                     / np.maximum(np.bincount(term_ids, weights=counts, minlength=n_terms), 1.0))
    boost = (_BM25_K1 + 1.0) * (1.0 + _NAME_BOOST * np.minimum(salient_share, 1.0))
    weights = counts + _BM25_K1
    np.divide(counts, weights, out=weights)  # saturated tf: counts * (k1 + 1) / (counts + k1)
    del counts
    weights *= boost[term_ids]
    # Terms are sorted per article and numbered in hash order: the rows are valid CSR as is.
    articles = csr_matrix((weights, term_ids, features.article_terms),
                          shape=(n_articles, n_terms))
    n_groups = len(groups.canonical)
    # The mean of the members' normalized vectors, as one product (a scale does not matter).
    membership = csr_matrix((1.0 / np.maximum(_row_norms(weights, features.article_terms), 1e-12),
                             (groups.group_of, np.arange(n_articles))),
                            shape=(n_groups, n_articles))
    sums = csr_matrix(membership @ articles)
    del articles, weights, term_ids
    document_frequency = np.bincount(sums.indices, minlength=n_terms)
    shared = document_frequency > 1  # a term of a single group only dilutes its cosines
    idf = np.where(shared, np.log((1.0 + n_groups) / (1.0 + document_frequency)) + 1.0, 0.0)
    sums.data *= idf[sums.indices]
    sums.data /= np.repeat(np.maximum(_row_norms(sums.data, sums.indptr), 1e-12),
                           np.diff(sums.indptr))
    if shared.all():
        return sums
    # Drop the unshared terms and number the rest densely (smaller scratch rows later).
    kept = shared[sums.indices]
    indptr = np.zeros(n_groups + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(_row_sums(kept, sums.indptr)).astype(np.int64)  # exact below 2**53
    column = (np.cumsum(shared) - 1).astype(np.int32)
    return csr_matrix((sums.data[kept], column[sums.indices[kept]], indptr),
                      shape=(n_groups, max(int(shared.sum()), 1)))


def _row_sums(values: npt.NDArray[np.float64 | np.bool_], indptr: I64) -> F64:
    """Sum of each CSR row's ``values`` (0 for an empty row)."""
    sums = np.zeros(indptr.size - 1)
    filled = indptr[1:] > indptr[:-1]
    # reduceat sums up to the next start: with empty rows left out that is each row's end.
    sums[filled] = np.add.reduceat(values, indptr[:-1][filled], dtype=np.float64)
    return sums


def _row_norms(values: F64, indptr: I64) -> F64:
    """Euclidean norm of each CSR row's ``values`` (0 for an empty row)."""
    result: F64 = np.sqrt(_row_sums(values * values, indptr))
    return result


def _group_embeddings(embeddings: F64, groups: GroupAssignment) -> F64:
    """Normalized mean embedding of each group's members (a group votes once)."""
    sums = np.zeros((len(groups.canonical), embeddings.shape[1]))
    np.add.at(sums, groups.group_of, embeddings)
    result: F64 = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    return result


def build_stories(features: Features, groups: GroupAssignment, group_times: F64,
                  config: DedupConfig, embeddings: F64 | None = None) -> StoryAssignment:
    """Cluster groups into stories (see the module docstring).

    ``group_times`` holds each group's publication time in seconds (NaN when undated).
    ``embeddings`` (one row per article, see ``_embed``) are blended in with
    ``config.story_embedding_weight``; without them the similarity is purely lexical.
    """
    n_groups = len(groups.canonical)
    if n_groups == 0:
        return StoryAssignment(np.zeros(0, dtype=np.int64), 0)
    vectors = group_vectors(features, groups)
    rows, cols = candidate_pairs(vectors, _CANDIDATE_TERMS, _PROBE_BUDGET,
                                 _CANDIDATE_SHARE * config.story_threshold)
    if config.story_window_days is not None:
        # Before verification: pairs outside the window are never linked. NaN gap: kept.
        gap = np.abs(group_times[rows] - group_times[cols])
        inside = ~(gap > config.story_window_days * 86400.0)
        rows, cols = rows[inside], cols[inside]
    similarity = pair_cosines(vectors, rows, cols)
    weight = config.story_embedding_weight
    if embeddings is not None and weight > 0.0:
        semantic = _group_embeddings(embeddings, groups)
        similarity = ((1.0 - weight) * similarity
                      + weight * np.einsum("ij,ij->i", semantic[rows], semantic[cols]))
    linked = similarity >= config.story_threshold
    story_of_group = average_linkage_clusters(n_groups, rows[linked], cols[linked],
                                              similarity[linked], config.story_threshold)
    return StoryAssignment(story_of_group, int(story_of_group.max()) + 1)
