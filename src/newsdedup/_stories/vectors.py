"""Group term vectors: what each duplicate group is about, as one weighted, normalized row.

1. **Article weights.** Each content term of an article (``Features.terms``: title tokens
   and the tokens of its non-boilerplate paragraphs) weighs as ``_stories.weights`` defines
   (one definition with the index): a BM25-style saturated term frequency
   ``tf·(k1+1)/(tf+k1)``, so a word repeated ten times does not drown the rest, times
   ``1 + NAME_BOOST·s``, where ``s`` is the share of the term's occurrences in the
   corpus written as a salient word (capitalised inside a sentence, or carrying a digit):
   names, places and figures tell two earthquakes apart. ``s`` is measured on the corpus, so
   no word list is needed and scripts without case get no boost.
2. **One vote per group.** A group's row is the mean of its members' normalized rows.
3. **IDF over groups.** ``log((1+G)/(1+df)) + 1`` with ``df`` counted over groups: terms
   frequent in the corpus weigh little in any language, without a stopword list. Digest
   pages count in neither (``uncounted``): their text is their parts'. Terms of a
   single group are dropped: they are never shared and would only shrink its cosines.

**Runs over part of a larger corpus.** The incremental index runs the pipeline over the
neighbourhood of an add; the groups it re-clusters should be weighed as in a run over the
whole index. A :class:`StoryContext` gives the index's article counts: which terms are held
outside the run (a term of one group of the run is then shared, since the articles outside
are in other groups), exactly; and the number of groups outside and of outside groups
holding each term, estimated from article counts (the index counts articles, not groups:
outside the run, ``df`` is taken as the articles holding the term times the outside groups
per article). The salient-word boost stays the run's own. (On the benchmark corpus, exact
outside group counts and an index-wide boost, both tried, left the share of articles whose
story differs from a batch run where the estimate leaves it, ~4.5%: what remains comes from
candidates and clusters, see ``docs/index.md``.)

The corpus has one entry per (article, term), tens of millions at 100k articles (200
million at 1M), so the per-entry steps are compiled loops (``kernels/story_vectors.pxi``)
that write the group rows and each term's totals directly, without a temporary per entry.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix

from .._core.arrays import counts_before, owner_offsets
from .._core.types import F64, I32, I64
from .._kernels import term_totals as _term_totals
from .._kernels import weigh_and_keep as _weigh_and_keep
from .._near_duplicates.groups import GroupAssignment
from .._text.features import Features
from .._text.terms import CorpusFrequencies
from .._text.terms import term_ids as number_terms
from .weights import SALIENT_SHARE, group_rows, term_boost

__all__ = ["GroupVectors", "StoryContext", "group_vectors", "story_vectors"]


@attrs.frozen(slots=True)
class StoryContext:
    """The corpus around a run (see the module docstring): ``frequencies`` count the
    articles holding each term, the run's articles included; ``n_groups`` is the number of
    groups outside the run."""

    frequencies: CorpusFrequencies
    n_groups: int


@attrs.frozen(slots=True)
class GroupVectors:
    """The groups' term vectors (``terms``, see :func:`group_vectors`) and the same built
    from their names, places and figures alone (``names``: the salient terms, see
    ``_stories.weights.SALIENT_SHARE``), whose cosine says how far two groups name the same
    things, each group's own names counted in its norm."""

    terms: csr_matrix
    names: csr_matrix
    #: Groups naming something: a member with a name or figure in a paragraph written in a
    #: script with case (``Features.names``). The others have nothing to agree on.
    named: npt.NDArray[np.bool_]
    #: The columns of ``terms`` that are no name, place or figure: the words that tell what
    #: happened (``_stories.candidates.masked_pair_cosines``).
    plain_columns: npt.NDArray[np.bool_] = attrs.field(
        factory=lambda: np.zeros(0, dtype=bool))


