"""A case whose meeting was held 30 days ago: the parent, the LA's officer and the health body's
officer attend as parties; the parent's supporter (who prefers letters) attends by right."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mediation.cases.models import Party
from mediation.workflow import services as workflow_services

TODAY = timezone.localdate()
HELD = TODAY - timedelta(days=30)


@pytest.fixture
def held_case(case_officer_cal, mediator_mia, local_authority):
    return make_held_case(case_officer_cal, mediator_mia, local_authority)


def make_held_case(case_officer_cal, mediator_mia, local_authority, *, held=HELD):
    from mediation.cases import services
    from mediation.cases.tests.factories import enquiry_data
    from mediation.domain.case_states import CaseState, Route, Step
    from mediation.workflow.services import case_take_step

    enquiry = services.enquiry_record(
        by=case_officer_cal,
        data=enquiry_data(
            local_authority,
            notice_sent_on=held - timedelta(days=15),
            received_at=timezone.now() - (TODAY - held) - timedelta(days=14),
        ),
    )
    case = workflow_services.case_open_from_enquiry(
        enquiry=enquiry,
        route=Route.MEDIATION,
        owner=case_officer_cal,
        by=case_officer_cal,
        issue_health=True,
    )
    case = services.case_assign_mediator(case=case, mediator=mediator_mia, by=case_officer_cal)
    for step, on, state in (
        (Step.INFORM_LA, held - timedelta(days=10), CaseState.MEDIATION_REQUESTED),
        (Step.BOOK_MEETING, held, CaseState.ARRANGING),
        (Step.RECORD_MEETING_HELD, held, CaseState.MEETING_BOOKED),
    ):
        case = case_take_step(
            case=case, step=step, by=case_officer_cal, data={"on": on}, expected_state=state
        )
    Party.objects.create(
        case=case,
        role="la_representative",
        name="Omar Hassan",
        organisation="Northfield Borough Council",
        email="omar.hassan@northfield.example.gov.uk",
        preferred_contact="email",
    )
    Party.objects.create(
        case=case,
        role="health_representative",
        name="Dr Priya Nair",
        email="priya.nair@icb.example.nhs.uk",
        preferred_contact="email",
    )
    Party.objects.create(
        case=case,
        role="supporter",
        supports=case.parties.get(role="parent_carer"),
        name="Grace Whitfield",
        address="12 Mill Lane\nNorthfield\nNF1 2AB",
        preferred_contact="letter",
    )
    case.refresh_from_db()
    return case


def write_statement(case, by, *, actions=(), outcome="agreed_all"):
    from mediation.outcomes import services

    services.statement_save(
        case=case, by=by, key_points="We talked about Isla's reading support.", outcome=outcome
    )
    made = []
    for what, kind, agreed_due, *who in actions:
        made.append(
            services.action_add(
                case=case,
                by=by,
                data={
                    "what": what,
                    "who": who[0] if who else "la",
                    "kind": kind,
                    "section": "F",
                    "agreed_due": agreed_due,
                },
            )
        )
    return made


def agree_all(case, by):
    from mediation.outcomes import selectors, services

    statement = selectors.statement_for_case(case)
    assert statement is not None
    for party in selectors.agreeing_parties(case):
        services.agreement_record(
            case=case,
            party=party,
            by=by,
            method="in_meeting",
            given_for_hash=statement.content_hash,
        )


@pytest.fixture
def final_case(held_case, mediator_mia):
    """The statement written with an assessment (2 weeks: overdue now) and a plan to make
    (5 weeks: due in 5 days), agreed by everyone and made final."""
    from mediation.outcomes import services

    write_statement(
        held_case,
        mediator_mia,
        actions=[
            ("Agree to carry out an EHC needs assessment", "assessment", None),
            ("Issue a draft EHC plan", "make_plan", None),
        ],
    )
    agree_all(held_case, mediator_mia)
    services.statement_finalise(case=held_case, by=mediator_mia)
    held_case.refresh_from_db()
    return held_case
