"""Meeting scheduling rules: who must come, which offered slots work, how much notice is needed,
and the appeal-safe date. Pure Python: no Django, no clock (`today` is always an argument).

- Required attendees (SEND Regulations 2014 regs 35-37): the parent, young person or their
  representative; the local authority; the mediator; and, where the case has health issues,
  the health commissioning body. Everyone else (supporters, information providers...) is
  optional: a slot can still work when they cannot come.
- Notice (reg 37(2)): the family must be told the date and place at least 5 working days before
  the meeting unless they consent to less: by `meeting_notice_by`, 5 working days before the
  meeting with the meeting day never counted (deadline contract version 2, the engine's
  `meeting_notice_by` deadline).
- Days: a meeting on a weekend, a bank holiday or a service closure day needs someone to say
  "yes, this date" and why (`non_working_day_reason`); the mediator's calls before the meeting
  always fall on working days (`call_due`).
- Appeal-safe date (product vision): the latest meeting day whose certificate, due 3 working
  days after the meeting (reg 39(1)), still arrives on or before the family's appeal deadline as
  it stands without a certificate (HESC Rules 2008 r20(1)(c) and r12).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from mediation.domain.calendar import WEEKEND, WorkingCalendar
from mediation.domain.dates import format_day_long
from mediation.domain.deadlines import (
    MEETING_NOTICE_WORKING_DAYS,
    CaseFacts,
    DeadlineCode,
    compute_deadlines,
)
from mediation.domain.decisions import DecisionType

#: Reg 39(1): the certificate is due within 3 working days of the conclusion of the mediation.
CERTIFICATE_WORKING_DAYS = 3
#: The mediator calls each party in the week before the meeting: due this many working days before.
CALL_WORKING_DAYS_BEFORE = 5
DEFAULT_DURATION_MINUTES = 120

#: Party roles (mediation.cases.models.PartyRole values) who must be able to attend.
FAMILY_ROLES = frozenset({"parent_carer", "young_person", "representative"})
LA_ROLES = frozenset({"la_representative"})
HEALTH_ROLES = frozenset({"health_representative"})
#: Roles invited only once their attendance is agreed: a child attends with the parent's and the
#: mediator's agreement (reg 38(1)(c)), recorded by mediation.parties; until then, not invited.
NOT_INVITED_ROLES = frozenset({"child"})


def role_is_required(role: str, *, health_issues: bool) -> bool:
    """Whether a party in `role` must be able to come for a slot to work."""
    if role in FAMILY_ROLES or role in LA_ROLES:
        return True
    return health_issues and role in HEALTH_ROLES


def role_is_invited(role: str) -> bool:
    return role not in NOT_INVITED_ROLES


# --------------------------------------------------------------------------------------------
# Notice and timing
# --------------------------------------------------------------------------------------------


def meeting_notice_by(meeting_date: date, calendar: WorkingCalendar) -> date:
    """The last day everyone can be told in writing of the meeting's date and place (reg 37(2)):
    5 working days before the meeting, the meeting day never counted (the engine's
    `meeting_notice_by`)."""
    return calendar.subtract_working_days(meeting_date, MEETING_NOTICE_WORKING_DAYS)


def enough_notice(meeting_date: date, today: date, calendar: WorkingCalendar) -> bool:
    """True if a confirmation sent today still gives the 5 working days' notice of reg 37(2)."""
    return today <= meeting_notice_by(meeting_date, calendar)


def non_working_day_reason(day: date, calendar: WorkingCalendar) -> str | None:
    """Why a meeting on `day` needs a second thought, in words, or None on a working day:
    "Saturday 12 December 2026 is a weekend day", "... is a bank holiday (Christmas Day)",
    "... is a day the service is closed (Staff training)"."""
    reason = calendar.non_working_reason(day)
    if reason is None:
        return None
    when = format_day_long(day)
    if reason == WEEKEND:
        return f"{when} is a weekend day"
    if day in calendar.holidays:
        return f"{when} is a bank holiday ({reason})"
    return f"{when} is a day the service is closed ({reason})"


