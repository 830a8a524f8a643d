"""The index file's schema: tables, columns, versions, and the rows the store exchanges.

Schema (version 3)::

    meta      key -> value: format marker, schema_version, config, retention_days,
              generation (bumped by every write, so caches in other processes notice),
              batches (number of the last write), featurizer (fingerprint of the map step),
              the row counts of the tables (COUNTS), checksum (of the other rows)
    articles  seq, id, record (the Article as JSON), published (UTC seconds), retained,
              group_id, story_id, canonical_id, story_canonical_id, decision (JSON, without
              the matches of a retained article: those are rows of ``matches``),
              features (the article's Features, _index_codec), lookup (what the in-memory
              lookups are rebuilt from: fingerprints, band keys, verified paragraph matches,
              salient and content terms), boilerplate (JSON [[paragraph, flag, families]]),
              digest, decision_hash, written (the batch that last wrote the row),
              record_hash, n_matches (its rows in ``matches``), checksum (of the small
              columns)
    groups    id -> DuplicateGroup as JSON, size, checksum (retained articles only)
    stories   id -> Story as JSON, size, checksum
    matches   (a, b) with a < b -> Match as JSON, key (compares records), checksum: every
              verified match between retained articles, once
    changes   seq, batch, article_id, field, old, new, checksum: the event log behind
              changes(), numbered without gaps

Version 1 files (no stored features) and version 2 files (matches inside each decision, no
checks) are migrated on open: see ``_index_migrate``.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ._index_integrity import ROW_CHECK_COLUMNS, ROW_CHECK_FUNCTION

__all__ = ["ARTICLE_COLUMNS", "CHANGE_FIELDS", "COLUMNS_OF", "COUNTS", "FORMAT",
           "MATCHES_TABLE", "MEMORY_COLUMNS", "RECORD_COLUMNS", "ROW_CHECK_SQL", "SCHEMA",
           "SCHEMA_VERSION", "STATE_FIELDS", "TABLES", "MemoryRow", "Writes"]

#: Marker stored in ``meta`` so that a foreign SQLite file is never mistaken for an index.
FORMAT = "newsdedup-index"
#: Bumped whenever the tables change; newer files are refused, older ones migrated.
SCHEMA_VERSION = 3

ARTICLES_V1 = """
CREATE TABLE articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    record TEXT NOT NULL,
    published REAL,
    retained INTEGER NOT NULL DEFAULT 1,
    group_id TEXT,
    story_id TEXT,
    canonical_id TEXT,
    story_canonical_id TEXT,
    decision TEXT
)"""
#: Columns later versions add to ``articles`` (an older file gets them by ALTER TABLE).
ARTICLE_COLUMNS = ("features BLOB", "lookup BLOB", "boilerplate TEXT", "digest INTEGER",
            "decision_hash INTEGER", "written INTEGER NOT NULL DEFAULT 0",
            "record_hash INTEGER", "n_matches INTEGER NOT NULL DEFAULT 0", "checksum INTEGER")
RECORD_COLUMNS = ("size INTEGER", "checksum INTEGER")
MATCHES_TABLE = """CREATE TABLE matches (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    record TEXT NOT NULL,
    key INTEGER NOT NULL,
    checksum INTEGER NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID"""
SCHEMA = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ARTICLES_V1[:-1] + "".join(f",\n    {column}" for column in ARTICLE_COLUMNS) + ")",
    "CREATE INDEX articles_retained ON articles (retained, seq)",
    "CREATE INDEX articles_written ON articles (written)",
    "CREATE TABLE groups (id TEXT PRIMARY KEY, record TEXT NOT NULL, size INTEGER, "
    "checksum INTEGER)",
    "CREATE TABLE stories (id TEXT PRIMARY KEY, record TEXT NOT NULL, size INTEGER, "
    "checksum INTEGER)",
    MATCHES_TABLE,
    "CREATE INDEX matches_b ON matches (b)",
    """CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    batch INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    field TEXT NOT NULL,
    old TEXT,
    new TEXT,
    checksum INTEGER
)""",
]
#: Row counts kept in ``meta`` (checked on open: rows deleted or added by hand are noticed).
COUNTS = ("articles", "retained", "groups", "stories", "matches", "changes")
TABLES = {"meta", "articles", "groups", "stories", "changes"}
#: The columns of each table at this schema version.
COLUMNS_OF = {
    "meta": {"key", "value"},
    "articles": {"seq", "id", "record", "published", "retained", "group_id", "story_id",
                 "canonical_id", "story_canonical_id", "decision",
                 *(column.split()[0] for column in ARTICLE_COLUMNS)},
    "groups": {"id", "record", "size", "checksum"},
    "stories": {"id", "record", "size", "checksum"},
    "matches": {"a", "b", "record", "key", "checksum"},
    "changes": {"seq", "batch", "article_id", "field", "old", "new", "checksum"},
}

#: The four ids an article's display depends on; a change in any of them is logged.
STATE_FIELDS = ("group_id", "story_id", "canonical_id", "story_canonical_id")
#: Fields of the change log.
CHANGE_FIELDS = frozenset({*STATE_FIELDS, "expired", "removed"})
MEMORY_COLUMNS = ("id, published, retained, group_id, story_id, canonical_id, "
                   "story_canonical_id, lookup, boilerplate, digest, decision_hash, written, "
                   "record_hash, n_matches, checksum")
ROW_CHECK_SQL = f"{ROW_CHECK_FUNCTION}({', '.join(ROW_CHECK_COLUMNS)})"


@attrs.frozen(slots=True)
class MemoryRow:
    """What the in-memory index needs of one stored article (no text, no decision JSON)."""

    id: str
    published: float | None
    retained: bool
    state: tuple[str | None, ...]
    lookup: bytes | None
    boilerplate: str | None
    digest: bool
    decision_hash: int | None
    written: int
    n_matches: int = 0


@attrs.frozen(slots=True)
class Writes:
    """Everything one write changes, applied in a single transaction by :meth:`IndexStore.apply`.

    ``upserts`` insert or replace articles: ``(id, record, published, features, lookup)``;
    ``states`` set an article's ``(id, state ids, decision, boilerplate, digest,
    decision_hash)``; ``expire`` marks articles as out of the retention window; ``groups``
    and ``stories`` map ids to ``(JSON, size)`` to store, or to None to delete; ``pairs`` map
    ``(a, b)`` to a match's ``(JSON, key)`` or None; ``match_counts`` set articles'
    ``n_matches``; ``changes`` are ``(article_id, field, old, new)`` events.
    """

    upserts: Sequence[tuple[str, str, float | None, bytes, bytes]] = ()
    states: Sequence[tuple[str, tuple[str | None, ...], str, str, bool, int]] = ()
    expire: Sequence[str] = ()
    groups: dict[str, tuple[str, int] | None] = attrs.Factory(dict)
    stories: dict[str, tuple[str, int] | None] = attrs.Factory(dict)
    pairs: dict[tuple[str, str], tuple[str, int] | None] = attrs.Factory(dict)
    match_counts: dict[str, int] = attrs.Factory(dict)
    changes: Sequence[tuple[str, str, str | None, str | None]] = ()


