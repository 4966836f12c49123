"""Moving a case along its route: opening it, its steps, and the one door for a status change.

- `case_transition` is the only code that changes an open case's status (test_one_door checks
  the source): it locks the row, checks the route's table (mediation.domain.case_states),
  writes the status history, the case's history and audit event, and recomputes the deadlines.
- `case_take_step` takes one named step (ADR 0008): it records what the step needs, moves the
  case through `case_transition` if the step moves it, and issues the certificate when the
  step is "issue the certificate".
- `case_open_from_enquiry` opens a case in its route's first state and starts its clocks;
  `case_key_dates_update` records the dates the clocks run from.

This app orchestrates the apps below it: the case file (mediation.cases), the clocks
(mediation.deadlines) and the documents (the certificate). The apps whose services take steps
(meetings, outcomes) sit above it. Where each rule lives: docs/architecture.md.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import Role, User
from mediation.authorities.actors import Actor, AuthoritySystem, staff_member
from mediation.cases.models import (
    CallerType,
    Case,
    CaseStatusChange,
    CertificateKind,
    ClosureOutcome,
    Enquiry,
    Outcome,
    Party,
    PartyRole,
)
from mediation.cases.services import reference_next
from mediation.common.errors import NotAllowed, ServiceError, StaleCase
from mediation.deadlines.services import deadline_recalculate
from mediation.documents.services import certificate_issue
from mediation.domain.case_states import (
    INITIAL_STATE,
    STATE_LABELS,
    STEPS,
    CaseState,
    Route,
    Step,
    check_transition,
    step_target,
)
from mediation.domain.dates import format_day
from mediation.domain.decisions import APPEALABLE_DECISIONS
from mediation.timeline.models import TimelineKind
from mediation.timeline.services import timeline_record
from mediation.webhooks.models import EventKind
from mediation.webhooks.services import webhook_event_record
from mediation.workflow.selectors import case_steps


def _party_role_for_caller(caller_type: str) -> str:
    return {
        CallerType.PARENT_CARER: PartyRole.PARENT_CARER,
        CallerType.YOUNG_PERSON: PartyRole.YOUNG_PERSON,
        CallerType.ON_BEHALF: PartyRole.OTHER_CALLER,
    }[CallerType(caller_type)]


@transaction.atomic
def case_open_from_enquiry(
    *,
    enquiry: Enquiry,
    route: Route,
    owner: User,
    by: User,
    issue_education: bool = True,
    issue_health: bool = False,
    issue_social_care: bool = False,
    request: HttpRequest | None = None,
) -> Case:
    """Open a case on one of the three routes from an open enquiry.

    The caller becomes the case's first party and main contact; the child, the decision and the
    commissioning LA are copied from the enquiry.
    """
    enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if enquiry.status != Enquiry.Status.OPEN:
        raise ServiceError("A case has already been opened or the enquiry was closed.")
    if owner.role == Role.MEDIATOR or not owner.is_active:
        raise ServiceError("Choose an active case officer or manager as the case owner.")
    now = timezone.now()
    state = INITIAL_STATE[route]
    case = Case.objects.create(
        reference=reference_next(
            prefix=settings.CASE_REFERENCE_PREFIX, year=timezone.localdate(now).year
        ),
        route=route.value,
        status=state.value,
        local_authority=enquiry.local_authority,
        owner=owner,
        enquiry=enquiry,
        child_first_name=enquiry.child_first_name,
        child_last_name=enquiry.child_last_name,
        child_date_of_birth=enquiry.child_date_of_birth,
        child_setting=enquiry.child_setting,
        decision_type=enquiry.decision_type,
        notice_sent_on=enquiry.notice_sent_on,
        letter_dated_on=enquiry.letter_dated_on,
        section_i_only=enquiry.section_i_only,
        issue_education=issue_education,
        issue_health=issue_health,
        issue_social_care=issue_social_care,
        # The first call to the service is the family's contact with the mediation adviser
        # (reg 33), which closes the 2-month window clock.
        adviser_contacted_on=timezone.localdate(enquiry.received_at)
        if enquiry.decision_type in APPEALABLE_DECISIONS
        else None,
        # Choosing a certificate without mediation is telling the adviser that the family does
        # not want mediation: the 3-working-day clock of reg 34(1) starts now.
        mediation_declined_on=timezone.localdate(enquiry.received_at)
        if route == Route.CERTIFICATE_ONLY
        else None,
        opened_at=now,
        last_activity_at=now,
    )
    Party.objects.create(
        case=case,
        role=_party_role_for_caller(enquiry.caller_type),
        name=enquiry.caller_name,
        relationship=enquiry.caller_relationship,
        phone=enquiry.phone,
        email=enquiry.email,
        address=enquiry.address,
        preferred_contact=enquiry.preferred_contact,
        is_main_contact=True,
    )
    CaseStatusChange.objects.create(case=case, from_state="", to_state=state.value, by=by, at=now)
    enquiry.status = Enquiry.Status.CASE_OPENED
    enquiry.save(update_fields=["status", "updated_at"])
    timeline_record(
        case=case,
        by=by,
        kind=TimelineKind.CASE_OPENED,
        at=now,
        summary=f"Case opened from enquiry {enquiry.reference} ({case.get_route_display()}); "
        f"owner {owner.display_name}",
        verb="case.create",
        target=case,
        request=request,
        detail={"route": route.value, "enquiry": enquiry.reference},
    )
    deadline_recalculate(case=case, by=by, reason="case opened")
    webhook_event_record(
        case=case,
        kind=EventKind.CASE_OPENED,
        data={"route": case.route, "decision_type": case.decision_type},
    )
    return case


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to_state: CaseState,
    by: Actor,
    reason: str = "",
    expected_state: CaseState | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Move a case to another state, if its route's table in mediation.domain allows it.

    The only code that changes a case's status once it is open (test_one_door parses the source
    to check). It locks the row, so two people changing one case at once are applied one after
    the other and the second is checked against the state the first left (a caller that
    already holds the lock, such as case_take_step, takes it again at no cost). It writes the
    status history, the case's history line and audit event, and recomputes the deadlines.
    Returns the case as it now is.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    from_state = CaseState(case.status)
    if expected_state is not None and from_state != expected_state:
        raise StaleCase(
            f"Someone else changed this case while you were working on it: it is now "
            f"“{STATE_LABELS[from_state]}”. Check the case and try again if still needed."
        )
    check_transition(Route(case.route), from_state, to_state)
    if from_state == CaseState.CLOSED and not reason.strip():
        raise ServiceError("Give a reason for reopening the case.")
    now = timezone.now()
    case.status = to_state.value
    case.closed_at = now if to_state == CaseState.CLOSED else None
    case.last_activity_at = now
    case.save(update_fields=["status", "closed_at", "last_activity_at"])
    CaseStatusChange.objects.create(
        case=case,
        from_state=from_state.value,
        to_state=to_state.value,
        by=staff_member(by),
        at=now,
        reason=reason,
    )
    timeline_record(
        case=case,
        by=by,
        kind=TimelineKind.STATUS,
        at=now,
        summary=f"{STATE_LABELS[from_state]} → {STATE_LABELS[to_state]}",
        verb="case.transition",
        target=case,
        request=request,
        detail={"from": from_state.value, "to": to_state.value},
    )
    deadline_recalculate(case=case, by=by)
    return case


# The event dates a person may record on a case, with the words used in its history.
KEY_DATE_LABELS: dict[str, str] = {
    "adviser_contacted_on": "Family contacted the mediation adviser",
    "mediation_declined_on": "Family said they do not want mediation",
    "la_informed_on": "LA told that the family wants mediation",
    "health_body_notified_on": "Health commissioning body told",
    "la_unable_to_arrange_notified_on": "LA said it cannot arrange mediation within 30 days",
    "meeting_planned_on": "Meeting date",
    "meeting_confirmation_sent_on": "Written confirmation of the meeting sent",
    "mediation_held_on": "Mediation held",
    "mediation_concluded_on": "Mediation concluded",
    "outcome_circulated_on": "Outcome statement sent out",
    "certificate_issued_on": "Certificate issued",
    "agreement_made_on": "Mediation agreement made",
}
ISSUE_FIELDS = ("issue_education", "issue_health", "issue_social_care")


@transaction.atomic
def case_key_dates_update(
    *, case: Case, by: User, changes: dict[str, Any], request: HttpRequest | None = None
) -> Case:
    """Record event dates and issues that drive the clocks, then recompute the deadlines.

    Each changed date goes into the case history; the audit event names the fields only.
    """
    allowed = set(KEY_DATE_LABELS) | set(ISSUE_FIELDS) | {"notice_sent_on"}
    unknown = set(changes) - allowed
    if unknown:
        raise ServiceError(f"These cannot be changed here: {', '.join(sorted(unknown))}")
    case = Case.objects.select_for_update().get(pk=case.pk)
    changed = [name for name, value in changes.items() if getattr(case, name) != value]
    if not changed:
        return case
    for name in changed:
        setattr(case, name, changes[name])
    case.save(update_fields=changed)
    lines = []
    for name in changed:
        value = changes[name]
        if name in ISSUE_FIELDS:
            kind = name.removeprefix("issue_").replace("_", " ").capitalize()
            lines.append(f"{kind} issue {'added' if value else 'removed'}")
        else:
            label = KEY_DATE_LABELS.get(name, "Decision notice sent")
            lines.append(f"{label}: {format_day(value)}" if value else f"{label}: date removed")
    timeline_record(
        case=case,
        by=by,
        summary=lines,
        verb="case.key_dates_update",
        target=case,
        request=request,
        detail={"fields": sorted(changed)},
    )
    deadline_recalculate(case=case, by=by, reason="dates changed")
    return case


def _certificate_kind(case: Case) -> str:
    if case.mediation_held_on is not None:
        return CertificateKind.AFTER_MEDIATION
    if case.la_unable_to_arrange_notified_on is not None and case.route == Route.MEDIATION:
        return CertificateKind.DEEMED
    return CertificateKind.DECLINED


# The steps a local authority's own system may take through the API, on its own cases: telling
# the service the date it was told that the family wants mediation.
STEPS_AN_LA_MAY_TAKE = frozenset({Step.INFORM_LA})


def _check_actor_may_take(by: Actor, case: Case, step: Step) -> None:
    """Staff are checked by the views (cases.permissions.can_take_step); an LA's system here."""
    if isinstance(by, AuthoritySystem) and not (
        step in STEPS_AN_LA_MAY_TAKE and by.acts_for(case.local_authority_id)
    ):
        raise NotAllowed("Only the service's staff can take that step.")