def working_days_before(day: date, days: int, calendar: WorkingCalendar) -> date:
    """The working day that is `days` working days before `day` (`day` itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = day
    while days:
        current -= timedelta(days=1)
        if calendar.is_working_day(current):
            days -= 1
    return current


def call_due(meeting_date: date, today: date, calendar: WorkingCalendar) -> date:
    """When the mediator's call to a party is due, always a working day: 5 working days before
    the meeting, or the first working day from today when the meeting is sooner than that."""
    planned = working_days_before(meeting_date, CALL_WORKING_DAYS_BEFORE, calendar)
    return max(planned, calendar.next_working_day_on_or_after(today))


def appeal_deadline_without_certificate(
    *, decision_type: str, notice_sent: date, calendar: WorkingCalendar
) -> date:
    """The family's appeal deadline from the decision notice alone: notice sent + 2 months, with
    the Tribunal's Christmas/August and next-working-day rules (compute_deadlines, no events)."""
    facts = CaseFacts(decision_type=DecisionType(decision_type), notice_sent=notice_sent)
    return compute_deadlines(facts, calendar).by_code()[DeadlineCode.APPEAL_DEADLINE].due


def appeal_safe_date(appeal_deadline: date, calendar: WorkingCalendar) -> date:
    """The latest meeting day M with `calendar.add_working_days(M, 3) <= appeal_deadline`.

    A meeting on or before this day gets its certificate (due 3 working days after, reg 39(1))
    no later than the family's appeal deadline as it stands without a certificate. M may be a
    non-working day (a meeting is rarely held then; any working day before it is also safe).
    """
    day = appeal_deadline
    while calendar.add_working_days(day, CERTIFICATE_WORKING_DAYS) > appeal_deadline:
        day -= timedelta(days=1)
    return day


# --------------------------------------------------------------------------------------------
# Slot matching
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    key: str  # stable within a case, e.g. "party:12" or "mediator:3"
    name: str
    required: bool


class SlotVerdict(StrEnum):
    WORKS = "works"  # every required attendee said they can come
    WAITING = "waiting"  # nobody required said no, but some required have not answered
    NOT_POSSIBLE = "not_possible"  # a required attendee cannot come


@dataclass(frozen=True)
class SlotMatch:
    slot: str
    day: date
    verdict: SlotVerdict
    can_come: tuple[Attendee, ...]
    cannot_come: tuple[Attendee, ...]
    not_answered: tuple[Attendee, ...]
    after_mediation_by: bool
    after_appeal_safe: bool

    @property
    def works_for_required(self) -> bool:
        return self.verdict is SlotVerdict.WORKS

    @property
    def all_answered(self) -> bool:
        return not self.not_answered

    @property
    def optional_cannot_come(self) -> tuple[Attendee, ...]:
        return tuple(a for a in self.cannot_come if not a.required)


def match_slot(
    *,
    slot: str,
    day: date,
    attendees: Sequence[Attendee],
    answers: Mapping[str, bool],
    mediation_by: date | None = None,
    appeal_safe: date | None = None,
) -> SlotMatch:
    """Who can and cannot come to one slot, and whether it works for every required attendee.

    `answers` maps attendee key -> True (available) / False (not available); a missing key is
    "not answered yet".
    """
    can = tuple(a for a in attendees if answers.get(a.key) is True)
    cannot = tuple(a for a in attendees if answers.get(a.key) is False)
    waiting = tuple(a for a in attendees if a.key not in answers or answers[a.key] is None)
    if any(a.required for a in cannot):
        verdict = SlotVerdict.NOT_POSSIBLE
    elif any(a.required for a in waiting):
        verdict = SlotVerdict.WAITING
    else:
        verdict = SlotVerdict.WORKS
    return SlotMatch(
        slot=slot,
        day=day,
        verdict=verdict,
        can_come=can,
        cannot_come=cannot,
        not_answered=waiting,
        after_mediation_by=mediation_by is not None and day > mediation_by,
        after_appeal_safe=appeal_safe is not None and day > appeal_safe,
    )


def match_slots(
    slots: Sequence[tuple[str, date]],
    attendees: Sequence[Attendee],
    answers: Mapping[tuple[str, str], bool],
    *,
    mediation_by: date | None = None,
    appeal_safe: date | None = None,
) -> list[SlotMatch]:
    """`match_slot` for each (slot key, day); `answers` is keyed by (slot key, attendee key)."""
    return [
        match_slot(
            slot=key,
            day=day,
            attendees=attendees,
            answers={a: v for (s, a), v in answers.items() if s == key},
            mediation_by=mediation_by,
            appeal_safe=appeal_safe,
        )
        for key, day in slots
    ]


def best_slots(matches: Sequence[SlotMatch]) -> list[SlotMatch]:
    """The slots that work for every required attendee, earliest first, preferring those
    inside the 30-day limit and before the appeal-safe date."""
    working = [m for m in matches if m.works_for_required]
    return sorted(working, key=lambda m: (m.after_mediation_by, m.after_appeal_safe, m.day))
