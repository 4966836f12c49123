"""Known activities made straight in the database, with exactly the dates a test needs.

The billing rules read recorded facts (an enquiry closed as information given, a certificate, a
case's meeting-held date, a meeting's cancellation), so the tests write those facts directly;
test_workflow_integration.py checks the same rules on cases taken through the real workflow.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mediation.cases.models import Case, CertificateKind, Enquiry
from mediation.cases.tests.factories import enquiry_data
from mediation.documents.models import Certificate, DocumentKind, GeneratedDocument
from mediation.domain.case_states import CaseState, Route
from mediation.invoicing.models import Activity, Tariff
from mediation.meetings.models import Meeting, MeetingChange

LONDON = ZoneInfo("Europe/London")
_numbers = itertools.count(1)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def information_call(authority, by, day: date, *, hour: int = 10, closed: bool = True) -> Enquiry:
    data = enquiry_data(authority)
    data.pop("local_authority")
    return Enquiry.objects.create(
        reference=f"ENQ-{day.year}-9{next(_numbers):04d}",
        status=Enquiry.Status.CLOSED if closed else Enquiry.Status.OPEN,
        received_at=at(day, hour),
        local_authority=authority,
        created_by=by,
        **data,
    )


def case(authority, owner, route: Route, **fields) -> Case:
    number = next(_numbers)
    return Case.objects.create(
        reference=fields.pop("reference", f"MED-2026-8{number:04d}"),
        route=route.value,
        status=fields.pop("status", CaseState.CONCLUDED.value),
        local_authority=authority,
        owner=owner,
        child_first_name="Test",
        child_last_name=f"Child{number}",
        child_date_of_birth=date(2015, 1, 1),
        decision_type="refuse_assessment",
        **fields,
    )


def mediation(authority, owner, held_on: date, **fields) -> Case:
    return case(authority, owner, Route.MEDIATION, mediation_held_on=held_on, **fields)


def disagreement_resolution(authority, owner, held_on: date) -> Case:
    return case(authority, owner, Route.DISAGREEMENT_RESOLUTION, mediation_held_on=held_on)


def certificate(
    authority, owner, issued_on: date, kind: str = CertificateKind.DECLINED, *, revoked=False
) -> Certificate:
    the_case = case(
        authority,
        owner,
        Route.CERTIFICATE_ONLY,
        status=CaseState.CERTIFICATE_ISSUED.value,
        certificate_issued_on=issued_on,
        certificate_kind=kind,
    )
    document = GeneratedDocument.objects.create(
        case=the_case,
        kind=DocumentKind.CERTIFICATE,
        title="Certificate",
        version=1,
        html="",
        pdf=b"",
        sha256="0" * 64,
    )
    return Certificate.objects.create(
        case=the_case,
        kind=kind,
        reference=f"CERT-{issued_on.year}-7{next(_numbers):04d}",
        verification_code="ABCD2345",
        issued_on=issued_on,
        issued_by=owner,
        document=document,
        revoked_at=at(issued_on) if revoked else None,
        revoked_by=owner if revoked else None,
        revoke_reason="Issued in error" if revoked else "",
    )


def cancelled_meeting(authority, owner, *, cancelled_on: date, meeting_on: date) -> Meeting:
    the_case = case(authority, owner, Route.MEDIATION, status=CaseState.ARRANGING.value)
    meeting = Meeting.objects.create(
        case=the_case,
        status=Meeting.Status.CANCELLED,
        sequence=1,
        starts_at=at(meeting_on),
        mode="online",
        booked_by=owner,
        booked_at=at(cancelled_on - timedelta(days=20)),
    )
    MeetingChange.objects.create(
        meeting=meeting,
        kind=MeetingChange.Kind.CANCELLED,
        sequence=1,
        old_starts_at=meeting.starts_at,
        by=owner,
        at=at(cancelled_on, 15),
    )
    return meeting


def tariff(
    authority,
    by,
    activity: str,
    pence: int,
    *,
    vat_bp: int = 0,
    start: date = date(2020, 1, 1),
    end: date | None = None,
    notice: int | None = None,
) -> Tariff:
    if activity == Activity.CANCELLED_MEETING and notice is None:
        notice = 2
    return Tariff.objects.create(
        local_authority=authority,
        activity=activity,
        unit_price_pence=pence,
        vat_rate_bp=vat_bp,
        notice_working_days=notice,
        effective_from=start,
        effective_to=end,
        created_by=by,
    )


def standard_tariffs(authority, by, *, vat_bp: int = 2000) -> dict[str, Tariff]:
    """A contract: £45 a call, £120 a certificate, £650 a mediation, £525 a DR meeting and
    £150 a meeting cancelled with 2 working days' notice or less; VAT at 20%."""
    prices = {
        Activity.INFORMATION_CALL: 4500,
        Activity.CERTIFICATE_ONLY: 12000,
        Activity.MEDIATION: 65000,
        Activity.DISAGREEMENT_RESOLUTION: 52500,
        Activity.CANCELLED_MEETING: 15000,
    }
    return {
        activity: tariff(authority, by, activity, pence, vat_bp=vat_bp)
        for activity, pence in prices.items()
    }
