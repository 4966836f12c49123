"""The workflow in pages: offered steps only, short forms with clear errors, confirmation for
steps that cannot be undone, stale pages, allocation, private notes and related cases."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from conftest import login
from mediation.cases import selectors as case_selectors
from mediation.cases import services
from mediation.cases.models import Case, CaseLink, MediatorConflict, MediatorNote
from mediation.cases.tests.factories import LocalAuthorityFactory, enquiry_data
from mediation.domain.case_states import CaseState, Route, Step
from mediation.workflow import services as workflow_services

pytestmark = pytest.mark.django_db


def step_url(case, step):
    return reverse("cases:step", args=[case.reference, step])


def date_post(prefix, day, month, year):
    return {f"{prefix}_day": str(day), f"{prefix}_month": str(month), f"{prefix}_year": str(year)}


def test_case_page_offers_only_the_steps_allowed_now(client, case_officer_cal, open_case):
    login(client, case_officer_cal)
    html = client.get(reverse("cases:detail", args=[open_case.reference])).content.decode()
    assert "Record that the LA has been told the family wants mediation" in html
    assert "The family no longer wants mediation" in html
    assert "Record that the meeting took place" not in html
    assert "Record that the certificate was issued" not in html


def test_taking_a_step_from_the_page(client, case_officer_cal, open_case):
    login(client, case_officer_cal)
    response = client.post(
        step_url(open_case, "inform-la"),
        {"expected_state": "mediation_requested", **date_post("on", 4, 11, 2026)},
    )
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == CaseState.ARRANGING


@pytest.mark.parametrize(
    ("step", "post", "message"),
    [
        ("inform-la", {}, "Enter the date the LA was told"),
        ("inform-la", date_post("on", 1, 1, 2099), "must be today or in the past"),
        (
            "inform-la",
            date_post("on", 1, 10, 2026),
            "The date the LA was told the family wants mediation must be on or after the day the "
            "decision letter was sent, Monday 2 November 2026.",
        ),
        ("inform-la", date_post("on", 30, 2, 2026), "must be a real date"),
        ("close", {"reason": "x"}, "Select why the case is closing"),
        ("close", {"closure_outcome": "completed"}, "Add a short note"),
        ("family-withdraws", {}, "Enter the date the family told us"),
    ],
)
def test_step_forms_reject_bad_input(client, case_officer_cal, open_case, step, post, message):
    login(client, case_officer_cal)
    response = client.post(
        step_url(open_case, step), {"expected_state": "mediation_requested", **post}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    open_case.refresh_from_db()
    assert open_case.status == CaseState.MEDIATION_REQUESTED


def test_meetings_are_booked_and_cancelled_only_on_the_meeting_page(
    client, case_officer_cal, open_case
):
    """The step form would change the case's date without a meeting, invitations or calls:
    the case page links to the meeting page, and the step's address sends people there."""
    workflow_services.case_transition(
        case=open_case, to_state=CaseState.ARRANGING, by=case_officer_cal
    )
    login(client, case_officer_cal)
    meeting_page = reverse("meetings:slots", args=[open_case.reference])
    case_page = client.get(reverse("cases:detail", args=[open_case.reference])).content.decode()
    assert f'href="{meeting_page}">Book the meeting</a>' in case_page
    assert step_url(open_case, "book-meeting") not in case_page
    for method in (client.get, client.post):
        response = method(
            step_url(open_case, "book-meeting"),
            {"expected_state": "arranging", **date_post("on", 1, 12, 2027)},
        )
        assert response.status_code == 302 and response.url == meeting_page
    open_case.refresh_from_db()
    assert open_case.status == CaseState.ARRANGING
    assert open_case.meeting_planned_on is None


