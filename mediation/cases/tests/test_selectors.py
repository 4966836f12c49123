from __future__ import annotations

import pytest
from django.http import Http404

from mediation.accounts.models import User
from mediation.audit.models import AuditEvent
from mediation.cases import selectors, services
from mediation.cases.tests.factories import LocalAuthorityFactory, enquiry_data
from mediation.domain.case_states import CaseState, Route
from mediation.workflow import services as workflow_services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("case_officer_cal", True),
        ("case_officer_cleo", True),
        ("manager_sue", True),
        ("admin_ada", True),
        ("mediator_mia", True),
        ("mediator_max", False),
    ],
)
def test_who_can_see_a_case(cast, open_case, who, sees):
    user = cast[who]
    assert selectors.case_list_for_user(user=user).filter(pk=open_case.pk).exists() is sees
    if sees:
        assert selectors.access_case(user=user, reference=open_case.reference) == open_case
    else:
        with pytest.raises(Http404):
            selectors.access_case(user=user, reference=open_case.reference)


def test_refused_access_to_an_existing_case_is_audited(open_case, mediator_max):
    with pytest.raises(Http404):
        selectors.access_case(user=mediator_max, reference=open_case.reference)
    assert AuditEvent.objects.filter(
        verb="access.denied", case_id=open_case.pk, actor=mediator_max
    ).exists()


def test_missing_case_is_also_404_and_not_audited_as_a_case(mediator_max):
    with pytest.raises(Http404):
        selectors.access_case(user=mediator_max, reference="MED-2026-99999")
    assert not AuditEvent.objects.filter(verb="access.denied").exists()


@pytest.fixture
def three_cases(case_officer_cal, case_officer_cleo, local_authority):
    other_la = LocalAuthorityFactory(name="Eastmoor County Council", code="EMC")
    made = {}
    cases: list[tuple[str, dict[str, object], Route, User]] = [
        ("isla", {}, Route.MEDIATION, case_officer_cal),
        (
            "noah",
            {
                "child_first_name": "Noah",
                "child_last_name": "Adebayo",
                "caller_name": "Tunde Adebayo",
                "local_authority": other_la,
            },
            Route.CERTIFICATE_ONLY,
            case_officer_cleo,
        ),
        (
            "zara",
            {
                "child_first_name": "Zara",
                "child_last_name": "Osei",
                "caller_name": "Grace Osei",
                "decision_type": "other_disagreement",
                "notice_sent_on": None,
            },
            Route.DISAGREEMENT_RESOLUTION,
            case_officer_cal,
        ),
    ]
    for key, overrides, route, owner in cases:
        data = enquiry_data(local_authority)
        data.update(overrides)
        enquiry = services.enquiry_record(by=owner, data=data)
        made[key] = workflow_services.case_open_from_enquiry(
            enquiry=enquiry, route=route, owner=owner, by=owner
        )
    return made


def _refs(cases):
    return {case.reference for case in cases}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (selectors.CaseFilters(query="Adebayo"), {"noah"}),  # child's surname
        (selectors.CaseFilters(query="Tunde"), {"noah"}),  # parent's name
        (selectors.CaseFilters(query="grace osei"), {"zara"}),  # two words, any order of fields
        (selectors.CaseFilters(query="Eastmoor"), {"noah"}),  # LA name
        (selectors.CaseFilters(route="disagreement_resolution"), {"zara"}),
        (selectors.CaseFilters(status="certificate_due"), {"noah"}),
        (selectors.CaseFilters(query="nobody-like-this"), set()),
    ],
)
def test_case_search(three_cases, case_officer_cal, filters, expected):
    found = selectors.case_search(user=case_officer_cal, filters=filters)
    assert _refs(found) == {three_cases[k].reference for k in expected}


def test_search_by_reference(three_cases, case_officer_cal):
    reference = three_cases["noah"].reference
    found = selectors.case_search(
        user=case_officer_cal, filters=selectors.CaseFilters(query=reference)
    )
    assert _refs(found) == {reference}


def test_filter_by_owner_and_la(three_cases, case_officer_cal, case_officer_cleo):
    by_owner = selectors.case_search(
        user=case_officer_cal, filters=selectors.CaseFilters(owner_id=case_officer_cleo.pk)
    )
    assert _refs(by_owner) == {three_cases["noah"].reference}
    la = three_cases["isla"].local_authority
    by_la = selectors.case_search(
        user=case_officer_cal, filters=selectors.CaseFilters(local_authority_id=la.pk)
    )
    assert _refs(by_la) == {three_cases["isla"].reference, three_cases["zara"].reference}


def test_search_never_shows_a_mediator_unassigned_cases(three_cases, mediator_mia):
    found = selectors.case_search(user=mediator_mia, filters=selectors.CaseFilters(query="Adebayo"))
    assert list(found) == []


def test_my_work_lists_own_open_cases_newest_activity_first(three_cases, case_officer_cal):
    services.case_note_add(case=three_cases["isla"], by=case_officer_cal, text="latest")
    workflow_services.case_transition(
        case=three_cases["zara"], to_state=CaseState.CLOSED, by=case_officer_cal
    )
    work = list(selectors.my_work_for_user(user=case_officer_cal))
    assert [c.reference for c in work] == [three_cases["isla"].reference]


def test_my_work_for_a_mediator_is_their_assigned_cases(open_case, mediator_mia, mediator_max):
    assert list(selectors.my_work_for_user(user=mediator_mia)) == [open_case]
    assert list(selectors.my_work_for_user(user=mediator_max)) == []
