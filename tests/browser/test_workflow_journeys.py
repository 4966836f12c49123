"""Each route taken through its steps in the browser, only ever offered the steps the law allows.
Desktop only (the phone layout of the same pages is checked by the other journeys)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.browser.conftest import CHROMIUM_ARGS, assert_accessible  # noqa: F401
from tests.browser.test_first_call_journey import sign_in, staff

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = date.today()


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def make_case(route, *, notice_days_ago=20, contacted_days_ago=None, **overrides):
    from mediation.accounts.models import Role, User
    from mediation.cases import services
    from mediation.cases.tests.factories import LocalAuthorityFactory, enquiry_data
    from mediation.workflow import services as workflow_services

    officer = User.objects.filter(username="casey").first() or staff(
        "casey", "Casey", "Morgan", Role.CASE_OFFICER
    )
    authority = LocalAuthorityFactory.create()
    data = enquiry_data(
        authority, notice_sent_on=TODAY - timedelta(days=notice_days_ago), **overrides
    )
    if overrides.get("decision_type") == "other_disagreement":
        data["notice_sent_on"] = None
    enquiry = services.enquiry_record(by=officer, data=data)
    case = workflow_services.case_open_from_enquiry(
        enquiry=enquiry, route=route, owner=officer, by=officer
    )
    if contacted_days_ago is not None:
        case = workflow_services.case_key_dates_update(
            case=case,
            by=officer,
            changes={"adviser_contacted_on": TODAY - timedelta(days=contacted_days_ago)},
        )
    return case


def with_mediator(case):
    """A meeting needs its mediator: assign one before booking."""
    from mediation.accounts.models import Role
    from mediation.cases import services

    mediator = staff("maya", "Maya", "Mediator", Role.MEDIATOR)
    return services.case_assign_mediator(case=case, mediator=mediator, by=case.owner)


def fill_date(page, prefix, day):
    page.locator(f"#id_{prefix}_0").fill(str(day.day))
    page.locator(f"#id_{prefix}_1").fill(str(day.month))
    page.locator(f"#id_{prefix}_2").fill(str(day.year))


def step(page, label, *, on=None, choose=None, text=None, confirm=False, check=True):
    page.get_by_role("link", name=label).click()
    page.wait_for_selector("h1")
    if check:
        assert_accessible(page)
    if on is not None:
        fill_date(page, "on", on)
    for option in choose or []:
        page.get_by_label(option, exact=True).check()
    for field_label, value in (text or {}).items():
        page.get_by_label(field_label).fill(value)
    page.locator("main form button[type=submit]").click()
    if confirm:
        # The GOV.UK "check answers" page, with Back and a Change link for each answer.
        page.wait_for_selector("h1:has-text('Check your answers')")
        assert page.get_by_role("link", name="Back", exact=True).count() == 1
        assert page.get_by_role("link", name=re.compile(r"^Change")).count() >= 1
        assert "cannot be undone" not in page.content()
        assert_accessible(page)
        page.get_by_role("button", name=re.compile(r"^Confirm")).click()
    page.wait_for_selector(".govuk-notification-banner")
    assert "Success" in page.locator(".govuk-notification-banner").first.inner_text()


def book_meeting(page, day):
    """Book the meeting the way the case page leads: offer a date, record that it suits
    everyone, then book it (the meetings pages, so everyone is told)."""
    page.get_by_role("link", name="Book the meeting").click()
    page.wait_for_selector("h1:has-text('Meeting dates')")
    fill_date(page, "on", day)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Online (video call)").check()
    page.get_by_role("button", name="Offer this date").click()
    page.wait_for_selector(".govuk-notification-banner")
    page.get_by_role("link", name=re.compile("^Record answers")).click()
    page.wait_for_selector("h1:has-text('Who can come')")
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    page.get_by_role("button", name="Save answers").click()
    page.wait_for_selector(".govuk-notification-banner")
    page.get_by_role("link", name=re.compile("^Book this date")).click()
    page.wait_for_selector("h1:has-text('Book the meeting')")
    page.get_by_label("Link to join (online meetings)").fill("https://meet.example.org/room-7")
    page.get_by_role("button", name="Book and send confirmations").click()
    page.wait_for_selector(".govuk-notification-banner")
    assert "Meeting booked" in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_role("link", name=re.compile("^Back to ")).click()
    page.wait_for_selector("h1")


NOT_YET = "Not yet: the meeting is booked for"


@contextmanager
def on_the_meeting_day(page, live_server, case, day) -> Iterator[None]:
    """Travel (the test and the server) to the afternoon of the meeting's day: a meeting is
    recorded as held once it took place. Signed in again, as the session ran out meanwhile."""
    afternoon = datetime.combine(day, time(15, 0), tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(afternoon, tick=True):
        page.context.clear_cookies()
        open_case_page(page, live_server, case)
        yield


def status_of(page):
    return page.locator("main .govuk-tag").first.inner_text()


def open_case_page(page, live_server, case):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/cases/{case.reference}/")


def test_mediation_route(desk, live_server):
    from mediation.deadlines.clocks import service_calendar
    from mediation.domain.case_states import Route

    case = with_mediator(make_case(Route.MEDIATION))
    open_case_page(desk, live_server, case)
    assert desk.get_by_role("link", name="Record that the meeting took place").count() == 0
    step(
        desk,
        "Record that the LA has been told the family wants mediation",
        on=TODAY - timedelta(days=15),
    )
    assert status_of(desk) == "LA told: arranging mediation"
    meeting_day = service_calendar().add_working_days(TODAY, 7)
    book_meeting(desk, meeting_day)
    assert status_of(desk) == "Meeting booked"
    assert NOT_YET in desk.content()  # not before the day it is booked for
    with on_the_meeting_day(desk, live_server, case, meeting_day):
        step(desk, "Record that the meeting took place", on=meeting_day, check=False)
        step(desk, "Record the outcome", on=meeting_day, choose=["Agreement on some issues"])
        assert "Not yet: Record the certificate first" in desk.content()
        step(desk, "Record that the certificate was issued", on=meeting_day, confirm=True)
        assert "After mediation (CFA 2014 s55(5))" in desk.content()
        step(desk, "Follow up the agreed actions", check=False)
        step(
            desk,
            "Close the case",
            choose=["Completed", "Not known"],
            text={"Note": "Actions followed up"},
            confirm=True,
        )
        assert status_of(desk) == "Closed"
        assert desk.get_by_role("link", name="Reopen the case").is_visible()


def test_deemed_certificate_route(desk, live_server):
    from mediation.domain.case_states import Route

    case = make_case(Route.MEDIATION, notice_days_ago=45)
    open_case_page(desk, live_server, case)
    step(
        desk,
        "Record that the LA has been told the family wants mediation",
        on=TODAY - timedelta(days=35),
        check=False,
    )
    step(
        desk,
        "Record that the LA cannot arrange mediation within 30 days",
        on=TODAY - timedelta(days=1),
    )
    assert "Certificate due (LA could not arrange mediation)" in desk.content()
    step(desk, "Record that the certificate was issued", on=TODAY, confirm=True, check=False)
    assert "LA could not arrange mediation in 30 days (reg 39(3))" in desk.content()
    # The mediation can still go ahead.
    assert desk.get_by_role("link", name="Book the meeting").is_visible()


def test_out_of_time_route_explains_the_tribunal_leave(desk, live_server):
    from mediation.domain.case_states import Route

    case = make_case(Route.CERTIFICATE_ONLY, notice_days_ago=90, contacted_days_ago=10)
    open_case_page(desk, live_server, case)
    assert desk.get_by_role("link", name="Record that the certificate was issued").count() == 0
    assert "No certificate can be issued" in desk.content() and "reg 34(3)" in desk.content()
    assert_accessible(desk)


def test_disagreement_resolution_route(desk, live_server):
    from mediation.deadlines.clocks import service_calendar
    from mediation.domain.case_states import Route

    case = with_mediator(
        make_case(Route.DISAGREEMENT_RESOLUTION, decision_type="other_disagreement")
    )
    open_case_page(desk, live_server, case)
    assert "Not yet: Record that everyone agrees to take part first" in desk.content()
    step(
        desk,
        "Record that everyone agrees to take part",
        on=TODAY,
        text={"Who agreed, and how": "Parent and head teacher, by phone"},
    )
    meeting_day = service_calendar().add_working_days(TODAY, 5)
    book_meeting(desk, meeting_day)
    assert NOT_YET in desk.content()  # not before the day it is booked for
    with on_the_meeting_day(desk, live_server, case, meeting_day):
        step(desk, "Record that the meeting took place", on=meeting_day, check=False)
        step(
            desk,
            "Record the outcome",
            on=meeting_day,
            choose=["Agreement on all issues"],
            check=False,
        )
        assert desk.get_by_role("link", name="Record that the certificate was issued").count() == 0
        step(
            desk,
            "Close the case",
            choose=["Completed"],
            text={"Note": "Resolved"},
            confirm=True,
            check=False,
        )
        assert status_of(desk) == "Closed"


def test_certificate_route(desk, live_server):
    from mediation.domain.case_states import Route

    case = make_case(Route.CERTIFICATE_ONLY)
    open_case_page(desk, live_server, case)
    assert "Certificate due (family declined mediation)" in desk.content()
    step(desk, "Record that the certificate was issued", on=TODAY, confirm=True, check=False)
    assert re.search(r"Family did not want mediation", desk.content())
    step(
        desk,
        "Close the case",
        choose=["Completed", "Yes, the family has appealed"],
        text={"Note": "Appealed"},
        confirm=True,
        check=False,
    )
    assert "Appeal: Yes, the family has appealed" in desk.content()
