"""Stories: duplicate groups about the same news event, whether or not they share text.

1. **What a group is about** (``_stories.vectors``). Its members' content terms (title tokens
   and the tokens of non-boilerplate paragraphs, see ``_text.features``), weighted by a BM25-style
   saturated term frequency and boosted for terms the corpus mostly writes as salient words
   (names, places, figures: what tells two earthquakes apart; measured on the corpus, so no
   word list, and nothing for scripts without case), and by IDF over groups (no stopword
   list). A group is the mean of its members' normalized vectors, so forty reposts of one
   wire story vote once.
2. **Candidates, with bounded work per group.** Each group probes the posting lists of its
   strongest terms, those of most weight per posting first, up to a fixed number of postings
   (``_stories.candidates``), so the work per group does not grow with the corpus; candidates
   get their exact cosine on the full vectors. Groups further apart in time than
   ``story_window_days`` are never linked.
3. **No chaining.** Pairs at ``story_threshold`` are the edges of an average-linkage
   clustering (``_stories.sparse_linkage``): a cluster joins another only when the *mean*
   similarity of all their pairs (0 for pairs below the threshold) reaches the threshold, so
   one bridging article cannot chain two events together the way connected components do.
4. **Names agree.** Two events of one kind are told in the same words (a quake's magnitude
   and damage, an arrest's charges) but name other people and places. Each merge must
   also reach ``story_name_agreement`` on the cosine of the two clusters' name vectors
   (``GroupVectors.names``: names, places and figures only, each group's own counted),
   taken over the pairs compared in step 2. Between whole clusters, not pairs: a long
   report naming much besides its event still joins the cluster of the event's other
   reports, whose names together cover its own.

5. **Time, and the days leads name.** Groups whose nearest members are within
   ``story_window_days`` are compared on similarity alone; further apart, a pair needs more
   in common (``story_gap_penalty`` per doubling of the gap), and beyond
   ``story_max_gap_days`` it is never linked. Such a pair's names are not compared (a
   follow-up names whom the first reports could not: a suspect, a victim identified); what
   happened is (``story_content_agreement``, the cosine of the words that are no name,
   place or figure), or a report of another incident in the same town weeks later, sharing
   its town, police department, spokesman and stock phrases, would join. Leads date their
   event ("shot on Elm Street Thursday", "the September 4 stabbing"; ``_text.dates``): a
   follow-up naming the day of another group's report is as near to it as a report of that
   day, and two groups whose leads name days ``story_day_conflict_days`` apart or more
   report two events, so are not linked directly (two robberies in one town that week, told
   in the same stock sentences).

Optionally (``story_embedding_weight > 0``, the ``[embed]`` extra) each pair's similarity is a
blend of the lexical cosine and the cosine of sentence embeddings; candidates still come from
the lexical index.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix

from .._core.config import DedupConfig
from .._core.types import F64, I64
from .._near_duplicates.groups import GroupAssignment
from .candidates import masked_pair_cosines, pair_cosines, story_candidate_pairs
from .sparse_linkage import Agreement, average_linkage_clusters, number_by_first_node
from .vectors import group_vectors

__all__ = ["Digests", "StoryAssignment", "build_stories", "group_vectors", "publication_gaps"]


#: Strongest terms per group in the candidate index.
_CANDIDATE_TERMS = 64
#: Postings each group may read to find its candidates (the work bound per group).
_PROBE_BUDGET = 500
#: Candidate pairs must reach this share of ``story_threshold`` on the probed terms alone.
_CANDIDATE_SHARE = 0.6
#: A group whose leads name a day at least this many days before its first publication (a
#: follow-up: "the August 3 robbery") reads ``_FOLLOW_UP_BUDGET`` postings to find its
#: candidates: in a crawl of formulaic reports, ~70 other groups per group reach
#: ``story_threshold``, and the 500 postings of a follow-up were spent before the reports of
#: its incident were reached. Crawl stand-in at 3,500 incidents (seeds 0 / 2), follow-ups in
#: their story 0.904 / 0.897 -> 0.963 / 0.956, story ARI 0.802 / 0.797 -> 0.808 / 0.803
#: (docs/messy.md); at 5,000 postings 0.803 / 0.800.
_FOLLOW_UP_NAMED_DAYS = 2.0
_FOLLOW_UP_BUDGET = 2000
#: The similarity of a pair with a group told by its titles alone (template pages, see
#: ``_text.templates``) is taken at this share: a headline is a handful of words, of which a
#: shared town is most, and a report of another incident in that town shares it. Crawl
#: stand-in (2,000 / 3,500 incidents, seed 0), story ARI with the templates: 0.798 / 0.736
#: at 1.0, 0.819 / 0.772 at 0.7, 0.825 / 0.782 at 0.5 (follow-ups in their story 0.979,
#: 0.972, 0.963 at 2,000): 0.7 (docs/messy.md).
TITLE_ONLY_SHARE = 0.7
#: A group told by its titles alone links only with groups published within this many days
#: of it: a headline is too little to follow a story over weeks (beyond
#: ``story_window_days`` a pair with much in common still links, at a penalty), and
#: formulaic headlines ("Fire damages Carverton home") recur for every incident of a kind.
#: Crawl stand-in, story ARI with the templates, seeds 0 / 1 at 2,000 incidents: 0.819 /
#: 0.843 without the bound, 0.829 / 0.846 at 1 day, 0.837 / 0.858 at 2, 0.834 / 0.855 at 3,
#: 0.830 / 0.850 at 7; at 3,500 incidents (seeds 0 / 2) 0.772 / 0.767 -> 0.792 / 0.788 at 2.
TITLE_ONLY_DAYS = 2.0


@attrs.frozen(slots=True)
class Digests:
    """Groups of digest pages (``alone``) and the groups each carries: ``page[k]`` carries
    ``part[k]`` (see ``build_stories``)."""

    alone: npt.NDArray[np.bool_]
    page: I64
    part: I64

    def placed(self, story_of_group: I64) -> I64:
        """Stories with each digest in the one story of the groups it carries, if they
        share one (else it keeps its own), numbered again by their first group."""
        carried = ~self.alone[self.part]
        page, part_story = self.page[carried], story_of_group[self.part[carried]]
        # The lowest and highest story a digest's parts are in: one story when they meet.
        lowest = np.full(story_of_group.size, np.iinfo(np.int64).max)
        highest = np.full(story_of_group.size, -1)
        np.minimum.at(lowest, page, part_story)
        np.maximum.at(highest, page, part_story)
        joins = self.alone & (lowest == highest)
        stories = story_of_group.copy()
        stories[joins] = lowest[joins]
        return number_by_first_node(stories)


@attrs.frozen(slots=True)
class StoryAssignment:
    """Stories as group numbers: ``story_of_group[g]`` is group ``g``'s story number;
    ``pair_first``/``pair_second``/``pair_similarity`` are the candidate group pairs that
    were compared, with their similarity, as far as a later step asked for them (rewrites
    reuse those at ``build_stories(pairs_from=)`` or more)."""

    story_of_group: I64
    n_stories: int
    pair_first: I64 = attrs.field(factory=lambda: np.zeros(0, dtype=np.int64))
    pair_second: I64 = attrs.field(factory=lambda: np.zeros(0, dtype=np.int64))
    pair_similarity: F64 = attrs.field(factory=lambda: np.zeros(0))


def _group_embeddings(embeddings: F64, groups: GroupAssignment) -> F64:
    """Normalized mean embedding of each group's members (a group votes once)."""
    sums = np.zeros((len(groups.canonical), embeddings.shape[1]))
    np.add.at(sums, groups.group_of, embeddings)
    result: F64 = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    return result