def _apply(case: Case, step: Step, data: dict[str, Any], by: Actor) -> tuple[list[str], str]:
    """Set the fields the step records. Returns (changed field names, a line for the history)."""
    fields: dict[str, Any] = {}
    line = STEPS[step].label
    when: date | None = data.get("on")
    match step:
        case Step.INFORM_LA:
            fields["la_informed_on"] = when
            line = f"LA told the family wants mediation: {format_day(when)}"
        case Step.RECORD_HEALTH_NOTIFIED:
            fields["health_body_notified_on"] = when
            line = f"LA told the health commissioning body: {format_day(when)}"
        case Step.RECORD_LA_UNABLE:
            fields["la_unable_to_arrange_notified_on"] = when
            line = f"LA said it cannot arrange mediation within 30 days: {format_day(when)}"
        case Step.RECORD_CONSENT:
            fields["everyone_agreed_on"] = when
            line = f"Everyone agreed to take part: {format_day(when)}"
        case Step.BOOK_MEETING:
            fields["meeting_planned_on"] = when
            line = f"Meeting booked for {format_day(when)}"
        case Step.CANCEL_MEETING:
            fields["meeting_planned_on"] = None
            fields["meeting_confirmation_sent_on"] = None
            line = "Meeting cancelled"
        case Step.RECORD_MEETING_HELD:
            fields["mediation_held_on"] = when
            line = f"Meeting held: {format_day(when)}"
        case Step.RECORD_OUTCOME:
            fields["outcome"] = data["outcome"]
            if case.route == Route.MEDIATION:
                fields["mediation_concluded_on"] = when
                if data["outcome"] in {Outcome.AGREED_ALL, Outcome.AGREED_PART}:
                    fields["agreement_made_on"] = when
            line = f"Outcome: {Outcome(data['outcome']).label} ({format_day(when)})"
        case Step.ISSUE_CERTIFICATE:
            fields["certificate_issued_on"] = when
            fields["certificate_kind"] = _certificate_kind(case)
            elsewhere = data.get("issued_elsewhere")
            fields["certificate_issued_by"] = (
                None if elsewhere else (data.get("adviser") or staff_member(by))
            )
            line = (
                f"Certificate issued {format_day(when)}: "
                f"{CertificateKind(fields['certificate_kind']).label}"
            )
            if elsewhere:
                reference = f" ({elsewhere})" if isinstance(elsewhere, str) else ""
                line += f", by the service that had the case before{reference}: none made here"
        case Step.FAMILY_WITHDRAWS:
            fields["mediation_declined_on"] = when
            line = f"Family said they no longer want mediation: {format_day(when)}"
        case Step.LA_CHANGED_DECISION:
            fields["la_decision_changed_on"] = when
            fields["closure_outcome"] = ClosureOutcome.LA_CHANGED_DECISION
            line = f"LA changed its decision: {format_day(when)}"
        case Step.CLOSE:
            fields["closure_outcome"] = data.get("closure_outcome") or ClosureOutcome.COMPLETED
            fields["appeal_lodged"] = data.get("appeal_lodged", "")
            line = f"Closed: {ClosureOutcome(fields['closure_outcome']).label}"
        case Step.REOPEN:
            fields["closure_outcome"] = ""
            line = "Reopened"
        case Step.START_FOLLOW_UP:
            line = "Following up the agreed actions"
    changed = [name for name, value in fields.items() if getattr(case, name) != value]
    for name, value in fields.items():
        setattr(case, name, value)
    if changed:
        case.save(update_fields=changed)
    return changed, line


