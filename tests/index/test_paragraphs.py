"""_index.paragraphs: uids, band keys, clusters and occurrences against a batch run's own.

An index built by adds must hold, for the retained articles, exactly the paragraph clusters
that ``match_paragraphs`` finds over all of them at once, and every occurrence's boilerplate
flag must be the one ``dedup()`` decides.
"""

from __future__ import annotations

import random
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import add_in_batches, load_seeds
from newsdedup import Article, DedupConfig, DedupIndex, dedup, open_index
from newsdedup._corpora.synthetic import generate_corpus
from newsdedup._index.paragraphs import NO_FLAG, PATTERN, RECURRING, ParagraphIndex, band_keys
from newsdedup._index.state import IndexState
from newsdedup._near_duplicates.lsh import choose_bands
from newsdedup._near_duplicates.minhash import signatures
from newsdedup._near_duplicates.paragraph_matches import match_paragraphs
from newsdedup._text.features import extract_features
from newsdedup._text.shingle import shingle_sets
from newsdedup._text.tokenize import hash_tokens
from strategies import paragraphs

CONFIG = DedupConfig()
#: Syndicated copies with aggregator headers and footers: many multi-article clusters.
CORPUS = list(generate_corpus(90, seed=21, article_bytes=500, copies_rate=0.5,
                              digest_rate=0.05, n_aggregators=3).articles)
Carrier = tuple[str, int]  # (article id, paragraph index)


def _memory(index: DedupIndex) -> IndexState:
    memory = index._memory
    assert memory is not None
    return memory


def _index_clusters(index: DedupIndex, ids: list[str]) -> dict[Carrier, int]:
    """Cluster root of every paragraph with shingles of the articles ``ids``."""
    memory = _memory(index)
    out = {}
    for article_id in ids:
        occurrences = memory.paragraphs.slot_occurrences(np.array([memory.slot_of[article_id]]))
        uids = memory.paragraphs.occurrence_uid.values[occurrences]
        roots = memory.paragraphs.roots(np.maximum(uids, 0))
        for number, (uid, root) in enumerate(zip(uids.tolist(), roots.tolist(), strict=True)):
            if uid >= 0:
                out[article_id, number] = root
    return out


def _batch_clusters(articles: list[Article]) -> dict[Carrier, int]:
    """Paragraph cluster of every paragraph with shingles, as one batch run finds them."""
    features = extract_features(articles, CONFIG)
    clusters = match_paragraphs(features, CONFIG).cluster_of_paragraph
    owners = features.paragraph_article.tolist()
    numbers = features.paragraph_index.tolist()
    return {(articles[owner].id, number): cluster
            for owner, number, cluster in zip(owners, numbers, clusters.tolist(), strict=True)
            if cluster >= 0}


def _partition(labels: dict[Carrier, int]) -> set[frozenset[Carrier]]:
    groups: dict[int, set[Carrier]] = defaultdict(set)
    for carrier, label in labels.items():
        groups[label].add(carrier)
    return {frozenset(group) for group in groups.values()}


@pytest.mark.parametrize(("seed", "sizes"), [(None, [7]), (1, [1, 3]), (2, [30, 1, 11])])
def test_clusters_equal_the_batch_paragraph_clusters(seed: int | None,
                                                     sizes: list[int]) -> None:
    """Whatever the arrival order and batch sizes, the union-find clusters over the stored
    paragraphs are exactly the connected components of one batch run's paragraph matches."""
    articles = list(CORPUS)
    if seed is not None:
        random.Random(seed).shuffle(articles)
    index = open_index(":memory:")
    add_in_batches(index, articles, sizes)
    ids = [a.id for a in articles]
    clusters = _index_clusters(index, ids)
    expected = _batch_clusters(articles)
    assert clusters.keys() == expected.keys()  # the same paragraphs have shingles
    assert _partition(clusters) == _partition(expected)
    assert sum(len(group) > 1 for group in _partition(expected)) > 40  # a real test


