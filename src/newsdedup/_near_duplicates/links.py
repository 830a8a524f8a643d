"""Article links: which articles share text, how much, and in which direction.

Links are made between copy classes (``_near_duplicates.copies``: exact copies are one class, linked
once). Two classes are compared when at least one of their non-boilerplate paragraphs matches. The
comparison is exact, over the union of each class's non-boilerplate shingles: Jaccard, and
containment in both directions. Each linked pair gets a relation, read from ``a`` to ``b``:

``near-duplicate``  Jaccard >= ``article_threshold``
``contained-in``    ``a``'s text is in ``b`` (containment >= ``containment_threshold``)
``contains``        ``b``'s text is in ``a``
``partial-reuse``   they share paragraphs, but neither is a copy of the other

A containment makes the pair *duplicates* only when the shorter article also covers at least
``min_coverage`` of the longer one, or, for an *excerpt* (a lead, or a repost cut to its first
paragraphs) contained to ``excerpt_containment``, ``excerpt_coverage`` of it; and an article
that contains two or more otherwise unrelated articles is a *digest*: it stays linked to each
("contains") but is never their duplicate, so a digest page cannot merge different articles
into one group. So is a *roundup*: a page made of the leads of two or more articles, in
paragraphs apart, that contains none of them, and a *briefing*: a page of teasers, the first
sentences of three or more articles' leads, beside a header and a footer of its own
(``_carried_digests``).

Edited copies (a few words substituted) and their names, wrappers and excerpts are read as
``docs/design.md`` ("Copies of messy feeds") says; where a text is too short for its
shingles to tell an edit from another text, and for a copy weeks later that holds a line
the other lacks, the words are read in order from the texts (``_near_duplicates.word_edits``).

**Linear in the copies.** A paragraph carried by a few classes pairs them all. One carried by
more than ``ALL_PAIRS_CARRIERS`` (a wire story syndicated thousands of times with edits, a
quote every outlet runs) would make a quadratic number of pairs: its carriers are compared
only with its ``LINK_HUBS`` *hubs*, the carriers ranked best by the canonical rule (published
first, most complete, least noise, smallest id; see ``_near_duplicates.canonical.Preference``). A
group is a star around the article holding the most copies (``_near_duplicates.groups``): a hub,
as every carrier is linked with the hubs and a carrier that is no hub with nothing else through
the paragraph, so every copy is still compared with it directly; the pairs of copies with each
other, which no group decision reads, are not made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from .._core.arrays import gather_rows, owner_offsets, sorted_unique
from .._core.config import DedupConfig
from .._core.threads import map_in_threads, split_range
from .._core.types import F64, I64
from .._kernels import candidate_pass as _candidate_pass
from .._kernels import edited_line_names as _edited_line_names
from .._kernels import intersection_kernel as _intersection_kernel
from .._kernels import lines_within as _lines_within
from .._kernels import link_similarity_kernel as _link_similarity_kernel
from .._kernels import popular_hubs as _popular_hubs
from .._kernels import union_kernel as _union_kernel
from .._kernels import unwrapped_containment_kernel as _unwrapped_containment_kernel
from .._text.features import Features
from .._text.shingle import ShingleSets, ShingleValues
from .._text.terms import term_tokens
from .canonical import Preference
from .copies import CopyClasses
from .groups import GroupAssignment
from .paragraph_matches import EDITED_LINE_SHARED, TEXT_TOKENS, ParagraphMatches, text_lines
from .shared import shared_paragraphs
from .verify import PairSimilarity, count_shared
from .word_edits import (
    content_tokens,
    link_candidates,
    own_lines_edited,
    word_edited_copies,
)

__all__ = ["ALL_PAIRS_CARRIERS", "INVERSE_RELATION", "LINK_HUBS", "TEXT_TOKENS", "ArticleLinks",
           "article_content_sizes", "article_shingle_sets", "class_pairs", "link_articles",
           "link_to_canonicals"]


NEAR_DUPLICATE = "near-duplicate"
CONTAINS = "contains"
CONTAINED_IN = "contained-in"
#: The relation read from the other article of a link.
INVERSE_RELATION = {CONTAINS: CONTAINED_IN, CONTAINED_IN: CONTAINS}
PARTIAL_REUSE = "partial-reuse"


@attrs.frozen(slots=True)
class ArticleLinks:
    """Linked pairs of copy classes (class numbers ``a < b``) with exact scores.

    Attributes:
        classes: the copy classes; two members of one class are near-duplicates with
            Jaccard 1 (not listed as links).
        a, b: class numbers.
        jaccard: Jaccard of their non-boilerplate shingle sets.
        a_in_b, b_in_a: containment of one in the other.
        relation: relation of ``a`` to ``b`` (see module docstring).
        duplicate: whether the pair counts as duplicates for grouping.
        digest: per article, whether it was recognised as a digest.
        content_size: per article, number of its distinct non-boilerplate shingles; for an
            article without links, the sum of its paragraphs' set sizes instead (no union is
            built for it: it is compared with no other article, and the canonical rule only
            reads whether that is zero).
    """

    classes: CopyClasses
    a: I64
    b: I64
    jaccard: F64
    a_in_b: F64
    b_in_a: F64
    relation: tuple[str, ...]
    duplicate: npt.NDArray[np.bool_]
    digest: npt.NDArray[np.bool_]
    content_size: I64

    def duplicate_articles(self) -> tuple[I64, I64]:
        """Duplicate links as representative article numbers (``a``'s, ``b``'s)."""
        representative = self.classes.representative
        return representative[self.a[self.duplicate]], representative[self.b[self.duplicate]]


def link_to_canonicals(features: Features, allowed: npt.NDArray[np.bool_], links: ArticleLinks,
                       groups: GroupAssignment, config: DedupConfig) -> ArticleLinks:
    """``links`` and a link between each group's canonical and every member whose class has
    none with the canonical's.

    A group is a star around its centre (``_near_duplicates.groups``), every member linked
    to it; its canonical, the best member by the rule, need not be the centre, and a member
    joined through the centre may share no matched paragraph with it. The group's report
    reads each member's relation to its canonical: such a pair gets its exact scores, a
    relation by the thresholds alone (``near-duplicate``, ``contains``/``contained-in``,
    else ``partial-reuse``), and does not count as a duplicate link (it made no group).
    """
    class_of = links.classes.class_of
    # Only groups whose canonical is not their centre can miss a link; only links touching
    # those canonicals' classes are looked up.
    off_centre = [(best, group) for best, centre, group in zip(
        groups.canonical, groups.centre, groups.members, strict=True) if best != centre]
    if not off_centre:
        return links
    canonical_classes = class_of[[best for best, _ in off_centre]]
    touching = np.isin(links.a, canonical_classes) | np.isin(links.b, canonical_classes)
    known = set(zip(links.a[touching].tolist(), links.b[touching].tolist(), strict=True))
    missing: set[tuple[int, int]] = set()
    for best, group in off_centre:
        mine = int(class_of[best])
        for member in group[1:]:
            theirs = int(class_of[member])
            if mine < 0 or theirs < 0 or mine == theirs:
                continue
            pair = (min(mine, theirs), max(mine, theirs))
            if pair not in known:
                missing.add(pair)
    if not missing:
        return links
    new_a, new_b = (np.array(side, dtype=np.int64) for side in zip(*sorted(missing), strict=True))
    representative = links.classes.representative
    scores = PairSimilarity(representative[new_a], representative[new_b],
                            *_link_similarity_kernel(
                                features.article_paragraphs, allowed,
                                features.shingles.offsets, features.shingles.values,
                                representative[new_a], representative[new_b]))
    jaccard, a_in_b, b_in_a = scores.jaccard, scores.left_in_right, scores.right_in_left
    relation = np.full(new_a.size, PARTIAL_REUSE, dtype=object)
    contained = np.maximum(a_in_b, b_in_a) >= config.containment_threshold
    relation[contained & (a_in_b >= b_in_a)] = CONTAINED_IN
    relation[contained & (a_in_b < b_in_a)] = CONTAINS
    relation[jaccard >= config.article_threshold] = NEAR_DUPLICATE
    return attrs.evolve(
        links, a=np.concatenate([links.a, new_a]), b=np.concatenate([links.b, new_b]),
        jaccard=np.concatenate([links.jaccard, jaccard]),
        a_in_b=np.concatenate([links.a_in_b, a_in_b]),
        b_in_a=np.concatenate([links.b_in_a, b_in_a]),
        relation=links.relation + tuple(relation.tolist()),
        duplicate=np.concatenate([links.duplicate, np.zeros(new_a.size, dtype=bool)]))


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


#: A unique paragraph carried by at most this many copy classes links all of them pairwise;
#: one carried by more (a wire paragraph syndicated thousands of times, a quote everyone
#: runs) links each carrier with its ``LINK_HUBS`` best-ranked carriers only, so that the
#: links grow linearly with the carriers (see the module docstring). Every paragraph below
#: the limit costs up to its square: 16, as many as the hubs.
ALL_PAIRS_CARRIERS = 16
#: Best-ranked carriers of a popular paragraph that every other carrier is compared with.
LINK_HUBS = 16
#: Two articles contained in a third are parts of one text when one is in the other to this
#: share (a cut repost and a lead excerpt of one article); below it, different texts.
_SAME_TEXT = 0.5
#: A repost's own line around the text it copies (a header, a byline) has at most this many
#: tokens ...
_WRAPPER_TOKENS = 15
#: ... and such lines make up at most this share of the repost, and share at most this many
#: shingles with the text it copies (a header or byline shares none).
_WRAPPER_SHARE = 0.25
_WRAPPER_SHARED_SHINGLES = 1
#: A text line with at least this share of its shingles in the other article is an edited
#: line of it (two edited words in a 19-word sentence leave a third), not a line of its own.
_EDITED_LINE_SHARE = 0.25
#: A lead excerpt counted by paragraphs: a run of at least this many of its original's
#: first content paragraphs, and this share of them (the issue's lead excerpts carry 30-45%,
#: in whole paragraphs: two of eight is 25%; at 0.3 such excerpts were groups of their own,
#: excerpt stand-in seed 3: lead excerpts grouped 0.939, 1.000 at 0.25).
_LEAD_PARAGRAPHS = 2
_LEAD_SHARE = 0.25
#: An edited line may name words its original lacks: one (a corrected toll), or under
#: ``_NEW_NAME_SHARE`` of its names (two copies edited in one figure each differ in two of a
#: line's many). A report of another incident names an age, a street and a town of its own
#: in a lead of six names, or a place of two words in a lead of eight ("a pizza restaurant
#: on Grove Street was robbed Monday around 4:15 p.m., the Brookhaven Police Department
#: said" against "a bank branch on Route 22 ...": a quarter of them, no longer an edit).
_NEW_NAMES = 1
_NEW_NAME_SHARE = 0.25
#: ... but never a weekday the other lacks: an edit may correct a figure, not move the event
#: to another day (two burglaries of one town three days apart, told in the station's
#: words, differ in their lead's day alone: "returned home Saturday" against "returned home
#: Wednesday"). English weekdays, as ``_text.dates`` reads them; hashed as content terms.
_WEEKDAYS = np.unique((term_tokens(["monday tuesday wednesday thursday friday saturday "
                                    "sunday"]).hashes >> np.uint64(32)).astype(np.uint32))
#: Below this Jaccard, two articles are not near-duplicates however few words differ (a short
#: text has too few shingles for the count of differing words to mean anything), unless they
#: share as many shingles as two edited lines of text (``EDITED_LINE_SHARED``: a sentence of
#: 29 tokens with three words edited keeps 12 of its 25 shingles, Jaccard 0.32).
_EDITED_MIN_JACCARD = 0.4


def link_articles(features: Features, matches: ParagraphMatches, allowed: npt.NDArray[np.bool_],
                  classes: CopyClasses, preference: Preference, config: DedupConfig,
                  id_rank: I64 | None = None, texts: Sequence[str] | None = None
                  ) -> ArticleLinks:
    """Link the copy classes whose content paragraphs match (see the module docstring).

    ``id_rank`` (each article's rank by id; default: its position) orients an exact
    containment tie, equal containment both ways: the class whose representative has the
    lower rank is the contained one, so that the relation does not depend on the input order.
    ``texts`` (the articles' texts) let short texts the shingles leave undecided be compared
    word by word (``_near_duplicates.word_edits``).
    """
    n_articles = features.n_articles
    n_classes = classes.n_classes
    shingles = features.shingles
    representative = classes.representative

    def content_of(chosen: npt.NDArray[np.bool_]) -> I64:
        articles = np.zeros(n_articles, dtype=bool)
        articles[representative[chosen]] = True
        sizes: I64 = article_content_sizes(features, allowed, articles, config.workers)
        return sizes[representative]

    a, b = class_pairs(classes, matches, preference, content_of)

    # Each linked pair is compared over its two representatives' unions; classes without
    # links get the sum of their paragraphs' set sizes (see ArticleLinks.content_size),
    # unless they hold several copies: those were compared too.
    rep_a, rep_b = representative[a], representative[b]
    scores = _pair_scores(features, allowed, rep_a, rep_b, config.workers)
    article = features.paragraph_article
    content_size = np.bincount(article, weights=np.where(allowed, shingles.sizes, 0),
                               minlength=n_articles).astype(np.int64)
    copied = np.flatnonzero(classes.sizes() > 1)
    if copied.size:
        chosen = np.zeros(n_articles, dtype=bool)
        chosen[representative[copied]] = True
        sizes = article_content_sizes(features, allowed, chosen, config.workers)
        content_size[representative[copied]] = sizes[representative[copied]]
    content_size[rep_a] = scores.left_size
    content_size[rep_b] = scores.right_size
    with_class = classes.class_of >= 0
    content_size[with_class] = content_size[representative[classes.class_of[with_class]]]

    jaccard, a_in_b, b_in_a = scores.jaccard, scores.left_in_right, scores.right_in_left
    # A few edited words change shingle_size shingles each: on a short article, three of them
    # pull the Jaccard far below article_threshold. Estimated from the shingles each side
    # does not share (a substitution leaves shingle_size on each).
    edits = np.maximum(scores.left_size, scores.right_size) - scores.intersection
    # Below article_threshold (a contained copy, a few edited words) there is less text to
    # prove copying: the two must also be published close together (or one be undated).
    gap = np.abs(preference.published[rep_a] - preference.published[rep_b])
    close = ~(gap > (np.inf if config.copy_window_days is None
                     else config.copy_window_days * 86400.0))
    # Edited copies are told from formulaic reports of other events (which differ in as few
    # words: an age, a street) by time: reposts follow their original within days. Later
    # (within copy_window_days), an edit must keep every name (a repost round weeks after
    # the original edits words; a report of another incident changes a street, a town).
    soon = ~(gap > (np.inf if config.edited_copy_days is None
                    else config.edited_copy_days * 86400.0))
    late = close & ~soon
    budget = config.near_duplicate_edits * config.shingle_size
    shortest_line = _shortest_text_lines(features, allowed)
    unshared_a = scores.left_size - scores.intersection
    unshared_b = scores.right_size - scores.intersection
    edited = ((jaccard < config.article_threshold) & close & (edits <= budget)
              & ((jaccard >= _EDITED_MIN_JACCARD)
                 | _edited_short_texts(features, allowed, rep_a, rep_b, scores.intersection,
                                       config)))
    edited &= _edits_within(features, allowed, shortest_line, rep_a, rep_b, unshared_a, edited)
    edited &= _edits_within(features, allowed, shortest_line, rep_b, rep_a, unshared_b, edited)
    # An edit changes words, not names or figures: two formulaic reports of other incidents
    # differ in a few words too, but those are an age, a street, a town.
    edited &= _names_agree(features, allowed, rep_a, rep_b, unshared_a, unshared_b, edited,
                           late)
    near = (jaccard >= config.article_threshold) | edited
    rank = (np.arange(n_articles) if id_rank is None else id_rank)[representative]
    # Containment as a copy sees it: a repost's own lines around the text it copies (a
    # "Source: ... | Curated by ..." header, a byline) do not count against it.
    a_smaller = scores.left_size < scores.right_size
    inside_a = _unwrapped_containment(features, matches, allowed, rep_a, rep_b, a_in_b, b_in_a,
                                      scores.intersection, near | ~a_smaller, config)
    inside_b = _unwrapped_containment(features, matches, allowed, rep_b, rep_a, b_in_a, a_in_b,
                                      scores.intersection, near | a_smaller, config)
    # ... nor do a few edited words (as for near-duplicates): a copy is contained in its
    # original up to near_duplicate_edits words.
    # (Only for a text covering excerpt_coverage of the other: a line or two sharing a
    # stock phrase has few shingles to differ by, and is nobody's copy.)
    edited_a = (close & (a_in_b >= 0.5) & (b_in_a >= config.excerpt_coverage)
                & (unshared_a <= budget))
    edited_b = (close & (b_in_a >= 0.5) & (a_in_b >= config.excerpt_coverage)
                & (unshared_b <= budget))
    edited_a &= _edits_within(features, allowed, shortest_line, rep_a, rep_b, unshared_a,
                              edited_a)
    edited_b &= _edits_within(features, allowed, shortest_line, rep_b, rep_a, unshared_b,
                              edited_b)
    # (Only where it can make a contained copy: a near-duplicate is one already.)
    # A contained copy names nothing new in its edited lines; its original, the longer
    # text, may (it names what its copy cut: a formulaic report of another incident
    # contained up to its lead may not be taken for that copy's original).
    edited_a &= near | _contained_names_kept(features, allowed, rep_a, rep_b, unshared_a,
                                             edited_a & ~near, late)
    edited_b &= near | _contained_names_kept(features, allowed, rep_b, rep_a, unshared_b,
                                             edited_b & ~near, late)
    inside_a = np.where(edited_a, 1.0, inside_a)
    inside_b = np.where(edited_b, 1.0, inside_b)
    a_first = (inside_a > inside_b) | ((inside_a == inside_b) & (rank[a] < rank[b]))
    a_contained = ~near & (inside_a >= config.containment_threshold) & a_first
    b_contained = ~near & ~a_contained & (inside_b >= config.containment_threshold)
    relation = np.full(a.size, PARTIAL_REUSE, dtype=object)
    relation[near] = NEAR_DUPLICATE
    relation[a_contained] = CONTAINED_IN
    relation[b_contained] = CONTAINS
    tokens = content_tokens(features, allowed)
    covers_a = _covers(inside_a, b_in_a, close, tokens[rep_a], config)
    covers_b = _covers(inside_b, a_in_b, close, tokens[rep_b], config)
    # A lead excerpt of an article whose first paragraphs are short (a headline line, a
    # dateline) covers little of its text: it counts by paragraphs (see _lead_prefixes).
    short_a = close & ~covers_a & (inside_a >= config.excerpt_containment) & (b_in_a > 0)
    short_b = close & ~covers_b & (inside_b >= config.excerpt_containment) & (a_in_b > 0)
    covers_a |= _lead_prefixes(features, matches, allowed, rep_a, rep_b, short_a, config)
    covers_b |= _lead_prefixes(features, matches, allowed, rep_b, rep_a, short_b, config)
    # An excerpt (covering less than min_coverage) starts where its original starts.
    covers_a = _excerpt_leads(features, matches, allowed, rep_a, rep_b, covers_a, b_in_a,
                              edited_a, config)
    covers_b = _excerpt_leads(features, matches, allowed, rep_b, rep_a, covers_b, a_in_b,
                              edited_b, config)
    # A contained copy names nothing its original does not (see _names_kept): a formulaic
    # report of another incident is contained in one of the same kind up to its lead and its
    # closing line, which name another age, street and town. It is no copy at all, however
    # little of the other it covers: its relation is a partial reuse (so the story step
    # does not hold the two together as copies).
    contained = a_contained | b_contained
    # Edited copies passed the names check above already: only the others are looked at.
    agreed = edited_a | edited_b
    named = agreed | _names_agree(features, allowed, rep_a, rep_b, unshared_a, unshared_b,
                                  contained & ~agreed, late)
    relation[contained & ~named] = PARTIAL_REUSE
    copy = ((a_contained & covers_a) | (b_contained & covers_b)) & named
    duplicate = near | copy
    # Short texts the shingles left undecided, read word by word (see word_edits).
    word_near, word_a, word_b = word_edited_copies(
        features, allowed, texts, rep_a, rep_b,
        *link_candidates(tokens, rep_a, rep_b, unshared_a,
                         unshared_b, close & ~duplicate, config), config)
    relation[word_near] = NEAR_DUPLICATE
    relation[word_a] = CONTAINED_IN
    relation[word_b] = CONTAINS
    near |= word_near
    duplicate |= word_near | word_a | word_b
    # Weeks later (past edited_copy_days), a copy under article_threshold edits words but
    # adds no line of its own inside the text it copies (see word_edits.own_lines_edited):
    # a formulaic report of another incident in the same words adds a sentence.
    weeks = late & duplicate & (jaccard < config.article_threshold)
    a_inner = weeks & (near | (relation == CONTAINED_IN))
    b_inner = weeks & (near | (relation == CONTAINS))
    outers = np.zeros(n_articles, dtype=bool)
    outers[rep_b[a_inner]] = True
    outers[rep_a[b_inner]] = True
    unions = article_shingle_sets(features, allowed, outers) if outers.any() else None
    edited_only = np.ones(a.size, dtype=bool)
    if unions is not None:
        edited_only &= own_lines_edited(features, allowed, texts, rep_a, rep_b, a_inner,
                                        unions, config)
        edited_only &= own_lines_edited(features, allowed, texts, rep_b, rep_a, b_inner,
                                        unions, config)
    relation[~edited_only] = PARTIAL_REUSE
    near &= edited_only
    duplicate &= edited_only

    # An edited copy of the other (a few words substituted: as many shingles of its own as
    # the other has, within the edit budget) is its whole text, whatever the edits cost its
    # coverage: not a part of it beside another part (see _find_digests).
    whole_copy = ((edits <= budget) & (np.minimum(unshared_a, unshared_b) > 0)
                  & (np.abs(unshared_a - unshared_b) <= 1)) | (word_near & near)
    class_digest = _find_digests(a, b, np.where(whole_copy, 1.0, a_in_b),
                                 np.where(whole_copy, 1.0, b_in_a), a_first, config, n_classes)
    class_digest |= _carried_digests(features, matches, allowed, representative, a, b, a_in_b,
                                     b_in_a, near, config.containment_threshold, n_classes)
    # A digest is nobody's duplicate, but two copies of one digest page are each other's.
    duplicate &= (~class_digest[a] & ~class_digest[b]) | (near & class_digest[a]
                                                         & class_digest[b])
    digest = np.zeros(n_articles, dtype=bool)
    digest[with_class] = class_digest[classes.class_of[with_class]]
    return ArticleLinks(
        classes=classes, a=a, b=b, jaccard=jaccard, a_in_b=a_in_b, b_in_a=b_in_a,
        relation=tuple(relation.tolist()), duplicate=duplicate, digest=digest,
        content_size=content_size,
    )


#: The unions of the compared articles are built once and kept while their pairs are scored
#: when they hold at most this many shingles (their paragraphs' set sizes added up: 64M,
#: at most 512 MB); beyond, each pair's unions are built when needed and dropped (an
#: article compared with thirty others is merged thirty times).
_KEPT_UNION_SHINGLES = 1 << 26


def _pair_scores(features: Features, allowed: npt.NDArray[np.bool_], rep_a: I64, rep_b: I64,
                 workers: int) -> PairSimilarity:
    """Intersection and sizes of the unions of the allowed shingles of ``rep_a[k]`` and
    ``rep_b[k]`` (``rep_a`` ascending), on ``workers`` threads over ranges of pairs."""
    shingles = features.shingles
    chosen = np.zeros(features.n_articles, dtype=bool)
    chosen[rep_a] = True
    chosen[rep_b] = True
    bound = int(np.where(allowed & chosen[features.paragraph_article], shingles.sizes, 0).sum())
    ranges = split_range(rep_a.size, workers)
    if bound <= _KEPT_UNION_SHINGLES:
        unions = article_shingle_sets(features, allowed, chosen, workers)

        def intersections(bounds: tuple[int, int]) -> I64:
            result: I64 = _intersection_kernel(unions.offsets, unions.values,
                                               rep_a[bounds[0]:bounds[1]],
                                               rep_b[bounds[0]:bounds[1]])
            return result

        # split_range gives at least one range, so there is at least one part.
        intersection = np.concatenate(map_in_threads(intersections, ranges, workers))
        return PairSimilarity(rep_a, rep_b, intersection, unions.sizes[rep_a],
                              unions.sizes[rep_b])

    def merged(bounds: tuple[int, int]) -> tuple[I64, I64, I64]:
        return _link_similarity_kernel(
            features.article_paragraphs, allowed, shingles.offsets, shingles.values,
            rep_a[bounds[0]:bounds[1]], rep_b[bounds[0]:bounds[1]])

    parts = map_in_threads(merged, ranges, workers)
    return PairSimilarity(rep_a, rep_b, *(np.concatenate([part[k] for part in parts])
                                          for k in range(3)))


def class_pairs(classes: CopyClasses, matches: ParagraphMatches, preference: Preference,
                content_of: Callable[[npt.NDArray[np.bool_]], I64]) -> tuple[I64, I64]:
    """The pairs ``(a, b)``, ``a < b``, of copy classes to compare: classes carrying one
    unique paragraph or the two of a match; a popular paragraph's carriers are paired with its
    hubs only (see the module docstring), ranked by ``preference`` with the completeness
    ``content_of(chosen)`` gives each class (called once, for the classes carrying a popular
    paragraph)."""
    n_classes = classes.n_classes
    representative = classes.representative
    carrier_offsets, carriers = _carriers_by_unique(classes, matches.representative.size)
    popular = np.flatnonzero(np.diff(carrier_offsets) > ALL_PAIRS_CARRIERS)
    # Hubs of popular paragraphs: their best carriers by the canonical rule, with each
    # carrier's completeness taken relative to the most complete carrier of the paragraph.
    hub_offsets = np.zeros(1, dtype=np.int64)
    hubs = np.zeros(0, dtype=np.int64)
    if popular.size:
        positions, _ = gather_rows(carrier_offsets, popular)
        chosen = np.zeros(n_classes, dtype=bool)
        chosen[carriers[positions]] = True
        hub_offsets, hubs = _popular_hubs(
            popular, carrier_offsets, carriers, content_of(chosen),
            preference.period[representative], preference.rank[representative],
            preference.completeness_steps, LINK_HUBS)
    is_hub_row = np.full(carrier_offsets.size - 1, -1, dtype=np.int64)
    is_hub_row[popular] = np.arange(popular.size)
    partner_offsets, partner, _ = matches.partners()
    codes = sorted_unique(_candidate_codes(carrier_offsets, carriers, is_hub_row, hub_offsets,
                                           hubs, partner_offsets, partner, n_classes),
                          runs=True)
    return codes // max(n_classes, 1), codes % max(n_classes, 1)


def _unwrapped_containment(features: Features, matches: ParagraphMatches,
                           allowed: npt.NDArray[np.bool_], inner: I64, outer: I64,
                           contained: F64, coverage: F64, intersection: I64,
                           skip: npt.NDArray[np.bool_], config: DedupConfig) -> F64:
    """Containment of ``inner[k]`` in ``outer[k]`` without the short lines a repost wraps
    around the text it copies (a "Source: ... | Curated by ..." header, a byline): content
    paragraphs of at most ``_WRAPPER_TOKENS`` tokens before the first and after the last
    paragraph shared with ``outer``, together at most ``_WRAPPER_SHARE`` of ``inner``.

    Computed where it can make a contained copy: ``inner`` the smaller (``skip`` false), not
    yet contained, covering ``excerpt_coverage`` of ``outer``; elsewhere, and where an edge
    holds a longer paragraph (text of its own, or what a longer article has and a cut copy
    lost), ``contained`` as it is.
    """
    result = contained.copy()
    wanted = np.flatnonzero(~skip & (contained >= 0.5) & (contained < config.excerpt_containment)
                            & (coverage >= config.excerpt_coverage))
    if wanted.size == 0:
        return result
    offsets, mine, theirs, _ = shared_paragraphs(features.article_paragraphs, matches.unique_of,
                                                 allowed, matches.partners(), inner[wanted],
                                                 outer[wanted])
    chosen = np.zeros(features.n_articles, dtype=bool)
    chosen[outer[wanted]] = True
    texts = article_shingle_sets(features, allowed, chosen)
    # Edges (before the first and after the last shared paragraph) of at most
    # _WRAPPER_TOKENS tokens each; a wrapper is no variant of a line of the text (a
    # formulaic report's lead naming another town, block and day, "Police in Dunmore are
    # investigating a stabbing in the 4800 block of ...", 15 tokens, shares a few words
    # with the other's lead: more than _WRAPPER_SHARED_SHINGLES); together at most
    # _WRAPPER_SHARE of the text. The shingles of a text may repeat across its paragraphs
    # (the union counts them once): the share is capped at 1.
    # A header wraps the text it copies from its start: an article opening with a text line
    # of its own before what it shares, where the other's first text line is not shared,
    # opens with its own lead (a formulaic report of another incident, "Police in Greenville
    # are investigating a stabbing in the 2600 block of Prospect Street Wednesday.", 15
    # tokens, above the stock sentences it shares with the other), not a header: its opening
    # stays in (the shared span starts there; what follows the last shared paragraph may
    # still be a footer).
    lead = _own_leads(features, allowed, inner[wanted], outer[wanted], offsets, mine, theirs)
    own = lead >= 0
    if own.any():
        mine = np.insert(mine, offsets[:-1][own], lead[own])
        offsets = offsets + np.concatenate([[0], np.cumsum(own)])
    result[wanted] = _unwrapped_containment_kernel(
        offsets, mine, features.article_paragraphs, allowed, features.token_counts,
        features.shingles.offsets, features.shingles.values, texts.offsets, texts.values,
        inner[wanted], outer[wanted], contained[wanted], intersection[wanted],
        _WRAPPER_TOKENS, _WRAPPER_SHARED_SHINGLES, _WRAPPER_SHARE)
    return result


def _own_leads(features: Features, allowed: npt.NDArray[np.bool_], inner: I64, outer: I64,
               offsets: I64, mine: I64, theirs: I64) -> I64:
    """For each pair, the opening paragraph of ``inner`` when it is a text line (a content
    paragraph of ``TEXT_TOKENS`` tokens or more) before the first paragraph ``inner`` shares
    with ``outer`` (``mine``/``theirs``, CSR by ``offsets``) while ``outer``'s first text
    line is not shared: ``inner``'s own lead; else -1."""
    sizes = np.diff(offsets)
    pair_of = np.repeat(np.arange(inner.size), sizes)
    text_line = text_lines(features, allowed)
    lead = _first_content(features.article_paragraphs, text_line, outer)
    lead_shared = np.zeros(inner.size, dtype=bool)
    lead_shared[pair_of[theirs == lead[pair_of]]] = True
    first_shared = np.where(sizes > 0, mine[np.minimum(offsets[:-1], max(mine.size - 1, 0))],
                            -1)
    opening = _first_content(features.article_paragraphs, allowed, inner)
    own = ((lead >= 0) & ~lead_shared & (sizes > 0) & (opening >= 0)
           & (opening < first_shared))
    own[own] = features.token_counts[opening[own]] >= TEXT_TOKENS
    result: I64 = np.where(own, opening, -1)
    return result


def _shortest_text_lines(features: Features, allowed: npt.NDArray[np.bool_]) -> I64:
    """Shingles of each article's shortest text line (a content paragraph of ``TEXT_TOKENS``
    tokens or more; the largest int64 where there is none)."""
    text_line = text_lines(features, allowed)
    shortest = np.full(features.n_articles, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(shortest, features.paragraph_article[text_line],
                  features.shingles.sizes[text_line])
    return shortest


def _edited_short_texts(features: Features, allowed: npt.NDArray[np.bool_], a: I64, b: I64,
                        shared: I64, config: DedupConfig) -> npt.NDArray[np.bool_]:
    """Whether ``a[k]`` and ``b[k]``, under ``_EDITED_MIN_JACCARD``, can still be one text
    edited in a few words, as two edited lines can (``paragraph_matches.paragraphs_match``):
    they share ``EDITED_LINE_SHARED`` shingles and the tokens of their lines of text
    (content paragraphs of ``TEXT_TOKENS`` tokens or more; a repost's header is shorter)
    differ by at most ``near_duplicate_edits`` (a sentence of their own, replacing one of
    the other's, changes as few shingles as three edited words, but not as few tokens)."""
    text_line = text_lines(features, allowed)
    tokens = np.bincount(features.paragraph_article,
                         weights=np.where(text_line, features.token_counts, 0),
                         minlength=features.n_articles).astype(np.int64)
    result: npt.NDArray[np.bool_] = ((shared >= EDITED_LINE_SHARED)
                                     & (np.abs(tokens[a] - tokens[b])
                                        <= config.near_duplicate_edits))
    return result


def _edits_within(features: Features, allowed: npt.NDArray[np.bool_], shortest_line: I64,
                  inner: I64, outer: I64, unshared: I64, wanted: npt.NDArray[np.bool_]
                  ) -> npt.NDArray[np.bool_]:
    """Where ``wanted``, whether every text line of ``inner[k]`` (a content paragraph of
    ``TEXT_TOKENS`` tokens or more) has ``_EDITED_LINE_SHARE`` of its shingles in
    ``outer[k]``'s text: the shingles ``inner`` does not share (``unshared[k]``) are then
    edits inside lines both carry.

    A few edited words are a copy's; a sentence of its own is not an edit, however few
    shingles it has: two formulaic reports of one station differ in a line the other
    lacks ("He left with about $7,800 and fled on foot toward Pine Street": one shingle of
    nine in the other report). Headers, datelines and other short lines may differ (a
    repost's own wrapper). A line of at least ``unshared / (1 - share)`` shingles passes
    whatever the edits, so only pairs whose article's shortest text line
    (``shortest_line``, see :func:`_shortest_text_lines`) is shorter are looked at (a
    thousand near-duplicate briefs edited in a word each: none).
    """
    result = wanted.copy()
    pairs = np.flatnonzero(wanted & (shortest_line[inner] * (1.0 - _EDITED_LINE_SHARE)
                                     < unshared))
    if pairs.size == 0:
        return result
    chosen = np.zeros(features.n_articles, dtype=bool)
    chosen[outer[pairs]] = True
    texts = article_shingle_sets(features, allowed, chosen)
    text_line = text_lines(features, allowed)
    result[pairs] = _lines_within(features.article_paragraphs, text_line,
                                  features.shingles.offsets, features.shingles.values,
                                  texts.offsets, texts.values, inner[pairs], outer[pairs],
                                  _EDITED_LINE_SHARE)
    return result


def _names_agree(features: Features, allowed: npt.NDArray[np.bool_], a: I64, b: I64,
                 unshared_a: I64, unshared_b: I64, wanted: npt.NDArray[np.bool_],
                 strict: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.bool_]:
    """Where ``wanted``, whether one of ``a[k]`` and ``b[k]`` names nothing new in the lines
    they both carry, edited (:func:`_names_kept`, either way round). A copy may drop a name
    its original has (one of two copies of a text may have lost a figure the other kept);
    two formulaic reports of other incidents each name what the other does not (an age, a
    street, a town). A side with no shingle the other lacks (``unshared_a``,
    ``unshared_b``) has no edited line: it agrees without a look. Where ``strict``, an
    edited line may name nothing new at all."""
    forward = _contained_names_kept(features, allowed, a, b, unshared_a, wanted, strict)
    return forward | _contained_names_kept(features, allowed, b, a, unshared_b,
                                           wanted & ~forward, strict)


def _contained_names_kept(features: Features, allowed: npt.NDArray[np.bool_], inner: I64,
                          outer: I64, unshared: I64, wanted: npt.NDArray[np.bool_],
                          strict: npt.NDArray[np.bool_] | None = None
                          ) -> npt.NDArray[np.bool_]:
    """Where ``wanted``, whether ``inner[k]`` (contained in ``outer[k]``, for an edited
    contained copy) names nothing new in its edited lines (:func:`_names_kept`); without a
    shingle of its own (``unshared``) it has no edited line."""
    kept: npt.NDArray[np.bool_] = wanted & (unshared == 0)
    return kept | _names_kept(features, allowed, inner, outer, wanted & ~kept, strict)


def _names_kept(features: Features, allowed: npt.NDArray[np.bool_], inner: I64,
                outer: I64, wanted: npt.NDArray[np.bool_],
                strict: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.bool_]:
    """Where ``wanted``, whether no edited line of ``inner[k]`` names words ``outer[k]``
    lacks beyond ``_NEW_NAMES`` and ``_NEW_NAME_SHARE`` of its names: the salient words
    (``Features.names``) of each text line (a content paragraph of ``TEXT_TOKENS`` tokens or
    more) that has ``_EDITED_LINE_SHARE`` of its shingles, but not all, in one of
    ``outer``'s content paragraphs, looked up in ``outer``'s content terms (a compiled
    loop).

    Lines ``outer`` holds whole name what it names; lines of ``inner``'s own (a repost's
    footer naming its site) are not edits, and containment already counts them. A word
    counts on the other side written any way (an edit may make "Distribution" follow a
    lower-case word, and so salient, where the original wrote it after a capital).
    Where ``strict``, an edited line may name no word ``outer`` lacks.
    """
    result = wanted.copy()
    text_line = text_lines(features, allowed)
    strict = np.zeros(wanted.size, dtype=bool) if strict is None else strict
    for chosen, new_names, new_share in ((wanted & ~strict, _NEW_NAMES, _NEW_NAME_SHARE),
                                         (wanted & strict, 0, 0.0)):
        pairs = np.flatnonzero(chosen)
        if pairs.size:
            result[pairs] = _edited_line_names(
                features.article_paragraphs, text_line, allowed, features.shingles.offsets,
                features.shingles.values, features.name_offsets, features.names,
                features.article_terms, features.terms, inner[pairs], outer[pairs],
                _EDITED_LINE_SHARE, new_names, new_share, _WEEKDAYS)
    return result


def _excerpt_leads(features: Features, matches: ParagraphMatches,
                   allowed: npt.NDArray[np.bool_], inner: I64, outer: I64,
                   covers: npt.NDArray[np.bool_], coverage: F64, edited: npt.NDArray[np.bool_],
                   config: DedupConfig) -> npt.NDArray[np.bool_]:
    """``covers`` where an excerpt (``coverage`` below ``min_coverage``) of ``outer[k]``
    shares ``outer``'s first content paragraph, its lead: a lead excerpt or a cut repost keeps
    the start of its original, while a formulaic report of another incident shares the stock
    sentences and differs in the lead (another town, another age).

    An ``edited`` copy (contained up to a few edited words, names and figures kept: see
    :func:`_edits_within`) may have edited its lead too: its first content paragraph then
    starts the excerpt when it holds ``_EDITED_LINE_SHARE`` of its shingles in ``outer``'s
    lead (the rule of an edited line)."""
    result = covers.copy()
    excerpts = np.flatnonzero(covers & (coverage < config.min_coverage))
    if excerpts.size == 0:
        return result
    offsets, _, theirs, _ = shared_paragraphs(features.article_paragraphs, matches.unique_of,
                                              allowed, matches.partners(), inner[excerpts],
                                              outer[excerpts])
    leads = _first_content(features.article_paragraphs, allowed, outer[excerpts]).tolist()
    own_leads = _first_content(features.article_paragraphs, allowed, inner[excerpts]).tolist()
    bounds = offsets.tolist()
    shared = theirs.tolist()
    line_offsets = features.shingles.offsets.tolist()
    values = features.shingles.values
    for k, pair in enumerate(excerpts.tolist()):
        lead, own = leads[k], own_leads[k]
        result[pair] = lead in shared[bounds[k]:bounds[k + 1]]
        if not result[pair] and edited[pair] and lead >= 0 and own >= 0:
            size = line_offsets[own + 1] - line_offsets[own]
            result[pair] = size > 0 and count_shared(
                values, line_offsets[own], line_offsets[own + 1], values, line_offsets[lead],
                line_offsets[lead + 1]) >= _EDITED_LINE_SHARE * size
    return result


def _lead_prefixes(features: Features, matches: ParagraphMatches,
                   allowed: npt.NDArray[np.bool_], inner: I64, outer: I64,
                   wanted: npt.NDArray[np.bool_], config: DedupConfig) -> npt.NDArray[np.bool_]:
    """Where ``wanted``, whether ``inner[k]`` carries the first content paragraphs of
    ``outer[k]``, in a run from its lead, at least ``_LEAD_PARAGRAPHS`` of them and
    ``_LEAD_SHARE`` of ``outer``'s content paragraphs (or ``excerpt_coverage``, if more): a
    lead excerpt counted by paragraphs ("30-45% of the paragraphs"), whatever share of the
    shingles those hold."""
    share = max(_LEAD_SHARE, config.excerpt_coverage)
    result = np.zeros(wanted.size, dtype=bool)
    pairs = np.flatnonzero(wanted)
    if pairs.size == 0:
        return result
    offsets, _, theirs, _ = shared_paragraphs(features.article_paragraphs, matches.unique_of,
                                              allowed, matches.partners(), inner[pairs],
                                              outer[pairs])
    content = np.flatnonzero(allowed)
    article_paragraphs = features.article_paragraphs
    bounds = offsets.tolist()
    shared = theirs.tolist()
    for k, pair in enumerate(pairs.tolist()):
        other = int(outer[pair])
        first = int(np.searchsorted(content, article_paragraphs[other]))
        last = int(np.searchsorted(content, article_paragraphs[other + 1]))
        carried = set(shared[bounds[k]:bounds[k + 1]])
        run = 0
        while first + run < last and int(content[first + run]) in carried:
            run += 1
        result[pair] = run >= _LEAD_PARAGRAPHS and run >= share * (last - first)
    return result


def _first_content(article_paragraphs: I64, allowed: npt.NDArray[np.bool_],
                   articles: I64) -> I64:
    """Each article's first content paragraph (-1: none)."""
    content = np.flatnonzero(allowed)
    first = np.searchsorted(content, article_paragraphs[articles])
    found = np.minimum(first, max(content.size - 1, 0))
    valid = (first < content.size) & (content[found] < article_paragraphs[articles + 1]) if (
        content.size) else np.zeros(articles.size, dtype=bool)
    result: I64 = np.where(valid, content[found] if content.size else -1, -1).astype(np.int64)
    return result


def _covers(contained: F64, coverage: F64, close: npt.NDArray[np.bool_], tokens: I64,
            config: DedupConfig) -> npt.NDArray[np.bool_]:
    """Whether a contained copy (its ``contained`` share is in the other, which it covers to
    ``coverage``; ``tokens`` content tokens) published ``close`` to the other is a
    duplicate: it covers ``min_coverage``, or it is an excerpt: ``excerpt_coverage`` of the
    other, or a teaser of ``teaser_tokens`` (:func:`_excerpt_leads` then asks that either
    start with the other's lead). A teaser's containment is its own, without the allowance
    of edited words or wrapper lines (which need ``excerpt_coverage``); one edited, or run
    across short paragraphs, is read word by word (``_near_duplicates.word_edits``)."""
    teaser = (np.zeros(tokens.size, dtype=bool) if config.teaser_tokens is None
              else tokens >= config.teaser_tokens)
    excerpt = (contained >= config.excerpt_containment) & (
        (coverage >= config.excerpt_coverage) | teaser)
    covers: npt.NDArray[np.bool_] = close & ((coverage >= config.min_coverage) | excerpt)
    return covers


def _carriers_by_unique(classes: CopyClasses, n_unique: int) -> tuple[I64, I64]:
    """The copy classes carrying each unique paragraph (CSR, classes ascending)."""
    owner = np.repeat(np.arange(classes.n_classes, dtype=np.int64), np.diff(classes.unique_offsets))
    order = np.lexsort((owner, classes.uniques))
    offsets = owner_offsets(classes.uniques, n_unique)
    return offsets, owner[order]


def _candidate_codes(carrier_offsets: I64, carriers: I64, hub_row: I64, hub_offsets: I64,
                     hubs: I64, partner_offsets: I64, partner: I64, n_classes: int) -> I64:
    """Codes ``i * n + j`` (``i < j``) of the class pairs to compare, with repeats.

    Classes carrying one unique paragraph, or the two paragraphs of a match, are paired:
    all pairs while no paragraph involved is popular (``ALL_PAIRS_CARRIERS``); otherwise the
    popular side (``hub_row[u] >= 0``: row of ``u`` in the hubs) takes part through its hubs
    only. Counted first, then written, so the output is allocated once.
    """
    arguments = (carrier_offsets, carriers, hub_row, hub_offsets, hubs, partner_offsets,
                 partner, n_classes)
    out = np.empty(_candidate_pass(*arguments, np.empty(0, dtype=np.int64), False),
                   dtype=np.int64)
    _candidate_pass(*arguments, out, True)
    return out


#: A roundup's piece of one text is at least this share of the page (its paragraphs'
#: shingles over all of the page's content): a headline and a first sentence beside a long
#: lead (a piece is two paragraphs or more; at 0.15, reposts 20k pair precision 0.9951,
#: at 0.05 0.9962, recall and the crawl's digests unchanged).
_PART_SHARE = 0.05
#: A roundup piece of one paragraph: a text's first content paragraph copied whole, of at
#: least this many shingles (a short article whose lead alone is carried, a URL line with
#: its headline). Formulaic crawl reports' stock paragraphs are shorter: on the crawl
#: stand-in at 6,000 incidents, 8 shingles make 4 false digests, 15 make 3, 18 and 20 none.
_LONE_PIECE_SHINGLES = 18
#: ... of which the text's lead holds at least this share: the lead itself, or its first
#: sentences (a teaser ending "...").
_LONE_PIECE_HELD = 0.9
#: A page of this many pieces of different texts or more (a briefing of teasers, a
#: newsletter) is a roundup when they make up this share of it: its other lines are a
#: header, links and teasers too short, or too cut, to be matched.
_BRIEFING_PIECES = 3
_BRIEFING_SHARE = 0.5


def _carried_digests(features: Features, matches: ParagraphMatches,
                     allowed: npt.NDArray[np.bool_], representative: I64, a: I64, b: I64,
                     a_in_b: F64, b_in_a: F64, near: npt.NDArray[np.bool_],
                     threshold: float, n_classes: int) -> npt.NDArray[np.bool_]:
    """Classes made of the leads of two or more different texts: roundups.

    A roundup carries the first paragraphs of two or three articles, one after the other. A
    *piece* of a page is a run of two or more of its paragraphs that copies a text's first
    content paragraphs (or its first paragraphs from its first line of text on) in order,
    or one paragraph of ``_LONE_PIECE_SHINGLES`` or more held to ``_LONE_PIECE_HELD`` in
    that first paragraph (the lead copied whole, or a teaser: its first sentences), at
    least ``_PART_SHARE`` of the page.
    The page is a roundup when pieces of texts that are not one (their link, if any,
    overlaps by less than ``_SAME_TEXT``), in paragraphs apart, make up ``threshold`` of it
    (as a copy is contained in its original), or ``_BRIEFING_PIECES`` such pieces make up
    ``_BRIEFING_SHARE`` of it (a briefing, whose header, footer and teasers too short to be
    pieces are its own): it contains none of the articles
    (:func:`_find_digests` sees digests that carry whole ones) and is the copy of none.
    Not roundups: an article with text of its own besides, one written from the middle
    paragraphs of two wires, a formulaic report whose stock sentences each match a line of
    another (scattered lines, no runs), and copies of the page itself (near-duplicates are
    no pieces).

    Links tell cheaply which pages may be roundups (each piece's text holds a share of the
    page; two pieces apart leave room for each other); only those pages' shared paragraphs
    are read.
    """
    digest = np.zeros(n_classes, dtype=bool)
    pages = np.concatenate([a, b])
    texts = np.concatenate([b, a])
    shares = np.concatenate([a_in_b, b_in_a])
    keep = np.concatenate([~near, ~near]) & (shares >= _PART_SHARE)
    pages, texts, shares = pages[keep], texts[keep], shares[keep]
    if pages.size < 2:
        return digest
    order = np.lexsort((shares, pages))
    pages, texts, shares = pages[order], texts[order], shares[order]
    # Pieces apart leave room for each other: a page with a part over 1 - _PART_SHARE
    # of it has no second piece. And two parts covering s1 >= s2 of the page overlap in at
    # least s1 + s2 - 1 of it: a page whose two smallest parts must overlap by half the
    # smaller has no two pieces.
    first = np.ones(pages.size, dtype=bool)
    first[1:] = pages[1:] != pages[:-1]
    start = np.flatnonzero(first)
    count = np.diff(np.append(start, pages.size))
    second = np.minimum(start + 1, pages.size - 1)
    possible = ((count >= 2) & (shares[start + count - 1] <= 1.0 - _PART_SHARE)
                & (shares[second] + 0.5 * shares[start] < 1.0))
    chosen = np.repeat(possible, count)
    if not chosen.any():
        return digest
    pages, texts = pages[chosen], texts[chosen]
    text_articles = representative[texts]
    text_of = sorted_unique(text_articles)
    # A text's lead: its first content paragraph, or its first line of text (past a
    # headline, a byline or a dateline that a roundup leaves out).
    at = np.searchsorted(text_of, text_articles)
    leads = _first_content(features.article_paragraphs, allowed, text_of)[at]
    text_leads = _first_content(features.article_paragraphs,
                                text_lines(features, allowed), text_of)[at]
    # A piece starts at its text's lead: a page none of whose paragraphs is that lead or a
    # match of it carries no piece of the text, and its shared paragraphs are not read (a
    # crawl of formulaic reports links each page with hundreds of others by their stock
    # sentences, while each report's lead names its own incident).
    page_articles = representative[pages]
    leading = _carry_leads(features, matches, allowed, page_articles, leads)
    other = np.flatnonzero(~leading & (text_leads != leads))
    leading[other] = _carry_leads(features, matches, allowed, page_articles[other],
                                  text_leads[other])
    if not leading.any():
        return digest
    pages, texts, text_articles, leads, text_leads = (
        pages[leading], texts[leading], text_articles[leading], leads[leading],
        text_leads[leading])
    offsets, mine, theirs, jaccard = shared_paragraphs(
        features.article_paragraphs, matches.unique_of, allowed, matches.partners(),
        representative[pages], text_articles)
    # A piece is a run of two or more paragraphs of the page, one after the other, matched
    # one to one with the text's first content paragraphs in order (shared pairs are sorted
    # by the page's paragraph): as a roundup carries a lead. (Stock sentences that formulaic
    # reports share match scattered lines of each other.)
    sizes = np.diff(offsets)
    pair_of = np.repeat(np.arange(pages.size), sizes)
    # A line matching the same paragraph of the text as the page's next line is part of it
    # (a roundup's title line opening the lead it is cut from): the two count as one.
    title = np.zeros(mine.size, dtype=bool)
    title[:-1] = ((pair_of[:-1] == pair_of[1:]) & (theirs[:-1] == theirs[1:])
                  & (mine[1:] == mine[:-1] + 1))
    run_rows = np.flatnonzero(~title)
    run_sizes = np.bincount(pair_of[run_rows], minlength=pages.size)
    run_offsets = np.zeros(pages.size + 1, dtype=np.int64)
    np.cumsum(run_sizes, out=run_offsets[1:])
    run_page, run_text, run_pair = mine[run_rows], theirs[run_rows], pair_of[run_rows]
    position = np.arange(run_rows.size) - run_offsets[run_pair]
    apart = run_page != run_page[run_offsets[run_pair]] + position
    in_run = np.zeros(pages.size, dtype=bool)
    for lead in (leads, text_leads):
        off_run = apart | (run_text != lead[run_pair] + position) | (lead[run_pair] < 0)
        in_run |= np.bincount(run_pair, weights=off_run, minlength=pages.size) == 0
    # ... or one paragraph, when it is the text's first content paragraph or its opening
    # (a briefing's teaser: the lead's first sentences), held in that paragraph, and long (a
    # short text's lead carried alone: a stock sentence is short, and a formulaic report's
    # lead names its own incident, so is never the same).
    single = np.flatnonzero((run_sizes == 1) & in_run)
    lone_lead = np.zeros(pages.size, dtype=bool)
    if single.size:
        row = run_rows[run_offsets[single]]
        page_size = features.shingles.sizes[mine[row]]
        lone_lead[single] = ((page_size >= _LONE_PIECE_SHINGLES)
                             & (_held_shingles(jaccard[row], page_size,
                                               features.shingles.sizes[theirs[row]])
                                >= _LONE_PIECE_HELD * page_size))
    is_piece = ((run_sizes >= 2) & in_run) | lone_lead
    # Two pieces apart: one ends before the other starts (the page's paragraphs are numbered
    # in order), for some two of the page's pieces.
    low = np.full(pages.size, np.iinfo(np.int64).max, dtype=np.int64)
    high = np.full(pages.size, -1, dtype=np.int64)
    np.minimum.at(low, pair_of, mine)
    np.maximum.at(high, pair_of, mine)
    page_start = np.flatnonzero(np.r_[True, pages[1:] != pages[:-1]])
    lowest_end = np.minimum.reduceat(np.where(is_piece, high, np.iinfo(np.int64).max),
                                     page_start)
    highest_start = np.maximum.reduceat(np.where(is_piece, low, -1), page_start)
    apart = np.repeat(lowest_end < highest_start, np.diff(np.append(page_start, pages.size)))
    pieces_at = np.flatnonzero(apart & is_piece)
    if not pieces_at.size:
        return digest
    texts_seen = np.unique(texts[pieces_at])
    same = ((np.maximum(a_in_b, b_in_a) >= _SAME_TEXT) & np.isin(a, texts_seen)
            & np.isin(b, texts_seen))
    overlapping = set(zip(a[same].tolist(), b[same].tolist(), strict=True))
    # A piece's share of the page: its paragraphs' shingles over all the page's content
    # (not the link's share, which counts stock phrases met anywhere in the text).
    sizes_of = np.where(allowed, features.shingles.sizes, 0)
    page_article = representative[pages[pieces_at]]
    cumulative = np.cumsum(np.r_[0, sizes_of])
    total = (cumulative[features.article_paragraphs[page_article + 1]]
             - cumulative[features.article_paragraphs[page_article]])
    shared_size = np.cumsum(np.r_[0, sizes_of[mine]])
    shares = ((shared_size[offsets[pieces_at + 1]] - shared_size[offsets[pieces_at]])
              / np.maximum(total, 1))
    # Only pages whose pieces could cover enough of them are looked at piece by piece (the
    # pieces' shares add up to at least what disjoint ones of them cover).
    wide = shares >= _PART_SHARE
    page_of = pages[pieces_at]
    room = np.zeros(n_classes)
    np.add.at(room, page_of[wide], shares[wide])
    many = np.bincount(page_of[wide], minlength=n_classes)
    wide &= (many[page_of] >= 2) & (room[page_of] >= min(threshold, _BRIEFING_SHARE) - 1e-9)
    by_page: dict[int, dict[frozenset[int], tuple[float, int]]] = defaultdict(dict)
    for k, page, text, share in zip(pieces_at[wide].tolist(), page_of[wide].tolist(),
                                    texts[pieces_at[wide]].tolist(), shares[wide].tolist(),
                                    strict=True):
        piece = frozenset(mine[offsets[k]:offsets[k + 1]].tolist())
        kept = by_page[page].get(piece)
        if share >= _PART_SHARE and (kept is None or (share, -text) > (kept[0], -kept[1])):
            by_page[page][piece] = (share, text)
    for page, pieces in by_page.items():
        digest[page] = _made_of_pieces(pieces, overlapping, threshold)
    return digest


def _held_shingles(jaccard: F64, first: I64, second: I64) -> F64:
    """The shingles two sets of ``first`` and ``second`` shingles share, from their
    Jaccard (``|A & B| = J (|A| + |B|) / (1 + J)``), a hair over for rounding.

    >>> _held_shingles(np.array([0.5]), np.array([10]), np.array([20])).round(6).tolist()
    [10.0]
    """
    held: F64 = jaccard * (first + second) / (1.0 + jaccard) + 1e-9
    return held


def _carry_leads(features: Features, matches: ParagraphMatches,
                 allowed: npt.NDArray[np.bool_], pages: I64, leads: I64
                 ) -> npt.NDArray[np.bool_]:
    """Whether each page (an article) may carry the paragraph ``leads[k]``: one of its
    content paragraphs has that paragraph's unique text or a matched partner of it (what
    ``shared_paragraphs`` pairs). A lead without shingles (no unique text) may be carried.

    The pages' content paragraphs are listed with their texts and their partners once, so
    memory grows with the paragraphs, not with the pairs times the partners."""
    unique_of = matches.unique_of
    width = np.int64(max(int(unique_of.max(initial=-1)) + 1, 1))
    partner_offsets, partner, _ = matches.partners()
    needed = sorted_unique(pages)
    paragraphs, owner = gather_rows(features.article_paragraphs, needed)
    content = allowed[paragraphs] & (unique_of[paragraphs] >= 0)
    own = unique_of[paragraphs[content]]
    # Each paragraph's own text, and its partners' (CSR rows of `partner`).
    positions, row = gather_rows(partner_offsets, own)
    text = np.concatenate([own, partner[positions]])
    row = np.concatenate([np.arange(own.size), row])
    lead_unique = np.where(leads >= 0, unique_of[np.maximum(leads, 0)], -1)
    # Only the texts of leads are looked up (stock sentences are no leads).
    is_lead = np.zeros(int(width), dtype=bool)
    is_lead[lead_unique[lead_unique >= 0]] = True
    wanted = is_lead[text]
    held = sorted_unique(needed[owner[content][row[wanted]]] * width + text[wanted])
    key = pages * width + np.maximum(lead_unique, 0)
    position = np.minimum(np.searchsorted(held, key), max(held.size - 1, 0))
    hit = held[position] == key if held.size else np.zeros(key.size, dtype=bool)
    carried: npt.NDArray[np.bool_] = np.where(lead_unique >= 0, hit, leads >= 0)
    return carried


def _made_of_pieces(pieces: dict[frozenset[int], tuple[float, int]],
                    overlapping: set[tuple[int, int]], threshold: float) -> bool:
    """Whether pieces of a page (its paragraphs shared with a text: their share of the page
    and the text), taken widest first, two or more of them in paragraphs apart and of texts
    that are not one, cover ``threshold`` of the page."""
    taken: list[tuple[frozenset[int], int]] = []
    covered = 0.0
    for piece, (share, text) in sorted(pieces.items(), key=lambda item: (-item[1][0], item[1][1])):
        if all(not (piece & other) and (min(text, other_text), max(text, other_text))
               not in overlapping for other, other_text in taken):
            taken.append((piece, text))
            covered += share
    return ((len(taken) >= 2 and covered >= threshold)
            or (len(taken) >= _BRIEFING_PIECES and covered >= _BRIEFING_SHARE))


def _find_digests(a: I64, b: I64, a_in_b: F64, b_in_a: F64, a_first: npt.NDArray[np.bool_],
                  config: DedupConfig, n_classes: int) -> npt.NDArray[np.bool_]:
    """Classes containing two or more classes that are different texts.

    A class contains another when the other's text is in it to ``containment_threshold``,
    also when their Jaccard makes them near-duplicates (a long article with a short one
    appended is a digest of the two, not a copy of the long one). Two contained classes are
    one text when they overlap by ``_SAME_TEXT`` of the smaller: as their link says, or as
    their coverage of the container forces (two copies covering 97% of it share at least
    94%; a cut repost and a lead excerpt of one article are parts of one text). A digest
    carries two or more texts that do not overlap so (its articles, which may quote each
    other).
    """
    threshold = config.containment_threshold
    a_inside = (a_in_b >= threshold) & a_first
    b_inside = (b_in_a >= threshold) & ~a_inside
    # (container, contained, share of the container the contained one covers), by container,
    # the part covering most first (ties: the lower class).
    big = np.concatenate([b[a_inside], a[b_inside]])
    small = np.concatenate([a[a_inside], b[b_inside]])
    covered = np.concatenate([b_in_a[a_inside], a_in_b[b_inside]])
    order = np.lexsort((small, -covered, big))
    big, small, covered = big[order], small[order], covered[order]
    digest = np.zeros(n_classes, dtype=bool)
    start = np.flatnonzero(np.r_[True, big[1:] != big[:-1]]) if big.size else big
    count = np.diff(np.r_[start, big.size])
    run = np.repeat(np.arange(start.size), count)
    # Two parts covering c1 >= c2 of the container share at least c1 + c2 - 1 of it; the
    # part covering most is the best partner for every other (see docs/design.md), so
    # copies of one text are one part at once, in one pass. A container of one part
    # carries one text.
    widest, most = small[start][run], covered[start][run]
    apart = ((count[run] >= 2) & (small != widest)
             & (most + covered - 1.0 < _SAME_TEXT * covered))
    parts: dict[int, tuple[int, list[int]]] = {}
    candidates: dict[int, list[int]] = {}
    for number in np.unique(run[apart]).tolist():
        entries = slice(int(start[number]), int(start[number] + count[number]))
        container = int(big[entries.start])
        parts[container] = (int(small[entries.start]), small[entries][apart[entries]].tolist())
        candidates[container] = small[entries].tolist()
    return _carrying_texts(parts, candidates, a, b, a_in_b, b_in_a, digest)


def _carrying_texts(parts: dict[int, tuple[int, list[int]]], candidates: dict[int, list[int]],
                    a: I64, b: I64, a_in_b: F64, b_in_a: F64,
                    digest: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """``digest`` with the containers of ``parts`` marked that carry two texts or more:
    each container's widest part and the parts left apart from it (``parts``), of all its
    parts (``candidates``), joined when a link says two are one text (:func:`_find_digests`)."""
    if not parts:
        return digest
    # The texts each part left apart shares with others: read for those parts only (the
    # overlapping links are millions on a feed of reposts, the parts apart a few).
    needed = sorted_unique(np.array([part for _, left_apart in parts.values()
                                     for part in left_apart], dtype=np.int64))
    overlapping = np.maximum(a_in_b, b_in_a) >= _SAME_TEXT
    over_a, over_b = a[overlapping], b[overlapping]
    same_text: dict[int, set[int]] = defaultdict(set)
    for near, far in ((over_a, over_b), (over_b, over_a)):
        wanted = np.isin(near, needed)
        for left, right in zip(near[wanted].tolist(), far[wanted].tolist(), strict=True):
            same_text[left].add(right)
    for container, (widest_part, apart_parts) in parts.items():
        members = set(candidates[container])
        parent = {part: part for part in members}
        for part in members:
            if part not in apart_parts:
                parent[part] = widest_part
        for part in apart_parts:
            linked = same_text.get(part, set())
            # The smaller side of the two sets is scanned: a hub's links are thousands.
            for other in (linked & members if len(linked) < len(members)
                          else members & linked):
                parent[_root(parent, part)] = _root(parent, other)
        digest[container] = len({_root(parent, part) for part in members}) >= 2
    return digest


def _root(parent: dict[int, int], node: int) -> int:
    """The root of ``node`` in a union-find forest (paths halved on the way)."""
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node
