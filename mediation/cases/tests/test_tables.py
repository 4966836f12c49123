"""The case table's rows print exactly what the template's filters printed before (ADR 0019)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone

from mediation.cases.tables import case_rows, short_local_time
from mediation.deadlines.selectors import next_deadline_views
from mediation.domain.dates import format_day

# Every month and weekday, single- and double-digit days and hours, both sides of the clock
# change (London is UTC+1 in summer: 23:30 UTC on 30 June is 00:30 on 1 July).
DAYS = [date(2026, 1, 1) + timedelta(days=n) for n in range(0, 400, 3)]
MOMENTS = [
    datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 59, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 59, tzinfo=UTC),
    *[
        datetime(2026, 1, 1, 7, 5, tzinfo=UTC) + timedelta(days=n, hours=n)
        for n in range(0, 365, 7)
    ],
]


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_domains_day_format_is_the_date_filter(day):
    # The next-deadline column printed `date:"D j M Y"`; the rows use format_day.
    assert format_day(day) == date_filter(day, "D j M Y")


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_short_local_time_is_the_date_filter_in_london(moment):
    # The template filter shows an aware datetime in the current time zone (Europe/London).
    assert short_local_time(moment) == date_filter(timezone.localtime(moment), "j M Y, H:i")


@pytest.mark.django_db
def test_a_row_holds_what_the_table_shows(open_case):
    open_case.refresh_from_db()
    deadlines = next_deadline_views([open_case])
    (row,) = case_rows([open_case], deadlines)
    assert row.url == reverse("cases:detail", args=[open_case.reference])
    assert row.reference == open_case.reference
    assert row.child_name == open_case.child_name
    assert row.local_authority == open_case.local_authority.name
    assert row.route == open_case.get_route_display()
    assert row.status == open_case.get_status_display()
    assert row.is_open is True
    assert row.owner == open_case.owner.display_name
    assert row.last_activity == date_filter(
        timezone.localtime(open_case.last_activity_at), "j M Y, H:i"
    )
    if open_case.next_deadline_due:
        assert row.next_deadline == deadlines[open_case.pk]
        assert row.next_deadline_due == date_filter(open_case.next_deadline_due, "D j M Y")
    (without_deadlines,) = case_rows([open_case])
    assert without_deadlines.next_deadline is None and without_deadlines.next_deadline_due == ""


def test_route_and_status_labels_are_djangos_display_values():
    from mediation.cases.models import Case
    from mediation.cases.tables import _display
    from mediation.domain.case_states import CaseState, Route

    for route in Route:
        for status in CaseState:
            case = Case(route=route.value, status=status.value)
            assert _display(case, "route") == case.get_route_display()
            assert _display(case, "status") == case.get_status_display()
    unknown = Case(route="no-such-route", status="no-such-status")
    assert _display(unknown, "route") == unknown.get_route_display() == "no-such-route"
