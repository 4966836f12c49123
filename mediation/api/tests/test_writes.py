"""The LA's writes go through the staff services: same rules, same words, recorded once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mediation.audit.models import AuditEvent
from mediation.cases.models import Case, CaseStatusChange, Party
from mediation.domain.dates import format_day
from mediation.outcomes.models import ActionVariation, AgreedAction
from mediation.parties.models import AuthorityConfirmation
from mediation.timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _only_error(response) -> dict:
    (error,) = response.json()["errors"]
    return error


def test_la_informed_takes_the_workflow_step_once(nfd_api, open_case):
    on = TODAY - timedelta(days=1)
    response = nfd_api.post(f"/cases/{open_case.reference}/la-informed", {"on": on.isoformat()})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "reference": open_case.reference,
        "changed": True,
        "summary": f"Recorded: the LA was told on {format_day(on)}.",
    }
    case = Case.objects.get(pk=open_case.pk)
    assert (case.la_informed_on, case.status) == (on, "arranging")
    change = CaseStatusChange.objects.filter(case=case).latest("id")
    assert (change.to_state, change.by) == ("arranging", None)
    line = TimelineEntry.objects.filter(case=case, summary__startswith="LA told").get()
    assert line.actor is None
    assert line.summary.endswith("(from Northfield Borough Council's case system, through the API)")
    step = AuditEvent.objects.get(verb="case.step.inform-la", case_id=case.pk)
    assert step.actor_id is None and step.actor_role.startswith("api:token:")

    again = nfd_api.post(f"/cases/{open_case.reference}/la-informed", {"on": on.isoformat()})
    assert again.status_code == 200 and again.json()["changed"] is False
    assert TimelineEntry.objects.filter(case=case, summary__startswith="LA told").count() == 1
    assert AuditEvent.objects.filter(verb="case.step.inform-la").count() == 1

    other = nfd_api.post(f"/cases/{open_case.reference}/la-informed", {"on": TODAY.isoformat()})
    assert other.status_code == 409
    assert _only_error(other) == {
        "field": None,
        "message": f"The LA is already recorded as told on {format_day(on)}. If that is "
        "wrong, ask the service to correct it.",
    }


def test_la_informed_refuses_a_future_date_and_a_case_past_that_stage(
    nfd_api, open_case, final_case
):
    future = nfd_api.post(
        f"/cases/{open_case.reference}/la-informed",
        {"on": (TODAY + timedelta(days=3)).isoformat()},
    )
    assert future.status_code == 400
    assert _only_error(future)["message"] == (
        "The date the LA was told must be today or in the past."
    )
    assert Case.objects.get(pk=open_case.pk).la_informed_on is None
    # final_case was informed by the staff already, on another day.
    late = nfd_api.post(f"/cases/{final_case.reference}/la-informed", {"on": TODAY.isoformat()})
    assert late.status_code == 409


def test_bad_bodies_are_plain_400s_with_the_field(nfd_api, open_case):
    for body, field in (
        ({}, "on"),
        ({"on": "31/02/2026"}, "on"),
        ({"on": "2026-02-31"}, "on"),
    ):
        response = nfd_api.post(f"/cases/{open_case.reference}/la-informed", body)
        assert response.status_code == 400, body
        assert _only_error(response)["field"] == field
    broken = nfd_api.client.post(
        f"/api/v1/cases/{open_case.reference}/la-informed",
        "{not json",
        content_type="application/json",
        **nfd_api.headers,
    )
    assert broken.status_code == 400
    assert broken.json()["errors"]


def test_the_la_names_its_attendee_once(nfd_api, final_case):
    body = {
        "name": "Priya Shah",
        "email": "Priya.Shah@northfield.example.gov.uk",
        "issues": ["education"],
        "confirmed_on": TODAY.isoformat(),
    }
    response = nfd_api.post(f"/cases/{final_case.reference}/attendee", body)
    assert response.status_code == 200, response.content
    assert response.json()["changed"] is True
    attendee = Party.objects.get(case=final_case, email="priya.shah@northfield.example.gov.uk")
    assert attendee.role == "la_representative"
    confirmation = AuthorityConfirmation.objects.get(party=attendee)
    assert (confirmation.issue, confirmation.recorded_by) == ("education", None)
    assert nfd_api.post(f"/cases/{final_case.reference}/attendee", body).json()["changed"] is False
    assert AuthorityConfirmation.objects.filter(party=attendee).count() == 1
    assert (
        TimelineEntry.objects.filter(case=final_case, summary__contains="Priya Shah").count() == 2
    )
    widened = nfd_api.post(
        f"/cases/{final_case.reference}/attendee", {**body, "issues": ["education", "social_care"]}
    )
    assert widened.json()["changed"] is True
    assert AuthorityConfirmation.objects.filter(party=attendee).count() == 2


def test_attendee_input_is_checked(nfd_api, final_case):
    base = {"name": "Priya Shah", "issues": ["education"], "confirmed_on": TODAY.isoformat()}
    for body, field in (
        ({**base, "issues": ["health"]}, "issues.0"),
        ({**base, "issues": []}, "issues"),
        ({**base, "name": ""}, "name"),
    ):
        response = nfd_api.post(f"/cases/{final_case.reference}/attendee", body)
        assert response.status_code == 400, body
        assert _only_error(response)["field"] == field
    bad_email = nfd_api.post(f"/cases/{final_case.reference}/attendee", {**base, "email": "x@"})
    assert bad_email.status_code == 400
    assert _only_error(bad_email)["message"] == "Enter an email address like name@example.gov.uk."
    future = nfd_api.post(
        f"/cases/{final_case.reference}/attendee",
        {**base, "confirmed_on": (TODAY + timedelta(days=1)).isoformat()},
    )
    assert future.status_code == 400
    assert (
        _only_error(future)["message"] == "The date of confirmation must be today or in the past."
    )


def _actions(case):
    return list(AgreedAction.objects.filter(case=case).order_by("position"))


def test_the_la_reports_its_action_done_once(nfd_api, final_case):
    la_action, school_action = _actions(final_case)
    path = f"/cases/{final_case.reference}/actions/{la_action.pk}/done"
    body = {"done_on": TODAY.isoformat(), "evidence": "Assessment started: letter of 3 March"}
    response = nfd_api.post(path, body)
    assert response.status_code == 200, response.content
    la_action.refresh_from_db()
    assert (la_action.done_on, la_action.done_recorded_by) == (TODAY, None)
    assert la_action.done_evidence == "Assessment started: letter of 3 March"
    assert nfd_api.post(path, body).json()["changed"] is False
    assert AuditEvent.objects.filter(verb="outcome.action_done").count() == 1
    changed = nfd_api.post(path, {**body, "done_on": (TODAY - timedelta(days=1)).isoformat()})
    assert changed.status_code == 409
    read = nfd_api.get(f"/cases/{final_case.reference}").json()
    assert read["agreed_actions"][0]["status"] in {"done", "done_late"}

    school = nfd_api.post(f"/cases/{final_case.reference}/actions/{school_action.pk}/done", body)
    assert school.status_code == 403
    assert _only_error(school)["message"] == (
        "This action is for the school or setting, not the local authority: tell the service "
        "about it instead."
    )


def test_the_same_rules_as_the_staff_page(nfd_api, final_case):
    la_action = _actions(final_case)[0]
    path = f"/cases/{final_case.reference}/actions/{la_action.pk}/done"
    future = nfd_api.post(
        path, {"done_on": (TODAY + timedelta(days=2)).isoformat(), "evidence": "Started"}
    )
    assert future.status_code == 400
    # The fact rules' words, as the staff page shows them beside the date.
    assert "was done must be today or earlier" in _only_error(future)["message"]
    blank = nfd_api.post(path, {"done_on": TODAY.isoformat(), "evidence": "   "})
    assert blank.status_code == 400
    assert _only_error(blank)["message"] == "Say how you know it was done."


def test_the_la_reports_a_new_date_agreed_in_writing_once(nfd_api, final_case):
    la_action = _actions(final_case)[0]
    path = f"/cases/{final_case.reference}/actions/{la_action.pk}/new-date"
    new_due = TODAY + timedelta(days=21)
    body = {
        "new_due": new_due.isoformat(),
        "agreed_in_writing_on": TODAY.isoformat(),
        "reason": "The family agreed by email to allow the educational psychologist's visit.",
    }
    response = nfd_api.post(path, body)
    assert response.status_code == 200, response.content
    assert nfd_api.post(path, body).json()["changed"] is False
    variation = ActionVariation.objects.get(action=la_action)
    assert (variation.new_due, variation.by) == (new_due, None)
    read = nfd_api.get(f"/cases/{final_case.reference}").json()["agreed_actions"][0]
    assert read["new_date_agreed"] is True and read["due"] == new_due.isoformat()


def test_an_action_of_a_draft_statement_or_another_case_is_not_found(
    nfd_api, final_case, open_case
):
    la_action = _actions(final_case)[0]
    response = nfd_api.post(
        f"/cases/{open_case.reference}/actions/{la_action.pk}/done",
        {"done_on": TODAY.isoformat(), "evidence": "Started"},
    )
    assert response.status_code == 404
    assert "no such agreed action" in _only_error(response)["message"]
