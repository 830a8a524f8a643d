"""Assembly: the pipeline's arrays turned into the public result objects.

Ids of groups and stories are derived from their members' ids (``stable_id``), so the same
input in any order gives the same ids. Every relation and score is read from the article
links; provenance lists, for each paragraph of a group's canonical, the members' paragraphs
that carry it.

Matches are reported so that their number grows with the articles, not with the square of a
group's size: each member of a group is matched with its canonical (a star: the other pairs
of a group are copies of one text), and two groups sharing text are matched once, by the
representatives of their closest linked copy classes.

Assembly creates one object per article, group member, paragraph pair and canonical paragraph,
so it is written for the count of objects: arrays are turned into lists once, each link's
paragraph pairs are read once, and the many identical "no other carrier" provenance entries
are one shared (immutable) object each.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .._core.arrays import ranks
from .._core.config import DedupConfig
from .._core.hashing import stable_id
from .._core.types import F64, I64
from .._near_duplicates.boilerplate import Boilerplate
from .._near_duplicates.canonical import decisive_rule, story_canonicals
from .._near_duplicates.groups import GroupAssignment
from .._near_duplicates.links import (
    INVERSE_RELATION,
    NEAR_DUPLICATE,
    PARTIAL_REUSE,
    ArticleLinks,
)
from .._near_duplicates.paragraph_matches import ParagraphMatches
from .._near_duplicates.repeated import Repeats
from .._near_duplicates.shared import shared_paragraphs
from .._stories.rewrite import REWRITE, Rewrites
from .._text.article import Article, optional_fields
from .._text.features import Features
from .._text.templates import template_pages
from .result import (
    ArticleResult,
    BoilerplateParagraph,
    Carrier,
    DedupResult,
    DuplicateGroup,
    GroupMember,
    Match,
    ParagraphProvenance,
    RepeatedParagraph,
    SharedParagraph,
    Story,
)

__all__ = ["assemble"]

CANONICAL = "canonical"

# A pair's shared paragraphs: (index in the first article, index in the second, similarity).
PairList = list[tuple[int, int, float]]


def assemble(corpus: list[Article], empty: npt.NDArray[np.bool_], features: Features,
             repeats: Repeats, boilerplate: Boilerplate, matches: ParagraphMatches,
             content: npt.NDArray[np.bool_], links: ArticleLinks, groups: GroupAssignment,
             story_of_group: npt.NDArray[np.int64], keys: list[Any], user_key: bool,
             config: DedupConfig, id_rank: I64,
             rewrites: Callable[[], Rewrites] | None = None) -> DedupResult:
    """Build the :class:`DedupResult` of a run from the outputs of its steps.

    ``content`` flags the paragraphs that count as content (what links compare); with the
    paragraph ``matches`` it tells which paragraphs two articles share
    (``_near_duplicates.shared``). ``id_rank`` is each article's rank by id (the order
    carriers are listed in). ``rewrites`` gives the rewrites (``_stories.rewrite``),
    which become matches of their own; it is called last, so that they may be found while
    the rest is assembled.

    1. Ids: each group's and story's stable id, from its members' ids (:func:`_result_ids`).
    2. The article pairs reported: each member with its group's canonical (a star), and one
       pair per pair of linked groups (:func:`_across_groups`), with the paragraphs each
       pair shares.
    3. Groups: members with their relation to the canonical, and the canonical's paragraphs
       with the members carrying each (:func:`_provenances`); stories with their canonical
       (``_near_duplicates.canonical.story_canonicals``).
    4. One result per article (:func:`_article_results`).
    5. Matches: the pairs of step 2 (:func:`_match_results`), then the rewrites.
    """
    ids = [article.id for article in corpus]
    paragraph_start = features.article_paragraphs.tolist()
    paragraph_index = features.paragraph_index.tolist()
    group_ids, story_groups, story_ids = _result_ids(ids, groups, story_of_group)

    star = [(canonical, member) for canonical, members in zip(groups.canonical, groups.members,
                                                              strict=True)
            for member in members[1:]]
    pairs = star + _across_groups(links, groups.group_of)
    view = _LinkView(links, pairs)
    shared = _SharedParagraphs.of(features, matches, content, pairs)

    provenance = _provenances(ids, id_rank, paragraph_start, boilerplate.any.tolist(),
                              groups.canonical, groups.members, shared)
    story_canonical, story_rule = story_canonicals(story_groups, groups, keys, user_key)
    group_results = []
    for number, members in enumerate(groups.members):
        canonical = groups.canonical[number]
        runner_up = keys[members[1]] if len(members) > 1 else None
        group_results.append(DuplicateGroup(
            id=group_ids[number],
            canonical_id=ids[canonical],
            canonical_rule=decisive_rule(keys[canonical], runner_up, user_key),
            story_id=story_ids[int(story_of_group[number])],
            members=tuple(GroupMember(ids[m], *_relation_to(view, m, canonical))
                          for m in members),
            provenance=provenance[number],
        ))
    story_results = [
        Story(id=story_ids[s], canonical_id=ids[story_canonical[s]], canonical_rule=story_rule[s],
              member_ids=tuple(sorted(ids[m] for g in gs for m in groups.members[g])),
              group_ids=tuple(sorted(group_ids[g] for g in gs)))
        for s, gs in enumerate(story_groups)
    ]
    article_results = _article_results(
        corpus, empty, features, repeats, boilerplate, links, groups, view,
        [ids[canonical] for canonical in story_canonical], group_ids, story_ids,
        story_of_group, paragraph_start, paragraph_index)
    found = Rewrites.none() if rewrites is None else rewrites()
    match_results = with_rewrites(_match_results(ids, view, pairs, shared.lists()),
                                  rewrite_matches(found, ids, paragraph_index),
                                  _copied_text(found, ids, links, features, matches, content))
    return DedupResult(
        articles=tuple(article_results),
        groups=tuple(sorted(group_results, key=lambda g: g.id)),
        stories=tuple(sorted(story_results, key=lambda s: s.id)),
        matches=tuple(sorted(match_results, key=lambda m: (m.a, m.b))),
        config=config,
    )


def _result_ids(ids: list[str], groups: GroupAssignment, story_of_group: npt.NDArray[np.int64]
                ) -> tuple[list[str], list[list[int]], list[str]]:
    """Each group's id, each story's groups (in group order) and each story's id."""
    group_ids = [stable_id("g", [ids[m] for m in members]) for members in groups.members]
    n_stories = int(story_of_group.max()) + 1 if story_of_group.size else 0
    story_groups: list[list[int]] = [[] for _ in range(n_stories)]
    for group, story in enumerate(story_of_group.tolist()):
        story_groups[story].append(group)
    story_ids = [stable_id("s", [ids[m] for g in gs for m in groups.members[g]])
                 for gs in story_groups]
    return group_ids, story_groups, story_ids


