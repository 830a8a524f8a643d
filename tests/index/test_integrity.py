"""_index.integrity: a damaged or hand-edited index file ends in IndexStoreError, never in
another exception and never in silently wrong answers.

Each case damages a copy of one small index (truncated or zeroed pages, flipped bytes in
blobs, hand-edited rows of every table, deleted rows and tables) and then uses it the way an
application would: open, read every decision, article, group, story and change, query, add,
refresh. Every step must either work, with the answers of the undamaged file, or raise
IndexStoreError naming the file and saying how to recover.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from conftest import load_seeds
from newsdedup import Article, IndexStoreError, open_index
from newsdedup._corpora.synthetic import generate_corpus
from newsdedup._index.integrity import RECOVERY, keyed_check, meta_check, row_check, text_hash


def _articles() -> list[Article]:
    seeds = load_seeds(dated=True)
    base = seeds[0].published
    assert base is not None
    articles = [*seeds, Article("early-copy", seeds[1].text, published=base - dt.timedelta(days=1)),
                Article("repost", seeds[3].text + "\n\nRead original article here.",
                        source="agg.example", published=base)]
    return articles + list(generate_corpus(30, seed=8, article_bytes=600, copies_rate=0.5,
                                           n_aggregators=2).articles)


ARTICLES = _articles()
LATER = list(generate_corpus(36, seed=8, article_bytes=600, copies_rate=0.5,
                             n_aggregators=2).articles[30:])


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of 38 articles: groups of several members, matches, stories, and (with
    retention) expired articles whose decisions keep their matches."""
    path = tmp_path_factory.mktemp("pristine") / "news.db"
    with open_index(path, retention_days=30) as index:
        index.add(ARTICLES[:20])
        index.add(ARTICLES[20:])
    return path


def _use(path: Path) -> dict[str, Any]:
    """Everything an application reads and does with the index (the answers, as JSON)."""
    out: dict[str, Any] = {}
    index = open_index(path)
    try:
        out["len"] = len(index)
        out["decisions"] = {a.id: index.get(a.id).to_record() for a in ARTICLES}
        out["articles"] = {a.id: index.article(a.id).to_dict() for a in ARTICLES}
        out["groups"] = [attrs.asdict(g) for g in index.groups()]
        out["stories"] = [attrs.asdict(s) for s in index.stories()]
        out["changes"] = [attrs.asdict(c) for c in index.changes()]
        out["query"] = index.query(ARTICLES[-1].text).to_record()
        out["add"] = [d.to_record() for d in index.add(LATER).decisions]
        out["after"] = {a.id: index.get(a.id).to_record() for a in ARTICLES + LATER}
        out["refresh"] = len(index.refresh())
    finally:
        index.close()
    return json.loads(json.dumps(out, sort_keys=True))


@pytest.fixture(scope="module")
def expected(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What the undamaged file answers."""
    copy = tmp_path_factory.mktemp("expected") / "news.db"
    shutil.copy(pristine, copy)
    return _use(copy)


def _sql(*statements: str, params: tuple[Any, ...] = ()) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        with sqlite3.connect(path) as db:
            for statement in statements:
                db.execute(statement, params if "?" in statement else ())
    return edit


def _bytes(change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        path.write_bytes(change(path.read_bytes()))
    return edit


def _flip_blob(column: str, position: float) -> Callable[[Path], None]:
    """Flip one byte of an article's blob in place in the file (a bad sector, not an SQL
    edit): SQLite sees a valid page; only the blob's checksum can tell."""
    def edit(path: Path) -> None:
        with sqlite3.connect(path) as db:
            blob = db.execute(f"SELECT {column} FROM articles WHERE id = 'syn0000005'"
                              ).fetchone()[0]
        data = bytearray(path.read_bytes())
        at = data.find(blob[:64])
        assert at > 0 and len(blob) < 4000  # stored whole on one page
        data[at + int(position * (len(blob) - 1))] ^= 0x10
        path.write_bytes(bytes(data))
    return edit


def _other(column: str, table: str = "articles") -> Callable[[Path], None]:
    """Copy one article's value into another's row."""
    return _sql(f"UPDATE {table} SET {column} = (SELECT {column} FROM {table} WHERE id = "
                f"'syn0000004') WHERE id = 'syn0000005'")


