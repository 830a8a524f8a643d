"""What the canonical rule compares, measured from the steps before it.

``_near_duplicates.canonical`` states the rule (earliest published, most complete text,
latest version, least boilerplate, fewest edits, dated, smallest id); this module measures
its inputs, in the order the batch driver has them:

1. **Noise** (:func:`noise_counts`), after the boilerplate step: per article, its
   boilerplate and repeated paragraphs. It ranks articles before they are
   linked (``_near_duplicates.canonical.preference``) and is the rule's "least boilerplate" step.
2. **Content size** (:func:`content_sizes`), after the link step: the article's distinct
   non-boilerplate shingles (``ArticleLinks.content_size``), counted again without its
   *inserted lines* (:func:`inserted_paragraphs`) for the articles that have some.
3. **Neighbour maximum** (:func:`neighbour_max_content`): the largest content size among
   the article's copy class and the classes of its duplicates, the reference against which
   "most complete text" is measured.
4. **Credits** (:func:`credited_times`), once the groups are known: a member whose site is
   named in a group-mate's boilerplate lines ("This article originally appeared on
   wire.example", "Source: wire.example | Curated by ...") was published before the
   members naming it, whatever its own date says (an original crawled without one, or a
   scraper's copy timed minutes before it): its time for "earliest published" is taken
   just before theirs.
5. **Undated members** (:func:`group_keys`): a member still undated then counts as
   published with its group's earliest dated member, so that the text decides between them
   (most complete, least boilerplate, fewest edits) and the date only last (``canonical``'s
   ``dated`` step): a crawl that lost an original's date would otherwise show a dated repost
   of it.
6. **Own paragraphs** (:func:`own_paragraphs`), once the groups are known: per member, its
   content paragraphs whose text no other member of its group carries, the rule's "fewest
   edits" step (an original's paragraphs are each carried by the copies that left them
   alone; a copy's edited words and inserted lines are its own).

:func:`canonical_keys` turns them into the rule's sort keys (or a user's keys, see
:func:`user_rank_keys`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from .._core.arrays import sorted_unique
from .._core.types import I64, U64
from .._text.article import Article
from .._text.features import Features
from .boilerplate import Boilerplate
from .canonical import CanonicalKey, PageVersions, RankKey, TextKeys, rank_keys, url_host
from .copies import CopyClasses, content_hashes
from .groups import GroupAssignment
from .links import TEXT_TOKENS, ArticleLinks, article_content_sizes
from .paragraph_matches import ParagraphMatches
from .repeated import Repeats
from .shared import shared_paragraphs

__all__ = ["canonical_keys", "content_sizes", "credited_times", "group_keys",
           "inserted_paragraphs", "neighbour_max_content", "noise_counts", "own_paragraphs",
           "text_keys", "user_rank_keys"]

#: A web domain as boilerplate lines name a site (lower case; at least one dot).
_DOMAIN = re.compile(r"(?<![\w.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]"
                     r"(?![\w-])")
#: A member credited by group-mates is taken as published this many seconds before the
#: earliest of them.
_CREDIT_LEAD = 1.0


def noise_counts(features: Features, boilerplate: Boilerplate, repeats: Repeats,
                 n_articles: int) -> I64:
    """Per article, its paragraphs that are not content: boilerplate and repeated ones."""
    noise: I64 = (np.bincount(features.paragraph_article[boilerplate.any], minlength=n_articles)
                  + np.bincount(features.paragraph_article[repeats.paragraph],
                                minlength=n_articles))
    return noise


def text_keys(features: Features, matches: ParagraphMatches,
              allowed: npt.NDArray[np.bool_]) -> TextKeys:
    """What tells versions of a page apart (``canonical.page_versions``): the hash of an
    article's set of content paragraphs (``copies.content_hashes``; boilerplate aside, so
    a page fetched again with another banner is the same version), computed for the
    articles asked about only."""

    def keys(numbers: I64) -> U64:
        asked = np.zeros(features.n_articles, dtype=bool)
        asked[numbers] = True
        rows = asked[features.paragraph_article]
        first, _, _, _ = content_hashes(features.paragraph_article[rows],
                                        matches.unique_of[rows], allowed[rows],
                                        features.n_articles)
        found: U64 = first[numbers]
        return found

    return keys


def user_rank_keys(articles: Sequence[Article],
                   canonical_key: CanonicalKey | None) -> list[RankKey] | None:
    """The keys of a user's rule (checked), or None under the default rule."""
    if canonical_key is None:
        return None
    return rank_keys(articles, [], [], [], canonical_key)


