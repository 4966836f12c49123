"""Everything that writes documents, letter wording and certificates.

`certificate_issue` is called by the workflow's ISSUE_CERTIFICATE step (mediation.workflow.services)
inside its transaction, after the case's deadlines were recomputed, so the appeal deadline on
the certificate is the engine's, counting from the certificate's date of issue.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.authorities.models import LocalAuthority
from mediation.cases.models import Case, ContactPreference, Party
from mediation.cases.services import reference_next
from mediation.common.errors import ServiceError
from mediation.common.kept_documents import keep
from mediation.common.pdf import html_to_pdf, sha256_hex
from mediation.deadlines.clocks import case_facts, service_calendar
from mediation.deadlines.models import Deadline
from mediation.documents import rendering, wording
from mediation.documents.defaults import DEFAULTS
from mediation.documents.models import (
    Certificate,
    DocumentKind,
    GeneratedDocument,
    LetterCode,
    LetterTemplate,
    RateCounter,
)
from mediation.domain.case_states import NO_CERTIFICATE_OUT_OF_TIME, NO_CERTIFICATE_SECTION_I
from mediation.domain.deadlines import DeadlineCode, compute_deadlines
from mediation.domain.decisions import APPEALABLE_DECISIONS
from mediation.notifications.models import Message
from mediation.notifications.services import message_mark_posted, message_queue
from mediation.timeline.models import TimelineKind
from mediation.timeline.services import timeline_record
from mediation.webhooks.models import EventKind
from mediation.webhooks.services import webhook_event_record

# Verification codes: no 0/O, 1/I/L, so they can be read out on the phone and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8

# The public verification page: tries per client address and per certificate reference.
VERIFY_LIMIT = 10
VERIFY_WINDOW = timedelta(minutes=10)


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isalnum())


def normalise_reference(value: str) -> str:
    return value.strip().upper()


# ---------------------------------------------------------------------------------------------
# Generated documents
# ---------------------------------------------------------------------------------------------


def document_store(
    *, case: Case, kind: str, title: str, html: str, pdf: bytes, by: User | None
) -> GeneratedDocument:
    """Keep a generated document as issued; its version is the next for the case and kind.

    Call inside the transaction that locked the case row (two documents of one case are then
    numbered one after the other; the unique constraint refuses a duplicate in any case).
    """
    last = GeneratedDocument.objects.filter(case=case, kind=kind).aggregate(v=Max("version"))["v"]
    inline, stored_name = keep(pdf, folder=f"cases/{case.pk}")
    return GeneratedDocument.objects.create(
        case=case,
        kind=kind,
        title=title,
        version=(last or 0) + 1,
        html=html,
        pdf=inline,
        stored_name=stored_name,
        sha256=sha256_hex(pdf),
        generated_by=by,
    )


# ---------------------------------------------------------------------------------------------
# Letter wording
# ---------------------------------------------------------------------------------------------


# The letters whose wording goes around facts the HTML template keeps (see wording.FACTS).
MEETING_LETTER_CODES = {
    "booked": LetterCode.MEETING_BOOKED,
    "rescheduled": LetterCode.MEETING_RESCHEDULED,
    "cancelled": LetterCode.MEETING_CANCELLED,
}


# The letters about an overdue agreed action, one for each kind of owner.
OVERDUE_LETTER_CODES = frozenset(
    {
        LetterCode.OVERDUE_ACTION,
        LetterCode.OVERDUE_ACTION_HEALTH,
        LetterCode.OVERDUE_ACTION_SCHOOL,
        LetterCode.OVERDUE_ACTION_FAMILY,
    }
)


def letter_placeholders(code: str) -> dict[str, str]:
    """The placeholders a letter's wording may use."""
    if code in MEETING_LETTER_CODES.values():
        return wording.MEETING_PLACEHOLDERS
    if code in OVERDUE_LETTER_CODES:
        return wording.OVERDUE_PLACEHOLDERS
    return wording.PLACEHOLDERS


def letter_wording(code: str, values: dict[str, str]) -> dict:
    """The wording in use for a letter with facts, filled in: its title, the paragraphs before
    the facts and those after, and the version of the wording used."""
    template = letter_template_current(code)
    opening, closing = wording.split_at_facts(template.body, values, letter_placeholders(code))
    return {
        "title": template.title,
        "opening": opening,
        "closing": closing,
        "wording_version": template.version,
    }