def _relation_to(view: _LinkView, member: int, canonical: int) -> tuple[str, float, float]:
    """An article's relation to its group's canonical, its Jaccard and containment."""
    if member == canonical:
        return CANONICAL, 1.0, 1.0
    relation, jaccard, member_in, canonical_in = view.read(member, canonical)
    # Rounded as in every other score of the result (a member and its match agree).
    return relation, round(jaccard, 6), round(max(member_in, canonical_in), 6)


def _provenances(ids: list[str], id_rank: I64, paragraph_start: list[int],
                 is_boilerplate: list[bool], canonical: Sequence[int],
                 members: Sequence[tuple[int, ...]], shared: _SharedParagraphs
                 ) -> list[tuple[ParagraphProvenance, ...]]:
    """The provenance of each group's canonical (in group order): each of its paragraphs,
    whether it is boilerplate, and the members' paragraphs carrying it (by article id, read
    from ``id_rank``, then paragraph index). ``shared`` starts with the star pairs
    (canonical, member), group by group, members in order.

    The carriers of every group are ordered by one sort over arrays, not a sort per
    paragraph: the Python work left is one object per carrier and per carried paragraph.
    A paragraph that no member carries has the same provenance wherever it is, given its
    index and flag: groups share those objects, and a canonical's tuple of them is shared by
    every canonical with the same pattern of boilerplate flags (immutable objects).
    """
    alone: dict[tuple[bool, ...], tuple[ParagraphProvenance, ...]] = {}

    def uncarried(article: int) -> tuple[ParagraphProvenance, ...]:
        flags = tuple(is_boilerplate[paragraph_start[article]:paragraph_start[article + 1]])
        found = alone.get(flags)
        if found is None:
            found = alone[flags] = tuple(ParagraphProvenance(index, flag, ())
                                         for index, flag in enumerate(flags))
        return found

    result = [uncarried(article) for article in canonical]
    sizes = np.array([len(group) - 1 for group in members], dtype=np.int64)
    star_member = np.fromiter(itertools.chain.from_iterable(group[1:] for group in members),
                              dtype=np.int64, count=int(sizes.sum()))
    rows = int(shared.offsets[star_member.size])
    if rows == 0:
        return result
    per_pair = np.diff(shared.offsets[:star_member.size + 1])
    group = np.repeat(np.repeat(np.arange(sizes.size, dtype=np.int64), sizes), per_pair)
    member = np.repeat(star_member, per_pair)
    index, theirs, similarity = (shared.mine[:rows], shared.theirs[:rows],
                                 shared.similarity[:rows])
    order = np.lexsort((similarity, theirs, id_rank[member], index, group))
    group, index = group[order], index[order]
    carriers = [Carrier(ids[article], paragraph, value) for article, paragraph, value in zip(
        member[order].tolist(), theirs[order].tolist(), similarity[order].tolist(),
        strict=True)]
    # Runs of one group's canonical paragraph.
    starts = np.flatnonzero(np.concatenate([[True], (group[1:] != group[:-1])
                                            | (index[1:] != index[:-1])]))
    bounds = np.append(starts, rows).tolist()
    entries: list[ParagraphProvenance] = []
    current = -1
    for run, (number, paragraph) in enumerate(zip(group[starts].tolist(),
                                                  index[starts].tolist(), strict=True)):
        if number != current:
            if current >= 0:
                result[current] = tuple(entries)
            current, entries = number, list(result[number])
        entries[paragraph] = ParagraphProvenance(paragraph, entries[paragraph].is_boilerplate,
                                                 tuple(carriers[bounds[run]:bounds[run + 1]]))
    result[current] = tuple(entries)
    return result


