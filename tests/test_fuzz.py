"""Fuzzing the public entry points with hostile input: a valid result or a documented error.

Every call below either returns a result that passes :func:`check_result` or raises one of
the errors ``newsdedup`` documents for bad input (:class:`~newsdedup.InputError`,
:class:`~newsdedup.ConfigError`); any other exception (``IndexError``, ``TypeError``,
``UnicodeEncodeError``, ...) fails the test. The CI budget is ``NEWSDEDUP_FUZZ_EXAMPLES``
examples per test (default 25, the whole file in well under a minute); a long run, e.g.
``NEWSDEDUP_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py``, explores further
(see docs/design.md, "Hostile input").
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsdedup
from newsdedup import Article, ConfigError, DedupConfig, DedupResult, InputError
from strategies import (
    any_character,
    hostile_ids,
    hostile_jsonl,
    hostile_records,
    hostile_texts,
    json_scalars,
    json_values,
    published_values,
)

EXAMPLES = int(os.environ.get("NEWSDEDUP_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])
DOCUMENTED = (InputError, ConfigError)
Result = TypeVar("Result")


def documented(call: Callable[[], Result]) -> Result | None:
    """``call()``, or None if it raised a documented error (any other exception escapes)."""
    try:
        return call()
    except DOCUMENTED as error:
        assert str(error), "an error must say what went wrong"
        return None


def check_result(result: DedupResult, ids: list[str]) -> None:
    """A result is whole: every article once, in input order, in exactly one group and one
    story; matches ordered; every record writable as UTF-8 JSON and read back equal."""
    assert [article.id for article in result.articles] == ids
    grouped = sorted(member for group in result.groups for member in group.member_ids)
    assert grouped == sorted(ids)
    assert sorted(member for story in result.stories for member in story.member_ids) == grouped
    group_ids = {group.id for group in result.groups}
    assert all(article.group_id in group_ids for article in result.articles)
    assert all(match.a < match.b for match in result.matches)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.jsonl"
        result.write_jsonl(path)
        # Split on "\n" only: JSON strings may hold U+2028 or U+0085 unescaped, which
        # str.splitlines would take for line breaks.
        lines = path.read_bytes().decode("utf-8").split("\n")[:-1]
    assert len(lines) == len(ids)
    assert [json.loads(line)["id"] for line in lines] == ids


def dedup_checked(articles: list[Any], **options: Any) -> None:
    """dedup() the articles: a checked result or a documented error."""
    result = documented(lambda: newsdedup.dedup(articles, **options))
    if result is not None:
        ids = [a.id if isinstance(a, Article) else a["id"] for a in articles]
        check_result(result, ids)


@FUZZ
@given(st.lists(hostile_texts, max_size=6))
def test_any_texts(texts: list[str]) -> None:
    """Texts of any code points, punctuation only, empty or huge repeats: a checked result
    (lone surrogates: an InputError)."""
    dedup_checked([{"id": f"a{number}", "text": text} for number, text in enumerate(texts)])


@FUZZ
@given(st.lists(hostile_texts, min_size=1, max_size=4), st.data())
def test_copies_of_any_texts(texts: list[str], data: st.DataObject) -> None:
    """The same hostile texts several times (copies must group, never crash)."""
    copies = data.draw(st.lists(st.sampled_from(texts), min_size=2, max_size=6))
    dedup_checked([{"id": f"c{number}", "text": text} for number, text in enumerate(copies)])


@FUZZ
@given(st.lists(hostile_records(), max_size=6))
def test_any_records(records: list[dict[str, object]]) -> None:
    """Mappings with wrong types, missing fields, duplicate or odd ids, NaN dates, unknown
    fields: a checked result or an InputError."""
    dedup_checked(records)


@FUZZ
@given(hostile_jsonl())
def test_any_jsonl_file(content: bytes) -> None:
    """A JSONL file of good and broken lines (malformed JSON, invalid UTF-8, NaN): read and
    deduplicated, or an InputError."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.jsonl"
        path.write_bytes(content)
        articles = documented(lambda: list(newsdedup.read_jsonl(path)))
        also = documented(lambda: newsdedup.load_inputs([path]))
    assert (articles is None) == (also is None)
    if articles is not None:
        dedup_checked(articles)


@FUZZ
@given(st.lists(st.tuples(st.text(st.sampled_from("abcxyz-_. é"), min_size=1, max_size=6),
                          st.binary(max_size=200) | hostile_texts.map(
                              lambda text: text.encode("utf-8", "surrogatepass"))),
                max_size=5))
