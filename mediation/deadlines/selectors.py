"""Reads of deadlines for pages: each with its status as of today, in words and colour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from mediation.cases.models import Case
from mediation.deadlines.clocks import (
    ActionFacts,
    compute_for_case,
    is_met_by_the_service,
    service_calendar,
)
from mediation.deadlines.labels import TAG_CLASS, deadline_label, status_text
from mediation.deadlines.models import Deadline
from mediation.domain.calendar import WorkingCalendar
from mediation.domain.deadlines import (
    DeadlineCode,
    DeadlineState,
    DeadlineWarning,
    deadline_status,
)


@dataclass(frozen=True)
class DeadlineView:
    code: str
    label: str
    due: date
    rule: str
    explanation: str
    met_on: date | None
    state: DeadlineState
    status: str
    tag_class: str
    set_aside: str = ""


def _view(
    code: str,
    due: date,
    rule: str,
    explanation: str,
    met_on: date | None,
    today: date,
    calendar: WorkingCalendar,
    set_aside: str = "",
) -> DeadlineView:
    status = deadline_status(due, met_on, today, calendar, settings.DEADLINE_DUE_SOON_WORKING_DAYS)
    text, tag = status_text(status), TAG_CLASS[status.state]
    if set_aside and met_on is None:
        # Nobody has to meet it any more: say why, never "overdue".
        text, tag = set_aside, "govuk-tag--grey"
    elif not is_met_by_the_service(code):
        # The family's own deadline (the appeal): the service cannot "meet" it, so it is never
        # shown as overdue, only as days left or passed.
        text, tag = (
            ("Passed", "govuk-tag--grey")
            if status.state is DeadlineState.OVERDUE
            else (f"{status.working_days_remaining} working days left", "govuk-tag--blue")
        )
    return DeadlineView(
        code=code,
        label=deadline_label(code),
        due=due,
        rule=rule,
        explanation=explanation,
        met_on=met_on,
        state=status.state,
        status=text,
        tag_class=tag,
        set_aside=set_aside,
    )


SHORT_NOTICE_LABEL = "Everyone told of the meeting's date and place"
SHORT_NOTICE_STATUS = "Met: the family agreed to shorter notice"


@dataclass(frozen=True)
class CaseClocks:
    deadlines: list[DeadlineView]
    appeal: DeadlineView | None
    # The engine's warnings: each a message in words and the input field it is about.
    warnings: list[DeadlineWarning]
    certificate_required: bool | None
    # Reg 37(2): the family agreed to less notice of the booked meeting, so there is no
    # "everyone told" deadline; the panel says so in its place.
    short_notice_agreed: bool = False


def case_clocks(
    *,
    case: Case,
    today: date | None = None,
    calendar: WorkingCalendar | None = None,
    actions: list[ActionFacts] | None = None,
) -> CaseClocks:
    """The case's stored deadlines with today's status, plus the engine's warnings.

    `calendar` and `actions` (the case's agreed actions) are read here unless given: the case
    page reads them once for all its panels."""
    today = today or timezone.localdate()
    calendar = calendar or service_calendar()
    views = [
        _view(d.code, d.due, d.rule, d.explanation, d.met_on, today, calendar, d.set_aside)
        for d in Deadline.objects.filter(case=case).order_by("position")
    ]
    _computed, warnings = compute_for_case(case, calendar, actions=actions)
    appeal = next((v for v in views if v.code == DeadlineCode.APPEAL_DEADLINE), None)
    required = None if case.notice_sent_on is None else not case.section_i_only
    return CaseClocks(
        deadlines=views,
        appeal=appeal,
        warnings=warnings,
        certificate_required=required,
        short_notice_agreed=case.short_notice_agreed and case.meeting_planned_on is not None,
    )


def next_deadline_views(
    cases: list[Case], *, today: date | None = None, calendar: WorkingCalendar | None = None
) -> dict[int, DeadlineView]:
    """The next deadline of each case in a work-queue page, keyed by case id (no extra queries
    per case: it uses the case's stored next_deadline_due and next_deadline_code)."""
    today = today or timezone.localdate()
    calendar = calendar or service_calendar()
    return {
        case.pk: _view(
            case.next_deadline_code, case.next_deadline_due, "", "", None, today, calendar
        )
        for case in cases
        if case.next_deadline_due is not None
    }
