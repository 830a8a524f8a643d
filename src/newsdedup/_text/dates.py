"""The day an article's lead names: which day's event a report is about.

News leads date their event: "A man was shot on Elm Street Thursday", "in connection with
the September 4 stabbing". Two reports of one event name one day; two look-alike events of
one kind (two robberies in one town that week) name other days, and a follow-up weeks
later names the day of the event it follows. The story step (``_stories.clusters``) reads
both: a follow-up naming the day of an earlier report is as near to it as a report of that
day, and two groups whose leads name days ``story_day_conflict_days`` apart or more are
not linked.

Read here, in English only (other scripts and languages name no day, and their stories use
publication dates alone):

* a **date**: a month name or its abbreviation with a day of the month, either order, with
  an optional year ("September 4", "Sept. 4, 2023", "4 March 2024"), in the first
  ``LEAD_CHARACTERS`` of the text. Without a year, the date is the latest such day not after
  the day after publication. Only days up to ``MAX_DAYS_BEFORE`` days before publication
  count (a wrong year, or history recalled, is no event of the feed), and a date written
  with its year within a day of the publication is a dateline ("June 06, 2013" under the
  headline): it dates the report, not its event, and is not read;
* a **weekday** ("Thursday", "Sunday's crash") in the first ``WEEKDAY_CHARACTERS`` (the
  lead sentence, where a report says when its event happened): the latest such day on or
  before the publication day (UTC).

An article's named day is the earliest it names ("Police said Monday the man was shot
Saturday": Saturday), as days since 1970-01-01; ``NO_DAY`` when it names none or is undated.

>>> import datetime as dt
>>> published = dt.datetime(2023, 10, 14, tzinfo=dt.UTC)  # a Saturday
>>> days = named_days(["Police arrested a man in the Sept. 4 stabbing.",
...                    "A man was shot Thursday night, police said.",
...                    "A quiet day."], [published] * 3)
>>> [str(dt.date(1970, 1, 1) + dt.timedelta(days=int(d))) if d != NO_DAY else None for d in days]
['2023-09-04', '2023-10-12', None]
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["LEAD_CHARACTERS", "MAX_DAYS_BEFORE", "NO_DAY", "WEEKDAY_CHARACTERS", "day_values",
           "named_days"]

#: Characters of each text searched for a date (its lead).
LEAD_CHARACTERS = 600
#: Characters of each text searched for a weekday (its lead sentence).
WEEKDAY_CHARACTERS = 300
#: A named date counts up to this many days before the publication.
MAX_DAYS_BEFORE = 180
#: The named day of an article that names none (an integer, so that features compare equal).
NO_DAY = np.iinfo(np.int32).min

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
#: A month name starts with one of these letter triples (a superset, found first: the date
#: expressions are then only tried where a month may start).
_MONTH_HINT = re.compile(r"[JFMASOND][aepuco][nbrylgptvc]")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH = (r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
          r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?")
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?"
#: A date written month first ("Sept. 4, 2023"), matched where a month name starts.
_MONTH_DAY = re.compile(_MONTH + r"\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b" + _YEAR)
#: A date written day first ("4 March 2024", "the 4th of March"): the month, matched where
#: it starts, and the day before it.
_DAY_BEFORE = re.compile(r"(?:^|\W)(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?$")
_DAY_MONTH = re.compile(_MONTH + _YEAR)
#: Each weekday's name without its "day", and its number (Monday 0).
_WEEKDAY_STEMS = tuple((name[:-3], number) for number, name in enumerate(_WEEKDAYS))
_EPOCH = dt.date(1970, 1, 1)


def named_days(texts: Sequence[str], published: Sequence[dt.datetime | None]
               ) -> npt.NDArray[np.int32]:
    """For each text, the earliest day its lead names (days since 1970-01-01, UTC), or
    ``NO_DAY`` (see the module docstring)."""
    out = np.full(len(texts), NO_DAY, dtype=np.int32)
    for number, (text, when) in enumerate(zip(texts, published, strict=True)):
        if when is None:
            continue
        today = (when.astimezone(dt.UTC) if when.tzinfo else when).date()
        earliest = math.inf
        # Cheap searches first: the date expressions are tried only where a month name may
        # start, weekdays are found by their "day" (20k articles: ~0.1 s, not ~0.3 s).
        for hint in _MONTH_HINT.finditer(text, 0, LEAD_CHARACTERS):
            day = _date_at(text, hint.start(), today)
            if day is not None:
                earliest = min(earliest, (day - _EPOCH).days)
        for weekday in _weekdays_named(text):
            back = (today.weekday() - weekday) % 7
            earliest = min(earliest, (today - _EPOCH).days - back)
        if earliest != math.inf:
            out[number] = earliest
    return out


def _weekdays_named(text: str) -> list[int]:
    """The weekdays (Monday 0) named in the text's first ``WEEKDAY_CHARACTERS``, found by
    their "day" with string searches (not an expression: this runs on every article)."""
    named = []
    end = text.find("day", 0, WEEKDAY_CHARACTERS)
    while end >= 0:
        after = end + 3
        if after >= len(text) or not text[after].isalnum():
            for stem, number in _WEEKDAY_STEMS:
                start = end - len(stem)
                if (start >= 0 and text.startswith(stem, start)
                        and (start == 0 or not text[start - 1].isalnum())):
                    named.append(number)
                    break
        end = text.find("day", after, WEEKDAY_CHARACTERS)
    return named


def _date_at(text: str, start: int, today: dt.date) -> dt.date | None:
    """The day named by a date whose month name starts at ``start``, if it is one, in the
    counted range before ``today``."""
    if start and text[start - 1].isalnum():
        return None
    found = _MONTH_DAY.match(text, start, LEAD_CHARACTERS)
    day_text = found.group("day") if found else None
    if found is None:
        found = _DAY_MONTH.match(text, start, LEAD_CHARACTERS)
        before = _DAY_BEFORE.search(text, max(0, start - 12), start) if found else None
        if found is None or before is None:
            return None
        day_text = before.group("day")
    month = _MONTHS.index(found.group("month")[:3].lower()) + 1
    year = found.group("year")
    date = _resolve(month, int(str(day_text)), int(year) if year else None, today)
    if date is not None and year and abs((today - date).days) <= 1:
        return None  # a dateline ("June 06, 2013"): it dates the report, not its event
    return date


def _resolve(month: int, day: int, year: int | None, today: dt.date) -> dt.date | None:
    """The day a date names, if it is a real day in the counted range before ``today``."""
    years = [year] if year is not None else [today.year + 1, today.year, today.year - 1]
    for candidate in years:
        try:
            date = dt.date(candidate, month, day)
        except ValueError:
            continue
        if -1 <= (today - date).days <= MAX_DAYS_BEFORE:
            return date
    return None


def day_values(days: npt.NDArray[np.int32]) -> npt.NDArray[np.float64]:
    """Named days as floats, NaN for ``NO_DAY`` (what the story step computes with)."""
    values: npt.NDArray[np.float64] = days.astype(np.float64)
    values[days == NO_DAY] = np.nan
    return values
