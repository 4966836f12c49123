"""Subject access: everything the service holds about one person, in one download.

A person is found by email address or full name, as a party on any case, as the caller of an
enquiry, or as the child of a case. The export is for the data protection lead to check and
redact (it can hold other people's details too) before it is sent; it is never sent directly.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from mediation.cases.models import Case, Enquiry, Party
from mediation.meetings.models import MeetingLetter
from mediation.notifications.models import Message
from mediation.outcomes.models import Delivery
from mediation.uploads.models import Upload
from mediation.uploads.services import storage


@dataclass(frozen=True)
class Person:
    email: str = ""
    name: str = ""


@dataclass
class Found:
    parties: list[Party]
    enquiries: list[Enquiry]
    child_cases: list[Case]
    messages: int

    @property
    def anything(self) -> bool:
        return bool(self.parties or self.enquiries or self.child_cases or self.messages)


def _name_q(name: str, field: str) -> Q:
    return Q(**{f"{field}__iexact": name.strip()})


def _parties(person: Person) -> QuerySet[Party]:
    q = Q(pk__in=[])
    if person.email:
        q |= Q(email__iexact=person.email)
    if person.name:
        q |= _name_q(person.name, "name")
    return Party.objects.filter(q).select_related("case")


def _enquiries(person: Person) -> QuerySet[Enquiry]:
    q = Q(pk__in=[])
    if person.email:
        q |= Q(email__iexact=person.email)
    if person.name:
        q |= _name_q(person.name, "caller_name")
    return Enquiry.objects.filter(q)


def _child_cases(person: Person) -> QuerySet[Case]:
    parts = person.name.strip().split()
    if len(parts) < 2:
        return Case.objects.none()
    first, last = " ".join(parts[:-1]), parts[-1]
    return Case.objects.filter(child_first_name__iexact=first, child_last_name__iexact=last)


def _messages(person: Person) -> QuerySet[Message]:
    if not person.email:
        return Message.objects.none()
    return Message.objects.filter(recipient_email__iexact=person.email)


def subject_access_find(person: Person) -> Found:
    return Found(
        parties=list(_parties(person)[:200]),
        enquiries=list(_enquiries(person)[:200]),
        child_cases=list(_child_cases(person).select_related("local_authority")[:200]),
        messages=_messages(person).count(),
    )


def _row(instance: models.Model) -> dict[str, Any]:
    """Every field of a row, read through the ORM so encrypted text is readable; no binaries."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.BinaryField):
            continue
        data[field.attname] = getattr(instance, field.attname)
    return data


def _rows_pointing_at_parties(party_ids: list[int]) -> dict[str, list[dict[str, Any]]]:
    """Rows in every model with a foreign key to a party (answers, agreements, claims, letters)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("mediation") or model is Party:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is Party:
                rows = model._default_manager.filter(**{f"{field.name}__in": party_ids})
                found.setdefault(model._meta.label, []).extend(_row(row) for row in rows)
    return {label: rows for label, rows in found.items() if rows}


def _documents_sent_to(party_ids: list[int]) -> list[Any]:
    documents: list[Any] = []
    for model in (MeetingLetter, Delivery):
        rows = model.objects.filter(party_id__in=party_ids, document__isnull=False)
        documents.extend(row.document for row in rows.select_related("document"))
    return documents


def subject_access_export(person: Person) -> bytes:
    """A zip: data.json (every record found), the PDFs of letters sent to the person and the
    files they sent us."""
    parties = list(_parties(person))
    party_ids = [party.pk for party in parties]
    data = {
        "exported_at": timezone.now(),
        "searched_for": {"email": person.email, "name": person.name},
        "note": "Check and redact details of other people before sending this to anyone.",
        "as_a_party_on_a_case": [
            {"case_reference": party.case.reference, **_row(party)} for party in parties
        ],
        "records_about_them_as_a_party": _rows_pointing_at_parties(party_ids),
        "as_the_caller_of_an_enquiry": [_row(enquiry) for enquiry in _enquiries(person)],
        "as_the_child_of_a_case": [_row(case) for case in _child_cases(person)],
        "messages_sent_to_them": [_row(message) for message in _messages(person)],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2))

        for upload in Upload.objects.filter(uploaded_by_party_id__in=party_ids):
            with storage().open(upload.stored_name, "rb") as stored:
                archive.writestr(f"files-they-sent/{upload.pk}-{upload.stored_name}", stored.read())
        for document in _documents_sent_to(party_ids):
            if document.pdf or document.stored_name:
                archive.writestr(
                    f"letters/{document.pk}-{document.kind}-v{document.version}.pdf",
                    document.pdf_bytes(),
                )
    return buffer.getvalue()
