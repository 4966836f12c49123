"""Many cases of one LA at once, for paging and query counts (written directly, quickly)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from mediation.cases import services as case_services
from mediation.cases.models import Case
from mediation.cases.tests.factories import enquiry_data
from mediation.deadlines.models import Deadline
from mediation.documents.models import Certificate, GeneratedDocument
from mediation.domain.case_states import Route
from mediation.domain.deadlines import agreed_action_code
from mediation.meetings.models import Meeting
from mediation.outcomes.models import AgreedAction, OutcomeStatement
from mediation.workflow.services import case_open_from_enquiry


def many_cases(
    authority, officer, count: int, *, with_meetings_and_actions: bool = False
) -> list[Case]:
    cases = []
    for number in range(count):
        enquiry = case_services.enquiry_record(
            by=officer, data=enquiry_data(authority, child_first_name=f"Child{number}")
        )
        case = case_open_from_enquiry(
            enquiry=enquiry, route=Route.MEDIATION, owner=officer, by=officer
        )
        if with_meetings_and_actions:
            _meeting_outcome_and_certificate(case, officer, number)
        cases.append(case)
    return cases


def _meeting_outcome_and_certificate(case: Case, officer, number: int) -> None:
    held = timezone.localdate() - timedelta(days=20)
    Meeting.objects.create(
        case=case,
        starts_at=timezone.now() - timedelta(days=20),
        mode="online",
        booked_by=officer,
    )
    statement = OutcomeStatement.objects.create(
        case=case,
        outcome="agreed_all",
        content_hash="0" * 64,
        created_by=officer,
        status=OutcomeStatement.Status.FINAL,
    )
    for position, kind in enumerate(("assessment", "make_plan"), start=1):
        action = AgreedAction.objects.create(
            statement=statement,
            case=case,
            position=position,
            what="Something agreed",
            who="la",
            kind=kind,
            section="F",
        )
        Deadline.objects.create(
            case=case,
            code=agreed_action_code(action.number),
            due=held + timedelta(days=14 * position),
            rule="SEND Regulations 2014 reg 42",
            runs_from="events.agreement_made",
            explanation="",
            position=20 + position,
        )
    document = GeneratedDocument.objects.create(
        case=case, kind="certificate", title="Certificate", version=1, html="", pdf=b"", sha256=""
    )
    Certificate.objects.create(
        case=case,
        kind="after_mediation",
        reference=f"CERT-2026-{number:05d}",
        verification_code="ABCD2345",
        issued_on=date(2026, 3, 1),
        issued_by=officer,
        document=document,
    )
