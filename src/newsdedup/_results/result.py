"""What :func:`~newsdedup.dedup` returns: per-article findings, groups, stories, matches.

All classes are frozen attrs objects with short text reprs and notebook views
(``_repr_html_``, rendered by ``_results.html``). ``DedupResult.to_records()`` turns the per-article
view into JSON-ready dicts (the CLI writes them as JSONL); ``to_pandas()``, ``to_arrow()``,
``to_polars()`` and ``write_parquet()`` give typed tables (built by ``_results.tables``).

A result is bound together after assembly: its groups, stories and matches hold a private
reference to the result's articles (``_Catalog``: texts and findings by id, for their views),
and lookups by id use dicts built on first use. These references and the texts live in
extra slots (``functools.cached_property``), not attrs fields: equality, ``attrs.asdict``
and the index's records see exactly the public fields.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .._core.atomic_file import atomic_output
from .._core.config import DedupConfig
from .._core.wording import counted

if TYPE_CHECKING:  # pragma: no cover
    import pandas
    import polars
    import pyarrow

__all__ = [
    "ArticleResult",
    "BoilerplateParagraph",
    "Carrier",
    "DedupResult",
    "DuplicateGroup",
    "GroupMember",
    "Match",
    "ParagraphProvenance",
    "RepeatedParagraph",
    "SharedParagraph",
    "Story",
    "attach_texts",
    "dumps_record",
    "input_field_name",
]


def _json_default(value: object) -> object:
    """JSON for values users may carry in extra fields (dates, numpy scalars, sets)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
    return str(value)


