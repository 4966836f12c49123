"""Taking a case through its route, one step at a time.

`case_steps` says which steps make sense now and what each still needs (decided by
mediation.domain.case_states, from facts about the case); `case_take_step` records what the step
needs (dates, outcome, reasons), moves the case if the step moves it, and recomputes its
deadlines, all in one transaction with a history row and an audit event.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import User
from mediation.cases.models import Case, CertificateKind, ClosureOutcome, Outcome
from mediation.cases.services import _transition_locked
from mediation.common.errors import ServiceError, StaleCase
from mediation.deadlines.clocks import ActionFacts, case_facts, service_calendar
from mediation.deadlines.services import deadline_recalculate
from mediation.documents.services import certificate_issue
from mediation.domain.calendar import WorkingCalendar
from mediation.domain.case_states import (
    STEPS,
    CaseSituation,
    CaseState,
    Route,
    Step,
    StepOffer,
    step_target,
    steps_available,
)
from mediation.domain.dates import format_day
from mediation.domain.deadlines import compute_deadlines
from mediation.domain.decisions import APPEALABLE_DECISIONS
from mediation.timeline.services import timeline_record


def case_situation(
    case: Case,
    *,
    calendar: WorkingCalendar | None = None,
    actions: list[ActionFacts] | None = None,
) -> CaseSituation:
    """`calendar` and `actions` (the agreed actions) are read here unless given."""
    facts = case_facts(case, actions=actions)
    allowed = (
        compute_deadlines(facts, calendar or service_calendar()).certificate_allowed
        if facts
        else False
    )
    appealable = case.decision_type in APPEALABLE_DECISIONS
    return CaseSituation(
        route=Route(case.route),
        state=CaseState(case.status),
        certificate_required=appealable and not case.section_i_only,
        certificate_allowed=allowed,
        certificate_issued=case.certificate_issued_on is not None,
        health_issues=case.issue_health,
        health_only=case.issue_health and not (case.issue_education or case.issue_social_care),
        health_body_notified=case.health_body_notified_on is not None,
        la_unable_notified=case.la_unable_to_arrange_notified_on is not None,
        mediation_held=case.mediation_held_on is not None,
        everyone_agreed=case.everyone_agreed_on is not None,
        agreement_reached=case.outcome in {Outcome.AGREED_ALL, Outcome.AGREED_PART},
    )


def case_steps(
    case: Case,
    *,
    calendar: WorkingCalendar | None = None,
    actions: list[ActionFacts] | None = None,
) -> list[StepOffer]:
    return steps_available(case_situation(case, calendar=calendar, actions=actions))


def _certificate_kind(case: Case) -> str:
    if case.mediation_held_on is not None:
        return CertificateKind.AFTER_MEDIATION
    if case.la_unable_to_arrange_notified_on is not None and case.route == Route.MEDIATION:
        return CertificateKind.DEEMED
    return CertificateKind.DECLINED


def _apply(case: Case, step: Step, data: dict[str, Any], by: User) -> tuple[list[str], str]:
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
            fields["certificate_issued_by"] = data.get("adviser") or by
            line = (
                f"Certificate issued {format_day(when)}: "
                f"{CertificateKind(fields['certificate_kind']).label}"
            )
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
    by: User,
    data: dict[str, Any],
    expected_state: CaseState,
    request: HttpRequest | None = None,
) -> Case:
    """Take one step on the case, if it is available now; refuse it with the reason otherwise."""
    case = Case.objects.select_for_update().get(pk=case.pk)
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
        case = _transition_locked(
            case=case, to_state=target, by=by, reason=reason, expected_state=None, request=request
        )
    else:
        deadline_recalculate(case=case, by=by)
        case.last_activity_at = timezone.now()
    if step == Step.ISSUE_CERTIFICATE:
        # After the deadlines were recomputed, so the certificate carries the appeal deadline
        # that runs from its date of issue; in this transaction, so no step without certificate.
        certificate_issue(case=case, by=by, adviser=data.get("adviser"), request=request)
    return case
