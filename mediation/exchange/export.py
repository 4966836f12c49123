"""The caseload as a spreadsheet: the import's own columns (mediation.exchange.columns), so a file
exported here imports back unchanged, here or into another installation, and nothing is locked in.

Dates are written as ISO dates (2026-03-03) in a CSV file and as real dates in a workbook; the
words are the labels people read ("Mediation", "Meeting booked"). A CSV cell that a spreadsheet
would run as a formula (it starts with = + - or @) gets an apostrophe in front, which the import
takes off again (mediation.exchange.parsing.as_text).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mediation.authorities.models import LocalAuthority
from mediation.cases.models import (
    OPEN_CASE,
    CallerType,
    Case,
    ContactPreference,
    Outcome,
    Party,
    PartyRole,
)
from mediation.documents.models import Certificate
from mediation.domain.case_states import ROUTE_LABELS, STATE_LABELS, CaseState, Route
from mediation.domain.decisions import DECISION_LABELS, DecisionType
from mediation.exchange.columns import COLUMNS, EARLIER_REFERENCE_HEADING
from mediation.exchange.models import ImportedCase

HEADINGS = [column.heading for column in COLUMNS] + [EARLIER_REFERENCE_HEADING]

_CALLER_OF_ROLE = {
    PartyRole.PARENT_CARER: CallerType.PARENT_CARER.label,
    PartyRole.YOUNG_PERSON: CallerType.YOUNG_PERSON.label,
    PartyRole.OTHER_CALLER: CallerType.ON_BEHALF.label,
    PartyRole.REPRESENTATIVE: CallerType.ON_BEHALF.label,
}


def caseload_cases(
    *, authority: LocalAuthority | None = None, open_only: bool = True
) -> QuerySet[Case]:
    """The cases an export holds, with everything a row needs read in a fixed number of
    queries (the main contact, the current certificate, the earlier reference)."""
    cases = Case.objects.select_related("local_authority", "owner", "mediator", "enquiry")
    if open_only:
        cases = cases.filter(OPEN_CASE)
    if authority is not None:
        cases = cases.filter(local_authority=authority)
    return cases.order_by("reference").prefetch_related(
        Prefetch(
            "parties",
            queryset=Party.objects.filter(is_main_contact=True).order_by("id"),
            to_attr="main_contacts",
        ),
        Prefetch(
            "certificates",
            queryset=Certificate.objects.filter(revoked_at__isnull=True),
            to_attr="current_certificates",
        ),
        "imported_from",
    )


def _issues(case: Case) -> str:
    return ", ".join(
        label
        for flag, label in (
            (case.issue_education, "Education"),
            (case.issue_health, "Health"),
            (case.issue_social_care, "Social care"),
        )
        if flag
    )


def _person(user: Any) -> str:
    return (user.email or user.username) if user is not None else ""


def _first_contact(case: Case) -> date | None:
    """The day the family first contacted the adviser: as recorded on the case, else the day
    of the enquiry the case was opened from."""
    if case.adviser_contacted_on is not None or case.enquiry is None:
        return case.adviser_contacted_on
    return timezone.localdate(case.enquiry.received_at)


def case_values(case: Case) -> dict[str, Any]:
    """One case as the caseload's columns (key -> value; dates as dates)."""
    contacts: list[Party] = getattr(case, "main_contacts", [])
    contact = contacts[0] if contacts else None
    certificates: list[Certificate] = getattr(case, "current_certificates", [])
    outcome_on = case.mediation_concluded_on if case.route == Route.MEDIATION else None
    return {
        "reference": case.reference,
        "local_authority": case.local_authority.code,
        "route": ROUTE_LABELS[Route(case.route)],
        "stage": STATE_LABELS[CaseState(case.status)],
        "decision": DECISION_LABELS[DecisionType(case.decision_type)],
        "section_i_only": "Yes" if case.section_i_only else "No",
        "issues": _issues(case),
        "child_first_name": case.child_first_name,
        "child_last_name": case.child_last_name,
        "child_date_of_birth": case.child_date_of_birth,
        "child_setting": case.child_setting,
        "contact_role": _CALLER_OF_ROLE.get(PartyRole(contact.role), "") if contact else "",
        "contact_name": contact.name if contact else "",
        "contact_relationship": contact.relationship if contact else "",
        "contact_phone": contact.phone if contact else "",
        "contact_email": contact.email if contact else "",
        "contact_address": contact.address if contact else "",
        "contact_preferred": ContactPreference(contact.preferred_contact).label if contact else "",
        "owner": _person(case.owner),
        "mediator": _person(case.mediator),
        "first_contact_on": _first_contact(case),
        "notice_sent_on": case.notice_sent_on,
        "letter_dated_on": case.letter_dated_on,
        "mediation_declined_on": case.mediation_declined_on,
        "la_informed_on": case.la_informed_on,
        "health_body_notified_on": case.health_body_notified_on,
        "la_unable_on": case.la_unable_to_arrange_notified_on,
        "everyone_agreed_on": case.everyone_agreed_on,
        "meeting_on": case.meeting_planned_on,
        "meeting_confirmation_sent_on": case.meeting_confirmation_sent_on,
        "meeting_held_on": case.mediation_held_on,
        "outcome": Outcome(case.outcome).label if case.outcome else "",
        "outcome_on": outcome_on,
        "outcome_circulated_on": case.outcome_circulated_on,
        "certificate_issued_on": case.certificate_issued_on,
        "certificate_reference": certificates[0].reference if certificates else "",
    }


def _earlier_reference(case: Case) -> str:
    try:
        return case.imported_from.source_reference
    except ImportedCase.DoesNotExist:
        return ""


def caseload_rows(cases: Iterable[Case]) -> Iterator[list[Any]]:
    """The heading row, then one row a case, in the columns' order."""
    yield list(HEADINGS)
    for case in cases:
        values = case_values(case)
        yield [values[column.key] for column in COLUMNS] + [_earlier_reference(case)]


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    # A spreadsheet runs a cell starting with one of these as a formula: make it text.
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([_csv_text(value) for value in row])


def xlsx_bytes(rows: Iterable[list[Any]], *, title: str = "Caseload") -> bytes:
    """A workbook with one sheet: headings in bold, dates as dates (shown day/month/year),
    every text cell stored as text (never run as a formula)."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one sheet
    sheet.title = title[:31]
    for row_number, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            cell = sheet.cell(row=row_number, column=index + 1)
            if row_number == 1:
                cell.value = value
                cell.font = Font(bold=True)
            elif isinstance(value, date):
                cell.value = value
                cell.number_format = "dd/mm/yyyy"
            elif value in (None, ""):
                continue
            else:
                cell.value = str(value)
                cell.data_type = "s"  # text, even if it starts with "="
    sheet.freeze_panes = "A2"
    for index, heading in enumerate(HEADINGS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(heading) + 4))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
