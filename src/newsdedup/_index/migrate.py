"""Bringing an index file up to date: older schemas, or features of another featurizer.

An index stores each article's features so that the map step never runs again on it; that
holds only while the stored features are what today's map step would compute. Two things
break it, and both are repaired the same way, from the article records the file keeps:

* a **version 1 file** (written before features were stored) gets the new columns, and
  every article is featurized once;
* a **different featurizer** (a newsdedup release that hashes or stores features
  differently): the file records a fingerprint of the map step's output on a fixed probe
  text; when today's differs, every article is featurized again and the decisions are
  recomputed (``refresh``), since they were made from the old features.

A **version 2 file** (or a version 1 file, after that) is brought to version 3 without
featurizing: its blobs get checksums (after checking that they decode), each retained
article's matches move from its decision to rows of the ``matches`` table, and every row
gets its checksums. Decisions, groups and stories stay what they were.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from .._core.config import DedupConfig
from .._core.hashing import digest64
from .._text.article import Article
from .._text.features import extract_features, split_features
from .blobs import encode_article, lookup_of
from .codec import LEGACY_MAGIC, add_checksum, flatten
from .groups import part_key, split_group
from .integrity import damaged, parsed_json, stored_article, text_hash
from .place import place_articles
from .result import (
    dumps,
    group_from_record,
    match_from_record,
    match_key,
    oriented_record,
    stored_boilerplate,
)
from .state import IndexState
from .store import SCHEMA_VERSION, BlobRow, DecisionRow, IndexStore

__all__ = ["featurizer_fingerprint", "migrate"]

_PROBE = (
    Article("probe-1", "The Storm hit Lima on 3 May 2024, leaving 12,000 people without power."
            "\n\nOfficials said repairs would take two weeks. Read original article here."),
    # Words of an alphabet other than Latin, long enough to be stemmed (_text.stems).
    Article("probe-2", "Ünïcode text — 東京で地震。\nA second line, short. كتاب ٣ ё. "
            "Рятувальники гасили пожежу.", title="Probe"),
    # A line long enough to be cut into passages, and a hard-wrapped text (_text.paragraphs).
    Article("probe-3", " ".join(f"Sentence {n} of a text whose line breaks were lost says more."
                                for n in range(24))),
    Article("probe-4", "\n\n".join(["The council approved the budget on Monday after a\n"
                                     "long debate over school funding and the repairs\n"
                                     "of roads in the northern districts of the city."] * 2)),
    # HTML read as the text it marks up (_text.normalize.plain_text).
    Article("probe-5", "<p>The mayor&rsquo;s <a href=\"https://x.example\">plan</a> &amp; "
                       "the <b>vote</b>.</p><script>ad.push('slot');</script>\n<style>\n"
                       "p { margin: 0 }\n</style>"),
    # Mojibake read back (_text.normalize.repair_mojibake), a no-break space's included;
    # references escaped twice, emoji variation selectors, Markdown, direction marks.
    Article("probe-6", "The mayorâ€™s cafÃ©\u00a0Â\u00a0plan.\n\u00c2\u00a0\nÐŸÑ€Ð¸ "
                       "&amp;rsquo;&nbsp\u2764\ufe0f [a link](https://x.example/a) "
                       "\u0643\u062a\u0627\u0628\u200f\u0627\u0644\u064a\u0648\u0645"),
    # A text encoded as JSON once too often (_text.normalize.json_escaped).
    Article("probe-7", r'He said \"no\".\n\nIt\u2019s over.'),
    # A line over LONG_LINE only by its spacing and its accents written as two characters
    # (NFD), kept whole (_text.paragraphs).
    Article("probe-8", "    ".join(f"Sentence {n} of a spaced text says a little more, cafe\u0301."
                                   for n in range(11))),
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


def migrate(store: IndexStore, config: DedupConfig, refeaturize: bool) -> None:
    """Bring the file to the current schema, featurizing every stored article again from
    its record if ``refeaturize`` (call inside a write transaction)."""
    legacy = store.schema_version < SCHEMA_VERSION
    store.upgrade_tables()
    memory = IndexState(config)
    columns = "id, record, retained, features, lookup" + (
        ", decision, group_id, story_id, canonical_id, story_canonical_id" if legacy else "")
    retained_ids = {row[0] for row in store.all_rows("id, retained") if row[1]}
    # In chunks, in insertion order: a million rows with their texts and blobs at once would
    # not fit in memory.
    after = 0
    while chunk := store.rows_after(columns, after, _CHUNK):
        after, chunk = chunk[-1][0], [row[1:] for row in chunk]
        if refeaturize:
            _featurize(store, memory, config, chunk)
        else:
            store.migrate_blobs([BlobRow(row[0], *_checksummed(store, row)) for row in chunk])
        if not legacy:
            continue
        pairs: dict[tuple[str, str], tuple[str, int]] = {}
        decisions = []
        for article_id, _, retained, _, _, decision, *state in chunk:
            if decision is not None and retained:
                decision = _split(store.path, article_id, decision, retained_ids, pairs)
            decisions.append(DecisionRow(article_id, tuple(state), decision,
                                         *_decision_columns(store.path, article_id, decision)))
        store.migrate_decisions(decisions)
        store.insert_pairs(pairs)
    if legacy:
        _split_groups(store)
    store.finish_migration()
    store.schema_version = SCHEMA_VERSION
    store.set_meta({"schema_version": str(SCHEMA_VERSION),
                    "featurizer": featurizer_fingerprint(config)})


def _featurize(store: IndexStore, memory: IndexState, config: DedupConfig,
               chunk: list[tuple[Any, ...]]) -> None:
    """Featurize a chunk of rows from their records and store their features and lookups."""
    articles = [stored_article(store.path, article_id, record)
                for article_id, record, *_ in chunk]
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
    blobs = [BlobRow(article.id, encode_article(part, article.id), lookup.encode(article.id))
             for article, part, lookup in zip(retained + expired, parts, lookups, strict=True)]
    # In the file before the next chunk reads them (the feature cache holds only a part).
    store.migrate_blobs(blobs)
    slots = memory.add_slots([a.id for a in retained],
                             [a.published.timestamp() if a.published else None
                              for a in retained], lookups[:len(retained)],
                             [digest64(blob.lookup) for blob in blobs[:len(retained)]])
    for slot, part in zip(slots.tolist(), parts, strict=False):
        memory.cache(slot, part)


def _split_groups(store: IndexStore) -> None:
    """Each group record of an older file as a header and its members' parts."""
    after = ""
    while True:
        records = store.group_records_after(after, _CHUNK)
        if not records:
            return
        headers: dict[str, str] = {}
        parts: dict[tuple[str, str], tuple[str, int]] = {}
        for key, text in records:
            record = parsed_json(store.path, text, f"the stored group {key!r}", dict)
            try:
                header, members = split_group(group_from_record(record))
            except (KeyError, TypeError, ValueError) as error:
                damaged(store.path, f"the stored group {key!r} is malformed ({error})")
            headers[key] = dumps(header)
            parts.update(((header["canonical_id"], member), (dumps(part), part_key(part)))
                         for member, part in members.items())
        store.replace_groups(headers, parts)
        after = records[-1][0]


