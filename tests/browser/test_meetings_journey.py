"""A case officer offers dates, records who can come, books the meeting and finds it on the
calendar. Every page is checked with axe-core on a desktop and a phone-sized screen."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_first_call_journey import sign_in, staff

pytestmark = pytest.mark.django_db(transaction=True)


def arranging_case():
    from django.utils import timezone

    from mediation.accounts.models import Role
    from mediation.cases import services
    from mediation.cases.models import Party
    from mediation.cases.tests.factories import LocalAuthorityFactory, enquiry_data
    from mediation.domain.case_states import CaseState, Route, Step
    from mediation.workflow import services as workflow_services
    from mediation.workflow.services import case_take_step

    officer = staff("casey", "Casey", "Morgan", Role.CASE_OFFICER)
    mediator = staff("maya", "Maya", "Mediator", Role.MEDIATOR)
    authority = LocalAuthorityFactory.create(name="Eastmoor County Council", code="EMC")
    enquiry = services.enquiry_record(by=officer, data=enquiry_data(authority))
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
    # The parent's supporter attends by right (reg 38(1)(b)), so is invited.
    Party.objects.create(
        case=case,
        role="supporter",
        supports=case.parties.get(role="parent_carer"),
        name="Grace Whitfield",
        address="12 Mill Lane\nEastmoor",
        preferred_contact="letter",
    )
    return case_take_step(
        case=case,
        step=Step.INFORM_LA,
        by=officer,
        data={"on": timezone.localdate()},
        expected_state=CaseState.MEDIATION_REQUESTED,
    )


def test_offer_dates_record_answers_and_book(page, live_server):
    from mediation.deadlines.clocks import service_calendar
    from mediation.meetings.models import Meeting
    from mediation.notifications.models import Message

    case = arranging_case()
    day = service_calendar().add_working_days(__import__("datetime").date.today(), 8)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    assert_accessible(page)
    page.get_by_role("link", name="Offer dates and record answers").click()
    page.wait_for_selector("h1:has-text('Meeting dates')")
    assert_accessible(page)

    # a mistake first: the error is shown beside the field and what was typed is kept
    page.locator("#id_on_0").fill(str(day.day))
    page.locator("#id_on_1").fill(str(day.month))
    page.locator("#id_on_2").fill(str(day.year))
    page.get_by_label("Start time").fill("26:00")
    page.get_by_label("Online (video call)").check()
    page.get_by_role("button", name="Offer this date").click()
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page)
    assert page.get_by_label("Start time").input_value() == "26:00"
    page.get_by_label("Start time").fill("10:00")
    page.get_by_role("button", name="Offer this date").click()
    page.wait_for_selector(".govuk-notification-banner")
    assert "Waiting for answers" in page.locator("table.app-slots").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("^Record answers")).click()
    page.wait_for_selector("h1:has-text('Who can come')")
    assert_accessible(page)
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    page.get_by_role("button", name="Save answers").click()
    page.wait_for_selector(".govuk-notification-banner")
    assert "Works for everyone required" in page.locator("table.app-slots").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("^Book this date")).click()
    page.wait_for_selector("h1:has-text('Book the meeting')")
    assert_accessible(page)
    page.get_by_label("Link to join (online meetings)").fill("https://meet.example.org/room-42")
    page.get_by_role("button", name="Book and send confirmations").click()
    page.wait_for_selector(".govuk-notification-banner")
    assert "Meeting booked" in page.locator(".govuk-notification-banner").inner_text()
    assert "Letter to Grace Whitfield" in page.locator("main").inner_text()
    assert_accessible(page)

    meeting = Meeting.objects.get(case=case)
    assert meeting.is_booked and meeting.sequence == 0
    # Offering dates tells each invited party what is needed and by when (a letter for the
    # supporter, who prefers letters); booking asks the LA to name its attendee and sends
    # everyone, the mediator too, the confirmation.
    by_day = r" by \w+day \d{1,2} \w+( \d{4})? – " + case.reference + "$"
    dates_asked = "Tell us which meeting dates you can come to" + by_day
    attendee_asked = "Name the local authority's attendee" + by_day
    booked = re.escape(f"Your mediation meeting is booked ({case.reference})") + "$"
    expected = [
        ("email", "Sarah Whitfield", dates_asked),
        ("email", "Omar Hassan", dates_asked),
        ("letter", "Grace Whitfield", dates_asked),
        ("email", "Omar Hassan", attendee_asked),
        ("email", "Sarah Whitfield", booked),
        ("email", "Omar Hassan", booked),
        ("letter", "Grace Whitfield", booked),
        ("email", "Maya Mediator", booked),
    ]
    sent = list(
        Message.objects.filter(case_id=case.pk)
        .order_by("pk")
        .values_list("channel", "recipient_name", "subject")
    )
    unmatched = list(sent)
    for channel, name, subject in expected:
        found = next(
            (m for m in unmatched if m[:2] == (channel, name) and re.match(subject, m[2])),
            None,
        )
        assert found is not None, (channel, name, subject, sent)
        unmatched.remove(found)
    assert unmatched == [], sent

    page.goto(f"{live_server.url}/cases/{case.reference}/")
    assert "Meeting booked" in page.locator("main .govuk-tag").first.inner_text()
    page.locator("#main-content").get_by_role("link", name="Calendar").click()
    page.wait_for_selector("h1:has-text('Meetings calendar')")
    assert_accessible(page)
    page.goto(f"{live_server.url}/calendar/?view=month&date={day:%Y-%m-%d}")
    assert case.reference in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Next month").click()
    page.wait_for_selector("h1:has-text('Meetings calendar')")
    assert case.reference not in page.locator("main").inner_text()