def _article_results(corpus: list[Article], empty: npt.NDArray[np.bool_], features: Features,
                     repeats: Repeats, boilerplate: Boilerplate, links: ArticleLinks,
                     groups: GroupAssignment, view: _LinkView, story_canonical_ids: list[str],
                     group_ids: list[str], story_ids: list[str],
                     story_of_group: npt.NDArray[np.int64], paragraph_start: list[int],
                     paragraph_index: list[int]) -> list[ArticleResult]:
    """One :class:`ArticleResult` per article, in input order (``paragraph_start``: the
    features' ``article_paragraphs``, ``paragraph_index`` their ``paragraph_index``)."""
    ids = [article.id for article in corpus]
    repeated, flagged = _paragraph_findings(features, repeats, boilerplate, paragraph_index)
    group_of = groups.group_of.tolist()
    story_of = story_of_group.tolist()
    digest, empty_list = links.digest.tolist(), empty.tolist()
    template_page = template_pages(features, boilerplate.template).tolist()
    article_results = []
    for number, article in enumerate(corpus):
        group = group_of[number]
        canonical = groups.canonical[group]
        story = story_of[group]
        relation, jaccard, containment = _relation_to(view, number, canonical)
        article_results.append(ArticleResult(
            id=article.id, group_id=group_ids[group], story_id=story_ids[story],
            canonical_id=ids[canonical], story_canonical_id=story_canonical_ids[story],
            is_canonical=canonical == number, relation=relation, jaccard=jaccard,
            containment=containment,
            n_paragraphs=paragraph_start[number + 1] - paragraph_start[number],
            is_empty=empty_list[number], is_digest=digest[number],
            repeated_paragraphs=tuple(sorted(repeated.get(number, ()), key=lambda r: r.index)),
            boilerplate_paragraphs=tuple(flagged.get(number, ())),
            is_template=template_page[number], metadata=_metadata(article),
        ))
    return article_results


