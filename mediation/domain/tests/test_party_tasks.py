"""When a party is told what is needed, reminded, and told once it is overdue; and the dates
things are needed by. Pure: no Django."""

from __future__ import annotations

from datetime import date

from mediation.domain.calendar import WorkingCalendar
from mediation.domain.party_tasks import (
    PartyTask,
    Stage,
    TaskKind,
    answer_dates_due,
    before_meeting_due,
    message_due,
)

CALENDAR = WorkingCalendar({date(2026, 12, 25): "Christmas Day", date(2026, 12, 28): "Boxing Day"})
DUE = date(2026, 12, 10)  # a Thursday
TASK = PartyTask(TaskKind.ANSWER_DATES, "answer_dates:2026-12-01", DUE)


def _due(today: date, sent: dict[Stage, date] | None = None, task: PartyTask = TASK):
    return message_due(task, today=today, calendar=CALENDAR, lead_working_days=2, sent=sent or {})


def test_a_notice_first_then_a_reminder_two_working_days_before_then_once_overdue():
    assert _due(date(2026, 12, 1)) == Stage.NOTICE
    told = {Stage.NOTICE: date(2026, 12, 1)}
    assert _due(date(2026, 12, 7), told) is None  # Monday: 3 working days before
    assert _due(date(2026, 12, 8), told) == Stage.REMINDER  # Tuesday: 2 working days before
    reminded = {**told, Stage.REMINDER: date(2026, 12, 8)}
    assert _due(date(2026, 12, 9), reminded) is None
    assert _due(DUE, reminded) is None  # on the day: not yet overdue
    assert _due(date(2026, 12, 11), reminded) == Stage.OVERDUE
    overdue = {**reminded, Stage.OVERDUE: date(2026, 12, 11)}
    assert _due(date(2026, 12, 14), overdue) is None  # once only


def test_a_notice_inside_the_reminder_window_is_not_followed_by_a_reminder():
    assert _due(date(2026, 12, 9)) == Stage.NOTICE
    assert _due(date(2026, 12, 10), {Stage.NOTICE: date(2026, 12, 9)}) is None


def test_agreed_actions_get_no_notice_only_the_reminder_and_the_overdue_message():
    action = PartyTask(TaskKind.ACTION_DONE, "action_done:7", DUE, notice=False)
    assert _due(date(2026, 11, 2), task=action) is None
    assert _due(date(2026, 12, 8), task=action) == Stage.REMINDER
    assert _due(date(2026, 12, 11), task=action) == Stage.OVERDUE


def test_nothing_is_sent_without_a_date():
    undated = PartyTask(TaskKind.LA_ATTENDEE, "la_attendee", None)
    assert _due(date(2026, 12, 1), task=undated) is None


def test_before_the_meeting_never_before_the_day_after_it_was_booked_nor_on_the_day():
    meeting = date(2026, 12, 18)  # Friday
    assert before_meeting_due(
        meeting_day=meeting, confirmed_on=date(2026, 12, 1), calendar=CALENDAR, working_days=3
    ) == date(2026, 12, 15)
    # booked at short notice: the working day after it was booked
    assert before_meeting_due(
        meeting_day=meeting, confirmed_on=date(2026, 12, 16), calendar=CALENDAR, working_days=3
    ) == date(2026, 12, 17)
    # booked the day before: still the day before the meeting, never after it
    assert before_meeting_due(
        meeting_day=meeting, confirmed_on=date(2026, 12, 17), calendar=CALENDAR, working_days=3
    ) == date(2026, 12, 17)


def test_answers_about_dates_within_working_days_and_before_the_first_date():
    assert answer_dates_due(
        offered_on=date(2026, 12, 23),
        first_slot_day=date(2027, 1, 15),
        calendar=CALENDAR,
        working_days=3,
    ) == date(2026, 12, 30)  # Christmas and Boxing Day skipped
    assert answer_dates_due(
        offered_on=date(2026, 12, 1),
        first_slot_day=date(2026, 12, 3),
        calendar=CALENDAR,
        working_days=3,
    ) == date(2026, 12, 2)


def test_a_date_needed_before_a_monday_meeting_or_date_is_a_working_day():
    """Found trying the demo as the LA: "name the local authority's attendee (it was due
    Sunday 20 December)": the day before a Monday is the Friday before."""
    monday = date(2026, 12, 21)
    assert before_meeting_due(
        meeting_day=monday, confirmed_on=date(2026, 12, 18), calendar=CALENDAR, working_days=3
    ) == date(2026, 12, 18)
    assert answer_dates_due(
        offered_on=date(2026, 12, 17), first_slot_day=monday, calendar=CALENDAR, working_days=3
    ) == date(2026, 12, 18)
    # after Christmas Day and Boxing Day (Monday 28th), the working day before Tuesday 29th
    assert answer_dates_due(
        offered_on=date(2026, 12, 23),
        first_slot_day=date(2026, 12, 29),
        calendar=CALENDAR,
        working_days=3,
    ) == date(2026, 12, 24)
