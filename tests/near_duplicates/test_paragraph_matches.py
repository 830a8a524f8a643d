"""Paragraph matching: identical collapse, LSH candidates, exact verification, clusters."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import load_seeds
from newsdedup import Article, DedupConfig
from newsdedup._near_duplicates.paragraph_matches import match_paragraphs
from newsdedup._text.features import extract_features

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


def test_partners_list_each_match_from_both_sides() -> None:
    """partners() gives every unique paragraph its matched partners with their Jaccard."""
    text = "Rescue teams reached the flooded village of Ostrava late on Sunday night."
    near = text.replace("late on Sunday night", "late on Sunday evening")
    articles = [Article("a", text), Article("b", text), Article("c", near)]
    features = extract_features(articles, CONFIG)
    matches = match_paragraphs(features, CONFIG)
    offsets, partner, jaccard = matches.partners()
    first, third = int(matches.unique_of[0]), int(matches.unique_of[2])
    assert partner[offsets[first]:offsets[first + 1]].tolist() == [third]
    assert partner[offsets[third]:offsets[third + 1]].tolist() == [first]
    assert jaccard[offsets[first]] == jaccard[offsets[third]] == matches.jaccard[0]


def _edits(n_articles: int) -> list[Article]:
    """``n_articles`` one-word edits of one 60-word paragraph (pairwise Jaccard ~0.9)."""
    words = [f"word{k}" for k in range(60)]
    articles = []
    for number in range(n_articles):
        edited = list(words)
        edited[(7 * number) % 60] = f"edit{number}"
        articles.append(Article(f"a{number:04d}", " ".join(edited)))
    return articles


def test_an_oversized_bucket_is_compared_with_its_earliest_paragraphs() -> None:
    """Hundreds of one-word edits of a paragraph all match the earliest article's paragraph,
    whatever the input order (bucket hubs by priority, not by row)."""
    articles = _edits(300)
    for order in (articles, articles[::-1]):
        features = extract_features(order, CONFIG)
        priority = np.array([int(a.id[1:]) for a in order], dtype=np.int64)
        matches = match_paragraphs(features, CONFIG, priority)
        earliest = int(matches.unique_of[int(np.argmin(priority))])
        offsets, _, _ = matches.partners()
        assert offsets[earliest + 1] - offsets[earliest] == 299


def test_matches_of_an_oversized_bucket_grow_linearly() -> None:
    """Doubling the edits of one paragraph doubles the matches (not quadruples them)."""
    counts = [match_paragraphs(extract_features(_edits(n), CONFIG), CONFIG).left.size
              for n in (1500, 3000)]
    assert counts[1] < 2.3 * counts[0]
    assert counts[1] < 3000 * 2999 / 2 / 20


def test_bands_signed_in_blocks_find_the_same_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Signing and bucketing a few LSH bands at a time changes no match."""
    from conftest import load_ecbplus
    from newsdedup._near_duplicates import paragraph_matches as paragraph_matches_module

    articles = [Article(doc["id"], doc["text"]) for doc in load_ecbplus()[:150]]
    features = extract_features(articles, CONFIG)
    reference = match_paragraphs(features, CONFIG)
    for block in (1, 3, 64):
        monkeypatch.setattr(paragraph_matches_module, "_BANDS_PER_BLOCK", block)
        matches = match_paragraphs(features, CONFIG)
        assert np.array_equal(matches.left, reference.left)
        assert np.array_equal(matches.right, reference.right)
        assert np.array_equal(matches.jaccard, reference.jaccard)
    assert reference.left.size > 10


def test_no_paragraph_with_a_shingle_gives_no_clusters() -> None:
    """Paragraphs without words (only "...", "***") match nothing and belong to no cluster."""
    features = extract_features([Article("a", "..."), Article("b", "***\n\n!!")], CONFIG)
    matches = match_paragraphs(features, CONFIG)
    assert matches.representative.size == 0 and matches.left.size == 0
    assert matches.cluster_of_paragraph.tolist() == [-1] * matches.unique_of.size


_SENTENCE = ("Two gang members were arrested in the fatal shooting of a sheriff's deputy who "
             "was murdered as he was getting ready to go to work, officials announced Saturday.")


def _matched(first: str, second: str) -> bool:
    features = extract_features([Article("a", first), Article("b", second)], CONFIG)
    matches = match_paragraphs(features, CONFIG)
    return bool(matches.unique_of[0] == matches.unique_of[1]
                or matches.cluster_of_paragraph[0] == matches.cluster_of_paragraph[1])


def test_a_line_edited_in_three_words_matches_its_original() -> None:
    """Three words replaced in a 29-token sentence leave 12 of its 25 shingles (Jaccard
    0.32, containment 0.48): under both thresholds, yet the same line, edited. Four words
    replaced far apart leave 8: more edits than near_duplicate_edits, no match."""
    edited = (_SENTENCE.replace("members were", "reportedly were")
              .replace("deputy who", "deputy further").replace("he was", "he still"))
    features = extract_features([Article("a", _SENTENCE), Article("b", edited)], CONFIG)
    matches = match_paragraphs(features, CONFIG)
    assert matches.left.size == 1 and matches.jaccard[0] < CONFIG.paragraph_jaccard
    assert matches.containment[0] < CONFIG.paragraph_containment
    four = (_SENTENCE.replace("members were", "reportedly were")
            .replace("fatal shooting", "fatal attack").replace("was murdered", "was killed")
            .replace("to work", "to church"))
    assert not _matched(_SENTENCE, four)


def test_a_shared_phrase_or_a_short_line_is_no_edited_line() -> None:
    """Two sentences sharing a run of 13 words, the rest of each its own (as few shingles
    apart as three edited words, but six tokens longer), are different lines; a line
    under TEXT_TOKENS tokens has too few shingles for an edit count to mean anything."""
    other = ("Two gang members were arrested in the fatal shooting of a sheriff's deputy on "
             "Friday after a long chase through three counties ended in a crash on the "
             "interstate, police said.")
    assert not _matched(_SENTENCE, other)
    assert not _matched("The parliament election is over in the capital of Turkmenistan.",
                        "The parliament election was over in the capital of Turkmenistan.")
