"""Short texts compared word by word (``_near_duplicates.word_edits``)."""

from __future__ import annotations

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import load_ecbplus
from newsdedup import Article, DedupConfig, dedup
from newsdedup import _kernels as kernels
from newsdedup._near_duplicates import links as links_module
from newsdedup._near_duplicates import word_edits
from newsdedup._text.features import extract_features
from newsdedup._text.normalize import token_text

_ECB = {row["id"]: row["text"] for row in load_ecbplus()}
# Real ECB+ documents of two short paragraphs: a URL line with a headline or date, and a
# headline or a first sentence.
_VIDEO = _ECB["4_6ecbplus"]
_OBITUARY = _ECB["4_3ecbplus"]
_DAY = "2013-06-06T{}:00:00Z"


def _no_word_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turn the word-by-word check off (to show what it adds)."""
    def nothing(features, allowed, texts, a, b, *rest):  # type: ignore[no-untyped-def]
        return tuple(np.zeros(a.size, dtype=bool) for _ in range(3))
    monkeypatch.setattr("newsdedup._near_duplicates.links.word_edited_copies", nothing)


def test_the_real_texts_are_short() -> None:
    """The documents these tests edit: two lines of 12 and 7 tokens (compared whole) and
    of 20 and 25 (the first, an excerpt, compared with the whole)."""
    for text, sizes in ((_VIDEO, [12, 7]), (_OBITUARY, [20, 25])):
        assert [len(token_text(line).split()) for line in text.split("\n\n")] == sizes


def _joined_word_by_word(monkeypatch: pytest.MonkeyPatch, original: str, copy: str,
                         relation: str) -> None:
    """``copy`` (published two hours after ``original``) is in the original's group with
    ``relation``, and a group of its own without the word-by-word check."""
    articles = [Article("original", original, published=_DAY.format(10)),
                Article("copy", copy, published=_DAY.format(12))]
    result = dedup(articles)
    assert result.article("copy").group_id == result.article("original").group_id
    assert result.article("copy").relation == relation
    _no_word_check(monkeypatch)
    assert dedup(articles).article("copy").group_id != result.article("original").group_id


def test_a_short_article_with_two_edited_words_in_its_url_line_is_a_copy(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A repost of a two-line article (a URL line with its date, and a headline) with two
    words of the URL line replaced shares one of its eight shingles and the headline's
    three: Jaccard 0.22, too few shingles to tell an edit from another text. Word by word
    it is the other's 19 words with two replaced: a near-duplicate, in the original's
    group; without the check it is a group of its own."""
    _joined_word_by_word(monkeypatch, _VIDEO,
                         _VIDEO.replace("nightly", "widely").replace("June", "recently"),
                         "near-duplicate")


def test_a_lead_cut_and_edited_is_a_contained_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A repost cut to the first line of a two-paragraph article with two words replaced
    (its containment 0.38 in shingles, far under the excerpt rule's 0.9) is the original's
    first 25 words with two replaced: a contained copy, in the original's group."""
    lead = _OBITUARY.split("\n\n")[0]
    _joined_word_by_word(monkeypatch, _OBITUARY,
                         lead.replace("obituary", "reportedly").replace("in the", "in again"),
                         "contained-in")


def test_an_edit_of_a_name_or_a_figure_is_another_text() -> None:
    """Two words of the URL line replaced, one of them a name or a figure on both sides
    (another month, another day): another text (a report of another day in one formula),
    not a copy; the same two words replaced by plain words: a copy. (The shingles decide
    none of these: see the first test.)"""
    plain = _VIDEO.replace("nightly", "widely")
    variants = {"month": plain.replace("June", "July"),
                "day": plain.replace("06, 2013", "07, 2013"),
                "plain": plain.replace("June", "recently")}
    for name, text in variants.items():
        result = dedup([Article("report", _VIDEO, published=_DAY.format(10)),
                        Article(name, text, published=_DAY.format(11))])
        joined = result.article(name).group_id == result.article("report").group_id
        assert joined is (name == "plain"), name


def test_a_line_of_seven_words_is_a_copy_with_one_edit_not_two() -> None:
    """Words in common must be many against the edits: ``shingle_size`` per edit and one
    run more. A seven-word line with one word replaced keeps six in order (a copy); with
    two, five (not one)."""
    config = DedupConfig()
    line = "The parliament election is over in Turkmenistan and the count has begun."
    one = line.replace("is over", "is now over")  # an insertion: still one edit
    two = line.replace("parliament", "general").replace("count", "tally")
    features = extract_features([Article("a", line), Article("b", one), Article("c", two)],
                                config)
    allowed = np.ones(features.token_counts.size, dtype=bool)
    texts = [line, one, two]
    a, b = np.array([0, 0]), np.array([1, 2])
    yes = np.array([True, True])
    near, _, _ = word_edits.word_edited_copies(features, allowed, texts, a, b, yes, ~yes, ~yes,
                                               config)
    assert near.tolist() == [True, False]
    # Twelve tokens: one edit needs ten, two fifteen.
    assert len(token_text(line).split()) == 12
    # Without the texts nothing is looked at.
    assert not any(part.any() for part in word_edits.word_edited_copies(
        features, allowed, None, a, b, yes, ~yes, ~yes, config))


_FILLERS = ("reportedly", "still", "widely", "again", "now", "largely", "further")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 18), min_size=0, max_size=4, unique=True),
       st.sampled_from(_FILLERS))
