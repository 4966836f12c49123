"""Shared pieces of the caseload tests: a messy file as services would get it, and running the
background work the way the worker does."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from mediation.cases.tests.factories import LocalAuthorityFactory


@pytest.fixture
def authorities(local_authority):
    """Northfield (NFD) from the shared fixtures, and a second LA."""
    return {
        "NFD": local_authority,
        "WDL": LocalAuthorityFactory(name="Westdale County Council", code="WDL"),
    }


def future(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def messy_csv() -> bytes:
    """A caseload as an old system exports it: a title line, blank lines, extra spaces, its own
    headings, dates in four formats and an Excel serial number, an LA by name, saved by Excel in
    Windows-1252 with semicolons."""
    meeting = future(30).strftime("%d/%m/%Y")
    lines = [
        "Open cases at 1 December 2026;;;;",
        ";;;;",
        " Case Ref ; LA ; Type ;Decision; Child Forename ;Surname;DOB;Parent name;Relationship;"
        "Telephone;Email;Decision date;Date received;LA informed;Meeting;Mediation held;Outcome;"
        "Certificate date;Issues;All agreed",
        "  ABC-001 ;  Northfield ;Mediation;Refusal to assess;  Isla ;Whitfield;12/04/2016;"
        "Sarah  Whitfield;Mum;07700 900123;sarah@example.com;02/09/2026;2026-09-10;"
        "14 Sep 2026;;;;;Education;",
        ";;;;",
        "ABC-002;NFD;mediation;contents of plan;Tom;Jones;05/01/2012;Ann Jones;Mother;;"
        "ann@example.com;3.9.2026;46275;14/09/2026;12 October 2026;12 October 2026;"
        "agreement on all issues;14/10/2026;Education, Health;",
        "ABC-003;Westdale County Council;Certificate only;Refusal to amend;Zoe;Kaur;"
        "Tuesday 3 March 2015;Raj Kaur;Father;07700 900456;;1 Sept 2026;10/09/2026;;;;;;;",
        "ABC-004;WDL;DR;Other;Ben;Ali;1/2/2010;Amira Ali;Mother;07700 900789;;;15/10/2026;;"
        f"{meeting};;;;Social care;20/10/2026",
        "ABC-005;NFD;Mediation;Refusal to assess;Amy;Lee;01/01/2015;Kim Lee;Carer;07700 900111;;"
        "31/02/2026;10/09/2026;;;;;;;",
        "ABC-006;Atlantis;Mediation;Refusal to assess;Sam;Day;01/01/2015;Jo Day;Mother;07700 900222;"
        ";02/09/2026;10/09/2026;;;;;;;",
        ";;;;",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def messy_xlsx() -> bytes:
    """The same kind of caseload as a workbook: a merged title, merged group headings over the
    real ones, a blank row, dates as Excel dates, as serial numbers and as text."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = "Open cases"
    sheet["A1"] = "Open cases, Northfield"
    sheet.merge_cells("A1:M1")
    for cell, text, span in (
        ("A2", "Case", "A2:D2"),
        ("E2", "Child", "E2:G2"),
        ("H2", "Contact", "H2:J2"),
        ("K2", "Key dates", "K2:M2"),
    ):
        sheet[cell] = text
        sheet.merge_cells(span)
    sheet.append(
        ["Ref", "Local authority", "Route", "Decision", "First name", "Last name",
         "Date of birth", "Name", "Phone", "Email", "Decision notice sent", "First contact",
         "LA told"]
    )  # fmt: skip
    sheet.append([])
    sheet.append(
        ["X-1", "Northfield Borough Council", "Mediation", "Refusal to assess", "Isla",
         "Whitfield", date(2016, 4, 12), "Sarah Whitfield", 7700900123, "  sarah@example.com ",
         date(2026, 9, 2), 46275, "14/09/2026"]
    )  # fmt: skip
    sheet.append(
        ["X-2", "nfd", "mediation", "Contents of plan", "Tom", "Jones", 40913, "Ann Jones",
         "07700 900456", "", "3 September 2026", date(2026, 9, 10), None]
    )  # fmt: skip
    sheet.append(
        ["X-3", "NFD", "Mediation", "Refusal to assess", "Amy", "Lee", "1/1/2015", "Kim Lee",
         "07700 900111", "", "31/02/2026", date(2026, 9, 10), None]
    )  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_on_commit(callbacks) -> None:
    """Run what was queued on commit (the immediate task backend runs each task at once)."""
    for callback in callbacks:
        callback()
