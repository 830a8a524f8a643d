"""The canonical rule and the name of the step that decided."""

from __future__ import annotations

from urllib.parse import urlsplit

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from newsdedup import Article, InputError, dedup
from newsdedup._near_duplicates.canonical import (
    RULES,
    decisive_rule,
    page_versions,
    rank_keys,
    url_host,
)


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


def test_versions_of_one_page_count_from_its_first_version() -> None:
    """A page crawled twice (the same url, up to scheme, "www.", a trailing slash and a
    fragment) is one publication: its later, longer version wins on completeness, and a
    repost published between the two still loses on time."""
    page = "https://www.example.com/news/fire"
    articles = [Article("v1", "x", url=page, published="2024-03-01T10:00:00Z"),
                Article("repost", "x", url="https://feed.example/1",
                        published="2024-03-01T11:00:00Z"),
                Article("v2", "x", url="http://example.com/news/fire/#update",
                        published="2024-03-01T13:00:00Z")]
    keys = rank_keys(articles, [60, 60, 100], [100, 100, 100], [0, 1, 0])
    assert sorted(range(3), key=keys.__getitem__) == [2, 0, 1]
    assert decisive_rule(keys[2], keys[0], user_key=False) == "most complete text"
    assert decisive_rule(keys[0], keys[1], user_key=False) == "earliest published"
    # A correction of the same length: the latest version, ahead of less boilerplate.
    keys = rank_keys(articles, [100, 60, 100], [100, 100, 100], [0, 1, 1])
    assert sorted(range(3), key=keys.__getitem__) == [2, 0, 1]
    assert decisive_rule(keys[2], keys[0], user_key=False) == "latest version"


def test_a_page_fetched_again_unchanged_keeps_its_first_fetch() -> None:
    """Fetches of one page with equal texts are one version, first published at its first
    fetch: the latest text wins, and of its fetches the first."""
    page = "https://example.com/news/fire"
    articles = [Article("a-10h", "x", url=page, published="2024-03-01T10:00:00Z"),
                Article("a-12h", "x", url=page, published="2024-03-01T12:00:00Z"),
                Article("b-13h", "x y", url=page, published="2024-03-01T13:00:00Z"),
                Article("b-undated", "x y", url=page)]
    texts = {0: 7, 1: 7, 2: 9, 3: 9}
    times, rank = page_versions(
        articles, lambda numbers: np.array([texts[n] for n in numbers.tolist()], np.uint64))
    assert len(set(times.tolist())) == 1
    assert rank.tolist() == [2, 3, 0, 1]
    _, unchanged = page_versions(
        articles[:2], lambda numbers: np.full(numbers.size, 7, dtype=np.uint64))
    assert unchanged.tolist() == [0, 1]


def test_an_updated_page_shows_its_latest_version(ecbplus: list[dict[str, str]]) -> None:
    """ECB+ reports of six paragraphs or more published as a page with all but their last two
    (paragraphs of text: 15 words or more), updated twice (a paragraph more each time) and
    reposted by an aggregator after the first version: every group holds the four, and its
    canonical is the last version (before ``page_times``: the first)."""
    documents = [d for d in ecbplus
                 if len(paragraphs := [p for p in d["text"].split("\n") if p.strip()]) >= 6
                 and min(len(p.split()) for p in paragraphs[-2:]) >= 15]
    articles = []
    for n, document in enumerate(documents[:20]):
        paragraphs = [p for p in document["text"].split("\n") if p.strip()]
        url = f"https://station{n % 3}.example/news/{document['id']}"
        name, first = document["id"], len(paragraphs) - 2
        articles += [
            Article(f"{name}-v1", "\n\n".join(paragraphs[:first]), url=url,
                    published="2024-03-01T10:00:00Z"),
            Article(f"{name}-repost", "\n\n".join(
                ["Source: station | Curated by Feedly Daily", *paragraphs[:first],
                 "Copyright Feedly Daily. All rights reserved."]),
                url=f"https://feedly-daily.example/{n}", published="2024-03-01T11:00:00Z"),
            Article(f"{name}-v2", "\n\n".join(paragraphs[:-1]), url=url,
                    published="2024-03-01T13:00:00Z"),
            Article(f"{name}-v3", "\n\n".join(paragraphs), url=url,
                    published="2024-03-01T18:00:00Z"),
        ]
    result = dedup(articles)
    for document in documents[:20]:
        group = result.group(result.article(f"{document['id']}-v1").group_id)
        assert set(group.member_ids) == {f"{document['id']}-{v}"
                                         for v in ("v1", "repost", "v2", "v3")}
        assert group.canonical_id == f"{document['id']}-v3", group.canonical_rule
    # The same in any order.
    shuffled = list(reversed(articles[1::2] + articles[::2]))
    assert dedup(shuffled).groups == result.groups


def test_dated_decides_only_when_every_step_before_ties() -> None:
    """Given the group's earliest time (``canonical_inputs.group_keys``), an undated copy
    ties on time: more text or less boilerplate wins over a date, and between two equal
    texts the dated one wins before the smallest id."""
    articles = [Article("a-undated", "x"), Article("b-dated", "x", published="2023-01-01"),
                Article("c-undated", "x")]
    versions = page_versions(articles)
    times = versions[0].copy()
    times[[0, 2]] = times[1]
    keys = rank_keys(articles, [10, 10, 10], [10, 10, 10], [0, 0, 1], versions=(
        times, versions[1]), undated=[True, False, True])
    assert sorted(range(3), key=keys.__getitem__) == [1, 0, 2]
    assert decisive_rule(keys[1], keys[0], user_key=False) == "dated"
    assert decisive_rule(keys[0], keys[2], user_key=False) == "least boilerplate"
    fuller = rank_keys(articles, [400, 200, 400], [400] * 3, [0, 0, 0], versions=(
        times, versions[1]), undated=[True, False, True])
    assert decisive_rule(fuller[0], fuller[1], user_key=False) == "most complete text"


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


_URL_PIECES = st.sampled_from(["http://", "https://", "FTP://", "x+y.z://", "1a://", "//", ":",
                               "/", "?", "#", "@", "[", "]", "%", " ", "\t", "www.", "WWW.",
                               "Example", "com", ".", ":8080", "user", "é", "ß", "::1", "-"])


@given(st.lists(_URL_PIECES, max_size=10).map("".join))
@example("https://www.Example.com/news/1")
@example("http://user:pw@Host.COM:8080/a?b#c")
@example("http://[::1]:80/x")
@example("http://ｅxample.com/")
def test_url_host_reads_hosts_as_urllib_does(url: str) -> None:
    """``url_host`` reads the usual form with string operations and everything else with
    urllib: the same host (or refusal) as ``urlsplit(url).hostname`` either way."""
    try:
        expected = (urlsplit(url.strip()).hostname or "").removeprefix("www.") or None
    except ValueError:
        with pytest.raises(ValueError):
            url_host(url)
        return
    assert url_host(url) == (expected if url else None)
