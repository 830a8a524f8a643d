"""The steps after the map step, from the features of a corpus to its result.

Shared by the batch driver (``_drivers.pipeline.dedup``), the Dask driver (``_drivers.dask_steps``)
and the incremental index (:func:`dedup_collected`): paragraph matches (LSH + exact verification)
-> repeats, boilerplate -> article links -> duplicate groups -> stories -> canonical +
provenance -> result. Each step is a function of the previous steps' outputs; this module
only wires them together (``_results.assemble`` builds the public result objects).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import attrs
import numpy as np
import numpy.typing as npt

from .._core.arrays import sorted_unique
from .._core.collector import collector_paused
from .._core.config import DedupConfig
from .._core.heap_trim import release_free_memory
from .._core.progress import stage
from .._core.types import F64, I64
from .._near_duplicates.boilerplate import boilerplate_words, find_boilerplate
from .._near_duplicates.canonical import (
    CanonicalKey,
    preference,
    publication_times,
    url_host,
)
from .._near_duplicates.canonical_inputs import (
    canonical_keys,
    content_sizes,
    credited_times,
    group_keys,
    noise_counts,
    own_paragraphs,
    text_keys,
    user_rank_keys,
)
from .._near_duplicates.copies import copy_classes
from .._near_duplicates.copy_families import copy_families
from .._near_duplicates.groups import GroupAssignment, build_groups
from .._near_duplicates.links import (
    CONTAINED_IN,
    CONTAINS,
    PARTIAL_REUSE,
    ArticleLinks,
    link_articles,
    link_to_canonicals,
)
from .._near_duplicates.paragraph_matches import ParagraphMatches, match_paragraphs
from .._near_duplicates.repeated import find_repeats
from .._stories.clusters import Digests, build_stories, publication_gaps
from .._stories.rewrite import Rewrites, SharedText, find_rewrites, lowest_rewrite_score
from .._stories.vectors import StoryContext, story_vectors
from .._text.article import Article
from .._text.dates import NO_DAY, day_values
from .._text.features import Collected, Features
from .._text.shingle import ShingleSets
from .._text.templates import template_pages, titles_as_terms
from .._text.terms import CorpusFrequencies
from .assemble import assemble
from .result import DedupResult

__all__ = ["copy_links", "dedup_collected", "reduce_collected", "site_of"]


def dedup_collected(collected: Collected, settings: DedupConfig,
                    canonical_key: CanonicalKey | None = None,
                    corpus_frequencies: CorpusFrequencies | None = None,
                    story_context: StoryContext | None = None) -> DedupResult:
    """Every step after the map step: :func:`dedup` of articles whose features are computed.

    The incremental index calls this with features it stored; ``collected`` must hold the
    texts when ``canonical_key`` or the story embeddings need them. ``corpus_frequencies``
    (the index's document frequencies) replace the run's own in the boilerplate topic check;
    ``story_context`` (the index around the run) weighs the story step's terms.
    """
    return reduce_collected([collected], settings, canonical_key, corpus_frequencies,
                            story_context)


def reduce_collected(handed_over: list[Collected], settings: DedupConfig,
                     canonical_key: CanonicalKey | None,
                     corpus_frequencies: CorpusFrequencies | None = None,
                     story_context: StoryContext | None = None) -> DedupResult:
    """The steps after the map step; takes the one item of ``handed_over`` out of the list.

    Each step is a module of its own; this only wires them, in the order of ``design.md``:

    1. paragraph matches (``_near_duplicates.paragraph_matches``), by earliest-first priority;
    2. repeats (``_near_duplicates.repeated``) and boilerplate (``_near_duplicates.boilerplate``,
       with ``_near_duplicates.copy_families``);
    3. article links (``_near_duplicates.copies``, ``_near_duplicates.links``) over the content
       paragraphs, ranked by the canonical rule's inputs known so far
       (``_near_duplicates.canonical_inputs.noise_counts``);
    4. groups (``_near_duplicates.groups``) under the canonical rule's keys
       (``_near_duplicates.canonical_inputs``);
    5. stories (``_stories.vectors``, ``_stories.clusters``) and rewrites (``_stories.rewrite``);
    6. assembly of the result (``_results.assemble``).

    The largest arrays (shingle sets, then content terms) are dropped as soon as no step
    reads them. The cyclic garbage collector is paused meanwhile (``_core.collector``).
    """
    with collector_paused():
        return _reduce(handed_over, settings, canonical_key, corpus_frequencies, story_context)


def _reduce(handed_over: list[Collected], settings: DedupConfig,
            canonical_key: CanonicalKey | None, corpus_frequencies: CorpusFrequencies | None,
            story_context: StoryContext | None) -> DedupResult:
    """The body of :func:`reduce_collected`."""
    collected = handed_over.pop()
    corpus, features, empty = collected.articles, collected.features, collected.empty
    # The texts: a stream's kept on disk, if they were, else the articles' when kept.
    texts: Sequence[str] | None = collected.texts
    if texts is None and any(article.text for article in corpus):
        texts = [article.text for article in corpus]
    del collected
    # Each step's temporaries are about the size of the shingle sets: released after each
    # step (see _core.heap_trim) when that is worth it, not after the index's small runs.
    scale = int(features.shingles.values.nbytes + features.terms.nbytes)
    id_rank = np.argsort(np.argsort(np.array([a.id for a in corpus], dtype=object),
                                    kind="stable"), kind="stable")
    stage("paragraph matches")
    # Read once: the ranks below, the canonical rule and the story step's group times.
    published = publication_times(corpus)
    earliest_first = _earliest_first(published, id_rank)
    matches = match_paragraphs(features, settings, earliest_first)
    release_free_memory(freed=scale)
    stage("repeats and boilerplate")
    repeats = find_repeats(features, matches, settings)
    boilerplate = find_boilerplate(features, matches, settings,
                                   [site_of(article) for article in corpus],
                                   [article.id for article in corpus],
                                   corpus_frequencies, [article.title for article in corpus],
                                   copy_families(features, matches, settings, earliest_first),
                                   earliest_first)
    stage("article links")
    # A template page (a failed extraction: most of it is a site template) has no content
    # to compare: the rest of it is chrome too, and would group it with its site's others.
    templates = template_pages(features, boilerplate.template)
    allowed = ((features.shingles.sizes > 0) & ~boilerplate.any
               & ~templates[features.paragraph_article])
    noise = noise_counts(features, boilerplate, repeats, len(corpus))
    user_keys = user_rank_keys(corpus, canonical_key)
    ranking = preference(corpus, noise.tolist(), id_rank, user_keys,
                         text_keys(features, matches, allowed), published)
    classes = copy_classes(features.paragraph_article, matches.unique_of, allowed, len(corpus),
                           ranking.rank)
    links = link_articles(features, matches, allowed, classes, ranking, settings, id_rank,
                          texts)
    release_free_memory(freed=scale)
    content = content_sizes(features, links, allowed, matches, settings.workers)
    stage("groups")
    keys = canonical_keys(corpus, content, classes, links, noise, user_keys, ranking.versions)
    dup_a, dup_b = links.a[links.duplicate], links.b[links.duplicate]
    # A side holds the other when the other is its near-duplicate or contained in it.
    dup_relation = np.array(links.relation, dtype=object)[links.duplicate]
    groups = build_groups(len(corpus), dup_a.tolist(), dup_b.tolist(), keys, classes.class_of,
                          a_holds_b=(dup_relation != CONTAINED_IN).tolist(),
                          b_holds_a=(dup_relation != CONTAINS).tolist())
    if user_keys is None:
        versions = ranking.versions
        if versions is not None:
            versions = credited_times(corpus, texts, features, boilerplate.any, groups,
                                      versions)
        own = own_paragraphs(features.paragraph_article, matches.unique_of, allowed,
                             groups.group_of)
        keys = group_keys(corpus, content, groups, noise, versions, own)
        groups = groups.reranked(keys)
    links = link_to_canonicals(features, allowed, links, groups, settings)
    features = _without_shingles(features)
    release_free_memory(freed=scale)

    stage("stories")
    group_times = _group_times(published, groups)
    must_link = copy_links(links, groups)
    embeddings = None
    if settings.story_embedding_weight > 0.0:
        from .._stories.embed import article_embeddings  # the optional [embed] extra, loaded lazily

        embeddings = article_embeddings(corpus, features)
    # Content terms are not read after the group vectors: handed over to them, so that
    # they are freed as soon as they are numbered. (New empty arrays here: a view would
    # keep the whole array alive.)
    # Template pages are told by their titles (the template is what they all share).
    story_input = [titles_as_terms(features, templates, [article.title for article in corpus])]
    chrome = None if texts is None else boilerplate_words(story_input[0], boilerplate.any,
                                                            texts)
    features = attrs.evolve(features, article_terms=np.zeros(len(corpus) + 1, dtype=np.int64),
                            terms=np.zeros(0, features.terms.dtype),
                            term_counts=np.zeros(0, features.term_counts.dtype),
                            term_salient=np.zeros(0, features.term_salient.dtype))
    own_share = np.ones(len(groups.canonical))
    vectors = story_vectors(story_input, groups, story_context, own_share, settings.workers,
                            groups.holding(links.digest), chrome)
    del chrome
    release_free_memory(freed=scale)
    # The rewrite step reads only the pairs the story step compared: with workers to spare,
    # its compiled loops run from the moment they are known, beside the clustering and the
    # assembly (Python, which needs the rewrites only at its end; the same result).
    # Synthetic 100k on two workers, alternated in one process: 35.0-36.6 s against
    # 35.4-43.0 s one after the other (docs/performance.md). Started before the clustering
    # (4.6 s at 300k) rather than after it: 300k, alternated, 101.8 / 92.1 s before against
    # 102.0 / 86.2 s, within this machine's noise; at most the clustering's time is saved.
    pool = ThreadPoolExecutor(max_workers=1) if settings.workers > 1 else None
    running: list[Future[Rewrites]] = []

    def rewrites(first: I64, second: I64, similarity: F64) -> Rewrites:
        return _rewrites(texts, features, allowed, matches, links, groups, first, second,
                         similarity, own_share, group_times, settings)

    def start_rewrites(first: I64, second: I64, similarity: F64) -> None:
        assert pool is not None  # handed to the story step only with a pool
        running.append(pool.submit(rewrites, first, second, similarity))

    try:
        stories = build_stories(vectors.terms, groups, group_times, settings, embeddings,
                                must_link, vectors.names,
                                _group_named_days(features.named_day, groups),
                                _digests(links, groups), lowest_rewrite_score(settings),
                                vectors.named, groups.holding(templates),
                                None if pool is None else start_rewrites,
                                vectors.plain_columns)
        del vectors
        # One worker, or a run without groups (the step compared nothing): here and now.
        found = None if running else rewrites(stories.pair_first, stories.pair_second,
                                              stories.pair_similarity)

        def rewrites_of() -> Rewrites:
            return running[0].result() if found is None else found

        stage("assembly")
        return assemble(corpus, empty, features, repeats, boilerplate, matches, allowed, links,
                        groups, stories.story_of_group, keys, canonical_key is not None,
                        settings, id_rank, rewrites_of)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _without_shingles(features: Features) -> Features:
    """``features`` without their shingle sets, the largest arrays, which no step after the
    links (and the content sizes) reads."""
    return attrs.evolve(features, shingles=ShingleSets(
        np.zeros(features.shingles.offsets.size, dtype=np.int64), np.zeros(0, np.uint32)))


def _digests(links: ArticleLinks, groups: GroupAssignment) -> Digests | None:
    """Groups holding a digest page, and the groups each carries (by a contained copy);
    None without a digest."""
    if not links.digest.any():
        return None
    alone = np.zeros(len(groups.canonical), dtype=bool)
    alone[groups.group_of[links.digest]] = True
    representative = links.classes.representative
    rep_a, rep_b = representative[links.a], representative[links.b]
    relation = np.array(links.relation, dtype=object)
    a_carries = (relation == CONTAINS) & links.digest[rep_a]
    b_carries = (relation == CONTAINED_IN) & links.digest[rep_b]
    page = np.concatenate([rep_a[a_carries], rep_b[b_carries]])
    part = np.concatenate([rep_b[a_carries], rep_a[b_carries]])
    return Digests(alone, groups.group_of[page].astype(np.int64),
                   groups.group_of[part].astype(np.int64))


def _group_named_days(named_day: npt.NDArray[np.int32], groups: GroupAssignment
                      ) -> F64 | None:
    """The first and last day the members' leads name, per group (NaN: none; see
    ``_text.dates``); None when no article names one."""
    if not np.any(named_day != NO_DAY):
        return None
    values = day_values(named_day)
    days = np.full((len(groups.canonical), 2), np.nan)
    np.fmin.at(days[:, 0], groups.group_of, values)
    np.fmax.at(days[:, 1], groups.group_of, values)
    return days


def _group_times(published: F64, groups: GroupAssignment) -> npt.NDArray[np.float64]:
    """First and last publication time of each group (NaN: no dated member) from the
    articles' ``published`` times (NaN: undated): the story step reads the gap between the
    nearest members of two groups."""
    group_times = np.full((len(groups.canonical), 2), np.nan)
    np.fmin.at(group_times[:, 0], groups.group_of, published)
    np.fmax.at(group_times[:, 1], groups.group_of, published)
    return group_times


def _earliest_first(published: F64, id_rank: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Each article's rank by ``published`` time (NaN, undated: last), then id: independent
    of the order."""
    times = np.nan_to_num(published, nan=np.inf)
    order = np.lexsort((id_rank, times))
    rank = np.empty(published.size, dtype=np.int64)
    rank[order] = np.arange(published.size)
    return rank