def test_uids_are_fingerprints_and_occurrences_are_the_carriers() -> None:
    """One uid per distinct fingerprint; a cluster's live occurrences, size and uids are
    exactly its carriers."""
    index = open_index(":memory:")
    add_in_batches(index, CORPUS, [13])
    memory = _memory(index)
    paragraphs = memory.paragraphs
    features = extract_features(CORPUS, CONFIG)
    has = features.shingles.sizes > 0
    uids = paragraphs.occurrence_uid.values[:len(paragraphs.occurrence_uid)]
    assert np.array_equal(uids >= 0, has)  # slots are in arrival order, like CORPUS
    assert np.array_equal(paragraphs.fingerprints(uids[has]), features.fingerprints[has])
    assert paragraphs.n_uids == np.unique(features.fingerprints[has]).size
    clusters = _index_clusters(index, [a.id for a in CORPUS])
    by_root: dict[int, set[Carrier]] = defaultdict(set)
    for carrier, root in clusters.items():
        by_root[root].add(carrier)
    for root, carriers in by_root.items():
        found = paragraphs.occurrences([root])
        slots = paragraphs.occurrence_slot.values[found]
        firsts = paragraphs.slot_first.values[slots]
        assert {(memory.ids[slot], int(occurrence - first)) for slot, occurrence, first
                in zip(slots.tolist(), found.tolist(), firsts.tolist(), strict=True)
                } == carriers
        assert paragraphs.cluster_size(root) == len(carriers)
        members = set(paragraphs.cluster_uids(root))
        assert members == {int(u) for u in uids[found]}
        assert set(paragraphs.roots(np.array(sorted(members))).tolist()) == {root}


def test_occurrence_flags_are_the_batch_boilerplate_decisions() -> None:
    """Each stored paragraph's flag and family count are those dedup() gives it, and a
    cluster's flag is that of its carriers."""
    seeds = load_seeds()
    repost = Article("repost", seeds[3].text + "\n\nRead original article here.")
    articles = [*CORPUS, *seeds, repost]
    index = open_index(":memory:")
    add_in_batches(index, articles, [20])
    memory = _memory(index)
    reference = dedup(sorted(articles, key=lambda a: a.id))
    reasons: set[str] = set()
    for article in articles:
        expected = {b.index: (RECURRING if b.reason == "recurring" else PATTERN, b.families)
                    for b in reference.article(article.id).boilerplate_paragraphs}
        reasons |= {b.reason for b in reference.article(article.id).boilerplate_paragraphs}
        occurrences = memory.paragraphs.slot_occurrences(np.array([memory.slot_of[article.id]]))
        flags = memory.paragraphs.flag.values[occurrences].tolist()
        families = memory.paragraphs.families.values[occurrences].tolist()
        assert [(f, n) for f, n in zip(flags, families, strict=True)] == [
            expected.get(number, (NO_FLAG, 0)) for number in range(len(flags))]
    assert reasons == {"recurring", "pattern"}
    clusters = _index_clusters(index, [a.id for a in articles])
    for (article_id, number), root in clusters.items():
        occurrence = memory.paragraphs.slot_occurrences(
            np.array([memory.slot_of[article_id]]))[number]
        if memory.paragraphs.flag.values[occurrence] == RECURRING:
            assert memory.paragraphs.cluster_flag(root)[0] == RECURRING


def test_replaced_articles_stop_carrying_and_clusters_never_split() -> None:
    """A replaced article's old paragraphs leave every cluster (size, occurrences); clusters
    stay a superset of the batch ones over what is retained."""
    index = open_index(":memory:")
    index.add(CORPUS)
    memory = _memory(index)
    before = _index_clusters(index, [a.id for a in CORPUS])
    sizes = {root: memory.paragraphs.cluster_size(root) for root in set(before.values())}
    # The article carrying the most shared paragraphs gets unrelated text.
    shared = defaultdict(int)
    for (article_id, _), root in before.items():
        shared[article_id] += sizes[root] > 1
    victim = max(shared, key=lambda article_id: (shared[article_id], article_id))
    old_slot = memory.slot_of[victim]
    index.add([Article(victim, "Entirely new words about a village fair.\n\nA second line.")])
    assert memory.slot_of[victim] != old_slot
    live_slots = set(memory.paragraphs.occurrence_slot.values[
        memory.paragraphs.occurrences(set(before.values()))].tolist())
    assert old_slot not in live_slots
    for root, size in sizes.items():
        lost = sum(1 for (article_id, _), r in before.items() if r == root
                   and article_id == victim)
        assert memory.paragraphs.cluster_size(int(memory.paragraphs.roots(
            np.array([root]))[0])) == size - lost
    retained = [index.article(a.id) for a in CORPUS]
    after = _index_clusters(index, [a.id for a in retained])
    for group in _partition(_batch_clusters(retained)):
        assert len({after[carrier] for carrier in group}) == 1