def content_sizes(features: Features, links: ArticleLinks, allowed: npt.NDArray[np.bool_],
                  matches: ParagraphMatches, workers: int = 1) -> I64:
    """Each article's content size: its distinct shingles of ``allowed`` paragraphs, without
    its inserted lines (:func:`inserted_paragraphs`; reads the shingle sets: call before
    they are dropped)."""
    left_out = inserted_paragraphs(features, links, allowed, matches)
    # Only articles with paragraphs left out have a content size other than the size of
    # their link set.
    content = links.content_size.copy()
    changed = np.zeros(content.size, dtype=bool)
    changed[features.paragraph_article[left_out]] = True
    if changed.any():
        sizes = article_content_sizes(features, allowed & ~left_out, changed, workers)
        content[changed] = sizes[changed]
    return content


def inserted_paragraphs(features: Features, links: ArticleLinks, allowed: npt.NDArray[np.bool_],
                        matches: ParagraphMatches) -> npt.NDArray[np.bool_]:
    """The content paragraphs an article carries *inside* the text it shares with its
    duplicates while none of them carries it: lines a repost inserted ("Related: ...",
    "Sign up for our newsletter ...", an editor's note), or a paragraph its copies cut.

    A repost wraps the text it copies and may insert lines between its paragraphs; counted
    as content, those lines would make the repost "more complete" than the original it
    copies. A paragraph past the last one a duplicate carries still counts if it is a line of
    text (``TEXT_TOKENS`` tokens or more: an original is longer than its truncated copies),
    and so does one before the first (a lead); shorter lines there are the wrapper's (a
    header with the aggregator's name and time). Between two versions of which one has a
    paragraph more in the middle, nothing tells an insertion from a cut, so neither counts
    it and the rule's next steps decide (the repost's boilerplate).

    A paragraph is carried when a matched paragraph of it (``_near_duplicates.shared``) is
    in a duplicate: the duplicate links join copy classes, through their representatives,
    and a member of a class carries what its representative carries (the same unique
    paragraphs).
    """
    flagged = np.zeros(allowed.size, dtype=bool)
    if not links.duplicate.any():
        return flagged
    representative = links.classes.representative
    first = representative[links.a[links.duplicate]].astype(np.int64)
    second = representative[links.b[links.duplicate]].astype(np.int64)
    # Boilerplate counts as carried too: a line inserted below a header line that a
    # duplicate shares (flagged or not) is inside the shared text as well.
    _, mine, theirs, _ = shared_paragraphs(features.article_paragraphs, matches.unique_of,
                                           features.shingles.sizes > 0, matches.partners(),
                                           first, second)
    carried = np.zeros(allowed.size, dtype=bool)
    carried[mine] = True
    carried[theirs] = True
    article = features.paragraph_article
    class_of = links.classes.class_of[article].astype(np.int64)
    unique = matches.unique_of.astype(np.int64)
    in_class = (class_of >= 0) & (unique >= 0)
    if in_class.any():
        # A member of a class carries what the class's representative carries: the same
        # unique paragraphs (keyed by class and unique paragraph).
        span = np.int64(unique.max() + 1)
        key = class_of * span + unique
        carried_keys = sorted_unique(key[carried & in_class])
        found = np.minimum(np.searchsorted(carried_keys, key), max(carried_keys.size - 1, 0))
        if carried_keys.size:
            carried |= in_class & (carried_keys[found] == key)
    # Per article, the span from its first carried paragraph to its last.
    position = np.arange(allowed.size, dtype=np.int64)
    start = np.full(features.n_articles, allowed.size, dtype=np.int64)
    stop = np.full(features.n_articles, -1, dtype=np.int64)
    np.minimum.at(start, article[carried], position[carried])
    np.maximum.at(stop, article[carried], position[carried])
    inside = (position > start[article]) & (position < stop[article])
    # Outside it, a line shorter than a line of text is the wrapper's (a header with the
    # aggregator's name and time, a "Read the full story" line), not text the copies lack.
    wrapper = (start[article] <= stop[article]) & ~inside & (features.token_counts < TEXT_TOKENS)
    flagged[(inside | wrapper) & allowed & ~carried] = True
    return flagged


