"""Every change to parties, attendance, authority and expenses. Each service runs in one
transaction, writes a line in the case's timeline and an audit event (without the data).

Attendance statuses are worked out again, for everyone on the case, after every change: adding
a party changes whose consent is needed for everyone else (reg 38(1)(e))."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import User
from mediation.authorities.actors import Actor, AuthoritySystem, staff_member
from mediation.cases.models import Case, Party, PartyRole
from mediation.common.errors import NotAllowed, ServiceError
from mediation.common.forms import PHONE_MESSAGE, phone_number_formatted
from mediation.common.words import lower_first
from mediation.domain import attendance as rules
from mediation.domain import expenses as money
from mediation.parties import permissions, selectors
from mediation.parties.models import (
    AttendanceRequest,
    AttendanceResponse,
    AuthorityConfirmation,
    ChildScope,
    ExpenseClaim,
    ExpenseLine,
    MediatorDecision,
)
from mediation.timeline.services import timeline_record

PARTY_FIELDS = (
    "role",
    "name",
    "relationship",
    "organisation",
    "phone",
    "email",
    "address",
    "preferred_contact",
    "language",
    "interpreter_needed",
    "interpreter_language",
    "reasonable_adjustments",
    "supporter_kind",
    "supports",
    "provider_kind",
    "additional_officer",
)

BODY_FOR_ROLE = {
    PartyRole.LA_REPRESENTATIVE: rules.LA_BODY,
    PartyRole.HEALTH_REPRESENTATIVE: rules.HEALTH_BODY,
}


def _check_can_change(by: User, case: Case) -> None:
    if not permissions.can_change_parties(by, case):
        raise NotAllowed("Only case officers and managers can change the people on a case.")


def _check_may_confirm_authority(by: Actor, case: Case, party: Party) -> None:
    """Staff who change parties; or the LA's own system, for its own representatives."""
    if isinstance(by, AuthoritySystem):
        if by.acts_for(case.local_authority_id) and party.role == PartyRole.LA_REPRESENTATIVE:
            return
        raise NotAllowed("A local authority confirms the authority of its own attendee only.")
    _check_can_change(by, case)


def _lock(case: Case) -> Case:
    """Serialise changes to one case's attendance (a row lock on PostgreSQL)."""
    return Case.objects.select_for_update().get(pk=case.pk)


def attendance_refresh(case: Case) -> selectors.CaseAttendance:
    """Make sure everyone has an attendance record and store each one's current status."""
    parties = Party.objects.filter(case=case, attendance__isnull=True)
    for party in parties:
        AttendanceRequest.objects.create(
            party=party, case=case, status=rules.Status.AWAITING_CONSENT.value
        )
    state = selectors.case_attendance(case)
    for row in state.rows:
        assert row.request is not None
        if row.request.status != row.status.value:
            AttendanceRequest.objects.filter(pk=row.request.pk).update(status=row.status.value)
            row.request.status = row.status.value
    return state


def _clean_party(case: Case, data: dict[str, Any], party: Party | None = None) -> dict[str, Any]:
    values = {name: data[name] for name in PARTY_FIELDS if name in data}
    if values.get("phone"):
        formatted = phone_number_formatted(values["phone"])
        if formatted is None:
            raise ServiceError(field_messages=[("phone", PHONE_MESSAGE)])
        values["phone"] = formatted
    supports = values.get("supports")
    if supports is not None and (
        supports.case_id != case.pk or (party and supports.pk == party.pk)
    ):
        raise ServiceError("Choose someone on this case for them to support.")
    if values.get("interpreter_needed") and not values.get("interpreter_language", "").strip():
        raise ServiceError("Say which language the interpreter is needed for.")
    if not values.get("interpreter_needed"):
        values["interpreter_language"] = ""
    if values.get("role") != PartyRole.SUPPORTER:
        values["supporter_kind"], values["supports"] = "", None
    if values.get("role") != PartyRole.INFORMATION_PROVIDER:
        values["provider_kind"] = ""
    if values.get("role") not in BODY_FOR_ROLE:
        values["additional_officer"] = False
    return values


@transaction.atomic
def party_add(
    *, case: Case, by: User, data: dict[str, Any], request: HttpRequest | None = None
) -> Party:
    """Add a person to the case in a role, with their contact details and needs."""
    _check_can_change(by, case)
    case = _lock(case)
    party = Party(case=case, **_clean_party(case, data))
    party.full_clean()
    party.save()
    attendance_refresh(case)
    timeline_record(
        case=case,
        by=by,
        summary=f"{party.name} added as {lower_first(party.get_role_display())}",
        verb="party.create",
        target=party,
        request=request,
    )
    return party


