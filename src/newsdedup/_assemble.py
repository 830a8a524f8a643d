"""Assembly: the pipeline's arrays turned into the public result objects.

Ids of groups and stories are derived from their members' ids (``stable_id``), so the same
input in any order gives the same ids. Every relation and score is read from the article
links; provenance lists, for each paragraph of a group's canonical, the members' paragraphs
that carry it.

Assembly creates one object per article, group member, paragraph pair and canonical paragraph,
so it is written for the count of objects: arrays are turned into lists once, each link's
paragraph pairs are read once, and the many identical "no other carrier" provenance entries
are one shared (immutable) object each.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import numpy.typing as npt

from ._article import Article
from ._boilerplate import Boilerplate
from ._canonical import decisive_rule
from ._config import DedupConfig
from ._features import Features
from ._groups import GroupAssignment
from ._hashing import stable_id
from ._links import INVERSE_RELATION, ArticleLinks
from ._repeated import Repeats
from ._result import (
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
from ._rewrite import Rewrites, rewrite_matches

__all__ = ["assemble"]

CANONICAL = "canonical"

# One link's matched paragraphs: (index in article a, index in article b, similarity).
PairList = list[tuple[int, int, float]]


def assemble(corpus: list[Article], empty: npt.NDArray[np.bool_], features: Features,
             repeats: Repeats, boilerplate: Boilerplate, links: ArticleLinks,
             groups: GroupAssignment, story_of_group: npt.NDArray[np.int64],
             keys: list[Any], user_key: bool, config: DedupConfig,
             rewrites: Rewrites | None = None) -> DedupResult:
    """Build the :class:`DedupResult` of a run from the outputs of its steps."""
    rewrites = Rewrites.none() if rewrites is None else rewrites
    ids = [article.id for article in corpus]
    link_a, link_b = links.a.tolist(), links.b.tolist()
    link_of = {(a, b): n for n, (a, b) in enumerate(zip(link_a, link_b, strict=True))}
    link_jaccard, link_a_in_b = links.jaccard.tolist(), links.a_in_b.tolist()
    link_b_in_a = links.b_in_a.tolist()
    paragraph_start = features.article_paragraphs.tolist()
    paragraph_index = features.paragraph_index.tolist()
    pairs = _link_pairs(links, paragraph_index)
    group_ids = [stable_id("g", [ids[m] for m in members]) for members in groups.members]
    n_stories = int(story_of_group.max()) + 1 if story_of_group.size else 0
    story_groups: list[list[int]] = [[] for _ in range(n_stories)]
    for group, story in enumerate(story_of_group.tolist()):
        story_groups[story].append(group)
    story_ids = [stable_id("s", [ids[m] for g in gs for m in groups.members[g]])
                 for gs in story_groups]

    def relation_to(member: int, canonical: int) -> tuple[str, float, float]:
        if member == canonical:
            return CANONICAL, 1.0, 1.0
        n = link_of[(min(member, canonical), max(member, canonical))]
        relation = links.relation[n]
        if member > canonical:  # relation is stored from the lower article number
            relation = INVERSE_RELATION.get(relation, relation)
        # Rounded as in every other score of the result (a member and its match agree).
        return relation, round(link_jaccard[n], 6), round(max(link_a_in_b[n], link_b_in_a[n]), 6)

    is_boilerplate = boilerplate.any.tolist()
    alone: dict[tuple[int, bool], ParagraphProvenance] = {}
    # A group without other members: its provenance depends only on which of its canonical's
    # paragraphs are boilerplate, so equal flag patterns share one (immutable) tuple.
    single: dict[tuple[bool, ...], tuple[ParagraphProvenance, ...]] = {}

    def provenance(canonical: int, members: tuple[int, ...]) -> tuple[ParagraphProvenance, ...]:
        if len(members) == 1:
            flags = tuple(is_boilerplate[paragraph_start[canonical]:
                                         paragraph_start[canonical + 1]])
            found_tuple = single.get(flags)
            if found_tuple is None:
                found_tuple = single[flags] = tuple(
                    ParagraphProvenance(index, flag, ()) for index, flag in enumerate(flags))
            return found_tuple
        carriers: dict[int, list[tuple[str, int, float]]] = defaultdict(list)
        for member in members[1:]:
            n = link_of[(min(member, canonical), max(member, canonical))]
            flipped = canonical != link_a[n]
            for a_index, b_index, similarity in pairs[n]:
                mine, theirs = (b_index, a_index) if flipped else (a_index, b_index)
                carriers[mine].append((ids[member], theirs, similarity))
        entries = []
        for index, paragraph in enumerate(range(paragraph_start[canonical],
                                                paragraph_start[canonical + 1])):
            found = carriers.get(index)
            if found is None:
                key = (index, is_boilerplate[paragraph])
                if key not in alone:
                    alone[key] = ParagraphProvenance(index, key[1], ())
                entries.append(alone[key])
            else:
                found.sort()  # by article id, then paragraph index
                entries.append(ParagraphProvenance(index, is_boilerplate[paragraph],
                                                   tuple(Carrier(*c) for c in found)))
        return tuple(entries)

    story_canonical, story_rule = _story_canonicals(story_groups, groups, keys, user_key)
    group_results = []
    for number, members in enumerate(groups.members):
        canonical = groups.canonical[number]
        runner_up = keys[members[1]] if len(members) > 1 else None
        group_results.append(DuplicateGroup(
            id=group_ids[number],
            canonical_id=ids[canonical],
            canonical_rule=decisive_rule(keys[canonical], runner_up, user_key),
            story_id=story_ids[int(story_of_group[number])],
            members=tuple(GroupMember(ids[m], *relation_to(m, canonical)) for m in members),
            provenance=provenance(canonical, members),
        ))
    story_results = [
        Story(id=story_ids[s], canonical_id=ids[story_canonical[s]], canonical_rule=story_rule[s],
              member_ids=tuple(sorted(ids[m] for g in gs for m in groups.members[g])),
              group_ids=tuple(sorted(group_ids[g] for g in gs)))
        for s, gs in enumerate(story_groups)
    ]
    repeated, flagged = _paragraph_findings(features, repeats, boilerplate, paragraph_index)

    article_results = []
    group_of = groups.group_of.tolist()
    story_of = story_of_group.tolist()
    digest, empty_list = links.digest.tolist(), empty.tolist()
    for number, article in enumerate(corpus):
        group = group_of[number]
        canonical = groups.canonical[group]
        story = story_of[group]
        relation, jaccard, containment = relation_to(number, canonical)
        article_results.append(ArticleResult(
            id=article.id, group_id=group_ids[group], story_id=story_ids[story],
            canonical_id=ids[canonical], story_canonical_id=ids[story_canonical[story]],
            is_canonical=canonical == number, relation=relation, jaccard=jaccard,
            containment=containment,
            n_paragraphs=paragraph_start[number + 1] - paragraph_start[number],
            is_empty=empty_list[number], is_digest=digest[number],
            repeated_paragraphs=tuple(sorted(repeated.get(number, ()), key=lambda r: r.index)),
            boilerplate_paragraphs=tuple(flagged.get(number, ())),
            metadata=_metadata(article),
        ))
    matches = []
    # Equal paragraph pairs recur across links (copies share paragraphs at the same places):
    # one immutable object per distinct pair.
    shared_paragraph: dict[tuple[int, int, float], SharedParagraph] = {}

    def shared_object(pair: tuple[int, int, float]) -> SharedParagraph:
        found = shared_paragraph.get(pair)
        if found is None:
            found = shared_paragraph[pair] = SharedParagraph(*pair)
        return found

    for n, (a, b) in enumerate(zip(link_a, link_b, strict=True)):
        relation, a_in_b, b_in_a = links.relation[n], link_a_in_b[n], link_b_in_a[n]
        shared = pairs[n]
        if ids[a] > ids[b]:  # a match reads from the smaller id: input order must not show
            a, b, a_in_b, b_in_a = b, a, b_in_a, a_in_b
            relation = INVERSE_RELATION.get(relation, relation)
            shared = sorted((second, first, similarity) for first, second, similarity in shared)
        matches.append(Match(
            a=ids[a], b=ids[b], relation=relation, jaccard=round(link_jaccard[n], 6),
            containment=round(max(a_in_b, b_in_a), 6), a_in_b=round(a_in_b, 6),
            b_in_a=round(b_in_a, 6), is_duplicate=bool(links.duplicate[n]),
            shared_paragraphs=tuple(map(shared_object, shared)),
            score=round(link_jaccard[n], 6)))
    matches.extend(rewrite_matches(rewrites, ids, paragraph_index))
    return DedupResult(
        articles=tuple(article_results),
        groups=tuple(sorted(group_results, key=lambda g: g.id)),
        stories=tuple(sorted(story_results, key=lambda s: s.id)),
        matches=tuple(sorted(matches, key=lambda m: (m.a, m.b))),
        config=config,
    )


def _link_pairs(links: ArticleLinks, paragraph_index: list[int]) -> list[PairList]:
    """Each link's matched paragraph pairs as (index in a, index in b, similarity), sorted."""
    first = links.paragraph_first.tolist()
    second = links.paragraph_second.tolist()
    similarity = [round(value, 6) for value in links.paragraph_similarity.tolist()]
    offsets = links.pair_offsets.tolist()
    # paragraph_first belongs to the lower article number, i.e. to the link's a (see _links).
    return [sorted((paragraph_index[first[k]], paragraph_index[second[k]], similarity[k])
                   for k in range(offsets[n], offsets[n + 1]))
            for n in range(len(offsets) - 1)]


