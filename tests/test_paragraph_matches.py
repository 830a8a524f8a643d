"""Paragraph matching: identical collapse, LSH candidates, exact verification, clusters."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import load_seeds
from newsdedup import Article, DedupConfig
from newsdedup._features import extract_features
from newsdedup._paragraph_matches import match_paragraphs, paragraph_pairs

CONFIG = DedupConfig()


def test_identical_paragraphs_share_one_unique_paragraph() -> None:
    """The same paragraph in two articles (different case/punctuation) is one unique one."""
    articles = [Article("a", "The Storm hit the coast at dawn, officials said.\nOther."),
                Article("b", "the storm hit the coast at dawn officials said\nDifferent.")]
    features = extract_features(articles, CONFIG)
    matches = match_paragraphs(features, CONFIG)
    assert matches.unique_of[0] == matches.unique_of[2]
    assert len(set(matches.unique_of.tolist())) == 3


def test_seed_matches_are_verified_exactly() -> None:
    """On the seeds, the reported pairs are the known in-article repeats with exact scores."""
    seeds = load_seeds()
    features = extract_features(seeds, CONFIG)
    matches = match_paragraphs(features, CONFIG)
    sizes = features.shingles.sizes
    for left, right, jaccard in zip(matches.left, matches.right, matches.jaccard, strict=True):
        a = set(features.shingles.row(int(matches.representative[left])).tolist())
        b = set(features.shingles.row(int(matches.representative[right])).tolist())
        assert jaccard == len(a & b) / len(a | b)
        assert sizes[matches.representative[left]] > 0
    assert matches.left.size == 4


def test_occurrence_pairs_cover_identical_and_near_copies() -> None:
    """paragraph_pairs expands unique matches to every pair of occurrences."""
    text = "Rescue teams reached the flooded village of Ostrava late on Sunday night."
    near = text.replace("late on Sunday night", "late on Sunday evening")
    articles = [Article("a", text), Article("b", text), Article("c", near)]
    features = extract_features(articles, CONFIG)
    matches = match_paragraphs(features, CONFIG)
    pairs = paragraph_pairs(matches, np.ones(3, dtype=bool))
    found = {(int(f), int(s), round(float(x), 3))
             for f, s, x in zip(pairs.first, pairs.second, pairs.similarity, strict=True)}
    assert (0, 1, 1.0) in found
    assert {(0, 2), (1, 2)} <= {(f, s) for f, s, _ in found}
    # Excluding paragraph 1 removes its pairs.
    pairs = paragraph_pairs(matches, np.array([True, False, True]))
    assert 1 not in set(pairs.first.tolist()) | set(pairs.second.tolist())


def test_bands_signed_in_blocks_find_the_same_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Signing and bucketing a few LSH bands at a time changes no match."""
    from conftest import load_ecbplus
    from newsdedup import _paragraph_matches

    articles = [Article(doc["id"], doc["text"]) for doc in load_ecbplus()[:150]]
    features = extract_features(articles, CONFIG)
    reference = match_paragraphs(features, CONFIG)
    for block in (1, 3, 64):
        monkeypatch.setattr(_paragraph_matches, "_BANDS_PER_BLOCK", block)
        matches = match_paragraphs(features, CONFIG)
        assert np.array_equal(matches.left, reference.left)
        assert np.array_equal(matches.right, reference.right)
        assert np.array_equal(matches.jaccard, reference.jaccard)
    assert reference.left.size > 10
