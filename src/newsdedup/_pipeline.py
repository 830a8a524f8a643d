"""The batch driver: :func:`dedup` runs every step of the data flow over a corpus.

load -> features (normalize, split, tokenize, shingle, sign) -> paragraph matches (LSH +
exact verification) -> repeats, boilerplate -> article links -> duplicate groups -> stories ->
canonical + provenance -> result. Each step is a function of the previous steps' outputs;
this module only wires them together and assembles the public result objects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt

from ._article import Article
from ._boilerplate import Boilerplate, find_boilerplate
from ._canonical import CanonicalKey, decisive_rule, rank_keys
from ._config import DedupConfig
from ._features import Features, collect_features
from ._groups import GroupAssignment, build_groups
from ._hashing import stable_id
from ._links import ArticleLinks, article_shingle_sets, link_articles
from ._paragraph_matches import match_paragraphs, paragraph_pairs
from ._repeated import Repeats, find_repeats
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
from ._stories import build_stories

__all__ = ["dedup", "site_of"]

CANONICAL = "canonical"
_INVERSE = {"contains": "contained-in", "contained-in": "contains"}


def dedup(
    articles: Iterable[Article | Mapping[str, Any]],
    config: DedupConfig | None = None,
    *,
    canonical_key: CanonicalKey | None = None,
    **options: Any,
) -> DedupResult:
    """Find repeated paragraphs, boilerplate, duplicate groups and stories in ``articles``.

    ``articles`` is any iterable of :class:`Article` or mappings with ``id`` and ``text``
    (plus optional ``title``, ``url``, ``source``, ``published``). Options are the fields of
    :class:`DedupConfig`, given as ``config`` or as keyword overrides.
    ``canonical_key`` replaces the default canonical rule: the member with the smallest key
    wins (ties: smallest id).

    >>> result = dedup([{"id": "a", "text": "Same words in the same order here."},
    ...                 {"id": "b", "text": "Same words in the same order here."}])
    >>> [(a.id, a.group_id == result.articles[0].group_id) for a in result.articles]
    [('a', True), ('b', True)]
    """
    settings = DedupConfig.from_options(config, **options)
    # A user's key or the embeddings may read the text; otherwise only features are kept.
    keep_text = canonical_key is not None or settings.story_embedding_weight > 0.0
    collected = collect_features(articles, settings, keep_text)
    corpus, features = collected.articles, collected.features
    matches = match_paragraphs(features, settings)
    repeats = find_repeats(features, matches, settings)
    id_rank = np.argsort(np.argsort(np.array([a.id for a in corpus], dtype=object),
                                    kind="stable"), kind="stable")
    boilerplate = find_boilerplate(features, matches, settings,
                                   [site_of(article) for article in corpus], id_rank)
    allowed = (features.shingles.sizes > 0) & ~boilerplate.any
    links = link_articles(features, paragraph_pairs(matches, allowed), allowed, settings)

    # For the canonical rule, template-like lines are neither content nor clean text.
    not_content = boilerplate.any | boilerplate.template_like
    noise = (np.bincount(features.paragraph_article[not_content], minlength=len(corpus))
             + np.bincount(features.paragraph_article[repeats.paragraph], minlength=len(corpus)))
    template_content = allowed & boilerplate.template_like
    # Usually no paragraph is template-like, and the content sets are the links' own.
    content = (article_shingle_sets(features, allowed & ~template_content).sizes
               if template_content.any() else links.content_size)
    neighbour_max = content.copy()
    dup_a, dup_b = links.a[links.duplicate], links.b[links.duplicate]
    np.maximum.at(neighbour_max, dup_a, content[dup_b])
    np.maximum.at(neighbour_max, dup_b, content[dup_a])
    keys = rank_keys(corpus, content.tolist(), neighbour_max.tolist(), noise.tolist(),
                     canonical_key)
    groups = build_groups(len(corpus), dup_a.tolist(), dup_b.tolist(), keys)

    group_times = np.full(len(groups.canonical), np.nan)
    for number, members in enumerate(groups.members):
        dates = [published.timestamp() for m in members
                 if (published := corpus[m].published) is not None]
        if dates:
            group_times[number] = min(dates)
    embeddings = None
    if settings.story_embedding_weight > 0.0:
        from ._embed import article_embeddings  # the optional [embed] extra, loaded lazily

        embeddings = article_embeddings(corpus, features)
    stories = build_stories(features, groups, group_times, settings, embeddings)
    return _assemble(corpus, collected.empty, features, repeats, boilerplate, links, groups,
                     stories.story_of_group, keys, canonical_key is not None, settings)


def site_of(article: Article) -> str | None:
    """The site an article comes from: its ``source``, else the host of its ``url``.

    >>> site_of(Article("a", "", url="https://www.Example.com/news/1"))
    'example.com'
    """
    if article.source:
        return article.source.strip().casefold()
    if article.url:
        host = urlsplit(article.url.strip()).hostname or ""
        return host.removeprefix("www.") or None
    return None


def _assemble(corpus: list[Article], empty: npt.NDArray[np.bool_], features: Features,
              repeats: Repeats, boilerplate: Boilerplate, links: ArticleLinks,
              groups: GroupAssignment,
              story_of_group: np.ndarray[Any, np.dtype[np.int64]], keys: list[Any],
              user_key: bool, config: DedupConfig) -> DedupResult:
    ids = [article.id for article in corpus]
    link_of = {(a, b): n for n, (a, b) in enumerate(zip(links.a.tolist(), links.b.tolist(),
                                                        strict=True))}
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
        low, high = min(member, canonical), max(member, canonical)
        n = link_of[(low, high)]
        relation = links.relation[n]
        if member == high:  # relation is stored from the lower article number
            relation = _INVERSE.get(relation, relation)
        containment = max(float(links.a_in_b[n]), float(links.b_in_a[n]))
        return relation, float(links.jaccard[n]), containment

    paragraph_start = features.article_paragraphs
    paragraph_index = features.paragraph_index
    article_of = features.paragraph_article
    # Boilerplate.any is computed on access: once here, not once per provenance paragraph
    # (that made assembly quadratic in the corpus size).
    is_boilerplate = boilerplate.any.tolist()

    def provenance(canonical: int, members: tuple[int, ...]) -> tuple[ParagraphProvenance, ...]:
        carriers: dict[int, list[Carrier]] = defaultdict(list)
        for member in members[1:]:
            n = link_of[(min(member, canonical), max(member, canonical))]
            for shared in _shared(links, n, canonical, paragraph_index, article_of):
                carriers[shared.a_index].append(
                    Carrier(ids[member], shared.b_index, shared.similarity))
        return tuple(
            ParagraphProvenance(index, is_boilerplate[paragraph],
                                tuple(sorted(carriers.get(index, ()),
                                             key=lambda c: (c.article_id, c.paragraph_index))))
            for index, paragraph in enumerate(range(paragraph_start[canonical],
                                                    paragraph_start[canonical + 1])))

    story_canonical: list[int] = []
    story_rule: list[str] = []
    for gs in story_groups:
        ranked = sorted(gs, key=lambda g: (-len(groups.members[g]), keys[groups.canonical[g]]))
        best = groups.canonical[ranked[0]]
        story_canonical.append(best)
        if len(ranked) == 1:
            story_rule.append("only group")
        elif len(groups.members[ranked[0]]) > len(groups.members[ranked[1]]):
            story_rule.append("largest group")
        else:
            story_rule.append(decisive_rule(keys[best], keys[groups.canonical[ranked[1]]],
                                            user_key))

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

    repeated: dict[int, list[RepeatedParagraph]] = defaultdict(list)
    for paragraph, of, jaccard, containment, kind in zip(
            repeats.paragraph.tolist(), repeats.repeat_of.tolist(), repeats.jaccard.tolist(),
            repeats.containment.tolist(), repeats.kind, strict=True):
        repeated[int(article_of[paragraph])].append(RepeatedParagraph(
            int(paragraph_index[paragraph]), int(paragraph_index[of]), round(jaccard, 6),
            round(containment, 6), kind))
    flagged: dict[int, list[BoilerplateParagraph]] = defaultdict(list)
    for paragraph in np.flatnonzero(boilerplate.any).tolist():
        reason = "recurring" if boilerplate.recurring[paragraph] else "pattern"
        flagged[int(article_of[paragraph])].append(BoilerplateParagraph(
            int(paragraph_index[paragraph]), reason, int(boilerplate.families[paragraph])))

    article_results = []
    for number, article in enumerate(corpus):
        group = int(groups.group_of[number])
        canonical = groups.canonical[group]
        story = int(story_of_group[group])
        relation, jaccard, containment = relation_to(number, canonical)
        metadata = article.to_dict()
        del metadata["id"], metadata["text"]
        article_results.append(ArticleResult(
            id=article.id, group_id=group_ids[group], story_id=story_ids[story],
            canonical_id=ids[canonical], story_canonical_id=ids[story_canonical[story]],
            is_canonical=canonical == number, relation=relation, jaccard=round(jaccard, 6),
            containment=round(containment, 6),
            n_paragraphs=int(paragraph_start[number + 1] - paragraph_start[number]),
            is_empty=bool(empty[number]), is_digest=bool(links.digest[number]),
            repeated_paragraphs=tuple(sorted(repeated.get(number, ()), key=lambda r: r.index)),
            boilerplate_paragraphs=tuple(flagged.get(number, ())),
            metadata=metadata,
        ))
    matches = [
        Match(a=ids[a], b=ids[b], relation=links.relation[n], jaccard=round(float(j), 6),
              containment=round(max(float(ab), float(ba)), 6), a_in_b=round(float(ab), 6),
              b_in_a=round(float(ba), 6), is_duplicate=bool(dup),
              shared_paragraphs=_shared(links, n, a, paragraph_index, article_of))
        for n, (a, b, j, ab, ba, dup) in enumerate(zip(
            links.a.tolist(), links.b.tolist(), links.jaccard, links.a_in_b, links.b_in_a,
            links.duplicate, strict=True))
    ]
    return DedupResult(
        articles=tuple(article_results),
        groups=tuple(sorted(group_results, key=lambda g: g.id)),
        stories=tuple(sorted(story_results, key=lambda s: s.id)),
        matches=tuple(sorted(_oriented(matches), key=lambda m: (m.a, m.b))),
        config=config,
    )


def _shared(links: ArticleLinks, n: int, a: int, paragraph_index: Any,
            article_of: Any) -> tuple[SharedParagraph, ...]:
    """The matched paragraph pairs of link ``n``, oriented so ``a_index`` is article ``a``'s."""
    start, stop = links.pair_offsets[n], links.pair_offsets[n + 1]
    shared = []
    for first, second, similarity in zip(links.paragraph_first[start:stop].tolist(),
                                         links.paragraph_second[start:stop].tolist(),
                                         links.paragraph_similarity[start:stop].tolist(),
                                         strict=True):
        mine, theirs = (first, second) if article_of[first] == a else (second, first)
        shared.append(SharedParagraph(int(paragraph_index[mine]), int(paragraph_index[theirs]),
                                      round(similarity, 6)))
    return tuple(sorted(shared, key=lambda s: (s.a_index, s.b_index)))


def _oriented(matches: list[Match]) -> list[Match]:
    """Order each match so that ``a < b`` by id (input order must not show in the output)."""
    out = []
    for match in matches:
        if match.a <= match.b:
            out.append(match)
            continue
        out.append(Match(
            a=match.b, b=match.a, relation=_INVERSE.get(match.relation, match.relation),
            jaccard=match.jaccard, containment=match.containment, a_in_b=match.b_in_a,
            b_in_a=match.a_in_b, is_duplicate=match.is_duplicate,
            shared_paragraphs=tuple(sorted(
                (SharedParagraph(s.b_index, s.a_index, s.similarity)
                 for s in match.shared_paragraphs), key=lambda s: (s.a_index, s.b_index))),
        ))
    return out
