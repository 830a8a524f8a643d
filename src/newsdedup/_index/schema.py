"""The index file's schema: tables, columns, versions, and the rows the store exchanges.

Schema (version 3)::

    meta      key -> value: format marker, schema_version, config, retention_days,
              generation (bumped by every write, so caches in other processes notice),
              batches (number of the last write), featurizer (fingerprint of the map step),
              the row counts of the tables (COUNTS), checksum (of the other rows)
    articles  what is written once per article version: seq, id, record (the Article as
              JSON), published (UTC seconds), retained, features (the article's Features,
              _index.codec), lookup (what the in-memory lookups are rebuilt from:
              fingerprints, band keys, verified paragraph matches, salient and content
              terms), record_hash, written (the batch that last wrote the row), checksum (of
              the small columns). A migrated file keeps its old state columns, unused.
    decisions what adds rewrite, one narrow row per article: id, group_id, story_id,
              canonical_id, story_canonical_id, decision (JSON, without the matches of a
              retained article: those are rows of ``matches``), boilerplate (JSON
              [[paragraph, flag, families]]), digest, decision_hash, n_matches (its rows in
              ``matches``), written, checksum
    groups    id -> the group's header as JSON (ids, canonical and rule, story, member ids in
              order, boilerplate flags of the canonical's paragraphs), size, checksum
              (retained articles only; see ``_index.groups``)
    members   (canonical, member) -> a group member's relation to its canonical and the
              canonical paragraphs it carries, as JSON, key, checksum
    stories   id -> Story as JSON, size, checksum
    matches   (a, b) with a < b -> Match as JSON, key (compares records), checksum: every
              verified match between retained articles, once
    changes   seq, batch, article_id, field, old, new, checksum: the event log behind
              changes(), numbered without gaps

Version 1 files (no stored features) and version 2 files (matches inside each decision, no
checks) are migrated on open: see ``_index.migrate``.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from .integrity import ROW_CHECK_FUNCTION

__all__ = ["ADDED_ARTICLE_COLUMNS", "ARTICLE_CHECKED", "ARTICLE_CHECK_SQL", "CHANGE_FIELDS",
           "COLUMNS_OF", "COUNTS", "DECISION_CHECKED", "DECISION_CHECK_SQL", "FORMAT",
           "MEMORY_COLUMNS", "NEW_TABLES", "RECORD_COLUMNS", "SCHEMA", "SCHEMA_VERSION",
           "STATE_FIELDS", "TABLES", "ArticleRow", "BlobRow", "DecisionRow", "MemoryRow",
           "Writes"]

#: Marker stored in ``meta`` so that a foreign SQLite file is never mistaken for an index.
FORMAT = "newsdedup-index"
#: Bumped whenever the tables change; newer files are refused, older ones migrated.
SCHEMA_VERSION = 3

ARTICLES = """CREATE TABLE articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    record TEXT NOT NULL,
    published REAL,
    retained INTEGER NOT NULL DEFAULT 1,
    features BLOB,
    lookup BLOB,
    record_hash INTEGER,
    written INTEGER NOT NULL DEFAULT 0,
    checksum INTEGER
)"""
#: Columns an older file's ``articles`` gets by ALTER TABLE (its state columns stay, unused).
ADDED_ARTICLE_COLUMNS = ("features BLOB", "lookup BLOB", "record_hash INTEGER",
                         "written INTEGER NOT NULL DEFAULT 0", "checksum INTEGER")
#: What an add rewrites of an article: a narrow row, so that a group of thousands taking a
#: new id rewrites thousands of small rows, not the articles' texts and blobs.
DECISIONS = """CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    group_id TEXT,
    story_id TEXT,
    canonical_id TEXT,
    story_canonical_id TEXT,
    decision TEXT,
    boilerplate TEXT,
    digest INTEGER,
    decision_hash INTEGER,
    n_matches INTEGER NOT NULL DEFAULT 0,
    written INTEGER NOT NULL DEFAULT 0,
    checksum INTEGER
) WITHOUT ROWID"""
RECORD_COLUMNS = ("size INTEGER", "checksum INTEGER")
MATCHES = """CREATE TABLE matches (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    record TEXT NOT NULL,
    key INTEGER NOT NULL,
    checksum INTEGER NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID"""
#: A member of a duplicate group (other than its canonical), see ``_index.groups``.
MEMBERS = """CREATE TABLE members (
    canonical TEXT NOT NULL,
    member TEXT NOT NULL,
    record TEXT NOT NULL,
    key INTEGER NOT NULL,
    checksum INTEGER NOT NULL,
    PRIMARY KEY (canonical, member)
) WITHOUT ROWID"""
#: What schema 3 adds to an older file, after ALTER TABLE.
NEW_TABLES = [DECISIONS, "CREATE INDEX decisions_written ON decisions (written)", MATCHES,
              "CREATE INDEX matches_b ON matches (b)", MEMBERS,
              "CREATE INDEX members_member ON members (member)"]
SCHEMA = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ARTICLES,
    "CREATE INDEX articles_retained ON articles (retained, seq)",
    "CREATE INDEX articles_written ON articles (written)",
    "CREATE TABLE groups (id TEXT PRIMARY KEY, record TEXT NOT NULL, size INTEGER, "
    "checksum INTEGER)",
    "CREATE TABLE stories (id TEXT PRIMARY KEY, record TEXT NOT NULL, size INTEGER, "
    "checksum INTEGER)",
    *NEW_TABLES,
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
COUNTS = ("articles", "retained", "groups", "members", "stories", "matches", "changes")
#: The tables of every schema version (1 on).
TABLES = {"meta", "articles", "groups", "stories", "changes"}
#: The columns of each table at this schema version.
COLUMNS_OF = {
    "meta": {"key", "value"},
    "articles": {"seq", "id", "record", "published", "retained", "features", "lookup",
                 "record_hash", "written", "checksum"},
    "decisions": {"id", "group_id", "story_id", "canonical_id", "story_canonical_id",
                  "decision", "boilerplate", "digest", "decision_hash", "n_matches", "written",
                  "checksum"},
    "groups": {"id", "record", "size", "checksum"},
    "stories": {"id", "record", "size", "checksum"},
    "matches": {"a", "b", "record", "key", "checksum"},
    "members": {"canonical", "member", "record", "key", "checksum"},
    "changes": {"seq", "batch", "article_id", "field", "old", "new", "checksum"},
}

#: The four ids an article's display depends on; a change in any of them is logged.
STATE_FIELDS = ("group_id", "story_id", "canonical_id", "story_canonical_id")
#: Fields of the change log.
CHANGE_FIELDS = frozenset({*STATE_FIELDS, "expired", "removed"})
#: The columns of an article's two rows that their ``checksum`` covers.
ARTICLE_CHECKED = ("id", "record_hash", "published", "retained", "written")
DECISION_CHECKED = ("id", *STATE_FIELDS, "decision_hash", "boilerplate", "digest",
                    "n_matches", "written")
ARTICLE_CHECK_SQL = f"{ROW_CHECK_FUNCTION}({', '.join(ARTICLE_CHECKED)})"
DECISION_CHECK_SQL = f"{ROW_CHECK_FUNCTION}({', '.join(DECISION_CHECKED)})"
#: What the in-memory index reads of an article (MemoryRow), from its two rows.
MEMORY_COLUMNS = ("a.id, a.published, a.retained, d.group_id, d.story_id, d.canonical_id, "
                  "d.story_canonical_id, a.lookup, d.boilerplate, d.digest, d.decision_hash, "
                  "a.written, a.record_hash, d.n_matches, a.checksum, d.written, d.checksum, "
                  "d.id")


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
class ArticleRow:
    """An article to insert or replace in the ``articles`` table (it becomes retained)."""

    id: str
    #: The article as JSON (``Article.to_dict``).
    record: str
    #: Publication time in seconds (None: undated).
    published: float | None
    #: Its encoded features (``_index.blobs.encode_article``).
    features: bytes
    #: Its encoded lookups (``_index.blobs.Lookup.encode``).
    lookup: bytes


@attrs.frozen(slots=True)
class BlobRow:
    """The featurized columns of a stored article, set again by a migration."""

    id: str
    features: bytes
    lookup: bytes


@attrs.frozen(slots=True)
class DecisionRow:
    """An article's decision to store in the ``decisions`` table."""

    id: str
    #: ``STATE_FIELDS``: group, story, canonical and story canonical ids.
    state: tuple[str | None, ...]
    #: The decision as JSON (None: an older file's article never decided; migration only).
    decision: str | None
    #: Its boilerplate paragraphs as the in-memory index reads them
    #: (``_index.result.stored_boilerplate``).
    boilerplate: str
    #: Whether the article is a digest page.
    digest: bool
    #: ``text_hash`` of ``decision``.
    decision_hash: int


@attrs.frozen(slots=True)
class Writes:
    """Everything one write changes, applied in a single transaction by :meth:`IndexStore.apply`.

    ``upserts`` insert or replace articles (:class:`ArticleRow`); ``states`` set articles'
    decisions (:class:`DecisionRow`); ``expire`` marks articles as out of the retention
    window; ``groups`` and ``stories`` map ids to ``(JSON, size)`` to store, or to None to
    delete; ``pairs`` map ``(a, b)`` to a match's ``(JSON, key)`` or None, ``members``
    ``(canonical, member)`` to a group member's; ``match_counts`` set articles'
    ``n_matches``; ``changes`` are ``(article_id, field, old, new)`` events.
    """

    upserts: Sequence[ArticleRow] = ()
    states: Sequence[DecisionRow] = ()
    expire: Sequence[str] = ()
    groups: dict[str, tuple[str, int] | None] = attrs.Factory(dict)
    stories: dict[str, tuple[str, int] | None] = attrs.Factory(dict)
    pairs: dict[tuple[str, str], tuple[str, int] | None] = attrs.Factory(dict)
    members: dict[tuple[str, str], tuple[str, int] | None] = attrs.Factory(dict)
    match_counts: dict[str, int] = attrs.Factory(dict)
    changes: Sequence[tuple[str, str, str | None, str | None]] = ()