def _match_results(ids: list[str], view: _LinkView, pairs: list[tuple[int, int]],
                   shared: list[PairList]) -> list[Match]:
    """One :class:`Match` per reported article pair, read from the smaller id."""
    match_results = []
    # Equal paragraph pairs recur across matches (copies share paragraphs at the same
    # places): one immutable object per distinct pair.
    shared_paragraph: dict[tuple[int, int, float], SharedParagraph] = {}

    def shared_object(pair: tuple[int, int, float]) -> SharedParagraph:
        found = shared_paragraph.get(pair)
        if found is None:
            found = shared_paragraph[pair] = SharedParagraph(*pair)
        return found

    for (a, b), pair_list in zip(pairs, shared, strict=True):
        relation, jaccard, a_in_b, b_in_a = view.read(a, b)
        duplicate = view.duplicate(a, b)
        if ids[a] > ids[b]:  # a match reads from the smaller id: input order must not show
            a, b, a_in_b, b_in_a = b, a, b_in_a, a_in_b
            relation = INVERSE_RELATION.get(relation, relation)
            pair_list = sorted((second, first, similarity)
                               for first, second, similarity in pair_list)
        match_results.append(Match(
            a=ids[a], b=ids[b], relation=relation, jaccard=round(jaccard, 6),
            containment=round(max(a_in_b, b_in_a), 6), a_in_b=round(a_in_b, 6),
            b_in_a=round(b_in_a, 6), is_duplicate=duplicate,
            shared_paragraphs=tuple(map(shared_object, pair_list)), score=round(jaccard, 6)))
    return match_results


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


def with_rewrites(matches: list[Match], rewrites: list[Match],
                  copied: list[Match | None]) -> list[Match]:
    """``matches``, then ``rewrites``: one match per pair of articles. A rewrite whose
    articles also share text in part (``copied``, each rewrite's partial reuse or None: a
    paragraph or a quote kept word for word, the rest retold; ``_stories.rewrite``, 6.)
    carries its Jaccard and containments (of the copied text) and both its copied and its
    reworded paragraph pairs, and takes the place of the pair's partial reuse match.
    """
    merged = {(m.a, m.b): m for m in copied if m is not None}
    kept = [m for m in matches if m.relation != PARTIAL_REUSE or (m.a, m.b) not in merged]
    for rewrite in rewrites:
        text = merged.get((rewrite.a, rewrite.b))
        if text is not None:
            rewrite = attrs.evolve(
                rewrite, jaccard=text.jaccard, containment=text.containment,
                a_in_b=text.a_in_b, b_in_a=text.b_in_a,
                shared_paragraphs=tuple(sorted(text.shared_paragraphs
                                               + rewrite.shared_paragraphs,
                                               key=lambda p: (p.a_index, p.b_index))))
        kept.append(rewrite)
    return kept


def _copied_text(rewrites: Rewrites, ids: list[str], links: ArticleLinks, features: Features,
                 matches: ParagraphMatches, content: npt.NDArray[np.bool_]
                 ) -> list[Match | None]:
    """For each rewrite, the partial reuse match of its two articles when they share text
    (a link between their copy classes), else None: read whether or not the pair is among
    the partial reuse reported (``REUSE_PARTNERS``)."""
    pairs = list(zip(rewrites.a.tolist(), rewrites.b.tolist(), strict=True))
    view = _LinkView(links, pairs)
    linked = [pair for pair in pairs if view.linked(*pair)]
    if not linked:
        return [None] * len(pairs)
    found = dict(zip(linked, _match_results(
        ids, view, linked, _SharedParagraphs.of(features, matches, content, linked).lists()),
        strict=True))
    return [found[pair] if pair in found and found[pair].relation == PARTIAL_REUSE else None
            for pair in pairs]


#: Partial reuse reported per group: the closest ``REUSE_PARTNERS`` other groups. Text that
#: hundreds of groups share (the stock sentences of formulaic reports, a quote every outlet
#: runs) would otherwise give a match per pair of them: 1.9 million on a crawl of 6,575 police
#: reports, 82% of its run spent building them (docs/design.md, "Matches").
REUSE_PARTNERS = 16


