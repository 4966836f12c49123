"""Certificates issued through the workflow step: the row, its reference and code, the PDF's
facts, the messages to the family and the LA, the audit and the timeline; and no certificate
where the law gives none."""

from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine

from mediation.audit.models import AuditEvent
from mediation.cases.models import ContactPreference, Party, PartyRole
from mediation.common import errors
from mediation.deadlines.models import Deadline
from mediation.documents import services
from mediation.documents.models import Certificate, DocumentKind, GeneratedDocument
from mediation.documents.tests.support import (
    NOW,
    after_mediation_case,
    declined_certificate_case,
    deemed_case,
    new_case,
    pdf_info,
    pdf_text,
    take,
)
from mediation.domain.case_states import (
    NO_CERTIFICATE_OUT_OF_TIME,
    NO_CERTIFICATE_SECTION_I,
    Route,
    Step,
)
from mediation.notifications.models import Message
from mediation.timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"^CERT-2026-\d{5}$")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.parametrize(
    ("make", "kind", "issued", "basis", "meaning"),
    [
        (
            declined_certificate_case,
            "declined",
            date(2026, 11, 9),
            "section 55(4)",
            "do not wish to pursue mediation",
        ),
        (
            after_mediation_case,
            "after_mediation",
            date(2026, 11, 24),
            "section 55(5)",
            "took part in mediation",
        ),
        (deemed_case, "deemed", date(2026, 11, 25), "regulation 39(3)", "could not arrange"),
    ],
    ids=["s55(4)", "s55(5)", "reg 39(3)"],
)
def test_each_kind_is_issued_by_the_workflow_step(
    case_officer_cal,
    local_authority,
    make,
    kind,
    issued,
    basis,
    meaning,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    with django_capture_on_commit_callbacks(execute=True):
        case = make(case_officer_cal, local_authority)

    certificate = Certificate.objects.get(case=case)
    assert certificate.kind == kind == case.certificate_kind
    assert REFERENCE.match(certificate.reference)
    assert re.fullmatch(f"[{services.CODE_ALPHABET}]{{8}}", certificate.verification_code)
    assert certificate.issued_on == issued == case.certificate_issued_on
    assert certificate.issued_by == case_officer_cal
    # The appeal deadline is the engine's, recomputed with the certificate's date of issue.
    appeal = Deadline.objects.get(case=case, code="appeal_deadline")
    assert certificate.appeal_deadline == appeal.due
    assert certificate.appeal_deadline_why == appeal.explanation
    assert "certificate was issued on" in appeal.explanation or "notice was sent" in (
        appeal.explanation
    )

    document = certificate.document
    assert document.kind == DocumentKind.CERTIFICATE and document.version == 1
    assert document.sha256 == services.sha256_hex(bytes(document.pdf))
    text = pdf_text(document.pdf)
    for fact in (
        "Northfield Mediation Service",
        certificate.reference,
        certificate.code_display,
        f"Date of issue: {issued.day} {issued:%B %Y}",
        "/verify-certificate/",
        "Sarah Whitfield",
        "Isla Whitfield",
        "Northfield Borough Council",
        "Refusal to carry out an EHC needs assessment",
        "2 November 2026",  # the date the decision notice was sent
        f"{appeal.due:%A} {appeal.due.day} {appeal.due:%B %Y}",
        "Why this date:",
        basis,
        meaning,
        "Issued by Cal Officer, mediation adviser",
    ):
        assert fact in text, fact
    info = pdf_info(document.pdf)
    assert "(A4)" in info["Page size"] and info["Tagged"] == "yes" and info["Pages"] == "1"
    assert info["Title"] == f"Mediation certificate {certificate.reference}"

    # One message per recipient: the family by email (with the PDF), the LA's contact email.
    messages = Message.objects.filter(case_id=case.pk, subject__contains=certificate.reference)
    by_recipient = {m.recipient_email: m for m in messages}
    assert set(by_recipient) == {"sarah.whitfield@example.com", "send@testshire.example.gov.uk"}
    family = by_recipient["sarah.whitfield@example.com"]
    assert family.channel == Message.Channel.EMAIL
    assert (
        "For your appeal form:" in family.body
        and "Date of the mediation certificate" in family.body
    )
    assert family.status == Message.Status.SENT  # sent once the transaction committed
    sent = {tuple(m.to): m for m in mailoutbox if certificate.reference in m.subject}
    assert set(sent) == {("sarah.whitfield@example.com",), ("send@testshire.example.gov.uk",)}
    assert all(
        m.attachments[0].get_filename() == f"{certificate.reference}.pdf" for m in sent.values()
    )
    for message in messages:
        [attachment] = message.attachments.all()
        assert attachment.content_type == "application/pdf"
        assert bytes(attachment.content) == bytes(document.pdf)
    la = by_recipient["send@testshire.example.gov.uk"]
    assert certificate.reference in la.body and certificate.code_display in la.body

    event = AuditEvent.objects.get(verb="certificate.issue", case_id=case.pk)
    assert event.detail["reference"] == certificate.reference
    assert certificate.verification_code not in str(event.detail)
    summaries = list(case.timeline.values_list("summary", flat=True))
    # The step and the certificate it made are one change: one line, one audit event.
    assert any(
        s.startswith(f"Certificate issued {issued:%a} {issued.day} {issued:%b %Y}")
        and f"Certificate {certificate.reference} made and sent" in s
        and "Sarah Whitfield by email" in s
        for s in summaries
    )
    assert not AuditEvent.objects.filter(case_id=case.pk, verb="case.step.issue-certificate")


@pytest.fixture
def local_authority(db):
    from mediation.cases.tests.factories import LocalAuthorityFactory

    return LocalAuthorityFactory(
        name="Northfield Borough Council", code="NFD", contact_email="send@testshire.example.gov.uk"
    )


def test_appeal_deadline_on_the_certificate_counts_from_its_issue(
    case_officer_cal, local_authority
):
    # Notice sent 2 Nov 2026, certificate 9 Nov: 2 months after the notice is Sat 2 Jan 2027,
    # later than 1 month after the certificate; the next working day is Mon 4 Jan 2027.
    case = declined_certificate_case(case_officer_cal, local_authority)
    assert Certificate.objects.get(case=case).appeal_deadline == date(2027, 1, 4)
    # A late certificate moves it: 1 month after 23 Dec 2026 is Sat 23 Jan 2027 → Mon 25 Jan.
    # (Recorded on that day: a certificate dated in the future is refused.)
    with time_machine.travel(date(2026, 12, 23), tick=False):
        late = declined_certificate_case(case_officer_cal, local_authority, on=date(2026, 12, 23))
    certificate = Certificate.objects.get(case=late)
    assert certificate.appeal_deadline == date(2027, 1, 25)
    assert "Monday 25 January 2027" in pdf_text(certificate.document.pdf)


def test_the_named_adviser_issues_it(case_officer_cal, manager_sue, local_authority):
    case = declined_certificate_case(case_officer_cal, local_authority, adviser=manager_sue)
    certificate = Certificate.objects.get(case=case)
    assert certificate.issued_by == manager_sue
    assert "Issued by Sue Manager" in pdf_text(certificate.document.pdf)


def test_a_family_who_prefers_letters_gets_a_letter_to_post_with_the_appeal_summary(
    case_officer_cal, local_authority
):
    case = declined_certificate_case(
        case_officer_cal,
        local_authority,
        preferred_contact=ContactPreference.LETTER,
        address="12 Elm Road\nNorthfield\nNF1 2AB",
    )
    certificate = Certificate.objects.get(case=case)
    letter_message = Message.objects.get(case_id=case.pk, channel=Message.Channel.LETTER)
    assert letter_message.recipient_name == "Sarah Whitfield"
    assert letter_message.status == Message.Status.PENDING  # to print and post
    names = [a.filename for a in letter_message.attachments.all()]
    assert names == [f"{certificate.reference}-letter.pdf", f"{certificate.reference}.pdf"]
    assert not Message.objects.filter(
        case_id=case.pk, recipient_email="sarah.whitfield@example.com"
    ).exists()
    letter = GeneratedDocument.objects.get(case=case, kind=DocumentKind.FAMILY_LETTER)
    text = pdf_text(letter.pdf)
    for fact in (
        "12 Elm Road",
        "Dear Sarah Whitfield",
        "For your appeal form",
        "Type of appeal Refusal to carry out an EHC needs assessment",
        "Date the local authority's decision notice was sent 2 November 2026",
        "Date on the decision letter 30 October 2026",
        "Date of the mediation certificate 9 November 2026",
        "Section I (the school or placement) only? No",
        "The Tribunal must receive your appeal by 4 January 2027",
        certificate.reference,
        certificate.code_display,
    ):
        assert fact in text, fact
    attachment = letter_message.attachments.first()
    assert attachment is not None and bytes(attachment.content) == bytes(letter.pdf)


def test_every_family_member_gets_it_and_an_la_without_email_is_flagged(
    case_officer_cal, local_authority
):
    local_authority.contact_email = ""
    local_authority.save()
    case = new_case(case_officer_cal, local_authority, Route.CERTIFICATE_ONLY)
    Party.objects.create(
        case=case, role=PartyRole.PARENT_CARER, name="Tom Whitfield", email="", address="1 Road"
    )
    Party.objects.create(case=case, role=PartyRole.SUPPORTER, name="Ivy Advocate", email="i@x.org")
    case = take(case, Step.ISSUE_CERTIFICATE, case_officer_cal, on=date(2026, 11, 9))
    messages = Message.objects.filter(case_id=case.pk)
    assert sorted((m.recipient_name, m.channel) for m in messages) == [
        ("Sarah Whitfield", "email"),
        ("Tom Whitfield", "letter"),  # no email address: a letter to post
    ]
    line = case.timeline.filter(summary__contains="made and sent").get().summary
    assert "has no contact email: send it to them yourself" in line


def test_section_i_only_gets_no_certificate_row(case_officer_cal, local_authority):
    case = new_case(
        case_officer_cal,
        local_authority,
        Route.MEDIATION,
        decision_type="plan_contents",
        section_i_only=True,
    )
    case = take(case, Step.INFORM_LA, case_officer_cal, on=date(2026, 11, 6))
    case = take(case, Step.BOOK_MEETING, case_officer_cal, on=date(2026, 11, 20))
    case = take(case, Step.RECORD_MEETING_HELD, case_officer_cal, on=date(2026, 11, 20))
    case = take(
        case, Step.RECORD_OUTCOME, case_officer_cal, on=date(2026, 11, 20), outcome="agreed_all"
    )
    with pytest.raises(errors.ServiceError, match="Section I only"):
        take(case, Step.ISSUE_CERTIFICATE, case_officer_cal, on=date(2026, 11, 24))
    # Even called directly, with the case's dates set as if issued, the service refuses.
    case.certificate_issued_on, case.certificate_kind = date(2026, 11, 9), "declined"
    case.save(update_fields=["certificate_issued_on", "certificate_kind"])
    with pytest.raises(errors.ServiceError) as refused:
        services.certificate_issue(case=case, by=case_officer_cal)
    assert str(refused.value) == NO_CERTIFICATE_SECTION_I
    assert not Certificate.objects.exists() and not GeneratedDocument.objects.exists()
    assert not Message.objects.filter(case_id=case.pk).exists()


def test_out_of_time_gets_no_certificate_row(case_officer_cal, local_authority):
    case = new_case(
        case_officer_cal, local_authority, Route.CERTIFICATE_ONLY, notice_sent_on=date(2026, 8, 3)
    )
    with pytest.raises(errors.ServiceError, match="reg 34"):
        take(case, Step.ISSUE_CERTIFICATE, case_officer_cal, on=date(2026, 11, 9))
    case.certificate_issued_on, case.certificate_kind = date(2026, 11, 9), "declined"
    case.save(update_fields=["certificate_issued_on", "certificate_kind"])
    with pytest.raises(errors.ServiceError) as refused:
        services.certificate_issue(case=case, by=case_officer_cal)
    assert str(refused.value) == NO_CERTIFICATE_OUT_OF_TIME
    assert not Certificate.objects.exists()


def test_a_second_current_certificate_is_refused(case_officer_cal, local_authority):
    case = declined_certificate_case(case_officer_cal, local_authority)
    with pytest.raises(errors.ServiceError, match="already has a certificate"):
        services.certificate_issue(case=case, by=case_officer_cal)
    assert Certificate.objects.filter(case=case).count() == 1


def test_a_failure_while_making_the_certificate_undoes_the_step(
    case_officer_cal, local_authority, monkeypatch
):
    case = new_case(case_officer_cal, local_authority, Route.CERTIFICATE_ONLY)

    def broken(*args, **kwargs):
        raise RuntimeError("PDF engine down")

    monkeypatch.setattr("mediation.documents.rendering.html_to_tagged_pdf", broken)
    with pytest.raises(RuntimeError):
        take(case, Step.ISSUE_CERTIFICATE, case_officer_cal, on=date(2026, 11, 9))
    case.refresh_from_db()
    assert case.certificate_issued_on is None and case.status == "certificate_due"
    assert not Certificate.objects.exists()
    assert not TimelineEntry.objects.filter(case=case, summary__startswith="Certificate").exists()


def test_verification_codes_are_random_and_unambiguous():
    codes = {services.new_verification_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 8 and not set(c) & set("01OIL") for c in codes)