def group_vectors(features: Features | list[Features], groups: GroupAssignment,
                  context: StoryContext | None = None, own_share: F64 | None = None,
                  workers: int = 1) -> csr_matrix:
    """L2-normalized weighted term vector of each group (rows; see the module docstring).

    Columns are the terms shared by at least two groups, in hash order. ``own_share`` (an
    array of one value per group), if given, receives each row's norm before normalizing
    over its norm with every term of the group counted: a cosine of two rows times their
    ``own_share`` is the cosine of the groups' whole vectors (terms of a single group are
    never shared, so they only add to the norms). ``features`` may be
    handed over as a one-item list, which is emptied: when the caller keeps no other
    reference, the content terms are then freed as soon as they are numbered (at a million
    articles they are gigabytes, and the vectors are built next to them). The groups' rows
    are summed on ``workers`` threads (the same result for any number).

    >>> from newsdedup import Article, DedupConfig
    >>> from newsdedup._text.features import extract_features
    >>> from newsdedup._near_duplicates.groups import build_groups
    >>> texts = ["Quake hits Lima.", "Quake hits Lima hard.", "Floods in Oslo."]
    >>> features = extract_features([Article(str(n), t) for n, t in enumerate(texts)],
    ...                             DedupConfig())
    >>> vectors = group_vectors(features, build_groups(3, [], [], [0, 1, 2]))
    >>> round(float((vectors[0] @ vectors[1].T).toarray()[0, 0]), 2)
    1.0
    """
    return _vectors(features, groups, context, own_share, workers, with_names=False).terms


def story_vectors(features: Features | list[Features], groups: GroupAssignment,
                  context: StoryContext | None = None, own_share: F64 | None = None,
                  workers: int = 1, uncounted: npt.NDArray[np.bool_] | None = None,
                  chrome: npt.NDArray[np.bool_] | None = None) -> GroupVectors:
    """:func:`group_vectors` and the groups' name vectors (:class:`GroupVectors`), from one
    pass over the content terms (``features`` may be handed over as there). The groups
    marked ``uncounted`` (digest pages: their text is their parts') count in no document
    frequency and in no number of groups. The content-term entries marked ``chrome`` (words
    only an article's short boilerplate lines hold, ``boilerplate_words``) weigh nothing in
    the term vectors and count in none of their document frequencies; they still count in
    the name vectors, whose agreement they are part of.

    >>> from newsdedup import Article, DedupConfig
    >>> from newsdedup._text.features import extract_features
    >>> from newsdedup._near_duplicates.groups import build_groups
    >>> texts = ["A quake hit Lima and Cusco on Monday.", "A quake hit Lima on Monday.",
    ...          "A quake hit Quito and Cuenca on Monday."]
    >>> features = extract_features([Article(str(n), t) for n, t in enumerate(texts)],
    ...                             DedupConfig())
    >>> names = story_vectors(features, build_groups(3, [], [], [0, 1, 2])).names
    >>> [round(float((names[0] @ names[n].T).toarray()[0, 0]), 2) for n in (1, 2)]
    [0.69, 0.16]
    """
    return _vectors(features, groups, context, own_share, workers, with_names=True,
                    uncounted=uncounted, chrome=chrome)


def _vectors(features: Features | list[Features], groups: GroupAssignment,
             context: StoryContext | None, own_share: F64 | None, workers: int,
             with_names: bool, uncounted: npt.NDArray[np.bool_] | None = None,
             chrome: npt.NDArray[np.bool_] | None = None) -> GroupVectors:
    given = features.pop() if isinstance(features, list) else features
    term_ids, distinct = number_terms(given.terms)
    n_terms = max(distinct.size, 1)
    outside = None  # articles outside the run holding each term
    outside_articles = 0
    if context is not None:
        outside = np.zeros(n_terms)
        # An article's terms are distinct: counting entries counts the articles holding one.
        outside[:distinct.size] = (context.frequencies.lookup(distinct.astype(np.uint64))
                                   - np.bincount(term_ids, minlength=distinct.size))
        outside_articles = context.frequencies.n_articles - given.n_articles
    offsets = given.article_terms.astype(np.int64)
    counts = given.term_counts
    boost, salient_term = _boost(term_ids, counts, given.term_salient, n_terms)
    del distinct
    paragraphs = given.article_paragraphs
    has_names = given.name_offsets[paragraphs[1:]] > given.name_offsets[paragraphs[:-1]]
    del given  # terms and salient flags are not read again
    rows = _Rows(groups, n_terms, outside, outside_articles, context, workers, uncounted)
    names = csr_matrix((len(groups.canonical), 1))
    naming = groups.holding(has_names)
    if with_names:
        named = salient_term[term_ids]
        name_offsets = counts_before(named, offsets)
        names, _ = rows.weigh(name_offsets, term_ids[named], counts[named], boost,
                              salient_term, None)
    if chrome is not None:
        counts = np.where(chrome, np.uint8(0), counts)  # a count of 0 weighs 0
    terms, columns = rows.weigh(offsets, term_ids, counts, boost, salient_term, own_share)
    return GroupVectors(terms, names, naming, ~salient_term[columns])