def _checksummed(store: IndexStore, row: tuple[Any, ...]) -> tuple[bytes, bytes]:
    """The stored blobs of a row with checksums (they must decode)."""
    article_id, out = row[0], []
    for name, blob in (("features", row[3]), ("lookup", row[4])):
        if not isinstance(blob, bytes):
            damaged(store.path, f"the stored {name} of article {article_id!r} are missing")
        if blob[:len(LEGACY_MAGIC)] != LEGACY_MAGIC:
            damaged(store.path, f"the stored {name} of article {article_id!r} are not a "
                                f"schema 2 blob")
        try:
            out.append(add_checksum(blob, article_id))
        except ValueError as error:
            damaged(store.path, f"the stored {name} of article {article_id!r} are "
                                f"unreadable ({error})")
    return out[0], out[1]


def _split(path: str, article_id: str, decision: str, retained: set[str],
           pairs: dict[tuple[str, str], tuple[str, int]]) -> str:
    """A retained article's decision without its matches, which go to ``pairs`` (each
    once, as ``(a, b)`` with ``a < b``)."""
    record = parsed_json(path, decision, f"the stored decision of article {article_id!r}",
                         dict)
    for match in record.pop("matches", []):
        try:
            partner = match["b"] if match["a"] == article_id else match["a"]
            if partner not in retained:
                continue
            stored = oriented_record(match, min(article_id, partner))
            pairs[(stored["a"], stored["b"])] = (dumps(stored),
                                                 match_key(match_from_record(stored)))
        except (KeyError, TypeError, ValueError) as error:
            damaged(path, f"a match in the stored decision of article {article_id!r} is "
                          f"malformed ({error})")
    return dumps(record)


def _decision_columns(path: str, article_id: str,
                      decision: str | None) -> tuple[str, bool, int]:
    """``boilerplate``, ``digest`` and ``decision_hash`` of a stored decision."""
    record: dict[str, Any] = (parsed_json(path, decision, f"the stored decision of article "
                                                          f"{article_id!r}", dict)
                              if decision else {"boilerplate_paragraphs": [],
                                                "is_digest": False})
    try:
        return (stored_boilerplate(record), bool(record["is_digest"]),
                text_hash(decision or ""))
    except (KeyError, TypeError) as error:
        damaged(path, f"the stored decision of article {article_id!r} is malformed ({error})")