def _story_canonicals(story_groups: list[list[int]], groups: GroupAssignment,
                      keys: list[Any], user_key: bool) -> tuple[list[int], list[str]]:
    """Each story's canonical (the canonical of its largest, then best, group) and rule."""
    canonicals: list[int] = []
    rules: list[str] = []
    for gs in story_groups:
        ranked = sorted(gs, key=lambda g: (-len(groups.members[g]), keys[groups.canonical[g]]))
        best = groups.canonical[ranked[0]]
        canonicals.append(best)
        if len(ranked) == 1:
            rules.append("only group")
        elif len(groups.members[ranked[0]]) > len(groups.members[ranked[1]]):
            rules.append("largest group")
        else:
            rules.append(decisive_rule(keys[best], keys[groups.canonical[ranked[1]]], user_key))
    return canonicals, rules


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
    families = boilerplate.families[flagged_paragraphs].tolist()
    for paragraph, is_recurring, count in zip(flagged_paragraphs.tolist(), recurring, families,
                                              strict=True):
        key = (paragraph_index[paragraph], "recurring" if is_recurring else "pattern", count)
        finding = distinct.get(key)
        if finding is None:
            finding = distinct[key] = BoilerplateParagraph(*key)
        flagged[article_of[paragraph]].append(finding)
    return repeated, flagged


def _metadata(article: Article) -> dict[str, Any]:
    """``article.to_dict()`` without ``id`` and ``text``: the input's other fields."""
    out = article.to_dict()
    del out["id"], out["text"]
    return out
