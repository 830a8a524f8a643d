"""The canonical rule: which member represents a duplicate group or a story, and why.

Default rule, in order (design.md):

1. ``earliest published`` - the first version out is the original; undated articles come
   after dated ones, but within a duplicate group an undated member counts as published
   with the group's earliest dated member (a crawl that lost the original's date must not
   hand it to a dated repost: the next steps decide, step 5 last). A page fetched more
   than once (the same ``url``: an article updated after it was first crawled) is one
   publication: its versions all count from its first version's time
   (:func:`page_versions`), so the next steps choose among them. A member
   that its group-mates credit in their boilerplate ("This article originally appeared on
   wire.example") counts as published before them, undated or dated late
   (``canonical_inputs.credited_times``);
2. ``most complete text`` - most non-boilerplate content, compared relative to the most
   complete duplicate of the article, in 5% steps, and within ``_EDIT_SHINGLES`` of it at
   the top for short texts (a truncated copy loses; a light edit that adds three words
   does not win);
3. ``latest version`` - of a page's versions, the latest (a correction or an update that
   did not change its length), and of a version's fetches the first; an article that is no
   page's older version or later fetch is a latest one;
4. ``least boilerplate`` - fewest boilerplate plus repeated paragraphs (an aggregator repost
   with its footer loses to the original it copies);
5. ``fewest edits`` - fewest content paragraphs of its own: paragraphs whose text no other
   member of its group carries (a copy's edited or inserted lines; the original's text is
   what its copies share, each edit being one copy's own). It decides only where the steps
   above tie, as between an original crawled without a date and a dated copy of it that
   edited a few words (``canonical_inputs.own_paragraphs``; known once the groups are);
6. ``dated`` - a dated member before an undated one that tied with it on every step above;
7. ``smallest id`` - a deterministic last resort.

A user can pass ``canonical_key``: a function of an :class:`~newsdedup.Article` whose smallest
value wins, with the smallest id breaking ties; the rule is then reported as ``user key``.
Its values must be mutually comparable (all numbers, all strings, tuples of one shape, ...)
and never NaN, which compares neither smaller nor larger than anything and so would make the
canonical depend on input order: either is an :class:`~newsdedup.InputError` naming the
articles, raised before any group is built.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs
import numpy as np
import numpy.typing as npt

from .._core.errors import InputError
from .._text.article import Article

if TYPE_CHECKING:  # _near_duplicates.groups imports this module's RankKey
    from .groups import GroupAssignment

__all__ = ["LARGEST_GROUP", "ONLY_GROUP", "RULES", "CanonicalKey", "PageVersions",
           "Preference", "RankKey", "TextKeys", "decisive_rule", "page_key", "page_versions",
           "preference", "publication_times", "rank_keys", "story_canonicals", "url_host"]

#: Names of the default rule's steps, in order; the result reports one of these.
RULES = ("earliest published", "most complete text", "latest version", "least boilerplate",
         "fewest edits", "dated", "smallest id")
USER_RULE = "user key"
ONLY_MEMBER = "only member"
#: The rules a story's canonical can report besides those of the groups' rule: the canonical
#: of the story's only group, or of its group with the most members.
ONLY_GROUP = "only group"
LARGEST_GROUP = "largest group"

CanonicalKey = Callable[[Article], Any]
RankKey = tuple[Any, ...]

_COMPLETENESS_STEPS = 20
#: What :func:`page_versions` tells of each article: its page's time in seconds (NaN:
#: undated) and its rank among its page's versions (0 best).
PageVersions = tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]
#: "Most complete" tolerates this many shingles less than the most complete duplicate, at
#: least: three inserted words add up to seven shingles (five-word shingles), a twentieth of
#: a short text is less than one.
_EDIT_SHINGLES = 8


@attrs.frozen(slots=True)
class Preference:
    """The canonical rule as far as it is known before articles are linked.

    Links are what tell how complete an article is among its duplicates; before them, the
    rule's other steps already rank the articles. Huge sets of copies are compared with their
    best-ranked members only (``_near_duplicates.links``), and each copy class is represented by its
    best member (``_near_duplicates.copies``): both read this ranking.

    Attributes:
        rank: each article's rank by the rule without its completeness step (distinct).
        period: each article's rank by the first step alone (its page's time,
            :func:`page_versions`; equal times, equal period; undated last); all 0 under a
            user key.
        completeness_steps: steps in which completeness is compared (1 under a user key:
            completeness does not count).
        published: each article's publication time in seconds (NaN: undated).
        versions: :func:`page_versions` of the articles, when the default rule ranked them
            (read again by :func:`rank_keys`: each article's time and version rank).
    """

    rank: npt.NDArray[np.int64]
    period: npt.NDArray[np.int64]
    completeness_steps: int
    published: npt.NDArray[np.float64]
    versions: PageVersions | None = None


def publication_times(articles: Sequence[Article]) -> npt.NDArray[np.float64]:
    """Each article's publication time in seconds (NaN: undated)."""
    return np.array([a.published.timestamp() if a.published else np.nan for a in articles],
                    dtype=np.float64)


def page_key(url: str | None) -> str | None:
    """The page a ``url`` names: its host (lower case, without ``www.``), path (without a
    trailing slash) and query; the scheme and fragment do not matter (None: no url).

    >>> page_key("https://www.Example.com/news/1/#comments") == page_key("http://example.com/news/1")
    True
    >>> page_key("https://user@example.com:8080/a?id=3"), page_key("example.com")
    ('example.com/a?id=3', 'example.com/')
    """
    text = url.strip() if url else ""
    if not text:
        return None
    # String operations rather than urllib's parser: this runs once per article.
    scheme, separator, rest = text.partition("#")[0].partition("://")
    rest, _, query = (rest if separator else scheme).partition("?")
    host, _, path = rest.partition("/")
    key = f"{_netloc_host(host).removeprefix('www.')}/{path.rstrip('/')}"
    return f"{key}?{query}" if query else key


def url_host(url: str | None) -> str | None:
    """The host a ``url`` names (lower case, without ``www.``; None: no url, or none with
    a scheme): the site an article comes from, as ``site_of`` and the credits read it.

    >>> url_host("https://www.Example.com/news/1"), url_host("example.com/news")
    ('example.com', None)
    """
    if not url:
        return None
    text = url.strip()
    # The usual form, "scheme://[user@]host[:port]...", read with string operations:
    # urllib's parser took 22 us a call, 1.2 s of a synthetic 100k run (every grouped
    # article's url, for the credits). Anything else (IPv6, white space, no scheme) goes
    # through it (so does a non-ASCII one, which it normalizes and may refuse), and gives the
    # same host for the usual form.
    plain = _PLAIN_URL.match(text) if text.isascii() else None
    host = _netloc_host(plain[1]) if plain is not None else (urlsplit(text).hostname or "")
    return host.removeprefix("www.") or None


def _netloc_host(netloc: str) -> str:
    """The host of a network location (``user@Host:port``), lower case."""
    return netloc.rpartition("@")[2].partition(":")[0].lower()


#: An ASCII url of the usual form: a scheme, then a network location without white space,
#: brackets or percent escapes (its group), ending at a slash, query, fragment or the end.
_PLAIN_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://([^/?#\s\[\]%]*)(?:[/?#]|\Z)")


#: Per article number, an identity of its text (equal for equal texts); see ``page_versions``.
TextKeys = Callable[[npt.NDArray[np.int64]], npt.NDArray[np.uint64]]


def page_versions(articles: Sequence[Article], text_keys: TextKeys | None = None,
                  published: npt.NDArray[np.float64] | None = None
                  ) -> PageVersions:
    """For the canonical rule, each article's publication time in seconds (NaN: undated) and
    its rank among its page's versions (0 best).

    Articles naming the same page (:func:`page_key`) are its versions, and all take the time
    of the earliest dated one. A version is a text: fetches of one page with equal texts
    (``text_keys``, asked for the articles of shared pages only; None: every fetch a text of
    its own) are one version, first published at its earliest fetch. The rank is twice the
    number of versions first published after the article's (undated versions count every
    dated one), plus one for a later fetch of its text: the latest version wins, and of its
    fetches the first (a page crawled again unchanged keeps its canonical). ``published``:
    the articles' own times (:func:`publication_times`), if the caller has them.

    >>> times, rank = page_versions([
    ...     Article("v1", "x", url="https://a.example/p", published="2024-03-01"),
    ...     Article("v2", "x y", url="https://a.example/p/", published="2024-03-02"),
    ...     Article("other", "x", published="2024-03-02")])
    >>> [float(t) for t in times], rank.tolist()
    ([1709251200.0, 1709251200.0, 1709337600.0], [2, 0, 0])
    """
    own = publication_times(articles) if published is None else published
    times = own.copy()
    rank = np.zeros(len(articles), dtype=np.int64)
    versions: dict[str, list[int]] = {}
    for number, key in enumerate([page_key(article.url) for article in articles]):
        if key is not None:
            versions.setdefault(key, []).append(number)
    shared = [np.array(numbers, dtype=np.int64) for numbers in versions.values()
              if len(numbers) > 1]
    if not shared:
        return times, rank
    every = np.concatenate(shared)
    keys = (text_keys(every) if text_keys is not None
            else np.arange(every.size, dtype=np.uint64)).tolist()
    text_of = dict(zip(every.tolist(), keys, strict=True))
    for numbers in shared:
        fetched = own[numbers]
        if np.isnan(fetched).all():
            continue
        times[numbers] = np.nanmin(fetched)
        first: dict[int, float] = {}  # each text's first dated fetch
        for number, time in zip(numbers.tolist(), fetched.tolist(), strict=True):
            if not math.isnan(time):
                first[text_of[number]] = min(time, first.get(text_of[number], math.inf))
        order = sorted(first.values())
        for number, time in zip(numbers.tolist(), fetched.tolist(), strict=True):
            since = first.get(text_of[number])
            later = (len(order) if since is None
                     else len(order) - bisect.bisect_right(order, since))
            refetch = since is not None and (math.isnan(time) or time > since)
            rank[number] = 2 * later + int(refetch)
    return times, rank


def preference(articles: Sequence[Article], noise: Sequence[int],
               id_rank: npt.NDArray[np.int64],
               user_keys: Sequence[RankKey] | None = None,
               text_keys: TextKeys | None = None,
               published: npt.NDArray[np.float64] | None = None) -> Preference:
    """The :class:`Preference` of ``articles`` (``user_keys``: the keys of a user rule;
    ``text_keys``: what tells a page's versions apart, see :func:`page_versions`;
    ``published``: the articles' :func:`publication_times`, if the caller has them)."""
    n_articles = len(articles)
    rank = np.empty(n_articles, dtype=np.int64)
    published = publication_times(articles) if published is None else published
    if user_keys is not None:
        rank[sorted(range(n_articles), key=user_keys.__getitem__)] = np.arange(n_articles)
        return Preference(rank, np.zeros(n_articles, dtype=np.int64), 1, published)
    versions = times, later = page_versions(articles, text_keys, published)
    period = np.unique(np.nan_to_num(times, nan=np.inf), return_inverse=True)[1]
    period = period.reshape(-1).astype(np.int64)
    rank[np.lexsort((id_rank, np.asarray(noise, dtype=np.int64), later, period))] = np.arange(
        n_articles)
    return Preference(rank, period, _COMPLETENESS_STEPS, published, versions)


def rank_keys(
    articles: Sequence[Article],
    content_size: Sequence[int],
    neighbour_max_content: Sequence[int],
    noise: Sequence[int],
    canonical_key: CanonicalKey | None = None,
    versions: PageVersions | None = None,
    undated: Sequence[bool] | None = None,
    own: Sequence[int] | None = None,
) -> list[RankKey]:
    """Sort keys (smaller is better) of every article, one component per rule step.

    ``neighbour_max_content`` is the largest content size among the article and its
    duplicates; ``noise`` counts its boilerplate and repeated paragraphs. ``undated``: which
    articles were published undated (default: those whose time in ``versions`` is NaN;
    ``canonical_inputs.group_keys`` gives an undated member its group's earliest time).
    ``own``: each article's paragraphs no group-mate carries ("fewest edits"; default none,
    as before the groups are known).
    """
    if canonical_key is not None:
        user_keys = [(canonical_key(article), article.id) for article in articles]
        _check_user_keys(user_keys, articles)
        return user_keys
    keys: list[RankKey] = []
    page_times, version_rank = (values.tolist() for values in
                                (versions or page_versions(articles)))
    if undated is None:
        undated = [math.isnan(time) for time in page_times]
    for number, article in enumerate(articles):
        published = (1, 0.0) if math.isnan(page_times[number]) else (0, page_times[number])
        reference = max(int(neighbour_max_content[number]), 1)
        # Short texts get the tolerance of an edit: steps of a twentieth, or of
        # _EDIT_SHINGLES at the top (nothing changes for texts of 160 shingles or more).
        slack = max(0.0, _EDIT_SHINGLES - reference / _COMPLETENESS_STEPS)
        relative = (int(content_size[number]) + slack) / reference
        completeness = min(_COMPLETENESS_STEPS - 1, math.floor(relative * _COMPLETENESS_STEPS))
        keys.append((published, -completeness, version_rank[number], int(noise[number]),
                     0 if own is None else int(own[number]), int(undated[number]), article.id))
    return keys


class _Incomparable(Exception):
    def __init__(self, first: int, second: int, error: TypeError) -> None:
        super().__init__(first, second, error)
        self.first, self.second, self.error = first, second, error


class _Probe:
    """A key that reports which two articles' keys could not be compared."""

    __slots__ = ("key", "number")

    def __init__(self, key: RankKey, number: int) -> None:
        self.key, self.number = key, number

    def __lt__(self, other: _Probe) -> bool:
        try:
            return bool(self.key < other.key)
        except TypeError as error:
            raise _Incomparable(self.number, other.number, error) from None


def _is_nan(value: object) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, tuple | list):
        return any(_is_nan(item) for item in value)
    return False


