"""WorkingCalendar and add_months, against explicit England & Wales holidays 2025-2028.

The holiday table below is written out by hand (from the gov.uk feed's dates, as listed in
docs/domain/statutory-rules.md) so the domain tests depend on no data package;
mediation/cli/tests/test_cli.py checks that `mediation.bank_holidays` agrees with it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.domain.calendar import (
    RESULTS_CACHE_LIMIT,
    WEEKEND,
    SkippedDay,
    WorkingCalendar,
)
from mediation.domain.dates import add_months, format_day, format_day_list

# Weekday holidays only: a holiday on a weekend changes nothing.
ENGLAND_AND_WALES_2025_2028: dict[date, str] = {
    date(2025, 1, 1): "New Year's Day",
    date(2025, 4, 18): "Good Friday",
    date(2025, 4, 21): "Easter Monday",
    date(2025, 5, 5): "Early May Bank Holiday",
    date(2025, 5, 26): "Spring Bank Holiday",
    date(2025, 8, 25): "Late Summer Bank Holiday",
    date(2025, 12, 25): "Christmas Day",
    date(2025, 12, 26): "Boxing Day",
    date(2026, 1, 1): "New Year's Day",
    date(2026, 4, 3): "Good Friday",
    date(2026, 4, 6): "Easter Monday",
    date(2026, 5, 4): "Early May Bank Holiday",
    date(2026, 5, 25): "Spring Bank Holiday",
    date(2026, 8, 31): "Late Summer Bank Holiday",
    date(2026, 12, 25): "Christmas Day",
    date(2026, 12, 28): "Boxing Day (substitute day)",
    date(2027, 1, 1): "New Year's Day",
    date(2027, 3, 26): "Good Friday",
    date(2027, 3, 29): "Easter Monday",
    date(2027, 5, 3): "Early May Bank Holiday",
    date(2027, 5, 31): "Spring Bank Holiday",
    date(2027, 8, 30): "Late Summer Bank Holiday",
    date(2027, 12, 27): "Christmas Day (substitute day)",
    date(2027, 12, 28): "Boxing Day (substitute day)",
    date(2028, 1, 3): "New Year's Day (substitute day)",
    date(2028, 4, 14): "Good Friday",
    date(2028, 4, 17): "Easter Monday",
    date(2028, 5, 1): "Early May Bank Holiday",
    date(2028, 5, 29): "Spring Bank Holiday",
    date(2028, 8, 28): "Late Summer Bank Holiday",
    date(2028, 12, 25): "Christmas Day",
    date(2028, 12, 26): "Boxing Day",
}
ENGLAND_AND_WALES = WorkingCalendar(holidays=ENGLAND_AND_WALES_2025_2028)
NO_HOLIDAYS = WorkingCalendar()

D = date  # keeps the tables below narrow


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # New Year (2028: Sat 1 Jan, so Mon 3 Jan is the substitute day)
        (D(2024, 12, 31), 1, D(2025, 1, 2)),
        (D(2025, 12, 31), 1, D(2026, 1, 2)),
        (D(2026, 12, 31), 1, D(2027, 1, 4)),
        (D(2027, 12, 31), 1, D(2028, 1, 4)),
        (D(2027, 12, 29), 3, D(2028, 1, 4)),
        # Good Friday and Easter Monday: Thursday + 1 working day = Tuesday
        (D(2025, 4, 17), 1, D(2025, 4, 22)),
        (D(2026, 4, 2), 1, D(2026, 4, 7)),
        (D(2027, 3, 25), 1, D(2027, 3, 30)),
        (D(2028, 4, 13), 1, D(2028, 4, 18)),
        (D(2026, 4, 2), 3, D(2026, 4, 9)),
        # Early May: Friday + 1 = Tuesday
        (D(2025, 5, 2), 1, D(2025, 5, 6)),
        (D(2026, 5, 1), 1, D(2026, 5, 5)),
        (D(2027, 4, 30), 1, D(2027, 5, 4)),
        (D(2028, 4, 28), 1, D(2028, 5, 2)),
        # Spring
        (D(2025, 5, 23), 1, D(2025, 5, 27)),
        (D(2026, 5, 22), 1, D(2026, 5, 26)),
        (D(2027, 5, 28), 1, D(2027, 6, 1)),
        (D(2028, 5, 26), 1, D(2028, 5, 30)),
        # Late Summer (2026: Mon 31 Aug)
        (D(2025, 8, 22), 1, D(2025, 8, 26)),
        (D(2026, 8, 28), 1, D(2026, 9, 1)),
        (D(2026, 8, 27), 3, D(2026, 9, 2)),
        (D(2027, 8, 27), 1, D(2027, 8, 31)),
        (D(2028, 8, 25), 1, D(2028, 8, 29)),
        # Christmas and Boxing Day, with the 2026 and 2027 substitute days
        (D(2025, 12, 24), 1, D(2025, 12, 29)),
        (D(2025, 12, 24), 3, D(2025, 12, 31)),
        (D(2026, 12, 24), 1, D(2026, 12, 29)),
        (D(2026, 12, 24), 3, D(2026, 12, 31)),
        (D(2027, 12, 24), 1, D(2027, 12, 29)),
        (D(2027, 12, 24), 3, D(2027, 12, 31)),
        (D(2028, 12, 22), 1, D(2028, 12, 27)),
        # The start is never counted, whether or not it is a working day
        (D(2026, 3, 5), 3, D(2026, 3, 10)),
        (D(2026, 5, 2), 1, D(2026, 5, 5)),  # Saturday start, Monday a bank holiday
        (D(2026, 8, 31), 1, D(2026, 9, 1)),  # start on a bank holiday
        (D(2026, 3, 6), 1, D(2026, 3, 9)),  # Friday + 1 = Monday
        (D(2026, 3, 5), 0, D(2026, 3, 5)),
        (D(2026, 3, 7), 0, D(2026, 3, 7)),
    ],
)
def test_add_working_days_around_bank_holidays(start: date, days: int, expected: date) -> None:
    assert ENGLAND_AND_WALES.add_working_days(start, days) == expected
    assert ENGLAND_AND_WALES.count_working_days(start, days).end == expected


@pytest.mark.parametrize("holiday", sorted(ENGLAND_AND_WALES_2025_2028))
def test_every_bank_holiday_is_not_a_working_day(holiday: date) -> None:
    assert not ENGLAND_AND_WALES.is_working_day(holiday)
    assert NO_HOLIDAYS.is_working_day(holiday)
    assert ENGLAND_AND_WALES.non_working_reason(holiday) == ENGLAND_AND_WALES_2025_2028[holiday]


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (D(2026, 3, 5), None),
        (D(2026, 3, 7), WEEKEND),
        (D(2026, 3, 8), WEEKEND),
        (D(2026, 8, 31), "Late Summer Bank Holiday"),
        (D(2026, 12, 26), WEEKEND),  # Boxing Day on a Saturday: reported as the weekend
        (D(2028, 1, 1), WEEKEND),
    ],
)
def test_non_working_reason(day: date, reason: str | None) -> None:
    assert ENGLAND_AND_WALES.non_working_reason(day) == reason
    assert ENGLAND_AND_WALES.is_working_day(day) is (reason is None)


def test_weekend_holiday_entries_are_harmless() -> None:
    # The `holidays` package lists Sat 26 Dec 2026 "Boxing Day" as well as Mon 28 Dec.
    with_weekend_entry = ENGLAND_AND_WALES.with_closure_days({D(2026, 12, 26): "Boxing Day"})
    assert with_weekend_entry.add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)


def test_count_working_days_names_every_skipped_day() -> None:
    count = ENGLAND_AND_WALES.count_working_days(D(2026, 8, 27), 3)
    assert count.counted == (D(2026, 8, 28), D(2026, 9, 1), D(2026, 9, 2))
    assert count.skipped == (
        SkippedDay(D(2026, 8, 29), WEEKEND),
        SkippedDay(D(2026, 8, 30), WEEKEND),
        SkippedDay(D(2026, 8, 31), "Late Summer Bank Holiday"),
    )


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 3, 5), D(2026, 3, 5)),
        (D(2026, 5, 2), D(2026, 5, 5)),
        (D(2026, 4, 3), D(2026, 4, 7)),
        (D(2026, 12, 25), D(2026, 12, 29)),
        (D(2028, 1, 1), D(2028, 1, 4)),
    ],
)
def test_next_working_day_on_or_after(day: date, expected: date) -> None:
    assert ENGLAND_AND_WALES.next_working_day_on_or_after(day) == expected
    roll = ENGLAND_AND_WALES.roll_forward(day)
    assert roll.result == expected
    assert roll.moved is (day != expected)
    assert [item.day for item in roll.skipped] == [
        day + timedelta(days=offset) for offset in range((expected - day).days)
    ]


@pytest.mark.parametrize(
    ("after", "until", "expected"),
    [
        (D(2026, 3, 5), D(2026, 3, 5), 0),
        (D(2026, 3, 5), D(2026, 3, 10), 3),
        (D(2026, 8, 28), D(2026, 9, 1), 1),
        (D(2026, 3, 10), D(2026, 3, 5), 0),
        (D(2026, 3, 6), D(2026, 3, 8), 0),
    ],
)
def test_working_days_between(after: date, until: date, expected: int) -> None:
    assert ENGLAND_AND_WALES.working_days_between(after, until) == expected


def test_extra_closure_days_are_skipped_and_named() -> None:
    closed = ENGLAND_AND_WALES.with_closure_days(
        {D(2026, 3, 6): "Service closure day", D(2026, 8, 31): "Service closure day"}
    )
    assert closed.add_working_days(D(2026, 3, 5), 3) == D(2026, 3, 11)
    assert closed.non_working_reason(D(2026, 3, 6)) == "Service closure day"
    # A bank holiday keeps its own name.
    assert closed.non_working_reason(D(2026, 8, 31)) == "Late Summer Bank Holiday"
    assert ENGLAND_AND_WALES.is_working_day(D(2026, 3, 6))  # the original is unchanged


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2026, 6, 15), 5, D(2026, 6, 8)),  # Mon -> Mon a week before
        (D(2026, 6, 20), 5, D(2026, 6, 15)),  # Sat: the start itself is never counted
        (D(2026, 6, 21), 1, D(2026, 6, 19)),  # Sun -> Fri
        (D(2026, 9, 1), 1, D(2026, 8, 28)),  # skips Mon 31 Aug 2026 and the weekend
        (D(2026, 4, 7), 1, D(2026, 4, 2)),  # skips Easter Monday and Good Friday
        (D(2027, 1, 4), 5, D(2026, 12, 23)),  # skips 1 Jan, 28 and 25 Dec
        (D(2026, 6, 15), 0, D(2026, 6, 15)),
    ],
)
def test_subtract_working_days(start: date, days: int, expected: date) -> None:
    assert ENGLAND_AND_WALES.subtract_working_days(start, days) == expected
    count = ENGLAND_AND_WALES.count_working_days_before(start, days)
    assert count.end == expected
    assert list(count.counted) == sorted(count.counted, reverse=True)  # latest first


def test_count_working_days_before_names_what_it_skipped() -> None:
    count = ENGLAND_AND_WALES.count_working_days_before(D(2026, 9, 1), 2)
    assert count.counted == (D(2026, 8, 28), D(2026, 8, 27))
    assert count.skipped == (
        SkippedDay(D(2026, 8, 31), "Late Summer Bank Holiday"),
        SkippedDay(D(2026, 8, 30), WEEKEND),
        SkippedDay(D(2026, 8, 29), WEEKEND),
    )
    with pytest.raises(ValueError, match="negative"):
        ENGLAND_AND_WALES.subtract_working_days(D(2026, 9, 1), -1)
    with pytest.raises(ValueError, match="negative"):
        ENGLAND_AND_WALES.count_working_days_before(D(2026, 9, 1), -1)


def test_closure_days_are_kept_apart_from_bank_holidays() -> None:
    closed = ENGLAND_AND_WALES.with_closure_days({D(2026, 3, 9): "Service closure day"})
    assert closed.holidays == ENGLAND_AND_WALES.holidays
    assert closed.closure_days == {D(2026, 3, 9): "Service closure day"}
    assert not closed.is_working_day(D(2026, 3, 9))
    # The Tribunal's calendar (HESC Rules r1(3)) has the bank holidays and not the closures.
    tribunal = closed.without_closure_days()
    assert tribunal.is_working_day(D(2026, 3, 9))
    assert not tribunal.is_working_day(D(2026, 8, 31))
    assert tribunal == ENGLAND_AND_WALES
    assert closed.without_closure_days() is tribunal  # built once
    assert ENGLAND_AND_WALES.without_closure_days() is ENGLAND_AND_WALES
    # Adding more closure days keeps the earlier ones.
    more = closed.with_closure_days({D(2026, 3, 10): "Staff training"})
    assert set(more.closure_days) == {D(2026, 3, 9), D(2026, 3, 10)}
    assert more.non_working_reason(D(2026, 3, 10)) == "Staff training"


def test_results_cache_is_bounded() -> None:
    calendar = WorkingCalendar()
    for key in range(RESULTS_CACHE_LIMIT + 10):
        calendar.remember(key, key)
    assert len(calendar.results_cache) == RESULTS_CACHE_LIMIT
    # Not part of equality: two calendars with the same days are equal whatever they cached.
    assert calendar == WorkingCalendar()


def test_calendar_copies_its_holidays() -> None:
    holidays = {D(2026, 3, 6): "Service closure day"}
    calendar = WorkingCalendar(holidays=holidays)
    holidays.clear()
    assert not calendar.is_working_day(D(2026, 3, 6))
    assert calendar == WorkingCalendar(holidays={D(2026, 3, 6): "Service closure day"})
    assert "1 holidays" in repr(calendar)


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        ENGLAND_AND_WALES.add_working_days(D(2026, 3, 5), -1)
    with pytest.raises(ValueError, match="negative"):
        ENGLAND_AND_WALES.count_working_days(D(2026, 3, 5), -1)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 3, 2), 2, D(2026, 5, 2)),
        (D(2025, 12, 31), 2, D(2026, 2, 28)),  # no 31 Feb: the month's last day
        (D(2027, 12, 31), 2, D(2028, 2, 29)),  # leap year
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2028, 1, 29), 1, D(2028, 2, 29)),
        (D(2026, 1, 29), 1, D(2026, 2, 28)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 8, 31), 1, D(2026, 9, 30)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2028, 2, 29), 12, D(2029, 2, 28)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2026, 11, 15), 2, D(2027, 1, 15)),
        (D(2026, 5, 15), 0, D(2026, 5, 15)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 1, 15), -1, D(2025, 12, 15)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("days", "reference_year", "expected"),
    [
        ([D(2026, 3, 6), D(2026, 3, 9), D(2026, 3, 10)], 2026, "Fri 6, Mon 9, Tue 10 Mar"),
        ([D(2026, 8, 28), D(2026, 9, 1), D(2026, 9, 2)], 2026, "Fri 28 Aug, Tue 1, Wed 2 Sep"),
        ([D(2025, 12, 31), D(2026, 1, 2)], 2025, "Wed 31 Dec, Fri 2 Jan 2026"),
        ([D(2026, 3, 6)], 2026, "Fri 6 Mar"),
        ([], 2026, ""),
    ],
)
def test_format_day_list(days: list[date], reference_year: int, expected: str) -> None:
    assert format_day_list(days, reference_year=reference_year) == expected


def test_format_day() -> None:
    assert format_day(D(2026, 3, 5)) == "Thu 5 Mar 2026"
    assert format_day(D(2026, 3, 5), with_year=False) == "Thu 5 Mar"
    assert format_day(D(2026, 3, 5), with_month=False) == "Thu 5"


# ---- properties -----------------------------------------------------------------------------

any_date = st.dates(min_value=D(1971, 1, 1), max_value=D(2090, 12, 31))
case_date = st.dates(min_value=D(2024, 6, 1), max_value=D(2028, 10, 31))
# Random closure-day sets, so the properties do not rest on one real calendar.
random_calendar = st.builds(
    WorkingCalendar,
    holidays=st.dictionaries(
        st.dates(min_value=D(2024, 1, 1), max_value=D(2029, 12, 31)),
        st.just("Service closure day"),
        max_size=60,
    ),
)
calendars = st.one_of(st.just(ENGLAND_AND_WALES), random_calendar)


@given(calendar=calendars, start=case_date, days=st.integers(min_value=1, max_value=400))
def test_working_day_deadline_lands_on_a_working_day_after_its_start(
    calendar: WorkingCalendar, start: date, days: int
) -> None:
    due = calendar.add_working_days(start, days)
    assert calendar.is_working_day(due)
    assert due > start
    assert calendar.working_days_between(start, due) == days


@given(calendar=calendars, start=case_date, days=st.integers(min_value=0, max_value=300))
def test_one_more_working_day_is_later(calendar: WorkingCalendar, start: date, days: int) -> None:
    assert calendar.add_working_days(start, days + 1) > calendar.add_working_days(start, days)


@given(calendar=calendars, start=case_date, days=st.integers(min_value=0, max_value=60))
def test_count_and_add_agree(calendar: WorkingCalendar, start: date, days: int) -> None:
    count = calendar.count_working_days(start, days)
    assert count.end == calendar.add_working_days(start, days)
    assert len(count.counted) == days
    # Every day after the start up to the end is either counted or skipped, exactly once.
    seen = sorted([*count.counted, *(item.day for item in count.skipped)])
    assert seen == [start + timedelta(days=n) for n in range(1, (count.end - start).days + 1)]


@given(calendar=calendars, start=case_date, days=st.integers(min_value=1, max_value=60))
def test_subtract_mirrors_add(calendar: WorkingCalendar, start: date, days: int) -> None:
    earlier = calendar.subtract_working_days(start, days)
    assert earlier < start
    assert calendar.is_working_day(earlier)
    # Counting forward from the day before the result lands back on the start's working day.
    assert calendar.working_days_between(earlier, start - timedelta(days=1)) == days - 1
    count = calendar.count_working_days_before(start, days)
    seen = sorted([*count.counted, *(item.day for item in count.skipped)])
    assert seen == [earlier + timedelta(days=n) for n in range((start - earlier).days)]


@given(calendar=calendars, day=case_date)
def test_next_working_day_is_the_first_working_day_on_or_after(
    calendar: WorkingCalendar, day: date
) -> None:
    result = calendar.next_working_day_on_or_after(day)
    assert result >= day
    assert calendar.is_working_day(result)
    assert all(
        not calendar.is_working_day(day + timedelta(days=n)) for n in range((result - day).days)
    )


@given(start=any_date, months=st.integers(min_value=-24, max_value=24))
def test_add_months_never_overflows_a_month(start: date, months: int) -> None:
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day <= start.day
    if result.day < start.day:
        # Clamped: the result is the last day of its month.
        assert (result + timedelta(days=1)).month != result.month
