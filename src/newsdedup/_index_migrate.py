"""Bringing an index file up to date: schema version 1, or features of another featurizer.

An index stores each article's features so that the map step never runs again on it; that
holds only while the stored features are what today's map step would compute. Two things
break it, and both are repaired the same way, from the article records the file keeps:

* a **version 1 file** (written before features were stored) gets the new columns, and
  every article is featurized once;
* a **different featurizer** (a newsdedup release that hashes or stores features
  differently): the file records a fingerprint of the map step's output on a fixed probe
  text; when today's differs, every article is featurized again and the decisions are
  recomputed (``refresh``), since they were made from the old features.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

from ._article import Article
from ._config import DedupConfig
from ._features import extract_features, split_features
from ._index_codec import flatten
from ._index_memory import Memory, blob_hash, encode_article, lookup_of
from ._index_place import place_articles
from ._index_plan import _boilerplate, _hash
from ._index_store import SCHEMA_VERSION, IndexStore

__all__ = ["featurizer_fingerprint", "migrate"]

_PROBE = (
    Article("probe-1", "The Storm hit Lima on 3 May 2024, leaving 12,000 people without power."
            "\n\nOfficials said repairs would take two weeks. Read original article here."),
    Article("probe-2", "Ünïcode text — 東京で地震。\nA second line, short.", title="Probe"),
)
_CHUNK = 512


def featurizer_fingerprint(config: DedupConfig) -> str:
    """A fingerprint of the map step's output (values and dtypes) on a fixed probe text.

    >>> len(featurizer_fingerprint(DedupConfig()))
    16
    """
    digest = hashlib.blake2b(digest_size=8)
    # The arrays themselves (name, dtype, shape, bytes), not their encoding: a change of the
    # storage format alone must not force featurizing everything again.
    for name, value in flatten(extract_features(list(_PROBE), config)):
        array = np.asarray(value)
        digest.update(f"{name}:{array.dtype.str}:{array.shape};".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def migrate(store: IndexStore, config: DedupConfig) -> None:
    """Featurize every stored article again from its record (call inside a write txn)."""
    store.upgrade_tables()
    memory = Memory(config)
    rows = store.all_rows("id, record, retained, decision")
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start:start + _CHUNK]
        articles = [Article.from_mapping(json.loads(record), f"stored article {article_id!r}")
                    for article_id, record, _, _ in chunk]
        retained = [article for article, row in zip(articles, chunk, strict=True) if row[2]]
        expired = [article for article, row in zip(articles, chunk, strict=True) if not row[2]]
        # Retained articles are placed against those before them, so their verified
        # paragraph matches are remembered exactly as if they had been added one by one.
        incoming, lookups = place_articles(memory, store, retained, config, [])
        parts = split_features(incoming.features)
        if expired:
            features = extract_features(expired, config)
            parts += split_features(features)
            lookups += lookup_of(features, config, [], memory.term_counts.frequencies(
                memory.term_counts.delta([], []), max(memory.n_alive, 1)))
        decisions = {row[0]: row[3] for row in chunk}
        written = [(article.id, encode_article(part), lookup.encode(),
                    *_decision_columns(decisions[article.id]))
                   for article, part, lookup in zip(retained + expired, parts, lookups,
                                                    strict=True)]
        store.replace_lookups(written)
        slots = memory.add_slots([a.id for a in retained],
                                 [a.published.timestamp() if a.published else None
                                  for a in retained], lookups[:len(retained)],
                                 [blob_hash(row[2]) for row in written[:len(retained)]])
        for slot, part in zip(slots.tolist(), parts, strict=False):
            memory.cache(slot, part)
    store.set_meta({"schema_version": str(SCHEMA_VERSION),
                    "featurizer": featurizer_fingerprint(config)})


def _decision_columns(decision: str | None) -> tuple[str, bool, int]:
    """``boilerplate``, ``digest`` and ``decision_hash`` of a stored decision."""
    record: dict[str, Any] = json.loads(decision) if decision else {
        "boilerplate_paragraphs": [], "is_digest": False}
    return _boilerplate(record), bool(record["is_digest"]), _hash(decision or "")