def _zero_page(number: int | None) -> Callable[[Path], None]:
    def change(data: bytes) -> bytes:
        page = 4096
        start = (len(data) // page - 1 if number is None else number) * page
        return data[:start] + b"\0" * page + data[start + page:]
    return _bytes(change)


MEMBER = "syn0000005"  # in a group of three, with matches
CASES: dict[str, Callable[[Path], None]] = {
    # -- the file ---------------------------------------------------------------------------
    "truncated to half": _bytes(lambda data: data[:len(data) // 2]),
    "truncated to one page": _bytes(lambda data: data[:4096]),
    "truncated to 100 bytes": _bytes(lambda data: data[:100]),
    "truncated to nothing": _bytes(lambda data: b""),
    "first page zeroed": _zero_page(0),
    "second page zeroed": _zero_page(1),
    "last page zeroed": _zero_page(None),
    "all pages but the header zeroed": _bytes(lambda data: data[:100] + b"\0" * (len(data) - 100)),
    # -- blobs ------------------------------------------------------------------------------
    "features byte flipped on disk (start)": _flip_blob("features", 0.1),
    "features byte flipped on disk (middle)": _flip_blob("features", 0.5),
    "features byte flipped on disk (end)": _flip_blob("features", 1.0),
    "lookup byte flipped on disk": _flip_blob("lookup", 0.6),
    "features cut short": _sql("UPDATE articles SET features = substr(features, 1, "
                               "length(features) - 9) WHERE id = 'syn0000005'"),
    "features of another article": _other("features"),
    "lookup of another article": _other("lookup"),
    "features NULL": _sql("UPDATE articles SET features = NULL WHERE id = 'syn0000005'"),
    "lookup NULL": _sql("UPDATE articles SET lookup = NULL WHERE id = 'syn0000005'"),
    "lookup as text": _sql("UPDATE articles SET lookup = 'text' WHERE id = 'syn0000005'"),
    "features as a number": _sql("UPDATE articles SET features = 7 WHERE id = 'syn0000005'"),
    # -- article rows -----------------------------------------------------------------------
    "published as text": _sql("UPDATE articles SET published = 'abc' WHERE id = 'syn0000005'"),
    "published huge": _sql("UPDATE articles SET published = 1e300 WHERE id = 'syn0000005'"),
    "published negative": _sql("UPDATE articles SET published = -1e15 WHERE id = 'syn0000005'"),
    "published moved a day": _sql("UPDATE articles SET published = published + 86400 "
                                  "WHERE id = 'syn0000005'"),
    "retained 2": _sql("UPDATE articles SET retained = 2 WHERE id = 'syn0000005'"),
    "retained 0": _sql("UPDATE articles SET retained = 0 WHERE id = 'syn0000005'"),
    "expired article retained again": _sql(
        "UPDATE articles SET retained = 1 WHERE id = (SELECT id FROM articles WHERE "
        "retained = 0 LIMIT 1)"),
    "group id NULL": _sql("UPDATE decisions SET group_id = NULL WHERE id = 'syn0000005'"),
    "group id of another group": _sql(
        "UPDATE decisions SET group_id = (SELECT group_id FROM decisions WHERE id = "
        "'syn0000000') WHERE id = 'syn0000005'"),
    "canonical id as a number": _sql("UPDATE decisions SET canonical_id = 12 "
                                     "WHERE id = 'syn0000005'"),
    "decision not JSON": _sql("UPDATE decisions SET decision = '{bad' WHERE id = 'syn0000005'"),
    "decision a list": _sql("UPDATE decisions SET decision = '[]' WHERE id = 'syn0000005'"),
    "decision of another article": _other("decision", "decisions"),
    "decision edited": _sql("UPDATE decisions SET decision = replace(decision, "
                            "'\"is_digest\":false', '\"is_digest\":true') "
                            "WHERE id = 'syn0000005'"),
    "decision hash zero": _sql("UPDATE decisions SET decision_hash = 0 "
                               "WHERE id = 'syn0000005'"),
    "decision row deleted": _sql("DELETE FROM decisions WHERE id = 'syn0000005'"),
    "decision row of an expired article deleted": _sql(
        "DELETE FROM decisions WHERE id = (SELECT id FROM articles WHERE retained = 0 "
        "LIMIT 1)"),
    "decision checksum NULL": _sql("UPDATE decisions SET checksum = NULL "
                                   "WHERE id = 'syn0000005'"),
    "decision written edited": _sql("UPDATE decisions SET written = written + 1 "
                                    "WHERE id = 'syn0000005'"),
    "record edited": _sql("UPDATE articles SET record = replace(record, 'the', 'a') "
                          "WHERE id = 'syn0000005'"),
    "record of another article": _other("record"),
    "record a number": _sql("UPDATE articles SET record = 5 WHERE id = 'syn0000005'"),
    "boilerplate not JSON": _sql("UPDATE decisions SET boilerplate = 'nope' "
                                 "WHERE id = 'syn0000005'"),
    "boilerplate paragraph out of range": _sql(
        "UPDATE decisions SET boilerplate = '[[99,1,1]]' WHERE id = 'syn0000005'"),
    "digest as text": _sql("UPDATE decisions SET digest = 'yes' WHERE id = 'syn0000005'"),
    "n_matches more": _sql("UPDATE decisions SET n_matches = n_matches + 1 "
                           "WHERE id = 'syn0000005'"),
    "n_matches negative": _sql("UPDATE decisions SET n_matches = -1 WHERE id = 'syn0000005'"),
    "written negative": _sql("UPDATE articles SET written = -5 WHERE id = 'syn0000005'"),
    "written huge": _sql("UPDATE articles SET written = 9223372036854775807 "
                         "WHERE id = 'syn0000005'"),
    "checksum NULL": _sql("UPDATE articles SET checksum = NULL WHERE id = 'syn0000005'"),
    "a member deleted": _sql("DELETE FROM articles WHERE id = 'syn0000005'"),
    "a row added": _sql("INSERT INTO articles (id, record, published, retained) VALUES "
                        "('new', '{\"id\":\"new\",\"text\":\"x\"}', NULL, 1)"),
    "a row and its decision added": _sql(
        "INSERT INTO articles (id, record, retained, features, lookup, written) SELECT 'new', "
        "record, retained, features, lookup, written FROM articles WHERE id = 'syn0000005'",
        "INSERT INTO decisions SELECT 'new', group_id, story_id, canonical_id, "
        "story_canonical_id, decision, boilerplate, digest, decision_hash, n_matches, "
        "written, checksum FROM decisions WHERE id = 'syn0000005'"),
    # -- groups, stories, matches -------------------------------------------------------------
    "group deleted": _sql("DELETE FROM groups WHERE id = (SELECT group_id FROM decisions "
                          "WHERE id = 'syn0000005')"),
    "group added": _sql("INSERT INTO groups SELECT 'g-extra', record, size, checksum "
                        "FROM groups LIMIT 1"),
    "group record not JSON": _sql("UPDATE groups SET record = '{' WHERE id = (SELECT "
                                  "group_id FROM decisions WHERE id = 'syn0000005')"),
    "group record of another group": _sql(
        "UPDATE groups SET record = (SELECT record FROM groups ORDER BY id LIMIT 1) "
        "WHERE id = (SELECT id FROM groups ORDER BY id LIMIT 1 OFFSET 1)"),
    "group size edited": _sql("UPDATE groups SET size = size + 1 WHERE id = (SELECT group_id "
                              "FROM decisions WHERE id = 'syn0000005')"),
    "group canonical edited": _sql(
        "UPDATE groups SET record = replace(record, '\"canonical_rule\":\"', "
        "'\"canonical_rule\":\"x') WHERE id = (SELECT group_id FROM decisions WHERE id = "
        "'syn0000005')"),
    "group member row deleted": _sql("DELETE FROM members WHERE member = 'syn0000005'"),
    "group member part edited": _sql("UPDATE members SET record = replace(record, "
                                     "'\"jaccard\":', '\"jaccard\":0.') "
                                     "WHERE member = 'syn0000005'"),
    "group member of another canonical": _sql("UPDATE members SET canonical = 'syn0000000' "
                                              "WHERE member = 'syn0000005'"),
    "members table dropped": _sql("DROP TABLE members"),
    "story deleted": _sql("DELETE FROM stories WHERE id = (SELECT story_id FROM decisions "
                          "WHERE id = 'syn0000005')"),
    "story member list edited": _sql(
        "UPDATE stories SET record = replace(record, 'syn0000005', 'syn0000099') "
        "WHERE id = (SELECT story_id FROM decisions WHERE id = 'syn0000005')"),
    "match deleted": _sql("DELETE FROM matches WHERE a = 'syn0000005' OR b = 'syn0000005'"),
    "match score edited": _sql("UPDATE matches SET record = replace(record, '\"jaccard\":', "
                               "'\"jaccard\":0.1') WHERE a = 'syn0000005' OR b = 'syn0000005'"),
    "match of other articles": _sql("UPDATE matches SET record = replace(record, 'syn', 'nys')"),
    "match added": _sql("INSERT INTO matches SELECT 'syn0000000', 'syn0000001', record, key, "
                        "checksum FROM matches LIMIT 1"),
    "match key edited": _sql("UPDATE matches SET key = key + 1"),
    # -- the change log ---------------------------------------------------------------------
    "change field edited": _sql("UPDATE changes SET field = 'bogus' WHERE seq = 3"),
    "change batch as text": _sql("UPDATE changes SET batch = 'x' WHERE seq = 3"),
    "change deleted": _sql("DELETE FROM changes WHERE seq = 3"),
    "change old value a number": _sql("UPDATE changes SET old = 5 WHERE seq = 3"),
    # -- meta -------------------------------------------------------------------------------
    "config deleted": _sql("DELETE FROM meta WHERE key = 'config'"),
    "config not JSON": _sql("UPDATE meta SET value = '{bad' WHERE key = 'config'"),
    "config edited": _sql("UPDATE meta SET value = replace(value, '\"article_threshold\":0.8',"
                          " '\"article_threshold\":0.5') WHERE key = 'config'"),
    "retention negative": _sql("UPDATE meta SET value = '-3' WHERE key = 'retention_days'"),
    "retention removed": _sql("UPDATE meta SET value = 'null' WHERE key = 'retention_days'"),
    "generation not a number": _sql("UPDATE meta SET value = 'x' WHERE key = 'generation'"),
    "batches negative": _sql("UPDATE meta SET value = '-1' WHERE key = 'batches'"),
    "batches as a blob": _sql("UPDATE meta SET value = x'31' WHERE key = 'batches'"),
    "featurizer edited": _sql("UPDATE meta SET value = 'abc' WHERE key = 'featurizer'"),
    "meta checksum deleted": _sql("DELETE FROM meta WHERE key = 'checksum'"),
    "format marker edited": _sql("UPDATE meta SET value = 'other' WHERE key = 'format'"),
    # -- tables -----------------------------------------------------------------------------
    "changes table dropped": _sql("DROP TABLE changes"),
    "matches table dropped": _sql("DROP TABLE matches"),
    "groups table dropped": _sql("DROP TABLE groups"),
    "articles table dropped": _sql("DROP TABLE articles"),
    "meta table dropped": _sql("DROP TABLE meta"),
    "a column dropped": _sql("ALTER TABLE decisions DROP COLUMN n_matches"),
    "decisions table dropped": _sql("DROP TABLE decisions"),
}
#: Damage that changes nothing the index answers: the file must keep working as before.
HARMLESS = {"match key edited"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_damage_is_an_index_store_error_or_harmless(name: str, pristine: Path,
                                                    expected: dict[str, Any],
                                                    tmp_path: Path) -> None:
    """Each kind of damage raises IndexStoreError (naming the file, saying how to recover)
    at some step of normal use, or changes nothing; never another exception."""
    path = tmp_path / "news.db"
    shutil.copy(pristine, path)
    CASES[name](path)
    try:
        answers = _use(path)
    except IndexStoreError as error:
        assert name not in HARMLESS, error
        message = str(error)
        assert message.startswith(f"{path}: "), message
        assert ("restore" in message and "backup" in message) or "delete the empty file" in (
            message), message
        return
    assert name in HARMLESS, f"{name}: no error"
    assert answers == expected


def test_every_kind_of_damage_is_covered() -> None:
    """The cases cover the file, every table and every article column the index reads."""
    edited = " ".join(CASES)
    for word in ("truncated", "zeroed", "flipped", "features", "lookup", "published",
                 "retained", "group", "decision", "record", "boilerplate", "digest",
                 "n_matches", "written", "checksum", "story", "match", "change", "config",
                 "retention", "generation", "batches", "featurizer", "dropped"):
        assert word in edited, word


def test_the_recovery_advice_names_the_file(tmp_path: Path) -> None:
    """The advice says how to get the stored articles out for a rebuild, with the path."""
    path = tmp_path / "news.db"
    open_index(path).add(ARTICLES[:3])
    with sqlite3.connect(path) as db:
        db.execute("UPDATE articles SET features = substr(features, 1, 30)")
    with pytest.raises(IndexStoreError) as raised:
        open_index(path).query(ARTICLES[0].text)
    assert f'sqlite3 {path} "SELECT record FROM articles ORDER BY seq"' in str(raised.value)
    assert RECOVERY.startswith("restore the file from a backup, or rebuild the index")


def test_row_checksums_cover_every_small_column() -> None:
    """Changing any one value of a row changes its checksum (types too: 1 is not 1.0)."""
    values = ("a", 5, 100.0, 1, "g", "s", "a", "a", -7, "[]", 0, 2, 3)
    base = row_check(*values)
    for position in range(len(values)):
        changed = list(values)
        changed[position] = None
        assert row_check(*changed) != base, position
    assert row_check(*values[:2], 100, *values[3:]) != base
    assert keyed_check("g1", "{}") != keyed_check("g2", "{}")
    assert meta_check({"a": "1", "checksum": "x"}) == meta_check({"a": "1"}) != meta_check(
        {"a": "2"})
    assert text_hash("é") == text_hash("é") != text_hash("e")