def dumps_record(record: dict[str, Any]) -> str:
    """A record as one JSON line (keys sorted, UTF-8 text as is, dates in ISO 8601)."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, default=_json_default)


@attrs.frozen(slots=True)
class RepeatedParagraph:
    """Paragraph ``index`` repeats the earlier paragraph ``repeat_of`` of the same article.

    ``kind`` is ``"exact"``, ``"near-duplicate"`` (Jaccard at least ``paragraph_jaccard``, or
    one line of text edited in a few words) or ``"partial"`` (the shorter one is mostly
    contained in the longer).
    """

    index: int
    repeat_of: int
    jaccard: float
    containment: float
    kind: str


@attrs.frozen(slots=True)
class BoilerplateParagraph:
    """Paragraph ``index`` is boilerplate.

    ``reason`` is ``"recurring"`` (recurs across ``families`` unrelated article families),
    ``"pattern"`` (a built-in boilerplate phrase such as "Read original article here") or
    ``"template"`` (a site template standing in for the page's text: the same body under
    titles it is not about, as when extraction failed; see ``is_template``).
    """

    index: int
    reason: str
    families: int


@attrs.frozen(slots=True)
class SharedParagraph:
    """Paragraph ``a_index`` of one article matches ``b_index`` of the other."""

    a_index: int
    b_index: int
    similarity: float


def _short(text: str, limit: int = 80) -> str:
    """``repr(text)``, cut to about ``limit`` characters: ids can be any string."""
    return repr(text) if len(text) <= limit else repr(text[:limit - 1] + "…")


def _not_kept(article_id: str) -> ValueError:
    return ValueError(
        f"the text of article {article_id!r} was not kept in this result: run dedup() with "
        "keep_text=True (a streamed input, such as read_jsonl(), drops texts by default)")


class _Catalog:
    """The articles of one result by id, shared by its groups, stories and matches (their
    views quote the members' texts). Not a back-reference to the result: no cycles."""

    __slots__ = ("_by_id", "articles")

    def __init__(self, articles: tuple[ArticleResult, ...]) -> None:
        self.articles = articles
        self._by_id: dict[str, ArticleResult] | None = None

    def get(self, article_id: str) -> ArticleResult | None:
        """The article with this id, or None (the dict is built on first use)."""
        if self._by_id is None:
            self._by_id = {article.id: article for article in self.articles}
        return self._by_id.get(article_id)


class _Items(tuple[Any, ...]):
    """A tuple of result objects whose repr stays short however many there are, and that a
    notebook shows as a table (``result.groups`` of 100,000 groups prints ten lines)."""

    __slots__ = ()
    _SHOWN = 10

    def __repr__(self) -> str:
        if not self:
            return "()"
        shown = ",\n ".join(repr(item) for item in self[:self._SHOWN])
        rest = len(self) - self._SHOWN
        more = (f",\n ... {rest:,} more {type(self[0]).__name__}"
                f"{'' if rest == 1 else 's'} ({len(self):,} in all)") if rest > 0 else ""
        return f"({shown}{more})"

    def _repr_html_(self) -> str:
        from .html import items_html

        return items_html(self)


@attrs.frozen(slots=True)
class Match:
    """Two articles that share non-boilerplate text, with exact scores.

    ``relation`` reads from ``a`` to ``b``: ``"near-duplicate"``, ``"contains"`` (``a``
    contains ``b``), ``"contained-in"`` or ``"partial-reuse"``; or ``"rewrite"``: one
    paraphrases the other (wholly or in part), found among articles
    of one story by character n-grams (``_stories.rewrite``). ``containment`` is that of the smaller
    text in the larger; ``is_duplicate`` says whether the pair counts for grouping (never for
    a rewrite). ``score`` is the pair's strength: the Jaccard for text relations, the rewrite
    score for a rewrite, whose ``shared_paragraphs`` are the rewritten paragraph pairs (two
    paragraphs holding a retold sentence and its closest sentence in the other article,
    with those sentences' similarity; and the copied ones, when the two also share text word
    for word: its Jaccard and containments are then those of the copied text, else 0).

    Matches grow with the articles, not with the square of a group: each member of a group is
    matched with its canonical only, two groups sharing text are matched once (by the
    closest pair of their articles), and a group's partial reuse is reported with its 16
    closest groups (``_results.assemble.REUSE_PARTNERS``). In a notebook, a match shows its
    shared paragraphs side by side.
    """

    a: str
    b: str
    relation: str
    jaccard: float
    containment: float
    a_in_b: float
    b_in_a: float
    is_duplicate: bool
    shared_paragraphs: tuple[SharedParagraph, ...]
    score: float = 0.0

    @functools.cached_property
    def _catalog(self) -> _Catalog | None:
        """The articles of the result this belongs to (set by it; None when built alone).
        A slot, not an attrs field: not in equality, ``attrs.asdict`` or pickles."""
        return None

    def __repr__(self) -> str:
        return (f"<Match {_short(self.a)} {self.relation} {_short(self.b)}: Jaccard "
                f"{self.jaccard:.2f}, containment {self.containment:.2f}, "
                f"{len(self.shared_paragraphs)} shared paragraphs>")

    def _repr_html_(self) -> str:
        from .html import match_html

        return match_html(self, self._catalog)


@attrs.frozen(slots=True)
class GroupMember:
    """A member of a duplicate group and why it joined: its relation to the canonical."""

    id: str
    relation: str
    jaccard: float
    containment: float


@attrs.frozen(slots=True)
class Carrier:
    """An article paragraph that carries a canonical paragraph's text."""

    article_id: str
    paragraph_index: int
    similarity: float


@attrs.frozen(slots=True)
class ParagraphProvenance:
    """Where paragraph ``index`` of a canonical text also appears among the group members."""

    index: int
    is_boilerplate: bool
    carriers: tuple[Carrier, ...]


@attrs.frozen(slots=True)
class DuplicateGroup:
    """Articles whose real text is the same (near-duplicates, or one contains the other).

    Every member is linked directly to the canonical (no chains); ``canonical_rule`` names
    the rule step that chose the canonical; ``provenance`` lists, for each canonical
    paragraph, the members' paragraphs that carry it. In a notebook, a group shows the
    canonical beside each member with the shared paragraphs highlighted.
    """

    id: str
    canonical_id: str
    canonical_rule: str
    story_id: str
    members: tuple[GroupMember, ...]
    provenance: tuple[ParagraphProvenance, ...]
    @functools.cached_property
    def _catalog(self) -> _Catalog | None:
        """The articles of the result this belongs to (set by it; None when built alone).
        A slot, not an attrs field: not in equality, ``attrs.asdict`` or pickles."""
        return None

    @property
    def member_ids(self) -> tuple[str, ...]:
        """Ids of the members, canonical first."""
        return tuple(member.id for member in self.members)

    def __repr__(self) -> str:
        size = len(self.members)
        return (f"<DuplicateGroup {self.id}: {size} member{'' if size == 1 else 's'}, "
                f"canonical {_short(self.canonical_id)} ({self.canonical_rule}), "
                f"story {self.story_id}>")

    def _repr_html_(self) -> str:
        from .html import group_html

        return group_html(self, self._catalog)


@attrs.frozen(slots=True)
class Story:
    """Articles about the same news event; a union of whole duplicate groups."""

    id: str
    canonical_id: str
    canonical_rule: str
    member_ids: tuple[str, ...]
    group_ids: tuple[str, ...]
    @functools.cached_property
    def _catalog(self) -> _Catalog | None:
        """The articles of the result this belongs to (set by it; None when built alone).
        A slot, not an attrs field: not in equality, ``attrs.asdict`` or pickles."""
        return None

    def __repr__(self) -> str:
        return (f"<Story {self.id}: {len(self.member_ids)} articles in {len(self.group_ids)} "
                f"groups, canonical {_short(self.canonical_id)} ({self.canonical_rule})>")

    def _repr_html_(self) -> str:
        from .html import story_html

        return story_html(self, self._catalog)


#: Names an input field may not keep in a record: they are the result's own.
RESULT_FIELDS = frozenset({
    "id", "group_id", "story_id", "canonical_id", "story_canonical_id", "is_canonical",
    "relation", "jaccard", "containment", "n_paragraphs", "is_empty", "is_digest",
    "repeated_paragraphs", "boilerplate_paragraphs", "text"})
INPUT_PREFIX = "input_"


def input_field_name(name: str, taken: Any = RESULT_FIELDS) -> str:
    """The name an input field gets in a record: its own, or ``input_`` + it (again until it
    is free) when a result field has that name.

    >>> input_field_name("lang"), input_field_name("relation")
    ('lang', 'input_relation')
    """
    while name in taken:
        name = INPUT_PREFIX + name
    return name


@attrs.frozen(slots=True)
class ArticleResult:
    """What newsdedup found about one input article.

    ``relation`` is the article's relation to its group's canonical (``"canonical"`` for the
    canonical itself), with ``jaccard``/``containment`` to it. ``metadata`` holds the input's
    other fields (``title``, ``url``, ``source``, ``published``, extra fields); ``text`` the
    input text when the run kept it (see :func:`~newsdedup.dedup`'s ``keep_text``).
    In a notebook, an article shows its paragraphs with repeats and boilerplate marked.
    """

    id: str
    group_id: str
    story_id: str
    canonical_id: str
    story_canonical_id: str
    is_canonical: bool
    relation: str
    jaccard: float
    containment: float
    n_paragraphs: int
    is_empty: bool
    is_digest: bool
    repeated_paragraphs: tuple[RepeatedParagraph, ...]
    boilerplate_paragraphs: tuple[BoilerplateParagraph, ...]
    #: The page's text is mostly a site template (its title is about something else): a
    #: failed extraction, grouped with nothing (see ``BoilerplateParagraph``).
    is_template: bool = False
    metadata: dict[str, Any] = attrs.field(factory=dict, repr=False)
    @functools.cached_property
    def _text(self) -> str | None:
        """The input text, set by ``attach_texts`` (a slot, not an attrs field)."""
        return None

    @property
    def text(self) -> str | None:
        """The input text, or None when the run did not keep texts."""
        return self._text

    @property
    def title(self) -> str | None:
        """The input's title, if it had one."""
        title = self.metadata.get("title")
        return title if isinstance(title, str) else None

    @property
    def paragraph_spans(self) -> tuple[tuple[int, int], ...]:
        """``(start, end)`` character span in :attr:`text` of each paragraph (the
        paragraph indices of every finding, ``¶11`` being ``paragraph_spans[11]``).

        Raises ``ValueError`` when the text was not kept.
        """
        if self._text is None:
            raise _not_kept(self.id)
        from .._text.paragraphs import paragraph_spans

        return tuple(paragraph_spans(self._text))

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The text of each paragraph, by index (``paragraphs[11]`` is ``¶11``).

        >>> from newsdedup import dedup
        >>> dedup([{"id": "a", "text": "One.\\n\\nTwo."}]).articles[0].paragraphs
        ('One.', 'Two.')
        """
        text = self._text
        if text is None:
            raise _not_kept(self.id)
        return tuple(text[start:end] for start, end in self.paragraph_spans)

    def __repr__(self) -> str:
        where = (f"canonical of {self.group_id}" if self.is_canonical else
                 f"{self.relation} of {_short(self.canonical_id)} in {self.group_id}")
        return (f"<ArticleResult {_short(self.id)}: {where}, story {self.story_id}, "
                f"{self.n_paragraphs} paragraphs ({len(self.repeated_paragraphs)} repeated, "
                f"{len(self.boilerplate_paragraphs)} boilerplate)>")

    def _repr_html_(self) -> str:
        from .html import article_html

        return article_html(self)

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict: the result's fields, ``text`` when it was kept, and the input's
        other fields; an input field named like a result field is written as ``input_`` + its
        name (``relation`` → ``input_relation``), so neither is lost.

        >>> from newsdedup import dedup
        >>> record = dedup([{"id": "a", "text": "Hi.", "relation": "x"}]).articles[0].to_record()
        >>> record["relation"], record["input_relation"], record["text"]
        ('canonical', 'x', 'Hi.')
        """
        record: dict[str, Any] = {
            "id": self.id, "group_id": self.group_id, "story_id": self.story_id,
            "canonical_id": self.canonical_id, "story_canonical_id": self.story_canonical_id,
            "is_canonical": self.is_canonical, "relation": self.relation,
            "jaccard": self.jaccard, "containment": self.containment,
            "n_paragraphs": self.n_paragraphs, "is_empty": self.is_empty,
            "is_digest": self.is_digest,
            "repeated_paragraphs": [
                {"index": r.index, "repeat_of": r.repeat_of, "jaccard": r.jaccard,
                 "containment": r.containment, "kind": r.kind}
                for r in self.repeated_paragraphs],
            "boilerplate_paragraphs": [
                {"index": b.index, "reason": b.reason, "families": b.families}
                for b in self.boilerplate_paragraphs],
        }
        if self._text is not None:
            record["text"] = self._text
        for key, value in self.metadata.items():
            record[input_field_name(key, record)] = value
        return record


@attrs.frozen(slots=True)
class DedupResult:
    """The outcome of a :func:`~newsdedup.dedup` run.

    ``articles`` are in input order; ``groups`` and ``stories`` are sorted by id;
    ``matches`` by article ids. Lookups by id (:meth:`article`, :meth:`group`,
    :meth:`story`) take constant time. :meth:`kept` and :meth:`removed` split the articles
    into the deduplicated corpus and the duplicates it leaves out. In a notebook, a result
    shows its counts and its largest groups and stories.

    >>> from newsdedup import dedup
    >>> result = dedup([{"id": "a", "text": "The same words, in the same order, again."},
    ...                 {"id": "b", "text": "The same words, in the same order, again."}])
    >>> [a.id for a in result.kept()], [(a.id, a.canonical_id) for a in result.removed()]
    (['a'], [('b', 'a')])
    """

    articles: tuple[ArticleResult, ...]
    groups: tuple[DuplicateGroup, ...]
    stories: tuple[Story, ...]
    matches: tuple[Match, ...]
    config: DedupConfig
    @functools.cached_property
    def _catalog(self) -> _Catalog:
        return _Catalog(self.articles)

    @functools.cached_property
    def _lookups(self) -> dict[str, dict[str, Any]]:
        return {}

    def __attrs_post_init__(self) -> None:
        for name in ("articles", "groups", "stories", "matches"):
            object.__setattr__(self, name, _Items(getattr(self, name)))
        self._bind()

    def _bind(self) -> None:
        """Give the groups, stories and matches the result's articles (for their views)."""
        catalog = self._catalog
        for part in (self.groups, self.stories, self.matches):
            for item in part:
                object.__setattr__(item, "_catalog", catalog)

    def __getstate__(self) -> dict[str, Any]:
        state = {field.name: getattr(self, field.name) for field in attrs.fields(DedupResult)}
        state["texts"] = [article.text for article in self.articles]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        texts = state.pop("texts", None)
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self._bind()
        if texts is not None:
            attach_texts(self, texts)

    def __repr__(self) -> str:
        duplicates = sum(1 for group in self.groups if len(group.members) > 1)
        repeated = sum(len(article.repeated_paragraphs) for article in self.articles)
        boilerplate = sum(len(article.boilerplate_paragraphs) for article in self.articles)
        return (f"<DedupResult: {counted(len(self.articles), 'article')}, "
                f"{counted(len(self.groups), 'group')} ({duplicates} with duplicates), "
                f"{counted(len(self.stories), 'story', 'stories')}, "
                f"{counted(len(self.matches), 'match', 'matches')}, {repeated} repeated and "
                f"{boilerplate} boilerplate paragraphs>")

    def _repr_html_(self) -> str:
        from .html import result_html

        return result_html(self)

    def _lookup(self, kind: str, items: tuple[Any, ...], key: str) -> Any:
        found = self._lookups.get(kind)
        if found is None:
            found = self._lookups[kind] = {item.id: item for item in items}
        try:
            return found[key]
        except KeyError:
            raise KeyError(f"no {kind} with id {key!r} in this result") from None

    def article(self, article_id: str) -> ArticleResult:
        """The result of the article with this id (``KeyError`` if there is none)."""
        found = self._catalog.get(article_id)
        if found is None:
            raise KeyError(f"no article with id {article_id!r} in this result")
        return found

    def group(self, group_id: str) -> DuplicateGroup:
        """The duplicate group with this id (``KeyError`` if there is none)."""
        group: DuplicateGroup = self._lookup("group", self.groups, group_id)
        return group

    def story(self, story_id: str) -> Story:
        """The story with this id (``KeyError`` if there is none)."""
        story: Story = self._lookup("story", self.stories, story_id)
        return story

    def paragraph(self, article_id: str, index: int) -> str:
        """The text of paragraph ``index`` (``¶index``) of an article, as every finding counts
        them (``ValueError`` if the run did not keep texts).

        An index past the last paragraph is an ``IndexError`` saying how many there are.

        >>> from newsdedup import dedup
        >>> dedup([{"id": "a", "text": "One.\\nTwo."}]).paragraph("a", 1)
        'Two.'
        """
        paragraphs = self.article(article_id).paragraphs
        if not -len(paragraphs) <= index < len(paragraphs):
            have = (f"paragraphs ¶0 to ¶{len(paragraphs) - 1}" if len(paragraphs) > 1 else
                    "one paragraph, ¶0" if paragraphs else "no paragraphs")
            raise IndexError(f"article {article_id!r} has {have}; there is no ¶{index}")
        return paragraphs[index]

    @property
    def has_text(self) -> bool:
        """Whether the articles' texts were kept (see ``dedup(keep_text=...)``)."""
        return all(article.text is not None for article in self.articles)

    def kept(self) -> tuple[ArticleResult, ...]:
        """The deduplicated corpus: the canonical article of every duplicate group, in input
        order (articles without duplicates are the canonical of their own group)."""
        return tuple(article for article in self.articles if article.is_canonical)

    def removed(self) -> tuple[ArticleResult, ...]:
        """The duplicates :meth:`kept` leaves out, in input order; each names the article kept
        in its place (``canonical_id``), its ``relation`` to it and the ``jaccard`` and
        ``containment`` scores."""
        return tuple(article for article in self.articles if not article.is_canonical)

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per article, in input order (see
        :meth:`ArticleResult.to_record`)."""
        return [article.to_record() for article in self.articles]

    def iter_jsonl(self) -> Iterator[str]:
        """The records as JSON lines (without newlines)."""
        for article in self.articles:
            yield dumps_record(article.to_record())

    def write_jsonl(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`to_records` to ``path`` as JSONL (UTF-8).

        The file is replaced at once, when every line is written (see ``_core.atomic_file``): a
        write that fails leaves the previous file, or none, never a partial one.
        """
        with atomic_output(path) as handle:
            for line in self.iter_jsonl():
                handle.write(line + "\n")

    def to_pandas(self, table: str = "articles") -> pandas.DataFrame:
        """One of the result's tables as a typed DataFrame (needs ``pip install
        'newsdedup[pandas]'``).

        ``table`` is one of ``"articles"`` (one row per article, input order),
        ``"groups"``, ``"members"``, ``"stories"``, ``"matches"``, ``"shared_paragraphs"``,
        ``"repeated_paragraphs"``, ``"boilerplate_paragraphs"``, ``"provenance"`` or
        ``"paragraphs"`` (each paragraph's span and text; needs the texts). Columns are
        typed (strings, booleans, int64, float64, ``published`` as UTC datetimes); nested
        lists are their own tables, joined on ids. Columns are listed in ``docs/api.md``.
        """
        from .tables import to_pandas

        return to_pandas(self, table)

    def to_arrow(self, table: str = "articles") -> pyarrow.Table:
        """:meth:`to_pandas`'s table as a ``pyarrow.Table`` (needs ``pip install
        'newsdedup[arrow]'``)."""
        from .tables import to_arrow

        return to_arrow(self, table)

    def to_polars(self, table: str = "articles") -> polars.DataFrame:
        """:meth:`to_pandas`'s table as a polars DataFrame (needs ``polars``)."""
        from .tables import to_polars

        return to_polars(self, table)

    def write_parquet(self, path: str | os.PathLike[str], table: str = "articles") -> None:
        """Write one table (:meth:`to_arrow`) to a Parquet file (needs ``pip install
        'newsdedup[arrow]'``)."""
        from .tables import write_parquet

        write_parquet(self, path, table)


def attach_texts(result: DedupResult, texts: Sequence[str]) -> None:
    """Give each article of a new ``result`` its input text (``dedup()`` does, after the
    steps shared with the index have built the result without texts)."""
    for article, text in zip(result.articles, texts, strict=True):
        if text is not None:
            object.__setattr__(article, "_text", text)
