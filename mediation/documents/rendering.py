"""The documents' HTML and PDF: certificates, the family's covering letter, previews.

PDFs are A4 and tagged PDF/UA-1 (headings, tables and reading order for screen readers), with
the document's title and language; the shared page CSS comes from mediation.common.pdf.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from mediation.cases.models import Case, CertificateKind, Party, PartyRole
from mediation.common.links import site_url
from mediation.common.pdf import html_to_pdf
from mediation.common.service_details import service_contact
from mediation.documents import wording

FAMILY_ROLES = (PartyRole.PARENT_CARER, PartyRole.YOUNG_PERSON, PartyRole.REPRESENTATIVE)

# Each kind of certificate, its statutory basis and what it means, in plain English.
KIND_TEXT: dict[str, tuple[str, str, str]] = {
    CertificateKind.DECLINED: (
        "Certificate that the family did not want mediation",
        "Children and Families Act 2014, section 55(4)",
        "The parent or young person has had information and advice about mediation from the "
        "mediation adviser and has told the adviser that they do not wish to pursue mediation.",
    ),
    CertificateKind.AFTER_MEDIATION: (
        "Certificate that the family took part in mediation",
        "Children and Families Act 2014, section 55(5)",
        "The parent or young person had information and advice about mediation, chose to "
        "pursue it, and took part in mediation.",
    ),
    CertificateKind.DEEMED: (
        "Certificate that the family is treated as having taken part in mediation",
        "Children and Families Act 2014, section 55(5), and the SEND Regulations 2014, "
        "regulation 39(3)",
        "The local authority told the mediation adviser that it could not arrange mediation "
        "within 30 days. The parent or young person is therefore treated as having taken part "
        "in mediation, whether or not a meeting later takes place.",
    ),
}

PDF_EXTRA_CSS = """
.provider { font-size: 10pt; color: #505a5f; margin: 0 0 12pt; }
.key { font-size: 12pt; border: 1pt solid #0b0c0c; padding: 6pt 8pt; margin: 10pt 0; }
.code { font-family: "DejaVu Sans Mono", monospace; font-size: 13pt; letter-spacing: 1pt; }
th { width: 38%; font-weight: bold; }
.address { margin: 0 0 14pt; }
.signature { margin-top: 14pt; }
.url { white-space: nowrap; font-weight: bold; }
.certificate { font-size: 10pt; line-height: 1.35; } .certificate h1 { font-size: 16pt; }
.certificate h2 { margin: 9pt 0 4pt; } .certificate p { margin: 0 0 6pt; }
.certificate td, .certificate th { padding: 3pt 6pt 3pt 0; }
"""


def verify_url() -> str:
    return site_url(reverse("documents:verify"))


def html_to_tagged_pdf(html: str) -> bytes:
    return html_to_pdf(html, extra_css=PDF_EXTRA_CSS)


def render_document(template: str, context: dict) -> tuple[str, bytes]:
    html = render_to_string(template, context)
    return html, html_to_tagged_pdf(html)


def family_parties(case: Case) -> list[Party]:
    """The parent(s), young person or their representative: who the certificate is for. Where
    none is recorded in those roles, the case's main contact."""
    parties = list(case.parties.all())
    family = [p for p in parties if p.role in FAMILY_ROLES]
    return family or [p for p in parties if p.is_main_contact][:1]


@dataclass(frozen=True)
class CertificateFacts:
    """Everything a certificate and its letters say, worked out once at issue."""

    reference: str
    code: str
    kind: str
    issued_on: date
    adviser: str
    appeal_deadline: date | None
    appeal_deadline_why: str

    @property
    def code_display(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"


def day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "not known"


def certificate_context(case: Case, facts: CertificateFacts) -> dict:
    title, basis, meaning = KIND_TEXT[facts.kind]
    return {
        "case": case,
        "facts": facts,
        "kind_title": title,
        "kind_basis": basis,
        "kind_meaning": meaning,
        "family": family_parties(case),
        "provider": settings.PROVIDER_NAME,
        "contact": service_contact(),
        "verify_url": verify_url(),
    }


def placeholder_values(
    case: Case, facts: CertificateFacts, *, recipient_name: str
) -> dict[str, str]:
    return {
        "recipient_name": recipient_name,
        "child_name": case.child_name,
        "reference": case.reference,
        "certificate_reference": facts.reference,
        "verification_code": facts.code_display,
        "verify_url": verify_url(),
        "issue_date": day(facts.issued_on),
        "appeal_deadline": day(facts.appeal_deadline),
        "local_authority": case.local_authority.name,
        "decision": case.get_decision_type_display(),
        "notice_sent": day(case.notice_sent_on),
        "adviser": facts.adviser,
        "provider": settings.PROVIDER_NAME,
    }


def appeal_summary(case: Case, facts: CertificateFacts) -> list[tuple[str, str]]:
    """The answers the Tribunal's appeal form (SEND35) asks about the decision and certificate."""
    return [
        ("Type of appeal", case.get_decision_type_display()),
        ("Date the local authority's decision notice was sent", day(case.notice_sent_on)),
        ("Date on the decision letter", day(case.letter_dated_on or case.notice_sent_on)),
        ("Date of the mediation certificate", day(facts.issued_on)),
        ("Mediation certificate reference", facts.reference),
        ("Is the appeal about Section I (the school or placement) only?", "No"),
        ("The Tribunal must receive your appeal by", day(facts.appeal_deadline)),
    ]


def letter_context(
    case: Case, facts: CertificateFacts, *, body: str, title: str, party: Party | None
) -> dict:
    name = party.name if party else "Sample Parent"
    text = wording.fill(body, placeholder_values(case, facts, recipient_name=name))
    return {
        "title": title,
        "paragraphs": wording.paragraphs(text),
        "recipient_name": name,
        "address_lines": (party.address.splitlines() if party else ["1 Sample Street", "Town"]),
        "today": day(facts.issued_on),
        "summary": appeal_summary(case, facts),
        "provider": settings.PROVIDER_NAME,
        "case": case,
        "facts": facts,
    }


def email_text(text: str, summary: list[tuple[str, str]] | None = None) -> str:
    lines = [text.strip(), ""]
    if summary:
        lines += ["For your appeal form:", *(f"- {label}: {value}" for label, value in summary)]
        lines.append("")
    return "\n".join(lines)
