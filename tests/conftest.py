"""Shared fixtures: the real seed articles and ECB+ documents copied into tests/data."""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import settings

from newsdedup import Article, DedupIndex
from newsdedup._index.state import IndexState
from newsdedup._index.store import IndexStore
from newsdedup._index.terms import TermCounts
from newsdedup._text.paragraphs import split_paragraphs
from newsdedup._text.tokenize import hash_texts, hash_tokens

# The first call of a reference kernel (tests/reference_kernels) in a process compiles it
# with numba (or loads it from numba's cache): a per-example deadline would fail whichever
# test happens to call it first.
settings.register_profile("newsdedup", deadline=None)
settings.load_profile("newsdedup")

DATA = Path(__file__).parent / "data"
SEED_DATE = dt.datetime(2023, 7, 26, 9, 0, tzinfo=dt.UTC)


def load_seeds(dated: bool = False) -> list[Article]:
    """The five seed articles; ids are the file stems (e.g. ``000_c281479aec7ad377``)."""
    files = sorted((DATA / "seeds").glob("*.txt"))
    return [Article(id=path.stem, text=path.read_text("utf-8"),
                    published=SEED_DATE + dt.timedelta(hours=n) if dated else None)
            for n, path in enumerate(files)]


def add_in_batches(index: DedupIndex, articles: list[Article], sizes: list[int]) -> None:
    """Add ``articles`` to ``index`` in order, in batches of ``sizes`` (cycled)."""
    start = 0
    for size in sizes * len(articles):
        if start >= len(articles):
            break
        index.add(articles[start:start + size])
        start += size


def edited_copies(documents: list[dict[str, str]]) -> tuple[list[Article], list[str]]:
    """The documents (ECB+ records) undated, and those of four paragraphs or more (60 at
    most, their ids returned) each copied whole by three sites (no header, no footer:
    nothing but the text), dated, each copy with one word of another paragraph edited (a
    word of six letters or more given another)."""
    chooser = random.Random(11)
    articles, originals = [], []
    for document in documents:
        articles.append(Article(document["id"], document["text"]))
        paragraphs = [p for p in document["text"].split("\n") if p.strip()]
        long_words = [[k for k, word in enumerate(p.split()) if len(word) >= 6 and
                       word.isalpha()] for p in paragraphs]
        editable = [n for n, words in enumerate(long_words) if words]
        if len(paragraphs) < 4 or len(editable) < 3 or len(originals) == 60:
            continue
        originals.append(document["id"])
        for site, edited in enumerate(chooser.sample(editable, 3)):
            words = paragraphs[edited].split()
            words[chooser.choice(long_words[edited])] = chooser.choice(
                ["officials", "yesterday", "authorities", "reportedly"])
            copy = [*paragraphs[:edited], " ".join(words), *paragraphs[edited + 1:]]
            articles.append(Article(f"{document['id']}~copy{site}", "\n\n".join(copy),
                                    published=f"2024-03-{10 + site:02d}T08:00:00Z"))
    return articles, originals


def synced_memory(index: DedupIndex) -> IndexState:
    """The index's in-memory lookups, brought up to date with its file first."""
    index.query("sync")  # a query catches the memory up with what other connections wrote
    memory = index._memory
    assert memory is not None
    return memory


def memory_summary(memory: IndexState, store: IndexStore) -> dict[str, Any]:
    """Everything the memory says about the retained articles, by id (slots may differ)."""
    alive = [slot for slot in range(len(memory.ids)) if memory.alive.values[slot]]
    paragraphs = memory.paragraphs
    carriers: dict[int, set[tuple[str, int]]] = defaultdict(set)
    flags = {}
    terms = set()
    for slot in alive:
        article_id = memory.ids[slot]
        occurrences = paragraphs.slot_occurrences(np.array([slot]))
        uids = paragraphs.occurrence_uid.values[occurrences]
        for number, (occurrence, uid) in enumerate(zip(occurrences.tolist(), uids.tolist(),
                                                       strict=True)):
            flags[article_id, number] = (int(paragraphs.flag.values[occurrence]),
                                         int(paragraphs.families.values[occurrence]))
            if uid >= 0:
                carriers[int(paragraphs.roots(np.array([uid]))[0])].add((article_id, number))
    for slot in alive:
        terms.update(memory.features(store, [slot])[0].terms.tolist())
    probe = np.array(sorted(terms), dtype=np.uint64)
    counts = memory.term_counts.frequencies(TermCounts.delta([], []), memory.n_alive)
    return {
        "alive": sorted(memory.ids[slot] for slot in alive), "n_alive": memory.n_alive,
        "state": {memory.ids[s]: memory.state[s] for s in alive},
        "digest": {memory.ids[s]: bool(memory.digest.values[s]) for s in alive},
        "hash": {memory.ids[s]: int(memory.decision_hash.values[s]) for s in alive},
        "published": {memory.ids[s]: None if np.isnan(memory.published.values[s])
                      else float(memory.published.values[s]) for s in alive},
        "groups": {key: sorted(memory.ids[s] for s in slots)
                   for key, slots in memory.group_members.items()},
        "stories": {key: sorted(memory.ids[s] for s in slots)
                    for key, slots in memory.story_members.items()},
        "clusters": {frozenset(group) for group in carriers.values()},
        "flags": flags,
        "terms": dict(zip(probe.tolist(), counts.lookup(probe).tolist(), strict=True)),
    }


