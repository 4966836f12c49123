"""The end-of-case survey: a case closes, the child who gave their views answers their questions
in child-friendly words (a missing answer pointed out first), the parent answers theirs, then a
case officer reads the answers on the case and a manager reads the results per kind of
participant, comments anonymised, on the reports dashboard.

Every page is checked with axe-core, on a desktop and a phone-sized screen.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_first_call_journey import AUTHENTICATOR_KEY, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def closed_case(open_case, case_officer_cal, manager_sue):
    """The parent (main contact) and a child who gave their views through a link sent to the
    parent; the case then closed, which emails both the survey."""
    from mediation.accounts.two_factor import device_with_key
    from mediation.cases.models import ClosureOutcome, PartyRole
    from mediation.domain.case_states import CaseState, Step
    from mediation.feedback.models import SurveyInvitation
    from mediation.parties.services import party_add
    from mediation.portal.models import AccessKind
    from mediation.portal.services import access_invite
    from mediation.uploads.services import child_views_record
    from mediation.workflow.services import case_take_step

    for user in (case_officer_cal, manager_sue):
        device_with_key(user, AUTHENTICATOR_KEY)
    by = case_officer_cal
    child = party_add(
        case=open_case,
        by=by,
        data={"role": PartyRole.CHILD, "name": "Isla Whitfield", "preferred_contact": "phone"},
    )
    parent = open_case.parties.get(is_main_contact=True)
    access_invite(case=open_case, party=child, kind=AccessKind.CHILD_VIEWS, by=by, send_to=parent)
    child_views_record(
        open_case,
        given_via="portal",
        going_well="Art",
        hard="Maths",
        would_like="Help",
        who_helps="Mum",
        helped_by="Mum",
        share_with="everyone",
        by_party=child,
    )
    case = case_take_step(
        case=open_case,
        step=Step.CLOSE,
        by=by,
        data={"closure_outcome": ClosureOutcome.WITHDRAWN, "reason": "Family withdrew"},
        expected_state=CaseState(open_case.status),
    )
    invitations = {i.participant: i for i in SurveyInvitation.objects.filter(case=case)}
    return case, invitations


def _open_link(page, live_server, invitation):
    from django.core import mail

    from mediation.notifications.models import Message

    message = Message.objects.get(pk=invitation.message_id)
    sent = [
        m for m in mail.outbox if m.subject == message.subject and message.recipient_email in m.to
    ]
    assert sent, "the survey email went out"
    found = re.search(r"/portal/link/[\w-]+/", str(sent[-1].body))
    assert found is not None
    page.goto(f"{live_server.url}{found.group(0)}")
    page.wait_for_selector("h1")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_selector("h1")


def test_the_child_and_the_parent_answer_and_staff_read_the_results(page, live_server, closed_case):
    case, invitations = closed_case
    assert set(invitations) == {"parent", "child"}

    _open_link(page, live_server, invitations["child"])
    assert page.locator("h1").inner_text() == "What did you think?"
    assert page.get_by_text("How did it go for you?").is_visible()
    assert "How satisfied" not in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "Pick how it went" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Really good").check()
    page.locator('input[name="felt_heard"][value="partly"]').check()
    page.locator('input[name="information_clear"][value="yes"]').check()
    page.locator('input[name="would_recommend"][value="not_sure"]').check()
    page.get_by_label("Is there anything else you want to tell us?").fill(
        "Isla liked the art. Ring Mum on 07700 900123"
    )
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector("h1:has-text('Thank you')")
    assert "We have got your answers" in page.content()
    assert_accessible(page)

    page.context.clear_cookies()
    _open_link(page, live_server, invitations["parent"])
    assert page.get_by_text("Overall, how satisfied are you with our service?").is_visible()
    assert_accessible(page)
    page.get_by_label("Dissatisfied", exact=True).check()
    page.locator('input[name="felt_heard"][value="yes"]').check()
    page.locator('input[name="information_clear"][value="no"]').check()
    page.locator('input[name="would_recommend"][value="no"]').check()
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector("h1:has-text('Thank you')")
    assert_accessible(page)

    # The case officer reads who was asked and what they said.
    page.context.clear_cookies()
    sign_in(page, live_server, "cal")
    page.goto(f"{live_server.url}/cases/{case.reference}/feedback/")
    page.wait_for_selector("h1:has-text('What people thought of the service')")
    assert_accessible(page)
    assert "Isla liked the art" in page.content()

    # The manager reads the figures per kind of participant, the comment anonymised.
    page.context.clear_cookies()
    sign_in(page, live_server, "sue")
    page.goto(f"{live_server.url}/reports/")
    page.wait_for_selector("#comments")
    assert_accessible(page)
    section = page.locator("table", has=page.locator("caption", has_text="What people thought"))
    text = section.inner_text()
    assert "Satisfied with the service" in text
    assert "Satisfied: children who gave their views" in text
    assert "Satisfied: parents and carers" in text
    comments = page.locator(".app-comments").inner_text()
    assert "[phone number]" in comments and "07700" not in comments and "Isla" not in comments
