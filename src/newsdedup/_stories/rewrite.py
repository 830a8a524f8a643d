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
   ``rewrite_threshold`` is a rewrite of one another, unless one holds a copy of the
   other's text (a near-duplicate or contained link: their match says more; 6. for a
   partial reuse): reported between the groups' canonicals. No text is read
   and no work is added (on the ECB+ stand-in of ``docs/stories.md``: recall 0.90 at
   precision 0.90, against 0.73 for character 4-gram TF-IDF over the texts).
2. **Retold sentences.** When the texts are at hand (``dedup()`` keeps a list's, and a
   stream's on disk for the run, ``_text.spill``), the two canonicals are compared sentence
   by sentence (``_text.sentences``: an editor retells a report a sentence at a time and
   regroups the sentences into paragraphs of his own, so two paragraphs rarely line up
   while their sentences do), by character ``_NGRAM``-grams of the normalized text (spaces
   included; any script, no tokenizer; bigrams, ``_SYLLABIC_NGRAM``, for a sentence
   written mostly in Chinese, Japanese or Korean, whose characters are syllables or
   words), ``1 + log tf`` times IDF over the sentences compared. A sentence is *retold* in
   the other article when one of its sentences reaches ``rewrite_sentence_threshold``,
   unless it is a *stock* sentence, written alike in ``_STOCK_ARTICLES`` of the articles
   compared (a template's or a newsroom's set phrase), or the two sentences write
   different *figures* (``_figures_differ``: a retold sentence keeps its figures or drops
   some, while a newsroom's formula tells another robbery's $5,600 at 9:15 with the
   words of this one's $7,600 at 11:30); the paragraph pairs holding the
   closest sentence pairs (each paragraph in its best pair only) say which parts were
   rewritten. Compiled (``kernels/rewrite.pxi``): each sentence's n-gram columns are
   listed in order from a bit set, and each article's sentences are scattered into a table
   once, every sentence of a partner then adding its products along it (no merge per
   sentence pair). The texts are read and counted chunk by chunk (with workers to spare, a
   chunk is counted while the next is read); past ``_BATCH_CHARACTERS`` of text the rows
   (an entry of 4 bytes per character: a column and its count) go to a temporary file,
   memory-mapped for the pairs, so memory stays bounded.
3. **Rewrites in part.** An article that rewrites part of another and says something else
   in the rest has a lower whole cosine, like an independent write-up of the same event. A
   pair scoring ``rewrite_supported_threshold`` (under ``rewrite_threshold``) is a rewrite
   when ``rewrite_retold_share`` of the sentences of one of its articles are retold in the
   other (2.): independent write-ups share names and figures, and a stock sentence here
   and there, rarely a fifth of their sentences. That also finds a rewrite in an inflected
   language, whose word forms (the term cosine) change more than its character n-grams.
   Compared paragraph by paragraph instead (a pair at 0.5, or the whole texts and a pair
   at 0.4), the ECB+ stand-in's recall was 0.908 and the Ukrainian one's 0.533; sentence
   by sentence, 0.950 and 0.667 (``docs/stories.md``); with the figures rule and the
   default 0.2 (0.3 before, 0.42 before that), 0.967 and 0.783. It reads the texts of most
   pairs the story step compares (synthetic corpus at 20k: 17,273 pairs; 14,782 at 0.3,
   2,208 at 0.42). Without the texts only ``rewrite_threshold`` applies.
4. **Evidence.** With the texts at hand, a pair over ``rewrite_threshold`` is a rewrite only
   if ``rewrite_evidence_share`` (0.1) of one article's sentences are retold: a rewrite
   keeps some of its source's phrasing, while independent write-ups of one story that
   share only its names reach the whole threshold more often as a corpus grows (the names'
   IDF grows with it: on the synthetic corpus 143 such pairs at 10k, 760 at 20k, none
   retelling a sentence).
5. **While it is news.** A rewrite tells its source's news again while it is news: a pair
   published further apart than ``story_window_days`` (between the groups' nearest
   members; undated pairs are kept) is no rewrite (``_results.reduce``). Formulaic reports
   of different incidents months apart (a crawl of police reports) share a town, a car
   and stock phrasing: on the crawl stand-in at 2,000 incidents, 831 of its 1,109
   "rewrites" were of other incidents, median 27 days apart; the true ones a day.
6. **Text shared in part.** A pair of groups linked by a partial reuse (an editor retold a
   report and kept a paragraph or a quote word for word) is checked on its *other*
   sentences (:class:`SharedText`): a sentence of a paragraph whose text (paragraph
   cluster) both canonicals carry is copied, not retold, and the whole cosine, which the
   copied text lifts, does not apply: only ``rewrite_retold_share`` of sentences retold
   at ``_RETOLD_BESIDE_COPIES`` (0.5) makes it a rewrite. Its match then replaces the
   partial reuse (``_results.assemble.with_rewrites``).
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO

import attrs
import numpy as np
import numpy.typing as npt

from .._core.arrays import gather_rows, joined_offsets, owner_offsets, sorted_unique
from .._core.config import DedupConfig
from .._core.threads import map_in_threads, split_range, split_rows, split_runs
from .._core.types import F64, I64, U32, U64
from .._kernels import ngram_counts as _ngram_counts
from .._kernels import ngram_norms as _ngram_norms
from .._kernels import row_hashes as _row_hashes
from .._kernels import sentence_figures as _sentence_figures
from .._kernels import supporting_entries as _supporting_entries
from .._text.features import Features
from .._text.sentences import sentence_points, syllabic_shares

__all__ = ["REWRITE", "Rewrites", "SharedText", "find_rewrites", "lowest_rewrite_score"]


#: The relation of a rewrite match.
REWRITE = "rewrite"
#: Characters per n-gram: 4 is the usual choice for text reuse across languages (long enough
#: to be specific, short enough to survive inflection and small edits).
_NGRAM = 4
#: Characters per n-gram of a sentence written mostly in a script whose characters are
#: syllables or words (Han, Hiragana, Katakana, Hangul: ``syllabic_shares``): a character
#: there holds what three or four letters hold in an alphabet, and two are a word. With
#: 4-grams a Chinese rewrite of a fire report kept 0.04-0.09 of its sentences' weight, with
#: 2-grams 0.22-0.42 (``test_a_chinese_rewrite_is_found``).
_SYLLABIC_NGRAM = 2
#: Columns of the n-gram vectors (hashing trick).
_BUCKETS = 1 << 22
#: Characters of paragraphs whose n-gram rows are kept in memory (an entry of 4 bytes per
#: character, ``ngram_counts``: 192M characters, about 0.8 GB); beyond, the rows are
#: written to a temporary file and read back memory-mapped.
_BATCH_CHARACTERS = 3 << 26
#: Characters of paragraphs read, normalized and counted at once (``_counted_chunks``).
_CHUNK_CHARACTERS = 1 << 23
#: Sentences of an article compared sentence by sentence (its first ones): the work of a
#: pair is at most this squared. News articles have tens of sentences; a page of thousands
#: (a comment dump, a transcript) would cost the square of them (two of 10,000 short
#: paragraphs: 91 s and 1.6 GB; 0.5 s and 148 MB with the bound).
_MOST_COMPARED = 1024
#: Articles (of those the rewrite step compares) that carry a sentence written alike from
#: which it is *stock*: a template's or a newsroom's set phrase ("The cause of the fire is
#: under investigation."), not a sentence one article retells from another. Stock sentences
#: are never retold (they still count among an article's sentences). On the crawl stand-in
#: of formulaic police reports (2,000 incidents) the rewrites fall from 695 to 254, those
#: of other incidents from 509 to 115; the ECB+ and Ukrainian stand-ins, the repost feed's
#: roundups and the synthetic corpus are unchanged (3: 234 and 95).
_STOCK_ARTICLES = 5
#: The cosine at which a sentence of a pair sharing copied text (a partial reuse) counts as
#: retold, above ``rewrite_sentence_threshold``: such pairs are often formulaic reports
#: of one site, whose stock lead ("Police in Yorktown are looking for a suspect who robbed
#: a store in the 400 block of Elm Street Saturday") reads 0.45 against another incident's;
#: the copied text already says how they are related. On the stand-ins of
#: ``python -m benchmarks.messy`` no true rewrite is lost (ECB+ 0.950, Ukrainian 0.667 at
#: 0.35, 0.45 or 0.5); the crawl's rewrites across incidents 516 -> 509.
_RETOLD_BESIDE_COPIES = 0.5
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
            supporting pair: two paragraphs holding a retold sentence and its closest
            sentence in the other article.
        paragraph_similarity: the character n-gram cosine of those two sentences.
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


def lowest_rewrite_score(config: DedupConfig) -> float | None:
    """The lowest score a rewrite can have under ``config`` (None: rewrites are off): the
    story step keeps the pairs it compared from there on (a score is the pair's story
    cosine times the groups' own shares, so never more than the cosine)."""
    threshold = config.rewrite_threshold
    if threshold is None:
        return None
    supported_from = config.rewrite_supported_threshold
    return threshold if supported_from is None else min(threshold, supported_from)


def find_rewrites(first: I64, second: I64, similarity: F64, texts: Sequence[str] | None,
                  features: Features, allowed: npt.NDArray[np.bool_],
                  config: DedupConfig, shared: SharedText | None = None) -> Rewrites:
    """The article pairs ``(first[k], second[k])`` whose ``similarity`` (the story step's
    cosine) reaches ``rewrite_threshold``, or ``rewrite_supported_threshold`` with a share
    of retold sentences, with the paragraph pairs holding their closest sentences when
    ``texts`` (the articles' texts) are given (see the module docstring).

    ``allowed`` marks the paragraphs that are not boilerplate; pairs need not be ordered.
    ``shared`` marks the pairs that share some text already (partial reuse, see
    :class:`SharedText`): the sentences of their copied paragraphs support nothing.

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
    # Without texts nothing can support a pair under the whole threshold.
    lowest = threshold if texts is None else (lowest_rewrite_score(config) or threshold)
    kept = similarity >= lowest
    a, b = np.minimum(first, second)[kept], np.maximum(first, second)[kept]
    score = similarity[kept]
    linked = np.zeros(a.size, dtype=bool) if shared is None else shared.linked[kept]
    order = np.lexsort((b, a))
    a, b, score, linked = a[order], b[order], score[order], linked[order]
    if texts is None:
        # Nothing to support a pair with: the whole cosine alone decides, for pairs that
        # share no text (the copied text counts in it, and no paragraph can be set aside).
        whole = (score >= threshold) & ~linked
        empty = np.zeros(0, dtype=np.int64)
        return Rewrites(a[whole], b[whole], score[whole],
                        np.zeros(int(whole.sum()) + 1, dtype=np.int64), empty, empty,
                        np.zeros(0))
    level = config.rewrite_sentence_threshold
    support = _supporting_entries_of(texts, features, allowed, a, b, level, config.workers)
    if shared is not None and linked.any():
        keep = _not_copied(shared, features, a, b, linked, support)
        keep &= ~linked[support.pair_of()] | (support.similarity >= _RETOLD_BESIDE_COPIES)
        support = support.select(keep)
    retold = support.retold_share()
    # Each paragraph pair in its best sentence pair only, each paragraph in one pair.
    counts = np.zeros(a.size, dtype=np.int64)
    chosen: list[I64] = []
    for k in np.flatnonzero(np.diff(support.offsets)).tolist():
        run = np.arange(support.offsets[k], support.offsets[k + 1])
        best = run[_best_pairs(support.first[run], support.second[run],
                               support.similarity[run])]
        counts[k] = best.size
        chosen.append(best)
    picked = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
    offsets = np.zeros(a.size + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    found = Rewrites(a, b, score, offsets, support.first[picked], support.second[picked],
                     support.similarity[picked])
    # Over the whole threshold, a rewrite retells some of the other's sentences (the
    # evidence share); under it, a share of one article's sentences retold in the other
    # makes it a rewrite in part. A pair sharing text is one only by retold sentences: the
    # copied text lifts its whole score.
    whole = (score >= threshold) & ~linked
    evidence = config.rewrite_evidence_share
    if evidence is not None:
        whole &= retold >= evidence
    return _select(found, whole | (retold >= config.rewrite_retold_share))


@attrs.frozen(slots=True)
class SharedText:
    """Pairs handed to :func:`find_rewrites` that share some text (a partial reuse: a
    paragraph or a few copied, the rest perhaps retold), and which paragraphs carry the
    same text.

    Attributes:
        linked: per pair handed over, whether its articles share text.
        cluster_of: the paragraph cluster of each paragraph number given (-1: none), see
            ``_near_duplicates.paragraph_matches``: two paragraphs of one cluster carry one
            text, copied.
    """

    linked: npt.NDArray[np.bool_]
    cluster_of: Callable[[I64], I64]


def _not_copied(shared: SharedText, features: Features, a: I64, b: I64,
                linked: npt.NDArray[np.bool_], support: _Support) -> npt.NDArray[np.bool_]:
    """Which sentence pairs of ``support`` to keep: not those in the paragraphs a linked
    pair shares (a paragraph of one article whose text, its paragraph cluster, the other
    carries too was copied, not retold, and says nothing of a rewrite)."""
    pairs = np.flatnonzero(linked)
    # (pair, cluster) keys of each side's paragraphs; a key on both sides is copied text.
    keys = []
    for side in (a, b):
        paragraphs, owner = gather_rows(features.article_paragraphs, side[pairs])
        cluster = shared.cluster_of(paragraphs)
        found = cluster >= 0
        keys.append(sorted_unique(pairs[owner[found]] * np.int64(1 << 32) + cluster[found]))
    copied = np.intersect1d(keys[0], keys[1], assume_unique=True)
    pair_of = support.pair_of()
    at = np.flatnonzero(linked[pair_of])  # the entries of linked pairs
    drop = np.zeros(pair_of.size, dtype=bool)
    for paragraphs in (support.first, support.second):
        cluster = shared.cluster_of(paragraphs[at])
        drop[at] |= (cluster >= 0) & np.isin(pair_of[at] * np.int64(1 << 32) + cluster,
                                             copied)
    return ~drop


@attrs.frozen(slots=True)
class _Support:
    """The sentence pairs of article pairs whose n-gram cosine reaches a level
    (``_supporting_entries_of``).

    Attributes:
        offsets: CSR offsets over the article pairs into the entries.
        first, second: paragraph numbers (of the pair's first, second article) of each
            entry's sentences.
        first_sentence, second_sentence: the sentences' numbers (rows of the n-gram
            vectors, unique over the articles compared).
        similarity: each entry's cosine.
        sentences: per article pair, how many sentences of each article were compared
            (columns: first, second).
    """

    offsets: I64
    first: I64
    second: I64
    first_sentence: I64
    second_sentence: I64
    similarity: F64
    sentences: I64

    def pair_of(self) -> I64:
        """The article pair of each entry."""
        return np.repeat(np.arange(self.offsets.size - 1, dtype=np.int64),
                         np.diff(self.offsets))

    def select(self, keep: npt.NDArray[np.bool_]) -> _Support:
        """The entries marked in ``keep``."""
        counts = np.bincount(self.pair_of()[keep], minlength=self.offsets.size - 1)
        offsets = np.zeros(self.offsets.size, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        return _Support(offsets, self.first[keep], self.second[keep],
                        self.first_sentence[keep], self.second_sentence[keep],
                        self.similarity[keep], self.sentences)

    def retold_share(self) -> F64:
        """Per article pair, the larger of the two articles' shares of sentences that have
        an entry (a sentence of the other close to them)."""
        pair_of = self.pair_of()
        shares = np.zeros(self.offsets.size - 1)
        for side, sentences in enumerate((self.first_sentence, self.second_sentence)):
            retold = sorted_unique(pair_of * np.int64(1 << 32) + sentences) >> 32
            counted = np.bincount(retold, minlength=shares.size)
            np.maximum(shares, counted / np.maximum(self.sentences[:, side], 1), out=shares)
        return shares


def _select(found: Rewrites, keep: npt.NDArray[np.bool_]) -> Rewrites:
    """The rewrites marked in ``keep``, with their supporting paragraph pairs."""
    counts = np.diff(found.pair_offsets)
    rows = np.repeat(keep, counts)
    offsets = np.zeros(int(keep.sum()) + 1, dtype=np.int64)
    np.cumsum(counts[keep], out=offsets[1:])
    return Rewrites(found.a[keep], found.b[keep], found.score[keep], offsets,
                    found.paragraph_first[rows], found.paragraph_second[rows],
                    found.paragraph_similarity[rows])


def _supporting_entries_of(texts: Sequence[str], features: Features,
                           allowed: npt.NDArray[np.bool_], a: I64, b: I64,
                           threshold: float, workers: int = 1) -> _Support:
    """The sentence pairs of each article pair ``(a[k], b[k])`` (``a`` ascending) whose
    n-gram cosine reaches ``threshold`` (see the module docstring).

    The IDF is over the sentences of the allowed paragraphs of every article involved, so
    their rows are counted first, each text read once, ``_CHUNK_CHARACTERS`` of text at a time
    (``_counted_chunks``). Up to ``_BATCH_CHARACTERS`` of text the rows are kept in memory;
    beyond, they are written to temporary files as they are counted and the pairs are
    checked on them memory-mapped (the operating system's cache holds what is read; the
    result is the same). The pairs of ranges of left articles are checked on ``workers``
    threads (the same result for any number).
    """
    involved = sorted_unique(np.concatenate([a, b]))
    paragraphs, owner = gather_rows(features.article_paragraphs, involved)
    kept = allowed[paragraphs]
    lengths = features.spans[:, 1] - features.spans[:, 0]
    size = np.bincount(owner[kept], weights=lengths[paragraphs[kept]],
                       minlength=involved.size).astype(np.int64)
    frequency = np.zeros(_BUCKETS, dtype=np.int32)
    left, right = np.searchsorted(involved, a), np.searchsorted(involved, b)
    # Entries appended chunk by chunk (in memory, or to a file); paragraph numbers, offsets
    # and the few escaped counts stay in memory.
    appended = _Appended(int(size.sum()), int(size.sum()) > _BATCH_CHARACTERS)
    try:
        numbers_parts, article_parts, indptr_parts, hash_parts = [], [], [], []
        escaped_positions, escaped_counts, figure_offsets, figure_parts = [], [], [], []
        for numbers, article_rows, (indptr, entries, positions, counts), figures in (
                _counted_chunks(texts, features, allowed, involved, size, frequency, workers)):
            numbers_parts.append(numbers)
            article_parts.append(article_rows)
            indptr_parts.append(indptr)
            hash_parts.append(_row_hashes(indptr, entries))
            figure_offsets.append(figures[0])
            figure_parts.append(figures[1])
            escaped_positions.append(positions + appended.size)
            escaped_counts.append(counts)
            appended.extend(entries)
            del entries  # in ``appended`` now: not held while the pairs are checked
        rows = (joined_offsets(indptr_parts), appended.array(),
                np.concatenate(escaped_positions), np.concatenate(escaped_counts))
        article_rows = joined_offsets(article_parts)
        offsets, first, second, similarity = _entries(article_rows, rows, frequency, left,
                                                      right, threshold, workers)
        numbers = np.concatenate(numbers_parts)
        compared = np.minimum(np.diff(article_rows), _MOST_COMPARED)
        support = _Support(offsets, numbers[first], numbers[second], first, second,
                           similarity, np.stack([compared[left], compared[right]], axis=1))
        stock = _stock_rows(np.concatenate(hash_parts), article_rows)
        told = ~_figures_differ((joined_offsets(figure_offsets), np.concatenate(figure_parts)),
                                first, second)
        told &= ~(stock[first] | stock[second])
        return support if told.all() else support.select(told)
    finally:
        appended.close()


def _figures_differ(figures: tuple[I64, U64], first: I64, second: I64
                    ) -> npt.NDArray[np.bool_]:
    """Which row pairs ``(first[k], second[k])`` write different figures: both rows write
    some (``figures``: CSR offsets over the rows and ``sentence_figures`` hashes) and
    neither's are all among the other's. A retold sentence keeps its figures or drops
    some; one that changes them tells other facts (another robbery's $5,600, another
    year's count) in the same formula."""
    offsets, hashes = figures
    counts = np.diff(offsets)
    both = np.flatnonzero((counts[first] > 0) & (counts[second] > 0))
    differ = np.zeros(first.size, dtype=bool)
    if both.size == 0:
        return differ
    # (row, figure) keys, sorted; each side's figures looked up among the other row's.
    rows = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    keys = sorted_unique(rows << np.int64(32) | (hashes >> np.uint64(32)).astype(np.int64))
    missing = []
    for mine, other in ((first[both], second[both]), (second[both], first[both])):
        positions, owner = gather_rows(offsets, mine)
        probe = other[owner] << np.int64(32) | (hashes[positions] >> np.uint64(32)).astype(
            np.int64)
        at = np.minimum(np.searchsorted(keys, probe), keys.size - 1)
        missing.append(np.bincount(owner[keys[at] != probe], minlength=both.size) > 0)
    differ[both] = missing[0] & missing[1]
    return differ


def _stock_rows(row_hash: U64, article_rows: I64) -> npt.NDArray[np.bool_]:
    """Which rows are stock sentences: written alike (one ``row_hashes`` hash) in
    ``_STOCK_ARTICLES`` or more of the articles compared (article ``k`` holds rows
    ``article_rows[k]:article_rows[k + 1]``)."""
    owner = np.repeat(np.arange(article_rows.size - 1, dtype=np.int64), np.diff(article_rows))
    order = np.lexsort((owner, row_hash))
    hashes, owners = row_hash[order], owner[order]
    # Each (hash, article) once, then the articles of each hash counted along its run.
    first_of_run = np.ones(order.size, dtype=bool)
    first_of_run[1:] = hashes[1:] != hashes[:-1]
    new_carrier = first_of_run.copy()
    new_carrier[1:] |= owners[1:] != owners[:-1]
    runs = np.cumsum(first_of_run) - 1
    carriers = np.bincount(runs, weights=new_carrier, minlength=int(runs[-1]) + 1
                           if runs.size else 0)
    stock = np.zeros(order.size, dtype=bool)
    stock[order] = carriers[runs] >= _STOCK_ARTICLES
    return stock


class _Appended:
    """A uint32 array appended to part by part: in memory (room for ``capacity`` values,
    grown by half when full), or written to a temporary file and read back memory-mapped."""

    def __init__(self, capacity: int, on_disk: bool) -> None:
        # Lives as long as the array (closed by close()), not a block.
        self._file = tempfile.TemporaryFile() if on_disk else None  # noqa: SIM115
        self._data = np.empty(0 if on_disk else capacity, dtype=np.uint32)
        self.size = 0

    def extend(self, values: U32) -> None:
        """Append ``values`` (contiguous)."""
        if self._file is not None:
            self._file.write(values.data)
        else:
            if self.size + values.size > self._data.size:
                grown = np.empty(max(self.size + values.size, self._data.size * 3 // 2),
                                 dtype=np.uint32)
                grown[:self.size] = self._data[:self.size]
                self._data = grown
            self._data[self.size:self.size + values.size] = values
        self.size += values.size

    def array(self) -> U32:
        """The values appended (memory-mapped from the file: valid until ``close``)."""
        if self._file is None:
            return self._data[:self.size]
        self._file.flush()
        return _mapped(self._file, self.size)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def _mapped(file: IO[bytes], size: int) -> U32:
    """The ``size`` uint32 values written to ``file``, memory-mapped (an empty file cannot
    be)."""
    if size == 0:
        return np.zeros(0, dtype=np.uint32)
    return np.memmap(file, dtype=np.uint32, mode="r", shape=(size,))


def _batches(size: I64, budget: int) -> list[slice]:
    """Consecutive runs of articles whose sizes add up to at most ``budget`` (or one article
    alone)."""
    cuts = [0]
    total = 0
    for position, value in enumerate(size.tolist()):
        if total + value > budget and position > cuts[-1]:
            cuts.append(position)
            total = 0
        total += value
    cuts.append(size.size)
    return [slice(start, stop) for start, stop in itertools.pairwise(cuts)]


#: N-gram rows (``ngram_counts``): CSR offsets, the entries (a column and its count in one
#: uint32), and the escape table of the counts too large for an entry (positions, counts).
_Rows = tuple[I64, U32, I64, I64]
#: Sentences of some articles' allowed paragraphs as ``_sentences_of`` gives them.
_Sentences = tuple[I64, I64, tuple[npt.NDArray[np.uint32], I64]]
#: Some articles' sentences counted (``_ngram_rows``): each row's paragraph number, each
#: article's run of rows, the rows, and the figures each row writes (``sentence_figures``).
_Counted = tuple[I64, I64, _Rows, tuple[I64, U64]]


def _counted_chunks(texts: Sequence[str], features: Features, allowed: npt.NDArray[np.bool_],
                    involved: I64, size: I64, frequency: npt.NDArray[np.int32], workers: int
                    ) -> Iterator[_Counted]:
    """The n-gram rows (``_ngram_rows``) of the ``involved`` articles (``size``: characters
    of each one's allowed paragraphs), chunk by chunk of ``_CHUNK_CHARACTERS`` in article
    order, their columns counted in ``frequency``.

    Reading and normalizing a chunk's texts is Python, holding the interpreter; counting
    is compiled, without it. With workers to spare, a chunk is counted on another thread
    (on ``workers - 1``) while the next one is read: one after the other, the rewrite step
    of the synthetic 100k on two workers spent 6.1 s reading and 5.4 s counting. Chunks
    are counted one at a time, in order, so ``frequency`` has one writer."""
    chunks = _batches(size, _CHUNK_CHARACTERS)
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            yield _ngram_rows(_sentences_of(texts, features, allowed, involved[chunk]),
                              frequency, workers)
        return
    with ThreadPoolExecutor(max_workers=1) as counter:
        pending: Future[_Counted] | None = None
        for chunk in chunks:
            sentences = _sentences_of(texts, features, allowed, involved[chunk])
            if pending is not None:
                yield pending.result()
            pending = counter.submit(_ngram_rows, sentences, frequency, workers - 1)
        assert pending is not None  # at least two chunks
        yield pending.result()


def _ngram_rows(sentences: _Sentences, frequency: npt.NDArray[np.int32], workers: int = 1
                ) -> _Counted:
    """The n-gram count rows of ``sentences`` (``_sentences_of``), their columns counted
    in ``frequency``: each row's paragraph number, each article's run of rows, the rows
    and their figures. Ranges of sentences are counted on ``workers`` threads, each with
    its own frequency table, added in order."""
    numbers, article_rows, (points, starts) = sentences
    figures = _sentence_figures(points, starts)
    n_pieces = starts.size - 1
    ngrams = np.where(syllabic_shares(points, starts) > 0.5, _SYLLABIC_NGRAM,
                      _NGRAM).astype(np.int8)
    ranges = split_range(n_pieces, workers) if n_pieces >= 2 * workers else [(0, n_pieces)]
    if len(ranges) == 1:
        return numbers, article_rows, _ngram_counts(points, starts, int(_PRIME), ngrams,
                                                    frequency), figures

    def count(bounds: tuple[int, int]) -> tuple[_Rows, npt.NDArray[np.int32]]:
        own = np.zeros_like(frequency)
        return _ngram_counts(points, starts[bounds[0]:bounds[1] + 1], int(_PRIME),
                             ngrams[bounds[0]:bounds[1]], own), own

    parts = map_in_threads(count, ranges, workers)
    for _, own in parts:
        frequency += own
    sizes = np.cumsum([0] + [rows[1].size for rows, _ in parts[:-1]])
    return numbers, article_rows, (
        joined_offsets([rows[0] for rows, _ in parts]),
        np.concatenate([rows[1] for rows, _ in parts]),
        np.concatenate([rows[2] + size for (rows, _), size in zip(parts, sizes, strict=True)]),
        np.concatenate([rows[3] for rows, _ in parts])), figures


def _entries(article_rows: I64, rows: _Rows, frequency: npt.NDArray[np.int32], left: I64,
             right: I64, threshold: float, workers: int = 1) -> tuple[I64, I64, I64, F64]:
    """The supporting entries of pairs of articles (positions ``left``, ``right`` in the
    rows' articles, ``left`` ascending), IDF from ``frequency`` over the rows: CSR offsets
    over the pairs, each entry's rows and cosine; the norms by ranges of articles, and runs
    of pairs (cut where the left article changes), on ``workers`` threads."""
    indptr, entries, escaped_positions, escaped_counts = rows
    n_rows = indptr.size - 1
    norms = _norms(rows, frequency, workers)

    def check(bounds: tuple[int, int]) -> tuple[I64, I64, I64, F64]:
        found: tuple[I64, I64, I64, F64] = _supporting_entries(
            indptr, entries, escaped_positions, escaped_counts, frequency, norms, n_rows,
            article_rows, left[bounds[0]:bounds[1]], right[bounds[0]:bounds[1]], threshold,
            _MOST_COMPARED)
        return found

    # A run of pairs with one left article stays on one thread, which scatters it once.
    parts = map_in_threads(check, split_runs(left, workers), workers)
    offsets = joined_offsets([part[0] for part in parts])
    first = np.concatenate([part[1] for part in parts])
    second = np.concatenate([part[2] for part in parts])
    similarity = np.concatenate([part[3] for part in parts])
    return offsets, first, second, similarity


def _norms(rows: _Rows, frequency: npt.NDArray[np.int32], workers: int = 1) -> F64:
    """Each row's norm (``ngram_norms``, IDF over all the rows), for ranges of rows holding
    about as many entries on ``workers`` threads (their entries read in place)."""
    indptr, entries, escaped_positions, escaped_counts = rows
    n_rows = indptr.size - 1

    def part(bounds: tuple[int, int]) -> F64:
        found: F64 = _ngram_norms(indptr[bounds[0]:bounds[1] + 1], entries,
                                  escaped_positions, escaped_counts, frequency, n_rows)
        return found

    return np.concatenate(map_in_threads(part, split_rows(indptr, workers), workers))


def _sentences_of(texts: Sequence[str], features: Features,
                   allowed: npt.NDArray[np.bool_], involved: I64) -> _Sentences:
    """The sentences of the allowed paragraphs of the ``involved`` articles (ascending;
    ``texts`` are all the articles'), in article order: each one's paragraph number, each
    article's run of them (CSR over ``involved``) and their texts, normalized
    (``_text.sentences.sentence_points``)."""
    numbers, owner = gather_rows(features.article_paragraphs, involved)
    kept = allowed[numbers]
    numbers, owner = numbers[kept], owner[kept]
    points, starts, per_paragraph = sentence_points(features.paragraph_texts(texts, numbers))
    numbers, owner = np.repeat(numbers, per_paragraph), np.repeat(owner, per_paragraph)
    return numbers, owner_offsets(owner, involved.size), (points, starts)


def _best_pairs(first: I64, second: I64, similarity: F64) -> I64:
    """Positions of the paragraph pairs ``(first[k], second[k])`` kept, best first, each
    paragraph used once; returned in ascending order."""
    order = np.lexsort((second, first, -similarity))
    used_first: set[int] = set()
    used_second: set[int] = set()
    kept = []
    for position, i, j in zip(order.tolist(), first[order].tolist(), second[order].tolist(),
                              strict=True):
        if i not in used_first and j not in used_second:
            used_first.add(i)
            used_second.add(j)
            kept.append(position)
    return np.array(sorted(kept), dtype=np.int64)
