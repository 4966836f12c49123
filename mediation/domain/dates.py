"""Calendar-month arithmetic and the date wording used in deadline explanations.

Pure standard library: no Django, no clock, no I/O (import-linter contract
"Domain rules are pure Python").
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import re
from collections.abc import Sequence
from datetime import date, time
from functools import lru_cache

__all__ = [
    "add_months",
    "format_day",
    "format_day_list",
    "format_day_long",
    "format_month",
    "format_time",
    "spell_out_days",
    "join_with_and",
]

# Fixed English names, so explanations never depend on the process locale
# (datetime.strftime("%a") would).
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def add_months(start: date, months: int) -> date:
    """Return the date `months` calendar months after `start` (before it when negative).

    The deadline contract's definition of "N months after D": the same day of the month
    N months later; where that month has no such day, its last day. So 31 Dec 2025 + 2 months
    is 28 Feb 2026, 31 Dec 2027 + 2 months is 29 Feb 2028 and 31 Jan + 1 month is the last day
    of February. Neither the SEND Regulations 2014 nor the HESC Rules 2008 say how to count a
    month that has no corresponding day (docs/domain/statutory-rules.md, question 9); this is the
    reading the contract settled on. There is no roll-forward to a working day here.
    """
    month_index = start.year * 12 + (start.month - 1) + months
    year, month_zero_based = divmod(month_index, 12)
    month = month_zero_based + 1
    day = start.day
    if day > 28:  # only then can the month be too short (the common case skips the lookup)
        day = min(day, _stdlib_calendar.monthrange(year, month)[1])
    return date(year, month, day)


# Explanations name the same few thousand dates over and over (a benchmark of 20,000 cases
# formats about 300,000), so the words for each date are worked out once.
@lru_cache(maxsize=65536)
def format_day(day: date, *, with_month: bool = True, with_year: bool = True) -> str:
    """Word a date the way explanations do: "Thu 5 Mar 2026", "Thu 5 Mar" or "Thu 5"."""
    text = f"{_WEEKDAYS[day.weekday()]} {day.day}"
    if with_month:
        text += f" {_MONTHS[day.month - 1]}"
        if with_year:
            text += f" {day.year}"
    return text


@lru_cache(maxsize=16384)
def format_day_long(day: date) -> str:
    """Word a date as people read it in messages: "Thursday 12 March 2026"."""
    return f"{_WEEKDAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def format_time(moment: time) -> str:
    """A time of day as people read it in messages: "10am", "2:30pm", "12pm" (noon)."""
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def spell_out_days(text: str) -> str:
    """`text` with each short date written in full, for people outside the service: the
    deadline explanations say "Thu 12 Nov 2026" (compact, for staff); a family reads
    "Thursday 12 November 2026"."""

    def full(found: re.Match[str]) -> str:
        weekday, day, month, year = found.groups()
        weekday = _WEEKDAY_NAMES[_WEEKDAYS.index(weekday)]
        month = _MONTH_NAMES[_MONTHS.index(month)]
        return f"{weekday} {day} {month}{' ' + year if year else ''}"

    text = _SHORT_DAY.sub(full, text)
    # "Sat 2 and Sunday 3 January": a day in a list names its month only once
    return _SHORT_WEEKDAY.sub(lambda found: _WEEKDAY_NAMES[_WEEKDAYS.index(found[1])] + " ", text)


_SHORT_WEEKDAY = re.compile(rf"\b({'|'.join(_WEEKDAYS)}) (?=\d)")
_SHORT_DAY = re.compile(
    rf"\b({'|'.join(_WEEKDAYS)}) (\d{{1,2}}) ({'|'.join(_MONTHS)})\b(?: (\d{{4}})\b)?"
)


def format_month(day: date, *, full: bool = False) -> str:
    """ "Mar" (or "March" when `full`) for any date in March."""
    return (_MONTH_NAMES if full else _MONTHS)[day.month - 1]


def format_day_list(days: Sequence[date], *, reference_year: int) -> str:
    """Word a run of dates compactly, naming each month (and year) once.

    Dates are grouped by month; the month is written after the last date of each group, and
    the year too when it differs from `reference_year`:
    [Fri 6 Mar, Mon 9 Mar, Tue 10 Mar] -> "Fri 6, Mon 9, Tue 10 Mar";
    [Wed 31 Dec 2025, Fri 2 Jan 2026] with reference 2025 -> "Wed 31 Dec, Fri 2 Jan 2026".
    """
    parts: list[str] = []
    for index, day in enumerate(days):
        is_last_of_month = index + 1 == len(days) or (
            (days[index + 1].year, days[index + 1].month) != (day.year, day.month)
        )
        parts.append(
            format_day(
                day,
                with_month=is_last_of_month,
                with_year=is_last_of_month and day.year != reference_year,
            )
        )
    return ", ".join(parts)


def join_with_and(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