def neighbour_max_content(content: I64, classes: CopyClasses, links: ArticleLinks) -> I64:
    """Each article's most complete duplicate: the largest content size of its copy class
    (copies of one text share their class's) and of the classes it is a duplicate of."""
    representative = classes.representative
    dup_a, dup_b = links.a[links.duplicate], links.b[links.duplicate]
    class_max = content[representative]
    np.maximum.at(class_max, dup_a, content[representative[dup_b]])
    np.maximum.at(class_max, dup_b, content[representative[dup_a]])
    neighbour_max = content.copy()
    with_class = classes.class_of >= 0
    neighbour_max[with_class] = class_max[classes.class_of[with_class]]
    return neighbour_max


def _domains(article: Article) -> set[str]:
    """The web domains an article's site goes by: its ``url``'s host and, if it reads as a
    domain, its ``source`` (lower case, without ``www.``)."""
    names = set()
    host = url_host(article.url)
    if host is not None:
        names.add(host)
    if article.source:
        source = article.source.strip().casefold().removeprefix("www.")
        if _DOMAIN.fullmatch(source):
            names.add(source)
    return names


def credited_times(articles: Sequence[Article], texts: Sequence[str] | None,
                   features: Features, flagged: npt.NDArray[np.bool_],
                   groups: GroupAssignment, versions: PageVersions) -> PageVersions:
    """``versions`` (``canonical.page_versions``) with the time of each credited member
    taken just before the members crediting it (step 4 of the module docstring).

    Member ``y`` of a group is credited by member ``x`` when one of ``x``'s boilerplate
    paragraphs (``flagged``) names a domain of ``y``'s site that is none of ``x``'s own;
    ``y`` then counts as published ``_CREDIT_LEAD`` before the earliest dated member
    crediting it, or, undated, before every dated member of its group (the source of the
    text its copies carry); unless it credits a group-mate itself (who copied whom is then
    not said) or is earlier already. Only groups whose members come from two sites or more are
    read, and of them only the boilerplate paragraphs (each text read once)."""
    times, rank = versions
    if texts is None:
        return versions
    size = np.bincount(groups.group_of, minlength=len(groups.canonical))
    grouped = np.flatnonzero(size[groups.group_of] > 1)
    # Each member's site names: only groups with a member that has some are read.
    domains = {member: _domains(articles[member]) for member in grouped.tolist()
               if articles[member].url or articles[member].source}
    with_site = np.zeros(len(groups.canonical), dtype=bool)
    with_site[[int(groups.group_of[m]) for m, names in domains.items() if names]] = True
    members = grouped[with_site[groups.group_of[grouped]]]
    if members.size == 0:
        return versions
    in_groups = np.zeros(len(articles), dtype=bool)
    in_groups[members] = True
    owner_of = features.paragraph_article
    paragraphs = np.flatnonzero(flagged & in_groups[owner_of])
    named: dict[int, set[str]] = {}
    found_in: dict[str, frozenset[str]] = {}  # boilerplate lines recur: each read once
    for paragraph, text in zip(paragraphs.tolist(),
                               features.paragraph_texts(texts, paragraphs), strict=True):
        found = found_in.get(text)
        if found is None:
            found = found_in[text] = frozenset(
                name.removeprefix("www.") for name in _DOMAIN.findall(text.casefold()))
        if found:
            named.setdefault(int(owner_of[paragraph]), set()).update(found)
    if not named:
        return versions
    by_group: dict[int, list[int]] = {}
    for member in members.tolist():
        by_group.setdefault(int(groups.group_of[member]), []).append(member)
    no_site: set[str] = set()
    adjusted = times.copy()
    for group_members in by_group.values():
        # A site naming itself ("Copyright wire.example") credits nobody.
        crediting = [x for x in group_members
                     if x in named and not named[x] & domains.get(x, no_site)]
        if not crediting:
            continue
        # The members by their site names, so that a group of thousands of copies crediting
        # one original costs a lookup per name each, not a pass over the group.
        by_name: dict[str, list[int]] = {}
        for y in group_members:
            for name in domains.get(y, no_site):
                by_name.setdefault(name, []).append(y)
        credits: dict[int, set[int]] = {}  # credited member -> members crediting it
        for x in crediting:
            for name in named[x]:
                for y in by_name.get(name, ()):
                    if y != x:
                        credits.setdefault(y, set()).add(x)
        crediting_others = {x for xs in credits.values() for x in xs}
        for y, xs in credits.items():
            if y in crediting_others:
                continue
            # Undated, the credited text's source came before all its copies; dated, at
            # least before those saying so (an earlier member may be another source).
            told = group_members if np.isnan(times[y]) else xs
            dated = [times[x] for x in told if x != y and not np.isnan(times[x])]
            if not dated:
                continue
            before = min(dated) - _CREDIT_LEAD
            if np.isnan(adjusted[y]) or adjusted[y] > before:
                adjusted[y] = before
    return adjusted, rank


