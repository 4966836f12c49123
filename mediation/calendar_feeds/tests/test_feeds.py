"""Calendar subscriptions: a private address per staff member, read by calendar programs."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from icalendar import Calendar

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.calendar_feeds.models import CalendarFeed
from mediation.calendar_feeds.services import hash_token
from mediation.domain.case_states import CaseState
from mediation.meetings.tests.conftest import ONLINE, at, working_days_from_today

pytestmark = pytest.mark.django_db


def _turn_on(client) -> str:
    """Turn the subscription on (or make a new address) and return the feed's path."""
    page = client.post(reverse("calendar_feeds:new-address")).content.decode()
    found = re.search(r'id="feed-address">([^<]+)<', page)
    assert found is not None
    address = found.group(1)
    return address.removeprefix("http://127.0.0.1:8000")


def _events(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response, [c for c in Calendar.from_ical(response.content).walk("VEVENT")]


@pytest.fixture
def booked(arranging_case, slot, case_officer_cal):
    from mediation.meetings import services

    return services.meeting_book(
        case=arranging_case,
        slot=slot,
        by=case_officer_cal,
        details=ONLINE,
        short_notice_consent=False,
        expected_state=CaseState.ARRANGING,
    )


def test_the_mediators_feed_shows_time_reference_and_link_only(
    client, mediator_mia, booked, case_officer_cal
):
    from mediation.meetings import services

    login(client, mediator_mia)
    path = _turn_on(client)
    anonymous = type(client)()
    response, (event,) = _events(anonymous, path)
    case = booked.case
    assert str(event["summary"]) == f"Mediation meeting {case.reference}"
    assert event.decoded("dtstart") == booked.starts_at
    assert str(event["url"]).endswith(reverse("cases:detail", args=[case.reference]))
    assert str(event["status"]) == "CONFIRMED"
    uid = str(event["uid"])
    text = response.content.decode()
    for name in ("Isla", "Whitfield", "Sarah", "Omar", "Priya", "Grace", "meet.example.org", "Mia"):
        assert name not in text

    # The meeting moves: the same event, later, with a higher SEQUENCE.
    new_start = at(working_days_from_today(14), 14)
    services.meeting_reschedule(
        meeting=booked,
        by=case_officer_cal,
        starts_at=new_start,
        duration_minutes=90,
        mode="online",
        details=ONLINE,
        reason="The LA's officer is on leave",
        short_notice_consent=False,
    )
    _response, (moved,) = _events(anonymous, path)
    assert str(moved["uid"]) == uid
    assert moved.decoded("dtstart") == new_start
    assert int(moved["sequence"]) == int(event["sequence"]) + 1

    # It is cancelled: still there, so calendars remove it.
    booked.refresh_from_db()
    services.meeting_cancel(
        meeting=booked,
        by=case_officer_cal,
        reason="The family withdrew",
        expected_state=CaseState.MEETING_BOOKED,
    )
    _response, (cancelled,) = _events(anonymous, path)
    assert (str(cancelled["uid"]), str(cancelled["status"])) == (uid, "CANCELLED")
    reads = AuditEvent.objects.filter(verb="calendar_feed.read")
    first = reads.first()
    assert reads.count() == 3 and first is not None
    assert first.actor_role.startswith("calendar:feed:")


def test_the_case_officer_sees_the_meetings_of_their_cases_only(
    client, case_officer_cal, case_officer_cleo, booked
):
    login(client, case_officer_cal)
    _response, events = _events(type(client)(), _turn_on(client))
    assert len(events) == 1
    other = type(client)()
    login(other, case_officer_cleo)
    _response, none = _events(type(client)(), _turn_on(other))
    assert none == []


def test_the_address_is_kept_hashed_and_a_new_one_replaces_it(client, mediator_mia, booked):
    login(client, mediator_mia)
    first = _turn_on(client)
    token = first.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=mediator_mia)
    assert feed.token_hash == hash_token(token) and token not in feed.token_hash
    second = _turn_on(client)
    assert second != first
    anonymous = type(client)()
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200
    page = client.get(reverse("calendar_feeds:subscription")).content.decode()
    assert token not in page and "Your subscription is on" in page
    client.post(reverse("calendar_feeds:turn-off"))
    assert anonymous.get(second).status_code == 404
    assert not CalendarFeed.objects.filter(user=mediator_mia).exists()


def test_an_inactive_user_or_a_made_up_token_gets_nothing(client, mediator_mia, booked):
    login(client, mediator_mia)
    path = _turn_on(client)
    anonymous = type(client)()
    assert anonymous.get("/calendar/feeds/not-a-token.ics").status_code == 404
    mediator_mia.is_active = False
    mediator_mia.save()
    assert anonymous.get(path).status_code == 404


def test_the_subscription_page_needs_signing_in_and_posts(client, mediator_mia):
    page = reverse("calendar_feeds:subscription")
    assert client.get(page).status_code == 302
    login(client, mediator_mia)
    assert client.get(page).status_code == 200
    assert client.get(reverse("calendar_feeds:new-address")).status_code == 405
    assert client.get(reverse("calendar_feeds:turn-off")).status_code == 405
