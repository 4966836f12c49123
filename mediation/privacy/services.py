"""Retention, legal holds and erasure: each change in one transaction with an audit event.

Audit events here carry case ids and counts only; the reasons typed by managers are stored
encrypted on the hold or request, never in the audit detail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.cases.models import Case, Enquiry, Party
from mediation.common.days import day_start
from mediation.common.kept_documents import forget_on_commit
from mediation.common.words import lower_first
from mediation.documents.models import GeneratedDocument
from mediation.domain.case_states import CaseState
from mediation.domain.retention import CaseRetention, add_years, latest_closure_and_birth_due
from mediation.notifications.models import MessageAttachment
from mediation.privacy.anonymise import CASE_DATA, ENQUIRY_DATA, PARTY_DATA, PARTY_ROWS
from mediation.privacy.models import AnonymisedCase, ErasureRequest, LegalHold, RetentionCandidate
from mediation.timeline.services import timeline_record
from mediation.uploads.models import Upload
from mediation.uploads.services import storage


class PrivacyError(Exception):
    """A refused privacy action, with a message to show the manager."""


def case_retention_rule() -> CaseRetention:
    return CaseRetention(
        years_after_closure=settings.RETENTION_CASE_YEARS_AFTER_CLOSURE,
        until_child_age=settings.RETENTION_CASE_UNTIL_CHILD_AGE,
    )


def active_hold(case: Case) -> LegalHold | None:
    return LegalHold.objects.filter(case=case, lifted_at__isnull=True).first()


# --- anonymising ---------------------------------------------------------------------------


def case_anonymise(
    *, case: Case, reason: str, by: User | None = None, request: HttpRequest | None = None
) -> AnonymisedCase:
    """Remove every personal detail from a case, keeping what the reports count."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if active_hold(case) is not None:
            raise PrivacyError("This case has a legal hold. Lift the hold first")
        if AnonymisedCase.objects.filter(case=case).exists():
            raise PrivacyError("This case has already been anonymised")
        # Documents kept in object storage go too, once the rows no longer name them.
        forget_on_commit(
            [
                *GeneratedDocument.objects.filter(case=case).values_list("stored_name", flat=True),
                *MessageAttachment.objects.filter(message__case_id=case.pk).values_list(
                    "stored_name", flat=True
                ),
            ]
        )
        for label, lookup, values in CASE_DATA:
            apps.get_model(label).objects.filter(**{lookup: case.pk}).update(**values)
        birth_year_only = case.child_date_of_birth.replace(month=1, day=1)
        Case.objects.filter(pk=case.pk).update(child_date_of_birth=birth_year_only)
        if case.enquiry_id:
            Enquiry.objects.filter(pk=case.enquiry_id).update(
                child_date_of_birth=birth_year_only, **ENQUIRY_DATA
            )
        _delete_uploads(case)
        RetentionCandidate.objects.filter(case=case).delete()
        record = AnonymisedCase.objects.create(case=case, reason=reason, by=by)
        timeline_record(
            case=case,
            by=by,
            summary=f"Personal details removed ({lower_first(AnonymisedCase.Reason(reason).label)})",
            verb="privacy.anonymise",
            target=case,
            request=request,
            detail={"reason": reason},
        )
    return record


def _delete_uploads(case: Case) -> None:
    """Delete the case's uploaded files' rows now and the files once the transaction commits
    (a rolled-back anonymising must not leave rows pointing at deleted files)."""
    stored_names = list(Upload.objects.filter(case=case).values_list("stored_name", flat=True))
    Upload.objects.filter(case=case).delete()

    def delete_files() -> None:
        files = storage()
        for name in stored_names:
            files.delete(name)

    transaction.on_commit(delete_files)


