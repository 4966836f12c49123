"""deadline_status and meeting_confirmation_latest: the web app's helpers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.domain.deadlines import (
    DeadlineState,
    DeadlineStatus,
    deadline_status,
    meeting_confirmation_latest,
)
from mediation.domain.tests.test_calendar import ENGLAND_AND_WALES

D = date
FRI_28_AUG_2026 = D(2026, 8, 28)  # the next working day is Tue 1 Sep (Mon 31 Aug is a holiday)


@pytest.mark.parametrize(
    ("due", "met_on", "today", "soon", "expected"),
    [
        # met
        (FRI_28_AUG_2026, D(2026, 8, 27), D(2026, 9, 10), 2, DeadlineStatus(DeadlineState.MET)),
        (FRI_28_AUG_2026, FRI_28_AUG_2026, D(2026, 9, 10), 2, DeadlineStatus(DeadlineState.MET)),
        # met late: working days after the due date up to and including the day it was met
        (
            FRI_28_AUG_2026,
            D(2026, 9, 1),
            D(2026, 9, 10),
            2,
            DeadlineStatus(DeadlineState.MET_LATE, working_days_late=1),
        ),
        (
            FRI_28_AUG_2026,
            D(2026, 9, 2),
            D(2026, 9, 10),
            2,
            DeadlineStatus(DeadlineState.MET_LATE, working_days_late=2),
        ),
        (
            FRI_28_AUG_2026,
            D(2026, 8, 29),
            D(2026, 9, 10),
            2,
            DeadlineStatus(DeadlineState.MET_LATE, working_days_late=0),
        ),
        # overdue
        (
            FRI_28_AUG_2026,
            None,
            D(2026, 9, 2),
            2,
            DeadlineStatus(DeadlineState.OVERDUE, working_days_late=2),
        ),
        (
            FRI_28_AUG_2026,
            None,
            D(2026, 8, 31),
            2,
            DeadlineStatus(DeadlineState.OVERDUE, working_days_late=0),
        ),
        # due soon / due
        (
            FRI_28_AUG_2026,
            None,
            FRI_28_AUG_2026,
            2,
            DeadlineStatus(DeadlineState.DUE_SOON, working_days_remaining=0),
        ),
        (
            FRI_28_AUG_2026,
            None,
            D(2026, 8, 26),
            2,
            DeadlineStatus(DeadlineState.DUE_SOON, working_days_remaining=2),
        ),
        (
            FRI_28_AUG_2026,
            None,
            D(2026, 8, 25),
            2,
            DeadlineStatus(DeadlineState.DUE, working_days_remaining=3),
        ),
        (
            FRI_28_AUG_2026,
            None,
            D(2026, 8, 27),
            0,
            DeadlineStatus(DeadlineState.DUE, working_days_remaining=1),
        ),
        (
            FRI_28_AUG_2026,
            None,
            FRI_28_AUG_2026,
            0,
            DeadlineStatus(DeadlineState.DUE_SOON, working_days_remaining=0),
        ),
        (
            D(2026, 9, 2),
            None,
            D(2026, 8, 28),
            2,
            DeadlineStatus(DeadlineState.DUE_SOON, working_days_remaining=2),
        ),
        # a deadline on a Saturday (the adviser window can end on one)
        (
            D(2026, 5, 2),
            None,
            D(2026, 5, 1),
            2,
            DeadlineStatus(DeadlineState.DUE_SOON, working_days_remaining=0),
        ),
    ],
)
def test_deadline_status(
    due: date, met_on: date | None, today: date, soon: int, expected: DeadlineStatus
) -> None:
    assert deadline_status(due, met_on, today, ENGLAND_AND_WALES, soon) == expected


def test_deadline_status_default_soon_is_two_working_days() -> None:
    status = deadline_status(FRI_28_AUG_2026, None, D(2026, 8, 26), ENGLAND_AND_WALES)
    assert status.state is DeadlineState.DUE_SOON


def test_deadline_status_refuses_a_negative_soon_window() -> None:
    with pytest.raises(ValueError, match="negative"):
        deadline_status(FRI_28_AUG_2026, None, D(2026, 8, 26), ENGLAND_AND_WALES, -1)


@pytest.mark.parametrize(
    ("meeting", "latest"),
    [
        (D(2026, 6, 15), D(2026, 6, 8)),  # Mon meeting: Tue 9 - Mon 15 hold 5 working days
        (D(2026, 6, 12), D(2026, 6, 7)),  # Fri meeting: a Sunday confirmation still works
        (D(2026, 6, 13), D(2026, 6, 7)),  # Sat meeting: same as the Friday before
        (D(2026, 9, 1), D(2026, 8, 24)),  # across the Late Summer Bank Holiday
        (D(2026, 12, 29), D(2026, 12, 20)),  # across Christmas and the substitute Boxing Day
        (D(2026, 4, 7), D(2026, 3, 29)),  # across Good Friday and Easter Monday
        (D(2028, 1, 4), D(2027, 12, 23)),  # substitute days at Christmas and New Year
    ],
)
def test_meeting_confirmation_latest(meeting: date, latest: date) -> None:
    assert meeting_confirmation_latest(meeting, ENGLAND_AND_WALES) == latest
    assert ENGLAND_AND_WALES.add_working_days(latest, 5) <= meeting


@given(meeting=st.dates(min_value=D(2025, 2, 1), max_value=D(2028, 12, 31)))
def test_meeting_confirmation_latest_is_the_latest_valid_day(meeting: date) -> None:
    latest = meeting_confirmation_latest(meeting, ENGLAND_AND_WALES)
    assert ENGLAND_AND_WALES.add_working_days(latest, 5) <= meeting
    assert ENGLAND_AND_WALES.add_working_days(latest + timedelta(days=1), 5) > meeting


@given(
    due=st.dates(min_value=D(2025, 1, 1), max_value=D(2028, 12, 31)),
    offset=st.integers(min_value=-30, max_value=30),
    met=st.booleans(),
)
def test_deadline_status_is_consistent(due: date, offset: int, met: bool) -> None:
    day = due + timedelta(days=offset)
    status = deadline_status(due, day if met else None, day, ENGLAND_AND_WALES)
    if met:
        assert status.state in (DeadlineState.MET, DeadlineState.MET_LATE)
        assert (status.state is DeadlineState.MET) is (day <= due)
    else:
        assert (status.state is DeadlineState.OVERDUE) is (day > due)
    late = status.state in (DeadlineState.MET_LATE, DeadlineState.OVERDUE)
    assert (status.working_days_late is not None) is late
    assert (status.working_days_remaining is not None) is (
        status.state in (DeadlineState.DUE, DeadlineState.DUE_SOON)
    )
