"""Cases taken to a certificate through the workflow, and reading PDFs as text."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

from mediation.cases import services
from mediation.cases.tests.factories import enquiry_data
from mediation.domain.case_states import Route, Step
from mediation.workflow import services as workflow_services
from mediation.workflow.services import case_take_step

LONDON = ZoneInfo("Europe/London")
# The family called on Thu 5 Nov 2026, three days after the LA's notice was sent (2 Nov).
CALLED_AT = datetime(2026, 11, 5, 10, 0, tzinfo=LONDON)
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=LONDON)  # tests travel here (a Friday)


def new_case(officer, authority, route, *, health=False, **overrides):
    data = enquiry_data(authority, received_at=CALLED_AT, **overrides)
    enquiry = services.enquiry_record(by=officer, data=data)
    return workflow_services.case_open_from_enquiry(
        enquiry=enquiry, route=route, owner=officer, by=officer, issue_health=health
    )


def take(case, step, by, **data):
    return case_take_step(case=case, step=step, by=by, data=data, expected_state=case.status)


def declined_certificate_case(officer, authority, *, adviser=None, on=date(2026, 11, 9), **kw):
    """Certificate without mediation: s55(4)."""
    case = new_case(officer, authority, Route.CERTIFICATE_ONLY, **kw)
    data = {"on": on}
    if adviser is not None:
        data["adviser"] = adviser
    return take(case, Step.ISSUE_CERTIFICATE, officer, **data)


def after_mediation_case(officer, authority):
    """Mediation held: s55(5)."""
    case = new_case(officer, authority, Route.MEDIATION)
    case = take(case, Step.INFORM_LA, officer, on=date(2026, 11, 6))
    case = take(case, Step.BOOK_MEETING, officer, on=date(2026, 11, 20))
    case = take(case, Step.RECORD_MEETING_HELD, officer, on=date(2026, 11, 20))
    case = take(case, Step.RECORD_OUTCOME, officer, on=date(2026, 11, 20), outcome="not_agreed")
    return take(case, Step.ISSUE_CERTIFICATE, officer, on=date(2026, 11, 24))


def deemed_case(officer, authority):
    """The LA cannot arrange mediation within 30 days: reg 39(3)."""
    case = new_case(officer, authority, Route.MEDIATION)
    case = take(case, Step.INFORM_LA, officer, on=date(2026, 11, 6))
    case = take(case, Step.RECORD_LA_UNABLE, officer, on=date(2026, 11, 23))
    return take(case, Step.ISSUE_CERTIFICATE, officer, on=date(2026, 11, 25))


def pdf_text(pdf: bytes | memoryview) -> str:
    """The PDF's text as pdftotext reads it, with runs of whitespace made single spaces."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=bytes(pdf), capture_output=True, check=True
    ).stdout.decode("utf-8")
    return " ".join(out.split())


def pdf_info(pdf: bytes | memoryview) -> dict[str, str]:
    """pdfinfo's fields (Title, Pages, Page size, Tagged...)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(bytes(pdf))
        file.flush()
        out = subprocess.run(["pdfinfo", file.name], capture_output=True, check=True).stdout.decode(
            "utf-8"
        )
    return {
        name.strip(): value.strip()
        for name, _, value in (line.partition(":") for line in out.splitlines())
    }
