"""A manager opens Reports, tries a custom period typed wrongly, then looks at this quarter for
one local authority and follows a figure to the cases behind it. Every page is checked with
axe-core on a desktop and a phone-sized screen."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_first_call_journey import sign_in, staff

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reports_setup(db):
    from django.utils import timezone

    from mediation.accounts.models import Role
    from mediation.cases.tests.factories import LocalAuthorityFactory
    from mediation.reports.tests.helpers import make_case

    today = timezone.localdate()
    manager = staff("morgan", "Morgan", "Manager", Role.MANAGER)
    eastmoor = LocalAuthorityFactory(name="Eastmoor County Council", code="EMC")
    westdale = LocalAuthorityFactory(name="Westdale Borough Council", code="WDB")
    cases = []
    for authority, outcome in (
        (eastmoor, "agreed_all"),
        (eastmoor, "agreed_part"),
        (westdale, "not_agreed"),
    ):
        cases.append(
            make_case(
                authority,
                manager,
                notice_sent_on=today - timedelta(days=60),
                la_informed_on=today - timedelta(days=20),
                mediation_held_on=today,
                mediation_concluded_on=today,
                outcome=outcome,
                opened_at=timezone.now(),
            )
        )
    return cases


def test_manager_reads_the_dashboard_and_the_cases_behind_a_figure(
    page, live_server, reports_setup
):
    sign_in(page, live_server, username="morgan")
    page.goto(f"{live_server.url}/reports/")
    assert page.get_by_role("heading", name="Reports", exact=True).is_visible()
    assert_accessible(page)

    # A custom period with a date that does not exist is refused with the error summary.
    page.get_by_label("Period", exact=True).select_option("custom")
    page.locator("#id_start_0").fill("31")
    page.locator("#id_start_1").fill("2")
    page.locator("#id_start_2").fill("2026")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_selector(".govuk-error-summary")
    assert page.get_by_text("From must be a real date").first.is_visible()
    assert page.locator("#id_start_0").input_value() == "31"
    assert_accessible(page)

    # This quarter, one local authority.
    page.get_by_label("Local authority").select_option("EMC")
    page.get_by_label("Period", exact=True).select_option(index=0)
    page.locator("#id_start_0").fill("")
    page.locator("#id_start_1").fill("")
    page.locator("#id_start_2").fill("")
    page.get_by_role("button", name="Show figures").click()
    page.wait_for_selector("#figures-for")
    assert "Eastmoor County Council" in page.locator("#figures-for").inner_text()
    assert page.locator("svg[role=img]").count() == 4
    assert (
        page.get_by_text("Agreed in full: 1").first.is_visible()
        or page.locator("svg").first.is_visible()
    )
    assert_accessible(page)

    page.locator("a[href*='metric=mediations_held']").first.click()
    page.wait_for_url(re.compile(r"/reports/cases/\?"))
    assert page.get_by_role("heading", name="Mediations held").is_visible()
    table = page.locator("table").inner_text()
    assert reports_setup[0].reference in table and reports_setup[1].reference in table
    assert reports_setup[2].reference not in table
    assert_accessible(page)

    page.get_by_role("link", name="Back to reports").click()
    page.wait_for_selector("#figures-for")
    assert "Eastmoor County Council" in page.locator("#figures-for").inner_text()


def test_manager_makes_and_emails_a_quarterly_report(page, live_server, reports_setup):
    sign_in(page, live_server, username="morgan")
    page.goto(f"{live_server.url}/reports/quarterly/")
    assert_accessible(page)
    # Nothing chosen: the error summary lists both fields.
    page.get_by_role("button", name="Make the report").click()
    page.wait_for_selector(".govuk-error-summary")
    assert page.get_by_text("Select a local authority").first.is_visible()
    assert_accessible(page)
    page.get_by_label("Local authority").select_option("EMC")
    page.get_by_label("Quarter").select_option(index=1)
    page.get_by_role("button", name="Make the report").click()
    page.wait_for_url(re.compile(r"/reports/quarterly/\d+/$"))
    # The test settings run tasks at once, so the report is ready when the page loads.
    assert page.locator("#report-status").inner_text() == "Ready"
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Email it to")).click()
    page.wait_for_selector(".govuk-notification-banner--success")
    assert_accessible(page)


def test_manager_reads_the_sen2_figures_and_their_cases(page, live_server, reports_setup):
    from django.utils import timezone

    year = timezone.localdate().year
    sign_in(page, live_server, username="morgan")
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("link", name="SEN2 mediation figures, per local authority").click()
    page.get_by_label("Calendar year").select_option(str(year))
    page.get_by_role("button", name="Show the figures").click()
    page.wait_for_selector("#figures-for")
    assert f"{year}: every local authority" in page.locator("#figures-for").inner_text()
    assert page.get_by_role("rowheader", name="Eastmoor County Council").is_visible()
    assert_accessible(page)

    page.locator("a[href*='metric=sen2_mediations_held'][href*='la=EMC']").first.click()
    page.wait_for_url(re.compile(r"/reports/cases/\?"))
    table = page.locator("table").inner_text()
    assert reports_setup[0].reference in table and reports_setup[1].reference in table
    assert reports_setup[2].reference not in table
    assert_accessible(page)