@attrs.frozen(slots=True)
class _Rows:
    """What turns article term entries into group rows: the groups, the number of distinct
    terms, the articles outside the run (``outside``: per term; see the module
    docstring), and the threads the rows are summed on."""

    groups: GroupAssignment
    n_terms: int
    outside: F64 | None
    outside_articles: int
    context: StoryContext | None
    workers: int = 1
    uncounted: npt.NDArray[np.bool_] | None = None

    def weigh(self, offsets: I64, term_ids: I32, counts: npt.NDArray[np.uint8], boost: F64,
              salient_term: npt.NDArray[np.bool_], own_share: F64 | None
              ) -> tuple[csr_matrix, npt.NDArray[np.bool_]]:
        """Steps 2 and 3 of the module docstring over the given entries (CSR by article):
        the group rows, and which terms are their columns (the shared ones, in order)."""
        groups, n_terms = self.groups, self.n_terms
        # Members of each group in article order (the order their rows are summed in).
        n_groups = len(groups.canonical)
        member_order = np.argsort(groups.group_of, kind="stable")
        group_starts = owner_offsets(groups.group_of, n_groups)
        indptr, indices, data = group_rows(offsets, term_ids, counts, boost,
                                           group_starts, member_order, n_terms, self.workers)
        counted_rows = indices[:indptr[-1]]
        all_groups = float(n_groups)
        weighed = data[:indptr[-1]] > 0  # a term whose counts are all 0 weighs nothing
        if self.uncounted is not None and self.uncounted.any():
            # A digest's terms are its parts': counted with them, not again.
            weighed &= ~np.repeat(self.uncounted, np.diff(indptr))
            all_groups -= float(self.uncounted.sum())
        if not weighed.all():
            counted_rows = counted_rows[weighed]
        document_frequency = np.bincount(counted_rows, minlength=n_terms).astype(float)
        shared = document_frequency > 1
        if self.context is not None and self.outside is not None:
            # Held by one group here and by articles outside: shared with their groups.
            shared |= self.outside > 0
            document_frequency += self.outside * (self.context.n_groups
                                                  / max(self.outside_articles, 1))
            all_groups += self.context.n_groups
        # A name, place or figure of a single group is never shared, but it says what sets
        # the group apart: it counts in the group's norm (lowering its cosines) and is then
        # dropped. Other single-group words (rare wording, typos) neither count nor stay.
        counted = shared | salient_term
        full_idf = np.log((1.0 + all_groups) / (1.0 + document_frequency)) + 1.0
        idf = np.where(counted, full_idf, 0.0)
        column = (np.cumsum(shared) - 1).astype(np.int32)
        share = np.ones(n_groups) if own_share is None else own_share
        kept = _weigh_and_keep(indptr, indices, data, idf, full_idf, shared, column, share)
        return csr_matrix((data[:kept], indices[:kept], indptr),
                          shape=(n_groups, max(int(shared.sum()), 1))), shared


def _boost(term_ids: I32, counts: npt.NDArray[np.uint8], salient: npt.NDArray[np.uint8],
           n_terms: int) -> tuple[F64, npt.NDArray[np.bool_]]:
    """``(k1 + 1) * (1 + boost * salient share)`` of every term, over the whole corpus, and
    whether the term is a salient one (written as a salient word at least
    ``SALIENT_SHARE`` of the time)."""
    total, marked = _term_totals(term_ids, counts, salient, n_terms)
    share = np.minimum(marked / np.maximum(total, 1.0), 1.0)
    return term_boost(share), share >= SALIENT_SHARE