def _short_repr(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(article: Article, value: object) -> str:
    return f"{article.id!r} (key {_short_repr(value)} of type {type(value).__name__})"


def _check_user_keys(keys: list[RankKey], articles: Sequence[Article]) -> None:
    """InputError unless the user's keys sort consistently (see the module docstring)."""
    for (value, _), article in zip(keys, articles, strict=True):
        if _is_nan(value):
            raise InputError(
                f"canonical_key: article {article.id!r} got the key {_short_repr(value)}, which "
                "holds NaN: NaN is neither smaller nor larger than any key, so the canonical "
                "would depend on input order; return a number (e.g. math.inf) instead")
    try:
        sorted(keys)
    except TypeError:
        try:
            sorted(_Probe(key, number) for number, key in enumerate(keys))
        except _Incomparable as clash:
            first, second = articles[clash.first], articles[clash.second]
            raise InputError(
                f"canonical_key: the keys of articles {_describe(first, keys[clash.first][0])}"
                f" and {_describe(second, keys[clash.second][0])} cannot be compared "
                f"({clash.error}); return values of one orderable kind, e.g. all numbers or "
                "tuples of the same shape (None sorts with nothing)") from clash.error
        raise  # pragma: no cover - a comparison that fails only once


def decisive_rule(winner: RankKey, runner_up: RankKey | None, user_key: bool) -> str:
    """Name of the first rule step on which ``winner`` beats ``runner_up``."""
    if runner_up is None:
        return ONLY_MEMBER
    if user_key:
        return USER_RULE if winner[0] != runner_up[0] else RULES[-1]
    for step, (mine, theirs) in enumerate(zip(winner, runner_up, strict=True)):
        if mine != theirs:
            return RULES[step]
    return RULES[-1]


def story_canonicals(story_groups: list[list[int]], groups: GroupAssignment,
                     keys: list[Any], user_key: bool) -> tuple[list[int], list[str]]:
    """Each story's canonical and the rule that chose it: the canonical of its largest
    group (``ONLY_GROUP`` / ``LARGEST_GROUP``), among groups of equal size the best by the
    groups' rule (``decisive_rule`` between the two best canonicals)."""
    canonicals: list[int] = []
    rules: list[str] = []
    for gs in story_groups:
        ranked = sorted(gs, key=lambda g: (-len(groups.members[g]), keys[groups.canonical[g]]))
        best = groups.canonical[ranked[0]]
        canonicals.append(best)
        if len(ranked) == 1:
            rules.append(ONLY_GROUP)
        elif len(groups.members[ranked[0]]) > len(groups.members[ranked[1]]):
            rules.append(LARGEST_GROUP)
        else:
            rules.append(decisive_rule(keys[best], keys[groups.canonical[ranked[1]]], user_key))
    return canonicals, rules
