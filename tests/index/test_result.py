"""_index.result: decision records, their round trip through JSON, and match orientation."""

from __future__ import annotations

import json
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import load_seeds
from newsdedup import Article, dedup
from newsdedup._corpora.synthetic import generate_corpus
from newsdedup._index.result import (
    AddResult,
    IndexChange,
    IndexDecision,
    decision_from_record,
    decision_records,
    group_from_record,
    record_of,
    stored_boilerplate,
    story_from_record,
)
from newsdedup._results.result import Match, SharedParagraph


def _articles() -> list[Article]:
    seeds = load_seeds(dated=True)
    return [*seeds,
            Article("trunc-2", "\n".join(seeds[2].text.splitlines()[:12])),
            Article("repost-3", seeds[3].text + "\n\nRead original article here.",
                    source="aggregator.example"),
            *generate_corpus(60, seed=13, article_bytes=600, copies_rate=0.5,
                             digest_rate=0.05, n_aggregators=3).articles]


RESULT = dedup(_articles())
RECORDS = decision_records(RESULT)
_INVERSE = {"contains": "contained-in", "contained-in": "contains",
            "near-duplicate": "near-duplicate", "partial-reuse": "partial-reuse",
            "rewrite": "rewrite"}


def _asdict(value: Any) -> Any:
    """attrs.asdict with tuples as lists (what record_of gives)."""
    return _lists(attrs.asdict(value))


def _lists(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_lists(item) for item in value]
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    return value


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value))


def test_the_fixture_has_every_kind_of_match() -> None:
    """The corpus exercises both orientations of every relation, digests and boilerplate."""
    assert {m.relation for m in RESULT.matches} >= {"near-duplicate", "contains",
                                                    "partial-reuse"}
    assert any(a.is_digest for a in RESULT.articles)
    assert any(a.boilerplate_paragraphs for a in RESULT.articles)
    assert any(a.repeated_paragraphs for a in RESULT.articles)


def test_each_article_record_is_its_result_with_every_match_oriented_to_it() -> None:
    """A record holds the article's result fields (no metadata) and each match it takes part
    in, with ``a`` = the article: the other side's view swaps and inverts."""
    assert list(RECORDS) == [a.id for a in RESULT.articles]
    for article in RESULT.articles:
        record = RECORDS[article.id]
        expected = _asdict(article)
        del expected["metadata"]
        assert {k: v for k, v in record.items() if k not in ("matches", "expired")} == expected
        assert record["expired"] is False
        mine = [m for m in RESULT.matches if article.id in (m.a, m.b)]
        assert len(record["matches"]) == len(mine)
        for match, oriented in zip(mine, record["matches"], strict=True):
            assert oriented["a"] == article.id
            if match.a == article.id:
                assert oriented == _asdict(match)
                continue
            assert (oriented["b"], oriented["relation"]) == (match.a,
                                                             _INVERSE[match.relation])
            assert (oriented["a_in_b"], oriented["b_in_a"]) == (match.b_in_a, match.a_in_b)
            assert (oriented["jaccard"], oriented["containment"], oriented["is_duplicate"]) == (
                match.jaccard, match.containment, match.is_duplicate)
            swapped = sorted((s.b_index, s.a_index, s.similarity)
                             for s in match.shared_paragraphs)
            assert [(s["a_index"], s["b_index"], s["similarity"])
                    for s in oriented["shared_paragraphs"]] == swapped


def test_decisions_round_trip_through_json_and_to_record() -> None:
    """decision_from_record(JSON of a record).to_record() gives the record back, plus the
    status and the duplicates; every nested value is rebuilt as its attrs class."""
    for article in RESULT.articles:
        record = _json(RECORDS[article.id])
        decision = decision_from_record(record, "stored")
        assert isinstance(decision, IndexDecision) and decision.status == "stored"
        assert all(isinstance(m, Match) and all(isinstance(s, SharedParagraph)
                                                for s in m.shared_paragraphs)
                   for m in decision.matches)
        again = _json(decision.to_record())
        duplicates = [m["b"] for m in record["matches"] if m["is_duplicate"]]
        assert again == {**record, "status": "stored", "duplicate_of": duplicates}
        assert decision.duplicate_of == tuple(duplicates)
        del again["status"], again["duplicate_of"]  # derived: not part of a stored record
        assert decision_from_record(again, "stored") == decision  # and round again
        assert (decision.group_id, decision.canonical_id, decision.relation) == (
            article.group_id, article.canonical_id, article.relation)
        assert decision.boilerplate_paragraphs == article.boilerplate_paragraphs
        assert decision.repeated_paragraphs == article.repeated_paragraphs


