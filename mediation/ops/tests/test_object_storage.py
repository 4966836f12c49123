"""Uploads and documents in S3-compatible object storage (UPLOAD_STORAGE=s3, DOCUMENT_STORAGE=s3),
with moto's server standing in for S3: a file uploaded through the upload page comes back through
the download view; a certificate and a quarterly report are kept in the bucket, encrypted, not
in their rows, and served back through their access-checked views; anonymising a case deletes
its documents' objects (and the copies sent with its messages), and a report made again
replaces its object; a hand-over archive is kept in the bucket and reads back whole. Runs on SQLite and PostgreSQL (ADR 0070)."""

from __future__ import annotations

import hashlib

import pytest
import time_machine
from django.urls import reverse

from config.settings import base
from conftest import login
from mediation.documents.models import Certificate
from mediation.documents.tests.support import NOW, declined_certificate_case
from mediation.exchange import handover as handover_services
from mediation.exchange.models import Handover
from mediation.notifications.models import MessageAttachment
from mediation.ops.tests.object_store import new_bucket
from mediation.privacy import services as privacy_services
from mediation.privacy.models import AnonymisedCase
from mediation.reports import services as report_services
from mediation.reports.models import QuarterlyReport
from mediation.uploads.models import Upload
from mediation.uploads.tests import samples
from mediation.uploads.tests.samples import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def bucket(moto_endpoint, settings, monkeypatch):
    """This test's own bucket, with uploads and documents kept in it as the settings say."""
    bucket = new_bucket(moto_endpoint)
    for name, value in bucket.environment().items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": base.s3_storage_from_env("UPLOAD", "uploads"),
        "documents": base.s3_storage_from_env("DOCUMENT", "documents", fallback="UPLOAD"),
    }
    settings.DOCUMENT_STORAGE = "s3"
    settings.UPLOAD_VIRUS_SCANNER = ""
    return bucket


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_file_uploaded_through_the_page_is_downloaded_from_the_bucket(
    client, bucket, open_case, case_officer_cal
):
    login(client, case_officer_cal)
    response = client.post(
        reverse("uploads:upload", args=[open_case.reference]),
        {"file": upload("Report.pdf", samples.PDF), "purpose": "la_file"},
    )
    assert response.status_code == 302
    item = Upload.objects.get()
    key = f"uploads/{item.stored_name}"
    assert bucket.keys() == [key]
    stored = bucket.client.get_object(Bucket=bucket.name, Key=key)
    assert stored["ServerSideEncryption"] == "AES256"
    assert stored["Body"].read() == samples.PDF

    response = client.get(reverse("uploads:download", args=[open_case.reference, item.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.PDF
    assert response["Content-Disposition"].startswith('attachment; filename="Report.pdf"')


def test_a_certificate_is_kept_in_the_bucket_served_back_and_deleted_with_the_case(
    client, bucket, clock, case_officer_cal, local_authority, django_capture_on_commit_callbacks
):
    case = declined_certificate_case(case_officer_cal, local_authority)
    document = Certificate.objects.get(case=case).document
    assert bytes(document.pdf) == b""  # not in the database row
    assert document.stored_name.startswith(f"cases/{case.pk}/")
    key = f"documents/{document.stored_name}"
    assert key in bucket.keys("documents/")
    stored = bucket.client.get_object(Bucket=bucket.name, Key=key)
    assert stored["ServerSideEncryption"] == "AES256"
    pdf = stored["Body"].read()
    assert pdf.startswith(b"%PDF-")
    assert document.pdf_bytes() == pdf

    login(client, case_officer_cal)
    response = client.get(reverse("documents:download", args=[case.reference, document.pk]))
    assert response.status_code == 200 and response.content == pdf
    # The copies sent with the emails (to the family, to the LA) are in the bucket too.
    attachments = list(
        MessageAttachment.objects.filter(
            message__case_id=case.pk, filename=f"{document.certificate.reference}.pdf"
        )
    )
    assert len(attachments) == 2
    assert all(bytes(a.content) == b"" and a.content_bytes() == pdf for a in attachments)
    attachment_keys = {f"documents/{a.stored_name}" for a in attachments}
    assert attachment_keys <= set(bucket.keys("documents/messages/"))

    kept = bucket.keys(f"documents/cases/{case.pk}/")
    assert key in kept
    with django_capture_on_commit_callbacks(execute=True):
        privacy_services.case_anonymise(
            case=case, reason=AnonymisedCase.Reason.ERASURE, by=case_officer_cal
        )
    assert bucket.keys(f"documents/cases/{case.pk}/") == []
    assert not attachment_keys & set(bucket.keys("documents/messages/"))
    document.refresh_from_db()
    assert document.stored_name == "" and document.pdf_bytes() == b""


def test_a_quarterly_report_made_again_replaces_its_object(
    client, bucket, manager_sue, local_authority, django_capture_on_commit_callbacks
):
    def make() -> QuarterlyReport:
        with django_capture_on_commit_callbacks(execute=True):
            report = report_services.quarterly_report_request(
                authority=local_authority, year=2026, quarter=3, by=manager_sue
            )
        report.refresh_from_db()
        assert report.status == QuarterlyReport.Status.READY
        return report

    first = make()
    assert bucket.keys("documents/reports/") == [f"documents/{first.stored_name}"]
    second = make()
    assert second.version == first.version + 1
    # The first version's object went once the second was in.
    assert bucket.keys("documents/reports/") == [f"documents/{second.stored_name}"]

    login(client, manager_sue)
    response = client.get(reverse("reports:quarterly-pdf", args=[second.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-") and response.content == second.pdf_bytes()


def test_a_hand_over_archive_is_kept_in_the_bucket(
    bucket, open_case, manager_sue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        handover_services.handover_start(authority=open_case.local_authority, by=manager_sue)
    handover = Handover.objects.get()
    assert handover.status == Handover.Status.READY, handover.error
    assert bytes(handover.archive) == b"" and handover.stored_name.startswith("handovers/")
    stored = bucket.client.get_object(Bucket=bucket.name, Key=f"documents/{handover.stored_name}")
    assert stored["ServerSideEncryption"] == "AES256"
    data = handover.archive_content()
    assert data == stored["Body"].read()
    assert hashlib.sha256(data).hexdigest() == handover.sha256
    archive = handover_services.archive_read(data)  # every file checked against the manifest
    assert f"cases/{open_case.reference}/case.json" in archive.files
