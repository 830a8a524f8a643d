"""Named days: the day a lead names, from dates and weekdays, resolved against publication."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from newsdedup._text.dates import (
    LEAD_CHARACTERS,
    MAX_DAYS_BEFORE,
    NO_DAY,
    WEEKDAY_CHARACTERS,
    day_values,
    named_days,
)

_SATURDAY = dt.datetime(2023, 10, 14, 18, 30, tzinfo=dt.UTC)


def _day(text: str, published: dt.datetime | None = _SATURDAY) -> dt.date | None:
    value = int(named_days([text], [published])[0])
    return None if value == NO_DAY else dt.date(1970, 1, 1) + dt.timedelta(days=value)


def test_dates_in_every_written_form() -> None:
    """Month names and abbreviations, either order, with or without a year or a suffix."""
    assert _day("Police arrested a man in the September 4 stabbing.") == dt.date(2023, 9, 4)
    assert _day("In the Sept. 4 stabbing on Broad Street.") == dt.date(2023, 9, 4)
    assert _day("The fire of 4th of September, 2023 was ruled arson.") == dt.date(2023, 9, 4)
    assert _day("Charged in the Oct. 2, 2023, robbery.") == dt.date(2023, 10, 2)
    assert _day("The crash on 12 October killed two.") == dt.date(2023, 10, 12)


def test_dates_without_a_year_are_the_latest_before_publication() -> None:
    """A year-less date is last year's when this year's would lie after the publication; the
    day after publication still counts (time zones), later ones and far-past ones do not."""
    new_year = dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    assert _day("The Dec. 30 fire destroyed a barn.", new_year) == dt.date(2023, 12, 30)
    assert _day("Announced Jan. 3 by the mayor.", new_year) == dt.date(2024, 1, 3)
    assert _day("Set for Jan. 5, the hearing.", new_year) is None
    assert _day("Recalling the May 30, 2023 storm.", new_year) is None  # 217 days before
    assert _day("Recalling the July 30 storm.", new_year) == dt.date(2023, 7, 30)
    assert (new_year.date() - dt.date(2023, 7, 30)).days <= MAX_DAYS_BEFORE


def test_a_dateline_is_not_the_event() -> None:
    """A date with its year within a day of publication dates the report: not read (the
    weekday of the lead is); the same date without a year, or days earlier, is an event."""
    assert _day("October 14, 2023\n\nA man was shot Thursday.") == dt.date(2023, 10, 12)
    assert _day("Oct. 13, 2023 - The council met.") is None
    assert _day("On Oct. 14 the council met.") == dt.date(2023, 10, 14)
    assert _day("The Oct. 11, 2023 fire was ruled arson.") == dt.date(2023, 10, 11)


def test_weekdays_are_the_latest_such_day_on_or_before_publication() -> None:
    """Saturday's report of "Thursday" means two days before; "Saturday" that same day."""
    assert _day("A man was shot on Elm Street Thursday night.") == dt.date(2023, 10, 12)
    assert _day("A fire broke out Saturday, officials said.") == dt.date(2023, 10, 14)
    assert _day("Sunday's crash closed Route 9.") == dt.date(2023, 10, 8)


def test_the_earliest_named_day_is_the_event() -> None:
    """Police speaking Friday about a Tuesday shooting: the shooting's day."""
    text = "Police said Friday that the man shot Tuesday had died."
    assert _day(text) == dt.date(2023, 10, 10)
    follow_up = "Karen Hill appeared in court Friday in the September 3 holdup."
    assert _day(follow_up) == dt.date(2023, 9, 3)


def test_only_the_lead_is_read() -> None:
    """Weekdays only in the lead sentence, dates only in the lead; later ones recall other
    things."""
    late_weekday = "x" * WEEKDAY_CHARACTERS + " It happened Monday."
    late_date = "x " * LEAD_CHARACTERS + " It happened September 4."
    assert _day(late_weekday) is None and _day(late_date) is None


def test_nothing_is_named_without_a_date_a_day_or_a_publication() -> None:
    """Undated articles, texts naming no day, months without a day, other languages."""
    assert _day("A man was shot Thursday.", None) is None
    assert _day("The council met to discuss the budget.") is None
    assert _day("May the best team win; March on.") is None
    assert _day("Поліція затримала чоловіка в понеділок 4 вересня.") is None
    assert _day("Il 4 settembre, lunedì, la polizia ha arrestato un uomo.") is None


def test_every_month_passes_the_quick_test() -> None:
    """The letter triples tested before the date expression start every month's name."""
    from newsdedup._text.dates import _MONTH_HINT

    names = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
    for number, month in enumerate(names, start=1):
        published = dt.datetime(2024, number, 2, tzinfo=dt.UTC)
        for written in (month, month[:3] + ".", "Sept." if number == 9 else month):
            assert _MONTH_HINT.match(written), written
            assert _day(f"It happened {written} 1.", published) == dt.date(2024, number, 1)


def test_day_values_are_nan_for_no_day() -> None:
    days = named_days(["Shot Thursday.", "Nothing."], [_SATURDAY, _SATURDAY])
    values = day_values(days)
    assert days.dtype == np.int32 and values[0] == float(days[0]) and np.isnan(values[1])


@given(st.text(max_size=400), st.integers(0, 20000))
def test_any_named_day_lies_in_the_counted_range(text: str, offset: int) -> None:
    """Whatever the text, a named day is from MAX_DAYS_BEFORE days before publication to the
    day after it."""
    published = dt.datetime(1990, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=offset)
    day = _day(text, published)
    if day is not None:
        assert -1 <= (published.date() - day).days <= MAX_DAYS_BEFORE


@given(st.lists(st.sampled_from(["Monday", "Tuesday", "Sept. 4", "October 10", "said",
                                 "shot", "2023,", "the"]), max_size=30))
def test_named_days_of_many_texts_equal_those_of_each(words: list[str]) -> None:
    """One call over several texts equals one call per text (no state between texts)."""
    texts = [" ".join(words[:n]) for n in range(len(words) + 1)]
    together = named_days(texts, [_SATURDAY] * len(texts))
    assert together.tolist() == [int(named_days([t], [_SATURDAY])[0]) for t in texts]
