"""Article links: which articles share text, how much, and in which direction.

Two articles are compared when at least one of their non-boilerplate paragraphs matches. The
comparison is exact, over the union of each article's non-boilerplate shingles: Jaccard, and
containment in both directions. Each linked pair gets a relation, read from ``a`` to ``b``:

``near-duplicate``  Jaccard >= ``article_threshold``
``contained-in``    ``a``'s text is in ``b`` (containment >= ``containment_threshold``)
``contains``        ``b``'s text is in ``a``
``partial-reuse``   they share paragraphs, but neither is a copy of the other

A containment makes the pair *duplicates* only when the shorter article also covers at least
``min_coverage`` of the longer one; and an article that contains two or more otherwise
unrelated articles is a *digest*: it stays linked to each ("contains") but is never their
duplicate, so a digest page cannot merge different articles into one group.
"""

from __future__ import annotations

from collections import defaultdict

import attrs
import numpy as np
import numpy.typing as npt

from ._config import DedupConfig
from ._features import Features
from ._jit import kernel
from ._paragraph_matches import ParagraphPairs
from ._shingle import ShingleSets, ShingleValues
from ._threads import map_in_threads, split_range
from ._verify import PairSimilarity, count_shared

__all__ = ["INVERSE_RELATION", "ArticleLinks", "article_content_sizes", "article_shingle_sets",
           "link_articles"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

NEAR_DUPLICATE = "near-duplicate"
CONTAINS = "contains"
CONTAINED_IN = "contained-in"
#: The relation read from the other article of a link.
INVERSE_RELATION = {CONTAINS: CONTAINED_IN, CONTAINED_IN: CONTAINS}
PARTIAL_REUSE = "partial-reuse"


@attrs.frozen(slots=True)
class ArticleLinks:
    """Linked article pairs (article numbers ``a < b``) with exact scores.

    Attributes:
        a, b: article numbers.
        jaccard: Jaccard of their non-boilerplate shingle sets.
        a_in_b, b_in_a: containment of one in the other.
        relation: relation of ``a`` to ``b`` (see module docstring).
        duplicate: whether the pair counts as duplicates for grouping.
        pair_offsets: CSR offsets into ``paragraph_first``/``paragraph_second``/
            ``paragraph_similarity``: the matched paragraph pairs of each link.
        digest: per article, whether it was recognised as a digest.
        content_size: per article, number of its distinct non-boilerplate shingles; for an
            article without links, the sum of its paragraphs' set sizes instead (no union is
            built for it: it is compared with no other article, and the canonical rule only
            reads whether that is zero).
    """

    a: I64
    b: I64
    jaccard: F64
    a_in_b: F64
    b_in_a: F64
    relation: tuple[str, ...]
    duplicate: npt.NDArray[np.bool_]
    pair_offsets: I64
    paragraph_first: I64
    paragraph_second: I64
    paragraph_similarity: F64
    digest: npt.NDArray[np.bool_]
    content_size: I64


def article_shingle_sets(features: Features, allowed: npt.NDArray[np.bool_],
                         chosen: npt.NDArray[np.bool_] | None = None,
                         workers: int = 1) -> ShingleSets:
    """Union of the shingle sets of each article's ``allowed`` paragraphs (for the articles
    marked in ``chosen`` only, if given: the others get empty sets), on ``workers`` threads
    (each takes a range of articles; the result does not depend on it)."""
    offsets, values = _unions(features, allowed, chosen, workers, keep=True)
    return ShingleSets(offsets, values)


def article_content_sizes(features: Features, allowed: npt.NDArray[np.bool_],
                          chosen: npt.NDArray[np.bool_] | None = None,
                          workers: int = 1) -> I64:
    """Size of the union of ``allowed`` paragraph sets of each article (0 for articles not
    marked in ``chosen``, if given), without keeping the sets."""
    offsets, _ = _unions(features, allowed, chosen, workers, keep=False)
    sizes: I64 = np.diff(offsets)
    return sizes


def _unions(features: Features, allowed: npt.NDArray[np.bool_],
            chosen: npt.NDArray[np.bool_] | None, workers: int,
            keep: bool) -> tuple[I64, ShingleValues]:
    n_articles = features.n_articles
    if chosen is None:
        chosen = np.ones(n_articles, dtype=bool)
    shingles = features.shingles

    def part(bounds: tuple[int, int]) -> tuple[I64, ShingleValues]:
        in_range = np.zeros(n_articles, dtype=bool)
        in_range[bounds[0]:bounds[1]] = chosen[bounds[0]:bounds[1]]
        return _union_kernel(features.article_paragraphs, allowed, in_range, shingles.offsets,
                             shingles.values, keep)

    parts = map_in_threads(part, split_range(n_articles, workers), workers)
    if len(parts) == 1:
        return parts[0]
    # Ranges are consecutive: sizes add up, values follow one another in article order.
    sizes = np.sum([np.diff(offsets) for offsets, _ in parts], axis=0)
    offsets = np.zeros(n_articles + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    return offsets, np.concatenate([values for _, values in parts])


@kernel
def _merge_union(article: int, article_paragraphs: I64, allowed: npt.NDArray[np.bool_],
                 shingle_offsets: I64, shingle_values: ShingleValues, buffers: ShingleValues,
                 run_bounds: I64) -> tuple[int, int]:
    """The sorted distinct shingles of one article's allowed paragraphs, built in
    ``buffers[row, :size]``; returns ``(row, size)``.

    Each paragraph's set is already sorted, so the union is a bottom-up merge of those runs
    (dropping repeats): a few linear passes instead of a sort.
    """
    current = 0
    n_runs = 0
    size = 0
    run_bounds[current, 0] = 0
    for paragraph in range(article_paragraphs[article], article_paragraphs[article + 1]):
        start, stop = shingle_offsets[paragraph], shingle_offsets[paragraph + 1]
        if allowed[paragraph] and stop > start:
            buffers[current, size:size + stop - start] = shingle_values[start:stop]
            size += stop - start
            n_runs += 1
            run_bounds[current, n_runs] = size
    while n_runs > 1:
        target = 1 - current
        merged = 0
        n_merged = 0
        run_bounds[target, 0] = 0
        for pair in range(0, n_runs, 2):
            left, left_end = run_bounds[current, pair], run_bounds[current, pair + 1]
            right, right_end = left_end, left_end
            if pair + 1 < n_runs:
                right_end = run_bounds[current, pair + 2]
            while left < left_end or right < right_end:
                if right >= right_end or (left < left_end and
                                          buffers[current, left] <= buffers[current, right]):
                    value = buffers[current, left]
                    left += 1
                else:
                    value = buffers[current, right]
                    right += 1
                run_start = run_bounds[target, n_merged]
                if merged == run_start or buffers[target, merged - 1] != value:
                    buffers[target, merged] = value
                    merged += 1
            n_merged += 1
            run_bounds[target, n_merged] = merged
        current = target
        n_runs = n_merged
        size = merged
    return current, size


@kernel
def _union_scratch(article_paragraphs: I64, allowed: npt.NDArray[np.bool_],
                   shingle_offsets: I64) -> tuple[int, int]:
    """The largest union input (allowed shingles) and paragraph count of one article."""
    longest = 0
    most_paragraphs = 0
    for article in range(article_paragraphs.size - 1):
        most_paragraphs = max(most_paragraphs,
                              article_paragraphs[article + 1] - article_paragraphs[article])
        size = 0
        for paragraph in range(article_paragraphs[article], article_paragraphs[article + 1]):
            if allowed[paragraph]:
                size += shingle_offsets[paragraph + 1] - shingle_offsets[paragraph]
        longest = max(longest, size)
    return longest, most_paragraphs


@kernel
def _union_kernel(article_paragraphs: I64, allowed: npt.NDArray[np.bool_],
                  chosen: npt.NDArray[np.bool_], shingle_offsets: I64,
                  shingle_values: ShingleValues, keep: bool) -> tuple[I64, ShingleValues]:
    """Sorted distinct shingles of the allowed paragraphs of each chosen article (CSR; the
    others are empty); with ``keep`` False only the offsets (the sizes) are computed."""
    n_articles = article_paragraphs.size - 1
    capacity = 0
    for article in range(n_articles):
        if chosen[article]:
            for paragraph in range(article_paragraphs[article],
                                   article_paragraphs[article + 1]):
                if allowed[paragraph]:
                    capacity += shingle_offsets[paragraph + 1] - shingle_offsets[paragraph]
    longest, most_paragraphs = _union_scratch(article_paragraphs, allowed, shingle_offsets)
    values = np.empty(capacity if keep else 0, dtype=shingle_values.dtype)
    offsets = np.zeros(n_articles + 1, dtype=np.int64)
    buffers = np.empty((2, longest), dtype=shingle_values.dtype)
    run_bounds = np.empty((2, most_paragraphs + 2), dtype=np.int64)
    written = 0
    for article in range(n_articles):
        if chosen[article]:
            row, size = _merge_union(article, article_paragraphs, allowed, shingle_offsets,
                                     shingle_values, buffers, run_bounds)
            if keep:
                values[written:written + size] = buffers[row, :size]
            written += size
        offsets[article + 1] = written
    # A view, not a copy: the few repeats dropped are not worth a second large allocation.
    return offsets, values[:written] if keep else values


@kernel
def _link_similarity_kernel(article_paragraphs: I64, allowed: npt.NDArray[np.bool_],
                            shingle_offsets: I64, shingle_values: ShingleValues, a: I64,
                            b: I64) -> tuple[I64, I64, I64]:
    """Intersection and union sizes of the allowed shingles of articles ``a[k]`` and
    ``b[k]``, each union built when needed and dropped (``a`` ascending: one per ``a``)."""
    longest, most_paragraphs = _union_scratch(article_paragraphs, allowed, shingle_offsets)
    left_buffers = np.empty((2, longest), dtype=shingle_values.dtype)
    right_buffers = np.empty((2, longest), dtype=shingle_values.dtype)
    run_bounds = np.empty((2, most_paragraphs + 2), dtype=np.int64)
    intersection = np.zeros(a.size, dtype=np.int64)
    left_size = np.zeros(a.size, dtype=np.int64)
    right_size = np.zeros(a.size, dtype=np.int64)
    previous = -1
    left_row, left_count = 0, 0
    for pair in range(a.size):
        if a[pair] != previous:
            left_row, left_count = _merge_union(a[pair], article_paragraphs, allowed,
                                                shingle_offsets, shingle_values, left_buffers,
                                                run_bounds)
            previous = a[pair]
        right_row, right_count = _merge_union(b[pair], article_paragraphs, allowed,
                                              shingle_offsets, shingle_values, right_buffers,
                                              run_bounds)
        intersection[pair] = count_shared(left_buffers[left_row], 0, left_count,
                                          right_buffers[right_row], 0, right_count)
        left_size[pair] = left_count
        right_size[pair] = right_count
    return intersection, left_size, right_size


def link_articles(features: Features, pairs: ParagraphPairs, allowed: npt.NDArray[np.bool_],
                  config: DedupConfig, id_rank: I64 | None = None) -> ArticleLinks:
    """Link articles that share non-boilerplate paragraphs (see the module docstring).

    ``id_rank`` (each article's rank by id; default: its position) orients an exact
    containment tie, equal containment both ways: the article of the lower rank is the
    contained one, so that the relation does not depend on the input order.
    """
    article = features.paragraph_article
    first_article, second_article = article[pairs.first], article[pairs.second]
    across = first_article != second_article
    first, second = pairs.first[across], pairs.second[across]
    similarity = pairs.similarity[across]
    a_of, b_of = first_article[across], second_article[across]
    swap = a_of > b_of
    first, second = np.where(swap, second, first), np.where(swap, first, second)
    a_of, b_of = np.minimum(a_of, b_of), np.maximum(a_of, b_of)
    n_articles = features.n_articles
    order = np.lexsort((second, first, b_of, a_of))
    first, second, similarity = first[order], second[order], similarity[order]
    codes = a_of[order] * n_articles + b_of[order]
    link_codes, starts = np.unique(codes, return_index=True)
    pair_offsets = np.append(starts, codes.size).astype(np.int64)
    a, b = link_codes // n_articles, link_codes % n_articles

    # Each linked pair is compared over its two articles' unions, built when needed and not
    # kept; articles without links get the sum of their paragraphs' set sizes (see
    # ArticleLinks.content_size).
    shingles = features.shingles
    parts = map_in_threads(
        lambda bounds: _link_similarity_kernel(
            features.article_paragraphs, allowed, shingles.offsets, shingles.values,
            a[bounds[0]:bounds[1]], b[bounds[0]:bounds[1]]),
        split_range(a.size, config.workers), config.workers)
    scores = PairSimilarity(a, b, *(np.concatenate([part[k] for part in parts])
                                    for k in range(3)))
    content_size = np.bincount(article, weights=np.where(allowed, shingles.sizes, 0),
                               minlength=n_articles).astype(np.int64)
    content_size[a] = scores.left_size
    content_size[b] = scores.right_size
    jaccard, a_in_b, b_in_a = scores.jaccard, scores.left_in_right, scores.right_in_left
    near = jaccard >= config.article_threshold
    rank = np.arange(n_articles) if id_rank is None else id_rank
    a_first = (a_in_b > b_in_a) | ((a_in_b == b_in_a) & (rank[a] < rank[b]))
    a_contained = ~near & (a_in_b >= config.containment_threshold) & a_first
    b_contained = ~near & ~a_contained & (b_in_a >= config.containment_threshold)
    relation = np.full(a.size, PARTIAL_REUSE, dtype=object)
    relation[near] = NEAR_DUPLICATE
    relation[a_contained] = CONTAINED_IN
    relation[b_contained] = CONTAINS
    duplicate = near | (a_contained & (b_in_a >= config.min_coverage)) | (
        b_contained & (a_in_b >= config.min_coverage))

    digest = _find_digests(a, b, a_contained, b_contained, duplicate, n_articles)
    duplicate &= (~digest[a] & ~digest[b]) | near
    return ArticleLinks(
        a=a, b=b, jaccard=jaccard, a_in_b=a_in_b, b_in_a=b_in_a,
        relation=tuple(relation.tolist()), duplicate=duplicate,
        pair_offsets=pair_offsets, paragraph_first=first, paragraph_second=second,
        paragraph_similarity=similarity, digest=digest, content_size=content_size,
    )


def _find_digests(a: I64, b: I64, a_contained: npt.NDArray[np.bool_],
                  b_contained: npt.NDArray[np.bool_], duplicate: npt.NDArray[np.bool_],
                  n_articles: int) -> npt.NDArray[np.bool_]:
    """Articles containing two or more articles that are not duplicates of each other."""
    contained_by: dict[int, list[int]] = defaultdict(list)
    for small, big in zip(a[a_contained].tolist(), b[a_contained].tolist(), strict=True):
        contained_by[big].append(small)
    for big, small in zip(a[b_contained].tolist(), b[b_contained].tolist(), strict=True):
        contained_by[big].append(small)
    digest = np.zeros(n_articles, dtype=bool)
    candidates = {big: smalls for big, smalls in contained_by.items() if len(smalls) >= 2}
    if not candidates:
        return digest
    duplicate_pairs = set(zip(a[duplicate].tolist(), b[duplicate].tolist(), strict=True))
    for big, smalls in candidates.items():
        families: list[list[int]] = []
        for small in sorted(smalls):
            for family in families:
                if any((min(small, m), max(small, m)) in duplicate_pairs for m in family):
                    family.append(small)
                    break
            else:
                families.append([small])
        digest[big] = len(families) >= 2
    return digest