def test_substitutions_are_counted_word_by_word(positions: list[int], filler: str) -> None:
    """Replacing ``k`` words of the real 19-word two-line article by a plain word gives a
    near-duplicate exactly when ``k <= near_duplicate_edits`` and the words left are enough
    (19 >= (k + 1) * 5: two edits, not three). The copy's new words are plain, so one side
    names nothing new whatever it replaced (a figure, a date): the names never block it.
    The same either way round."""
    config = DedupConfig()
    words = token_text(_VIDEO.replace("\n\n", " ")).split()
    assert len(words) == 19
    edited = [filler if i in positions and words[i] != filler else word
              for i, word in enumerate(words)]
    changed = sum(a != b for a, b in zip(words, edited, strict=True))
    original, copy = " ".join(words[:12]) + "\n\n" + " ".join(words[12:]), \
        " ".join(edited[:12]) + "\n\n" + " ".join(edited[12:])
    features = extract_features([Article("a", original), Article("b", copy)], config)
    allowed = features.shingles.sizes > 0
    texts = [original, copy]
    yes, no = np.array([True]), np.array([False])
    expected = changed <= config.near_duplicate_edits and (changed + 1) * 5 <= 19
    for a, b in ((0, 1), (1, 0)):
        near, _, _ = word_edits.word_edited_copies(
            features, allowed, texts, np.array([a]), np.array([b]), yes, no, no, config)
        assert near.tolist() == [expected]


def test_only_short_close_pairs_within_the_edit_budget_are_looked_at() -> None:
    """The candidates: the shorter side at most WORD_CHECK_TOKENS content tokens (a possible
    excerpt up to TEASER_CHECK_TOKENS, a teaser), each side lacking at most
    ``near_duplicate_edits × shingle_size`` of the other's shingles (for an excerpt, its own
    side), as long as each other within the edits for a copy."""
    config = DedupConfig()
    tokens = np.array([19, 19, 60, 25, 17, 45, 130, 200])
    a, b = np.array([0, 0, 3, 0, 2, 0, 6]), np.array([1, 2, 2, 4, 5, 1, 7])
    unshared_a = np.array([7, 7, 10, 15, 5, 7, 5])
    unshared_b = np.array([7, 40, 40, 12, 5, 16, 40])
    wanted = np.ones(7, dtype=bool)
    near, a_lead, b_lead = word_edits.link_candidates(tokens, a, b, unshared_a, unshared_b,
                                                      wanted, config)
    assert near.tolist() == [True, False, False, True, False, False, False]
    assert a_lead.tolist() == [False, True, True, False, False, False, False]
    # 45 tokens against 60: read as a possible teaser; 130 tokens are contained by shingles.
    assert b_lead.tolist() == [False, False, False, True, True, False, False]
    without_teasers = attrs.evolve(config, teaser_tokens=None)
    assert word_edits.link_candidates(tokens, a, b, unshared_a, unshared_b, wanted,
                                      without_teasers)[2].tolist() == [
        False, False, False, True, False, False, False]
    # Far apart in time (not wanted): nothing.
    assert not any(part.any() for part in word_edits.link_candidates(
        tokens, a, b, unshared_a, unshared_b, np.zeros(7, dtype=bool), config))


