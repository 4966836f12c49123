"""Reads of documents and certificates, always through the case's access rule (404 otherwise)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest

from mediation.accounts.models import User
from mediation.audit.reads import access_one, read_noted
from mediation.cases.models import Case
from mediation.cases.selectors import access_case
from mediation.documents.models import Certificate, GeneratedDocument, LetterCode, LetterTemplate


def access_document(
    *, user: User, reference: str, document_id: int, request: HttpRequest | None = None
) -> GeneratedDocument:
    case = access_case(user=user, reference=reference, request=request)
    document = access_one(
        GeneratedDocument.objects.filter(case=case), document_id, not_found="No document found"
    )
    document.case = case
    return document


def access_current_certificate(
    *, user: User, reference: str, request: HttpRequest | None = None
) -> Certificate:
    case = access_case(user=user, reference=reference, request=request)
    certificate = (
        Certificate.objects.filter(case=case, revoked_at__isnull=True)
        .select_related("issued_by")
        .first()
    )
    if certificate is None:
        raise Http404("No certificate found")
    read_noted(certificate, case_id=case.pk)
    certificate.case = case
    return certificate


@dataclass(frozen=True)
class CasePanel:
    certificate: Certificate | None
    revoked: list[Certificate]
    documents: list[GeneratedDocument]


def case_documents_panel(case: Case) -> CasePanel:
    """The case's documents (without their contents) and certificates: one query."""
    documents = list(
        GeneratedDocument.objects.filter(case=case)
        .defer("html", "pdf")
        .select_related("certificate", "certificate__issued_by", "generated_by")
        .order_by("-generated_at", "-id")
    )
    certificates = []
    for document in documents:
        try:
            certificates.append(document.certificate)
        except Certificate.DoesNotExist:
            continue
    current = next((c for c in certificates if c.revoked_at is None), None)
    return CasePanel(
        certificate=current,
        revoked=[c for c in certificates if c.revoked_at is not None],
        documents=documents,
    )


def letter_templates_current() -> list[tuple[str, str, LetterTemplate | None]]:
    """Each letter (code, what it is for) with the wording in use (None: the default)."""
    latest: dict[str, LetterTemplate] = {}
    for template in LetterTemplate.objects.select_related("created_by").order_by("code", "version"):
        latest[template.code] = template
    return [(code, label, latest.get(code)) for code, label in LetterCode.choices]