def letter_template_current(code: str) -> LetterTemplate:
    """The wording in use: the latest saved version, or the default (unsaved, version 0)."""
    template = LetterTemplate.objects.filter(code=code).order_by("-version").first()
    if template is None:
        _code, title, body = next(d for d in DEFAULTS if d[0] == code)
        template = LetterTemplate(code=code, version=0, title=title, body=body)
    return template


@transaction.atomic
def letter_template_save(
    *, code: str, title: str, body: str, by: User, request: HttpRequest | None = None
) -> LetterTemplate:
    """Save new wording as the next version. Documents already issued keep their own copy."""
    if not by.can_manage_service:
        raise ServiceError("Only managers can change the wording of letters.")
    if code not in LetterCode.values:
        raise ServiceError("There is no such letter.")
    try:
        wording.check_wording(body, letter_placeholders(code))
    except wording.WordingError as error:
        raise ServiceError(str(error)) from None
    if not title.strip() or not body.strip():
        raise ServiceError("Give the letter a title and some wording.")
    last = LetterTemplate.objects.select_for_update().filter(code=code).order_by("-version").first()
    template = LetterTemplate.objects.create(
        code=code,
        version=(last.version if last else 0) + 1,
        title=title.strip(),
        body=body.strip(),
        created_by=by,
    )
    audit_record(
        actor=by,
        verb="letter_template.save",
        target=template,
        request=request,
        detail={"code": code, "version": template.version},
    )
    return template


def sample_case() -> Case:
    """A made-up case for previews: no real family's details appear on a preview."""
    return Case(
        reference="MED-2026-00000",
        local_authority=LocalAuthority(name="Sampleshire Council", code="SMP"),
        child_first_name="Alex",
        child_last_name="Sample",
        child_date_of_birth=date(2015, 1, 1),
        decision_type="refuse_assessment",
        notice_sent_on=date(2026, 3, 2),
        letter_dated_on=date(2026, 2, 27),
    )


def sample_facts() -> rendering.CertificateFacts:
    return rendering.CertificateFacts(
        reference="CERT-2026-00000",
        code="ABCD2345",
        kind="declined",
        issued_on=date(2026, 3, 9),
        adviser="Sam Adviser",
        appeal_deadline=date(2026, 5, 5),
        appeal_deadline_why="2 months after the notice was sent on Mon 2 Mar 2026",
    )


def _sample_meeting_values() -> dict[str, str]:
    return {
        "recipient_name": "Sample Parent",
        "reference": "MED-2026-00000",
        "meeting_day": "Tuesday 8 December 2026",
        "start_time": "10am",
        "reason": "The mediator is unwell",
        "provider": settings.PROVIDER_NAME,
    }


def _sample_overdue_values() -> dict[str, str]:
    return {
        "recipient_name": "Sampleshire Council",
        "local_authority": "Sampleshire Council",
        "reference": "MED-2026-00000",
        "child_name": "Alex Sample",
        "agreement_day": "Tuesday 8 December 2026",
        "due_day": "Tuesday 5 January 2027",
        "regulation": "regulation 42(5) of the Special Educational Needs and Disability "
        "Regulations 2014 (a timescale the parties agreed in writing)",
        "provider": settings.PROVIDER_NAME,
    }


