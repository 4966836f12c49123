"""Every table is usable on a 1280 px screen and on a 320 px phone (issue 18: My work's table
was cut off at 1280 px): the page itself never scrolls sideways, and each table either fits its
wrapper or, on a phone, stacks its rows or scrolls inside a wrapper that can be reached with the
keyboard. My work, the team queue and the case list fit whole at 1280 px and stack on a phone."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_first_call_journey import sign_in, staff

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"1280": (1280, 900), "320": (320, 640)}

MEASURE = """() => {
  const page = {scroll: document.documentElement.scrollWidth, width: window.innerWidth};
  page.widest = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
      && !(el.closest('.app-table-wrapper') && el.closest('.app-table-wrapper') !== el))
    .slice(0, 4).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().width) + ': ' + (el.innerText || '').slice(0, 40));
  const tables = [...document.querySelectorAll('table.govuk-table')].map(table => {
    const wrapper = table.closest('.app-table-wrapper');
    const stacked = getComputedStyle(table.querySelector('tbody tr') || table).display === 'block';
    return {
      caption: (table.caption && table.caption.innerText) || table.id || '',
      wrapped: !!wrapper,
      focusable: !!wrapper && wrapper.tabIndex === 0,
      fits: wrapper ? table.scrollWidth <= wrapper.clientWidth + 1 : table.scrollWidth <= page.width,
      stacked: stacked,
    };
  });
  return {page, tables};
}"""


@pytest.fixture
def busy_service(db):
    from mediation.accounts.models import Role
    from mediation.cases import services
    from mediation.cases.tests.factories import LocalAuthorityFactory, enquiry_data
    from mediation.domain.case_states import Route, Step
    from mediation.workflow import services as workflow_services
    from mediation.workflow.tests.steps import take

    officer = staff("casey", "Casey", "Morgan", Role.CASE_OFFICER)
    authority = LocalAuthorityFactory.create(
        name="The Royal Borough of Kensington and Chelsea Council", code="RBK"
    )
    for n in range(6):
        enquiry = services.enquiry_record(
            by=officer,
            data=enquiry_data(
                authority,
                notice_sent_on=date(2026, 11, 2),
                child_first_name=f"Alexandrina-Josephine {n}",
                child_last_name="Montgomery-Fitzwilliam",
            ),
        )
        case = workflow_services.case_open_from_enquiry(
            enquiry=enquiry, route=Route.MEDIATION, owner=officer, by=officer, issue_health=True
        )
        take(case, Step.INFORM_LA, officer, on=date(2026, 11, 5))
    return officer


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_work_queues_fit_at_1280_and_stack_on_a_phone(browser, live_server, busy_service, width):
    context = browser.new_context(
        viewport=dict(zip(("width", "height"), WIDTHS[width], strict=True)), bypass_csp=True
    )
    page = context.new_page()
    try:
        sign_in(page, live_server)
        for path in ("/my-work/", "/team/", "/cases/"):
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.ok and page.url.endswith(path), path
            measured = page.evaluate(MEASURE)
            assert measured["tables"], path  # the six cases are listed
            assert measured["page"]["scroll"] <= measured["page"]["width"], (path, measured)
            for table in measured["tables"]:
                if width == "1280":
                    assert table["fits"], (path, table)
                else:
                    assert table["stacked"] or (table["wrapped"] and table["focusable"]), (
                        path,
                        table,
                    )
            assert_accessible(page)
    finally:
        context.close()


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_no_page_with_a_table_scrolls_sideways(browser, live_server, busy_service, width):
    from mediation.accounts.models import Role
    from mediation.cases.models import Case, Party
    from mediation.meetings import services as meetings
    from mediation.meetings.tests.conftest import at, working_days_from_today

    staff("morgan", "Morgan", "Ellis", Role.MANAGER)
    case = Case.objects.order_by("pk").first()
    assert case is not None
    Party.objects.create(
        case=case, role="la_representative", name="Omar Hassan", email="omar@example.gov.uk"
    )
    meetings.slot_offer_add(
        case=case,
        by=busy_service,
        starts_at=at(working_days_from_today(12)),
        duration_minutes=120,
        mode="online",
    )
    context = browser.new_context(
        viewport=dict(zip(("width", "height"), WIDTHS[width], strict=True)), bypass_csp=True
    )
    page = context.new_page()
    ref = case.reference
    try:
        sign_in(page, live_server, username="morgan")
        for path in (
            f"/cases/{ref}/",
            f"/cases/{ref}/parties/",
            f"/cases/{ref}/meetings/dates/",
            "/enquiries/",
            "/manage/audit-log/?reference=" + ref,
            "/manage/closure-days/",
            "/manage/local-authorities/",
            "/manage/invoices/",
            "/reports/",
        ):
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.ok and "/sign-in" not in page.url, path
            measured = page.evaluate(MEASURE)
            assert measured["page"]["scroll"] <= measured["page"]["width"], (path, measured)
            for table in measured["tables"]:
                assert table["fits"] or table["stacked"] or table["focusable"], (path, table)
    finally:
        context.close()
