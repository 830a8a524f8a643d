"""Duplicate groups as the index stores them: a small header per group, a row per member.

A group's id is derived from its members' ids, so every article joining a group renames it,
and a record holding everything (members, and for each canonical paragraph every member
paragraph carrying it) would be rewritten whole on every join: for a story syndicated a
thousand times, a megabyte per add. Instead the ``groups`` row holds the *header* (ids,
canonical and its rule, story, the member ids in order, which canonical paragraphs are
boilerplate) and each member other than the canonical has a row of ``members`` keyed by
``(canonical, member)`` with its relation to the canonical and the canonical paragraphs it
carries. A member joining writes its own row and the header; the other members' rows stay
(they only change when the canonical does). :func:`join_group` puts the
:class:`~newsdedup.DuplicateGroup` back together exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from .._results.result import Carrier, DuplicateGroup, GroupMember, ParagraphProvenance
from .integrity import text_hash

__all__ = ["join_group", "part_key", "split_group"]

CANONICAL = "canonical"


def split_group(group: DuplicateGroup) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The header of ``group`` and the part of each member but the canonical, by member id.

    >>> group = DuplicateGroup("g", "a", "earliest published", "s", (
    ...     GroupMember("a", "canonical", 1.0, 1.0), GroupMember("b", "near-duplicate", 0.9, 1.0)),
    ...     (ParagraphProvenance(0, False, (Carrier("b", 0, 1.0),)),))
    >>> header, parts = split_group(group)
    >>> header["members"], parts["b"]["carriers"]
    (['a', 'b'], [[0, 0, 1.0]])
    >>> join_group(header, parts) == group
    True
    """
    header = {"id": group.id, "canonical_id": group.canonical_id,
              "canonical_rule": group.canonical_rule, "story_id": group.story_id,
              "members": [member.id for member in group.members],
              "boilerplate": [paragraph.is_boilerplate for paragraph in group.provenance]}
    carried: dict[str, list[list[Any]]] = {member.id: [] for member in group.members}
    for paragraph in group.provenance:
        for carrier in paragraph.carriers:
            carried[carrier.article_id].append(
                [paragraph.index, carrier.paragraph_index, carrier.similarity])
    parts = {member.id: {"relation": member.relation, "jaccard": member.jaccard,
                         "containment": member.containment, "carriers": carried[member.id]}
             for member in group.members if member.id != group.canonical_id}
    return header, parts


def join_group(header: Mapping[str, Any], parts: Mapping[str, Mapping[str, Any]]
               ) -> DuplicateGroup:
    """The :class:`DuplicateGroup` of a header and its members' parts (``KeyError`` or
    ``TypeError`` if they do not fit together)."""
    canonical = header["canonical_id"]
    members = []
    carriers: dict[int, list[tuple[str, int, float]]] = defaultdict(list)
    for member_id in header["members"]:
        if member_id == canonical:
            members.append(GroupMember(member_id, CANONICAL, 1.0, 1.0))
            continue
        part = parts[member_id]
        members.append(GroupMember(member_id, part["relation"], part["jaccard"],
                                   part["containment"]))
        for index, paragraph_index, similarity in part["carriers"]:
            carriers[index].append((member_id, paragraph_index, similarity))
    flags = header["boilerplate"]
    if set(carriers) - set(range(len(flags))):
        raise KeyError("a member carries a paragraph the canonical does not have")
    provenance = tuple(ParagraphProvenance(index, flag, tuple(
        Carrier(*carrier) for carrier in sorted(carriers.get(index, ()))))
        for index, flag in enumerate(flags))
    return DuplicateGroup(id=header["id"], canonical_id=canonical,
                          canonical_rule=header["canonical_rule"],
                          story_id=header["story_id"], members=tuple(members),
                          provenance=provenance)


def part_key(part: Mapping[str, Any]) -> int:
    """A number that differs when a member's part differs (as ``match_key`` for matches:
    Python's hash of values without strings, so equal in every process)."""
    return hash((text_hash(part["relation"]), part["jaccard"], part["containment"],
                 tuple(tuple(carrier) for carrier in part["carriers"])))