def _facts_preview_context(*, code: str, title: str, body: str) -> dict:
    """A letter with facts (meeting, overdue action) for made-up details."""
    meeting_kind = next((k for k, c in MEETING_LETTER_CODES.items() if c == code), None)
    values = _sample_meeting_values() if meeting_kind else _sample_overdue_values()
    opening, closing = wording.split_at_facts(body, values, letter_placeholders(code))
    context: dict[str, Any] = {
        "title": title,
        "paragraphs": opening,
        "opening": opening,
        "closing": closing,
        "facts_note": "The meeting's date, time and how to join go here"
        if meeting_kind
        else "The overdue action (what, who, kind, due date, rule) goes here",
        "provider": settings.PROVIDER_NAME,
        "today": "Friday 27 November 2026",
    }
    if meeting_kind:
        context.update(
            kind=meeting_kind,
            reference=values["reference"],
            name=values["recipient_name"],
            address_lines=["1 Sample Street", "Town"],
            day=values["meeting_day"],
            start="10am",
            end="1pm",
            how_to_join="The meeting is online. Join with this link: https://meet.example/abc",
            consent=False,
        )
    else:
        context.update(
            case={"reference": values["reference"], "child_name": values["child_name"]},
            authority={"name": values["local_authority"]},
            recipient_name=values["recipient_name"],
            action={
                "what": "Issue the amended EHC plan",
                "get_who_display": "The local authority",
                "kind_label": "Amend the special educational provision",
                "get_section_display": "Section F: special educational provision",
            },
            view={"rule": "The date the parties agreed in writing"},
            due_day=values["due_day"],
        )
    return context


def letter_preview_context(*, code: str, title: str, body: str) -> dict:
    """What the letter says with this wording, for a made-up case. Raises
    wording.WordingError for wording that cannot be used."""
    wording.check_wording(body, letter_placeholders(code))
    if letter_placeholders(code) is not wording.PLACEHOLDERS:
        return _facts_preview_context(code=code, title=title, body=body)
    context = rendering.letter_context(
        sample_case(), sample_facts(), body=body, title=title, party=None
    )
    context["with_summary"] = code == LetterCode.CERTIFICATE_FAMILY
    return context


def letter_preview(*, code: str, title: str, body: str) -> tuple[str, bytes]:
    """The letter as HTML and PDF with this wording, for a made-up case."""
    if code in MEETING_LETTER_CODES.values():
        context = letter_preview_context(code=code, title=title, body=body)
        html = render_to_string("meetings/letter.html", context)
        return html, html_to_pdf(html, extra_css=render_to_string("meetings/letter.css", context))
    if code in OVERDUE_LETTER_CODES:
        context = letter_preview_context(code=code, title=title, body=body)
        html = render_to_string("outcomes/overdue_letter.html", context)
        return html, html_to_pdf(html, extra_css=render_to_string("outcomes/document.css"))
    return rendering.render_document(
        "documents/letter.html", letter_preview_context(code=code, title=title, body=body)
    )


# ---------------------------------------------------------------------------------------------
# Certificates
# ---------------------------------------------------------------------------------------------


def certificate_refusal(case: Case) -> str | None:
    """Why the law gives no certificate for this case, or None (CFA s55(3), reg 34(2))."""
    if case.decision_type not in APPEALABLE_DECISIONS or case.section_i_only:
        return NO_CERTIFICATE_SECTION_I
    facts = case_facts(case)
    if facts is None or not compute_deadlines(facts, service_calendar()).certificate_allowed:
        return NO_CERTIFICATE_OUT_OF_TIME
    return None


def certificate_current(case: Case) -> Certificate | None:
    return Certificate.objects.filter(case=case, revoked_at__isnull=True).first()


def _wants_letter(party: Party) -> bool:
    return party.preferred_contact == ContactPreference.LETTER or not party.email


@transaction.atomic
def certificate_issue(
    *,
    case: Case,
    by: User,
    adviser: User | None = None,
    request: HttpRequest | None = None,
) -> Certificate:
    """Make the case's certificate from what the workflow recorded (date, kind, adviser), keep
    its PDF, and send it to the family and the LA, one logged message per recipient; with its
    line in the case's history and its audit event."""
    certificate, line, detail = certificate_make(case=case, by=by, adviser=adviser)
    timeline_record(
        case=case,
        by=by,
        kind=TimelineKind.CONTACT,
        summary=line,
        verb="certificate.issue",
        target=certificate,
        request=request,
        detail=detail,
    )
    return certificate