def test_any_text_folder(files: list[tuple[str, bytes]]) -> None:
    """A folder of .txt files with any bytes (invalid UTF-8, BOMs, NULs): read or an
    InputError naming the file."""
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files:
            (Path(folder) / f"{name}.txt").write_bytes(content)
        articles = documented(lambda: list(newsdedup.read_text_folder(folder)))
    if articles is not None:
        dedup_checked(articles)


frame_values = st.one_of(json_scalars, st.text(any_character, max_size=20), published_values,
                         st.just(pd.NaT), st.just(pd.Timestamp("2023-07-26")),
                         st.lists(st.integers(), max_size=2))


@FUZZ
@given(st.integers(0, 5), st.data())
def test_any_dataframe(rows: int, data: st.DataObject) -> None:
    """A DataFrame with columns of mixed types (NaN, NaT, numbers as ids, lists): articles
    and a checked result, or an InputError."""
    columns = data.draw(st.lists(st.sampled_from(
        ["id", "text", "title", "url", "source", "published", "lang", "id"]),
        min_size=1, max_size=7))
    frame = pd.DataFrame({f"c{number}": data.draw(st.lists(
        st.one_of(frame_values, hostile_ids, hostile_texts), min_size=rows, max_size=rows))
        for number in range(len(columns))}, dtype=object)
    frame.columns = columns
    articles = documented(lambda: newsdedup.from_dataframe(frame))
    if articles is not None:
        dedup_checked(articles)


option_values = st.one_of(
    st.integers(-3, 300), st.integers(-(2**70), 2**70), st.floats(allow_nan=True,
                                                                 allow_infinity=True),
    st.floats(0, 1), st.booleans(), st.none(), st.text(max_size=4), st.sampled_from([2**32 - 1,
                                                                                     2**32]))
OPTIONS = [field.name for field in attrs.fields(DedupConfig)]


@FUZZ
@given(st.dictionaries(st.sampled_from([*OPTIONS, "no_such_option"]), option_values,
                       max_size=5))
def test_any_config(options: dict[str, Any]) -> None:
    """DedupConfig(**options) with any values: a config or a ConfigError, never another
    exception (numpy's ValueError for a huge seed, a TypeError for a string)."""
    documented(lambda: DedupConfig.from_options(**options))


RUNNABLE = st.fixed_dictionaries({}, optional={
    "shingle_size": st.integers(1, 70), "num_perm": st.integers(1, 260),
    "seed": st.integers(0, 2**32 + 1), "lsh_threshold": st.floats(0.01, 1.0),
    "paragraph_jaccard": st.floats(0.01, 1.0), "article_threshold": st.floats(0.01, 1.0),
    "containment_threshold": st.floats(0.01, 1.0), "min_coverage": st.floats(0.01, 1.0),
    "boilerplate_min_articles": st.integers(1, 4), "boilerplate_patterns": st.booleans(),
    "story_threshold": st.floats(0.01, 1.0), "workers": st.integers(1, 3),
    "story_window_days": st.none() | st.floats(1e-9, 1e6) | st.just(math.inf),
    "rewrite_threshold": st.none() | st.floats(0.01, 1.0),
    "rewrite_supported_threshold": st.none() | st.floats(0.01, 1.0),
})


@FUZZ
@given(RUNNABLE, st.lists(hostile_texts, max_size=5))
def test_any_runnable_config(options: dict[str, Any], texts: list[str]) -> None:
    """dedup() with random (cheap) options on hostile texts: a checked result or a
    documented error."""
    options = {key: value for key, value in options.items() if key in OPTIONS}
    articles = [{"id": f"a{number}", "text": text, "published": f"2023-07-{number + 1:02d}"}
                for number, text in enumerate(texts)]
    dedup_checked(articles, **options)


@FUZZ
@given(st.lists(st.tuples(hostile_texts, json_values), min_size=1, max_size=5))
def test_any_canonical_key(pairs: list[tuple[str, object]]) -> None:
    """A canonical_key returning anything (mixed types, None, NaN, nested lists): a checked
    result or an InputError naming the articles."""
    keys = {f"a{number}": key for number, (_, key) in enumerate(pairs)}
    articles = [{"id": f"a{number}", "text": text} for number, (text, _) in enumerate(pairs)]
    dedup_checked(articles, canonical_key=lambda article: keys[article.id])


@FUZZ
@given(json_values, json_values, st.one_of(json_values, published_values),
       st.dictionaries(st.text(max_size=4) | st.integers(), json_values, max_size=3))
def test_any_article_fields(identifier: object, text: object, published: object,
                            extra: dict[Any, Any]) -> None:
    """Article(...) with any field values: an Article or an InputError."""
    documented(lambda: Article(identifier, text, published=published,  # type: ignore[arg-type]
                               extra=extra))
