"""A case officer records key dates and sees the statutory deadlines, explained; a manager
adds a closure day and sees which deadlines moved. Every page is checked with axe-core."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_first_call_journey import sign_in, staff

pytestmark = pytest.mark.django_db(transaction=True)


def go_to(page, link_name):
    """Use the service menu as a person would; on a phone it is behind the Menu button."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=link_name).click()


@pytest.fixture
def case_with_decision(db):
    from mediation.accounts.models import Role
    from mediation.cases import services
    from mediation.cases.tests.factories import LocalAuthorityFactory, enquiry_data
    from mediation.domain.case_states import Route
    from mediation.workflow import services as workflow_services

    officer = staff("casey", "Casey", "Morgan", Role.CASE_OFFICER)
    staff("morgan", "Morgan", "Ellis", Role.MANAGER)
    authority = LocalAuthorityFactory.create(name="Eastmoor County Council", code="EMC")
    enquiry = services.enquiry_record(
        by=officer, data=enquiry_data(authority, notice_sent_on=date(2026, 11, 2))
    )
    return workflow_services.case_open_from_enquiry(
        enquiry=enquiry, route=Route.MEDIATION, owner=officer, by=officer, issue_health=True
    )


def test_key_dates_give_explained_deadlines_and_a_closure_day_moves_them(
    page, live_server, case_with_decision
):
    reference = case_with_decision.reference
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/cases/{reference}/")
    assert page.get_by_text("Family's appeal deadline: Monday 4 January 2027").is_visible()
    page.get_by_role("link", name="Record or change key dates and issues").click()
    assert_accessible(page)
    # The day the LA was told moves the case on, so the key dates page sends it to the step.
    page.locator("#id_la_informed_on_0").fill("5")
    page.locator("#id_la_informed_on_1").fill("11")
    page.locator("#id_la_informed_on_2").fill("2026")
    page.get_by_role("button", name="Save and work out deadlines").click()
    page.wait_for_selector(".govuk-error-summary")
    step_name = "Record that the LA has been told the family wants mediation"
    assert (
        f"record it with the step “{step_name}”"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert page.locator("#id_la_informed_on_0").input_value() == "5"
    assert_accessible(page)
    page.goto(f"{live_server.url}/cases/{reference}/")
    page.get_by_role("link", name=step_name).click()
    page.wait_for_selector("h1")
    assert_accessible(page)
    page.locator("#id_on_0").fill("5")
    page.locator("#id_on_1").fill("11")
    page.locator("#id_on_2").fill("2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(reference + "/$"))
    assert "Success" in page.locator(".govuk-notification-banner").first.inner_text()
    row = page.get_by_role("row").filter(has_text="LA to tell the health commissioning body")
    assert "Tue 10 Nov 2026" in row.inner_text()
    row.get_by_text("SEND Regulations 2014 reg 35(2)").click()  # open the explanation
    assert row.get_by_text("3 working days after Thu 5 Nov 2026").is_visible()
    assert_accessible(page)

    go_to(page, "My work")
    assert "LA to tell the health commissioning body" in page.locator("table").inner_text()
    assert_accessible(page)
    go_to(page, "Team queue")
    assert reference in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, username="morgan")
    page.goto(f"{live_server.url}/manage/closure-days/")
    assert_accessible(page)
    page.locator("#id_day_0").fill("9")
    page.locator("#id_day_1").fill("11")
    page.locator("#id_day_2").fill("2026")
    page.get_by_label("Name").fill("Staff training day")
    page.get_by_label("Service closure day").check()
    page.get_by_role("button", name="Add day").click()
    page.wait_for_url(re.compile(r"/manage/calendar-changes/\d+/$"))
    assert reference in page.content() and "2026-11-11" in page.content()
    assert_accessible(page)