def memory_summary_of(index: DedupIndex) -> dict[str, Any]:
    """:func:`memory_summary` of the index's lookups, synced with its file first."""
    return memory_summary(synced_memory(index), index._store)


def assert_equal_but_unsplit_clusters(kept: dict[str, Any], fresh: dict[str, Any]) -> None:
    """Equal snapshots, except that clusters kept in memory while articles left may be
    coarser than the ones rebuilt from the retained articles (they never split in place),
    never finer."""
    assert {**kept, "clusters": None} == {**fresh, "clusters": None}
    root = {carrier: group for group in kept["clusters"] for carrier in group}
    for group in fresh["clusters"]:
        assert len({root[carrier] for carrier in group}) == 1


def downgrade_to_schema_1(path: Path) -> None:
    """Turn a fresh (empty) index file into a version 1 one: articles with their state and
    decision columns, no stored features, no decisions, matches or members tables."""
    with sqlite3.connect(path) as db:
        for table in ("articles", "decisions", "matches", "members"):
            db.execute(f"DROP TABLE {table}")
        db.execute("""CREATE TABLE articles (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
            record TEXT NOT NULL, published REAL, retained INTEGER NOT NULL DEFAULT 1,
            group_id TEXT, story_id TEXT, canonical_id TEXT, story_canonical_id TEXT,
            decision TEXT)""")
        db.execute("CREATE INDEX articles_retained ON articles (retained, seq)")
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        db.execute("DELETE FROM meta WHERE key = 'checksum'")


def load_ecbplus() -> list[dict[str, str]]:
    """The ECB+ development documents (id, text, topic, event)."""
    with open(DATA / "ecbplus-dev.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# Characters that stress normalization and word boundaries: compatibility forms, case folding
# that grows ("ß", "ẞ"), combining marks, invisible and deleted characters, unspaced scripts,
# digits of other scripts, "_" and joiners (regex word characters but not token characters),
# number signs that are not \w, surrogates, NUL and unusual white space.
_ODD = ("\u00a8", "\u00b4", "\u00ad", "\u200b", "\u200d", "\u2019", "\u201c", "\uff21\uff42",
        "\ufb01", "\u03a3", "\u00df", "\u1e9e", "\u0130", "\u0301", "网飞", "ภาษาไทย", "\u00a0",
        "\u3000", "\t", "\x1f", "\r", "`", "\u2014", "١٢٣", "हिन्दी", "\ud800", "\u01c4",
        "\u01c5", "\ufdfa", "\u337f", "\u00bd", "\u2122", "\U00010107", "_", "\x00", "A1",
        " Upper", ", Name", "; X", "9 Z", "ǅx", " click here ", " read the original article",
        "5 min read", "Follow us on X")


def mangled_texts(seed: int, count: int = 400) -> list[str]:
    """ECB+ paragraphs with odd characters inserted at random places (seeded)."""
    rng = random.Random(seed)
    base = [p for doc in load_ecbplus()[:120] for p in split_paragraphs(doc["text"])]
    out = []
    for paragraph in base[:count]:
        chars = list(paragraph)
        for _ in range(rng.randrange(0, 30)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(_ODD))
        out.append("".join(chars).strip() or "x")
    return [*out, "", "Advertisement", "ADVERTISEMENT", "comments", "_share", "Share"]


def all_paragraphs() -> list[str]:
    """Every paragraph of the seeds and ECB+, plus two sets of mangled paragraphs."""
    seeds = [p for article in load_seeds() for p in split_paragraphs(article.text)]
    ecb = [p for doc in load_ecbplus() for p in split_paragraphs(doc["text"])]
    return seeds + ecb + mangled_texts(1) + mangled_texts(2)


def assert_same_tokens(bulk_texts: list[str], reference_texts: list[str]) -> None:
    """``hash_texts(bulk_texts)`` equals ``hash_tokens(reference_texts)``."""
    bulk, reference = hash_texts(bulk_texts), hash_tokens(reference_texts)
    assert bulk.n_paragraphs == reference.n_paragraphs
    assert np.array_equal(bulk.paragraph, reference.paragraph)
    assert np.array_equal(bulk.hashes, reference.hashes)


@pytest.fixture(scope="session")
def seeds() -> list[Article]:
    """The five seed articles, undated."""
    return load_seeds()


@pytest.fixture(scope="session")
def ecbplus() -> list[dict[str, str]]:
    """The ECB+ development documents."""
    return load_ecbplus()
