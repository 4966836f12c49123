"""What a staff member's calendar feed shows: the meetings of the cases they mediate or own,
as iCalendar, with only the time, the case reference and the link to the case page."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from mediation.accounts.models import User
from mediation.domain.case_states import Route
from mediation.meetings.models import Meeting

PRODID = "-//SEND Mediation Case Manager//Calendar feed//EN"
# A UID of its own for the feed, stable for the meeting's life, so the feed's event never
# collides with the invitation emailed to the same person (which has the meeting's own UID).
UID_PREFIX = "feed-"


def feed_meetings(user: User) -> list[Meeting]:
    """Meetings of the cases the user mediates or owns, from CALENDAR_FEED_DAYS_BACK ago to
    CALENDAR_FEED_DAYS_AHEAD ahead, cancelled ones included (so calendars remove them)."""
    now = timezone.now()
    return list(
        Meeting.objects.filter(Q(case__mediator=user) | Q(case__owner=user))
        .filter(
            starts_at__gte=now - timedelta(days=settings.CALENDAR_FEED_DAYS_BACK),
            starts_at__lte=now + timedelta(days=settings.CALENDAR_FEED_DAYS_AHEAD),
        )
        .select_related("case")
        .only(
            "id", "uid", "sequence", "status", "starts_at", "duration_minutes", "updated_at",
            "case__reference", "case__route",
        )
        .order_by("starts_at", "id")
    )  # fmt: skip


def _title(meeting: Meeting) -> str:
    kind = (
        "Disagreement resolution meeting"
        if meeting.case.route == Route.DISAGREEMENT_RESOLUTION
        else "Mediation meeting"
    )
    return f"{kind} {meeting.case.reference}"


def feed_ics(user: User, meetings: list[Meeting]) -> bytes:
    """The feed as iCalendar (RFC 5545, METHOD:PUBLISH): one event per meeting, the same UID
    for the meeting's life, SEQUENCE the meeting's (it rises when it moves or is cancelled)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{settings.SERVICE_NAME}: my meetings")
    cal.add("x-published-ttl", "PT1H")
    for meeting in meetings:
        link = f"{settings.SITE_URL}{reverse('cases:detail', args=[meeting.case.reference])}"
        event = Event()
        event.add("uid", f"{UID_PREFIX}{meeting.uid}")
        event.add("sequence", meeting.sequence)
        event.add("dtstamp", meeting.updated_at)
        event.add("last-modified", meeting.updated_at)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("summary", _title(meeting))
        event.add("url", link)
        event.add("description", f"Open the case for the details: {link}")
        event.add(
            "status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED"
        )
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()
