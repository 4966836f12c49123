"""Pages: who may use each one, bad input on every form, and a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.notifications.models import Message
from mediation.outcomes import services
from mediation.outcomes.models import AgreedAction, Delivery, OutcomeStatement, PartyAgreement
from mediation.outcomes.tests.conftest import TODAY, write_statement

pytestmark = pytest.mark.django_db

ROLES = [
    "case_officer_cal",
    "case_officer_cleo",
    "mediator_mia",
    "mediator_max",
    "manager_sue",
    "admin_ada",
]
VIEW = (200, 200, 200, 404, 200, 200)
FOLLOW_UP = (200, 200, 403, 404, 200, 200)
MANAGERS = (403, 403, 403, 403, 200, 200)
DRAFT_PAGES = {
    "statement": VIEW,
    "pdf": VIEW,
    "edit": VIEW,
    "action-add": VIEW,
    "action-edit": VIEW,
    "agreement": VIEW,
}
FINAL_PAGES = {
    "statement": VIEW,
    "pdf": VIEW,
    "addendum": VIEW,
    "action-done": FOLLOW_UP,
    "action-vary": FOLLOW_UP,
    "action-escalate": FOLLOW_UP,
    "action-letter": FOLLOW_UP,
}


def _url(name, case):
    if name.startswith("action-") and name != "action-add":
        action = AgreedAction.objects.filter(case=case).order_by("position").first()
        assert action is not None
        return reverse(f"outcomes:{name}", args=[case.reference, action.pk])
    return reverse(f"outcomes:{name}", args=[case.reference])


@pytest.fixture
def draft_case(held_case, mediator_mia):
    write_statement(held_case, mediator_mia, actions=[("Assess", "assessment", None)])
    return held_case


@pytest.mark.parametrize("name", sorted(DRAFT_PAGES))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_permission_matrix_draft(client, cast, draft_case, name, role_index):
    login(client, cast[ROLES[role_index]])
    response = client.get(_url(name, draft_case))
    assert response.status_code == DRAFT_PAGES[name][role_index], (ROLES[role_index], name)


@pytest.mark.parametrize("name", sorted(FINAL_PAGES))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_permission_matrix_final(client, cast, final_case, name, role_index):
    login(client, cast[ROLES[role_index]])
    response = client.get(_url(name, final_case))
    assert response.status_code == FINAL_PAGES[name][role_index], (ROLES[role_index], name)


@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_the_report_is_for_managers(client, cast, role_index):
    login(client, cast[ROLES[role_index]])
    response = client.get(reverse("outcomes:report"))
    assert response.status_code == MANAGERS[role_index]


@pytest.mark.parametrize("name", sorted(DRAFT_PAGES))
def test_signed_out_goes_to_sign_in(client, draft_case, name):
    response = client.get(_url(name, draft_case))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_signed_out_report_goes_to_sign_in(client):
    response = client.get(reverse("outcomes:report"))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.parametrize(
    "name", ["finalise", "circulate", "action-remove", "resend", "action-letter-send"]
)
def test_unassigned_mediator_cannot_post(client, final_case, mediator_max, name):
    login(client, mediator_max)
    args = [final_case.reference]
    if name == "resend":
        args.append(1)
    elif name.startswith("action-"):
        action = AgreedAction.objects.filter(case=final_case).first()
        assert action is not None
        args.append(action.pk)
    assert client.post(reverse(f"outcomes:{name}", args=args)).status_code == 404


def test_mediator_cannot_send_the_overdue_letter(client, final_case, mediator_mia):
    login(client, mediator_mia)
    action = AgreedAction.objects.filter(case=final_case).order_by("position").first()
    assert action is not None
    url = reverse("outcomes:action-letter-send", args=[final_case.reference, action.pk])
    assert client.post(url).status_code == 403


# The mediator writes the statement in the meeting ----------------------------------------------


def test_assigned_mediator_writes_and_finalises(client, held_case, mediator_mia):
    login(client, mediator_mia)
    ref = held_case.reference
    response = client.post(
        reverse("outcomes:edit", args=[ref]),
        {"key_points": "Reading support discussed.", "outcome": "agreed_part"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("outcomes:action-add", args=[ref]),
        {"what": "Assess Isla", "who": "la", "kind": "assessment", "section": "B"},
    )
    assert response.status_code == 302
    statement = OutcomeStatement.objects.get(case=held_case)
    for party in held_case.parties.exclude(role="supporter"):
        response = client.post(
            reverse("outcomes:agreement", args=[ref]),
            {"party": party.pk, "method": "in_meeting", "content_hash": statement.content_hash},
        )
        assert response.status_code == 302, response.content
    assert PartyAgreement.objects.filter(statement=statement).count() == 3
    # Making it final has its own confirmation page: what is locked, with Change and Back.
    page = client.get(reverse("outcomes:finalise", args=[ref])).content.decode()
    assert "Check before you make the outcome statement final" in page
    assert "Once final, the statement is locked" in page and "Assess Isla" in page
    assert f'href="{reverse("outcomes:statement", args=[ref])}" class="govuk-back-link"' in page
    client.post(reverse("outcomes:finalise", args=[ref]))  # not confirmed: nothing happens
    statement.refresh_from_db()
    assert not statement.is_final
    response = client.post(reverse("outcomes:finalise", args=[ref]), {"confirmed": "yes"})
    statement.refresh_from_db()
    assert statement.is_final
    message = client.get(response.url).content.decode()
    assert "Outcome statement made final (version 2)" in message
    page = client.get(reverse("outcomes:statement", args=[ref])).content.decode()
    # Locked: no links that change it.
    for name in ("edit", "action-add", "agreement"):
        assert reverse(f"outcomes:{name}", args=[ref]) not in page
    assert "/edit/" not in page and "Remove" not in page
    assert client.get(reverse("outcomes:edit", args=[ref])).status_code == 403
    response = client.post(
        reverse("outcomes:edit", args=[ref]), {"key_points": "Changed", "outcome": "agreed_part"}
    )
    assert response.status_code == 403
    assert OutcomeStatement.objects.get(pk=statement.pk).key_points == "Reading support discussed."


def test_circulate_and_resend_through_the_pages(client, final_case, case_officer_cal):
    login(client, case_officer_cal)
    ref = final_case.reference
    client.post(reverse("outcomes:circulate", args=[ref]))
    assert Delivery.objects.filter(statement__case=final_case).count() == 4
    delivery = Delivery.objects.get(recipient_name="Sarah Whitfield")
    page = client.get(reverse("outcomes:statement", args=[ref])).content.decode()
    assert reverse("outcomes:resend", args=[ref, delivery.pk]) in page
    client.post(reverse("outcomes:resend", args=[ref, delivery.pk]))
    assert Message.objects.filter(recipient_email="sarah.whitfield@example.com").count() == 2
    letter = Delivery.objects.get(channel="letter")
    download = reverse("documents:download", args=[ref, letter.document_id])
    assert download in client.get(reverse("outcomes:statement", args=[ref])).content.decode()
    assert client.get(reverse("outcomes:letter", args=[ref, letter.pk]))["Location"] == download
    response = client.get(download)
    assert response["Content-Type"] == "application/pdf"
    assert letter.document is not None and response.content == bytes(letter.document.pdf)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert AuditEvent.objects.filter(verb="document.download", case_id=final_case.pk).exists()
    # the resent message carries the same stored statement
    assert {d.document_id for d in Delivery.objects.all()} == {letter.document_id}
    client.post(reverse("outcomes:posted", args=[ref, letter.pk]))
    assert Message.objects.get(pk=letter.message_id).status == "sent"


def test_statement_download_needs_access_to_the_case(
    client, final_case, case_officer_cal, mediator_max
):
    services.statement_circulate(case=final_case, by=case_officer_cal, today=TODAY)
    delivery = Delivery.objects.first()
    assert delivery is not None
    document = delivery.document
    assert document is not None
    download = reverse("documents:download", args=[final_case.reference, document.pk])
    login(client, case_officer_cal)
    assert client.get(download).status_code == 200
    client.logout()
    login(client, mediator_max)
    assert client.get(download).status_code == 404


# Invalid input: 400, the message next to the field, and what was typed kept ----------------------


def _assert_refused(response, message, kept=()):
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in page, page[:3000]
    for value in kept:
        assert value in page


def test_statement_form_invalid(client, held_case, mediator_mia):
    login(client, mediator_mia)
    response = client.post(
        reverse("outcomes:edit", args=[held_case.reference]),
        {"key_points": "Kept words here"},
    )
    _assert_refused(response, "Select the outcome", ["Kept words here"])


def test_action_form_invalid(client, draft_case, mediator_mia):
    login(client, mediator_mia)
    response = client.post(
        reverse("outcomes:action-add", args=[draft_case.reference]),
        {
            "what": "Kept action text",
            "who": "la",
            "section": "F",
            "agreed_due_day": "31",
            "agreed_due_month": "2",
            "agreed_due_year": "2027",
        },
    )
    _assert_refused(response, "Select what kind of action it is", ["Kept action text"])
    assert "must be a real date" in response.content.decode()


def test_agreement_form_invalid(client, draft_case, mediator_mia):
    login(client, mediator_mia)
    statement = OutcomeStatement.objects.get(case=draft_case)
    response = client.post(
        reverse("outcomes:agreement", args=[draft_case.reference]),
        {"method": "phone", "content_hash": statement.content_hash},
    )
    _assert_refused(response, "Select who agreed", ['value="phone" checked'])


def test_addendum_form_invalid(client, final_case, mediator_mia):
    login(client, mediator_mia)
    response = client.post(reverse("outcomes:addendum", args=[final_case.reference]), {"text": ""})
    _assert_refused(response, "Enter the correction")


def test_done_form_invalid(client, final_case, case_officer_cal):
    login(client, case_officer_cal)
    future = TODAY + timedelta(days=3)
    response = client.post(
        _url("action-done", final_case),
        {
            "done_on_day": future.day,
            "done_on_month": future.month,
            "done_on_year": future.year,
            "evidence": "Kept evidence",
        },
    )
    _assert_refused(response, "Date it was done must be today or in the past", ["Kept evidence"])


def test_vary_form_invalid(client, final_case, case_officer_cal):
    login(client, case_officer_cal)
    later = TODAY + timedelta(days=10)
    response = client.post(
        _url("action-vary", final_case),
        {
            "new_due_day": later.day,
            "new_due_month": later.month,
            "new_due_year": later.year,
            "agreed_in_writing_on_day": TODAY.day,
            "agreed_in_writing_on_month": TODAY.month,
            "agreed_in_writing_on_year": TODAY.year,
        },
    )
    _assert_refused(response, "Enter the reason for the new date", [f'value="{later.year}"'])


def test_escalate_form_invalid(client, final_case, case_officer_cal):
    login(client, case_officer_cal)
    response = client.post(_url("action-escalate", final_case), {"note": ""})
    _assert_refused(response, "Enter why you are escalating it")


def test_report_form_invalid(client, manager_sue):
    login(client, manager_sue)
    response = client.get(
        reverse("outcomes:report"),
        {
            "start_day": "1",
            "start_month": "13",
            "start_year": "2026",
            "end_day": "1",
            "end_month": "1",
            "end_year": "2026",
        },
    )
    _assert_refused(response, "From must be a real date", ['value="13"'])


def test_report_shows_the_figures(client, final_case, case_officer_cal, manager_sue):
    action = AgreedAction.objects.filter(case=final_case).order_by("position").first()
    assert action is not None
    services.action_mark_done(action=action, by=case_officer_cal, done_on=TODAY, evidence="x")
    login(client, manager_sue)
    page = client.get(reverse("outcomes:report")).content.decode()
    assert "Northfield Borough Council (NFD)" in page
    assert "0 of 1 (0%)" in page


# Query counts ---------------------------------------------------------------------------------


def _add_actions(case, by, count):
    for number in range(count):
        services.action_add(
            case=case,
            by=by,
            data={
                "what": f"Action {number}",
                "who": "school",
                "kind": "not_appealable",
                "section": "F",
                "agreed_due": None,
            },
        )


def test_statement_page_queries_do_not_grow(
    client, draft_case, mediator_mia, django_assert_max_num_queries
):
    login(client, mediator_mia)
    url = reverse("outcomes:statement", args=[draft_case.reference])
    with django_assert_max_num_queries(40) as first:
        assert client.get(url).status_code == 200
    _add_actions(draft_case, mediator_mia, 6)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url)


def test_final_statement_page_queries_do_not_grow(
    client, final_case, case_officer_cal, django_assert_max_num_queries
):
    login(client, case_officer_cal)
    url = reverse("outcomes:statement", args=[final_case.reference])
    later = TODAY + timedelta(days=400)  # every action overdue by then
    first_action, second_action = AgreedAction.objects.filter(case=final_case)
    services.statement_circulate(case=final_case, by=case_officer_cal)
    services.action_escalate(action=first_action, by=case_officer_cal, note="x", today=later)
    with django_assert_max_num_queries(40) as first:
        client.get(url)
    for delivery in list(Delivery.objects.filter(statement__case=final_case)):
        services.delivery_resend(delivery=delivery, by=case_officer_cal)
    services.action_escalate(action=second_action, by=case_officer_cal, note="y", today=later)
    services.addendum_add(case=final_case, by=case_officer_cal, text="A correction")
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("(sent again)") == 4 and "A correction" in page


def test_report_page_queries_are_pinned(client, final_case, manager_sue, django_assert_num_queries):
    login(client, manager_sue)
    client.get(reverse("outcomes:report"))
    # The session, the user with their device (ADR 0050), then one aggregate
    # and the LAs' names; on PostgreSQL also the savepoint turning JIT off around the aggregate
    # (savepoint, set, reset, release: mediation.common.queries.without_jit).
    jit = 4 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(4 + jit) as counted:
        client.get(reverse("outcomes:report"))
    assert sum("GROUP BY" in q["sql"] for q in counted.captured_queries) == 1


def test_case_page_queries_do_not_grow_with_actions(
    client, draft_case, case_officer_cal, mediator_mia, django_assert_max_num_queries
):
    login(client, case_officer_cal)
    url = reverse("cases:detail", args=[draft_case.reference])
    with django_assert_max_num_queries(40) as first:
        page = client.get(url).content.decode()
    assert "Outcome statement and agreed actions" in page and "Agreed by 0 of 3" in page
    _add_actions(draft_case, mediator_mia, 6)
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("Not yet agreed") == 7