@transaction.atomic
def party_update(
    *, party: Party, by: User, data: dict[str, Any], request: HttpRequest | None = None
) -> Party:
    """Change a person's details, role or needs."""
    case = _lock(party.case)
    _check_can_change(by, case)
    party = Party.objects.select_for_update().get(pk=party.pk)
    values = _clean_party(case, data, party)
    changed = [name for name, value in values.items() if getattr(party, name) != value]
    if not changed:
        return party  # nothing to save: no history line, no audit event
    for name, value in values.items():
        setattr(party, name, value)
    party.full_clean()
    party.save()
    if party.role not in BODY_FOR_ROLE:
        AuthorityConfirmation.objects.filter(party=party).delete()
    attendance_refresh(case)
    timeline_record(
        case=case,
        by=by,
        summary=f"Details of {party.name} changed",
        verb="party.update",
        target=party,
        request=request,
        detail={"fields": sorted(changed)},
    )
    return party


def _row(case: Case, party: Party) -> selectors.PartyAttendance:
    return attendance_refresh(case).row_for(party.pk)


@transaction.atomic
def attendance_response_record(
    *,
    party: Party,
    responder: Party,
    agrees: bool,
    reason: str,
    by: User,
    request: HttpRequest | None = None,
) -> AttendanceRequest:
    """Record a party's agreement to, or objection against, `party` attending."""
    case = _lock(party.case)
    _check_can_change(by, case)
    row = _row(case, party)
    refusal = rules.response_refusal(row.basis)
    if refusal:
        raise ServiceError(refusal)
    if responder.pk not in row.facts.consenters:
        raise ServiceError(f"{responder.name}'s agreement is not one that counts here.")
    if not agrees and not reason.strip():
        raise ServiceError("Give the reason for the objection.")
    assert row.request is not None
    AttendanceResponse.objects.update_or_create(
        request=row.request,
        party=responder,
        defaults={
            "agrees": agrees,
            "reason": reason,
            "recorded_by": by,
            "recorded_at": timezone.now(),
        },
    )
    new = attendance_refresh(case).row_for(party.pk)
    verb = "agrees to" if agrees else "objects to"
    timeline_record(
        case=case,
        by=by,
        summary=f"{responder.name} {verb} {party.name} attending: {lower_first(new.status_label)}",
        verb="attendance.response",
        target=row.request,
        request=request,
        detail={"responder": responder.pk, "agrees": agrees, "status": new.status.value},
    )
    assert new.request is not None  # attendance_refresh gives everyone a request
    return new.request


@transaction.atomic
def attendance_mediator_decide(
    *,
    party: Party,
    allows: bool,
    reason: str,
    by: User,
    child_scope: str = "",
    child_scope_detail: str = "",
    statement_to_child: bool = False,
    request: HttpRequest | None = None,
) -> AttendanceRequest:
    """The mediator's decision on someone attending (reg 38(1)(c)-(e)). Only the case's
    assigned mediator, or a manager, may record it. For a child allowed to attend, whether the
    family and the mediator agreed the child gets a copy of the outcome statement."""
    case = _lock(party.case)
    if not permissions.can_decide_attendance(by, case):
        raise NotAllowed("Only the case's mediator or a manager can record this decision.")
    row = _row(case, party)
    refusal = rules.mediator_decision_refusal(row.facts)
    if refusal:
        raise ServiceError(refusal)
    if not reason.strip():
        raise ServiceError("Give the reason for the decision.")
    assert row.request is not None  # attendance_refresh gives everyone a request
    attendance = AttendanceRequest.objects.select_for_update().get(pk=row.request.pk)
    attendance.mediator_decision = MediatorDecision.ALLOWED if allows else MediatorDecision.REFUSED
    attendance.decided_by, attendance.decided_at = by, timezone.now()
    attendance.decision_reason = reason
    if row.basis == rules.Basis.CHILD_AGREEMENT and allows and child_scope:
        attendance.child_scope = child_scope
        attendance.child_scope_detail = child_scope_detail if child_scope == ChildScope.PART else ""
    attendance.statement_to_child = (
        row.basis == rules.Basis.CHILD_AGREEMENT and allows and statement_to_child
    )
    attendance.save()
    new = attendance_refresh(case).row_for(party.pk)
    summary = f"Mediator {'allowed' if allows else 'refused'} {party.name} attending: "
    summary += lower_first(new.status_label)
    if attendance.statement_to_child:
        summary += "; the family and the mediator agreed they get the outcome statement"
    timeline_record(
        case=case,
        by=by,
        summary=summary,
        verb="attendance.decision",
        target=attendance,
        request=request,
        detail={"allows": allows, "status": new.status.value},
    )
    return attendance


