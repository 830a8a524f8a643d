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
  count (a wrong year, or history recalled, is no event of the feed);
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
#: A month name starts with one of these letter triples (a superset, tested first).
_MONTH_HINT = re.compile(r"[JFMASOND][aepuco][nbrylgptvc]")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH = (r"(?P<{0}>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
          r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAY = r"(?P<{0}>[0-3]?\d)(?:st|nd|rd|th)?"
_DATE = re.compile(
    r"\b(?:" + _MONTH.format("month") + r"\s+" + _DAY.format("day")
    + r"|" + _DAY.format("day2") + r"\s+(?:of\s+)?" + _MONTH.format("month2") + r")"
    r"\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?")
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b")
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
        # Cheap tests first (most leads name no month, many no weekday): a run over 20k
        # articles costs 0.05 s instead of 0.5 s.
        if _MONTH_HINT.search(text, 0, LEAD_CHARACTERS):
            for found in _DATE.finditer(text, 0, LEAD_CHARACTERS):
                day = _resolve(found, today)
                if day is not None:
                    earliest = min(earliest, (day - _EPOCH).days)
        if "day" in text[:WEEKDAY_CHARACTERS]:
            for found in _WEEKDAY.finditer(text, 0, WEEKDAY_CHARACTERS):
                back = (today.weekday() - _WEEKDAYS.index(found.group(1))) % 7
                earliest = min(earliest, (today - _EPOCH).days - back)
        if earliest != math.inf:
            out[number] = earliest
    return out


def _resolve(found: re.Match[str], today: dt.date) -> dt.date | None:
    """The day a date names, if it is a real day in the counted range before ``today``."""
    month = _MONTHS.index((found.group("month") or found.group("month2"))[:3].lower()) + 1
    day = int(found.group("day") or found.group("day2"))
    years = ([int(found.group("year"))] if found.group("year")
             else [today.year + 1, today.year, today.year - 1])
    for year in years:
        try:
            date = dt.date(year, month, day)
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