def test_groups_and_stories_round_trip_through_json() -> None:
    """Every group (members, provenance with carriers) and story is rebuilt equal."""
    for group in RESULT.groups:
        assert group_from_record(_json(record_of(group))) == group
    for story in RESULT.stories:
        assert story_from_record(_json(record_of(story))) == story
    assert any(len(g.members) > 1 and g.provenance for g in RESULT.groups)


def test_record_of_equals_attrs_asdict_on_real_results() -> None:
    """The fast converter gives what attrs.asdict gives, for every kind of result object."""
    for value in (*RESULT.articles, *RESULT.groups, *RESULT.stories, *RESULT.matches):
        assert record_of(value) == _asdict(value)
    assert record_of({"k": (1, [SharedParagraph(0, 1, 0.5)])}) == {
        "k": [1, [{"a_index": 0, "b_index": 1, "similarity": 0.5}]]}


def test_only_and_expired_select_and_mark_records() -> None:
    """``only`` keeps the chosen articles (their matches with others included); ``expired``
    marks every record."""
    busy = max(RESULT.articles, key=lambda a: sum(a.id in (m.a, m.b) for m in RESULT.matches))
    chosen = {busy.id, RESULT.articles[0].id, "not-an-article"}
    subset = decision_records(RESULT, expired=True, only=chosen)
    assert set(subset) == chosen - {"not-an-article"}
    assert all(record["expired"] is True for record in subset.values())
    assert subset[busy.id]["matches"] == RECORDS[busy.id]["matches"] != []


_SCORES = st.floats(0.0, 1.0, allow_nan=False)
_SHARED = st.builds(SharedParagraph, st.integers(0, 30), st.integers(0, 30), _SCORES)
_MATCHES = st.builds(Match, a=st.sampled_from(["x", "y"]), b=st.just("z"),
                     relation=st.sampled_from(sorted(_INVERSE)), jaccard=_SCORES,
                     containment=_SCORES, a_in_b=_SCORES, b_in_a=_SCORES,
                     is_duplicate=st.booleans(),
                     shared_paragraphs=st.lists(_SHARED, max_size=5).map(tuple))


@settings(max_examples=50, deadline=None)
@given(_MATCHES)
def test_orienting_twice_gives_the_match_back(match: Match) -> None:
    """Property: a match seen from ``b`` has the sides, the one-way containments and the
    shared paragraphs swapped and the relation inverted; oriented back, it is the original
    (its shared paragraphs sorted)."""
    base = RESULT.articles[0]
    result = attrs.evolve(RESULT, articles=tuple(attrs.evolve(base, id=i) for i in "xyz"),
                          matches=(match,))
    records = decision_records(result)
    assert records[match.a]["matches"] == [record_of(match)]
    (seen,) = decision_from_record(_json(records["z"]), "query").matches
    assert (seen.a, seen.b, seen.relation) == ("z", match.a, _INVERSE[match.relation])
    assert (seen.a_in_b, seen.b_in_a) == (match.b_in_a, match.a_in_b)
    assert sorted((s.b_index, s.a_index, s.similarity) for s in seen.shared_paragraphs) == sorted(
        (s.a_index, s.b_index, s.similarity) for s in match.shared_paragraphs)
    back = decision_records(attrs.evolve(result, matches=(seen,)))[match.a]["matches"]
    shared = sorted(match.shared_paragraphs, key=lambda s: (s.a_index, s.b_index))
    assert back == [record_of(attrs.evolve(match, shared_paragraphs=tuple(shared)))]


def test_canonical_changes_are_moves_of_stored_articles() -> None:
    """Only canonical_id and story_canonical_id changes of articles stored before count."""
    changes = (IndexChange(1, 1, "a", "canonical_id", None, "a"),
               IndexChange(2, 1, "b", "canonical_id", "b", "a"),
               IndexChange(3, 1, "b", "story_canonical_id", "b", "a"),
               IndexChange(4, 1, "b", "group_id", "g1", "g2"),
               IndexChange(5, 1, "c", "expired", None, None))
    assert AddResult((), changes).canonical_changes == changes[1:3]


def test_stored_boilerplate_holds_index_flag_and_families() -> None:
    """A decision's boilerplate column: ``[index, flag, families]``, recurring or pattern."""
    from newsdedup._index.paragraphs import PATTERN, RECURRING

    decision = {"boilerplate_paragraphs": [
        {"index": 2, "reason": "recurring", "families": 3},
        {"index": 5, "reason": "pattern", "families": 0}]}
    assert stored_boilerplate(decision) == f"[[2,{RECURRING},3],[5,{PATTERN},0]]"