@transaction.atomic
def attendance_plan_update(
    *,
    party: Party,
    by: User,
    not_attending: bool,
    sends_information_instead: bool = False,
    child_scope: str = ChildScope.ALL,
    child_scope_detail: str = "",
    request: HttpRequest | None = None,
) -> AttendanceRequest:
    """Whether someone will come, an information provider sending information instead, and
    how much of the meeting the child is asked to attend."""
    case = _lock(party.case)
    _check_can_change(by, case)
    row = _row(case, party)
    if sends_information_instead and party.role != PartyRole.INFORMATION_PROVIDER:
        raise ServiceError("Only information providers can send information instead.")
    if child_scope == ChildScope.PART and not child_scope_detail.strip():
        raise ServiceError("Say which part of the meeting the child will attend.")
    assert row.request is not None  # attendance_refresh gives everyone a request
    attendance = AttendanceRequest.objects.select_for_update().get(pk=row.request.pk)
    attendance.not_attending = not_attending or sends_information_instead
    attendance.sends_information_instead = sends_information_instead
    if party.role == PartyRole.CHILD:
        attendance.child_scope = child_scope
        attendance.child_scope_detail = child_scope_detail if child_scope == ChildScope.PART else ""
    attendance.save()
    new = attendance_refresh(case).row_for(party.pk)
    if sends_information_instead:
        summary = f"{party.name} will send information instead of attending"
    elif attendance.not_attending:
        summary = f"{party.name} will not attend the meeting"
    else:
        summary = f"{party.name}'s attendance: {lower_first(new.status_label)}"
    if party.role == PartyRole.CHILD and not attendance.not_attending:
        summary += f" ({lower_first(attendance.get_child_scope_display())})"
    timeline_record(
        case=case,
        by=by,
        summary=summary,
        verb="attendance.plan",
        target=attendance,
        request=request,
        detail={"status": new.status.value},
    )
    return attendance


@transaction.atomic
def authority_confirm(
    *,
    party: Party,
    issues: list[str],
    confirmed_on: date,
    by: Actor,
    request: HttpRequest | None = None,
) -> list[AuthorityConfirmation]:
    """Record the issues the LA (or health body) confirmed this attendee can decide (reg 37(1)).
    Issues not listed are withdrawn."""
    case = _lock(party.case)
    _check_may_confirm_authority(by, case, party)
    body = BODY_FOR_ROLE.get(PartyRole(party.role))
    if body is None:
        raise ServiceError("Authority is confirmed for LA and health body representatives only.")
    allowed = {rules.EDUCATION, rules.SOCIAL_CARE} if body == rules.LA_BODY else {rules.HEALTH}
    if not set(issues) <= allowed:
        raise ServiceError("Choose issues this body can decide on.")
    if confirmed_on > timezone.localdate():
        raise ServiceError("The date of confirmation must be today or in the past.")
    recorded = {a.issue: a.confirmed_on for a in AuthorityConfirmation.objects.filter(party=party)}
    if recorded == {issue: confirmed_on for issue in issues}:
        # The same issues on the same date: nothing to save, nothing to record.
        return list(AuthorityConfirmation.objects.filter(party=party))
    before = selectors.authority_warnings(case)
    AuthorityConfirmation.objects.filter(party=party).exclude(issue__in=issues).delete()
    kept = []
    for issue in issues:
        confirmation, _ = AuthorityConfirmation.objects.update_or_create(
            party=party,
            issue=issue,
            defaults={
                "case": case,
                "confirmed_on": confirmed_on,
                "recorded_by": staff_member(by),
                "recorded_at": timezone.now(),
            },
        )
        kept.append(confirmation)
    names = ", ".join(rules.ISSUE_LABELS[i] for i in issues) or "no issues"
    lines = [f"Authority of {party.name} to decide confirmed for: {names}"]
    after = selectors.authority_warnings(case)
    if before and not after:
        lines.append("Every mediation issue now has an attendee who can decide on it")
    timeline_record(
        case=case,
        by=by,
        summary=lines,
        verb="authority.confirm",
        target=party,
        request=request,
        detail={"issues": sorted(issues), "confirmed_on": confirmed_on.isoformat()},
    )
    return kept


