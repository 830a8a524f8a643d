"""_index.blobs: an article's lookup and features blobs round-trip, and blobs whose arrays do
not fit together are refused when read."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import pytest

from conftest import load_seeds
from newsdedup import Article, DedupConfig
from newsdedup._corpora.synthetic import generate_corpus
from newsdedup._index.blobs import Lookup, check_features, encode_article, lookup_of
from newsdedup._index.codec import decode_arrays, decode_features, encode_arrays
from newsdedup._index.terms import TermCounts, story_terms
from newsdedup._text.features import extract_features, select_features

CONFIG = DedupConfig()
CORPUS = list(generate_corpus(10, seed=3, article_bytes=500).articles)


def test_lookups_round_trip_and_hold_each_article_part() -> None:
    """A Lookup holds one article's fingerprints, band keys and terms and survives its blob."""
    articles = [*load_seeds(), *CORPUS[:10]]
    features = extract_features(articles, CONFIG)
    counts = TermCounts()
    frequencies = counts.frequencies(counts.delta([features.terms], []), 1)
    lookups = lookup_of(features, CONFIG, [(3, 12345), (features.article_paragraphs[1], 7)],
                        frequencies)
    strong = story_terms(features, frequencies)
    for number, lookup in enumerate(lookups):
        part = select_features(features, np.array([number]))
        assert np.array_equal(lookup.fingerprints, part.fingerprints)
        assert np.array_equal(lookup.terms, part.terms)
        assert np.array_equal(lookup.has_shingles, part.shingles.sizes > 0)
        assert np.array_equal(lookup.story_terms, strong[number])
        back = Lookup.decode(lookup.encode(f"a{number}"), f"a{number}")
        for field in attrs.fields(Lookup):
            mine, theirs = getattr(lookup, field.name), getattr(back, field.name)
            assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs), field.name
    # Matches are remembered as (paragraph within its own article, matched fingerprint).
    assert lookups[0].match_paragraph.tolist() == [3]
    assert lookups[1].match_paragraph.tolist() == [0]
    assert lookups[1].match_fingerprint.tolist() == [7]
    assert all(lookup.match_paragraph.size == 0 for lookup in lookups[2:])


def test_a_lookup_blob_without_a_field_is_a_value_error() -> None:
    """A blob of other arrays is not read as a Lookup."""
    arrays, _ = decode_arrays(Lookup(*(np.zeros(2, dtype=np.int64) for _ in range(7))).encode(
        "a"), "a")
    del arrays["band_keys"]
    with pytest.raises(ValueError, match="lookup blob without 'band_keys'"):
        Lookup.decode(encode_arrays(arrays, key="a"), "a")


def _lookup(**changes: Any) -> Lookup:
    """A consistent lookup of 3 paragraphs (2 bands), with ``changes``."""
    fields = {"fingerprints": np.arange(3, dtype=np.uint64),
              "band_keys": np.zeros((3, 2), dtype=np.uint32),
              "has_shingles": np.ones(3, dtype=bool),
              "match_paragraph": np.array([2], dtype=np.int64),
              "match_fingerprint": np.array([9], dtype=np.uint64),
              "story_terms": np.zeros(2, dtype=np.uint64),
              "terms": np.zeros(4, dtype=np.uint32), **changes}
    return Lookup(**fields)


@pytest.mark.parametrize("changes", [
    {"band_keys": np.zeros((2, 2), dtype=np.uint32)},
    {"band_keys": np.zeros(6, dtype=np.uint32)},
    {"has_shingles": np.ones(4, dtype=bool)},
    {"match_paragraph": np.array([3], dtype=np.int64)},
    {"match_paragraph": np.array([-1], dtype=np.int64)},
    {"match_fingerprint": np.zeros(2, dtype=np.uint64)},
    {"fingerprints": np.arange(3, dtype=np.float64)},
    {"terms": np.zeros((2, 2), dtype=np.uint32)},
])
def test_a_lookup_whose_arrays_do_not_fit_together_is_a_value_error(
        changes: dict[str, Any]) -> None:
    """Arrays of other sizes, dimensions or kinds are refused when the blob is read, not met
    later as an IndexError deep in the in-memory lookups."""
    assert Lookup.decode(_lookup().encode("a"), "a").fingerprints.size == 3
    with pytest.raises(ValueError, match=r"lookup array|inconsistent sizes"):
        Lookup.decode(_lookup(**changes).encode("a"), "a")


def test_features_of_one_article_pass_the_check_and_misfits_do_not() -> None:
    """The features of one stored article fit their paragraph count; the features of two
    articles, or of another count, are refused."""
    features = extract_features([Article("a", "One two three.\n\nFour five six seven.")],
                                CONFIG)
    back = decode_features(encode_article(features, "a"), {
        "terms": features.terms, "fingerprints": features.fingerprints}, "a")
    check_features(back, 2)
    with pytest.raises(ValueError, match="inconsistent sizes"):
        check_features(back, 3)
    two = extract_features([Article("a", "One."), Article("b", "Two.")], CONFIG)
    with pytest.raises(ValueError, match="inconsistent sizes"):
        check_features(two, 1)
    with pytest.raises(ValueError, match="'spans'"):
        check_features(attrs.evolve(back, spans=back.spans.astype(np.float64)), 2)
