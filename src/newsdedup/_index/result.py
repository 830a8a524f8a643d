"""What the persistent index answers: decisions, change-log events, add results.

Decisions are stored as JSON in the index file; this module turns a
:class:`~newsdedup.DedupResult` into those records and back into attrs objects. A retained
article's stored decision leaves out its matches: each match is stored once, as a row of its
own (so a copy joining a group of thousands adds thousands of small rows, instead of
rewriting thousands of decisions that each list thousands of matches), and put back in
when the decision is read.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

import attrs

from .._near_duplicates.links import INVERSE_RELATION
from .._results.result import (
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
from .integrity import text_hash
from .paragraphs import PATTERN, RECURRING

__all__ = [
    "AddResult",
    "IndexChange",
    "IndexDecision",
    "decision_from_record",
    "decision_records",
    "dumps",
    "group_from_record",
    "match_from_record",
    "match_key",
    "oriented_record",
    "record_of",
    "stored_boilerplate",
    "story_from_record",
]


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
    is_template: bool = False

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
    def expired(self) -> tuple[str, ...]:
        """Ids of the articles this add took out of matching because of ``retention_days``:
        stored ones that fell out of the window (logged as ``expired``), then new ones that
        arrived already outside it (stored with ``expired=True``); ``len(...)`` counts them.

        >>> from newsdedup import open_index
        >>> index = open_index(":memory:", retention_days=1)
        >>> _ = index.add([{"id": "a", "text": "Old news.", "published": "2024-01-01"}])
        >>> index.add([{"id": "b", "text": "New news.", "published": "2024-01-05"}]).expired
        ('a',)
        """
        left = [change.article_id for change in self.changes if change.field == "expired"]
        arrived = [decision.id for decision in self.decisions
                   if decision.expired and decision.status in ("added", "updated")]
        return tuple(dict.fromkeys(left + arrived))

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
                      for s in match.shared_paragraphs), key=lambda s: (s.a_index, s.b_index))),
                 score=match.score)


def dumps(value: Any) -> str:
    """Compact, key-sorted JSON (what the file stores)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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
                     only: Collection[str] | None = None,
                     with_matches: Collection[str] | None = None) -> dict[str, dict[str, Any]]:
    """The JSON-ready decision of every article of ``result`` (or of those ``only``), by id
    (status not included); those ``with_matches`` (all, if None) include their matches."""
    wanted = (lambda article_id: True) if only is None else only.__contains__
    listed = wanted if with_matches is None else with_matches.__contains__
    matches: dict[str, list[dict[str, Any]]] = {a.id: [] for a in result.articles
                                                if wanted(a.id) and listed(a.id)}
    if matches:
        for match in result.matches:
            for side in (match.a, match.b):
                if side in matches:
                    matches[side].append(record_of(_match_from(match, side)))
    out = {}
    for article in result.articles:
        if not wanted(article.id):
            continue
        record = record_of(article)
        del record["metadata"]
        if article.id in matches:
            record["matches"] = matches[article.id]
        record["expired"] = expired
        out[article.id] = record
    return out


#: Relations as numbers in :func:`match_key` (string hashes differ between processes).
_RELATION_CODES = {"near-duplicate": 1, "contains": 2, "contained-in": 3, "partial-reuse": 4}


def match_key(match: Match) -> int:
    """A number that differs when anything but the ids of a match differs: stored with each
    match so that an add rewrites only the matches it changes. It is Python's hash of the
    values (no strings, so equal in every process); a key computed by another Python that
    hashes differently only makes a match look changed and be written again.

    >>> one = Match("a", "b", "near-duplicate", 0.9, 0.95, 0.95, 0.9, True, ())
    >>> match_key(one) == match_key(attrs.evolve(one, a="c")) != match_key(
    ...     attrs.evolve(one, jaccard=0.8))
    True
    """
    relation = _RELATION_CODES.get(match.relation)
    if relation is None:
        relation = _RELATION_CODES[match.relation] = text_hash(match.relation)
    return hash((relation, match.jaccard, match.containment, match.a_in_b, match.b_in_a,
                 match.is_duplicate, match.score, tuple([(s.a_index, s.b_index, s.similarity)
                                            for s in match.shared_paragraphs])))


def match_from_record(record: Mapping[str, Any]) -> Match:
    """The :class:`Match` of a stored match record."""
    return Match(**{**record, "shared_paragraphs": tuple(
        SharedParagraph(**s) for s in record["shared_paragraphs"])})


def oriented_record(record: Mapping[str, Any], article_id: str) -> dict[str, Any]:
    """A stored match record (``a`` < ``b``) as listed in the decision of ``article_id``."""
    if record["a"] == article_id:
        return dict(record)
    result: dict[str, Any] = record_of(_match_from(match_from_record(record), article_id))
    return result


def decision_from_record(record: Mapping[str, Any], status: str) -> IndexDecision:
    fields = dict(record)
    fields["matches"] = tuple(match_from_record(m) for m in record["matches"])
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


def stored_boilerplate(decision: Mapping[str, Any]) -> str:
    """The boilerplate paragraphs of a decision record as the ``decisions`` table's
    ``boilerplate`` column holds them for the in-memory index: ``[[index, flag, families]]``
    with the flags of ``_index.paragraphs`` (``RECURRING`` or ``PATTERN``)."""
    return dumps([[entry["index"], RECURRING if entry["reason"] == "recurring" else PATTERN,
                   entry["families"]] for entry in decision["boilerplate_paragraphs"]])