def build_stories(vectors: csr_matrix, groups: GroupAssignment, group_times: F64,
                  config: DedupConfig, embeddings: F64 | None = None,
                  must_link: tuple[I64, I64] | None = None,
                  names: csr_matrix | None = None,
                  named_days: F64 | None = None,
                  digests: Digests | None = None,
                  pairs_from: float | None = None,
                  naming: npt.NDArray[np.bool_] | None = None,
                  title_only: npt.NDArray[np.bool_] | None = None,
                  on_compared: Callable[[I64, I64, F64], None] | None = None,
                  plain_columns: npt.NDArray[np.bool_] | None = None
                  ) -> StoryAssignment:
    """Cluster groups into stories (see the module docstring).

    ``vectors`` are the groups' term vectors (``group_vectors(features, groups)``; taken as
    an argument so that a caller can free the content terms before the clustering).
    ``group_times`` holds each group's publication time in seconds (NaN when undated), or
    one ``(first, last)`` row per group: the time rule reads the days between the nearest
    members of two groups. ``must_link`` pairs of groups (two arrays) always share a story,
    whatever their similarity and dates (articles linked by copied text, see
    ``_results.reduce.copy_links``).
    ``embeddings`` (one row per article, see ``_stories.embed``) are blended in with
    ``config.story_embedding_weight``; without them the similarity is purely lexical.
    ``names`` (``GroupVectors.names``) give step 4's agreement; without them, or with
    ``config.story_name_agreement`` None, names are not checked. ``naming``
    (``GroupVectors.named``) says which groups name anything: a pair with a group that
    names nothing (written in a script without case) counts as agreeing. ``title_only``
    marks the groups told by their titles alone (template pages): their pairs' similarity
    is taken at ``TITLE_ONLY_SHARE``, and they link only within ``TITLE_ONLY_DAYS``.
    ``named_days`` holds the earliest and the latest day each group's leads name (one
    ``(first, last)`` row per group, days since 1970-01-01, NaN when none; see
    ``_text.dates``): step 5 of the module docstring.
    ``plain_columns`` (``GroupVectors.plain_columns``: the columns of ``vectors`` that are
    no name, place or figure) give step 5's check of what happened between groups published
    further apart than ``story_window_days`` (``config.story_content_agreement``); without
    them it is not made.
    ``digests`` (:class:`Digests`) are groups of digest pages, kept out of the clustering:
    similar to each article they carry, a digest would chain their stories. Each then joins
    the story of the groups it carries if they are in one, else is a story of its own.
    ``pairs_from``: the compared pairs at this similarity or more are kept in the result
    for later steps (rewrites); None keeps none. On a dense corpus most candidates are far
    under it (synthetic 200k: 1.6 million compared, ~200 thousand linked). ``on_compared``
    is called with them (first groups, second groups, similarities) as soon as they are
    known, before the clustering: a later step can start on them meanwhile.
    """
    n_groups = len(groups.canonical)
    if n_groups == 0:
        return StoryAssignment(np.zeros(0, dtype=np.int64), 0)
    spans = _spans(group_times)
    looking_back = None
    if named_days is not None and config.story_window_days is not None:
        # A follow-up names the day of its event ("the August 3 robbery"): it looks further
        # for the reports of that day, among as many others told alike.
        first_published = spans[:, 0] / 86400.0
        looking_back = np.flatnonzero(named_days[:, 0]
                                      <= first_published - _FOLLOW_UP_NAMED_DAYS)
    rows, cols = story_candidate_pairs(vectors, _CANDIDATE_TERMS, _PROBE_BUDGET,
                                       _CANDIDATE_SHARE * config.story_threshold,
                                       config.workers, looking_back, _FOLLOW_UP_BUDGET)
    if digests is not None:
        keep = ~digests.alone[rows] & ~digests.alone[cols]
        rows, cols = rows[keep], cols[keep]
    gap_days = published_gap = None
    if config.story_window_days is not None:
        published_gap, gap_days = _gaps(spans, rows, cols, named_days)
        if config.story_max_gap_days is not None:
            # Before verification: pairs further apart are never linked.
            inside = ~(gap_days > max(config.story_max_gap_days, config.story_window_days))
            rows, cols = rows[inside], cols[inside]
            gap_days, published_gap = gap_days[inside], published_gap[inside]
    similarity = pair_cosines(vectors, rows, cols, config.workers)
    if title_only is not None:
        similarity[title_only[rows] | title_only[cols]] *= TITLE_ONLY_SHARE
    if gap_days is not None and config.story_window_days is not None:
        # Beyond the window, a pair needs more in common, the more the further apart.
        beyond = np.nan_to_num(gap_days, nan=0.0) > config.story_window_days
        similarity[beyond] -= config.story_gap_penalty * np.log2(
            gap_days[beyond] / config.story_window_days)
    weight = config.story_embedding_weight
    if embeddings is not None and weight > 0.0:
        semantic = _group_embeddings(embeddings, groups)
        similarity = ((1.0 - weight) * similarity
                      + weight * np.einsum("ij,ij->i", semantic[rows], semantic[cols]))
    linked = similarity >= config.story_threshold
    if title_only is not None and gap_days is not None:
        # A page told by its title joins only what was published near it, or names a day
        # near it (the gap the time rule reads; undated: NaN, kept).
        linked &= ~((title_only[rows] | title_only[cols]) & (gap_days > TITLE_ONLY_DAYS))
    if (named_days is not None and config.story_day_conflict_days is not None
            and config.story_window_days is not None):
        # Leads naming other days report other events: no direct link (their similarity
        # counts 0 in the clusters' mean). With story_window_days None, dates are ignored.
        linked &= ~(_day_distance(named_days[rows], named_days[cols])
                    >= config.story_day_conflict_days)
    if (plain_columns is not None and config.story_content_agreement is not None
            and published_gap is not None and config.story_window_days is not None):
        # Far apart, names are not compared (below): what happened must be (the words that
        # are no name, place or figure), or a report of another incident in the same town
        # weeks later, with its police department, spokesman and stock phrases, links.
        far = np.flatnonzero(linked & (np.nan_to_num(published_gap, nan=0.0)
                                       > config.story_window_days))
        linked[far] = masked_pair_cosines(vectors, plain_columns, rows[far], cols[far],
                                          config.workers) >= config.story_content_agreement
    agreement = None
    if names is not None and config.story_name_agreement is not None:
        agreed = pair_cosines(names, rows, cols, config.workers)
        if naming is not None:
            # Nothing named (a text in a script without case marks no names): nothing to
            # agree on, only the similarity decides.
            agreed[~(naming[rows] & naming[cols])] = 1.0
        if published_gap is not None and config.story_window_days is not None:
            # A follow-up published weeks later names whom the first reports could not (a
            # suspect arrested, a victim identified): such pairs count as agreeing. Beyond
            # the window the gap penalty asks more of them already, unless the follow-up
            # names the day of the other's event.
            agreed[np.nan_to_num(published_gap, nan=0.0) > config.story_window_days] = 1.0
        agreement = Agreement(rows, cols, agreed, config.story_name_agreement)
    # What the result and the clustering need, taken before it runs; the rest of the
    # per-pair arrays are freed (at a million articles, tens of millions of pairs each).
    kept = np.zeros(0, dtype=np.int64) if pairs_from is None else np.flatnonzero(
        similarity >= pairs_from)
    compared = (rows[kept], cols[kept], similarity[kept])
    if on_compared is not None:
        on_compared(*compared)
    edges = (rows[linked], cols[linked], similarity[linked])
    del similarity, linked, gap_days, published_gap, kept
    if agreement is None:
        del rows, cols
    story_of_group = average_linkage_clusters(n_groups, *edges, config.story_threshold,
                                              must_link, agreement)
    if digests is not None:
        story_of_group = digests.placed(story_of_group)
    return StoryAssignment(story_of_group, int(story_of_group.max()) + 1, *compared)


