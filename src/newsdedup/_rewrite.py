"""Rewrites: articles that paraphrase another, wholly or in part, without copying its text.

Shingles of five words miss a rewritten article: reordering sentences, dropping clauses and
swapping a few words leave few five-word runs in common. Character n-grams survive it (a
changed word still shares most of its n-grams with the original, and inflected forms share
their stems), in every script: they are taken over the normalized text, so they need no
tokenizer, no word list and no language.

The comparison is run **only on candidate pairs the story step has already found** (groups
about the same event, see ``_stories``): the work is a few thousand sparse products, not a
search over the corpus. For each pair of articles:

1. **Vectors.** Each non-boilerplate paragraph is a vector of its character
   ``_NGRAM``-grams (spaces included, so word boundaries count), weighted ``1 + log tf``
   times IDF over the paragraphs of the articles compared (n-grams of every article are
   common), L2-normalized; an article is the same over all its non-boilerplate text.
2. **Score.** The cosine of the two article vectors; the pair is a rewrite at
   ``rewrite_threshold``. Two write-ups of one event by different reporters share names
   and topic words but little phrasing, and mostly stay below it (see ``docs/stories.md``
   for the stand-in it was measured on and its limits), while a rewrite of the same text
   keeps most of its n-grams.
3. **Support.** Paragraph pairs whose cosine reaches ``rewrite_paragraph_threshold`` (each
   paragraph of either article in its best pair only) say which parts were rewritten.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix

from ._config import DedupConfig
from ._features import Features
from ._normalize import normalize_text
from ._result import Match, SharedParagraph
from ._story_candidates import pair_cosines

__all__ = ["REWRITE", "Rewrites", "find_rewrites", "rewrite_matches"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

#: The relation of a rewrite match.
REWRITE = "rewrite"
#: Characters per n-gram: 4 is the usual choice for text reuse across languages (long enough
#: to be specific, short enough to survive inflection and small edits).
_NGRAM = 4
# Odd multiplier of the polynomial hash of an n-gram's code points.
_PRIME = np.uint64(0x100000001B3)


@attrs.frozen(slots=True)
class Rewrites:
    """Rewritten article pairs (article numbers ``a < b``), with the paragraph pairs behind them.

    Attributes:
        a, b: article numbers.
        score: the cosine of the two articles' character n-gram vectors.
        pair_offsets: CSR offsets into the paragraph arrays, one run per rewrite.
        paragraph_first, paragraph_second: paragraph numbers (of ``a``, of ``b``) of each
            supporting pair.
        paragraph_similarity: their cosine.
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


