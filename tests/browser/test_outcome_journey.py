"""From a held meeting, the mediator writes the outcome statement with two agreed actions,
records each party's agreement, makes it final and sends it out; the case page then lists the
actions. Every page is checked with axe-core on a desktop and a phone-sized screen."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_first_call_journey import sign_in, staff

pytestmark = pytest.mark.django_db(transaction=True)


def held_case(days_ago=0):
    """A case whose meeting was held on the working day `days_ago` days back (or the one before
    it), the decision letter sent 14 and the LA told 7 working days before the meeting: the
    order the fact rules require, on days the service is open."""
    from django.utils import timezone

    from mediation.accounts.models import Role
    from mediation.cases import services
    from mediation.cases.models import Party
    from mediation.cases.tests.factories import LocalAuthorityFactory, enquiry_data
    from mediation.deadlines.clocks import service_calendar
    from mediation.domain.case_states import CaseState, Route, Step
    from mediation.workflow import services as workflow_services
    from mediation.workflow.services import case_take_step

    today = timezone.localdate()
    calendar = service_calendar()
    held = today - timedelta(days=days_ago)
    if not calendar.is_working_day(held):
        held = calendar.subtract_working_days(held, 1)
    officer = staff("casey", "Casey", "Morgan", Role.CASE_OFFICER)
    mediator = staff("maya", "Maya", "Mediator", Role.MEDIATOR)
    authority = LocalAuthorityFactory.create(name="Eastmoor County Council", code="EMC")
    enquiry = services.enquiry_record(
        by=officer,
        data=enquiry_data(
            authority,
            notice_sent_on=calendar.subtract_working_days(held, 14),
            received_at=timezone.now() - (today - held) - timedelta(days=14),
        ),
    )
    case = workflow_services.case_open_from_enquiry(
        enquiry=enquiry, route=Route.MEDIATION, owner=officer, by=officer
    )
    case = services.case_assign_mediator(case=case, mediator=mediator, by=officer)
    Party.objects.create(
        case=case,
        role="la_representative",
        name="Omar Hassan",
        email="omar.hassan@eastmoor.example.gov.uk",
        preferred_contact="email",
    )
    Party.objects.create(
        case=case,
        role="supporter",
        supports=case.parties.get(role="parent_carer"),
        name="Grace Whitfield",
        address="12 Mill Lane\nEastmoor",
        preferred_contact="letter",
    )
    for step, on, state in (
        (Step.INFORM_LA, calendar.subtract_working_days(held, 7), CaseState.MEDIATION_REQUESTED),
        (Step.BOOK_MEETING, held, CaseState.ARRANGING),
        (Step.RECORD_MEETING_HELD, held, CaseState.MEETING_BOOKED),
    ):
        case = case_take_step(
            case=case, step=step, by=officer, data={"on": on}, expected_state=state
        )
    return case


def success(page):
    page.wait_for_selector(".govuk-notification-banner--success")
    assert_accessible(page)


def add_action(page, what, kind):
    page.get_by_role("button", name="Add an agreed action").click()
    page.wait_for_selector("h1")
    assert_accessible(page)
    page.get_by_label("What was agreed").fill(what)
    page.get_by_label("The local authority", exact=True).check()
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Section F: special educational provision").check()
    page.get_by_role("button", name="Save the action").click()
    success(page)


def test_write_agree_finalise_and_send_the_statement(page, live_server):
    from mediation.notifications.models import Message
    from mediation.outcomes.models import OutcomeStatement

    case = held_case()
    sign_in(page, live_server, "maya")
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    assert_accessible(page)
    page.get_by_role("link", name="Write the outcome statement").click()
    page.wait_for_selector("h1")
    assert_accessible(page)

    # A refused form keeps what was typed and says what is wrong next to the field.
    page.get_by_label("Key points of the discussion").fill("Reading support was discussed.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    assert page.get_by_label("Key points of the discussion").input_value() == (
        "Reading support was discussed."
    )
    page.get_by_label("Agreement on all issues").check()
    page.get_by_role("button", name="Save").click()
    success(page)

    add_action(
        page, "Carry out an EHC needs assessment of Isla", "Carry out an EHC needs assessment"
    )
    add_action(page, "Issue a draft EHC plan", "Make and maintain an EHC plan")
    assert "Agreed by 0 of 2 parties" in page.content()

    for name in (
        "Sarah Whitfield (Parent or carer)",
        "Omar Hassan (Local authority representative)",
    ):
        page.get_by_role("button", name="Record a party's agreement").first.click()
        page.wait_for_selector("h1")
        assert_accessible(page)
        page.get_by_label(name).check()
        page.get_by_role("button", name="Record their agreement").click()
        success(page)
    assert "Agreed by 2 of 2 parties" in page.content()

    page.get_by_role("button", name="Make the statement final").click()
    # A check page first: what will be locked, and who agreed it.
    page.wait_for_selector("h1:has-text('Check before you make the outcome statement final')")
    assert_accessible(page)
    check = page.locator("main").inner_text()
    assert "Agreement on all issues" in check and "Sarah Whitfield, Omar Hassan" in check
    assert "Issue a draft EHC plan" in check and "no one can change it" in check
    page.get_by_role("button", name="Make the statement final").click()
    success(page)
    assert page.get_by_role("button", name="Add an agreed action").count() == 0
    assert page.get_by_role("button", name="Change key points and outcome").count() == 0

    page.get_by_role("button", name="Send to everyone who attended").click()
    success(page)
    assert page.get_by_role("button", name=re.compile("^Resend")).count() == 3
    assert OutcomeStatement.objects.get(case=case).is_final
    assert Message.objects.filter(subject__startswith="Outcome statement").count() == 3

    page.get_by_role("link", name=f"Back to {case.reference}").click()
    page.wait_for_selector("#outcome-statement")
    assert_accessible(page)
    panel = page.content()
    assert "Final" in panel and "Action 1 (The local authority): due" in panel
    assert "Action 2 (The local authority): due" in panel


def test_follow_up_an_overdue_action_and_read_the_report(page, live_server):
    from django.utils import timezone

    from mediation.accounts.models import Role, User
    from mediation.cases.models import Case
    from mediation.outcomes import selectors, services

    # Held a month ago, so the agreed actions' default deadlines have passed.
    case = held_case(days_ago=30)
    mediator = User.objects.get(username="maya")
    staff("morgan", "Morgan", "Manager", Role.MANAGER)
    services.statement_save(case=case, by=mediator, key_points="Discussed.", outcome="agreed_part")
    for what, kind in (("Assess Isla", "assessment"), ("Review speech therapy", "not_appealable")):
        services.action_add(
            case=case,
            by=mediator,
            data={"what": what, "who": "la", "kind": kind, "section": "F", "agreed_due": None},
        )
    statement = selectors.statement_for_case(case)
    assert statement is not None
    for party in selectors.agreeing_parties(case):
        services.agreement_record(
            case=case,
            party=party,
            by=mediator,
            method="in_meeting",
            given_for_hash=statement.content_hash,
        )
    services.statement_finalise(case=Case.objects.get(pk=case.pk), by=mediator)

    sign_in(page, live_server, "morgan")
    page.goto(f"{live_server.url}/cases/{case.reference}/outcome/")
    assert_accessible(page)
    assert page.locator(".govuk-tag", has_text="Overdue").count() == 2

    page.get_by_role("link", name=re.compile(r"^Escalate to a manager\W+action 1$")).click()
    page.wait_for_selector("h1")
    assert_accessible(page)
    page.get_by_label("Why are you escalating it?").fill("No reply to two letters")
    page.get_by_role("button", name="Escalate").click()
    success(page)

    page.get_by_role("link", name=re.compile(r"^Record as done\W+action 1$")).click()
    page.wait_for_selector("h1")
    assert_accessible(page)
    today = timezone.localdate()
    page.locator("#id_done_on_0").fill(str(today.day))
    page.locator("#id_done_on_1").fill(str(today.month))
    page.locator("#id_done_on_2").fill(str(today.year))
    page.get_by_label("How do you know?").fill("The LA's notice of assessment")
    page.get_by_role("button", name="Save").click()
    success(page)
    assert page.locator(".govuk-tag", has_text="late").count() == 1

    page.get_by_role(
        "link", name=re.compile(r"^Record a new date agreed in writing\W+action 2$")
    ).click()
    page.wait_for_selector("h1")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the outcome statement").click()

    page.goto(f"{live_server.url}/reports/agreed-actions/")
    assert_accessible(page)
    assert "0 of 2 (0%)" in page.content()