@settings(max_examples=30, deadline=None)
@given(st.lists(paragraphs(3, 25), min_size=2, max_size=8))
def test_band_keys_agree_exactly_when_the_minhash_bands_agree(texts: list[str]) -> None:
    """Property: two paragraphs share a band key iff their MinHash values of that band agree
    (32-bit collisions aside: none among a few hundred comparisons)."""
    sets = shingle_sets(hash_tokens(texts), CONFIG.shingle_size)
    keys = band_keys(sets, CONFIG)
    bands, rows = choose_bands(CONFIG.lsh_threshold, CONFIG.num_perm)
    values = signatures(sets, CONFIG.num_perm, CONFIG.seed, columns=bands * rows)
    values = values.reshape(len(texts), bands, rows)
    assert keys.shape == (len(texts), bands) and keys.dtype == np.uint32
    for left in range(len(texts)):
        for right in range(left + 1, len(texts)):
            same_band = (values[left] == values[right]).all(axis=1)
            assert np.array_equal(keys[left] == keys[right], same_band)


def test_stage_numbers_new_paragraphs_and_changes_nothing() -> None:
    """Staging finds stored uids by fingerprint, numbers new distinct paragraphs by first
    appearance (repeats share one), gives -1 to paragraphs without shingles, lists each band
    candidate pair once (newer uid first), and stores nothing."""
    seeds = load_seeds()
    paragraph_index = ParagraphIndex(CONFIG)
    stored = extract_features(seeds[:2], CONFIG)
    staged = paragraph_index.stage(stored.fingerprints, band_keys(stored.shingles, CONFIG),
                                   stored.shingles.sizes > 0)
    paragraph_index.commit(staged, np.array([0, 1]), np.diff(stored.article_paragraphs),
                           np.zeros((0, 2), dtype=np.int64))
    n_uids = paragraph_index.n_uids
    first_stored = seeds[0].text.split("\n")[1]
    edited = first_stored.replace("better pay", "higher pay")
    assert edited != first_stored
    fresh = ["Completely fresh text about harbour cranes and their crews at dawn.",
             "!!!", first_stored, "Completely fresh text about harbour cranes and their "
             "crews at dawn.", edited]
    new = extract_features([Article("n", "\n\n".join(fresh))], CONFIG)
    keys = band_keys(new.shingles, CONFIG)
    occurrences = len(paragraph_index.occurrence_uid)
    again = paragraph_index.stage(new.fingerprints, keys, new.shingles.sizes > 0)
    uid = again.uid.tolist()
    assert uid[1] == -1  # no shingles
    (which,), (known,) = paragraph_index.uids_of(new.fingerprints[[2]])
    assert which == 0 and uid[2] == known < n_uids  # a stored paragraph keeps its uid
    assert uid[0] == uid[3] == n_uids and uid[4] == n_uids + 1  # by first appearance
    assert again.new_first.tolist() == [0, 4]
    assert np.array_equal(again.new_fingerprints, new.fingerprints[[0, 4]])
    assert np.array_equal(again.new_keys, keys[[0, 4]])
    pairs = again.candidates
    assert (pairs[:, 0] > pairs[:, 1]).all() and len({tuple(p) for p in pairs.tolist()}) == len(
        pairs)
    assert [n_uids + 1, known] in pairs.tolist()  # the edit meets its original in a band
    assert (paragraph_index.n_uids, len(paragraph_index.occurrence_uid)) == (n_uids,
                                                                             occurrences)
    assert paragraph_index.stage(new.fingerprints, keys, new.shingles.sizes > 0,
                                 candidates=False).candidates.shape == (0, 2)