def _ngram_hashes(text: str) -> npt.NDArray[np.uint64]:
    """Hashes of the character n-grams of ``text`` (one space between words)."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if points.size < _NGRAM:
        return points[:0] if points.size == 0 else np.array([points.sum()], dtype=np.uint64)
    hashes = np.zeros(points.size - _NGRAM + 1, dtype=np.uint64)
    for offset in range(_NGRAM):
        hashes = hashes * _PRIME + points[offset:points.size - _NGRAM + 1 + offset]
    return hashes


def find_rewrites(texts: Sequence[str], features: Features, allowed: npt.NDArray[np.bool_],
                  a: I64, b: I64, config: DedupConfig) -> Rewrites:
    """The pairs ``(a[k], b[k])`` that are rewrites (see the module docstring).

    ``texts`` are the articles' texts, ``allowed`` marks the paragraphs that are not
    boilerplate; pairs need not be ordered or distinct.

    >>> from newsdedup import Article
    >>> from newsdedup._features import extract_features
    >>> texts = ["The council approved the new budget on Monday after a long debate.",
    ...          "After a lengthy debate, the council on Monday approved the new budget."]
    >>> features = extract_features([Article(str(n), t) for n, t in enumerate(texts)],
    ...                             DedupConfig())
    >>> found = find_rewrites(texts, features, np.ones(2, dtype=bool), np.array([0]),
    ...                       np.array([1]), DedupConfig())
    >>> found.a.tolist(), found.b.tolist(), round(float(found.score[0]), 2)
    ([0], [1], 0.62)
    """
    threshold = config.rewrite_threshold
    if threshold is None or a.size == 0:
        return Rewrites.none()
    first, second = np.minimum(a, b), np.maximum(a, b)
    keys = np.unique(first * np.int64(features.n_articles) + second)
    first, second = keys // features.n_articles, keys % features.n_articles
    first, second = first[first != second], second[first != second]
    involved = np.unique(np.concatenate([first, second]))
    paragraphs, owner, rows, paragraph_number = _paragraph_rows(texts, features, allowed,
                                                                involved)
    if not paragraphs.shape[0]:
        return Rewrites.none()
    article_rows = csr_matrix((np.ones(owner.size), (owner, np.arange(owner.size))),
                              shape=(involved.size, owner.size)) @ paragraphs
    paragraph_vectors, article_vectors = _weigh(paragraphs, article_rows)
    position = np.searchsorted(involved, first), np.searchsorted(involved, second)
    cosine = pair_cosines(article_vectors, *position)
    paragraph_threshold = config.rewrite_paragraph_threshold
    kept_a: list[int] = []
    kept_b: list[int] = []
    scores: list[float] = []
    offsets = [0]
    pair_first: list[int] = []
    pair_second: list[int] = []
    pair_similarity: list[float] = []
    for k in np.flatnonzero(cosine >= threshold).tolist():
        left, right = rows[position[0][k]], rows[position[1][k]]
        block = (paragraph_vectors[left] @ paragraph_vectors[right].T).toarray()
        chosen = _best_pairs(block, paragraph_threshold)
        score = float(cosine[k])
        if score < threshold:
            continue
        kept_a.append(int(first[k]))
        kept_b.append(int(second[k]))
        scores.append(score)
        for i, j in chosen:
            pair_first.append(int(left[i]))
            pair_second.append(int(right[j]))
            pair_similarity.append(float(block[i, j]))
        offsets.append(len(pair_first))
    return Rewrites(np.array(kept_a, dtype=np.int64), np.array(kept_b, dtype=np.int64),
                    np.array(scores), np.array(offsets, dtype=np.int64),
                    paragraph_number[np.array(pair_first, dtype=np.int64)],
                    paragraph_number[np.array(pair_second, dtype=np.int64)],
                    np.array(pair_similarity))


def _paragraph_rows(texts: Sequence[str], features: Features, allowed: npt.NDArray[np.bool_],
                    involved: I64) -> tuple[csr_matrix, I64, list[I64], I64]:
    """N-gram counts of the allowed paragraphs of the ``involved`` articles (rows, in article
    order), the position in ``involved`` of each row's article, each article's rows and each
    row's paragraph number."""
    hashes: list[npt.NDArray[np.uint64]] = []
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
            normalized = normalize_text(text[begin:end])
            hashes.append(_ngram_hashes(" ".join(normalized.split())))
            owner.append(position)
            numbers.append(paragraph)
        rows.append(np.arange(start, len(owner), dtype=np.int64))
    if not hashes:
        return csr_matrix((0, 1)), np.zeros(0, dtype=np.int64), rows, np.zeros(0, np.int64)
    lengths = np.array([h.size for h in hashes], dtype=np.int64)
    distinct, columns = np.unique(np.concatenate(hashes), return_inverse=True)
    paragraph_of = np.repeat(np.arange(lengths.size), lengths)
    counts = csr_matrix((np.ones(columns.size), (paragraph_of, columns.ravel())),
                        shape=(lengths.size, max(distinct.size, 1)))
    counts.sum_duplicates()
    return counts, np.array(owner, dtype=np.int64), rows, np.array(numbers, dtype=np.int64)


def _weigh(paragraphs: csr_matrix, articles: csr_matrix) -> tuple[csr_matrix, csr_matrix]:
    """``1 + log tf`` times smooth IDF over the paragraphs, rows L2-normalized, for both."""
    n_rows = paragraphs.shape[0]
    document_frequency = np.bincount(paragraphs.indices, minlength=paragraphs.shape[1])
    idf = np.log((1.0 + n_rows) / (1.0 + document_frequency)) + 1.0
    out = []
    for matrix in (paragraphs, articles):
        weighted = csr_matrix(matrix, dtype=np.float64, copy=True)
        weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        weighted.data /= np.repeat(np.maximum(norms, 1e-12), np.diff(weighted.indptr))
        weighted.sort_indices()
        out.append(weighted)
    return out[0], out[1]


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


def rewrite_matches(rewrites: Rewrites, ids: Sequence[str],
                    paragraph_index: Sequence[int]) -> list[Match]:
    """The rewrites as :class:`Match` objects (relation ``"rewrite"``, read from the smaller
    id; no shingle is shared, so Jaccard and containments are 0)."""
    matches = []
    for n, (a, b) in enumerate(zip(rewrites.a.tolist(), rewrites.b.tolist(), strict=True)):
        pairs = [(paragraph_index[first], paragraph_index[second], round(similarity, 6))
                 for first, second, similarity in zip(
                     rewrites.paragraph_first[rewrites.pair_offsets[n]:
                                              rewrites.pair_offsets[n + 1]].tolist(),
                     rewrites.paragraph_second[rewrites.pair_offsets[n]:
                                               rewrites.pair_offsets[n + 1]].tolist(),
                     rewrites.paragraph_similarity[rewrites.pair_offsets[n]:
                                                   rewrites.pair_offsets[n + 1]].tolist(),
                     strict=True)]
        if ids[a] > ids[b]:
            a, b = b, a
            pairs = [(second, first, similarity) for first, second, similarity in pairs]
        matches.append(Match(
            a=ids[a], b=ids[b], relation=REWRITE, jaccard=0.0, containment=0.0, a_in_b=0.0,
            b_in_a=0.0, is_duplicate=False,
            shared_paragraphs=tuple(SharedParagraph(*pair) for pair in sorted(pairs)),
            score=round(float(rewrites.score[n]), 6)))
    return matches
