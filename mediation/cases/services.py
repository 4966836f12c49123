"""Everything that writes enquiries and cases. Each service runs in one transaction, writes the
timeline and an audit event, and is the only place its kind of change is made."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import Role, User
from mediation.audit.services import audit_record
from mediation.cases.models import (
    CallerType,
    Case,
    CaseNote,
    CaseStatusChange,
    Contact,
    Enquiry,
    Party,
    PartyRole,
    ReferenceCounter,
)
from mediation.common.errors import ServiceError, StaleCase
from mediation.deadlines.services import deadline_recalculate
from mediation.domain.case_states import (
    INITIAL_STATE,
    STATE_LABELS,
    CaseState,
    Route,
    check_transition,
)
from mediation.domain.dates import format_day
from mediation.domain.decisions import APPEALABLE_DECISIONS
from mediation.timeline.models import TimelineKind
from mediation.timeline.services import timeline_record


def reference_next(*, prefix: str, year: int) -> str:
    """Return the next reference such as MED-2026-00042. Call inside a transaction.

    The counter row is updated with F() so two requests at once never get the same number
    (the UPDATE takes a row lock on PostgreSQL; SQLite runs one writer at a time).
    """
    counter, _ = ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    ReferenceCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
    counter.refresh_from_db(fields=["last_number"])
    return f"{prefix}-{year}-{counter.last_number:05d}"


ENQUIRY_FIELDS = (
    "caller_type",
    "caller_name",
    "caller_relationship",
    "phone",
    "email",
    "address",
    "preferred_contact",
    "child_first_name",
    "child_last_name",
    "child_date_of_birth",
    "child_setting",
    "local_authority",
    "decision_type",
    "notice_sent_on",
    "letter_dated_on",
    "section_i_only",
    "case_history",
    "info_mediation_given",
    "info_certificate_given",
    "info_appeal_given",
)


@transaction.atomic
def enquiry_record(
    *, by: User, data: dict[str, Any], request: HttpRequest | None = None
) -> Enquiry:
    """Record a first contact (usually a phone call) as an enquiry."""
    now = timezone.now()
    enquiry = Enquiry(
        reference=reference_next(
            prefix=settings.ENQUIRY_REFERENCE_PREFIX, year=timezone.localdate(now).year
        ),
        received_at=data.get("received_at") or now,
        created_by=by,
        **{name: data[name] for name in ENQUIRY_FIELDS if name in data},
    )
    enquiry.full_clean()
    enquiry.save()
    audit_record(actor=by, verb="enquiry.create", target=enquiry, request=request)
    return enquiry


@transaction.atomic
def enquiry_close_with_information(
    *, enquiry: Enquiry, by: User, note: str, request: HttpRequest | None = None
) -> Enquiry:
    """End an enquiry where the caller needed information only and no case was opened."""
    enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if enquiry.status != Enquiry.Status.OPEN:
        raise ServiceError("This enquiry has already been dealt with.")
    enquiry.status = Enquiry.Status.CLOSED
    enquiry.closing_note = note
    enquiry.save(update_fields=["status", "closing_note", "updated_at"])
    audit_record(actor=by, verb="enquiry.close", target=enquiry, request=request)
    return enquiry


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
    return case


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to_state: CaseState,
    by: User,
    reason: str = "",
    expected_state: CaseState | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Move a case to another state, if its route's table in mediation.domain allows it."""
    # Lock the row so two people changing one case at once are applied one after the other;
    # the second is then checked against the state the first left.
    case = Case.objects.select_for_update().get(pk=case.pk)
    return _transition_locked(
        case=case,
        to_state=to_state,
        by=by,
        reason=reason,
        expected_state=expected_state,
        request=request,
    )


def _transition_locked(
    *,
    case: Case,
    to_state: CaseState,
    by: User,
    reason: str,
    expected_state: CaseState | None,
    request: HttpRequest | None,
) -> Case:
    """The transition itself, for a case row already locked by the caller's transaction."""
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
        by=by,
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


@transaction.atomic
def case_contact_add(
    *,
    case: Case,
    by: User,
    method: str,
    direction: str,
    occurred_at: datetime,
    summary: str,
    party: Party | None = None,
    with_name: str = "",
    request: HttpRequest | None = None,
) -> Contact:
    """Log a phone call, email, letter or message with someone on the case."""
    if party is not None and party.case_id != case.pk:
        raise ServiceError("That person is not on this case.")
    contact = Contact.objects.create(
        case=case,
        party=party,
        with_name=with_name,
        method=method,
        direction=direction,
        occurred_at=occurred_at,
        summary=summary,
        recorded_by=by,
    )
    who = party.name if party else (with_name or "someone not on the case")
    label = Contact.Method(method).label
    arrow = "from" if direction == Contact.Direction.INCOMING else "to"
    timeline_record(
        case=case,
        by=by,
        kind=TimelineKind.CONTACT,
        at=occurred_at,
        summary=f"{label} {arrow} {who}",
        contact=contact,
        verb="contact.create",
        target=contact,
        request=request,
        detail={"method": method, "direction": direction},
    )
    return contact


