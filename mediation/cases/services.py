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

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.cases.models import (
    Case,
    CaseIssue,
    CaseLink,
    CaseNote,
    Contact,
    Enquiry,
    IssueTheme,
    MediatorConflict,
    MediatorNote,
    ParticipationDeclined,
    Party,
    ReferenceCounter,
    Side,
)
from mediation.cases.selectors import mediator_refusal
from mediation.common.errors import ServiceError
from mediation.common.forms import PHONE_MESSAGE, phone_number_formatted
from mediation.common.words import lower_first
from mediation.domain.case_states import Route
from mediation.domain.dates import format_day
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
    data = dict(data)
    if data.get("phone"):
        formatted = phone_number_formatted(str(data["phone"]))
        if formatted is None:
            raise ServiceError(field_messages=[("phone", PHONE_MESSAGE)])
        data["phone"] = formatted
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
def mediator_note_add(
    *, case: Case, by: User, text: str, request: HttpRequest | None = None
) -> MediatorNote:
    """A private note by the case's own mediator; nobody else can add or read these."""
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
) -> CaseLink:
    if other.pk == case.pk:
        raise ServiceError("A case cannot be linked to itself.")
    if CaseLink.objects.filter(from_case__in=[case, other], to_case__in=[case, other]).exists():
        raise ServiceError("These cases are already linked.")
    link = CaseLink.objects.create(from_case=case, to_case=other, kind=kind, created_by=by)
    label = lower_first(CaseLink.Kind(kind).label)
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
) -> MediatorConflict:
    conflict = MediatorConflict.objects.create(mediator=mediator, created_by=by, **data)
    audit_record(actor=by, verb="mediator_conflict.create", target=conflict, request=request)
    return conflict


@transaction.atomic
def participation_declined_record(
    *, case: Case, by: User, data: dict[str, Any], request: HttpRequest | None = None
) -> ParticipationDeclined:
    """Record that someone declined to take part in disagreement resolution (voluntary,
    CFA 2014 s57): who, why and when. Counted by the reports ("declined by the LA")."""
    if not by.can_handle_enquiries:
        raise ServiceError("Only case officers and managers record who declined.")
    if case.route != Route.DISAGREEMENT_RESOLUTION:
        raise ServiceError("Only disagreement resolution is voluntary: this case is not.")
    declined_on = data["declined_on"]
    if declined_on > timezone.localdate():
        raise ServiceError("The date they told us must be today or in the past.")
    if declined_on < timezone.localdate(case.opened_at):
        raise ServiceError("The date they told us must be on or after the case was opened.")
    declined = ParticipationDeclined.objects.create(
        case=case,
        side=data["side"],
        reason_kind=data["reason_kind"],
        reason=(data.get("reason") or "").strip(),
        declined_on=declined_on,
        recorded_by=by,
    )
    who = Side(declined.side).label
    timeline_record(
        case=case,
        by=by,
        summary=f"{who} declined to take part in disagreement resolution: "
        f"{lower_first(declined.get_reason_kind_display())} ({format_day(declined_on)})",
        verb="case.participation_declined",
        target=declined,
        request=request,
        detail={"side": declined.side, "reason_kind": declined.reason_kind},
    )
    return declined


# Issues in dispute ----------------------------------------------------------------------------


@transaction.atomic
def issue_theme_save(
    *, theme: IssueTheme, by: User, request: HttpRequest | None = None
) -> IssueTheme:
    """Add an issue to the service's list, or change one (its name, hint, order, whether it is
    offered). Cases keep the issues they have."""
    if not by.can_manage_service:
        raise ServiceError("Only managers change the list of issues.")
    name = " ".join(theme.name.split())
    if not name:
        raise ServiceError("Enter the name of the issue.")
    clash = IssueTheme.objects.filter(name__iexact=name).exclude(pk=theme.pk).first()
    if clash is not None:
        raise ServiceError(f"“{clash.name}” is already on the list.")
    theme.name = name
    creating = theme.pk is None
    theme.save()
    audit_record(
        actor=by,
        verb="issue_theme.create" if creating else "issue_theme.update",
        target=theme,
        request=request,
        detail={"name": theme.name, "active": theme.active},
    )
    return theme


@transaction.atomic
def case_issues_set(
    *,
    case: Case,
    themes: list[IssueTheme],
    by: User,
    request: HttpRequest | None = None,
) -> list[CaseIssue]:
    """Set the issues in dispute on the case: those chosen are added, the others removed. Only
    issues still offered can be added; one no longer offered may stay."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    current = {issue.theme_id: issue for issue in case.disputed_issues.select_related("theme")}
    wanted = {theme.pk: theme for theme in themes}
    added = [theme for pk, theme in wanted.items() if pk not in current]
    removed = [issue for pk, issue in current.items() if pk not in wanted]
    closed = [theme.name for theme in added if not theme.active]
    if closed:
        raise ServiceError(f"These issues are no longer offered: {', '.join(closed)}.")
    if not added and not removed:
        return list(current.values())
    CaseIssue.objects.bulk_create(CaseIssue(case=case, theme=theme, added_by=by) for theme in added)
    CaseIssue.objects.filter(pk__in=[issue.pk for issue in removed]).delete()
    lines = [f"Issue in dispute added: {theme.name}" for theme in added] + [
        f"Issue in dispute removed: {issue.theme.name}" for issue in removed
    ]
    timeline_record(
        case=case,
        by=by,
        summary=lines,
        verb="case.issues_set",
        target=case,
        request=request,
        detail={
            "added": sorted(theme.pk for theme in added),
            "removed": sorted(issue.theme_id for issue in removed),
        },
    )
    return list(case.disputed_issues.select_related("theme"))


@transaction.atomic
def case_la_reference_update(
    *, case: Case, by: User, la_reference: str, request: HttpRequest | None = None
) -> Case:
    """Record the LA's own reference for the case (shown to the LA's system through the API)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    la_reference = la_reference.strip()[:50]
    if case.la_reference == la_reference:
        return case
    case.la_reference = la_reference
    case.save(update_fields=["la_reference"])
    timeline_record(
        case=case,
        by=by,
        summary=f"The LA's reference recorded: {la_reference}"
        if la_reference
        else "The LA's reference removed",
        verb="case.la_reference_update",
        target=case,
        request=request,
    )
    return case
