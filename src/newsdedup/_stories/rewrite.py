"""Rewrites: articles that paraphrase another, wholly or in part, without copying its text.

Shingles of five words miss a rewritten article: reordering sentences, dropping clauses and
swapping words leave few five-word runs in common. What a rewrite keeps is its source's
vocabulary: its names, places, figures and most of its words, in other sentences. Two
independent write-ups of one event share the names but tell it in their own words.

1. **Candidates and score.** The story step already compares the groups it may put in one
   story, by the cosine of their weighted term vectors (``_stories.vectors``: saturated term
   counts, names and figures boosted, IDF over groups). The score is that cosine over the
   groups' *whole* vectors: the story step leaves out the words only one group has (they
   are never shared), which a rewrite has few of and an independent write-up many, so they
   count in the norms here (``group_vectors(own_share=)``). A pair of groups scoring
   ``rewrite_threshold`` is a rewrite of one another, unless their articles already share
   text (their match says more): reported between the groups' canonicals. No text is read
   and no work is added (on the ECB+ stand-in of ``docs/stories.md``: recall 0.90 at
   precision 0.90, against 0.73 for character 4-gram TF-IDF over the texts).
2. **Support.** When the texts are at hand (``dedup()`` keeps them for a list), the
   paragraphs of the two canonicals are compared by character ``_NGRAM``-grams of the
   normalized text (spaces included; any script, no tokenizer), ``1 + log tf`` times IDF over
   the paragraphs compared; pairs reaching ``rewrite_paragraph_threshold`` (each paragraph in
   its best pair only) say which parts were rewritten.
3. **Rewrites in part.** An article that rewrites part of another and says something else
   in the rest has a lower whole cosine, like an independent write-up of the same event. A
   pair scoring ``rewrite_supported_threshold`` (under ``rewrite_threshold``) is a rewrite
   when a paragraph pair supports it (2.): independent write-ups share names and figures,
   rarely a paragraph's phrasing (on the ECB+ stand-in, with 0.25, recall 0.72 -> 0.85 at
   precision 0.95 -> 0.93). Off by default: the support reads the texts of most pairs the
   story step compares, not only of the few that reach ``rewrite_threshold``. Without the
   texts only ``rewrite_threshold`` applies.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix

from .._core.arrays import sorted_unique
from .._core.config import DedupConfig
from .._core.hashing import fmix64
from .._core.types import F64, I64
from .._kernels import cosine_block as _cosine_block
from .._text.features import Features
from .._text.normalize import normalize_text
from .._text.tokenize import folded_text

__all__ = ["REWRITE", "Rewrites", "find_rewrites"]


#: The relation of a rewrite match.
REWRITE = "rewrite"
#: Characters per n-gram: 4 is the usual choice for text reuse across languages (long enough
#: to be specific, short enough to survive inflection and small edits).
_NGRAM = 4
#: Columns of the n-gram vectors (hashing trick).
_BUCKETS = 1 << 22
# Odd multiplier of the polynomial hash of an n-gram's code points.
_PRIME = np.uint64(0x100000001B3)


@attrs.frozen(slots=True)
class Rewrites:
    """Rewritten article pairs (article numbers ``a < b``), with the paragraph pairs behind them.

    Attributes:
        a, b: article numbers.
        score: the story step's cosine of their groups.
        pair_offsets: CSR offsets into the paragraph arrays, one run per rewrite.
        paragraph_first, paragraph_second: paragraph numbers (of ``a``, of ``b``) of each
            supporting pair.
        paragraph_similarity: their character n-gram cosine.
    """

    a: I64
    b: I64
    score: F64
    pair_offsets: I64
    paragraph_first: I64
    paragraph_second: I64
    paragraph_similarity: F64

    @classmethod
    def none(cls) -> Rewrites:
        """No rewrite."""
        empty = np.zeros(0, dtype=np.int64)
        return cls(empty, empty, np.zeros(0), np.zeros(1, dtype=np.int64), empty, empty,
                   np.zeros(0))


def find_rewrites(first: I64, second: I64, similarity: F64, texts: Sequence[str] | None,
                  features: Features, allowed: npt.NDArray[np.bool_],
                  config: DedupConfig) -> Rewrites:
    """The article pairs ``(first[k], second[k])`` whose ``similarity`` (the story step's
    cosine) reaches ``rewrite_threshold``, or ``rewrite_supported_threshold`` with a
    supporting paragraph pair, with their supporting paragraph pairs when ``texts`` (the
    articles' texts) are given (see the module docstring).

    ``allowed`` marks the paragraphs that are not boilerplate; pairs need not be ordered.

    >>> from newsdedup import Article
    >>> from newsdedup._text.features import extract_features
    >>> texts = ["The council approved the new budget on Monday after a long debate.",
    ...          "After a lengthy debate, the council on Monday approved the new budget."]
    >>> features = extract_features([Article(str(n), t) for n, t in enumerate(texts)],
    ...                             DedupConfig())
    >>> found = find_rewrites(np.array([0]), np.array([1]), np.array([0.7]), texts, features,
    ...                       np.ones(2, dtype=bool), DedupConfig())
    >>> found.a.tolist(), found.b.tolist(), found.pair_offsets.tolist()
    ([0], [1], [0, 1])
    """
    threshold = config.rewrite_threshold
    if threshold is None:
        return Rewrites.none()
    supported_from = config.rewrite_supported_threshold
    lowest = threshold if supported_from is None or texts is None else min(threshold,
                                                                         supported_from)
    kept = similarity >= lowest
    a, b = np.minimum(first, second)[kept], np.maximum(first, second)[kept]
    score = similarity[kept]
    order = np.lexsort((b, a))
    a, b, score = a[order], b[order], score[order]
    if a.size == 0 or texts is None or not any(texts[k] for k in np.concatenate([a, b])):
        # Nothing to support a pair with: the whole cosine alone decides.
        whole = score >= threshold
        empty = np.zeros(0, dtype=np.int64)
        return Rewrites(a[whole], b[whole], score[whole],
                        np.zeros(int(whole.sum()) + 1, dtype=np.int64), empty, empty,
                        np.zeros(0))
    involved = sorted_unique(np.concatenate([a, b]))
    paragraphs, _, rows, paragraph_number = _paragraph_rows(texts, features, allowed, involved)
    paragraph_vectors = _weigh(paragraphs)
    left_position, right_position = np.searchsorted(involved, a), np.searchsorted(involved, b)
    offsets = [0]
    pair_first: list[int] = []
    pair_second: list[int] = []
    pair_similarity: list[float] = []
    for k in range(a.size):
        left, right = rows[left_position[k]], rows[right_position[k]]
        if left.size and right.size:
            block = _cosine_block(paragraph_vectors.indptr, paragraph_vectors.indices,
                                  paragraph_vectors.data, left, right)
            for i, j in _best_pairs(block, config.rewrite_paragraph_threshold):
                pair_first.append(int(left[i]))
                pair_second.append(int(right[j]))
                pair_similarity.append(float(block[i, j]))
        offsets.append(len(pair_first))
    found = Rewrites(a, b, score, np.array(offsets, dtype=np.int64),
                     paragraph_number[np.array(pair_first, dtype=np.int64)],
                     paragraph_number[np.array(pair_second, dtype=np.int64)],
                     np.array(pair_similarity))
    # Under the whole threshold, a pair is a rewrite in part only if a paragraph pair
    # supports it.
    return _select(found, (score >= threshold) | (np.diff(found.pair_offsets) > 0))


def _select(found: Rewrites, keep: npt.NDArray[np.bool_]) -> Rewrites:
    """The rewrites marked in ``keep``, with their supporting paragraph pairs."""
    counts = np.diff(found.pair_offsets)
    rows = np.repeat(keep, counts)
    offsets = np.zeros(int(keep.sum()) + 1, dtype=np.int64)
    np.cumsum(counts[keep], out=offsets[1:])
    return Rewrites(found.a[keep], found.b[keep], found.score[keep], offsets,
                    found.paragraph_first[rows], found.paragraph_second[rows],
                    found.paragraph_similarity[rows])


def _paragraph_rows(texts: Sequence[str], features: Features, allowed: npt.NDArray[np.bool_],
                    involved: I64) -> tuple[csr_matrix, I64, list[I64], I64]:
    """N-gram counts of the allowed paragraphs of the ``involved`` articles (rows, in article
    order), the position in ``involved`` of each row's article, each article's rows and each
    row's paragraph number."""
    pieces: list[str] = []
    owner: list[int] = []
    rows: list[I64] = []
    numbers: list[int] = []
    spans = features.spans
    for position, article in enumerate(involved.tolist()):
        start = len(owner)
        text = texts[article]
        for paragraph in range(features.article_paragraphs[article],
                               features.article_paragraphs[article + 1]):
            if not allowed[paragraph]:
                continue
            begin, end = spans[paragraph]
            pieces.append(text[begin:end])
            owner.append(position)
            numbers.append(paragraph)
        rows.append(np.arange(start, len(owner), dtype=np.int64))
    if not pieces:
        return csr_matrix((0, 1)), np.zeros(0, dtype=np.int64), rows, np.zeros(0, np.int64)
    hashes, lengths = _ngram_rows(_normalized(pieces))
    # Columns by the hashing trick (no global sort of the n-grams): two n-grams sharing a
    # bucket add a few thousandths to a cosine.
    columns = (fmix64(hashes) % np.uint64(_BUCKETS)).astype(np.int64)
    paragraph_of = np.repeat(np.arange(lengths.size), lengths)
    matrix = csr_matrix((np.ones(columns.size), (paragraph_of, columns)),
                        shape=(lengths.size, _BUCKETS))
    matrix.sum_duplicates()  # also sorts each row's columns
    return matrix, np.array(owner, dtype=np.int64), rows, np.array(numbers, dtype=np.int64)


#: Joins the paragraphs normalized in one call: kept by ``normalize_text``, never white space.
_JOIN = "\x00"


def _normalized(pieces: list[str]) -> list[str]:
    """Each piece normalized (``normalize_text``) with one space between words, in one call
    for all (normalization is per character but for compositions, which a NUL between two
    pieces stops); pieces holding a NUL themselves are normalized one by one.

    The joined text is only folded (``folded_text``: ``normalize_text`` but its white-space
    collapsing, a regular expression that costs more than the rest on megabytes), since
    splitting each piece on white space collapses it anyway."""
    if any(_JOIN in piece for piece in pieces):
        return [" ".join(normalize_text(piece).split()) for piece in pieces]
    return [" ".join(part.split()) for part in folded_text(_JOIN.join(pieces)).split(_JOIN)]


def _ngram_rows(pieces: list[str]) -> tuple[npt.NDArray[np.uint64], I64]:
    """The hashes of the character ``_NGRAM``-grams of every piece (a polynomial hash of their
    code points), concatenated, and how many each piece has; a piece shorter than an n-gram
    has one, the sum of its code points (none if empty). One pass over the code points of all
    pieces; an n-gram never spans two."""
    points = np.frombuffer("".join(pieces).encode("utf-32-le"), dtype=np.uint32
                           ).astype(np.uint64)
    sizes = np.array([len(piece) for piece in pieces], dtype=np.int64)
    starts = np.zeros(sizes.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=starts[1:])
    rolling = np.zeros(max(points.size - _NGRAM + 1, 0), dtype=np.uint64)
    for offset in range(_NGRAM):
        rolling = rolling * _PRIME + points[offset:offset + rolling.size]
    counts = np.where(sizes >= _NGRAM, sizes - _NGRAM + 1, np.minimum(sizes, 1))
    positions = np.repeat(starts[:-1] - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    positions += np.arange(int(counts.sum()), dtype=np.int64)
    short = sizes < _NGRAM
    if not short.any():
        return rolling[positions], counts
    # A piece shorter than an n-gram is one hash: the sum of its code points.
    out = np.empty(positions.size, dtype=np.uint64)
    long_rows = np.repeat(~short, counts)
    out[long_rows] = rolling[positions[long_rows]]
    out[~long_rows] = [points[starts[k]:starts[k + 1]].sum()
                       for k in np.flatnonzero(short & (sizes > 0)).tolist()]
    return out, counts


def _weigh(paragraphs: csr_matrix) -> csr_matrix:
    """``1 + log tf`` times smooth IDF over the paragraphs, rows L2-normalized."""
    n_rows = paragraphs.shape[0]
    document_frequency = np.bincount(paragraphs.indices, minlength=paragraphs.shape[1])
    idf = np.log((1.0 + n_rows) / (1.0 + document_frequency)) + 1.0
    data = (1.0 + np.log(paragraphs.data)) * idf[paragraphs.indices]
    row_of = np.repeat(np.arange(n_rows), np.diff(paragraphs.indptr))
    norms = np.sqrt(np.bincount(row_of, weights=data * data, minlength=n_rows))
    data /= np.maximum(norms, 1e-12)[row_of]
    # Rows keep their sorted columns (``_paragraph_rows`` sums duplicates, which sorts them).
    return csr_matrix((data, paragraphs.indices, paragraphs.indptr), shape=paragraphs.shape)


def _best_pairs(block: F64, threshold: float) -> list[tuple[int, int]]:
    """Paragraph pairs at ``threshold`` or above, best first, each paragraph used once."""
    found = np.argwhere(block >= threshold)
    if not found.size:
        return []
    order = np.lexsort((found[:, 1], found[:, 0], -block[found[:, 0], found[:, 1]]))
    used_left: set[int] = set()
    used_right: set[int] = set()
    chosen = []
    for i, j in found[order].tolist():
        if i not in used_left and j not in used_right:
            used_left.add(i)
            used_right.add(j)
            chosen.append((i, j))
    return sorted(chosen)
