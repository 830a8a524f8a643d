"""Tests of Article, its validation and coerce_articles."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from newsdedup import Article, InputError
from newsdedup._text.article import coerce_articles, parse_published

UTC = dt.UTC


def test_from_mapping_missing_id_names_record() -> None:
    """A mapping without 'id' fails with a message naming the record."""
    with pytest.raises(InputError, match=r"^article 0: expected a non-empty 'id' string, got None"):
        coerce_articles([{"text": "x"}])


def test_empty_id_rejected() -> None:
    """An empty or whitespace-only id is rejected, from a mapping and on the class."""
    with pytest.raises(InputError, match=r"article 2: expected a non-empty 'id' string, got ' '"):
        coerce_articles([{"id": "a", "text": "x"}, {"id": "b", "text": "y"},
                         {"id": " ", "text": "z"}])
    with pytest.raises(InputError, match="expected a non-empty 'id' string, got ''"):
        Article(id="", text="x")


def test_integer_id_rejected_with_hint() -> None:
    """An integer id is rejected with a hint to quote it, not silently converted."""
    with pytest.raises(InputError, match=r"article 0: expected 'id' to be a string, got the "
                                         r"integer 17 \(quote it: \"17\"\)"):
        coerce_articles([{"id": 17, "text": "x"}])


def test_duplicate_id_names_both_positions() -> None:
    """A repeated id names the offending position and the first one."""
    items: list[Article | dict[str, str]] = [{"id": "a", "text": "x"}, {"id": "b", "text": "y"},
                                             Article("a", "z")]
    with pytest.raises(InputError,
                       match=r"^article 2: duplicate id 'a' \(first used by article 0\)$"):
        coerce_articles(items)


def test_non_string_text_names_article() -> None:
    """Non-string text fails with the record and the article id in the message."""
    with pytest.raises(InputError, match=r"^article 0 \(article 'a'\): expected 'text' to be a "
                                         r"string, got int 5"):
        coerce_articles([{"id": "a", "text": 5}])
    with pytest.raises(InputError, match=r"article 'b': expected 'text' to be a string, got "
                                         r"NoneType None"):
        Article(id="b", text=None)  # type: ignore[arg-type]


def test_missing_text_names_article() -> None:
    """A mapping without 'text' is an error naming the article, not an empty article."""
    with pytest.raises(InputError, match=r"article 0 \(article 'a'\): missing the 'text' field"):
        coerce_articles([{"id": "a"}])


def test_empty_text_allowed() -> None:
    """Empty text is a valid article (reported later, never dropped)."""
    assert coerce_articles([{"id": "a", "text": ""}]) == [Article("a", "")]


def test_optional_field_type_checked() -> None:
    """A non-string title is rejected with the article named."""
    with pytest.raises(InputError, match=r"article 0 \(article 'a'\): expected 'title' to be a "
                                         r"string or missing, got int 5"):
        coerce_articles([{"id": "a", "text": "x", "title": 5}])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-07-26T10:00:00Z", dt.datetime(2023, 7, 26, 10, tzinfo=UTC)),
        ("2023-07-26T12:00:00+02:00", dt.datetime(2023, 7, 26, 10, tzinfo=UTC)),
        ("2023-07-26", dt.datetime(2023, 7, 26, tzinfo=UTC)),
        ("2023-07-26T10:00:00", dt.datetime(2023, 7, 26, 10, tzinfo=UTC)),
        (dt.datetime(2023, 7, 26, 10), dt.datetime(2023, 7, 26, 10, tzinfo=UTC)),
        (dt.date(2023, 7, 26), dt.datetime(2023, 7, 26, tzinfo=UTC)),
        (1690365600, dt.datetime(2023, 7, 26, 10, tzinfo=UTC)),
        (1690365600.5, dt.datetime(2023, 7, 26, 10, 0, 0, 500000, tzinfo=UTC)),
        # RFC 2822, as in RSS <pubDate> and HTTP headers
        ("Wed, 26 Jul 2023 10:00:00 GMT", dt.datetime(2023, 7, 26, 10, tzinfo=UTC)),
        ("Wed, 26 Jul 2023 12:00:00 +0200", dt.datetime(2023, 7, 26, 10, tzinfo=UTC)),
        ("26 Jul 2023 05:00:00 EST", dt.datetime(2023, 7, 26, 10, tzinfo=UTC)),
        ("Wed, 26 Jul 2023 10:00:00 -0000", dt.datetime(2023, 7, 26, 10, tzinfo=UTC)),
        # what pandas and numpy hand over
        (pd.Timestamp("2023-07-26 12:00", tz="Europe/Berlin"),
         dt.datetime(2023, 7, 26, 10, tzinfo=UTC)),
        (np.datetime64("2023-07-26T10:00:00"), dt.datetime(2023, 7, 26, 10, tzinfo=UTC)),
        (np.datetime64("2023-07-26T10:00:00.000000001"),
         dt.datetime(2023, 7, 26, 10, tzinfo=UTC)),
        (np.int64(1690365600), dt.datetime(2023, 7, 26, 10, tzinfo=UTC)),
        (np.float64(1690365600.5), dt.datetime(2023, 7, 26, 10, 0, 0, 500000, tzinfo=UTC)),
        ("", None),
        (None, None),
    ],
)
def test_published_parsed_to_aware_utc(value: object, expected: dt.datetime | None) -> None:
    """ISO strings (Z, offset, date-only, naive), dates and Unix timestamps become UTC."""
    article = Article.from_mapping({"id": "a", "text": "x", "published": value})
    assert article.published == expected
    if expected is not None:
        assert article.published is not None and article.published.tzinfo is not None
        assert article.published.utcoffset() == dt.timedelta(0)


def test_published_on_class_constructor_parsed() -> None:
    """Article(...) converts a published string, like from_mapping does."""
    article = Article("a", "x", published="2023-07-26")  # type: ignore[arg-type]
    assert article.published == dt.datetime(2023, 7, 26, tzinfo=UTC)


@pytest.mark.parametrize("value", ["yesterday", "2023-13-45", "26/07/2023", "July 26, 2023",
                                   "Mon, 31 Feb 2023 10:00:00 GMT", True, np.bool_(True),
                                   float("inf"), np.datetime64("20000-01-01"), [2023]])
def test_published_garbage_names_article_id(value: object) -> None:
    """An unparseable published value fails with the article id in the message."""
    with pytest.raises(InputError, match=r"^article 0 \(article 'story-9'\): .*'published'"):
        coerce_articles([{"id": "story-9", "text": "x", "published": value}])
    with pytest.raises(InputError, match=r"^article 'story-9': .*'published'"):
        Article("story-9", "x", published=value)  # type: ignore[arg-type]


@pytest.mark.parametrize("missing", [None, float("nan"), np.float32("nan"), pd.NaT, pd.NA,
                                     np.datetime64("NaT")])
def test_missing_values_of_pandas_are_missing_fields(missing: object) -> None:
    """NaN, NaT and NA (how ``df.to_dict("records")`` spells an empty cell) are no value for
    every optional field, in mappings and in the constructor alike."""
    record = {"id": "a", "text": "x", "title": missing, "url": missing, "source": missing,
              "published": missing}
    for article in (Article.from_mapping(record),
                    Article("a", "x", title=missing, url=missing,  # type: ignore[arg-type]
                            source=missing, published=missing)):  # type: ignore[arg-type]
        assert (article.title, article.url, article.source, article.published) == (
            None, None, None, None)
        assert article.to_dict() == {"id": "a", "text": "x"}


def test_records_of_a_dataframe_with_empty_cells_are_read() -> None:
    """Records of a DataFrame with a datetime column holding NaT (once a raw ValueError from
    deep inside) and a title column holding NaN."""
    frame = pd.DataFrame({"id": ["a", "b"], "text": ["x", "y"], "title": ["T", None],
                          "published": pd.to_datetime(["2023-07-26 10:00", None])})
    first, second = coerce_articles(frame.to_dict("records"))
    assert (first.title, first.published) == ("T", dt.datetime(2023, 7, 26, 10, tzinfo=UTC))
    assert (second.title, second.published) == (None, None)


def test_a_dataframe_is_read_by_rows() -> None:
    """Iterating a DataFrame gives its column names: it is read by rows instead, and its
    errors name the row's label."""
    frame = pd.DataFrame({"id": ["a", "b"], "text": ["x", "y"]}, index=[10, 11], dtype=object)
    assert [article.id for article in coerce_articles(frame)] == ["a", "b"]
    frame.loc[11, "text"] = 5
    with pytest.raises(InputError, match=r"^DataFrame row 11 \(article 'b'\): expected 'text'"):
        coerce_articles(frame)


