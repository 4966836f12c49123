"""What the service needs from a person outside it, by when, and when to tell them. Pure Python.

A party's task ("tell us which dates you can come", "agree the outcome statement") has a date
it is needed by. The web app works out each party's tasks from the case (mediation.portal.to_do)
and this module decides the dates and which message is due:

- a notice when the task appears (what is needed, by when, how);
- a reminder a few working days before the date (PARTY_REMINDER_WORKING_DAYS), unless the
  notice itself went out that close to the date;
- one message once the date has passed.

Each goes once (the caller records what was sent); a task that is done disappears, and with it
every later message. Agreed actions get no notice (the outcome statement told everyone), only
the reminder and the message once overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from mediation.domain.calendar import WorkingCalendar


class TaskKind(StrEnum):
    ANSWER_DATES = "answer_dates"
    LA_ATTENDEE = "la_attendee"
    INFORMATION = "information"
    CHILD_VIEWS = "child_views"
    AGREE_STATEMENT = "agree_statement"
    AGREE_AGAIN = "agree_again"
    ACTION_DONE = "action_done"


class Stage(StrEnum):
    NOTICE = "notice"
    REMINDER = "reminder"
    OVERDUE = "overdue"


# What each task asks, as the first words of a sentence ("Tell us ... by Tuesday 3 March").
TASK_WHAT: dict[TaskKind, str] = {
    TaskKind.ANSWER_DATES: "Tell us which of the meeting dates we offered you can come to",
    TaskKind.LA_ATTENDEE: (
        "Tell us who will attend the meeting for the local authority, and confirm what they "
        "can decide"
    ),
    TaskKind.INFORMATION: "Send us your information for the meeting",
    TaskKind.CHILD_VIEWS: "Tell us what the child or young person thinks",
    TaskKind.AGREE_STATEMENT: "Read the outcome statement and tell us if it is accurate",
    TaskKind.AGREE_AGAIN: (
        "Read the changed outcome statement and tell us again if it is accurate"
    ),
    TaskKind.ACTION_DONE: "Tell us when the agreed action is done",
}

# A short subject line for each task: what, then (added by the caller) by when and the case.
TASK_SUBJECT: dict[TaskKind, str] = {
    TaskKind.ANSWER_DATES: "Tell us which meeting dates you can come to",
    TaskKind.LA_ATTENDEE: "Name the local authority's attendee",
    TaskKind.INFORMATION: "Send your information for the meeting",
    TaskKind.CHILD_VIEWS: "Share the child's views",
    TaskKind.AGREE_STATEMENT: "Check the outcome statement",
    TaskKind.AGREE_AGAIN: "The outcome statement changed: check it again",
    TaskKind.ACTION_DONE: "Tell us when an agreed action is done",
}

# Why we ask, in one sentence.
TASK_WHY: dict[TaskKind, str] = {
    TaskKind.ANSWER_DATES: "We are looking for a meeting date that suits everyone.",
    TaskKind.LA_ATTENDEE: (
        "The law says the local authority's attendee must be able to make decisions at the meeting."
    ),
    TaskKind.INFORMATION: "The mediator reads it before the meeting.",
    TaskKind.CHILD_VIEWS: (
        "The mediator wants to know what matters to the child or young person before the meeting."
    ),
    TaskKind.AGREE_STATEMENT: (
        "The outcome statement is the written record of what the meeting agreed. Everyone who "
        "took part must agree it is accurate before it is final."
    ),
    TaskKind.AGREE_AGAIN: (
        "The outcome statement was changed after you agreed it, so your agreement no longer counts."
    ),
    TaskKind.ACTION_DONE: (
        "At the meeting everyone agreed what would be done and by when. We check that it is "
        "done on time."
    ),
}


@dataclass(frozen=True)
class PartyTask:
    kind: TaskKind
    # Stable for one piece of work: "answer_dates:41", "agree_statement:v3", "action_done:17".
    key: str
    due: date | None
    meeting_day: date | None = None
    # For ACTION_DONE: the action's number as the party's list of agreed actions shows it
    # ("Action 2"), and its id for the link to it.
    action_number: str = ""
    action_id: int = 0
    notice: bool = True

    @property
    def what(self) -> str:
        return TASK_WHAT[self.kind]

    @property
    def why(self) -> str:
        return TASK_WHY[self.kind]

    def is_overdue(self, today: date) -> bool:
        return self.due is not None and self.due < today


def before_meeting_due(
    *,
    meeting_day: date,
    confirmed_on: date,
    calendar: WorkingCalendar,
    working_days: int,
) -> date:
    """When something is needed before a meeting: `working_days` before it, but never before
    the working day after the meeting was confirmed (a meeting booked at short notice), and
    never later than the working day before the meeting (a party is not asked for something
    "by Sunday" before a Monday meeting)."""
    wanted = calendar.subtract_working_days(meeting_day, working_days)
    earliest = calendar.add_working_days(confirmed_on, 1)
    return min(max(wanted, earliest), calendar.subtract_working_days(meeting_day, 1))


def answer_dates_due(
    *, offered_on: date, first_slot_day: date, calendar: WorkingCalendar, working_days: int
) -> date:
    """When answers about offered dates are needed: `working_days` after they were offered,
    and at the latest the working day before the first date offered."""
    return min(
        calendar.add_working_days(offered_on, working_days),
        calendar.subtract_working_days(first_slot_day, 1),
    )


def message_due(
    task: PartyTask,
    *,
    today: date,
    calendar: WorkingCalendar,
    lead_working_days: int,
    sent: dict[Stage, date],
) -> Stage | None:
    """Which message (if any) to send about `task` today, given what was already sent for
    it and when (`sent`, for the task's current due date)."""
    if task.due is None:
        return None  # nothing to say "by when": the portal lists it, no message goes
    if today > task.due:
        return Stage.OVERDUE if Stage.OVERDUE not in sent else None
    remind_from = calendar.subtract_working_days(task.due, lead_working_days)
    if today >= remind_from:
        if Stage.REMINDER in sent:
            return None
        noticed_on = sent.get(Stage.NOTICE)
        if noticed_on is not None and noticed_on >= remind_from:
            return None  # told them inside the reminder window already
        if task.notice and noticed_on is None:
            return Stage.NOTICE
        return Stage.REMINDER
    return Stage.NOTICE if task.notice and Stage.NOTICE not in sent else None
