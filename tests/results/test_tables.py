"""Typed tables of a result: pandas, Arrow/Parquet, polars."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from newsdedup import Article, MissingExtraError, dedup, demo_articles
from newsdedup._results.tables import TABLES


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    """The demo corpus plus an article with extra fields, one named like a result field."""
    extra = Article("x", "A chess tournament in Oslo drew a record crowd on Sunday evening.",
                    extra={"lang": "en", "relation": "theirs", "score": 3, "mixed": "a"})
    return dedup([*demo_articles(), extra])


def test_articles_table_is_typed(result) -> None:  # type: ignore[no-untyped-def]
    """Strings, booleans, ints, floats and a UTC published column; no object lists."""
    frame = result.to_pandas()
    assert str(frame["id"].dtype) == "string" and frame["is_canonical"].dtype == bool
    assert frame["n_paragraphs"].dtype == "int64" and frame["jaccard"].dtype == "float64"
    assert isinstance(frame["published"].dtype, pd.DatetimeTZDtype)
    assert str(frame["published"].dt.tz) == "UTC"
    assert frame["published"].iloc[0] == pd.Timestamp("2023-07-26T09:00:00Z")
    assert frame["published"].isna().iloc[-1]
    assert frame["text"].str.startswith("Netflix").iloc[0]
    assert frame.loc[frame.id == "x", "input_relation"].item() == "theirs"
    assert frame.loc[frame.id == "x", "relation"].item() == "canonical"


def test_every_table_in_every_library(result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Each table has the same columns and rows in pandas, Arrow, Parquet and polars."""
    import polars as pl
    import pyarrow as pa
    import pyarrow.parquet as pq

    for table in TABLES:
        frame = result.to_pandas(table)
        arrow = result.to_arrow(table)
        polars = result.to_polars(table)
        assert list(frame.columns) == arrow.column_names == polars.columns, table
        assert len(frame) == arrow.num_rows == polars.height, table
        assert all(str(dtype) != "object" for name, dtype in frame.dtypes.items()
                   if name not in ("lang", "input_relation", "score", "mixed")), table
        result.write_parquet(tmp_path / f"{table}.parquet", table)
        assert pq.read_table(tmp_path / f"{table}.parquet").equals(arrow), table
    arrow = result.to_arrow()
    assert arrow.schema.field("published").type == pa.timestamp("us", tz="UTC")
    assert result.to_polars()["published"].dtype == pl.Datetime("us", "UTC")
    members = result.to_pandas("members")
    assert len(members) == len(result.articles)
    assert set(members.id) == {a.id for a in result.articles}


def test_nested_findings_are_tables(result) -> None:  # type: ignore[no-untyped-def]
    """Repeats, boilerplate and paragraph pairs are rows joined on ids."""
    repeated = result.to_pandas("repeated_paragraphs")
    assert len(repeated) == sum(len(a.repeated_paragraphs) for a in result.articles)
    shared = result.to_pandas("shared_paragraphs")
    assert len(shared) == sum(len(m.shared_paragraphs) for m in result.matches)
    paragraphs = result.to_pandas("paragraphs")
    first = result.articles[0]
    rows = paragraphs[paragraphs.article_id == first.id]
    assert list(rows.text) == list(first.paragraphs)
    assert list(rows.is_boilerplate) == [i in {b.index for b in first.boilerplate_paragraphs}
                                         for i in range(first.n_paragraphs)]


def test_mixed_extra_fields_become_json_text_in_arrow() -> None:
    """An extra field mixing kinds is JSON text in Arrow and polars, as is in pandas."""
    result = dedup([{"id": "a", "text": "x", "f": 1}, {"id": "b", "text": "y", "f": "two"},
                    {"id": "c", "text": "z", "f": {"k": [1]}}])
    assert result.to_arrow()["f"].to_pylist() == ["1", '"two"', '{"k": [1]}']
    assert result.to_polars()["f"].to_list() == ["1", '"two"', '{"k": [1]}']
    assert result.to_pandas()["f"].tolist() == [1, "two", {"k": [1]}]


def test_unknown_table_and_missing_texts_are_clear_errors() -> None:
    """A wrong table name lists the right ones; the paragraphs table needs texts."""
    result = dedup(iter([{"id": "a", "text": "One.\nTwo."}]))
    with pytest.raises(ValueError, match="expected one of articles, groups"):
        result.to_pandas("nope")
    with pytest.raises(ValueError, match="keep_text=True"):
        result.to_pandas("paragraphs")
    assert "text" not in result.to_pandas().columns


def test_missing_pyarrow_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pyarrow, to_arrow raises MissingExtraError naming newsdedup[arrow]."""
    real_import = builtins.__import__

    def no_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    result = dedup([{"id": "a", "text": "x"}])
    with pytest.raises(MissingExtraError, match=r"pip install 'newsdedup\[arrow\]'"):
        result.to_arrow()
    with pytest.raises(MissingExtraError, match=r"newsdedup\[arrow\]"):
        result.write_parquet("never.parquet")


def test_empty_result_tables_keep_their_columns() -> None:
    """A result without articles gives empty, typed tables."""
    result = dedup([])
    frame = result.to_pandas()
    assert len(frame) == 0 and "published" in frame.columns
    assert result.to_arrow("matches").num_rows == 0


def test_failed_parquet_write_keeps_the_previous_file(result, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A Parquet write failing half way leaves the previous file, and no temporary one."""
    import pyarrow.parquet as pq

    path = tmp_path / "articles.parquet"
    path.write_bytes(b"previous")

    def failing(table: object, where: Any) -> None:
        where.write(b"PAR1 half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq, "write_table", failing)
    with pytest.raises(OSError, match="No space left"):
        result.write_parquet(path)
    assert path.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["articles.parquet"]