def test_parse_published_out_of_range_timestamp() -> None:
    """A timestamp too large for a datetime is an InputError, not an OverflowError."""
    with pytest.raises(InputError, match=r"^article 'x': 'published' timestamp 1e\+20 is out"):
        parse_published(1e20, "article 'x'")


def test_extra_fields_kept_and_round_trip() -> None:
    """Unknown fields land in extra and to_dict() gives back an equal article."""
    record = {"id": "a", "text": "Body.", "title": "T", "url": "https://x.test/a",
              "source": "x.test", "published": "2023-07-26T10:00:00Z",
              "lang": "en", "tags": ["ai", "strike"]}
    article = Article.from_mapping(record)
    assert article.extra == {"lang": "en", "tags": ["ai", "strike"]}
    out = article.to_dict()
    assert out == {**record, "published": "2023-07-26T10:00:00+00:00"}
    assert Article.from_mapping(out) == article


def test_to_dict_omits_missing_optionals() -> None:
    """to_dict() leaves out optional fields that are None."""
    assert Article("a", "x").to_dict() == {"id": "a", "text": "x"}


def test_article_hashable() -> None:
    """Articles are hashable (extra is left out of the hash), so they fit in sets."""
    first = Article("a", "x", extra={"tags": ["ai"]})
    assert len({first, Article("a", "x", extra={"tags": ["ai"]}), Article("b", "x")}) == 2


