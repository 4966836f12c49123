"""Letter wording (managers only; preview; unknown placeholders refused; issued documents never
change), document downloads (access, headers, audit), and the case page's panel."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.cases import services as case_services
from mediation.documents import services, wording
from mediation.documents.models import Certificate, LetterCode, LetterTemplate
from mediation.documents.tests.support import NOW, declined_certificate_case, pdf_text
from mediation.notifications.models import Message

pytestmark = pytest.mark.django_db

LIST = reverse("documents:letter-templates")
FAMILY = reverse("documents:letter-template-edit", args=[LetterCode.CERTIFICATE_FAMILY])


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


# --- Wording ------------------------------------------------------------------------------------


def test_placeholders_are_filled_as_plain_text():
    text = wording.fill(
        "Dear {recipient_name}, {{not a placeholder}}", {"recipient_name": "<b>Sam</b>"}
    )
    assert text == "Dear <b>Sam</b>, {not a placeholder}"


@pytest.mark.parametrize(
    "body",
    [
        "Hello {name}",
        "{child_name.__class__}",
        "{child_name!r}",
        "{child_name:>40}",
        "{0}",
        "{}",
        "{% load static %}{child_name",
        "Closing } alone",
    ],
)
def test_anything_but_a_known_placeholder_is_refused(body):
    with pytest.raises(wording.WordingError):
        wording.check_wording(body)


def test_the_default_wording_is_seeded_and_valid():
    # The data migration seeds version 1 of each letter (tests run with migrations).
    for code in LetterCode.values:
        current = services.letter_template_current(code)
        wording.check_wording(current.body, services.letter_placeholders(code))
        assert current.title and current.version == 1


def test_meeting_and_overdue_letters_are_listed_previewed_and_checked(client, manager_sue):
    login(client, manager_sue)
    page = client.get(LIST).content.decode()
    for code in ("meeting_booked", "meeting_rescheduled", "meeting_cancelled", "overdue_action"):
        assert reverse("documents:letter-template-edit", args=[code]) in page
    booked = reverse("documents:letter-template-edit", args=["meeting_booked"])
    body = "Dear {recipient_name},\n\nOpening words.\n\n{facts}\n\nClosing words, {reference}."
    preview = client.post(booked, {"title": "Booked", "body": body, "action": "preview"})
    text = preview.content.decode().split('id="preview-title"')[1]
    assert "Opening words." in text and "Closing words, MED-2026-00000." in text
    assert text.index("Opening words.") < text.index("date, time and how to join")
    assert text.index("date, time and how to join") < text.index("Closing words")
    pdf = client.post(booked, {"title": "Booked", "body": body, "action": "preview-pdf"})
    assert pdf["Content-Disposition"].startswith("attachment;")
    pdf_words = pdf_text(pdf.content)
    assert "Opening words." in pdf_words and "Date:" in pdf_words
    # a certificate placeholder means nothing in a meeting letter
    refused = client.post(booked, {"title": "B", "body": "By {appeal_deadline}", "action": "save"})
    assert refused.status_code == 400 and "Unknown placeholder" in refused.content.decode()
    overdue = reverse("documents:letter-template-edit", args=["overdue_action"])
    pdf = client.post(
        overdue, {"title": "Late", "body": "Due {due_day}.\n\n{facts}", "action": "preview-pdf"}
    )
    assert "Due Tuesday 5 January 2027." in pdf_text(pdf.content)
    assert not LetterTemplate.objects.filter(code="meeting_booked", version=2).exists()


@pytest.mark.parametrize("who", ["case_officer_cal", "mediator_mia", "admin_ada"])
def test_letter_pages_are_for_managers_only(client, cast, who):
    login(client, cast[who])
    expected = 200 if who == "admin_ada" else 403
    assert client.get(LIST).status_code == expected
    assert client.get(FAMILY).status_code == expected
    response = client.post(FAMILY, {"title": "T", "body": "Hi", "action": "save"})
    assert response.status_code == (302 if expected == 200 else 403)


def test_signed_out_is_sent_to_sign_in(client):
    assert client.get(LIST).status_code == 302


def test_unknown_letter_is_404(client, manager_sue):
    login(client, manager_sue)
    assert client.get(reverse("documents:letter-template-edit", args=["nope"])).status_code == 404


def test_unknown_placeholder_is_refused_with_a_clear_error(client, manager_sue):
    login(client, manager_sue)
    before = LetterTemplate.objects.count()
    response = client.post(
        FAMILY, {"title": "Your certificate", "body": "Dear {parent_name}", "action": "save"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Unknown placeholder {parent_name}" in page and "{recipient_name}" in page
    assert "govuk-error-summary" in page
    assert LetterTemplate.objects.count() == before


def test_preview_shows_the_letter_for_a_made_up_case_without_saving(client, manager_sue):
    login(client, manager_sue)
    before = LetterTemplate.objects.count()
    response = client.post(
        FAMILY,
        {
            "title": "Your certificate",
            "body": "Hello {recipient_name} <script>x</script>\n\nAppeal by {appeal_deadline}.",
            "action": "preview",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview, with a made-up case" in page
    assert "Hello Sample Parent &lt;script&gt;x&lt;/script&gt;" in page  # escaped, never run
    assert "Appeal by 5 May 2026." in page
    assert "Date of the mediation certificate" in page  # the appeal-form summary
    assert LetterTemplate.objects.count() == before

    pdf = client.post(
        FAMILY, {"title": "Your certificate", "body": "Hi {child_name}", "action": "preview-pdf"}
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert "Hi Alex Sample" in pdf_text(pdf.content)


def test_saving_makes_a_new_version_and_issued_documents_never_change(
    client, manager_sue, case_officer_cal, local_authority
):
    first_case = declined_certificate_case(case_officer_cal, local_authority)
    first = Certificate.objects.get(case=first_case)
    first_pdf, first_html = bytes(first.document.pdf), first.document.html
    first_email = Message.objects.get(recipient_email="sarah.whitfield@example.com")

    in_use = services.letter_template_current(LetterCode.CERTIFICATE_FAMILY).version
    login(client, manager_sue)
    response = client.post(
        FAMILY,
        {
            "title": "Your certificate",
            "body": "Dear {recipient_name},\n\nBrand new wording: appeal by {appeal_deadline}.",
            "action": "save",
        },
    )
    assert response.status_code == 302 and response["Location"] == LIST
    saved = LetterTemplate.objects.filter(code=LetterCode.CERTIFICATE_FAMILY).latest("version")
    assert saved.version == in_use + 1 and saved.created_by == manager_sue
    assert AuditEvent.objects.filter(verb="letter_template.save", actor=manager_sue).exists()
    assert f"version {saved.version}" in client.get(LIST).content.decode()

    second_case = declined_certificate_case(case_officer_cal, local_authority)
    second_email = (
        Message.objects.filter(recipient_email="sarah.whitfield@example.com")
        .exclude(pk=first_email.pk)
        .get()
    )
    assert "Brand new wording: appeal by 4 January 2027." in second_email.body
    assert second_case.pk != first_case.pk

    first.document.refresh_from_db()
    first_email.refresh_from_db()
    assert bytes(first.document.pdf) == first_pdf and first.document.html == first_html
    assert "Brand new wording" not in first_email.body


# --- Downloads ----------------------------------------------------------------------------------


@pytest.fixture
def certificate(case_officer_cal, local_authority, mediator_mia):
    case = declined_certificate_case(case_officer_cal, local_authority)
    case_services.case_assign_mediator(case=case, mediator=mediator_mia, by=case_officer_cal)
    return Certificate.objects.get(case=case)


def download_url(certificate):
    return reverse("documents:download", args=[certificate.case.reference, certificate.document_id])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("case_officer_cal", 200),
        ("case_officer_cleo", 200),
        ("manager_sue", 200),
        ("admin_ada", 200),
        ("mediator_mia", 200),  # assigned to the case
        ("mediator_max", 404),  # not assigned: as if it did not exist
    ],
)
def test_download_permissions(client, cast, certificate, who, status):
    login(client, cast[who])
    response = client.get(download_url(certificate))
    assert response.status_code == status
    downloads = AuditEvent.objects.filter(verb="document.download")
    assert downloads.count() == (1 if status == 200 else 0)
    if status == 404:
        assert AuditEvent.objects.filter(verb="access.denied", actor=cast[who]).exists()


def test_signed_out_download_goes_to_sign_in(client, certificate):
    response = client.get(download_url(certificate))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_a_document_of_another_case_is_404(client, case_officer_cal, local_authority, certificate):
    other = declined_certificate_case(case_officer_cal, local_authority)
    login(client, case_officer_cal)
    url = reverse("documents:download", args=[other.reference, certificate.document_id])
    assert client.get(url).status_code == 404


def test_download_headers_and_audit(client, case_officer_cleo, certificate):
    login(client, case_officer_cleo)
    response = client.get(download_url(certificate))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{certificate.case.reference}-certificate-v1.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response.content == bytes(certificate.document.pdf)
    event = AuditEvent.objects.get(verb="document.download")
    assert event.actor == case_officer_cleo and event.case_id == certificate.case_id
    assert event.detail["sha256"] == certificate.document.sha256


# --- The case page's panel ----------------------------------------------------------------------


def test_case_page_shows_the_certificate_and_documents(client, manager_sue, certificate):
    login(client, manager_sue)
    page = client.get(reverse("cases:detail", args=[certificate.case.reference])).content.decode()
    assert certificate.reference in page
    assert "Family did not want mediation (CFA 2014 s55(4))" in page
    assert download_url(certificate) in page
    assert reverse("documents:certificate-revoke", args=[certificate.case.reference]) in page
    assert certificate.verification_code not in page


def test_case_officers_get_no_revoke_link(client, case_officer_cal, certificate):
    login(client, case_officer_cal)
    page = client.get(reverse("cases:detail", args=[certificate.case.reference])).content.decode()
    assert download_url(certificate) in page
    assert "Revoke certificate" not in page


def test_case_page_queries_do_not_grow_with_documents(
    client, case_officer_cal, local_authority, django_assert_max_num_queries
):
    from mediation.documents.models import DocumentKind
    from mediation.documents.services import document_store

    case = declined_certificate_case(case_officer_cal, local_authority)
    login(client, case_officer_cal)
    url = reverse("cases:detail", args=[case.reference])
    with django_assert_max_num_queries(40) as first:
        client.get(url)
    for number in range(5):
        document_store(
            case=case,
            kind=DocumentKind.FAMILY_LETTER,
            title=f"Letter {number}",
            html="<p>x</p>",
            pdf=b"%PDF-1.7",
            by=case_officer_cal,
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(url).content.decode()
    assert "Letter 4" in page
