"""What :func:`~newsdedup.dedup` returns: per-article findings, groups, stories, matches.

All classes are frozen attrs objects; ``DedupResult.to_records()`` turns the per-article view
into JSON-ready dicts (the CLI writes them as JSONL), ``to_pandas()`` into a DataFrame.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from ._config import DedupConfig

if TYPE_CHECKING:  # pragma: no cover
    import pandas

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


@attrs.frozen(slots=True)
class RepeatedParagraph:
    """Paragraph ``index`` repeats the earlier paragraph ``repeat_of`` of the same article.

    ``kind`` is ``"exact"``, ``"near-duplicate"`` (Jaccard at least ``paragraph_jaccard``) or
    ``"partial"`` (the shorter one is mostly contained in the longer).
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


@attrs.frozen(slots=True)
class Match:
    """Two articles that share non-boilerplate text, with exact scores.

    ``relation`` reads from ``a`` to ``b``: ``"near-duplicate"``, ``"contains"`` (``a``
    contains ``b``), ``"contained-in"`` or ``"partial-reuse"``; or ``"rewrite"``: one
    paraphrases the other (wholly or in part) without sharing shingles, found among articles
    of one story by character n-grams (``_rewrite``). ``containment`` is that of the smaller
    text in the larger; ``is_duplicate`` says whether the pair counts for grouping (never for
    a rewrite). ``score`` is the pair's strength: the Jaccard for text relations, the rewrite
    score for a rewrite, whose ``shared_paragraphs`` are the rewritten paragraph pairs.

    Matches grow with the articles, not with the square of a group: each member of a group is
    matched with its canonical only, and articles of different groups sharing text are
    matched once per pair of distinct texts (exact copies of a text are represented by their
    best-ranked copy).
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
    paragraph, the members' paragraphs that carry it.
    """

    id: str
    canonical_id: str
    canonical_rule: str
    story_id: str
    members: tuple[GroupMember, ...]
    provenance: tuple[ParagraphProvenance, ...]

    @property
    def member_ids(self) -> tuple[str, ...]:
        """Ids of the members, canonical first."""
        return tuple(member.id for member in self.members)


@attrs.frozen(slots=True)
class Story:
    """Articles about the same news event; a union of whole duplicate groups."""

    id: str
    canonical_id: str
    canonical_rule: str
    member_ids: tuple[str, ...]
    group_ids: tuple[str, ...]


@attrs.frozen(slots=True)
class ArticleResult:
    """What newsdedup found about one input article.

    ``relation`` is the article's relation to its group's canonical (``"canonical"`` for the
    canonical itself), with ``jaccard``/``containment`` to it.
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

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict of this result (metadata fields of the input included)."""
        record = attrs.asdict(self, recurse=True)
        metadata = record.pop("metadata")
        record.update({key: value for key, value in metadata.items() if key not in record})
        return record


@attrs.frozen(slots=True)
class DedupResult:
    """The outcome of a :func:`~newsdedup.dedup` run.

    ``articles`` are in input order; ``groups`` and ``stories`` are sorted by id;
    ``matches`` by article ids.
    """

    articles: tuple[ArticleResult, ...]
    groups: tuple[DuplicateGroup, ...]
    stories: tuple[Story, ...]
    matches: tuple[Match, ...]
    config: DedupConfig

    def __repr__(self) -> str:
        duplicates = sum(1 for group in self.groups if len(group.members) > 1)
        repeated = sum(len(article.repeated_paragraphs) for article in self.articles)
        boilerplate = sum(len(article.boilerplate_paragraphs) for article in self.articles)
        return (f"<DedupResult: {len(self.articles)} articles, {len(self.groups)} groups "
                f"({duplicates} with duplicates), {len(self.stories)} stories, "
                f"{len(self.matches)} matches, {repeated} repeated and {boilerplate} "
                f"boilerplate paragraphs>")

    def article(self, article_id: str) -> ArticleResult:
        """The result of the article with this id (``KeyError`` if there is none)."""
        for article in self.articles:
            if article.id == article_id:
                return article
        raise KeyError(f"no article with id {article_id!r} in this result")

    def group(self, group_id: str) -> DuplicateGroup:
        """The duplicate group with this id (``KeyError`` if there is none)."""
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(f"no group with id {group_id!r} in this result")

    def story(self, story_id: str) -> Story:
        """The story with this id (``KeyError`` if there is none)."""
        for story in self.stories:
            if story.id == story_id:
                return story
        raise KeyError(f"no story with id {story_id!r} in this result")

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per article, in input order."""
        return [article.to_record() for article in self.articles]

    def iter_jsonl(self) -> Iterator[str]:
        """The records as JSON lines (without newlines)."""
        for record in self.to_records():
            yield json.dumps(record, ensure_ascii=False, sort_keys=True, default=_json_default)

    def write_jsonl(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`to_records` to ``path`` as JSONL (UTF-8)."""
        with open(path, "w", encoding="utf-8") as handle:
            for line in self.iter_jsonl():
                handle.write(line + "\n")

    def to_pandas(self) -> pandas.DataFrame:
        """The records as a DataFrame (needs ``pip install 'newsdedup[pandas]'``)."""
        try:
            import pandas
        except ImportError as exc:  # pragma: no cover - depends on the environment
            from ._errors import missing_extra

            raise missing_extra("pandas", "pandas") from exc
        return pandas.DataFrame.from_records(self.to_records())