_STABBING = ("A 39-year-old woman was hospitalized after being stabbed outside a {place} on "
             "Center Street.\n\n{middle}\n\nThe suspect ran from the scene before officers "
             "arrived.{more}\n\nPolice said the investigation is ongoing.{end}")


def test_weeks_later_a_copy_adds_no_line_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two stabbings on one street five weeks apart, told in the station's words: one is
    contained in the other to a half within the edit budget and names nothing new, but it
    adds a sentence of its own in the middle ("Police said the two men knew each other."):
    another incident, no copy. A repost of it five weeks later whose short middle line
    lost every shingle to one edited word ("men" -> "women") is a copy: that line is the
    other's, edited, word by word."""
    first = Article("first", _STABBING.format(
        place="pizza restaurant", middle="The victim was taken to Regional Medical Center "
        "in fair condition.", more=" Investigators remained at the scene for several hours.",
        end=""), published="2021-04-29T08:00:00Z")
    second = Article("second", _STABBING.format(
        place="liquor store", middle="Police said the two men knew each other.", more="",
        end=" No other details were immediately released."), published="2021-06-05T01:00:00Z")
    repost = Article("repost", second.text.replace("two men", "two women"),
                     published="2021-07-10T09:00:00Z")
    result = dedup([first, second, repost])
    assert result.article("second").group_id != result.article("first").group_id
    assert result.article("repost").group_id == result.article("second").group_id
    monkeypatch.setattr("newsdedup._near_duplicates.links.own_lines_edited",
                        lambda features, allowed, texts, inner, outer, wanted, unions, config:
                        np.ones(inner.size, dtype=bool))
    unchecked = dedup([first, second, repost])
    assert unchecked.article("second").group_id == unchecked.article("first").group_id


_LINES = ["The fire started in the kitchen of the two-storey house late on Friday night.",
          "Firefighters from three stations fought the flames for more than an hour.",
          "A neighbour said she heard a loud bang before she saw the smoke rising.",
          "The family of four escaped unharmed and is staying with relatives nearby.",
          "Investigators have not yet said what caused the blaze in the old building.",
          "Police said the two men knew each other.",
          "The road was closed to traffic until early on Saturday morning.",
          "Officials asked anyone with information to contact the fire department."]


@given(st.lists(st.integers(0, len(_LINES) - 1), min_size=0, max_size=7),
       st.lists(st.integers(0, len(_LINES) - 1), min_size=1, max_size=7))
@settings(max_examples=60, deadline=None)
def test_the_compiled_check_finds_the_copies_holding_a_line_of_their_own(
        inner_lines: list[int], outer_lines: list[int]) -> None:
    """The pairs read word by word are those the compiled check flags: the inner text (three
    content paragraphs or more) holds a paragraph sharing no shingle with the outer's
    content after one sharing some and before another; the rule read in Python on every
    pair (the reference) flags the same."""
    inner = Article("inner", "\n\n".join(_LINES[k] for k in inner_lines) or "x")
    outer = Article("outer", "\n\n".join(_LINES[k] for k in outer_lines))
    config = DedupConfig()
    features = extract_features([inner, outer], config)
    allowed = features.shingles.sizes > 0
    unions = links_module.article_shingle_sets(features, allowed)
    flagged = kernels.own_lines_kernel(features.article_paragraphs, allowed,
                                       features.shingles.offsets, features.shingles.values,
                                       unions.offsets, unions.values, np.array([0]),
                                       np.array([1]))
    mine = [p for p in range(features.article_paragraphs[0], features.article_paragraphs[1])
            if allowed[p]]
    outer_set = set(unions.row(1).tolist())
    shares = [bool(set(features.shingles.row(p).tolist()) & outer_set) for p in mine]
    sharing = [position for position, shared in enumerate(shares) if shared]
    expected = (len(mine) >= 3 and bool(outer_set) and len(sharing) >= 2
                and not all(shares[sharing[0]:sharing[-1] + 1]))
    assert flagged.tolist() == [expected]
