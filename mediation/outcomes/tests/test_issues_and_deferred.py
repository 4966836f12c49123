"""Issues in dispute with their own results (issue 23, item 1) and decisions the LA's attendee
could not make, put off to a panel (item 2): the statement, its fingerprint, making it final,
the follow-up as an agreed action, and what the family and staff are told about the appeal
deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse

from conftest import login
from mediation.cases import services as case_services
from mediation.cases.models import IssueTheme
from mediation.common.errors import ServiceError
from mediation.deadlines.labels import deadline_label
from mediation.deadlines.models import Deadline
from mediation.deadlines.reminders import deadline_reminders_send
from mediation.domain.deadlines import agreed_action_code
from mediation.notifications.models import Message
from mediation.outcomes import selectors, services
from mediation.outcomes.models import DeferredDecision, IssueOutcome, OutcomeStatement
from mediation.outcomes.tests.conftest import HELD, TODAY, agree_all, write_statement
from mediation.timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db


def _theme(name: str) -> IssueTheme:
    return IssueTheme.objects.get(name=name)


TRANSPORT = "Transport"
SECTION_F = "EHC plan section F: provision"


@pytest.fixture
def issues_case(held_case, case_officer_cal):
    case_services.case_issues_set(
        case=held_case, themes=[_theme(TRANSPORT), _theme(SECTION_F)], by=case_officer_cal
    )
    return held_case


def _defer(case, by, *, due=None, themes=(TRANSPORT,), decided_by="panel"):
    return services.deferred_decision_add(
        case=case,
        by=by,
        data={
            "decided_by": decided_by,
            "decision_maker": "SEN panel",
            "decision_due_on": due or TODAY + timedelta(days=14),
            "themes": [_theme(name) for name in themes],
            "section": "F",
        },
    )


# The list of issues -------------------------------------------------------------------------------


def test_the_seeded_list_covers_the_tender_themes():
    names = set(IssueTheme.objects.values_list("name", flat=True))
    for expected in (
        "Needs assessment refused",
        "EHC plan section B: needs",
        SECTION_F,
        "EHC plan section I: school or setting named",
        TRANSPORT,
        "Therapies",
        "Health provision",
        "Social care provision",
        "Ceasing the plan",
    ):
        assert expected in names


def test_managers_extend_the_list_and_duplicates_are_refused(client, manager_sue):
    login(client, manager_sue)
    url = reverse("manage:issue-theme-new")
    response = client.post(url, {"name": "Home to school travel  budget", "position": "5"})
    assert response.status_code == 302
    assert IssueTheme.objects.filter(name="Home to school travel budget").exists()
    response = client.post(url, {"name": "transport", "position": "5"})
    assert response.status_code == 400
    assert "“Transport” is already on the list" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "position": "1"}, "Enter the name of the issue"),
        ({"name": "x" * 121, "position": "1"}, "120 characters or fewer"),
        ({"name": "Dyslexia support", "position": "first"}, "The order must be a whole number"),
        ({"name": "Dyslexia support", "position": "-3"}, "The order must be 0 or more"),
        ({"name": "Dyslexia support", "position": "1", "hint": "y" * 201}, "200 characters"),
    ],
)
def test_the_issue_form_refuses_bad_input(client, manager_sue, data, message):
    login(client, manager_sue)
    before = IssueTheme.objects.count()
    response = client.post(reverse("manage:issue-theme-new"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body and message in body
    assert IssueTheme.objects.count() == before


def test_issue_list_pages_are_for_managers(client, case_officer_cal):
    login(client, case_officer_cal)
    assert client.get(reverse("manage:issue-themes")).status_code == 403
    assert client.get(reverse("manage:issue-theme-new")).status_code == 403


# A case's issues ------------------------------------------------------------------------------


def test_case_issues_are_set_and_recorded_in_the_history(held_case, case_officer_cal):
    case_services.case_issues_set(
        case=held_case, themes=[_theme(TRANSPORT), _theme(SECTION_F)], by=case_officer_cal
    )
    case_services.case_issues_set(case=held_case, themes=[_theme(SECTION_F)], by=case_officer_cal)
    assert [i.theme.name for i in held_case.disputed_issues.all()] == [SECTION_F]
    lines = set(TimelineEntry.objects.filter(case=held_case).values_list("summary", flat=True))
    assert "Issue in dispute added: Transport" in lines
    assert "Issue in dispute removed: Transport" in lines


def test_an_issue_no_longer_offered_cannot_be_added_but_stays_where_it_is(
    held_case, case_officer_cal
):
    transport = _theme(TRANSPORT)
    case_services.case_issues_set(case=held_case, themes=[transport], by=case_officer_cal)
    transport.active = False
    transport.save()
    # Kept on this case when the form is saved again with it ticked.
    case_services.case_issues_set(case=held_case, themes=[transport], by=case_officer_cal)
    assert held_case.disputed_issues.count() == 1
    other = case_services.case_issues_set(case=held_case, themes=[], by=case_officer_cal)
    assert other == []
    with pytest.raises(ServiceError, match="no longer offered: Transport"):
        case_services.case_issues_set(case=held_case, themes=[transport], by=case_officer_cal)


def test_the_case_issues_form(client, case_officer_cal, mediator_max, held_case):
    login(client, case_officer_cal)
    url = reverse("cases:issues", args=[held_case.reference])
    response = client.post(url, {"themes": ["999999"]})
    assert response.status_code == 400
    assert "Select issues from the list" in response.content.decode()
    response = client.post(url, {"themes": [str(_theme(TRANSPORT).pk)]})
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", args=[held_case.reference])).content.decode()
    assert "Issues in dispute" in page and "Transport" in page
    login(client, mediator_max)  # not this case's mediator
    assert client.get(url).status_code == 404


# Results in the statement --------------------------------------------------------------------


def test_each_issue_gets_its_own_result_and_the_fingerprint_changes(issues_case, mediator_mia):
    write_statement(issues_case, mediator_mia, outcome="agreed_part")
    statement = OutcomeStatement.objects.get(case=issues_case)
    before = statement.content_hash
    agree_all(issues_case, mediator_mia)
    services.issue_results_save(
        case=issues_case,
        by=mediator_mia,
        results={_theme(TRANSPORT).pk: "agreed", _theme(SECTION_F).pk: "not_agreed"},
    )
    statement.refresh_from_db()
    assert statement.content_hash != before
    # The agreements given for the earlier version no longer count.
    assert "Not everyone has agreed" in (services.finalise_refusal(statement) or "")
    rows = {row.theme.name: row.result for row in selectors.issue_rows(statement)}
    assert rows == {TRANSPORT: "agreed", SECTION_F: "not_agreed"}


def test_a_statement_without_issue_results_keeps_its_old_fingerprint(held_case, mediator_mia):
    write_statement(held_case, mediator_mia)
    statement = OutcomeStatement.objects.get(case=held_case)
    assert '"issues"' not in services.canonical_text(statement, list(statement.actions.all()))
    assert services.content_hash(statement) == statement.content_hash


def test_final_needs_a_result_for_every_issue(issues_case, mediator_mia):
    write_statement(issues_case, mediator_mia)
    agree_all(issues_case, mediator_mia)
    statement = OutcomeStatement.objects.get(case=issues_case)
    refusal = services.finalise_refusal(statement)
    assert refusal == (
        "Give each issue in dispute its result: EHC plan section F: provision and Transport."
    )
    with pytest.raises(ServiceError, match="Give each issue"):
        services.statement_finalise(case=issues_case, by=mediator_mia)


def test_a_result_for_an_issue_taken_off_the_case_must_be_removed(
    issues_case, mediator_mia, case_officer_cal
):
    write_statement(issues_case, mediator_mia)
    services.issue_results_save(
        case=issues_case,
        by=mediator_mia,
        results={_theme(TRANSPORT).pk: "agreed", _theme(SECTION_F).pk: "agreed"},
    )
    case_services.case_issues_set(case=issues_case, themes=[_theme(SECTION_F)], by=case_officer_cal)
    statement = OutcomeStatement.objects.get(case=issues_case)
    assert "Transport is no longer an issue on the case" in (
        services.finalise_refusal(statement) or ""
    )
    with pytest.raises(ServiceError, match="still in dispute"):
        services.issue_results_save(
            case=issues_case, by=mediator_mia, results={_theme(SECTION_F).pk: "remove"}
        )
    services.issue_results_save(
        case=issues_case, by=mediator_mia, results={_theme(TRANSPORT).pk: "remove"}
    )
    assert not IssueOutcome.objects.filter(theme=_theme(TRANSPORT)).exists()


def test_the_results_form_refuses_a_missing_or_unknown_result(client, mediator_mia, issues_case):
    write_statement(issues_case, mediator_mia)
    login(client, mediator_mia)
    url = reverse("outcomes:issues", args=[issues_case.reference])
    transport, section_f = _theme(TRANSPORT), _theme(SECTION_F)
    response = client.post(url, {f"theme_{transport.pk}": "agreed"})
    assert response.status_code == 400
    assert f"Select the result for {SECTION_F}" in response.content.decode()
    response = client.post(
        url, {f"theme_{transport.pk}": "agreed", f"theme_{section_f.pk}": "maybe"}
    )
    assert response.status_code == 400
    assert not IssueOutcome.objects.exists()
    response = client.post(
        url, {f"theme_{transport.pk}": "agreed", f"theme_{section_f.pk}": "partly_agreed"}
    )
    assert response.status_code == 302
    assert IssueOutcome.objects.count() == 2


# Decisions put off to a panel ---------------------------------------------------------------------


def test_a_deferred_decision_is_followed_up_as_an_agreed_action(
    issues_case, mediator_mia, case_officer_cal, manager_sue
):
    write_statement(issues_case, mediator_mia, outcome="not_agreed")
    panel_day = TODAY + timedelta(days=14)
    decision = _defer(issues_case, mediator_mia, due=panel_day)
    services.issue_results_save(
        case=issues_case, by=mediator_mia, results={_theme(SECTION_F).pk: "not_agreed"}
    )
    results = {o.theme.name: o.result for o in IssueOutcome.objects.select_related("theme")}
    assert results[TRANSPORT] == "deferred"
    action = decision.action
    assert action.agreed_due == panel_day and action.who == "la"
    assert action.what.startswith("SEN panel to decide about Transport by")
    # "No agreement" and a decision put off can be made final together.
    agree_all(issues_case, mediator_mia)
    services.statement_finalise(case=issues_case, by=mediator_mia)
    deadline = Deadline.objects.get(case=issues_case, code=agreed_action_code(action.number))
    assert deadline.due == panel_day
    # Chased when the day has passed: the owner and the managers are told it is overdue.
    run = deadline_reminders_send(today=panel_day + timedelta(days=1))
    assert run.overdue >= 1
    label = deadline_label(agreed_action_code(action.number))
    assert Message.objects.filter(
        recipient_email=manager_sue.email, subject__startswith=f"Overdue: {label}"
    ).exists()
    # Done when the panel has decided.
    services.action_mark_done(
        action=action, by=case_officer_cal, done_on=TODAY, evidence="Panel agreed transport"
    )
    deadline.refresh_from_db()
    assert deadline.met_on == TODAY


def test_a_deferred_issue_needs_who_decides(issues_case, mediator_mia):
    write_statement(issues_case, mediator_mia)
    services.issue_results_save(
        case=issues_case,
        by=mediator_mia,
        results={_theme(TRANSPORT).pk: "deferred", _theme(SECTION_F).pk: "agreed"},
    )
    statement = OutcomeStatement.objects.get(case=issues_case)
    assert "Say who will decide about Transport" in (services.finalise_refusal(statement) or "")
    _defer(issues_case, mediator_mia)
    statement.refresh_from_db()
    assert "Say who will decide" not in (services.finalise_refusal(statement) or "")


def test_the_follow_up_is_changed_only_through_the_decision(issues_case, mediator_mia):
    write_statement(issues_case, mediator_mia)
    decision = _defer(issues_case, mediator_mia)
    with pytest.raises(ServiceError, match="change or remove the decision instead"):
        services.action_remove(action=decision.action, by=mediator_mia)
    with pytest.raises(ServiceError, match="change or remove the decision instead"):
        services.action_update(
            action=decision.action,
            by=mediator_mia,
            data={"what": "x", "who": "la", "kind": "not_appealable", "section": "F"},
        )
    services.deferred_decision_remove(decision=decision, by=mediator_mia)
    assert not DeferredDecision.objects.exists()
    assert not OutcomeStatement.objects.get(case=issues_case).actions.exists()


def test_the_panel_date_must_follow_the_meeting(issues_case, mediator_mia):
    write_statement(issues_case, mediator_mia)
    with pytest.raises(ServiceError, match="must be on or after the agreement"):
        _defer(issues_case, mediator_mia, due=HELD - timedelta(days=1))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select who will decide"),
        ({}, "Enter the name of the panel or the decision maker"),
        ({}, "Enter the date of the panel or decision"),
        ({}, "Select the part of the EHC plan it is about"),
        ({"decided_by": "mayor"}, "Select who will decide"),
        ({"decision_maker": "x" * 151}, "150 characters or fewer"),
        (
            {
                "decision_due_on_day": "30",
                "decision_due_on_month": "2",
                "decision_due_on_year": "2027",
            },
            "must be a real date",
        ),
        ({"themes": ["12345678"]}, "Select issues from the list"),
        ("before_meeting", "must be on or after the agreement"),
    ],
)
def test_the_deferred_decision_form_refuses_bad_input(
    client, mediator_mia, issues_case, data, message
):
    write_statement(issues_case, mediator_mia)
    if data == "before_meeting":
        early = HELD - timedelta(days=3)
        data = {
            "decided_by": "panel",
            "decision_maker": "SEN panel",
            "decision_due_on_day": early.day,
            "decision_due_on_month": early.month,
            "decision_due_on_year": early.year,
            "section": "F",
        }
    login(client, mediator_mia)
    response = client.post(reverse("outcomes:deferred-add", args=[issues_case.reference]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body and message in body
    if data.get("decision_maker"):
        assert data["decision_maker"] in body  # what was typed is kept
    assert not DeferredDecision.objects.exists()


# What the family and staff are told -----------------------------------------------------------


def _notices(case, appeal_deadline):
    return selectors.deferred_notices(case, appeal_deadline=appeal_deadline, today=TODAY)


def _render(notices, staff):
    return Template('{% include "outcomes/_deferred_notice.html" %}').render(
        Context({"notices": notices, "staff": staff})
    )


def test_the_family_is_told_their_appeal_deadline_does_not_move(issues_case, mediator_mia):
    write_statement(issues_case, mediator_mia)
    panel_day = TODAY + timedelta(days=10)
    _defer(issues_case, mediator_mia, due=panel_day)
    appeal = TODAY + timedelta(days=30)
    html = " ".join(_render(_notices(issues_case, appeal), staff=False).split())
    assert "This does not change your deadline to appeal to the Tribunal" in html
    assert f"Your deadline is still {appeal:%A} {appeal.day} {appeal:%B %Y}" in html
    assert "You can wait for the decision" in html
    assert "You do not need to do anything now" in html
    assert "reg 37" not in html  # no rule numbers for the family
    staff = " ".join(_render(_notices(issues_case, appeal), staff=True).split())
    assert "The family's appeal deadline does not move for this" in staff
    assert "reg 37(1)" in staff


def test_a_panel_after_the_deadline_tells_the_family_not_to_wait(issues_case, mediator_mia):
    write_statement(issues_case, mediator_mia)
    _defer(issues_case, mediator_mia, due=TODAY + timedelta(days=40))
    html = " ".join(_render(_notices(issues_case, TODAY + timedelta(days=20)), False).split())
    assert "The decision will come after your appeal deadline" in html
    assert "do not wait" in html
    assert "You do not need to do anything" not in html


def test_the_portal_shows_it_only_once_the_statement_is_final(issues_case, mediator_mia):
    write_statement(issues_case, mediator_mia)
    _defer(issues_case, mediator_mia)
    assert selectors.deferred_notices(issues_case, appeal_deadline=None, final_only=True) == []
    services.issue_results_save(
        case=issues_case, by=mediator_mia, results={_theme(SECTION_F).pk: "agreed"}
    )
    agree_all(issues_case, mediator_mia)
    services.statement_finalise(case=issues_case, by=mediator_mia)
    assert len(selectors.deferred_notices(issues_case, appeal_deadline=None, final_only=True)) == 1


def test_the_case_page_and_statement_show_issues_and_the_decision_put_off(
    client, case_officer_cal, mediator_mia, issues_case
):
    write_statement(issues_case, mediator_mia)
    _defer(issues_case, mediator_mia)
    login(client, case_officer_cal)
    page = client.get(reverse("cases:detail", args=[issues_case.reference])).content.decode()
    assert "Decision put off: SEN panel to decide by" in page
    statement = client.get(
        reverse("outcomes:statement", args=[issues_case.reference])
    ).content.decode()
    assert "Issues in dispute and their results" in statement
    assert "Deferred: the LA will decide later" in statement
    assert "Decisions the local authority could not make at the meeting" in statement


def test_the_case_panel_reads_the_decisions_put_off_with_the_actions(issues_case, mediator_mia):
    """The case page finds the decisions put off through the statement's actions: the same
    decisions, in the same order, with their issues, as reading them on their own."""
    write_statement(issues_case, mediator_mia, outcome="agreed_part")
    _defer(issues_case, mediator_mia, due=TODAY + timedelta(days=20), themes=(SECTION_F,))
    _defer(issues_case, mediator_mia, due=TODAY + timedelta(days=10))
    panel = selectors.case_panel(issues_case)
    from_actions = selectors.deferred_notices(
        issues_case, appeal_deadline=None, today=TODAY, decisions=panel.deferred_decisions
    )
    on_their_own = _notices(issues_case, None)
    assert [n.decision.pk for n in from_actions] == [n.decision.pk for n in on_their_own]
    assert _render(from_actions, True) == _render(on_their_own, True)
    assert [n.decision.decision_due_on for n in from_actions] == [
        TODAY + timedelta(days=10),
        TODAY + timedelta(days=20),
    ]
