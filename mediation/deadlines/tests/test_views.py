from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from conftest import login
from mediation.cases import services as case_services
from mediation.cases.models import Case
from mediation.deadlines.models import ClosureDay
from mediation.domain.case_states import Step
from mediation.workflow import services as workflow_services
from mediation.workflow.tests.steps import take

pytestmark = pytest.mark.django_db


def _key_dates_post(case, **overrides):
    data: dict[str, Any] = {}
    for name in [
        "notice_sent_on",
        "adviser_contacted_on",
        "mediation_declined_on",
        "la_informed_on",
        "health_body_notified_on",
        "la_unable_to_arrange_notified_on",
        "meeting_planned_on",
        "meeting_confirmation_sent_on",
        "mediation_held_on",
        "mediation_concluded_on",
        "outcome_circulated_on",
        "certificate_issued_on",
        "agreement_made_on",
    ]:
        value = getattr(case, name)
        data[f"{name}_day"] = str(value.day) if value else ""
        data[f"{name}_month"] = str(value.month) if value else ""
        data[f"{name}_year"] = str(value.year) if value else ""
    data["issues"] = ["education", "health"]
    for key, value in overrides.items():
        data[key] = value
    return data


@time_machine.travel("2026-11-28 10:00 +0000")
def test_case_page_shows_each_deadline_with_status_rule_and_explanation(
    client, case_officer_cal, open_case
):
    take(open_case, Step.INFORM_LA, case_officer_cal, on=date(2026, 11, 5))
    login(client, case_officer_cal)
    html = client.get(reverse("cases:detail", args=[open_case.reference])).content.decode()
    assert "LA to tell the health commissioning body" in html
    assert "Overdue by" in html  # due Tue 10 Nov, not yet done on 28 Nov
    assert "SEND Regulations 2014 reg 35(2)" in html
    assert "3 working days after Thu 5 Nov 2026" in html
    assert "Family's appeal deadline: Monday 4 January 2027" in html


