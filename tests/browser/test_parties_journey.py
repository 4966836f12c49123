"""Parties and attendance in the browser: the LA names its attendee and confirms their
authority (the warning goes), a supporter attends by right, an information provider needs
everyone's consent, a parent objects and the mediator decides.

Runs on a desktop and a phone-sized screen; every page is checked with axe-core.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_first_call_journey import sign_in, staff

pytestmark = pytest.mark.django_db(transaction=True)

WARNING = "The LA has not yet confirmed that its attendee can make decisions on: education"


@pytest.fixture
def case_reference(db):
    from mediation.accounts.models import Role
    from mediation.cases import services
    from mediation.cases.tests.factories import LocalAuthorityFactory, enquiry_data
    from mediation.domain.case_states import Route
    from mediation.workflow import services as workflow_services

    manager = staff("morgan", "Morgan", "Ellis", Role.MANAGER)
    enquiry = services.enquiry_record(by=manager, data=enquiry_data(LocalAuthorityFactory.create()))
    case = workflow_services.case_open_from_enquiry(
        enquiry=enquiry, route=Route.MEDIATION, owner=manager, by=manager
    )
    return case.reference


def add_person(page, role, name, *, fields=None, selects=None):
    page.locator("main a", has_text="Add a person").first.click()
    page.wait_for_selector("h1:has-text('Add a person')")
    page.get_by_label(role, exact=True).check()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Phone", exact=True).check()
    for label, value in (fields or {}).items():
        page.get_by_label(label).fill(value)
    for label, option in (selects or {}).items():
        page.get_by_label(label).select_option(label=option)
    page.get_by_role("button", name="Save person").click()
    page.wait_for_selector(f"h1:has-text('{name}')")
    assert_accessible(page)


def test_parties_attendance_and_authority(page, live_server, case_reference):
    sign_in(page, live_server, username="morgan")
    page.goto(f"{live_server.url}/cases/{case_reference}/")
    assert WARNING in page.locator(".app-parties-panel").inner_text()
    assert_accessible(page)

    # A form sent empty shows the error summary and the message beside the field.
    page.get_by_role("link", name="Add a person to the case").click()
    page.wait_for_url(re.compile(r"/parties/new/$"))
    assert_accessible(page)
    page.get_by_role("button", name="Save person").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "Select the person's role" in page.locator(".govuk-error-summary").inner_text()
    assert "Enter the full name" in page.locator(".govuk-error-message").first.inner_text() or (
        "Enter the full name" in page.content()
    )
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Back to parties")).click()
    page.wait_for_selector("h1:has-text('Parties and attendance')")
    assert_accessible(page)

    # The LA names its attendee and confirms their authority.
    add_person(
        page,
        "Local authority representative",
        "Lee Officer",
        fields={"Organisation": "Testshire Council SEN team"},
    )
    assert "Attends as a party" in page.locator("main").inner_text()
    page.get_by_role("link", name="Confirm what Lee Officer can decide").click()
    page.wait_for_selector("h1:has-text('Confirm what')")
    assert_accessible(page)
    page.get_by_label("Education", exact=True).check()
    page.locator("#id_confirmed_on_0").fill("2")
    page.locator("#id_confirmed_on_1").fill("11")
    page.locator("#id_confirmed_on_2").fill("2026")
    page.get_by_role("button", name="Save authority").click()
    page.wait_for_selector(".govuk-notification-banner")
    assert "Education: confirmed 2 November 2026" in page.locator(".app-authorities").inner_text()
    assert_accessible(page)
    page.goto(f"{live_server.url}/cases/{case_reference}/")
    assert WARNING not in page.locator("main").inner_text()

    # A supporter of the parent attends by right.
    page.get_by_role("link", name="Parties, attendance and needs").click()
    page.wait_for_selector("h1:has-text('Parties and attendance')")
    add_person(
        page,
        "Supporter",
        "Ann Advocate",
        fields={"Reasonable adjustments": "Breaks every 30 minutes"},
        selects={
            "Kind of supporter": "IASS (SENDIASS) worker",
            "Who are they supporting?": "Sarah Whitfield (Parent or carer)",
        },
    )
    assert "Attends by right" in page.locator("main").inner_text()

    # An information provider needs everyone's consent; the parent objects.
    page.get_by_role("link", name="Back to parties and attendance").click()
    add_person(
        page,
        "Information provider",
        "Ms Teacher",
        fields={"Organisation": "Hollybank Primary School"},
        selects={"Kind of information provider": "School, college or setting"},
    )
    assert "Awaiting agreement" in page.locator("main").inner_text()
    page.get_by_role("link", name="Record an agreement or objection").click()
    page.wait_for_selector("h1:has-text('Record an answer')")
    assert_accessible(page)
    page.get_by_label("Sarah Whitfield (Parent or carer)").check()
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save answer").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "Give the reason for the objection" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Reason for objecting").fill("A written report is enough")
    page.get_by_role("button", name="Save answer").click()
    page.wait_for_selector(".govuk-notification-banner")
    assert "Objected to" in page.locator("main").inner_text()
    assert_accessible(page)

    # The mediator's decision settles it (reg 38(1)(e)).
    page.get_by_role("link", name="Record the mediator's decision").click()
    page.wait_for_selector("h1:has-text('Mediator')")
    assert_accessible(page)
    page.get_by_label("Allow them to attend", exact=True).check()
    page.get_by_label("Reason", exact=True).fill("Her evidence on reading is central")
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_selector(".govuk-notification-banner")
    assert "Mediator allowed" in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Back to parties and attendance").click()
    page.wait_for_selector("h1:has-text('Parties and attendance')")
    table = page.locator(".app-attendance").inner_text()
    assert "Ann Advocate" in table and "Attends by right" in table
    assert "Ms Teacher" in table and "Mediator allowed" in table
    assert "Breaks every 30 minutes" in page.locator(".app-needs-summary").inner_text()
    assert_accessible(page)
    page.goto(f"{live_server.url}/cases/{case_reference}/")
    assert "Mediator allowed" in page.locator(".app-parties-panel").inner_text()


def test_expenses_claim_and_the_other_party_pages(page, live_server, case_reference):
    sign_in(page, live_server, username="morgan")
    page.goto(f"{live_server.url}/cases/{case_reference}/")
    page.get_by_role("link", name="Expenses claims").click()
    page.wait_for_selector("h1:has-text('Expenses claims')")
    assert "The local authority" in page.locator("main").inner_text()
    assert_accessible(page)
    page.locator("main a", has_text="Record an expenses claim").click()
    page.wait_for_selector("h1:has-text('Record an expenses claim')")
    assert_accessible(page)
    page.get_by_label("Sarah Whitfield (Parent or carer)").check()
    page.locator("#id_received_on_0").fill("20")
    page.locator("#id_received_on_1").fill("11")
    page.locator("#id_received_on_2").fill("2026")
    page.get_by_role("button", name="Start the claim").click()
    page.wait_for_selector("h1:has-text('Expenses claim from Sarah Whitfield')")
    assert_accessible(page)

    page.locator("main a", has_text="Add an item").click()
    page.wait_for_selector("h1:has-text('Add an item')")
    assert_accessible(page)
    page.get_by_label("Loss of earnings (up to £45 a person)").check()
    page.get_by_label("Amount claimed").fill("60")
    page.get_by_role("button", name="Add item").click()
    page.wait_for_selector(".govuk-notification-banner")
    page.locator("main a", has_text="Add an item").click()
    page.get_by_label("Car or motorcycle (25p a mile)").check()
    page.get_by_role("button", name="Add item").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "Enter the number of miles" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Miles").fill("30")
    page.get_by_role("button", name="Add item").click()
    page.wait_for_selector(".govuk-notification-banner")
    assert "Total payable: £52.50" in page.locator(".app-claim-total").inner_text()
    assert "Capped at £45.00" in page.locator(".app-claim-lines").inner_text()
    assert_accessible(page)

    # The parent's own page, their details form and the attendance form.
    page.goto(f"{live_server.url}/cases/{case_reference}/parties/")
    page.locator(".app-attendance").get_by_role("link", name="Sarah Whitfield").click()
    page.wait_for_selector("h1:has-text('Sarah Whitfield')")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Change details")).click()
    page.wait_for_selector("h1:has-text('Change the details')")
    assert_accessible(page)
    page.get_by_label("They need an interpreter").check()
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Language the interpreter is needed for").fill("Polish")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_selector(".govuk-notification-banner")
    assert "Interpreter needed: Polish" in page.locator("main").inner_text()
    page.get_by_role("link", name=re.compile("Change whether")).click()
    page.wait_for_selector("h1:has-text('Will Sarah Whitfield attend?')")
    assert_accessible(page)