def test_irreversible_steps_ask_for_confirmation_first(client, case_officer_cal, open_case):
    login(client, case_officer_cal)
    post = {
        "expected_state": "mediation_requested",
        "closure_outcome": "withdrawn",
        "reason": "Family withdrew",
    }
    response = client.post(step_url(open_case, "close"), post)
    assert response.status_code == 302 and response.url.endswith("?check")
    page = client.get(response.url).content.decode()
    # GOV.UK "check your answers": each answer with a Change link, a Back link, and the truth
    # about closing (it can be reopened), never "cannot be undone".
    assert "Check your answers: close the case" in page
    assert "Family withdrew" in page and "Family withdrew (withdrawn)" not in page
    assert f'href="{step_url(open_case, "close")}?change=reason#id_reason"' in page
    assert f'href="{step_url(open_case, "close")}?change" class="govuk-back-link"' in page
    assert "It can be reopened later if needed" in page
    assert "cannot be undone" not in page
    open_case.refresh_from_db()
    assert open_case.status == CaseState.MEDIATION_REQUESTED
    # Change: the form again, with the answers given.
    form = client.get(step_url(open_case, "close") + "?change=reason").content.decode()
    assert "Family withdrew</textarea>" in form and "There is a problem" not in form
    response = client.post(
        step_url(open_case, "close"), {"expected_state": "mediation_requested", "confirmed": "yes"}
    )
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.status == CaseState.CLOSED
    page = client.get(response.url).content.decode()
    assert "Case closed. It can be reopened from the case page if needed" in page


def test_confirming_without_the_answers_kept_asks_for_them_again(
    client, case_officer_cal, open_case
):
    login(client, case_officer_cal)
    response = client.post(
        step_url(open_case, "close"),
        {"expected_state": "mediation_requested", "confirmed": "yes"},
        follow=True,
    )
    assert "Your answers were not kept. Enter them again." in response.content.decode()
    open_case.refresh_from_db()
    assert open_case.status == CaseState.MEDIATION_REQUESTED


def test_a_stale_page_gets_a_clear_message_and_changes_nothing(client, case_officer_cal, open_case):
    workflow_services.case_transition(
        case=open_case, to_state=CaseState.ARRANGING, by=case_officer_cal
    )
    login(client, case_officer_cal)
    # A second tab still showing the case as "mediation requested".
    response = client.post(
        step_url(open_case, "family-withdraws"),
        {"expected_state": "mediation_requested", **date_post("on", 10, 11, 2026)},
        follow=True,
    )
    assert "Someone else changed this case" in response.content.decode()
    open_case.refresh_from_db()
    assert open_case.status == CaseState.ARRANGING and open_case.mediation_declined_on is None


def test_a_step_not_possible_now_explains_why(client, case_officer_cal, local_authority):
    enquiry = services.enquiry_record(
        by=case_officer_cal,
        data=enquiry_data(local_authority, decision_type="other_disagreement", notice_sent_on=None),
    )
    case = workflow_services.case_open_from_enquiry(
        enquiry=enquiry,
        route=Route.DISAGREEMENT_RESOLUTION,
        owner=case_officer_cal,
        by=case_officer_cal,
    )
    login(client, case_officer_cal)
    html = client.get(step_url(case, "book-meeting")).content.decode()
    assert "Record that everyone agrees to take part first" in html
    response = client.post(step_url(case, "book-meeting"), {"expected_state": "consent_sought"})
    assert response.status_code == 409


def test_unknown_step_is_404(client, case_officer_cal, open_case):
    login(client, case_officer_cal)
    assert client.get(step_url(open_case, "teleport")).status_code == 404


def test_the_assigned_mediator_records_the_meeting_but_not_the_certificate(
    client, mediator_mia, open_case, case_officer_cal
):
    workflow_services.case_transition(
        case=open_case, to_state=CaseState.ARRANGING, by=case_officer_cal
    )
    workflow_services.case_transition(
        case=open_case, to_state=CaseState.MEETING_BOOKED, by=case_officer_cal
    )
    login(client, mediator_mia)
    assert client.get(step_url(open_case, "meeting-held")).status_code == 200
    assert client.get(step_url(open_case, "close")).status_code == 403


# Allocation ------------------------------------------------------------------------------------


def test_manager_assigns_an_independent_mediator(client, manager_sue, mediator_max, open_case):
    login(client, manager_sue)
    page = client.get(reverse("cases:assign-mediator", args=[open_case.reference])).content.decode()
    assert "Max Mediator" in page and "Open cases" in page
    response = client.post(
        reverse("cases:assign-mediator", args=[open_case.reference]),
        {"mediator": str(mediator_max.pk)},
    )
    assert response.status_code == 302
    open_case.refresh_from_db()
    assert open_case.mediator == mediator_max


