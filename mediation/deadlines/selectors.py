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
from mediation.domain.deadlines import DeadlineState, DeadlineWarning, deadline_status


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


def _view(
    code: str,
    due: date,
    rule: str,
    explanation: str,
    met_on: date | None,
    today: date,
    calendar: WorkingCalendar,
) -> DeadlineView:
    status = deadline_status(due, met_on, today, calendar, settings.DEADLINE_DUE_SOON_WORKING_DAYS)
    text, tag = status_text(status), TAG_CLASS[status.state]
    if not is_met_by_the_service(code):
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
    )


@dataclass(frozen=True)
class CaseClocks:
    deadlines: list[DeadlineView]
    appeal: DeadlineView | None
    warnings: list[DeadlineWarning]
    certificate_required: bool | None


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
        _view(d.code, d.due, d.rule, d.explanation, d.met_on, today, calendar)
        for d in Deadline.objects.filter(case=case).order_by("position")
    ]
    _computed, warnings = compute_for_case(case, calendar, actions=actions)
    appeal = next((v for v in views if v.code == "appeal_deadline"), None)
    required = None if case.notice_sent_on is None else not case.section_i_only
    return CaseClocks(
        deadlines=views, appeal=appeal, warnings=warnings, certificate_required=required
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
