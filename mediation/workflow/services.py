"""Moving a case along its route: opening it, its steps, and the one door for a status change.

- `case_transition` is the only code that changes an open case's status (test_one_door checks
  the source): it locks the row, checks the route's table (mediation.domain.case_states),
  writes the status history, the case's history and audit event, and recomputes the deadlines.
- `case_take_step` takes one named step (ADR 0008): it records what the step needs, moves the
  case through `case_transition` if the step moves it, and issues the certificate when the
  step is "issue the certificate". Reopening returns the case to the stage its recorded facts
  imply (or one a manager picks from those consistent with them).
- `case_open_from_enquiry` opens a case in its route's first state and starts its clocks;
  `case_key_dates_update` records the dates the clocks run from.

Nothing is saved that the fact rules refuse (mediation.workflow.facts): each service works out
the case as it would be, refuses with the field and the reason (FactsRefused), and only then
saves. Each change writes one line in the case's history and one audit event; the deadlines a
change moves follow as lines of their own.

This app orchestrates the apps below it: the case file (mediation.cases), the clocks
(mediation.deadlines) and the documents (the certificate). The apps whose services take steps
(meetings, outcomes) sit above it. Where each rule lives: docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import Role, User
from mediation.authorities.actors import Actor, AuthoritySystem, staff_member
from mediation.cases.models import (
    CallerType,
    Case,
    CaseNote,
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
from mediation.documents.services import certificate_current, certificate_make
from mediation.domain.case_states import (
    INITIAL_STATE,
    STATE_LABELS,
    STEPS,
    TRANSITIONS,
    CaseState,
    Route,
    Step,
    check_transition,
    stage_implied_by,
    stages_consistent_with,
    step_target,
)
from mediation.domain.dates import format_day
from mediation.domain.decisions import APPEALABLE_DECISIONS
from mediation.timeline.models import TimelineKind
from mediation.timeline.services import timeline_record
from mediation.webhooks.models import EventKind
from mediation.webhooks.services import webhook_event_record
from mediation.workflow.facts import (
    KEY_DATE_LABELS,
    FactsRefused,
    case_change_refusals,
    refuse,
    situation_of,
)
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
        # Reg 35(3): the health body arranges a mediation about health issues only; the LA is
        # not a party to it (a person can change this on the key dates page).
        la_not_a_party=issue_health and not (issue_education or issue_social_care),
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
    record: bool = True,
) -> Case:
    """Move a case to another state, if its route's table in mediation.domain allows it.

    The only code that changes a case's status once it is open (test_one_door parses the source
    to check). It locks the row, so two people changing one case at once are applied one after
    the other and the second is checked against the state the first left (a caller that
    already holds the lock, such as case_take_step, takes it again at no cost). It writes the
    status history and recomputes the deadlines; with `record` (the default) also the case's
    history line and audit event, which a step writes itself, as one change with the step.
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
    if record:
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


ISSUE_FIELDS = ("issue_education", "issue_health", "issue_social_care")
FLAG_LABELS: dict[str, tuple[str, str]] = {
    "la_not_a_party": (
        "The LA is not a party to the mediation (health issues only)",
        "The LA is a party to the mediation",
    ),
    "short_notice_agreed": (
        "The family agreed to less than 5 working days' notice of the meeting",
        "The family's agreement to shorter notice no longer applies",
    ),
}


def _change_lines(changed: Sequence[str], values: Mapping[str, Any]) -> list[str]:
    lines = []
    for name in changed:
        value = values[name]
        if name in ISSUE_FIELDS:
            kind = name.removeprefix("issue_").replace("_", " ").capitalize()
            lines.append(f"{kind} issue {'added' if value else 'removed'}")
        elif name in FLAG_LABELS:
            lines.append(FLAG_LABELS[name][0 if value else 1])
        else:
            label = KEY_DATE_LABELS[name]
            lines.append(f"{label}: {format_day(value)}" if value else f"{label}: date removed")
    return lines


