"""Report periods: a month ("2026-11"), a quarter ("2026-Q3"), a year ("2026") or custom dates.

Quarters are calendar quarters (Q1 = January to March), the quarters the LAs' contracts use.
Every period is a closed range of days [start, end].
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")

MONTH_NAMES = [calendar.month_name[m] for m in range(13)]


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str
    token: str  # "2026-Q3", "2026-11", "2026" or "custom"

    def months(self) -> list[date]:
        """The first day of every month the period touches, in order."""
        return months_between(self.start, self.end)


def months_between(start: date, end: date) -> list[date]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def period_from_token(token: str) -> Period | None:
    """The period a token names, or None if it names none."""
    token = (token or "").strip().upper()
    if match := _QUARTER.match(token):
        year, quarter = int(match[1]), int(match[2])
        start = date(year, 3 * quarter - 2, 1)
        end = month_end(date(year, 3 * quarter, 1))
        first, last = MONTH_NAMES[start.month], MONTH_NAMES[end.month]
        return Period(start, end, f"Quarter {quarter} {year} ({first} to {last})", token)
    if match := _MONTH.match(token):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            return None
        start = date(year, month, 1)
        return Period(start, month_end(start), f"{MONTH_NAMES[month]} {year}", token)
    if match := _YEAR.match(token):
        year = int(match[1])
        if year < 1900:
            return None
        return Period(date(year, 1, 1), date(year, 12, 31), f"{year} (January to December)", token)
    return None


def custom_period(start: date, end: date) -> Period:
    return Period(start, end, f"{start:%-d %B %Y} to {end:%-d %B %Y}", "custom")


def period_choices(today: date) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for the period list: recent quarters, months and years, then custom."""
    quarters, months, years = [], [], []
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(12):
        period = period_from_token(f"{year}-Q{quarter}")
        assert period is not None
        quarters.append((period.token, period.label))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    year, month = today.year, today.month
    for _ in range(24):
        months.append((f"{year}-{month:02d}", f"{MONTH_NAMES[month]} {year}"))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    for offset in range(6):
        years.append((str(today.year - offset), str(today.year - offset)))
    return [
        ("Quarters", quarters),
        ("Months", months),
        ("Years", years),
        ("Other", [("custom", "Custom dates (enter them below)")]),
    ]


def previous_quarters(period: Period, count: int = 4) -> list[Period]:
    """The `count` calendar quarters before the quarter the period starts in, oldest first: what
    a period's figures are compared with ("trends against the previous four quarters")."""
    year, quarter = period.start.year, (period.start.month - 1) // 3 + 1
    quarters = []
    for _ in range(count):
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        found = period_from_token(f"{year}-Q{quarter}")
        assert found is not None
        quarters.append(found)
    return list(reversed(quarters))