def test_recording_key_dates_recomputes(client, case_officer_cal, open_case):
    case = take(open_case, Step.INFORM_LA, case_officer_cal, on=date(2026, 11, 5))
    login(client, case_officer_cal)
    url = reverse("cases:key-dates", args=[case.reference])
    response = client.post(
        url,
        _key_dates_post(
            case, la_informed_on_day="6", la_informed_on_month="11", la_informed_on_year="2026"
        ),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.la_informed_on == date(2026, 11, 6)
    assert case.next_deadline_code == "health_bodies_notified_by"
    assert case.next_deadline_due == date(2026, 11, 11)
    page = client.get(response.url).content.decode()
    assert (
        "Saved: LA told that the family wants mediation. The deadlines were worked out again"
        in page
    )
    # The same form again, unchanged: nothing is saved, and the page says so.
    response = client.post(url, _key_dates_post(case))
    assert "Nothing was changed" in client.get(response.url).content.decode()


def test_a_date_that_moves_the_case_on_is_recorded_by_its_step(client, case_officer_cal, open_case):
    login(client, case_officer_cal)
    response = client.post(
        reverse("cases:key-dates", args=[open_case.reference]),
        _key_dates_post(
            open_case, la_informed_on_day="5", la_informed_on_month="11", la_informed_on_year="2026"
        ),
    )
    assert response.status_code == 400
    assert (
        "This moves the case on: record it with the step “Record that the LA has been told the "
        "family wants mediation”" in response.content.decode()
    )
    open_case.refresh_from_db()
    assert open_case.la_informed_on is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {
                "la_informed_on_day": "31",
                "la_informed_on_month": "11",
                "la_informed_on_year": "2026",
            },
            "LA told that the family wants mediation must be a real date",
        ),
        (
            {"la_informed_on_day": "1", "la_informed_on_month": "1", "la_informed_on_year": "2099"},
            "must be today or in the past",
        ),
        (
            {
                "la_informed_on_day": "1",
                "la_informed_on_month": "10",
                "la_informed_on_year": "2026",
            },
            "The date the LA was told the family wants mediation must be on or after the day the "
            "decision letter was sent, Monday 2 November 2026.",
        ),
        (
            {
                "mediation_held_on_day": "20",
                "mediation_held_on_month": "11",
                "mediation_held_on_year": "2026",
                "mediation_concluded_on_day": "19",
                "mediation_concluded_on_month": "11",
                "mediation_concluded_on_year": "2026",
            },
            "The date the mediation ended must be on or after the meeting, Friday 20 November 2026.",
        ),
        (
            {"notice_sent_on_day": "", "notice_sent_on_month": "", "notice_sent_on_year": ""},
            "Enter the date the decision notice was sent",
        ),
        ({"issues": []}, "Select at least one kind of issue"),
    ],
)
def test_key_dates_form_rejects_bad_input(client, case_officer_cal, open_case, overrides, message):
    login(client, case_officer_cal)
    response = client.post(
        reverse("cases:key-dates", args=[open_case.reference]),
        _key_dates_post(open_case, **overrides),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    open_case.refresh_from_db()
    assert open_case.la_informed_on is None


def test_my_work_orders_by_nearest_deadline(client, case_officer_cal, local_authority, open_case):
    from mediation.cases.tests.factories import enquiry_data
    from mediation.domain.case_states import Route

    later = workflow_services.case_open_from_enquiry(
        enquiry=case_services.enquiry_record(
            by=case_officer_cal, data=enquiry_data(local_authority)
        ),
        route=Route.MEDIATION,
        owner=case_officer_cal,
        by=case_officer_cal,
    )
    take(later, Step.INFORM_LA, case_officer_cal, on=date(2026, 11, 20))
    take(open_case, Step.INFORM_LA, case_officer_cal, on=date(2026, 11, 5))
    # Newest activity is on open_case, but `later`'s... is later: nearest deadline wins.
    login(client, case_officer_cal)
    html = client.get(reverse("cases:my-work")).content.decode()
    assert html.index(open_case.reference) < html.index(later.reference)
    assert "Next statutory deadline" in html


def test_team_queue_filters_by_owner(client, manager_sue, case_officer_cal, open_case):
    login(client, manager_sue)
    html = client.get(reverse("cases:team") + f"?owner={manager_sue.pk}").content.decode()
    assert open_case.reference not in html
    html = client.get(reverse("cases:team") + f"?owner={case_officer_cal.pk}").content.decode()
    assert open_case.reference in html


def test_manager_adds_a_closure_day_and_sees_what_moved(
    client, manager_sue, case_officer_cal, open_case, django_capture_on_commit_callbacks
):
    take(open_case, Step.INFORM_LA, case_officer_cal, on=date(2026, 11, 5))
    login(client, manager_sue)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("manage:closure-days"),
            {
                "day_day": "9",
                "day_month": "11",
                "day_year": "2026",
                "name": "Staff training",
                "kind": "closure",
            },
        )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert open_case.reference in page and "2026-11-10" in page and "2026-11-11" in page


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"day_day": "7", "day_month": "11", "day_year": "2026"}, "That date is a weekend"),
        (
            {"day_day": "25", "day_month": "12", "day_year": "2026"},
            "That date is already a bank holiday: Christmas Day",
        ),
        (
            {"day_day": "2", "day_month": "12", "day_year": "2026"},
            "That date has already been added",
        ),
        ({"name": ""}, "Enter a name for the day"),
        ({"kind": ""}, "Select what kind of day it is"),
        ({"day_day": "", "day_month": "", "day_year": ""}, "Enter the date"),
    ],
)
def test_closure_day_form_rejects_bad_input(client, manager_sue, post, message):
    ClosureDay.objects.create(
        day=date(2026, 12, 2), name="Existing", kind="closure", created_by=manager_sue
    )
    login(client, manager_sue)
    data = {
        "day_day": "3",
        "day_month": "12",
        "day_year": "2026",
        "name": "Training",
        "kind": "closure",
    }
    data.update(post)
    response = client.post(reverse("manage:closure-days"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ClosureDay.objects.count() == 1


def test_queue_pages_use_a_fixed_number_of_queries(
    client, case_officer_cal, local_authority, django_assert_max_num_queries
):
    from mediation.cases.tests.factories import enquiry_data
    from mediation.domain.case_states import Route

    def make(count):
        for _ in range(count):
            enquiry = case_services.enquiry_record(
                by=case_officer_cal, data=enquiry_data(local_authority)
            )
            case = workflow_services.case_open_from_enquiry(
                enquiry=enquiry, route=Route.MEDIATION, owner=case_officer_cal, by=case_officer_cal
            )
            take(case, Step.INFORM_LA, case_officer_cal, on=date(2026, 11, 5))

    login(client, case_officer_cal)
    make(2)
    for url in (reverse("cases:my-work"), reverse("cases:team")):
        with django_assert_max_num_queries(20) as few:
            client.get(url)
        make(10)
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get(url).status_code == 200
    assert Case.objects.count() == 22