def own_paragraphs(paragraph_article: I64, unique_of: I64, allowed: npt.NDArray[np.bool_],
                   group_of: I64) -> I64:
    """Per article, how many distinct content paragraphs (``allowed``, numbered by
    ``unique_of``: one number per shingle set) no other member of its group (``group_of``,
    per article) carries. 0 in a group of fewer than three: between two versions, a
    paragraph written two ways is each one's own, and nothing tells which one edited it.

    >>> own_paragraphs(np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 0, 2, 0, 1]),
    ...                np.ones(6, dtype=bool), np.array([0, 0, 0])).tolist()
    [0, 1, 0]
    """
    n_articles = group_of.size
    shared = np.bincount(group_of, minlength=int(group_of.max(initial=-1)) + 1) > 2
    paragraph_group = group_of[paragraph_article]
    kept = np.flatnonzero(allowed & (unique_of >= 0) & shared[paragraph_group])
    article, unique, group = paragraph_article[kept], unique_of[kept], paragraph_group[kept]
    order = np.lexsort((article, unique, group))
    article, unique, group = article[order], unique[order], group[order]
    # One row per (group, paragraph text, article), then the carriers of each text.
    text_starts = np.ones(article.size, dtype=bool)
    text_starts[1:] = (group[1:] != group[:-1]) | (unique[1:] != unique[:-1])
    row = text_starts.copy()
    row[1:] |= article[1:] != article[:-1]
    text = np.cumsum(text_starts[row]) - 1
    carriers = np.bincount(text)
    alone: I64 = np.bincount(article[row][carriers[text] == 1],
                             minlength=n_articles).astype(np.int64)
    return alone


def group_keys(articles: Sequence[Article], content: I64, groups: GroupAssignment, noise: I64,
               versions: PageVersions | None = None, own: I64 | None = None
               ) -> list[RankKey]:
    """The default rule's keys once the groups are known: "most complete text" measured
    against the most complete member of the article's own group, one reference for all the
    members compared (before the groups, each article's reference is its most complete
    duplicate, which may sit in another group: :func:`neighbour_max_content`), an undated
    member published with its group's earliest dated one (step 5 of the module docstring),
    and "fewest edits" from ``own`` (:func:`own_paragraphs`)."""
    group_max = np.zeros(len(groups.canonical), dtype=np.int64)
    np.maximum.at(group_max, groups.group_of, content)
    undated = None
    if versions is not None:
        times, rank = versions
        undated = np.isnan(times)
        earliest = np.full(len(groups.canonical), np.inf)
        np.minimum.at(earliest, groups.group_of[~undated], times[~undated])
        filled = undated & np.isfinite(earliest[groups.group_of])
        if filled.any():
            times = times.copy()
            times[filled] = earliest[groups.group_of[filled]]
            versions = (times, rank)
    return rank_keys(articles, content.tolist(), group_max[groups.group_of].tolist(),
                     noise.tolist(), versions=versions,
                     undated=None if undated is None else undated.tolist(),
                     own=None if own is None else own.tolist())


def canonical_keys(articles: Sequence[Article], content: I64, classes: CopyClasses,
                   links: ArticleLinks, noise: I64,
                   user_keys: list[RankKey] | None = None,
                   versions: PageVersions | None = None
                   ) -> list[RankKey]:
    """The canonical rule's sort key of every article (smaller is better): ``user_keys``
    if given, else the default rule's over the measured inputs (``versions``: the
    articles' ``page_versions`` if known)."""
    if user_keys is not None:
        return user_keys
    neighbour_max = neighbour_max_content(content, classes, links)
    return rank_keys(articles, content.tolist(), neighbour_max.tolist(), noise.tolist(),
                     versions=versions)
