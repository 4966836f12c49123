"""What the staff pages about a case read from its workflow: the steps that make sense now, and
what the case page and My work read once for all their panels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from mediation.accounts.models import User
from mediation.cases.models import Case, Outcome, Party
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
    CaseState,
    Route,
    StepOffer,
    steps_available,
)
from mediation.domain.deadlines import DeadlineCode, DeadlineWarning
from mediation.domain.decisions import APPEALABLE_DECISIONS
from mediation.domain.progress import ProgressFacts, StageRow, family_stages
from mediation.notifications.models import FAILED_DELIVERY, Message
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


def meeting_is_booked(case: Case) -> bool:
    """A meeting date is booked and not yet held. Booking sets the date and cancelling clears
    it, in the same transaction as the meeting itself (mediation.meetings.services), so this
    agrees with the meeting panel."""
    return case.meeting_planned_on is not None and case.mediation_held_on is None


def case_progress_facts(case: Case) -> ProgressFacts:
    """The facts the family's tracker, the case page and the meeting panel share."""
    return ProgressFacts(
        route=Route(case.route),
        state=CaseState(case.status),
        meeting_booked=meeting_is_booked(case),
        meeting_held=case.mediation_held_on is not None,
        certificate_required=case.decision_type in APPEALABLE_DECISIONS and not case.section_i_only,
        certificate_issued=case.certificate_issued_on is not None,
        family_withdrew=case.mediation_declined_on is not None,
        agreement_reached=case.outcome in {Outcome.AGREED_ALL, Outcome.AGREED_PART},
    )


def case_progress(case: Case) -> list[StageRow]:
    """The stages the family sees on the portal, for the family and for staff alike."""
    return family_stages(case_progress_facts(case))


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


# A case with all its parties, as the case page has read them.
CaseParties = tuple[Case, list[Party]]


@dataclass(frozen=True)
class FailedDelivery:
    """A message the email or text provider says did not reach the person."""

    message: Message
    reference: str
    phone: str  # the person's number on the case, to ring them instead

    @property
    def sentence(self) -> str:
        """ "Email to Sam Patel bounced: phone them on 0161 496 0000"."""
        what = Message.Channel(self.message.channel).label
        name = self.message.recipient_name or self.message.recipient_email or "them"
        status = {
            Message.Delivery.BOUNCED: "bounced",
            Message.Delivery.REJECTED: "was refused",
            Message.Delivery.FAILED: "did not arrive",
            Message.Delivery.COMPLAINED: "was marked as spam",
        }.get(Message.Delivery(self.message.delivery_status), "did not arrive")
        how = f"phone them on {self.phone}" if self.phone else "phone them"
        return f"{what} to {name} {status}: {how}"


FAILED_SHOWN_DAYS = 30


def failed_deliveries(
    *, case_ids: list[int] | QuerySet[Case, int], parties_of_case: CaseParties | None = None
) -> list[FailedDelivery]:
    """Messages on these cases (ids, or a query of them read as a subquery) that did not reach
    the person in the last FAILED_SHOWN_DAYS days, newest first (one query, and one more for
    the people's numbers when there are any, unless the case page hands over its one case with
    the parties it has read)."""
    if isinstance(case_ids, list) and not case_ids:
        return []
    since = timezone.now() - timedelta(days=FAILED_SHOWN_DAYS)
    failed = list(
        Message.objects.filter(
            case_id__in=case_ids,
            delivery_status__in=FAILED_DELIVERY,
            delivery_status_at__gte=since,
        )
        .defer("body", "secret")
        .order_by("-delivery_status_at", "-id")[:50]
    )
    if not failed:
        return []
    if parties_of_case is not None:
        case, people = parties_of_case
        parties = [(case.pk, p.email, p.phone, case.reference) for p in people]
    else:
        parties = list(
            Party.objects.filter(case_id__in={m.case_id for m in failed}).values_list(
                "case_id", "email", "phone", "case__reference"
            )
        )
    phones = {(case_id, email.lower()): phone for case_id, email, phone, _ref in parties if email}
    references = {case_id: reference for case_id, _e, _p, reference in parties}
    return [
        FailedDelivery(
            message=m,
            reference=references.get(m.case_id or 0, ""),
            phone=phones.get((m.case_id or 0, m.recipient_email.lower()), ""),
        )
        for m in failed
    ]


def my_failed_deliveries(*, user: User) -> list[FailedDelivery]:
    """Failed messages on the open cases in the user's work queue (the queue is a subquery)."""
    return failed_deliveries(
        case_ids=my_work_for_user(user=user).order_by().values_list("pk", flat=True)
    )