def _rewrites(texts: Sequence[str] | None, features: Features, allowed: npt.NDArray[np.bool_],
              matches: ParagraphMatches, links: ArticleLinks, groups: GroupAssignment,
              pair_first: I64, pair_second: I64,
              pair_similarity: F64, own_share: npt.NDArray[np.float64], group_times: F64,
              settings: DedupConfig) -> Rewrites:
    """Rewrites among the canonicals of the group pairs the story step compared, leaving out
    pairs of groups linked by a copy (near-duplicate or contained: their match says more;
    those sharing part of their text are checked on their other paragraphs, ``SharedText``)
    and pairs published further apart than ``story_window_days`` (a rewrite tells news
    again while it is news: ``_stories.rewrite``, 5.), scored by the cosine of the groups'
    whole term vectors (``own_share``, see ``group_vectors``)."""
    if settings.rewrite_threshold is None:
        return Rewrites.none()
    # Pairs under the lowest score a rewrite can have are never one (``find_rewrites``).
    score = pair_similarity * own_share[pair_first] * own_share[pair_second]
    lowest = lowest_rewrite_score(settings)
    possible = score >= (settings.rewrite_threshold if lowest is None else lowest)
    if settings.story_window_days is not None:
        # Undated pairs (NaN) are kept.
        possible &= ~(publication_gaps(group_times, pair_first, pair_second)
                      > settings.story_window_days)
    first, second = pair_first[possible], pair_second[possible]
    score = score[possible]
    n_groups = max(len(groups.canonical), 1)

    def pair_keys(left: I64, right: I64) -> I64:
        keys: I64 = np.minimum(left, right) * np.int64(n_groups) + np.maximum(left, right)
        return keys

    # Groups holding copies of one another's text are not rewrites (their match says more);
    # groups sharing only some text (a partial reuse) may be, on their other paragraphs.
    copied = sorted_unique(pair_keys(*copy_links(links, groups, digests=True)))
    representative = links.classes.representative
    reused = sorted_unique(pair_keys(groups.group_of[representative[links.a]],
                                     groups.group_of[representative[links.b]]))
    keys = pair_keys(first, second)
    fresh = (first != second) & ~np.isin(keys, copied)
    canonical = np.asarray(groups.canonical, dtype=np.int64)
    first, second, score = first[fresh], second[fresh], score[fresh]
    shared = SharedText(np.isin(keys[fresh], reused), matches.clusters_of)
    return find_rewrites(canonical[first], canonical[second], score,
                         texts, features, allowed, settings, shared)


def copy_links(links: ArticleLinks, groups: GroupAssignment, *,
               digests: bool = False) -> tuple[I64, I64]:
    """Pairs of groups joined by copied text: a near-duplicate or contained copy between
    two of their members (grouped or not, e.g. an excerpt covering little of its source).
    A story holds both sides of every such pair, whatever their dates. Links of a digest
    page are left out (it carries several articles of different stories by definition)
    unless ``digests``."""
    representative = links.classes.representative
    rep_a, rep_b = representative[links.a], representative[links.b]
    copied = np.array([relation != PARTIAL_REUSE for relation in links.relation], dtype=bool)
    if copied.size and not digests:
        copied &= ~links.digest[rep_a] & ~links.digest[rep_b]
    first = groups.group_of[rep_a[copied]].astype(np.int64)
    second = groups.group_of[rep_b[copied]].astype(np.int64)
    apart = first != second
    return first[apart], second[apart]


def site_of(article: Article) -> str | None:
    """The site an article comes from: its ``source``, else the host of its ``url``.

    >>> site_of(Article("a", "", url="https://www.Example.com/news/1"))
    'example.com'
    """
    if article.source:
        return article.source.strip().casefold()
    return url_host(article.url)
