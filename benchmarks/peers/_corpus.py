"""The corpora of the peer benchmark: the synthetic generator's, or any JSONL file.

A JSONL file has one article a line (``id``, ``text``, and optionally ``title``, ``url``,
``source``, ``published``). Labels are optional: a ``group`` field (articles with the same
value are duplicates; an article without one is alone), or else a ``duplicate_of`` field
(the id of the article it copies; chains are followed). Without either, precision and
recall are not computed. Label fields (and ``topic``, ``event``, ``story``, ``kind``) are
removed before any system sees the records.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["LABEL_FIELDS", "Corpus", "load"]

LABEL_FIELDS = ("group", "duplicate_of", "topic", "event", "story", "kind")


@dataclass
class Corpus:
    """Records as a loader yields them, and the true duplicate pairs when labeled."""

    name: str
    records: list[dict[str, Any]]
    #: Every pair ``(smaller id, larger id)`` of one duplicate group; None without labels.
    truth: set[tuple[str, str]] | None
    n_bytes: int

    def quality(self, found: set[tuple[str, str]]) -> dict[str, Any] | None:
        """Precision and recall of the ``found`` pairs (None without labels)."""
        if self.truth is None:
            return None
        hits = len(found & self.truth)
        return {"true_pairs": len(self.truth), "found_pairs": len(found),
                "precision": hits / len(found) if found else 1.0,
                "recall": hits / len(self.truth) if self.truth else 1.0}


def _pairs(group_of: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for article_id, group in group_of.items():
        members[group].append(article_id)
    return {pair for ids in members.values() for pair in itertools.combinations(sorted(ids), 2)}


def _labels(rows: list[dict[str, Any]]) -> dict[str, str] | None:
    if any("group" in row for row in rows):
        return {row["id"]: str(row.get("group", "\0" + row["id"])) for row in rows}
    if not any(row.get("duplicate_of") for row in rows):
        return None
    copies = {row["id"]: row.get("duplicate_of") for row in rows}

    def origin(article_id: str) -> str:
        seen = {article_id}
        while copies.get(article_id) and copies[article_id] not in seen:
            article_id = copies[article_id]
            seen.add(article_id)
        return article_id

    return {row["id"]: origin(row["id"]) for row in rows}


def load(spec: dict[str, Any]) -> Corpus:
    """``{"kind": "synthetic", "n": N, "seed": S}`` or ``{"kind": "jsonl", "path": P}``."""
    if spec["kind"] == "synthetic":
        from newsdedup._corpora.synthetic import generate_corpus

        generated = generate_corpus(spec["n"], seed=spec["seed"])
        records = [article.to_dict() for article in generated.articles]
        return Corpus(f"synthetic (seed {spec['seed']})", records,
                      generated.true_duplicate_pairs(),
                      sum(len(article.text.encode("utf-8")) for article in generated.articles))
    path = Path(spec["path"])
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    group_of = _labels(rows)
    records = [{key: value for key, value in row.items() if key not in LABEL_FIELDS}
               for row in rows]
    return Corpus(path.name, records, _pairs(group_of) if group_of is not None else None,
                  sum(len(record["text"].encode("utf-8")) for record in records))