@transaction.atomic
def certificate_make(
    *, case: Case, by: User, adviser: User | None = None
) -> tuple[Certificate, str, dict[str, str]]:
    """`certificate_issue` without its history line and audit event, which the caller writes
    (the workflow records the step and the certificate as one change): the certificate, the
    line for the history and the audit detail."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    refusal = certificate_refusal(case)
    if refusal:
        raise ServiceError(refusal)
    if case.certificate_issued_on is None or not case.certificate_kind:
        raise ServiceError("Record the date of issue of the certificate first.")
    if certificate_current(case) is not None:
        raise ServiceError("This case already has a certificate.")
    adviser = adviser or case.certificate_issued_by or by
    appeal = Deadline.objects.filter(case=case, code=DeadlineCode.APPEAL_DEADLINE).first()
    facts = rendering.CertificateFacts(
        reference=reference_next(prefix="CERT", year=case.certificate_issued_on.year),
        code=new_verification_code(),
        kind=case.certificate_kind,
        issued_on=case.certificate_issued_on,
        adviser=adviser.display_name,
        appeal_deadline=appeal.due if appeal else None,
        appeal_deadline_why=appeal.explanation if appeal else "",
    )
    html, pdf = rendering.render_document(
        "documents/certificate.html", rendering.certificate_context(case, facts)
    )
    document = document_store(
        case=case,
        kind=DocumentKind.CERTIFICATE,
        title=f"Mediation certificate {facts.reference}",
        html=html,
        pdf=pdf,
        by=by,
    )
    certificate = Certificate.objects.create(
        case=case,
        kind=facts.kind,
        reference=facts.reference,
        verification_code=facts.code,
        issued_on=facts.issued_on,
        issued_by=adviser,
        appeal_deadline=facts.appeal_deadline,
        appeal_deadline_why=facts.appeal_deadline_why,
        document=document,
    )
    sent = _certificate_send(case=case, certificate=certificate, facts=facts, by=by)
    webhook_event_record(
        case=case,
        kind=EventKind.CERTIFICATE_ISSUED,
        data={
            "reference": certificate.reference,
            "kind": certificate.kind,
            "issued_on": certificate.issued_on.isoformat(),
        },
    )
    return (
        certificate,
        f"Certificate {facts.reference} made and sent: {sent}",
        {"reference": facts.reference, "kind": facts.kind, "sha256": document.sha256},
    )


def _certificate_send(
    *, case: Case, certificate: Certificate, facts: rendering.CertificateFacts, by: User
) -> str:
    """Queue the certificate to the family (email, or a letter to post) and to the LA's contact
    email. Returns a line for the timeline saying who gets what."""
    pdf_name = f"{certificate.reference}.pdf"
    attachment = (pdf_name, "application/pdf", certificate.document.pdf_bytes())
    subject = f"Mediation certificate {certificate.reference}"
    family_wording = letter_template_current(LetterCode.CERTIFICATE_FAMILY)
    said: list[str] = []
    for party in rendering.family_parties(case):
        key = f"certificate:{certificate.reference}:party:{party.pk}"
        context = rendering.letter_context(
            case, facts, body=family_wording.body, title=family_wording.title, party=party
        )
        if party.email and party.preferred_contact != ContactPreference.LETTER:
            message_queue(
                key=f"{key}:email",
                to_email=party.email,
                to_name=party.name,
                subject=subject,
                body=rendering.email_text("\n\n".join(context["paragraphs"]), context["summary"]),
                case_id=case.pk,
                attachments=[attachment],
            )
            said.append(f"{party.name} by email")
        if _wants_letter(party):
            context["with_summary"] = True
            html, pdf = rendering.render_document("documents/letter.html", context)
            letter = document_store(
                case=case,
                kind=DocumentKind.FAMILY_LETTER,
                title=f"Letter to {party.name} with certificate {certificate.reference}",
                html=html,
                pdf=pdf,
                by=by,
            )
            message_queue(
                key=f"{key}:letter",
                to_email="",
                to_name=party.name,
                subject=subject,
                body=f"Print and post the letter and the certificate to {party.name}.",
                case_id=case.pk,
                channel=Message.Channel.LETTER,
                attachments=[(f"{certificate.reference}-letter.pdf", "application/pdf", pdf)]
                + [attachment],
            )
            said.append(f"{party.name} by letter to post (letter version {letter.version})")
    authority = case.local_authority
    if authority.contact_email:
        la_wording = letter_template_current(LetterCode.CERTIFICATE_LA)
        text = wording.fill(
            la_wording.body,
            rendering.placeholder_values(case, facts, recipient_name=authority.name),
        )
        message_queue(
            key=f"certificate:{certificate.reference}:la:{authority.pk}",
            to_email=authority.contact_email,
            to_name=authority.name,
            subject=subject,
            body=rendering.email_text(text),
            case_id=case.pk,
            attachments=[attachment],
        )
        said.append(f"{authority.name} by email")
    else:
        said.append(f"{authority.name} has no contact email: send it to them yourself")
    return "; ".join(said) or "no one to send it to"


@transaction.atomic
def certificate_revoke(
    *,
    certificate: Certificate,
    by: User,
    reason: str,
    request: HttpRequest | None = None,
) -> Certificate:
    """Mark a certificate issued in error as revoked; the verification page then says so."""
    if not by.can_manage_service:
        raise ServiceError("Only managers can revoke a certificate.")
    reason = reason.strip()
    if not reason:
        raise ServiceError("Give the reason for revoking the certificate")
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise ServiceError("This certificate has already been revoked.")
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revoke_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    timeline_record(
        case=certificate.case,
        by=by,
        summary=f"Certificate {certificate.reference} revoked (issued in error)",
        verb="certificate.revoke",
        target=certificate,
        request=request,
        detail={"reference": certificate.reference},
    )
    webhook_event_record(
        case=certificate.case,
        kind=EventKind.CERTIFICATE_REVOKED,
        data={"reference": certificate.reference},
    )
    return certificate


# ---------------------------------------------------------------------------------------------
# Public verification, rate limited with a database counter
# ---------------------------------------------------------------------------------------------


def _window_start(now: datetime, window: timedelta) -> datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def rate_take(*, key: str, limit: int, window: timedelta, now: datetime | None = None) -> bool:
    """Count one try for `key` in the current fixed window; False once more than `limit`.

    The increment is a single UPDATE with F(), so concurrent requests never lose a count
    (PostgreSQL locks the row; SQLite runs one writer at a time). Old windows are deleted.
    """
    now = now or timezone.now()
    start = _window_start(now, window)
    with transaction.atomic():
        RateCounter.objects.filter(window_start__lt=start - window).delete()
        updated = RateCounter.objects.filter(key=key, window_start=start).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window_start=start, count=1)
            except IntegrityError:  # another request created it first: count on it
                RateCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
        count = RateCounter.objects.filter(key=key, window_start=start).values_list(
            "count", flat=True
        )[0]
    return count <= limit


class RateLimited(Exception):
    pass


def certificate_verify(
    *, reference: str, code: str, client: str, request: HttpRequest | None = None
) -> Certificate | None:
    """The certificate with this reference and code, or None. Raises RateLimited after too many
    tries from one client address or for one reference. Audited without the code."""
    reference = normalise_reference(reference)[:40]
    code = normalise_code(code)[:40]
    for key in (f"verify:ip:{client}", f"verify:ref:{reference}"):
        if not rate_take(key=key, limit=VERIFY_LIMIT, window=VERIFY_WINDOW):
            audit_record(
                actor=None,
                verb="certificate.verify_limited",
                request=request,
                detail={"reference": reference, "limit": key.split(":")[1]},
            )
            raise RateLimited
    found = Certificate.objects.filter(reference=reference).first()
    matches = found is not None and secrets.compare_digest(
        found.verification_code.encode(), code.encode()
    )
    audit_record(
        actor=None,
        verb="certificate.verify",
        target=found if matches else None,
        case_id=found.case_id if matches and found else None,
        request=request,
        detail={"reference": reference, "matched": matches},
    )
    return found if matches else None


@transaction.atomic
def letter_mark_posted(*, letter: Message, by: User, request: HttpRequest | None = None) -> Message:
    """A letter was printed and posted: recorded as sent, with a line in the case's history."""
    if letter.status == Message.Status.SENT:
        raise ServiceError("This letter is already marked as posted.")
    message_mark_posted(message=letter)
    case = Case.objects.filter(pk=letter.case_id).first() if letter.case_id else None
    if case is not None:
        timeline_record(
            case=case,
            by=by,
            kind=TimelineKind.CONTACT,
            summary=f"Letter to {letter.recipient_name} posted: {letter.subject}",
            verb="letter.posted",
            target=letter,
            request=request,
        )
    else:
        audit_record(actor=by, verb="letter.posted", target=letter, request=request)
    return letter
