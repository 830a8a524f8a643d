"""Shared paragraphs of article pairs: counterparts from both sides, repeats aligned."""

from __future__ import annotations

import numpy as np

from newsdedup import Article, DedupConfig
from newsdedup._near_duplicates.paragraph_matches import match_paragraphs
from newsdedup._near_duplicates.shared import shared_paragraphs
from newsdedup._text.features import extract_features

CONFIG = DedupConfig()
LINES = ["Flood waters rose across the valley on Monday, forcing hundreds from their homes.",
         "Rescue crews used boats to reach villages cut off by the river, officials said.",
         "The regional governor declared a state of emergency late in the evening."]


def _shared(first: Article, second: Article) -> list[tuple[int, int, float]]:
    features = extract_features([first, second], CONFIG)
    matches = match_paragraphs(features, CONFIG)
    _, mine, theirs, similarity = shared_paragraphs(
        features.article_paragraphs, matches.unique_of, features.shingles.sizes > 0,
        matches.partners(), np.array([0]), np.array([1]))
    index = features.paragraph_index
    return [(int(index[m]), int(index[t]), round(float(s), 3))
            for m, t, s in zip(mine, theirs, similarity, strict=True)]


def test_a_copy_with_a_header_pairs_each_paragraph_one_place_later() -> None:
    """Each paragraph is paired with the copy's same text, shifted by the header."""
    original = Article("a", "\n".join(LINES))
    copy = Article("b", "\n".join(["Reposted from the wire.", *LINES]))
    assert _shared(original, copy) == [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)]


def test_repeats_on_both_sides_are_aligned_in_order() -> None:
    """A paragraph repeated in both articles pairs k-th with k-th, not every with every."""
    text = "\n".join([LINES[0], LINES[1], LINES[0], LINES[2], LINES[0]])
    assert _shared(Article("a", text), Article("b", text)) == [
        (0, 0, 1.0), (1, 1, 1.0), (2, 2, 1.0), (3, 3, 1.0), (4, 4, 1.0)]


def test_a_repeat_on_one_side_pairs_with_the_single_copy() -> None:
    """Each occurrence of a paragraph one article repeats pairs with the other's single one."""
    repeated = Article("a", "\n".join([LINES[0], LINES[1], LINES[0]]))
    single = Article("b", "\n".join([LINES[0], LINES[1]]))
    assert _shared(repeated, single) == [(0, 0, 1.0), (1, 1, 1.0), (2, 0, 1.0)]


def test_a_near_copy_pairs_with_its_jaccard() -> None:
    """A lightly edited paragraph pairs with the original at their exact Jaccard (< 1)."""
    edited = LINES[1].replace("boats", "small boats")
    pairs = _shared(Article("a", LINES[1]), Article("b", edited))
    assert len(pairs) == 1 and pairs[0][:2] == (0, 0) and 0.5 <= pairs[0][2] < 1.0


def test_pairs_of_massive_repeats_stay_linear() -> None:
    """Two articles repeating one paragraph 2,000 times give 2,000 pairs, not 4 million."""
    text = "\n".join([LINES[0]] * 2000)
    pairs = _shared(Article("a", text), Article("b", text))
    assert pairs == [(k, k, 1.0) for k in range(2000)]


def test_swapping_the_articles_transposes_the_pairs() -> None:
    """The pairs of (b, a) are those of (a, b) with the sides swapped."""
    a = Article("a", "\n".join([LINES[0], LINES[1], LINES[0], LINES[2]]))
    b = Article("b", "\n".join(["Intro line of the other page.", LINES[2], LINES[0]]))
    assert sorted((t, m, s) for m, t, s in _shared(a, b)) == _shared(b, a)