@pytest.mark.parametrize("items", [{"id": "a", "text": "x"}, "a", Article("a", "x")])
def test_single_record_instead_of_iterable_rejected(items: object) -> None:
    """A single dict, string or Article is rejected with a hint to wrap it in a list."""
    with pytest.raises(InputError, match=r"got a single \w+; wrap it in a list"):
        coerce_articles(items)  # type: ignore[arg-type]


def test_non_iterable_rejected() -> None:
    """A non-iterable input is an InputError naming the type, not a bare TypeError."""
    with pytest.raises(InputError, match="expected an iterable of articles, got int 5"):
        coerce_articles(5)  # type: ignore[arg-type]


def test_non_mapping_item_names_position() -> None:
    """An item that is neither an Article nor a mapping names its position."""
    with pytest.raises(InputError, match=r"^article 1: expected an Article or a mapping"):
        coerce_articles([{"id": "a", "text": "x"}, ["b", "y"]])  # type: ignore[list-item]


def test_coerce_accepts_generators_and_keeps_order() -> None:
    """Any iterable works, and the order of the input is kept."""
    generated = ({"id": name, "text": "x"} for name in ["c", "a", "b"])
    assert [article.id for article in coerce_articles(generated)] == ["c", "a", "b"]


@pytest.mark.parametrize("field", ["id", "text", "title", "url", "source"])
def test_lone_surrogate_is_refused_naming_record_and_field(field: str) -> None:
    """A lone surrogate (not valid Unicode, unwritable as UTF-8) in any field (all are written
    back out, the text too) is an InputError naming the record, the field and the position,
    from a mapping and on the class."""
    record = {"id": "a", "text": "x", field: "half an emoji \ud83d"}
    with pytest.raises(InputError, match=rf"^article 0.*'{field}' holds a lone surrogate "
                                         r"\(U\+D83D at character 14\)"):
        coerce_articles([record])
    with pytest.raises(InputError, match=rf"'{field}' holds a lone surrogate"):
        Article(**record)  # type: ignore[arg-type]


def test_surrogate_pairs_and_astral_characters_are_kept() -> None:
    """Valid text outside the basic plane (emoji, historic scripts) passes untouched."""
    text = "Fire \U0001F525 and \U00010107 numbers"
    assert coerce_articles([{"id": "\U0001F600", "text": text}])[0].text == text


@pytest.mark.parametrize("extra", [{"tags": ["ok", "bad \udc00"]}, {"meta": {"k": "\ud800"}},
                                   {"bad \ud800 key": 1}])
def test_lone_surrogate_inside_extra_fields_is_refused(extra: dict[str, object]) -> None:
    """Extra fields are written back out, so a lone surrogate inside them is refused too."""
    with pytest.raises(InputError, match=r"^article 0 \(article 'a'\): .*lone surrogate"):
        coerce_articles([{"id": "a", "text": "x", **extra}])


def test_non_string_field_names_are_refused() -> None:
    """A record keyed by a non-string (it could not be written as JSON) names the key."""
    with pytest.raises(InputError, match=r"expected field names to be strings, got int 7"):
        coerce_articles([{"id": "a", "text": "x", 7: "seven"}])
    with pytest.raises(InputError, match=r"expected field names to be strings"):
        Article("a", "x", extra={("t", 1): "tuple key"})


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_published_out_of_range_in_utc_names_article(value: str) -> None:
    """A date that leaves datetime's range once moved to UTC is an InputError."""
    with pytest.raises(InputError, match=r"article 0 \(article 'a'\): 'published' .* out of "
                                         r"range in UTC"):
        coerce_articles([{"id": "a", "text": "x", "published": value}])