def _gaps(spans: F64, rows: I64, cols: I64, named_days: F64 | None) -> tuple[F64, F64]:
    """Days between the publications of each pair's groups (their nearest members; 0 when
    they overlap, NaN when either is undated), and the same counting the first day each
    group's leads name as one of its days: a follow-up naming the day of the other's event
    ("the September 4 stabbing") is as near to it as a report of that day."""
    days = spans / 86400.0
    published = publication_gaps(spans, rows, cols)
    if named_days is None:
        return published, published
    first = named_days[:, [0, 0]]
    named = np.fmin(_day_distance(first[rows], days[cols]),
                    _day_distance(first[cols], days[rows]))
    return published, np.fmin(published, named)


def publication_gaps(group_times: F64, rows: I64, cols: I64) -> F64:
    """Days between the publications of the groups of each pair ``(rows[k], cols[k])``:
    between their nearest members (0 when their spans overlap, NaN when either is
    undated). ``group_times`` as in :func:`build_stories`."""
    days = _spans(group_times) / 86400.0
    return _day_distance(days[rows], days[cols])


def _day_distance(left: F64, right: F64) -> F64:
    """Distance between the intervals of each row pair, ``(first, last)`` each (0 when they
    overlap, NaN when either is unknown)."""
    result: F64 = np.maximum(np.maximum(left[:, 0], right[:, 0])
                             - np.minimum(left[:, 1], right[:, 1]), 0.0)
    return result


def _spans(group_times: F64) -> F64:
    """``(first, last)`` publication time of each group, from one time or a pair per group."""
    times = np.asarray(group_times, dtype=np.float64)
    if times.ndim == 1:
        return np.stack([times, times], axis=1)
    return times