@transaction.atomic
def la_attendee_name(
    *,
    case: Case,
    by: Actor,
    name: str,
    email: str,
    issues: list[str],
    confirmed_on: date,
    request: HttpRequest | None = None,
) -> tuple[Party, bool]:
    """The LA names who attends the meeting for it and confirms the issues they can decide
    (reg 37(1)); used by the LA's own system through the API.

    The attendee is one of the case's LA representatives, found by email address (or by name
    when no email is given), or added. Returns (the attendee, whether anything changed): naming
    the same person with the same issues again records nothing.
    """
    case = _lock(case)
    if isinstance(by, AuthoritySystem):
        if not by.acts_for(case.local_authority_id):
            raise NotAllowed("A local authority names attendees on its own cases only.")
    else:
        _check_can_change(by, case)
    name, email = name.strip(), email.strip().lower()
    if not name:
        raise ServiceError("Enter the name of the person who will attend for the LA.")
    if not issues:
        raise ServiceError("Choose the issues they can make decisions on.")
    representatives = Party.objects.filter(case=case, role=PartyRole.LA_REPRESENTATIVE)
    attendee = next(
        (
            p
            for p in representatives
            if (p.email.lower() == email if email else p.name.lower() == name.lower())
        ),
        None,
    )
    created = attendee is None
    if attendee is None:
        attendee = Party(
            case=case,
            role=PartyRole.LA_REPRESENTATIVE,
            name=name[:120],
            email=email,
            organisation=case.local_authority.name[:150],
            preferred_contact="email" if email else "phone",
        )
        try:
            attendee.full_clean()
        except ValidationError as invalid:
            if "email" in invalid.message_dict:
                raise ServiceError("Enter an email address like name@example.gov.uk.") from None
            raise ServiceError("Check the attendee's name and email address.") from None
        attendee.save()
        attendance_refresh(case)
        timeline_record(
            case=case,
            by=by,
            summary=f"{attendee.name} named to attend for the LA",
            verb="party.create",
            target=attendee,
            request=request,
        )
    held = set(AuthorityConfirmation.objects.filter(party=attendee).values_list("issue", flat=True))
    if not created and held == set(issues):
        return attendee, False
    authority_confirm(
        party=attendee, issues=issues, confirmed_on=confirmed_on, by=by, request=request
    )
    return attendee, True


@transaction.atomic
def expense_claim_start(
    *,
    case: Case,
    claimant: Party,
    received_on: date,
    by: User,
    request: HttpRequest | None = None,
) -> ExpenseClaim:
    """Start recording a family's expenses claim (reg 41)."""
    _check_can_change(by, case)
    if claimant.case_id != case.pk or claimant.role not in selectors.FAMILY_ROLES:
        raise ServiceError("Choose the parent, young person or representative who is claiming.")
    claim = ExpenseClaim.objects.create(
        case=case, claimant=claimant, received_on=received_on, created_by=by
    )
    timeline_record(
        case=case,
        by=by,
        summary=f"Expenses claim from {claimant.name} recorded",
        verb="expenses.claim.create",
        target=claim,
        request=request,
    )
    return claim


@transaction.atomic
def expense_line_add(
    *, claim: ExpenseClaim, by: User, data: dict[str, Any], request: HttpRequest | None = None
) -> ExpenseLine:
    """Add one item to a claim; the amount payable is worked out at the reg 41 rates."""
    case = claim.case
    _check_can_change(by, case)
    line = ExpenseLine(claim=claim, created_by=by, kind=data["kind"])
    for name in ("description", "claimed_pence", "miles", "hours", "children", "nights"):
        if data.get(name) is not None:
            setattr(line, name, data[name])
    try:
        assessed = money.assess_line(line.as_domain())
    except ValueError as refusal:  # a negative amount: the domain's words are fit to show
        raise ServiceError(str(refusal)) from None
    line.full_clean()
    line.save()
    timeline_record(
        case=case,
        by=by,
        summary=f"Expenses item added for {claim.claimant.name}: {line.get_kind_display()}, "
        f"{money.pounds(assessed.allowed_pence)} payable",
        verb="expenses.line.add",
        target=line,
        request=request,
        detail={"claimed_pence": assessed.claimed_pence, "allowed_pence": assessed.allowed_pence},
    )
    return line
