"""Who may see and do what in reports, recording that a family appealed, and the quarterly
report: asked for, generated in the background, downloaded and emailed (each audited)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.authorities.models import Contract, LocalAuthority
from mediation.cases.models import AppealLodged, Case, Party
from mediation.common.dispatch import enqueue_on_commit
from mediation.common.errors import ServiceError
from mediation.common.kept_documents import forget_on_commit, keep
from mediation.common.pdf import html_to_pdf, sha256_hex
from mediation.common.replica import report_reads
from mediation.notifications.services import message_queue
from mediation.outcomes.models import AgreedAction
from mediation.reports import feedback, views_support
from mediation.reports.models import QuarterlyReport
from mediation.reports.names import ROLE_WORDS, scrub_names
from mediation.reports.periods import period_from_token
from mediation.reports.selectors import dashboard, report_filters
from mediation.timeline.services import timeline_record

# Permissions ----------------------------------------------------------------------------------


def may_view_reports(user: User) -> bool:
    """Managers and administrators; case officers read the same figures (they see every case
    anyway). Mediators see only their own cases, so no service-wide figures."""
    return user.is_authenticated and user.sees_all_cases


def may_manage_reports(user: User) -> bool:
    """Exports and quarterly reports to the LAs: managers and administrators."""
    return user.is_authenticated and user.can_manage_service


def may_record_appeal(user: User) -> bool:
    return user.is_authenticated and user.can_handle_enquiries


# The family told us they appealed -----------------------------------------------------------


@transaction.atomic
def appeal_record(
    *, case: Case, appeal_lodged: str, by: User, request: HttpRequest | None = None
) -> Case:
    """Record what the family told us about an appeal to the Tribunal (counted by the "cases
    later appealed" figures)."""
    if not may_record_appeal(by):
        raise ServiceError("Only case officers and managers can record an appeal.")
    if appeal_lodged not in AppealLodged.values:
        raise ServiceError("Select what the family told us.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.appeal_lodged == appeal_lodged:
        return case
    previous = case.appeal_lodged
    case.appeal_lodged = appeal_lodged
    case.save(update_fields=["appeal_lodged"])
    timeline_record(
        case=case,
        by=by,
        summary=f"Appeal to the Tribunal: {AppealLodged(appeal_lodged).label}",
        verb="case.appeal_recorded",
        target=case,
        request=request,
        detail={"from": previous, "to": appeal_lodged},
    )
    return case


# Exports --------------------------------------------------------------------------------------


def export_record(
    *, kind: str, by: User, filters_detail: dict[str, str], request: HttpRequest | None = None
) -> None:
    audit_record(
        actor=by,
        verb="report.export",
        request=request,
        detail={"export": kind, **filters_detail},
    )


# Anonymising the text of agreed actions: the names (mediation.reports.names) ---------------


def action_examples(
    *, authority_ids: Iterable[int], start: date, end: date, limit: int = 6
) -> list[dict[str, str]]:
    """A few agreed actions of meetings held in the period in the LAs given, with no names: the
    names of the case's child and people are replaced by role words. Three queries, however
    many cases."""
    actions = list(
        AgreedAction.objects.filter(
            statement__status="final",
            case__local_authority_id__in=list(authority_ids),
            case__mediation_held_on__gte=start,
            case__mediation_held_on__lte=end,
        )
        .select_related("case", "case__enquiry")
        .order_by("-case__mediation_held_on", "position", "pk")[:limit]
    )
    case_ids = {action.case_id for action in actions}
    names: dict[int, list[tuple[str, str]]] = {case_id: [] for case_id in case_ids}
    for case_id, name, role in Party.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "name", "role"
    ):
        names[case_id].append((name, ROLE_WORDS.get(role, "the person")))
    examples = []
    for action in actions:
        case = action.case
        known = [(f"{case.child_first_name} {case.child_last_name}", "the child")]
        known += names[case.pk]
        if case.enquiry is not None:
            known.append((case.enquiry.caller_name, "the caller"))
        examples.append(
            {
                "section": action.get_section_display(),
                "kind": action.kind_label,
                "who": action.get_who_display(),
                "what": scrub_names(action.what, known),
                "done": "Done" if action.done_on else "Not done yet",
            }
        )
    return examples


# Quarterly reports ----------------------------------------------------------------------------


@transaction.atomic
def quarterly_report_request(
    *,
    authority: LocalAuthority | None = None,
    contract: Contract | None = None,
    year: int,
    quarter: int,
    by: User,
    request: HttpRequest | None = None,
) -> QuarterlyReport:
    """Ask for the report of an LA, or of a contract (its LAs together, for its lead council),
    for a quarter. One row per LA or contract and quarter: asking again while it is being made
    changes nothing; asking again afterwards makes a new version."""
    if not may_manage_reports(by):
        raise ServiceError("Only managers can make quarterly reports.")
    if (authority is None) == (contract is None):
        raise ServiceError("Choose a local authority or a contract.")
    rows = QuarterlyReport.objects.select_for_update()
    defaults = {"requested_by": by, "progress": "Waiting to start"}
    if contract is not None:
        authority = contract.lead
        report, created = rows.get_or_create(
            contract=contract,
            year=year,
            quarter=quarter,
            defaults={**defaults, "local_authority": authority},
        )
    else:
        report, created = rows.get_or_create(
            local_authority=authority,
            contract=None,
            year=year,
            quarter=quarter,
            defaults=defaults,
        )
    assert authority is not None
    if not created:
        if report.in_progress:
            return report
        report.version += 1
        report.status = QuarterlyReport.Status.QUEUED
        report.progress = "Waiting to start"
        report.requested_by = by
        report.requested_at = timezone.now()
        report.error = ""
        report.save()
    audit_record(
        actor=by,
        verb="quarterly_report.request",
        target=report,
        request=request,
        detail={
            "la": authority.code,
            "contract": contract.pk if contract is not None else None,
            "quarter": report.token,
            "version": report.version,
        },
    )
    enqueue_on_commit(
        "mediation.reports.tasks.quarterly_report_task",
        report_id=report.pk,
        version=report.version,
    )
    return report


def _progress(report_id: int, text: str) -> None:
    QuarterlyReport.objects.filter(pk=report_id).update(progress=text)


def quarterly_report_content(
    report: QuarterlyReport, *, report_id: int | None = None
) -> tuple[str, bytes]:
    """The report's HTML and PDF (figures, charts, themes and anonymised examples)."""
    period = period_from_token(report.token)
    assert period is not None
    if report.contract is not None:
        filters = report_filters(period, contract=report.contract)
    else:
        filters = report_filters(period, authority=report.local_authority)
    if report_id:
        _progress(report_id, "Counting the figures")
    with report_reads():
        board = dashboard(filters)
    if report_id:
        _progress(report_id, "Drawing the charts and finding examples")
    context = views_support.dashboard_context(board, link_query=None)
    context.update(
        {
            "report": report,
            "authority": report.local_authority,
            "title": report.name,
            "members": list(report.contract.members.order_by("name"))
            if report.contract is not None
            else [],
            "period": period,
            "examples": action_examples(
                authority_ids=filters.authority_ids or (),
                start=period.start,
                end=period.end,
            ),
            "comments": feedback.feedback_comments(filters),
            "provider": settings.PROVIDER_NAME,
            "generated_on": timezone.localdate(),
        }
    )
    html = render_to_string("reports/quarterly_pdf.html", context)
    if report_id:
        _progress(report_id, "Making the PDF")
    return html, html_to_pdf(html, extra_css=render_to_string("reports/quarterly_pdf.css"))


def quarterly_report_generate(*, report_id: int, version: int) -> bool:
    """Make the PDF for one version of a report. Returns True if this call made it.

    Idempotent: a conditional UPDATE claims the queued version, so a rerun of the task, or a
    second worker, does nothing; a newer version asked for meanwhile is left to its own task.
    """
    claimed = QuarterlyReport.objects.filter(
        pk=report_id, version=version, status=QuarterlyReport.Status.QUEUED
    ).update(status=QuarterlyReport.Status.GENERATING, progress="Starting")
    if not claimed:
        return False
    report = QuarterlyReport.objects.select_related("local_authority", "contract").get(pk=report_id)
    try:
        html, pdf = quarterly_report_content(report, report_id=report_id)
    except Exception as error:  # noqa: BLE001 (recorded and shown; the manager can ask again)
        QuarterlyReport.objects.filter(pk=report_id, version=version).update(
            status=QuarterlyReport.Status.FAILED,
            progress="",
            error=type(error).__name__,
        )
        return False
    inline, stored_name = keep(pdf, folder="reports")
    with transaction.atomic():
        # The PDF of an earlier version, if kept in object storage, goes once this one is in.
        earlier = (
            QuarterlyReport.objects.select_for_update()
            .filter(pk=report_id, version=version)
            .values_list("stored_name", flat=True)
            .first()
        )
        made = QuarterlyReport.objects.filter(pk=report_id, version=version).update(
            status=QuarterlyReport.Status.READY,
            progress="",
            html=html,
            pdf=inline,
            stored_name=stored_name,
            sha256=sha256_hex(pdf),
            generated_at=timezone.now(),
        )
        forget_on_commit([earlier or ""] if made else [stored_name])
    return bool(made)


def quarterly_report_record_download(
    *, report: QuarterlyReport, by: User, request: HttpRequest | None = None
) -> None:
    audit_record(
        actor=by,
        verb="quarterly_report.download",
        target=report,
        request=request,
        detail={"version": report.version, "sha256": report.sha256},
    )


@transaction.atomic
def quarterly_report_send(
    *, report: QuarterlyReport, by: User, request: HttpRequest | None = None
) -> int:
    """Email the ready report, PDF attached, to the LA's contact. Returns the message id.
    Sending the same version to the same address twice sends one email."""
    if not may_manage_reports(by):
        raise ServiceError("Only managers can send quarterly reports.")
    report = (
        # Lock only the report: PostgreSQL cannot lock the nullable side of the contract join.
        QuarterlyReport.objects.select_for_update(of=("self",))
        .select_related("local_authority", "contract")
        .get(pk=report.pk)
    )
    authority = report.local_authority
    if not report.is_ready:
        raise ServiceError("The report is not ready yet.")
    if not authority.contact_email:
        raise ServiceError(
            f"{authority.name} has no contact email. Add one in Manage, local authorities."
        )
    body = render_to_string(
        "reports/quarterly_email.txt",
        {"report": report, "authority": authority, "provider": settings.PROVIDER_NAME},
    )
    message, _created = message_queue(
        key=f"quarterly-report:{report.pk}:v{report.version}:{authority.contact_email}",
        to_email=authority.contact_email,
        to_name=authority.name,
        subject=f"Quarterly report {report.token}: {report.name}",
        body=body,
        attachments=[(report.filename, "application/pdf", bytes(report.pdf))],
    )
    if message.pk not in report.sent_message_ids:
        report.sent_message_ids = [*report.sent_message_ids, message.pk]
        report.save(update_fields=["sent_message_ids"])
    audit_record(
        actor=by,
        verb="quarterly_report.send",
        target=report,
        request=request,
        detail={"to": authority.contact_email, "version": report.version, "message": message.pk},
    )
    return message.pk