def party_erase(*, party: Party, by: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        Party.objects.filter(pk=party.pk).update(**PARTY_DATA)
        for label, lookup, values in PARTY_ROWS:
            apps.get_model(label).objects.filter(**{lookup: party.pk}).update(**values)
        audit_record(
            actor=by,
            verb="privacy.erase_party",
            target=party,
            case_id=party.case_id,
            request=request,
        )


# --- retention -----------------------------------------------------------------------------


@dataclass
class RetentionReport:
    today: date
    dry_run: bool
    newly_listed: list[int] = field(default_factory=list)
    released: list[int] = field(default_factory=list)
    anonymised: list[int] = field(default_factory=list)
    enquiries_anonymised: int = 0


def _cases_due(today: date) -> QuerySet[Case]:
    closure_cutoff, birth_cutoff = latest_closure_and_birth_due(
        today=today, rule=case_retention_rule()
    )
    closed_before = day_start(closure_cutoff + timedelta(days=1))
    held = LegalHold.objects.filter(case=OuterRef("pk"), lifted_at__isnull=True)
    return (
        Case.objects.filter(
            status=CaseState.CLOSED,
            closed_at__lt=closed_before,
            child_date_of_birth__lte=birth_cutoff,
            anonymised__isnull=True,
        )
        .exclude(Exists(held))
        .order_by()
    )


def _enquiries_due(today: date) -> QuerySet[Enquiry]:
    received_before = day_start(
        add_years(today, -settings.RETENTION_ENQUIRY_YEARS) + timedelta(days=1)
    )
    return Enquiry.objects.filter(
        status=Enquiry.Status.CLOSED, received_at__lt=received_before
    ).exclude(caller_name=ENQUIRY_DATA["caller_name"])


def retention_run(*, today: date | None = None, dry_run: bool = False) -> RetentionReport:
    """The daily retention job.

    1. List closed cases that have passed their retention date (the dry run: nothing removed).
    2. Take off the list cases that are no longer due (reopened, or a legal hold placed).
    3. Anonymise cases that have been listed for the notice period and are still due.
    4. Anonymise closed enquiries that never became cases, after their own period.
    With dry_run nothing is written; the report says what would happen. Safe to run twice a day.
    """
    today = today or timezone.localdate()
    report = RetentionReport(today=today, dry_run=dry_run)
    due_ids = set(_cases_due(today).values_list("pk", flat=True))
    listed = dict(RetentionCandidate.objects.values_list("case_id", "first_listed_on"))
    report.newly_listed = sorted(due_ids - listed.keys())
    report.released = sorted(listed.keys() - due_ids)
    notice_start = today - timedelta(days=settings.RETENTION_NOTICE_DAYS)
    report.anonymised = sorted(
        case_id for case_id, first in listed.items() if case_id in due_ids and first <= notice_start
    )
    enquiries = _enquiries_due(today)
    if dry_run:
        report.enquiries_anonymised = enquiries.count()
        return report
    with transaction.atomic():
        RetentionCandidate.objects.bulk_create(
            [
                RetentionCandidate(case_id=case_id, first_listed_on=today)
                for case_id in report.newly_listed
            ]
        )
        RetentionCandidate.objects.filter(case_id__in=report.released).delete()
        for case_id in report.newly_listed:
            audit_record(actor=None, verb="privacy.retention_listed", case_id=case_id)
        for case_id in report.released:
            audit_record(actor=None, verb="privacy.retention_released", case_id=case_id)
    for case in Case.objects.filter(pk__in=report.anonymised):
        case_anonymise(case=case, reason=AnonymisedCase.Reason.RETENTION)
    for enquiry in enquiries.only("pk", "child_date_of_birth"):
        with transaction.atomic():
            Enquiry.objects.filter(pk=enquiry.pk).update(
                child_date_of_birth=enquiry.child_date_of_birth.replace(month=1, day=1),
                **ENQUIRY_DATA,
            )
            audit_record(
                actor=None,
                verb="privacy.anonymise_enquiry",
                target=enquiry,
                detail={"reason": "retention"},
            )
        report.enquiries_anonymised += 1
    return report


# --- legal holds ---------------------------------------------------------------------------


def legal_hold_place(
    *, case: Case, by: User, reason: str, request: HttpRequest | None = None
) -> LegalHold:
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        if active_hold(case) is not None:
            raise PrivacyError("This case already has a legal hold")
        hold = LegalHold.objects.create(case=case, placed_by=by, reason=reason)
        RetentionCandidate.objects.filter(case=case).delete()
        audit_record(
            actor=by, verb="privacy.legal_hold_place", target=hold, case_id=case.pk, request=request
        )
    return hold


def legal_hold_lift(
    *, hold: LegalHold, by: User, reason: str, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        updated = LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
            lifted_at=timezone.now(), lifted_by=by, lift_reason=reason
        )
        if not updated:
            raise PrivacyError("This legal hold has already been lifted")
        audit_record(
            actor=by,
            verb="privacy.legal_hold_lift",
            target=hold,
            case_id=hold.case_id,
            request=request,
        )


# --- erasure -------------------------------------------------------------------------------


def erasure_request(
    *,
    case: Case,
    by: User,
    scope: str,
    reason: str,
    party: Party | None = None,
    request: HttpRequest | None = None,
) -> ErasureRequest:
    if scope == ErasureRequest.Scope.PARTY and (party is None or party.case_id != case.pk):
        raise PrivacyError("Choose the person whose details should be erased")
    with transaction.atomic():
        erasure = ErasureRequest.objects.create(
            case=case,
            scope=scope,
            party=party if scope == ErasureRequest.Scope.PARTY else None,
            reason=reason,
            requested_by=by,
        )
        audit_record(
            actor=by,
            verb="privacy.erasure_request",
            target=erasure,
            case_id=case.pk,
            request=request,
            detail={"scope": scope},
        )
    return erasure


def erasure_decide(
    *,
    erasure: ErasureRequest,
    by: User,
    approve: bool,
    note: str = "",
    request: HttpRequest | None = None,
) -> ErasureRequest:
    """A second manager approves (and the erasure is carried out at once) or refuses."""
    with transaction.atomic():
        erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
        if erasure.status != ErasureRequest.Status.PENDING:
            raise PrivacyError("This request has already been decided")
        if erasure.requested_by_id == by.pk:
            raise PrivacyError("A different manager must decide a request you made")
        if approve:
            if active_hold(erasure.case) is not None:
                raise PrivacyError("This case has a legal hold. Lift the hold first")
            if erasure.scope == ErasureRequest.Scope.CASE:
                case_anonymise(
                    case=erasure.case, reason=AnonymisedCase.Reason.ERASURE, by=by, request=request
                )
            else:
                # A pending party erasure names its party (party_erasure_names_the_party).
                assert erasure.party is not None
                party_erase(party=erasure.party, by=by, request=request)
        erasure.status = (
            ErasureRequest.Status.APPROVED if approve else ErasureRequest.Status.REFUSED
        )
        erasure.decided_by = by
        erasure.decided_at = timezone.now()
        erasure.decision_note = note
        erasure.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            actor=by,
            verb="privacy.erasure_approve" if approve else "privacy.erasure_refuse",
            target=erasure,
            case_id=erasure.case_id,
            request=request,
        )
    return erasure
