"""What the staff pages about a case read from its workflow: the steps that make sense now, and
what the case page and My work read once for all their panels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from mediation.accounts.models import User
from mediation.cases.models import Case, Party
from mediation.cases.selectors import my_work_for_user
from mediation.common.words import lower_first
from mediation.deadlines.clocks import (
    EVENT_FIELDS,
    ActionFacts,
    agreed_actions_of,
    service_calendar,
)
from mediation.deadlines.selectors import CaseClocks, case_clocks
from mediation.domain.calendar import WorkingCalendar
from mediation.domain.case_states import (
    NO_CERTIFICATE_OUT_OF_TIME,
    CaseSituation,
    Route,
    StepOffer,
    steps_available,
)
from mediation.domain.deadlines import DeadlineCode, DeadlineWarning
from mediation.parties.selectors import parties_with_attendance
from mediation.workflow.facts import KEY_DATE_LABELS, situation_of


def case_situation(
    case: Case,
    *,
    calendar: WorkingCalendar | None = None,
    actions: list[ActionFacts] | None = None,
) -> CaseSituation:
    """`calendar` and `actions` (the agreed actions) are read here unless given."""
    return situation_of(case, calendar=calendar, actions=actions)


def case_steps(
    case: Case,
    *,
    calendar: WorkingCalendar | None = None,
    actions: list[ActionFacts] | None = None,
) -> list[StepOffer]:
    return steps_available(case_situation(case, calendar=calendar, actions=actions))


@dataclass(frozen=True)
class Attention:
    overdue: int
    due_soon: int


def my_work_attention(*, user: User, calendar: WorkingCalendar | None = None) -> Attention:
    """How many of the user's open cases have their next deadline overdue or due soon
    (one query; pass the service calendar if the page already has it)."""
    today = timezone.localdate()
    calendar = calendar or service_calendar()
    soon_until = calendar.add_working_days(today, settings.DEADLINE_DUE_SOON_WORKING_DAYS)
    counts = (
        my_work_for_user(user=user)
        .order_by()
        .filter(next_deadline_due__lte=soon_until)
        .aggregate(
            overdue=Count("pk", filter=Q(next_deadline_due__lt=today)),
            due_soon=Count("pk", filter=Q(next_deadline_due__gte=today)),
        )
    )
    return Attention(overdue=counts["overdue"], due_soon=counts["due_soon"])


_EVENT_FIELD_NAMES = {event.value: name for event, name in EVENT_FIELDS.items()}


@dataclass(frozen=True)
class WarningView:
    """One of the engine's warnings on the case page: the message in words, and where the
    field it is about is changed (its name in words and the page, "" when it has no page)."""

    message: str
    field_label: str
    url: str


# Where each field of the deadline contract is changed: the key dates page, at its box.
_WARNING_FIELDS: dict[str, str] = {
    "decision.notice_sent": "notice_sent_on",
    **{f"events.{event}": name for event, name in _EVENT_FIELD_NAMES.items()},
}


def warning_views(case: Case, warnings: list[DeadlineWarning]) -> list[WarningView]:
    """The engine's warnings, each with a link to where its field is changed."""
    key_dates = reverse("cases:key-dates", args=[case.reference])
    views = []
    for warning in warnings:
        name = _WARNING_FIELDS.get(warning.field)
        if warning.field.startswith("agreed_actions["):
            url = reverse("outcomes:statement", args=[case.reference])
            views.append(WarningView(warning.message, "the agreed actions", url))
        elif name == "meeting_planned_on":
            url = reverse("meetings:slots", args=[case.reference])
            views.append(WarningView(warning.message, "the meeting", url))
        elif name is not None:
            label = KEY_DATE_LABELS.get(name, name)
            url = f"{key_dates}#id_{name}_0"
            views.append(WarningView(warning.message, lower_first(label), url))
        else:
            views.append(WarningView(warning.message, "", ""))
    return views


@dataclass(frozen=True)
class CasePageReads:
    """What several panels of the case page need, read once for the whole page instead of
    once per panel. The page is a GET that changes nothing between the panels, so each panel
    sees exactly what it would have read itself."""

    parties: list[Party]  # main contact first, with attendance (parties_with_attendance)
    calendar: WorkingCalendar
    actions: list[ActionFacts]  # the agreed actions the clocks use
    clocks: CaseClocks
    mediation_by: date | None  # the stored "mediation by" deadline, if any
    warnings: list[WarningView]
    # Why no certificate can be issued on this case, in words ("" if one can, or is issued).
    no_certificate_because: str


def case_page_reads(*, case: Case) -> CasePageReads:
    calendar = service_calendar()
    actions = agreed_actions_of(case)
    clocks = case_clocks(case=case, calendar=calendar, actions=actions)
    mediation_by = next(
        (d.due for d in clocks.deadlines if d.code == DeadlineCode.MEDIATION_BY), None
    )
    situation = situation_of(case, calendar=calendar, actions=actions)
    no_certificate = ""
    certificate_route = case.route != Route.DISAGREEMENT_RESOLUTION
    if certificate_route and situation.certificate_required and not situation.certificate_allowed:
        no_certificate = NO_CERTIFICATE_OUT_OF_TIME
    return CasePageReads(
        parties=parties_with_attendance(case),
        calendar=calendar,
        actions=actions,
        clocks=clocks,
        mediation_by=mediation_by,
        warnings=warning_views(case, clocks.warnings),
        no_certificate_because=no_certificate,
    )
