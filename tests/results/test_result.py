"""Result objects: records, JSONL, pandas, lookups and repr."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdedup import Article, DedupResult, dedup

TEXT = "\n\n".join(f"Paragraph {n}: the flood reached the old bridge in the valley town, "
                   f"and volunteers stacked sandbags along street number {n}." for n in range(6))


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    """Two copies and an unrelated article, with metadata."""
    return dedup([
        Article("orig", TEXT, title="Flood", source="wire", published="2024-03-01T08:00:00Z",
                extra={"lang": "en"}),
        Article("copy", TEXT + "\n\nRead original article here", source="agg"),
        Article("other", "A completely different text about a chess tournament in Oslo."),
    ])


def test_records_are_json_ready_and_keep_metadata(result) -> None:  # type: ignore[no-untyped-def]
    """to_records() gives JSON-serialisable dicts with the input's metadata kept."""
    records = result.to_records()
    assert [r["id"] for r in records] == ["orig", "copy", "other"]
    json.dumps(records)
    first = records[0]
    assert first["lang"] == "en" and first["title"] == "Flood" and first["source"] == "wire"
    assert first["published"] == "2024-03-01T08:00:00+00:00"
    assert records[1]["canonical_id"] == "orig" and records[1]["relation"] == "near-duplicate"
    assert records[1]["boilerplate_paragraphs"][0]["reason"] == "pattern"