@dataclass(frozen=True)
class Recorded:
    """How a service above this one records its change together with the dates it sets here:
    its own lines first, its verb, target and detail (one history line, one audit event)."""

    verb: str
    target: models.Model
    lines: Sequence[str] = ()
    detail: Mapping[str, Any] = field(default_factory=dict)
    kind: str = TimelineKind.DETAILS


def _one_line(lines: Sequence[str]) -> str:
    """The lines of one change as one line of the history."""
    return "; ".join(line.rstrip(".") for line in lines if line)


@transaction.atomic
def case_key_dates_update(
    *,
    case: Case,
    by: User,
    changes: dict[str, Any],
    request: HttpRequest | None = None,
    recorded: Recorded | None = None,
) -> Case:
    """Record event dates, issues and the LA's part that drive the clocks, then recompute the
    deadlines. Refused (FactsRefused, naming each field) when the case could not then be true:
    dates out of order, something done in the future, or a date that would move the case to
    another stage without its step (or that its stage rests on).

    One history line names every change (dates in words); the audit event names the fields
    only. A service above this one passes `recorded` to record its own change with these.
    """
    allowed = set(KEY_DATE_LABELS) | set(ISSUE_FIELDS) | set(FLAG_LABELS)
    unknown = set(changes) - allowed
    if unknown:
        raise ServiceError(f"These cannot be changed here: {', '.join(sorted(unknown))}")
    case = Case.objects.select_for_update().get(pk=case.pk)
    changed = [name for name, value in changes.items() if getattr(case, name) != value]
    if not changed and recorded is None:
        return case
    if "certificate_issued_on" in changed and certificate_current(case) is not None:
        raise FactsRefused(
            [
                (
                    "certificate_issued_on",
                    "The certificate has been issued with this date. To correct it, a manager "
                    "revokes the certificate and the corrected one is issued.",
                )
            ]
        )
    refuse(case_change_refusals(case, {name: changes[name] for name in changed}))
    for name in changed:
        setattr(case, name, changes[name])
    if changed:
        case.save(update_fields=changed)
    lines = [*(recorded.lines if recorded else ()), *_change_lines(changed, changes)]
    timeline_record(
        case=case,
        by=by,
        kind=recorded.kind if recorded else TimelineKind.DETAILS,
        summary=_one_line(lines) or None,
        verb=recorded.verb if recorded else "case.key_dates_update",
        target=recorded.target if recorded else case,
        request=request,
        detail={**(recorded.detail if recorded else {}), "fields": sorted(changed)},
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


def step_changes(
    case: Case, step: Step, data: Mapping[str, Any], by: Actor | None
) -> tuple[dict[str, Any], str]:
    """What taking `step` with `data` would record on the case (field -> value), and the line
    for its history. Changes nothing: forms check these against the fact rules before the
    service saves them."""
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
            fields["short_notice_agreed"] = False
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
            # None: a form's check, or a certificate another provider issued (a caseload import)
            elsewhere = data.get("issued_elsewhere")
            fields["certificate_issued_by"] = (
                None
                if elsewhere
                else (data.get("adviser") or (staff_member(by) if by is not None else None))
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
    return fields, line


def reopen_stages(case: Case) -> tuple[CaseState | None, list[CaseState]]:
    """Where a closed case can be reopened: the stage its recorded facts imply, and every stage
    consistent with them (a manager may pick another of those), in the route's order."""
    situation = situation_of(case)
    stages = stages_consistent_with(situation)
    order = [state for state in TRANSITIONS[Route(case.route)] if state != CaseState.CLOSED]
    return stage_implied_by(situation), [state for state in order if state in stages]


def _reopen_target(case: Case, data: Mapping[str, Any], by: Actor) -> CaseState:
    implied, stages = reopen_stages(case)
    if implied is None:
        raise FactsRefused(
            [
                (
                    "to_state",
                    "The dates recorded on this case do not fit any stage of its route. Correct "
                    "them on the key dates page, then reopen it.",
                )
            ]
        )
    chosen = data.get("to_state") or implied
    try:
        target = CaseState(chosen)
    except ValueError:
        target = None
    if target not in stages:
        raise FactsRefused([("to_state", "Choose a stage that fits what is recorded on the case.")])
    if target != implied and not (isinstance(by, User) and by.can_manage_service):
        raise FactsRefused(
            [
                (
                    "to_state",
                    f"Only a manager can reopen the case at another stage than "
                    f"“{STATE_LABELS[implied]}”, where its recorded facts put it.",
                )
            ]
        )
    assert target is not None
    return target


def _reason_note(case: Case, by: Actor, step: Step, reason: str) -> CaseNote | None:
    """The reason given for a step, kept encrypted as a note on the case and shown under the
    step's history line (the history line itself holds no free text). An LA's system gives no
    reasons (the one step it may take has none)."""
    reason = reason.strip()
    if not reason or not isinstance(by, User):
        return None
    return CaseNote.objects.create(case=case, author=by, text=reason)


@transaction.atomic
def case_take_step(
    *,
    case: Case,
    step: Step,
    by: Actor,
    data: dict[str, Any],
    expected_state: CaseState,
    request: HttpRequest | None = None,
    recorded: Recorded | None = None,
    also: Mapping[str, Any] | None = None,
) -> Case:
    """Take one step on the case, if it is available now; refuse it with the reason otherwise.

    `by` is a staff member, or an LA's system through the API (STEPS_AN_LA_MAY_TAKE only).
    The case as it would be after the step must pass the fact rules and fit the stage the step
    moves it to (FactsRefused otherwise, before anything is saved). One history line and one
    audit event record the step, its stage and any reason given (kept as an encrypted note on
    the case, linked from the line). A service above this one records its own change in the
    same line by passing `recorded`, and further case fields by `also`.
    """
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
    reason = data.get("reason", "") or ""
    fields, line = step_changes(case, step, data, by)
    fields.update(also or {})
    route = Route(case.route)
    target = _reopen_target(case, data, by) if step == Step.REOPEN else step_target(step, route)
    if step == Step.REOPEN:
        line = f"Reopened at “{STATE_LABELS[target]}”" if target else line
    proposed = {**fields, **({"status": target.value} if target is not None else {})}
    proposed.pop("certificate_issued_by", None)
    refuse(case_change_refusals(case, proposed))
    changed = [name for name, value in fields.items() if getattr(case, name) != value]
    for name, value in fields.items():
        setattr(case, name, value)
    if changed:
        case.save(update_fields=changed)
    from_state = CaseState(case.status)
    if target is not None:
        case = case_transition(
            case=case, to_state=target, by=by, reason=reason, request=request, record=False
        )
        if target != from_state and step != Step.REOPEN:
            line += f" (now “{STATE_LABELS[target]}”)"
    else:
        deadline_recalculate(case=case, by=by)
    note = _reason_note(case, by, step, reason)
    detail: dict[str, Any] = {
        **(recorded.detail if recorded else {}),
        "fields": sorted(str(name) for name in changed),
    }
    if target is not None:
        detail.update({"from": from_state.value, "to": target.value})
    if note is not None:
        detail["reason_note"] = note.pk
    lines = [line, *(recorded.lines if recorded else ())]
    verb = recorded.verb if recorded else f"case.step.{step.value}"
    audit_target: models.Model = recorded.target if recorded else case
    if step == Step.ISSUE_CERTIFICATE and not data.get("issued_elsewhere"):
        assert isinstance(by, User)  # an LA's system never issues one (_check_actor_may_take)
        # After the deadlines were recomputed, so the certificate carries the appeal deadline
        # that runs from its date of issue; in this transaction, so no step without certificate.
        # A certificate another provider issued before the case came here (a caseload import,
        # mediation.exchange) is recorded with its date and reference, and none is made.
        certificate, made, made_detail = certificate_make(
            case=case, by=by, adviser=data.get("adviser")
        )
        lines.append(made)
        detail.update(made_detail)
        verb, audit_target = "certificate.issue", certificate
    timeline_record(
        case=case,
        by=by,
        kind=recorded.kind
        if recorded
        else (TimelineKind.STATUS if target else TimelineKind.DETAILS),
        summary=_one_line(lines),
        verb=verb,
        target=audit_target,
        request=request,
        detail=detail,
        note=note,
    )
    return case
