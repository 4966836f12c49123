"""A case ready for a meeting: LA told, with an LA officer, a health body officer and a supporter
who prefers letters, plus helpers to offer slots relative to today."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.utils import timezone

from mediation.cases.models import Party


def at(day, hour=10, minute=0):
    return datetime.combine(day, time(hour, minute), timezone.get_current_timezone())


def working_days_from_today(days):
    from mediation.deadlines.clocks import service_calendar

    return service_calendar().add_working_days(timezone.localdate(), days)


@pytest.fixture
def arranging_case(open_case, case_officer_cal):
    from mediation.domain.case_states import CaseState, Step
    from mediation.workflow.services import case_take_step

    case = case_take_step(
        case=open_case,
        step=Step.INFORM_LA,
        by=case_officer_cal,
        data={"on": timezone.localdate()},
        expected_state=CaseState.MEDIATION_REQUESTED,
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
    # The parent's supporter attends by right (reg 38(1)(b)), so is invited.
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


@pytest.fixture
def slot(arranging_case, case_officer_cal):
    from mediation.meetings import services

    return services.slot_offer_add(
        case=arranging_case,
        by=case_officer_cal,
        starts_at=at(working_days_from_today(10)),
        duration_minutes=120,
        mode="online",
    )


ONLINE = {"online_link": "https://meet.example.org/mediation-4821"}
