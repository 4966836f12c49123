"""The quarterly report: asked for, made in the background (progress states, idempotent),
its PDF text, names scrubbed from agreed actions, audited download, emailed with the PDF."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.core import mail

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.cases.models import Party
from mediation.common.tests.pdf_ua import assert_pdf_ua
from mediation.deadlines.services import deadline_recalculate
from mediation.notifications.models import Message
from mediation.outcomes.models import AgreedAction, OutcomeStatement
from mediation.reports import services
from mediation.reports.models import QuarterlyReport
from mediation.reports.services import scrub_names
from mediation.reports.tests.helpers import make_case

pytestmark = pytest.mark.django_db

QUARTERLY = "/reports/quarterly/"


@pytest.fixture
def mediated(local_authority, case_officer_cal):
    case = make_case(
        local_authority,
        case_officer_cal,
        la_informed_on=date(2026, 4, 1),
        mediation_held_on=date(2026, 4, 20),
        mediation_concluded_on=date(2026, 4, 20),
        agreement_made_on=date(2026, 4, 20),
        certificate_issued_on=date(2026, 4, 22),
        certificate_kind="after_mediation",
        outcome="agreed_part",
        status="follow_up",
        decision_type="plan_contents",
    )
    Party.objects.create(case=case, role="la_representative", name="Omar Hassan")
    statement = OutcomeStatement.objects.create(
        case=case,
        outcome="agreed_part",
        status="final",
        created_by=case_officer_cal,
        content_hash="x" * 64,
    )
    AgreedAction.objects.create(
        statement=statement,
        case=case,
        what="Omar Hassan will send Mrs Whitfield the amended plan for Isla by email",
        who="la",
        kind="amend_provision",
        section="F",
    )
    deadline_recalculate(case=case)
    return case


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_scrub_names_replaces_known_names_with_roles():
    names = [
        ("Isla Whitfield", "the child"),
        ("Sarah Whitfield", "the parent"),
        ("Omar Hassan", "the LA officer"),
    ]
    text = "Omar Hassan will call Mrs Whitfield about ISLA's transport; omar to confirm. Islander stays."
    scrubbed = scrub_names(text, names)
    assert scrubbed == (
        "the LA officer will call the family about the child's transport; the LA officer to "
        "confirm. Islander stays."
    )
    for name in ("Omar", "Hassan", "Whitfield", "Isla "):
        assert name.lower() not in scrubbed.lower()


@pytest.mark.parametrize(
    ("user", "status"),
    [("manager_sue", 200), ("admin_ada", 200), ("case_officer_cal", 403), ("mediator_mia", 403)],
)
def test_who_may_make_quarterly_reports(client, cast, user, status):
    login(client, cast[user])
    assert client.get(QUARTERLY).status_code == status


def test_invalid_request_shows_errors(client, manager_sue, local_authority):
    login(client, manager_sue)
    response = client.post(QUARTERLY, {"la": "NOPE", "quarter": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select a local authority from the list" in html and "Select a quarter" in html
    assert not QuarterlyReport.objects.exists()


def test_report_is_queued_then_made_then_sent(
    client, manager_sue, local_authority, mediated, tmp_path, django_capture_on_commit_callbacks
):
    login(client, manager_sue)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(QUARTERLY, {"la": "NFD", "quarter": "2026-Q2"})
    report = QuarterlyReport.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/reports/quarterly/{report.pk}/"
    )
    # Queued: the page refreshes itself and offers no download yet.
    page = client.get(response["Location"]).content.decode()
    assert report.status == "queued" and "Queued" in page
    assert '<meta http-equiv="refresh" content="5">' in page
    assert client.get(f"/reports/quarterly/{report.pk}/pdf/").status_code == 404
    # The task runs (the test settings run tasks at once) when the request's transaction commits.
    for callback in callbacks:
        callback()
    report.refresh_from_db()
    assert report.status == "ready" and report.pdf and len(report.sha256) == 64
    page = client.get(f"/reports/quarterly/{report.pk}/").content.decode()
    assert "refresh" not in page and "Download the PDF" in page

    text = pdf_text(bytes(report.pdf), tmp_path)
    assert_pdf_ua(bytes(report.pdf), title_contains="Quarterly report")
    assert "Quarterly report: Northfield Borough Council" in text
    assert "Quarter 2 2026" in text
    assert "Mediations held" in text
    assert "Certificates issued within 3 working days" in text
    assert "Section F: special educational provision" in text
    assert "The contents of an EHC plan" in text
    assert (
        "the LA officer will send the family the amended plan for the child by email" in report.html
    )
    assert "amended plan for the child" in " ".join(text.split())
    for name in ("Whitfield", "Omar", "Hassan", "Isla", "Sarah"):
        assert name not in text

    download = client.get(f"/reports/quarterly/{report.pk}/pdf/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.content == bytes(report.pdf)
    assert AuditEvent.objects.filter(
        verb="quarterly_report.download", object_id=str(report.pk)
    ).exists()

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/reports/quarterly/{report.pk}/send/")
    assert sent.status_code == 302
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [local_authority.contact_email]
    assert email.attachments and email.attachments[0].get_filename() == report.filename
    assert email.attachments[0].get_content_type() == "application/pdf"
    assert Message.objects.get().status == "sent"
    # Sending the same version again sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reports/quarterly/{report.pk}/send/")
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(verb="quarterly_report.send").count() == 2


def test_generation_is_idempotent_and_asking_again_makes_a_new_version(
    manager_sue, local_authority, mediated, django_capture_on_commit_callbacks, monkeypatch
):
    # The tasks the service starts (other work also waits for the commit: on PostgreSQL the
    # audit log seals its events then).
    started = []
    enqueue = services.enqueue_on_commit

    def enqueue_and_note(task_name, **arguments):
        started.append(task_name)
        enqueue(task_name, **arguments)

    monkeypatch.setattr(services, "enqueue_on_commit", enqueue_and_note)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.quarterly_report_request(
            authority=local_authority, year=2026, quarter=2, by=manager_sue
        )
    report.refresh_from_db()
    assert report.status == "ready" and report.version == 1
    first_hash = report.sha256
    # A rerun of the task for the same version does nothing.
    assert services.quarterly_report_generate(report_id=report.pk, version=1) is False
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = services.quarterly_report_request(
            authority=local_authority, year=2026, quarter=2, by=manager_sue
        )
        # Asking while it is queued changes nothing.
        same = services.quarterly_report_request(
            authority=local_authority, year=2026, quarter=2, by=manager_sue
        )
    assert again.pk == same.pk == report.pk and same.version == 2
    assert started == ["mediation.reports.tasks.quarterly_report_task"] * 2  # one per version
    for callback in callbacks:
        callback()
    report.refresh_from_db()
    assert report.status == "ready" and report.version == 2
    assert QuarterlyReport.objects.count() == 1
    assert report.sha256 and first_hash


def test_a_failure_is_recorded(
    manager_sue, local_authority, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(services, "quarterly_report_content", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.quarterly_report_request(
            authority=local_authority, year=2026, quarter=2, by=manager_sue
        )
    report.refresh_from_db()
    assert report.status == "failed" and report.error == "RuntimeError"


def test_sending_needs_a_contact_email(
    client, manager_sue, local_authority, django_capture_on_commit_callbacks
):
    local_authority.contact_email = ""
    local_authority.save()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.quarterly_report_request(
            authority=local_authority, year=2026, quarter=2, by=manager_sue
        )
    login(client, manager_sue)
    response = client.post(f"/reports/quarterly/{report.pk}/send/", follow=True)
    assert "has no contact email" in response.content.decode()
    assert not Message.objects.exists()


def test_case_officers_cannot_download_or_send(
    client, case_officer_cal, manager_sue, local_authority, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.quarterly_report_request(
            authority=local_authority, year=2026, quarter=2, by=manager_sue
        )
    login(client, case_officer_cal)
    assert client.get(f"/reports/quarterly/{report.pk}/").status_code == 403
    assert client.get(f"/reports/quarterly/{report.pk}/pdf/").status_code == 403
    assert client.post(f"/reports/quarterly/{report.pk}/send/").status_code == 403
