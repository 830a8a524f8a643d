"""_index.migrate: the featurizer fingerprint, and what a migration writes into each row.

Opening a version 1 file or one of another featurizer end to end is pinned in
tests/index/test_neighbourhood.py; these tests check the migration's own output.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from conftest import downgrade_to_schema_1, load_seeds
from newsdedup import Article, DedupConfig, dedup
from newsdedup._core.hashing import digest64
from newsdedup._corpora.synthetic import generate_corpus
from newsdedup._index.codec import decode_features, flatten
from newsdedup._index.migrate import featurizer_fingerprint, migrate
from newsdedup._index.plan import dumps
from newsdedup._index.result import decision_records, oriented_record, record_of
from newsdedup._index.state import IndexState, Lookup
from newsdedup._index.store import IndexStore
from newsdedup._near_duplicates.paragraph_matches import match_paragraphs
from newsdedup._text.features import extract_features

CONFIG = DedupConfig()


def test_the_fingerprint_follows_the_map_step_only() -> None:
    """Stable across calls; changed by settings the map step uses; not by the others."""
    base = featurizer_fingerprint(CONFIG)
    assert base == featurizer_fingerprint(DedupConfig())
    assert len(base) == 16 and int(base, 16) >= 0
    assert featurizer_fingerprint(DedupConfig(shingle_size=4)) != base
    assert featurizer_fingerprint(DedupConfig(boilerplate_patterns=False)) != base
    assert featurizer_fingerprint(DedupConfig(workers=3)) == base
    assert featurizer_fingerprint(DedupConfig(article_threshold=0.7)) == base


def test_the_fingerprint_follows_how_text_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """A release that reads text otherwise (here: without reading mojibake back) has
    another fingerprint, so a file featurized by it is featurized again on open."""
    import newsdedup._text.normalize as normalize

    base = featurizer_fingerprint(CONFIG)
    monkeypatch.setattr(normalize, "_mojibake_read_back", lambda text, where: (text, where))
    assert featurizer_fingerprint(CONFIG) != base


def _v1_store(path: Path, retained: list[Article], expired: list[Article]) -> IndexStore:
    """A version 1 file: records, decisions, groups and stories; the retained articles
    decided together, the expired ones as they were decided before they expired."""
    result = dedup(retained)
    records = {**decision_records(dedup(retained + expired)), **decision_records(result)}
    store = IndexStore(path)
    store.close()
    downgrade_to_schema_1(path)
    with sqlite3.connect(path) as db:
        for table, rows in (("groups", result.groups), ("stories", result.stories)):
            db.executemany(f"INSERT INTO {table} (id, record) VALUES (?, ?)",
                           [(row.id, dumps(record_of(row))) for row in rows])
        for article in retained + expired:
            record = records[article.id]
            db.execute("INSERT INTO articles (id, record, retained, decision, group_id, "
                       "story_id, canonical_id, story_canonical_id) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (article.id, json.dumps(article.to_dict()), int(article in retained),
                        dumps({**record, "expired": article in expired}), record["group_id"],
                        record["story_id"], record["canonical_id"],
                        record["story_canonical_id"]))
    return IndexStore(path)


def test_migration_stores_each_article_features_lookup_and_flags(tmp_path: Path) -> None:
    """Every row, expired ones included, gets the features its record gives, a lookup with
    its fingerprints and terms, and the boilerplate, digest and hash columns of its stored
    decision; the decision itself is untouched but for a retained article's matches, which
    become rows of the matches table; meta says version 3 and this featurizer."""
    seeds = load_seeds()
    retained = [*seeds, Article("repost", seeds[2].text + "\n\nRead original article here."),
                *generate_corpus(20, seed=9, article_bytes=500, copies_rate=0.5,
                                 n_aggregators=2).articles]
    expired = [Article("gone", seeds[1].text, title="Old copy")]
    path = tmp_path / "v1.db"
    store = _v1_store(path, retained, expired)
    assert store.schema_version == 1
    decisions_before = dict(store.all_rows("id, decision"))
    with store.transaction(write=True):
        migrate(store, CONFIG, refeaturize=True)
    assert store.meta()["schema_version"] == "3"
    assert store.meta()["featurizer"] == featurizer_fingerprint(CONFIG)
    rows = store._db.execute(
        "SELECT a.id, a.features, a.lookup, d.boilerplate, d.digest, d.decision_hash, "
        "d.decision, a.retained FROM articles a JOIN decisions d ON d.id = a.id "
        "ORDER BY a.seq").fetchall()
    assert [row[0] for row in rows] == [a.id for a in retained + expired]
    flagged = 0
    for (article_id, blob, lookup_blob, boilerplate, digest, decision_hash, decision,
         kept), article in zip(rows, retained + expired, strict=True):
        before = json.loads(decisions_before[article_id])
        if kept:  # the matches with articles retained
            matches = [m for m in before.pop("matches")
                       if m["b"] in {a.id for a in retained}]
            assert [oriented_record(m, article_id) for m in store.pairs_of(
                article_id, len(matches))] == matches
        assert json.loads(decision) == before and kept == (article in retained)
        lookup = Lookup.decode(lookup_blob, article_id)
        features = decode_features(blob, {"terms": lookup.terms,
                                          "fingerprints": lookup.fingerprints}, article_id)
        own = extract_features([article], CONFIG)
        for (name, value), (_, expected) in zip(flatten(features), flatten(own), strict=True):
            assert np.array_equal(value, expected), (article_id, name)
            assert np.asarray(value).dtype == np.asarray(expected).dtype, (article_id, name)
        record = json.loads(decision)
        assert json.loads(boilerplate) == [
            [b["index"], 2 if b["reason"] == "recurring" else 1, b["families"]]
            for b in record["boilerplate_paragraphs"]]
        flagged += bool(record["boilerplate_paragraphs"])
        assert digest == record["is_digest"]
        assert decision_hash == digest64(decision.encode("utf-8"))
    assert flagged >= 2


def test_migration_remembers_the_paragraph_matches_between_retained_articles(
        tmp_path: Path) -> None:
    """The lookups written by a migration hold the verified paragraph matches, so that the
    memory loaded from them has the batch paragraph clusters."""
    articles = list(generate_corpus(30, seed=12, article_bytes=500, copies_rate=0.6,
                                    n_aggregators=2).articles)
    store = _v1_store(tmp_path / "v1.db", articles, [])
    with store.transaction(write=True):
        migrate(store, CONFIG, refeaturize=True)
    memory = IndexState(CONFIG)
    memory.load(store)
    lookups = [Lookup.decode(blob, key) for key, blob in store.all_rows("id, lookup")]
    assert sum(lookup.match_paragraph.size for lookup in lookups) > 0
    features = extract_features(articles, CONFIG)
    batch = match_paragraphs(features, CONFIG).cluster_of_paragraph
    uids = memory.paragraphs.occurrence_uid.values[:batch.size]
    roots = np.where(uids >= 0, memory.paragraphs.roots(np.maximum(uids, 0)), -1)
    pairs = set(zip(batch.tolist(), roots.tolist(), strict=True))
    assert len(pairs) == len({b for b, _ in pairs}) == len({r for _, r in pairs})