def _across_groups(links: ArticleLinks, group_of: npt.NDArray[np.int64]) -> list[tuple[int, int]]:
    """One article pair per pair of groups that share text: the representatives of their
    closest linked classes (highest Jaccard, then containment, then the lowest class
    numbers), so that two groups of many copies each give one match, not one per copy.

    A pair of groups that only share some text (``partial-reuse``) is kept when either
    group ranks the other among its ``REUSE_PARTNERS`` closest (Jaccard, then containment,
    then the lower group number): so the matches grow with the groups, not with their
    square. Containments across groups (a digest and the articles it carries) are all kept."""
    representative = links.classes.representative
    first, second = group_of[representative[links.a]], group_of[representative[links.b]]
    apart = np.flatnonzero(first != second)
    if apart.size == 0:
        return []
    low, high = np.minimum(first[apart], second[apart]), np.maximum(first[apart], second[apart])
    containment = np.maximum(links.a_in_b[apart], links.b_in_a[apart])
    order = np.lexsort((links.b[apart], links.a[apart], -containment, -links.jaccard[apart],
                        high, low))
    key = low[order] * np.int64(max(len(group_of), 1)) + high[order]
    first_of_pair = np.ones(order.size, dtype=bool)
    first_of_pair[1:] = key[1:] != key[:-1]
    picked = order[first_of_pair]
    reuse = np.array([links.relation[n] == PARTIAL_REUSE for n in apart[picked].tolist()],
                     dtype=bool)
    kept = ~reuse
    kept[reuse] = _closest_partners(low[picked][reuse], high[picked][reuse],
                                    links.jaccard[apart[picked]][reuse],
                                    containment[picked][reuse], REUSE_PARTNERS)
    chosen = apart[picked[kept]]
    return list(zip(representative[links.a[chosen]].tolist(),
                    representative[links.b[chosen]].tolist(), strict=True))


def _closest_partners(low: I64, high: I64, jaccard: F64, containment: F64,
                      partners: int) -> npt.NDArray[np.bool_]:
    """Which pairs of groups ``(low[k], high[k])`` (each pair once) either group ranks
    among its ``partners`` closest: highest ``jaccard``, then ``containment``, then the
    lower partner number.

    >>> _closest_partners(np.array([0, 0, 0, 1]), np.array([1, 2, 3, 2]),
    ...                   np.array([0.5, 0.2, 0.1, 0.3]), np.zeros(4), 1).tolist()
    [True, False, True, True]
    """
    own = np.concatenate([low, high])
    other = np.concatenate([high, low])
    order = np.lexsort((other, -np.concatenate([containment, containment]),
                        -np.concatenate([jaccard, jaccard]), own))
    rank = ranks(np.bincount(own, minlength=int(own.max(initial=-1)) + 1))
    close = np.zeros(order.size, dtype=bool)
    close[order] = rank < partners
    return close[:low.size] | close[low.size:]


class _LinkView:
    """The link between two articles, read from the first: through their copy classes.
    Only the links of the article ``pairs`` given are looked up (a crawl of formulaic
    reports has hundreds of links per article, a few of which are reported)."""

    def __init__(self, links: ArticleLinks, pairs: list[tuple[int, int]]) -> None:
        self._relation = links.relation
        class_of = links.classes.class_of
        self._class_of = class_of.tolist()
        wanted = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        first, second = class_of[wanted[:, 0]], class_of[wanted[:, 1]]
        width = np.int64(max(links.classes.n_classes, 1))
        read = np.flatnonzero(np.isin(links.a * width + links.b,
                                      np.minimum(first, second) * width
                                      + np.maximum(first, second)))
        self._link_of = {(a, b): n for n, a, b in zip(
            read.tolist(), links.a[read].tolist(), links.b[read].tolist(), strict=True)}
        self._jaccard, self._a_in_b = links.jaccard.tolist(), links.a_in_b.tolist()
        self._b_in_a, self._duplicate = links.b_in_a.tolist(), links.duplicate.tolist()

    def _number(self, first: int, second: int) -> tuple[int | None, bool]:
        """The link of the two articles' classes (None: one class), and whether ``first``'s
        class is the link's ``b``."""
        mine, theirs = self._class_of[first], self._class_of[second]
        if mine == theirs:
            return None, False
        return self._link_of[(min(mine, theirs), max(mine, theirs))], mine > theirs

    def read(self, first: int, second: int) -> tuple[str, float, float, float]:
        """Relation of ``first`` to ``second``, their Jaccard, and the containment of each in
        the other (``first``'s in ``second`` first)."""
        n, flipped = self._number(first, second)
        if n is None:  # copies of one text
            return NEAR_DUPLICATE, 1.0, 1.0, 1.0
        relation = self._relation[n]
        a_in_b, b_in_a = self._a_in_b[n], self._b_in_a[n]
        if flipped:  # relation is stored from the link's a
            return INVERSE_RELATION.get(relation, relation), self._jaccard[n], b_in_a, a_in_b
        return relation, self._jaccard[n], a_in_b, b_in_a

    def linked(self, first: int, second: int) -> bool:
        """Whether the two articles' classes are linked (of the pairs given)."""
        mine, theirs = self._class_of[first], self._class_of[second]
        return mine != theirs and (min(mine, theirs), max(mine, theirs)) in self._link_of

    def duplicate(self, first: int, second: int) -> bool:
        """Whether the two articles count as duplicates."""
        n, _ = self._number(first, second)
        return True if n is None else bool(self._duplicate[n])


