"""What the persistent index answers: decisions, change-log events, add results.

Decisions are stored as JSON in the index file; this module turns a
:class:`~newsdedup.DedupResult` into those records and back into attrs objects.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import attrs

from ._links import INVERSE_RELATION
from ._result import (
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

__all__ = ["AddResult", "IndexChange", "IndexDecision", "decision_from_record",
           "decision_records", "group_from_record", "record_of", "story_from_record"]



@attrs.frozen(slots=True)
class IndexDecision:
    """What the index says about one article (fields as in :class:`ArticleResult`).

    ``status`` is ``"added"``, ``"updated"`` (same id, new content), ``"unchanged"`` (same
    id and content as stored), ``"query"`` (answered without storing) or ``"stored"`` (read
    back with :meth:`DedupIndex.get`). ``matches`` are the verified matches of this article,
    each oriented with ``a`` = this article: ``relation`` ``"near-duplicate"``, ``"contains"``,
    ``"contained-in"`` or ``"partial-reuse"``, with scores. ``expired`` says the article is
    outside the retention window (it no longer takes part in matching).

    >>> from newsdedup import open_index
    >>> index = open_index(":memory:")
    >>> index.add([{"id": "a", "text": "One two three four five six."}]).decisions[0].status
    'added'
    """

    id: str
    status: str
    group_id: str
    story_id: str
    canonical_id: str
    story_canonical_id: str
    is_canonical: bool
    relation: str
    jaccard: float
    containment: float
    matches: tuple[Match, ...]
    repeated_paragraphs: tuple[RepeatedParagraph, ...]
    boilerplate_paragraphs: tuple[BoilerplateParagraph, ...]
    n_paragraphs: int
    is_empty: bool
    is_digest: bool
    expired: bool = False

    @property
    def duplicate_of(self) -> tuple[str, ...]:
        """Ids of the articles this one duplicates, contains or is contained in."""
        return tuple(match.b for match in self.matches if match.is_duplicate)

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict of this decision (the CLI prints these as JSONL)."""
        record = attrs.asdict(self, recurse=True)
        record["duplicate_of"] = list(self.duplicate_of)
        return record


@attrs.frozen(slots=True)
class IndexChange:
    """One event of the change log: ``field`` of article ``article_id`` went ``old -> new``.

    ``field`` is one of ``group_id``, ``story_id``, ``canonical_id``, ``story_canonical_id``
    (``old`` is None for a new article), ``expired`` (the article left the retention
    window) or ``removed`` (deleted by :meth:`DedupIndex.compact`). ``seq`` increases across
    the index's life; ``batch`` numbers the write that caused it.
    """

    seq: int
    batch: int
    article_id: str
    field: str
    old: str | None
    new: str | None


@attrs.frozen(slots=True)
class AddResult:
    """The outcome of :meth:`DedupIndex.add`: one decision per input article, in input order,
    and every change the add caused (``seq`` is 0 for a dry run, which logs nothing).
    """

    decisions: tuple[IndexDecision, ...]
    changes: tuple[IndexChange, ...]

    @property
    def canonical_changes(self) -> tuple[IndexChange, ...]:
        """Changes of the canonical of articles stored before this add."""
        return tuple(change for change in self.changes
                     if change.field in ("canonical_id", "story_canonical_id")
                     and change.old is not None)


def _match_from(match: Match, article_id: str) -> Match:
    """``match`` oriented so that ``a`` is ``article_id``."""
    if match.a == article_id:
        return match
    relation = INVERSE_RELATION.get(match.relation, match.relation)
    return Match(a=match.b, b=match.a, relation=relation,
                 jaccard=match.jaccard, containment=match.containment, a_in_b=match.b_in_a,
                 b_in_a=match.a_in_b, is_duplicate=match.is_duplicate,
                 shared_paragraphs=tuple(sorted(
                     (SharedParagraph(s.b_index, s.a_index, s.similarity)
                      for s in match.shared_paragraphs), key=lambda s: (s.a_index, s.b_index))))


_FIELDS: dict[type[Any], tuple[str, ...]] = {}
_LEAVES = frozenset({str, int, float, bool, type(None)})


def record_of(value: Any) -> Any:
    """``attrs.asdict(value)`` (recursing, tuples as lists) at a fraction of its cost: the
    index turns thousands of results into JSON per add.

    >>> record_of(SharedParagraph(0, 1, 0.5))
    {'a_index': 0, 'b_index': 1, 'similarity': 0.5}
    """
    if type(value) in _LEAVES:
        return value
    names = _FIELDS.get(type(value))
    if names is None:
        if isinstance(value, tuple | list):
            # Leaves tested inline: most values are, and a call per value is the cost.
            return [item if type(item) in _LEAVES else record_of(item) for item in value]
        if isinstance(value, dict):
            return {key: record_of(item) for key, item in value.items()}
        if not attrs.has(type(value)):
            return value
        names = _FIELDS[type(value)] = tuple(field.name for field in attrs.fields(type(value)))
    return {name: item if type(item := getattr(value, name)) in _LEAVES else record_of(item)
            for name in names}


def decision_records(result: DedupResult, expired: bool = False,
                     only: Collection[str] | None = None) -> dict[str, dict[str, Any]]:
    """The JSON-ready decision of every article of ``result`` (or of those ``only``), by id
    (status not included)."""
    wanted = (lambda article_id: True) if only is None else only.__contains__
    matches: dict[str, list[dict[str, Any]]] = {a.id: [] for a in result.articles
                                                if wanted(a.id)}
    for match in result.matches:
        for side in (match.a, match.b):
            if side in matches:
                matches[side].append(record_of(_match_from(match, side)))
    out = {}
    for article in result.articles:
        if article.id not in matches:
            continue
        record = record_of(article)
        del record["metadata"]
        record["matches"] = matches[article.id]
        record["expired"] = expired
        out[article.id] = record
    return out


def decision_from_record(record: Mapping[str, Any], status: str) -> IndexDecision:
    fields = dict(record)
    fields["matches"] = tuple(
        Match(**{**m, "shared_paragraphs": tuple(SharedParagraph(**s)
                                                 for s in m["shared_paragraphs"])})
        for m in record["matches"])
    fields["repeated_paragraphs"] = tuple(RepeatedParagraph(**r)
                                          for r in record["repeated_paragraphs"])
    fields["boilerplate_paragraphs"] = tuple(BoilerplateParagraph(**b)
                                             for b in record["boilerplate_paragraphs"])
    return IndexDecision(status=status, **fields)


def group_from_record(record: Mapping[str, Any]) -> DuplicateGroup:
    return DuplicateGroup(
        id=record["id"], canonical_id=record["canonical_id"],
        canonical_rule=record["canonical_rule"], story_id=record["story_id"],
        members=tuple(GroupMember(**m) for m in record["members"]),
        provenance=tuple(ParagraphProvenance(p["index"], p["is_boilerplate"],
                                             tuple(Carrier(**c) for c in p["carriers"]))
                         for p in record["provenance"]))


def story_from_record(record: Mapping[str, Any]) -> Story:
    return Story(**{**record, "member_ids": tuple(record["member_ids"]),
                    "group_ids": tuple(record["group_ids"])})