@transaction.atomic
def case_take_step(
    *,
    case: Case,
    step: Step,
    by: Actor,
    data: dict[str, Any],
    expected_state: CaseState,
    request: HttpRequest | None = None,
) -> Case:
    """Take one step on the case, if it is available now; refuse it with the reason otherwise.

    `by` is a staff member, or an LA's system through the API (STEPS_AN_LA_MAY_TAKE only)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_actor_may_take(by, case, step)
    if case.status != expected_state:
        raise StaleCase(
            "Someone else changed this case while you were working on it. "
            "Check the case and try again if still needed."
        )
    offer = next((o for o in case_steps(case) if o.step == step), None)
    if offer is None:
        raise ServiceError("That step is not possible for this case now.")
    if offer.blocked_because:
        raise ServiceError(offer.blocked_because)
    reason = data.get("reason", "")
    changed, line = _apply(case, step, data, by)
    timeline_record(
        case=case,
        by=by,
        summary=line,
        verb=f"case.step.{step.value}",
        target=case,
        request=request,
        detail={"fields": sorted(str(name) for name in changed)},
    )
    target = step_target(step, Route(case.route))
    if target is not None:
        case = case_transition(case=case, to_state=target, by=by, reason=reason, request=request)
    else:
        deadline_recalculate(case=case, by=by)
        case.last_activity_at = timezone.now()
    if step == Step.ISSUE_CERTIFICATE and not data.get("issued_elsewhere"):
        assert isinstance(by, User)  # an LA's system never issues one (_check_actor_may_take)
        # After the deadlines were recomputed, so the certificate carries the appeal deadline
        # that runs from its date of issue; in this transaction, so no step without certificate.
        # A certificate another provider issued before the case came here (a caseload import,
        # mediation.exchange) is recorded with its date and reference, and none is made.
        certificate_issue(case=case, by=by, adviser=data.get("adviser"), request=request)
    return case