@pytest.mark.parametrize(
    "reason", ["employed_by_la", "health_body", "conflict_la", "conflict_school", "conflict_family"]
)
def test_a_mediator_who_is_not_independent_is_refused(
    client, manager_sue, mediator_max, open_case, reason
):
    if reason == "employed_by_la":
        mediator_max.employed_by_authorities.add(open_case.local_authority)
        expected = "is employed by Northfield Borough Council"
    elif reason == "health_body":
        mediator_max.employed_by_health_body = True
        mediator_max.save()
        expected = "cannot mediate health issues"
    else:
        field = {
            "conflict_la": {"local_authority": open_case.local_authority},
            "conflict_school": {"setting_name": "hollybank primary school"},
            "conflict_family": {"family_name": "Whitfield"},
        }[reason]
        MediatorConflict.objects.create(mediator=mediator_max, created_by=manager_sue, **field)
        expected = "has a recorded conflict"
    login(client, manager_sue)
    response = client.post(
        reverse("cases:assign-mediator", args=[open_case.reference]),
        {"mediator": str(mediator_max.pk)},
    )
    assert response.status_code == 400
    assert expected in response.content.decode()
    open_case.refresh_from_db()
    assert open_case.mediator != mediator_max


def test_a_mediator_of_another_la_is_not_refused(manager_sue, mediator_max, open_case):
    mediator_max.employed_by_authorities.add(LocalAuthorityFactory())
    assert case_selectors.mediator_refusal(case=open_case, mediator=mediator_max) is None


# Private mediator notes ------------------------------------------------------------------------


def test_private_notes_are_for_the_assigned_mediator_only(
    client, mediator_mia, manager_sue, open_case
):
    login(client, mediator_mia)
    url = reverse("cases:mediator-notes", args=[open_case.reference])
    assert client.post(url, {"text": ""}).status_code == 400
    assert (
        client.post(url, {"text": "Father seemed anxious about the LA officer"}).status_code == 302
    )
    assert "Father seemed anxious" in client.get(url).content.decode()
    login(client, manager_sue)
    assert client.get(url).status_code == 404
    page = client.get(reverse("cases:detail", args=[open_case.reference])).content.decode()
    assert "Father seemed anxious" not in page
    assert MediatorNote.objects.count() == 1


# Related cases ---------------------------------------------------------------------------------


def test_linking_related_cases(client, case_officer_cal, open_case, local_authority):
    sibling_enquiry = services.enquiry_record(
        by=case_officer_cal, data=enquiry_data(local_authority, child_first_name="Noah")
    )
    sibling = workflow_services.case_open_from_enquiry(
        enquiry=sibling_enquiry, route=Route.MEDIATION, owner=case_officer_cal, by=case_officer_cal
    )
    login(client, case_officer_cal)
    url = reverse("cases:link-add", args=[open_case.reference])
    assert (
        "No case has that reference"
        in client.post(url, {"reference": "MED-1999-00001", "kind": "sibling"}).content.decode()
    )
    assert (
        "cannot be linked to itself"
        in client.post(url, {"reference": open_case.reference, "kind": "sibling"}).content.decode()
    )
    assert client.post(url, {"reference": sibling.reference, "kind": "sibling"}).status_code == 302
    assert (
        "already linked"
        in client.post(url, {"reference": sibling.reference, "kind": "sibling"}).content.decode()
    )
    other_page = client.get(reverse("cases:detail", args=[sibling.reference])).content.decode()
    assert open_case.reference in other_page and "Brother or sister" in other_page
    assert CaseLink.objects.count() == 1
    assert Case.objects.count() == 2


@time_machine.travel("2026-12-07 10:00 +0000", tick=False)  # a Monday
def test_a_meeting_booked_ahead_cannot_be_recorded_as_held_from_the_page(
    client, case_officer_cal, open_case
):
    case = workflow_services.case_take_step(
        case=open_case,
        step=Step.INFORM_LA,
        by=case_officer_cal,
        data={"on": date(2026, 11, 4)},
        expected_state=CaseState.MEDIATION_REQUESTED,
    )
    case = workflow_services.case_take_step(
        case=case,
        step=Step.BOOK_MEETING,
        by=case_officer_cal,
        data={"on": date(2026, 12, 15)},
        expected_state=CaseState.ARRANGING,
    )
    login(client, case_officer_cal)
    not_yet = (
        "Not yet: the meeting is booked for Tuesday 15 December 2026. "
        "If it took place on another day, move the meeting first."
    )
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert not_yet in page
    response = client.post(
        step_url(case, "meeting-held"),
        {"expected_state": "meeting_booked", **date_post("on", 7, 12, 2026)},
    )
    assert response.status_code == 409
    assert not_yet in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseState.MEETING_BOOKED and case.mediation_held_on is None