@transaction.atomic
def case_note_add(
    *, case: Case, by: User, text: str, request: HttpRequest | None = None
) -> CaseNote:
    note = CaseNote.objects.create(case=case, text=text, author=by)
    timeline_record(
        case=case,
        by=by,
        kind=TimelineKind.NOTE,
        at=note.created_at,
        summary=f"Note added by {by.display_name}",
        note=note,
        verb="note.create",
        target=note,
        request=request,
    )
    return note


def mediator_refusal(*, case: Case, mediator: User) -> str | None:
    """Why `mediator` may not take `case`, or None. Independence: CFA 2014 s53(3)(b), s54(2)(b)
    and s56 (not employed by the LA, or for health issues by an ICB or NHS England); and any
    conflict recorded against the family, the school or the LA."""
    from mediation.cases.models import MediatorConflict

    if mediator.role != Role.MEDIATOR or not mediator.is_active:
        return "Choose an active mediator."
    if mediator.employed_by_authorities.filter(pk=case.local_authority_id).exists():
        return (
            f"{mediator.display_name} is employed by {case.local_authority.name}, so is not "
            "independent of it (CFA 2014 s54 and s56)."
        )
    if case.issue_health and mediator.employed_by_health_body:
        return (
            f"{mediator.display_name} is employed by a health commissioning body, so cannot "
            "mediate health issues (CFA 2014 s53 and s56)."
        )
    names = {case.child_last_name.lower(), *(p.name.lower() for p in case.parties.all())}
    for conflict in MediatorConflict.objects.filter(mediator=mediator):
        if conflict.local_authority_id and conflict.local_authority_id == case.local_authority_id:
            return (
                f"{mediator.display_name} has a recorded conflict with {case.local_authority.name}."
            )
        setting = conflict.setting_name.strip().lower()
        if setting and setting == case.child_setting.strip().lower():
            return f"{mediator.display_name} has a recorded conflict with {case.child_setting}."
        family = conflict.family_name.strip().lower()
        if family and any(family in name for name in names):
            return f"{mediator.display_name} has a recorded conflict with this family."
    return None


@transaction.atomic
def case_assign_mediator(
    *, case: Case, mediator: User, by: User, request: HttpRequest | None = None
) -> Case:
    """Assign the mediator who will see and run this case, if they are independent of it."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    refusal = mediator_refusal(case=case, mediator=mediator)
    if refusal:
        raise ServiceError(refusal)
    case.mediator = mediator
    case.save(update_fields=["mediator"])
    timeline_record(
        case=case,
        by=by,
        kind=TimelineKind.ASSIGNMENT,
        summary=f"Mediator assigned: {mediator.display_name}",
        verb="case.assign_mediator",
        target=case,
        request=request,
        detail={"mediator": mediator.pk},
    )
    return case


@transaction.atomic
def mediator_note_add(*, case: Case, by: User, text: str, request: HttpRequest | None = None):  # noqa: ANN201
    """A private note by the case's own mediator; nobody else can add or read these."""
    from mediation.cases.models import MediatorNote

    if case.mediator_id != by.pk:
        raise ServiceError("Only the case's mediator can keep private notes on it.")
    note = MediatorNote.objects.create(case=case, author=by, text=text)
    # Audited without content; deliberately not on the timeline, which other staff read.
    audit_record(
        actor=by, verb="mediator_note.create", target=note, case_id=case.pk, request=request
    )
    return note


@transaction.atomic
def case_link_add(
    *, case: Case, other: Case, kind: str, by: User, request: HttpRequest | None = None
):  # noqa: ANN201
    from mediation.cases.models import CaseLink

    if other.pk == case.pk:
        raise ServiceError("A case cannot be linked to itself.")
    if CaseLink.objects.filter(from_case__in=[case, other], to_case__in=[case, other]).exists():
        raise ServiceError("These cases are already linked.")
    link = CaseLink.objects.create(from_case=case, to_case=other, kind=kind, created_by=by)
    label = CaseLink.Kind(kind).label.lower()
    # The link is on both cases: each one's history and audit trail shows it.
    for this, that in ((case, other), (other, case)):
        timeline_record(
            case=this,
            by=by,
            summary=f"Linked to {that.reference} ({label})",
            verb="case.link",
            target=link,
            request=request,
        )
    return link


@transaction.atomic
def mediator_conflict_add(
    *, mediator: User, by: User, data: dict[str, Any], request: HttpRequest | None = None
):  # noqa: ANN201
    from mediation.cases.models import MediatorConflict

    conflict = MediatorConflict.objects.create(mediator=mediator, created_by=by, **data)
    audit_record(actor=by, verb="mediator_conflict.create", target=conflict, request=request)
    return conflict


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
