"""The canonical rule and the name of the step that decided."""

from __future__ import annotations

import pytest

from newsdedup import Article, InputError
from newsdedup._near_duplicates.canonical import RULES, decisive_rule, rank_keys


def _keys(articles: list[Article], content: list[int], noise: list[int]) -> list[tuple]:  # type: ignore[type-arg]
    top = max(content)
    return rank_keys(articles, content, [top] * len(articles), noise)


def test_dated_before_undated_and_earliest_first() -> None:
    """Earliest published wins; undated articles rank after dated ones."""
    articles = [Article("u", "x"), Article("late", "x", published="2023-01-02"),
                Article("early", "x", published="2023-01-01")]
    keys = _keys(articles, [10, 10, 10], [0, 0, 0])
    assert sorted(range(3), key=keys.__getitem__) == [2, 1, 0]
    assert decisive_rule(keys[2], keys[1], user_key=False) == "earliest published"


def test_completeness_within_five_percent_is_a_tie() -> None:
    """A copy with 3% more text does not win on completeness; 30% less loses."""
    articles = [Article("a", "x"), Article("b", "x"), Article("c", "x")]
    keys = _keys(articles, [100, 103, 70], [0, 1, 0])
    assert keys[0][1] == keys[1][1] and keys[2][1] > keys[0][1]
    assert decisive_rule(keys[0], keys[1], user_key=False) == "least boilerplate"
    assert decisive_rule(keys[0], keys[2], user_key=False) == "most complete text"


def test_a_short_text_tolerates_an_edit_of_three_words() -> None:
    """A short original (16 shingles) ties with a copy whose three inserted words made 19;
    a copy that lacks a line of text (9 shingles) still loses. Long texts keep the 5% steps."""
    articles = [Article("original", "x"), Article("edited", "x"), Article("cut", "x")]
    keys = _keys(articles, [16, 19, 10], [0, 1, 0])
    assert keys[0][1] == keys[1][1] and keys[2][1] > keys[0][1]
    assert decisive_rule(keys[0], keys[1], user_key=False) == "least boilerplate"
    long_keys = _keys(articles, [400, 380, 379], [0, 0, 0])
    assert long_keys[0][1] == long_keys[1][1] < long_keys[2][1]


def test_smallest_id_is_last_resort() -> None:
    """Equal on every step: the smallest id wins."""
    articles = [Article("b", "x"), Article("a", "x")]
    keys = _keys(articles, [5, 5], [0, 0])
    assert min(keys) == keys[1]
    assert decisive_rule(keys[1], keys[0], user_key=False) == RULES[-1]


def test_only_member_and_user_key() -> None:
    """Single-member groups and user keys report their own rule names."""
    assert decisive_rule((1,), None, user_key=False) == "only member"
    articles = [Article("a", "x", source="blog"), Article("b", "x", source="wire")]
    keys = rank_keys(articles, [1, 1], [1, 1], [0, 0],
                     canonical_key=lambda art: art.source != "wire")
    assert min(keys) == keys[1]
    assert decisive_rule(keys[1], keys[0], user_key=True) == "user key"


def _user_keys(articles: list[Article], key: object) -> list[tuple]:  # type: ignore[type-arg]
    count = len(articles)
    return rank_keys(articles, [1] * count, [1] * count, [0] * count,
                     canonical_key=key)  # type: ignore[arg-type]


@pytest.mark.parametrize(("key", "clash"), [
    (lambda a: a.published, r"'b' \(key None of type NoneType\) and 'a' \(key datetime"),
    (lambda a: {"a": 1, "b": "late", "c": 2}[a.id],
     r"'b' \(key 'late' of type str\) and 'a' \(key 1"),
    (lambda a: (1, None) if a.id == "a" else (1, 2), r"'b' \(key \(1, 2\) of type tuple\)"),
])
def test_incomparable_user_keys_name_both_articles(key: object, clash: str) -> None:
    """Keys of mixed types are an InputError naming two articles whose keys clash (before
    grouping, instead of a TypeError from inside the sort)."""
    articles = [Article("a", "x", published="2023-01-01"), Article("b", "x"), Article("c", "x")]
    with pytest.raises(InputError, match=r"^canonical_key: the keys of articles " + clash):
        _user_keys(articles, key)


def test_nan_user_key_is_refused() -> None:
    """A NaN key (which would make the canonical depend on input order) names its article."""
    articles = [Article("a", "x"), Article("b", "x")]
    with pytest.raises(InputError, match=r"canonical_key: article 'b' got the key \(0, nan\)"):
        _user_keys(articles, lambda art: (0, float("nan") if art.id == "b" else 1.0))


def test_incomparable_user_keys_fail_dedup_with_input_error() -> None:
    """Through dedup(): an InputError, not a TypeError from the group step."""
    from newsdedup import dedup

    text = "The same words in both copies of this short article."
    with pytest.raises(InputError, match="cannot be compared"):
        dedup([{"id": "a", "text": text, "published": "2023-01-01"}, {"id": "b", "text": text}],
              canonical_key=lambda art: art.published)


def test_story_canonical_rules_are_named_constants() -> None:
    """A story's canonical is its only group's, its largest group's, or the better one's."""
    from types import SimpleNamespace

    from newsdedup._near_duplicates.canonical import LARGEST_GROUP, ONLY_GROUP, story_canonicals

    groups = SimpleNamespace(members=[[0, 1], [2], [3]], canonical=[0, 2, 3])
    keys = [(0, "a"), (1, "b"), (0, "c"), (1, "d")]
    canonicals, rules = story_canonicals([[0], [0, 1], [1, 2]], groups, keys, user_key=False)
    assert canonicals == [0, 0, 2]
    assert rules == [ONLY_GROUP, LARGEST_GROUP, RULES[0]]
    assert (ONLY_GROUP, LARGEST_GROUP) == ("only group", "largest group")
