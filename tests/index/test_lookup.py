"""The index's in-memory structures and blobs, against plain Python models of them."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import Article, DedupConfig
from newsdedup._index import lookup as lookup_module
from newsdedup._index.codec import decode_arrays, decode_features, encode_arrays, encode_features
from newsdedup._index.lookup import Growable, SortedMultimap
from newsdedup._index.paragraphs import ParagraphIndex, band_keys
from newsdedup._index.terms import TermCounts
from newsdedup._text.features import Features, extract_features, select_features
from newsdedup._text.shingle import ShingleSets

_INSERTS = st.lists(st.tuples(st.lists(st.integers(0, 30), max_size=12), st.booleans()),
                    max_size=25)


@settings(max_examples=60, deadline=None)
@given(_INSERTS, st.lists(st.integers(0, 35), max_size=20))
def test_sorted_multimap_finds_what_was_inserted(inserts: list[tuple[list[int], bool]],
                                                 queries: list[int]) -> None:
    """Property: lookups (deferred or merged inserts alike) return exactly the inserted values."""
    model: dict[int, list[int]] = defaultdict(list)
    table = SortedMultimap(np.uint32, np.int64)
    value = 0
    # Small fence blocks: the search crosses block boundaries in these small runs too.
    with mock.patch.multiple(lookup_module, _MIN_DELTA=4, _MAX_DELTA=8, _FENCE_STEP=3):
        for keys, defer in inserts:
            values = list(range(value, value + len(keys)))
            value += len(keys)
            table.insert(np.array(keys, dtype=np.uint32), np.array(values), defer=defer)
            for key, item in zip(keys, values, strict=True):
                model[key].append(item)
        which, found = table.lookup(np.array(queries, dtype=np.uint32))
    got = sorted(zip(which.tolist(), found.tolist(), strict=True))
    expected = sorted((n, item) for n, key in enumerate(queries) for item in model[key])
    assert got == expected
    assert table.counts(np.array(queries, dtype=np.uint32)).tolist() == [
        len(model[key]) for key in queries]
    assert len(table) == sum(len(items) for items in model.values())


def test_growable_keeps_its_values_through_growth() -> None:
    """A Growable array keeps every appended value as it grows, and fills when asked to."""
    grown = Growable(np.int32, fill=-1)
    for start in range(0, 100, 7):
        assert grown.extend(np.arange(start, start + 7)) == start
    grown.grow_to(110)
    assert grown.values.tolist() == list(range(105)) + [-1] * 5


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.lists(st.integers(0, 50), unique=True, max_size=10),
                          st.booleans()), max_size=30))
def test_term_counts_count_documents(changes: list[tuple[list[int], bool]]) -> None:
    """Property: document frequencies after adds and removals match a Counter."""
    counts, model = TermCounts(), Counter[int]()
    for terms, adding in changes:
        array = np.array(terms, dtype=np.uint64)
        counts.apply(counts.delta([array], []) if adding else counts.delta([], [array]), 1)
        model.update({term: 1 if adding else -1 for term in terms})
    probe = np.arange(52, dtype=np.uint64)
    frequencies = counts.frequencies(counts.delta([np.array([3], dtype=np.uint64)], []), 5)
    assert frequencies.lookup(probe).tolist() == [model[t] + (t == 3) for t in range(52)]


_DTYPES = st.sampled_from(["int64", "uint64", "int32", "uint32", "uint16", "int8", "bool",
                           "float64"])


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text("abc.", min_size=1, max_size=4),
                       st.tuples(_DTYPES, st.lists(st.integers(-2**40, 2**40), max_size=50)),
                       max_size=5))
def test_array_blobs_round_trip_any_dtype(fields: dict[str, tuple[str, list[int]]]) -> None:
    """Property: arrays come back with their dtype and values, however they were narrowed."""
    arrays = {}
    for name, (dtype, values) in fields.items():
        info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else None
        clipped = [min(max(v, int(info.min)), int(info.max)) for v in values] if info else values
        arrays[name] = np.array(clipped).astype(dtype)
    decoded, scalars = decode_arrays(encode_arrays(arrays, {"n": len(arrays)}))
    assert scalars == {"n": len(arrays)}
    assert set(decoded) == set(arrays)
    for name, array in arrays.items():
        assert decoded[name].dtype == array.dtype
        assert np.array_equal(decoded[name], array)
        decoded[name][...] = 0  # writable copies, not views of the blob


def test_features_with_other_dtypes_round_trip() -> None:
    """Stored features keep their dtypes: a narrower shingle or term dtype decodes as such."""
    features = extract_features([Article("a", "One two three four five six.\n\nSeven.")],
                                DedupConfig())
    narrow = Features(**{**{name: getattr(features, name) for name in (
        "n_articles", "article_paragraphs", "spans", "token_counts", "fingerprints",
        "pattern_boilerplate", "article_terms", "term_counts", "term_salient", "name_offsets",
        "names", "named_day")},
        "shingles": ShingleSets(features.shingles.offsets,
                                (features.shingles.values >> np.uint64(32)).astype(np.uint32)),
        "terms": features.terms.astype(np.uint32)})
    back = decode_features(encode_features(narrow, frozenset({"terms"})),
                           {"terms": narrow.terms})
    assert back.shingles.values.dtype == np.uint32 and back.terms.dtype == np.uint32
    assert np.array_equal(back.shingles.values, narrow.shingles.values)
    assert np.array_equal(back.spans, narrow.spans)


def test_unreadable_blobs_are_value_errors() -> None:
    """Garbage, a cut blob or stray bytes are ValueErrors, never a crash or a wrong array."""
    blob = encode_arrays({"a": np.arange(5)})
    for bad in (b"garbage!", blob[:6], blob[:-3], blob + b"x"):
        with pytest.raises(ValueError):
            decode_arrays(bad)


def _paragraph_index(texts: list[list[str]]) -> tuple[ParagraphIndex, Any]:
    config = DedupConfig()
    index = ParagraphIndex(config)
    articles = [Article(str(n), "\n\n".join(paragraphs)) for n, paragraphs in enumerate(texts)]
    features = extract_features(articles, config)
    for number in range(features.n_articles):
        part = select_features(features, np.array([number]))
        staged = index.stage(part.fingerprints, band_keys(part.shingles, config),
                             part.shingles.sizes > 0)
        index.commit(staged, np.array([number]), np.array([part.fingerprints.size]),
                     np.zeros((0, 2), dtype=np.int64))
    return index, features


def test_paragraph_index_finds_carriers_and_follows_unions_and_removals() -> None:
    """Identical paragraphs share a uid; unions merge clusters; removed articles stop carrying."""
    footer = "Share this story with your friends on Facebook and follow us for more news."
    index, _ = _paragraph_index([["The storm hit the coast on Monday night.", footer],
                                 ["Markets fell sharply after the report.", footer],
                                 ["The storm hit the coast on Monday evening.", "Other."]])
    (footer_root,) = index.roots(index.occurrence_uid.values[[1]])
    carriers = index.occurrence_slot.values[index.occurrences([footer_root])]
    assert sorted(carriers.tolist()) == [0, 1]
    storm = index.occurrence_uid.values[[0, 4]]
    assert len(set(index.roots(storm).tolist())) == 2
    index.union(int(storm[0]), int(storm[1]))
    (root,) = set(index.roots(storm).tolist())
    assert sorted(index.occurrence_slot.values[index.occurrences([root])].tolist()) == [0, 2]
    assert index.cluster_size(root) == 2
    index.remove(np.array([1]))
    assert index.occurrence_slot.values[index.occurrences([footer_root])].tolist() == [0]


def test_a_near_copy_of_a_stored_paragraph_is_a_band_candidate() -> None:
    """A reworded paragraph finds the stored one through the LSH bands."""
    sentence = ("The council approved the new harbour budget on Tuesday after a long debate "
                "about the cost of dredging the old channel and rebuilding the north pier.")
    index, _ = _paragraph_index([[sentence]])
    edited = sentence.replace("Tuesday", "Wednesday")
    config = DedupConfig()
    features = extract_features([Article("n", edited)], config)
    staged = index.stage(features.fingerprints, band_keys(features.shingles, config),
                         features.shingles.sizes > 0)
    assert staged.uid.tolist() == [index.n_uids]  # a new distinct paragraph
    assert staged.candidates.tolist() == [[index.n_uids, 0]]