@attrs.frozen(slots=True)
class _SharedParagraphs:
    """The shared paragraphs of each reported article pair (CSR ``offsets`` over the
    pairs): paragraph index in the first article, in the second, and the similarity,
    rounded as the result reports it."""

    offsets: I64
    mine: I64
    theirs: I64
    similarity: F64

    @classmethod
    def of(cls, features: Features, matches: ParagraphMatches, content: npt.NDArray[np.bool_],
           pairs: list[tuple[int, int]]) -> _SharedParagraphs:
        """The paragraphs each of ``pairs`` shares, among the ``content`` paragraphs."""
        first = np.array([a for a, _ in pairs], dtype=np.int64)
        second = np.array([b for _, b in pairs], dtype=np.int64)
        offsets, mine, theirs, similarity = shared_paragraphs(
            features.article_paragraphs, matches.unique_of, content, matches.partners(),
            first, second)
        rounded = np.array([round(value, 6) for value in similarity.tolist()], dtype=np.float64)
        return cls(offsets, features.paragraph_index[mine], features.paragraph_index[theirs],
                   rounded)

    def lists(self) -> list[PairList]:
        """Each pair's shared paragraphs as (index in first, index in second, similarity)."""
        mine, theirs = self.mine.tolist(), self.theirs.tolist()
        similarity, bounds = self.similarity.tolist(), self.offsets.tolist()
        return [list(zip(mine[start:stop], theirs[start:stop], similarity[start:stop],
                         strict=True))
                for start, stop in itertools.pairwise(bounds)]


def _paragraph_findings(features: Features, repeats: Repeats, boilerplate: Boilerplate,
                        paragraph_index: list[int]
                        ) -> tuple[dict[int, list[RepeatedParagraph]],
                                   dict[int, list[BoilerplateParagraph]]]:
    """Repeated and boilerplate paragraphs, by article number."""
    article_of = features.paragraph_article.tolist()
    repeated: dict[int, list[RepeatedParagraph]] = defaultdict(list)
    for paragraph, of, jaccard, containment, kind in zip(
            repeats.paragraph.tolist(), repeats.repeat_of.tolist(), repeats.jaccard.tolist(),
            repeats.containment.tolist(), repeats.kind, strict=True):
        repeated[article_of[paragraph]].append(RepeatedParagraph(
            paragraph_index[paragraph], paragraph_index[of], round(jaccard, 6),
            round(containment, 6), kind))
    flagged: dict[int, list[BoilerplateParagraph]] = defaultdict(list)
    # A footer flagged on thousands of articles is the same finding each time: one object per
    # distinct (index, reason, families).
    distinct: dict[tuple[int, str, int], BoilerplateParagraph] = {}
    flagged_paragraphs = np.flatnonzero(boilerplate.any)
    recurring = boilerplate.recurring[flagged_paragraphs].tolist()
    template = boilerplate.template[flagged_paragraphs].tolist()
    families = boilerplate.families[flagged_paragraphs].tolist()
    for paragraph, is_recurring, is_template, count in zip(
            flagged_paragraphs.tolist(), recurring, template, families, strict=True):
        reason = "template" if is_template else "recurring" if is_recurring else "pattern"
        key = (paragraph_index[paragraph], reason, count)
        finding = distinct.get(key)
        if finding is None:
            finding = distinct[key] = BoilerplateParagraph(*key)
        flagged[article_of[paragraph]].append(finding)
    return repeated, flagged


def _metadata(article: Article) -> dict[str, Any]:
    """``article.to_dict()`` without ``id`` and ``text``: the input's other fields, in its
    order (built without the two: once per article)."""
    out: dict[str, Any] = dict(article.extra)
    out.update(optional_fields(article))
    return out
