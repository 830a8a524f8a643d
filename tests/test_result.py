"""Result objects: records, JSONL, pandas, lookups and repr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdedup import Article, dedup

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
