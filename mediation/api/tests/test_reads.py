"""Reading an LA's cases: what a case holds (and never holds), filters, the cursor, queries."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from mediation.audit.models import AuditEvent
from mediation.cases.models import Case

pytestmark = pytest.mark.django_db


def test_a_case_with_its_dates_deadlines_actions_and_nothing_more(nfd_api, final_case):
    Case.objects.filter(pk=final_case.pk).update(la_reference="NFD-EHC-4471")
    response = nfd_api.get(f"/cases/{final_case.reference}")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == final_case.reference
    assert body["la_reference"] == "NFD-EHC-4471"
    assert body["local_authority"] == "NFD"
    assert (body["route"], body["stage"]) == ("mediation", final_case.status)
    assert body["decision_type"] == "refuse_assessment"
    assert body["decision_notice_sent_on"] == final_case.notice_sent_on.isoformat()
    assert body["child"] == {
        "first_name": "Isla",
        "last_name": "Whitfield",
        "date_of_birth": "2016-04-12",
    }
    assert body["key_dates"]["mediation_held_on"] == final_case.mediation_held_on.isoformat()
    assert body["outcome"] == "agreed_all" and body["outcome_statement_final"] is True
    codes = {d["code"]: d for d in body["deadlines"]}
    assert {"mediation_by", "appeal_deadline"} <= set(codes)
    assert codes["appeal_deadline"]["met_by_the_service"] is False
    assert all(
        d["status"] in {"due", "due_soon", "overdue", "met", "met_late"} for d in codes.values()
    )
    actions = body["agreed_actions"]
    assert [(a["who"], a["kind"]) for a in actions] == [
        ("la", "assessment"),
        ("school", "not_appealable"),
    ]
    # The assessment was due 2 weeks after an agreement made 30 days ago: overdue.
    assert actions[0]["status"] == "overdue" and actions[0]["due"] is not None
    assert actions[1]["status"] in {"due", "due_soon", "overdue"} and actions[1]["done_on"] is None
    assert body["meeting"] is None and body["certificates"] == []
    text = json.dumps(body)
    for free_text_or_other_people in (
        "reading support",  # what was agreed
        "Okafor",
        "talked about",  # the statement's key points
        "Sarah",  # the parent
        "Omar",  # the LA's officer
        "Hollybank",  # the child's school
        "refused to assess",  # the case history
    ):
        assert free_text_or_other_people not in text


def test_each_call_is_audited_with_the_token_as_actor(nfd_api, final_case):
    nfd_api.get(f"/cases/{final_case.reference}")
    event = AuditEvent.objects.filter(verb="api.call").latest("id")
    assert event.actor_id is None
    assert event.actor_role.startswith("api:token:")
    assert event.case_id == final_case.pk
    assert event.detail["operation"] == "case_detail" and event.detail["status"] == 200


def test_list_filters_by_stage_and_change(nfd_api, open_case, final_case, other_case):
    listed = nfd_api.get("/cases").json()
    assert [c["reference"] for c in listed["cases"]] == sorted(
        [open_case.reference, final_case.reference],
        key=lambda ref: Case.objects.get(reference=ref).last_activity_at,
    )
    assert listed["next_cursor"] is None
    requested = nfd_api.get("/cases", stage="mediation_requested").json()["cases"]
    assert [c["reference"] for c in requested] == [open_case.reference]
    later = timezone.now() + timedelta(minutes=1)
    Case.objects.filter(pk=final_case.pk).update(last_activity_at=later)
    since = nfd_api.get("/cases", changed_since=later.isoformat()).json()["cases"]
    assert [c["reference"] for c in since] == [final_case.reference]


def test_the_cursor_pages_through_every_case_once(
    make_token, local_authority, case_officer_cal, api_as
):
    from mediation.api.tests.helpers import many_cases

    cases = many_cases(local_authority, case_officer_cal, 7)
    api = api_as(make_token(local_authority, scopes=["read"]))
    seen, cursor, pages = [], None, 0
    while True:
        page = api.get("/cases", limit=3, **({"cursor": cursor} if cursor else {})).json()
        seen += [c["reference"] for c in page["cases"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert sorted(seen) == sorted(c.reference for c in cases)
    assert len(seen) == len(set(seen))


def test_a_cursor_that_was_not_given_is_a_plain_400(nfd_api, open_case):
    response = nfd_api.get("/cases", cursor="made-up")
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "field": "cursor",
                "message": "This cursor is not one the API gave: start again without it.",
            }
        ]
    }


def test_bad_query_values_are_plain_400s(nfd_api, open_case):
    for params in ({"stage": "nonsense"}, {"limit": 0}, {"limit": 500}, {"changed_since": "x"}):
        response = nfd_api.get("/cases", **params)
        assert response.status_code == 400, params
        (error,) = response.json()["errors"]
        assert error["field"] == next(iter(params)) and error["message"]


def test_a_page_of_fifty_cases_reads_a_fixed_number_of_queries(
    make_token, local_authority, case_officer_cal, api_as, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mediation.api.tests.helpers import many_cases

    many_cases(local_authority, case_officer_cal, 50, with_meetings_and_actions=True)
    api = api_as(make_token(local_authority, scopes=["read"]))
    api.get("/cases", limit=1)  # the first call of a token notes it was used
    with CaptureQueriesContext(connection) as five:
        assert len(api.get("/cases", limit=5).json()["cases"]) == 5
    # The token (1), its limit (3 and 2 savepoints), the cases, closure days, deadlines,
    # meetings, final statements, actions, certificates (7), the audit event and its seal on
    # SQLite (3 and 2 savepoints): 18, whatever the page's size.
    with django_assert_max_num_queries(18):
        response = api.get("/cases", limit=50)
    assert response.status_code == 200
    body = response.json()["cases"]
    assert len(body) == 50
    assert all(len(case["agreed_actions"]) == 2 and case["certificates"] for case in body)
    with CaptureQueriesContext(connection) as fifty:
        api.get("/cases", limit=50)
    assert len(fifty) == len(five)


def test_a_moment_with_any_zone_offset_is_read_in_utc(nfd_api, open_case):
    # PostgreSQL refuses offsets beyond 15 hours; ISO 8601 and Python allow up to 24 (found by
    # schemathesis).
    response = nfd_api.get("/cases", changed_since="2026-02-01T10:27:22-19:51")
    assert response.status_code == 200
    assert nfd_api.get("/cases", changed_since="9999-12-31T23:59:59-23:00").status_code == 400