def test_write_jsonl_round_trips(result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """write_jsonl writes one JSON object per article, readable back."""
    path = tmp_path / "out.jsonl"
    result.write_jsonl(path)
    lines = path.read_text("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == json.loads(json.dumps(result.to_records()))


def test_write_jsonl_failing_midway_keeps_the_previous_file(
        result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A write that fails after some lines leaves the previous output, not a partial one."""
    path = tmp_path / "out.jsonl"
    path.write_text("previous run\n", "utf-8")

    def failing(self: object) -> Iterator[str]:
        yield "{}"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(DedupResult, "iter_jsonl", failing)
    with pytest.raises(OSError, match="No space left"):
        result.write_jsonl(path)
    assert path.read_text("utf-8") == "previous run\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_to_pandas(result) -> None:  # type: ignore[no-untyped-def]
    """to_pandas() gives one row per article."""
    frame = result.to_pandas()
    assert list(frame["id"]) == ["orig", "copy", "other"]
    assert frame.loc[frame["id"] == "copy", "is_canonical"].item() is False


def test_lookups_and_errors(result) -> None:  # type: ignore[no-untyped-def]
    """article/group/story lookups find by id and raise KeyError naming a missing id."""
    group = result.group(result.article("copy").group_id)
    assert group.member_ids == ("orig", "copy")
    assert result.story(group.story_id).canonical_id == "orig"
    with pytest.raises(KeyError, match="nope"):
        result.article("nope")


def test_repr_is_readable(result) -> None:  # type: ignore[no-untyped-def]
    """The repr summarises counts in one line."""
    text = repr(result)
    assert text.startswith("<DedupResult: 3 articles, 2 groups (1 with duplicates)")


def test_kept_and_removed_split_the_corpus(result) -> None:  # type: ignore[no-untyped-def]
    """kept() is one canonical per group; removed() names the article kept in its place."""
    assert [a.id for a in result.kept()] == ["orig", "other"]
    (copy,) = result.removed()
    assert (copy.id, copy.canonical_id, copy.relation) == ("copy", "orig", "near-duplicate")
    assert len(result.kept()) == len(result.groups)


def test_texts_and_paragraphs_are_kept_from_a_list(result) -> None:  # type: ignore[no-untyped-def]
    """A list input keeps its texts: text, paragraphs, spans, paragraph() and records."""
    copy = result.article("copy")
    assert copy.text == TEXT + "\n\nRead original article here"
    assert copy.paragraphs[-1] == "Read original article here" == result.paragraph("copy", 6)
    start, end = copy.paragraph_spans[1]
    assert copy.text[start:end] == copy.paragraphs[1]
    assert result.to_records()[0]["text"] == TEXT


def test_a_stream_drops_texts_unless_asked() -> None:
    """A generator input keeps no texts by default; keep_text=True keeps them."""
    records = [{"id": "a", "text": "One.\nTwo."}, {"id": "b", "text": "Three."}]
    streamed = dedup(iter(records))
    assert not streamed.has_text and streamed.articles[0].text is None
    assert "text" not in streamed.to_records()[0]
    with pytest.raises(ValueError, match="keep_text=True"):
        streamed.paragraph("a", 0)
    assert dedup(iter(records), keep_text=True).paragraph("a", 1) == "Two."
    assert not dedup(records, keep_text=False).has_text


def test_input_fields_named_like_result_fields_are_prefixed() -> None:
    """Input fields colliding with result fields are written as input_<name>, none lost."""
    result = dedup([{"id": "a", "text": "Hello.", "relation": "mine", "group_id": 7,
                     "input_relation": "taken", "lang": "en"}])
    record = result.to_records()[0]
    assert record["relation"] == "canonical" and record["group_id"].startswith("g-")
    assert record["input_group_id"] == 7 and record["lang"] == "en"
    assert {record["input_relation"], record["input_input_relation"]} == {"mine", "taken"}
    assert result.articles[0].metadata["relation"] == "mine"  # metadata keeps input names


def test_lookups_use_dicts_built_once(result) -> None:  # type: ignore[no-untyped-def]
    """Lookups by id build their dict on first use and reuse it (no linear scans)."""
    group = result.group(result.article("copy").group_id)
    assert result._lookups["group"][group.id] is group
    assert result._catalog._by_id["copy"] is result.article("copy")
    with pytest.raises(KeyError, match="no group with id 'nope'"):
        result.group("nope")
    with pytest.raises(KeyError, match="no story"):
        result.story("nope")


def test_reprs_are_short(result) -> None:  # type: ignore[no-untyped-def]
    """Groups, stories, matches and articles have one-line reprs naming their essentials."""
    group = result.group(result.article("copy").group_id)
    # The undated copy counts as published with the original; its footer line loses.
    assert repr(group) == (f"<DuplicateGroup {group.id}: 2 members, canonical 'orig' "
                           f"(least boilerplate), story {group.story_id}>")
    assert repr(result.article("copy")).startswith(
        "<ArticleResult 'copy': near-duplicate of 'orig' in g-")
    assert repr(result.matches[0]).startswith("<Match 'copy' near-duplicate 'orig': Jaccard")
    assert repr(result.stories[0]).startswith("<Story s-")
    long_id = dedup([{"id": "x" * 500, "text": "A."}])
    assert len(repr(long_id.articles[0])) < 250


def test_results_pickle_with_their_views(result) -> None:  # type: ignore[no-untyped-def]
    """A pickled result comes back equal, with lookups and texts for its views."""
    import pickle

    again = pickle.loads(pickle.dumps(result))
    assert again == result
    group = again.group(again.article("copy").group_id)
    assert "Read original article here" in group._repr_html_()


def test_paragraph_past_the_last_names_the_range() -> None:
    """result.paragraph() past the article's last paragraph says how many it has."""
    result = dedup([{"id": "a", "text": "..."}, {"id": "b", "text": "One.\nTwo."},
                    {"id": "c", "text": ""}])
    assert result.paragraph("a", 0) == "..."
    with pytest.raises(IndexError, match=r"article 'a' has one paragraph, ¶0; there is no ¶3"):
        result.paragraph("a", 3)
    with pytest.raises(IndexError, match=r"'b' has paragraphs ¶0 to ¶1; there is no ¶2"):
        result.paragraph("b", 2)
    with pytest.raises(IndexError, match=r"'c' has no paragraphs"):
        result.paragraph("c", 0)
