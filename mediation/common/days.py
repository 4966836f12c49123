"""Whole days as instants: a filter on a date range over a date-and-time column.

The service works in UK local time, so "on 28 March" starts at midnight in London, not UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def day_start(day: date) -> datetime:
    """Midnight at the start of `day`, in the service's time zone."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """From the start of `start` to the start of the day after `end`: filter with gte and lt."""
    return day_start(start), day_start(end + timedelta(days=1))
