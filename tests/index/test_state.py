"""_index.state: lookups round-trip, and the memory rebuilt from the file (on open or by
catching up with another connection) equals the one built add by add."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import numpy as np
import pytest

from conftest import (
    add_in_batches,
    assert_equal_but_unsplit_clusters,
    load_seeds,
    memory_summary_of,
    synced_memory,
)
from newsdedup import Article, DedupConfig, open_index
from newsdedup._corpora.synthetic import generate_corpus
from newsdedup._index import state as memory_module
from newsdedup._index.codec import flatten
from newsdedup._index.state import IndexState
from newsdedup._index.store import IndexStore
from newsdedup._index.terms import TermCounts
from newsdedup._text.features import extract_features

CONFIG = DedupConfig()
CORPUS = sorted(generate_corpus(70, seed=3, article_bytes=500, copies_rate=0.5,
                                n_aggregators=3).articles,
                key=lambda article: (article.published, article.id))


def test_reopening_rebuilds_the_memory_built_by_adds(tmp_path: Path) -> None:
    """The memory loaded from the file equals the one updated add by add: states, groups,
    stories, paragraph clusters and flags, document frequencies."""
    path = tmp_path / "news.db"
    index = open_index(path, retention_days=20)
    add_in_batches(index, CORPUS, [9, 2])
    index.add([Article(CORPUS[40].id, load_seeds()[0].text, published=CORPUS[40].published)])
    built = memory_summary_of(index)
    assert built["n_alive"] < len(CORPUS)  # some expired
    assert sum(len(members) > 1 for members in built["groups"].values()) > 5
    assert built["groups"] == {g.id: sorted(m.id for m in g.members) for g in index.groups()}
    assert built["stories"] == {s.id: sorted(s.member_ids) for s in index.stories()}
    assert_equal_but_unsplit_clusters(built, memory_summary_of(open_index(path)))


def test_catching_up_equals_loading_afresh(tmp_path: Path) -> None:
    """A connection that loaded the index catches up with another's adds in place (same
    memory object) and then equals a fresh load; a replaced article forces a reload."""
    path = tmp_path / "news.db"
    writer = open_index(path, retention_days=20)
    writer.add(CORPUS[:30])
    reader = open_index(path)
    before = synced_memory(reader)
    add_in_batches(writer, CORPUS[30:], [8])
    assert synced_memory(reader) is before  # caught up, not reloaded
    assert any(writer.get(a.id).expired for a in CORPUS[:30])  # some left while caught up
    assert_equal_but_unsplit_clusters(memory_summary_of(reader),
                                      memory_summary_of(open_index(path)))
    writer.add([Article(CORPUS[-1].id, "A different text now.\n\nWith two paragraphs.")])
    assert not before.catch_up(reader._store)
    assert synced_memory(reader) is not before
    assert memory_summary_of(reader) == memory_summary_of(open_index(path))


def test_features_are_read_back_exactly_and_cached_least_recently_used(
        tmp_path: Path) -> None:
    """Stored features (minus the arrays kept in the lookup) decode to the article's own; the
    cache keeps only the most recently used ones."""
    path = tmp_path / "news.db"
    open_index(path).add(CORPUS[:12])
    memory = IndexState(CONFIG)
    store = IndexStore(path)
    memory.load(store)
    with mock.patch.object(memory_module, "FEATURE_CACHE", 3):
        slots = list(range(12))
        got = memory.features(store, slots)
        for slot, features in zip(slots, got, strict=True):
            own = extract_features([CORPUS[slot]], CONFIG)
            assert memory.ids[slot] == CORPUS[slot].id
            for (name, value), (_, expected) in zip(flatten(features), flatten(own),
                                                    strict=True):
                assert np.array_equal(value, expected) and np.asarray(value).dtype == np.asarray(
                    expected).dtype, name
        assert list(memory._features) == [9, 10, 11]
        memory.features(store, [10])
        assert list(memory._features) == [9, 11, 10]
        with mock.patch.object(store, "features", side_effect=AssertionError("read again")):
            assert memory.features(store, [9])[0] is got[9]  # cached: not read again


def test_slots_membership_and_removal() -> None:
    """An alive id cannot take a second slot; removing slots takes them out of matching, of
    their group and story, and their terms out of the counts."""
    index = open_index(":memory:")
    index.add(CORPUS[:20])
    memory = synced_memory(index)
    with pytest.raises(ValueError, match=f"article {CORPUS[0].id!r} is already stored"):
        memory.add_slots([CORPUS[0].id], [None], [], [0])
    group = max(memory.group_members, key=lambda key: len(memory.group_members[key]))
    members = sorted(memory.group_members[group])
    assert len(members) > 1
    features = memory.features(index._store, members[:1])
    memory.remove(members[:1], [features[0].terms])
    assert memory.n_alive == 19 and not memory.alive.values[members[0]]
    assert memory.group_members[group] == set(members[1:])
    assert memory.state[members[0]] == (None, None, None, None)
    live = memory.paragraphs.occurrences(range(memory.paragraphs.n_uids))
    assert members[0] not in set(memory.paragraphs.occurrence_slot.values[live].tolist())
    remaining = [index.article(memory.ids[s]) for s in range(20) if memory.alive.values[s]]
    counts = memory.term_counts.frequencies(TermCounts.delta([], []), 19)
    alone = extract_features(remaining, CONFIG)
    terms = np.unique(features[0].terms).astype(np.uint64)
    expected = [sum(term in set(alone.terms[alone.article_terms[n]:alone.article_terms[n + 1]]
                                .tolist()) for n in range(19)) for term in terms.tolist()]
    assert counts.lookup(terms).tolist() == expected
