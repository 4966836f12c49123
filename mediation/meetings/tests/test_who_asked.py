"""Who asked for a meeting to be cancelled or moved, and why (issue 23, item 3); what the LA's
second cancellation means for the 30-day limit and the deemed certificate; who declined to take
part in disagreement resolution."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from conftest import login
from mediation.cases import services as case_services
from mediation.cases.models import ParticipationDeclined
from mediation.common.errors import ServiceError
from mediation.domain.case_states import CaseState, Route
from mediation.meetings import services
from mediation.meetings.models import MeetingChange
from mediation.meetings.tests.conftest import ONLINE, at, working_days_from_today
from mediation.timeline.models import TimelineEntry
from mediation.workflow import services as workflow_services

pytestmark = pytest.mark.django_db


def _book(case, user, days=10):
    slot = services.slot_offer_add(
        case=case,
        by=user,
        starts_at=at(working_days_from_today(days)),
        duration_minutes=120,
        mode="online",
    )
    return services.meeting_book(
        case=case,
        slot=slot,
        by=user,
        details=ONLINE,
        short_notice_consent=False,
        expected_state=CaseState(case.status),
    )


def _cancel(meeting, user, who="la", why="not_available"):
    return services.meeting_cancel(
        meeting=meeting,
        by=user,
        reason="Their officer is on leave",
        requested_by=who,
        reason_kind=why,
        expected_state=CaseState.MEETING_BOOKED,
    )


def _panel(case, user):
    return Template("{% load meetings %}{% case_meeting_panel case user %}").render(
        Context({"case": case, "user": user})
    )


def test_cancel_and_move_record_who_asked_and_why(arranging_case, case_officer_cal):
    meeting = _book(arranging_case, case_officer_cal)
    services.meeting_reschedule(
        meeting=meeting,
        by=case_officer_cal,
        starts_at=at(working_days_from_today(12)),
        duration_minutes=120,
        mode="online",
        details=ONLINE,
        reason="School trip that day",
        short_notice_consent=False,
        requested_by="school",
        reason_kind="not_available",
    )
    _cancel(meeting, case_officer_cal, who="family", why="illness")
    moved, cancelled = MeetingChange.objects.exclude(kind="booked").order_by("sequence")
    assert (moved.requested_by, moved.reason_kind) == ("school", "not_available")
    assert (cancelled.requested_by, cancelled.reason_kind) == ("family", "illness")
    assert cancelled.reason == "Their officer is on leave"
    lines = list(
        TimelineEntry.objects.filter(case=arranging_case).values_list("summary", flat=True)
    )
    assert any("asked by the school or setting: someone who must attend" in line for line in lines)
    assert any(
        # One line: the step's "Meeting cancelled", then who asked and why.
        line.startswith("Meeting cancelled")
        and "Asked by the family (parent, carer or young person): illness" in line
        for line in lines
    )


def test_unknown_who_or_why_is_refused(arranging_case, case_officer_cal):
    meeting = _book(arranging_case, case_officer_cal)
    with pytest.raises(ServiceError, match="who asked") as refused:
        _cancel(meeting, case_officer_cal, who="the_mayor")
    # Each refusal names its field, so the form shows it next to the question.
    assert [field for field, _ in refused.value.field_messages] == ["requested_by"]
    with pytest.raises(ServiceError, match="reason from the list") as refused:
        _cancel(meeting, case_officer_cal, why="bad_weather")
    assert [field for field, _ in refused.value.field_messages] == ["reason_kind"]
    meeting.refresh_from_db()
    assert meeting.is_booked


def test_the_las_second_cancellation_explains_the_30_days_and_the_deemed_certificate(
    arranging_case, case_officer_cal
):
    first = _book(arranging_case, case_officer_cal)
    _cancel(first, case_officer_cal)
    html = _panel(arranging_case, case_officer_cal)
    assert "cancelled or moved the meeting once" in html
    assert "30 days" not in html
    second = _book(arranging_case, case_officer_cal)
    _cancel(second, case_officer_cal)
    html = _panel(arranging_case, case_officer_cal)
    assert "The LA has cancelled or moved the meeting 2 times" in html
    mediation_by = arranging_case.la_informed_on + timedelta(days=30)
    assert f"by {mediation_by:%A} {mediation_by.day} {mediation_by:%B %Y}" in html
    assert "deemed certificate, reg 39(3)" in html
    assert "Record that the LA cannot arrange mediation within 30 days" in html


def test_after_the_30_days_the_case_says_they_have_ended(arranging_case, case_officer_cal):
    for _ in range(2):
        _cancel(_book(arranging_case, case_officer_cal), case_officer_cal)
    # The LA was told 40 days ago: the 30 days have ended.
    long_ago = timezone.localdate() - timedelta(days=40)
    # (The fact rules need the decision letter sent before the LA was told.)
    workflow_services.case_key_dates_update(
        case=arranging_case,
        by=case_officer_cal,
        changes={"notice_sent_on": long_ago - timedelta(days=3), "la_informed_on": long_ago},
    )
    arranging_case.refresh_from_db()
    html = _panel(arranging_case, case_officer_cal)
    assert "10 days ago, and no meeting has been held" in html
    assert "The LA should tell us it could not arrange mediation in time" in html


def test_cancellations_asked_by_others_do_not_count_against_the_la(
    arranging_case, case_officer_cal
):
    for who in ("family", "service"):
        _cancel(_book(arranging_case, case_officer_cal), case_officer_cal, who=who)
    assert "The LA has cancelled" not in _panel(arranging_case, case_officer_cal)


def test_cancel_form_requires_who_and_why(client, case_officer_cal, arranging_case):
    meeting = _book(arranging_case, case_officer_cal)
    login(client, case_officer_cal)
    url = reverse("meetings:cancel", args=[arranging_case.reference, meeting.pk])
    response = client.post(
        url, {"expected_state": "meeting_booked", "reason": "Kept", "requested_by": "nobody"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select who asked for the meeting to be cancelled" in body
    assert "Select the main reason" in body
    assert "Kept" in body  # what was typed is kept
    meeting.refresh_from_db()
    assert meeting.is_booked
    response = client.post(
        url,
        {
            "expected_state": "meeting_booked",
            "reason": "Officer ill",
            "requested_by": "la",
            "reason_kind": "illness",
        },
    )
    assert response.status_code == 302
    assert MeetingChange.objects.get(kind="cancelled").requested_by == "la"


# Declined to take part in disagreement resolution -------------------------------------------------


@pytest.fixture
def dr_case(enquiry, case_officer_cal):
    return workflow_services.case_open_from_enquiry(
        enquiry=enquiry,
        route=Route.DISAGREEMENT_RESOLUTION,
        owner=case_officer_cal,
        by=case_officer_cal,
    )


def test_a_decline_records_who_why_and_when(dr_case, case_officer_cal):
    today = timezone.localdate()
    declined = case_services.participation_declined_record(
        case=dr_case,
        by=case_officer_cal,
        data={
            "side": "la",
            "reason_kind": "appeal",
            "reason": "Prefers the Tribunal",
            "declined_on": today,
        },
    )
    assert declined.reason == "Prefers the Tribunal"
    line = TimelineEntry.objects.filter(case=dr_case).first()
    assert line is not None
    assert "The local authority declined to take part" in line.summary
    html = _panel(dr_case, case_officer_cal)
    assert "Declined to take part" in html and "The local authority" in html


def test_a_decline_on_a_mediation_case_is_refused(open_case, case_officer_cal, client):
    with pytest.raises(ServiceError, match="voluntary"):
        case_services.participation_declined_record(
            case=open_case,
            by=case_officer_cal,
            data={"side": "la", "reason_kind": "other", "declined_on": timezone.localdate()},
        )
    login(client, case_officer_cal)
    assert client.get(reverse("cases:declined", args=[open_case.reference])).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select who declined to take part"),
        ({}, "Select the main reason they gave"),
        ({}, "Enter the date they told us"),
        ({"side": "mayor"}, "Select who declined to take part"),
        (
            {"declined_on_day": "1", "declined_on_month": "1", "declined_on_year": "2099"},
            "must be today or in the past",
        ),
        (
            {"declined_on_day": "1", "declined_on_month": "1", "declined_on_year": "2000"},
            "on or after the day the case was opened",
        ),
        (
            {"declined_on_day": "31", "declined_on_month": "2", "declined_on_year": "2026"},
            "must be a real date",
        ),
        ({"reason": "x" * 5001}, "5,000 characters or fewer"),
    ],
)
def test_the_decline_form_refuses_bad_input(client, case_officer_cal, dr_case, data, message):
    login(client, case_officer_cal)
    response = client.post(reverse("cases:declined", args=[dr_case.reference]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body and message in body
    assert not ParticipationDeclined.objects.exists()


def test_the_decline_form_saves(client, case_officer_cal, mediator_mia, dr_case):
    today = timezone.localdate()
    login(client, mediator_mia)
    assert client.get(reverse("cases:declined", args=[dr_case.reference])).status_code in (403, 404)
    login(client, case_officer_cal)
    response = client.post(
        reverse("cases:declined", args=[dr_case.reference]),
        {
            "side": "la",
            "reason_kind": "not_willing",
            "reason": "",
            "declined_on_day": today.day,
            "declined_on_month": today.month,
            "declined_on_year": today.year,
        },
    )
    assert response.status_code == 302
    assert ParticipationDeclined.objects.get().side == "la"


def test_emails_about_a_move_or_cancellation_say_why_without_what_staff_typed(
    arranging_case, case_officer_cal, django_capture_on_commit_callbacks
):
    """Found trying the demo as the parent and the LA: "Your mediation meeting has moved" said
    "Why: The LA is waiting for the specialist unit to say whether it has a place", words typed
    by staff. An email carries only the reason from the short list; what was typed stays on the
    case (and in a posted letter)."""
    from django.core import mail

    meeting = _book(arranging_case, case_officer_cal)
    typed = "Amelia's school trip that day"
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_reschedule(
            meeting=meeting,
            by=case_officer_cal,
            starts_at=at(working_days_from_today(12)),
            duration_minutes=120,
            mode="online",
            details=ONLINE,
            reason=typed,
            short_notice_consent=False,
            requested_by="school",
            reason_kind="not_available",
        )
        _cancel(meeting, case_officer_cal, who="family", why="illness")
    sent = mail.outbox[before:]
    moved = [m for m in sent if "has moved" in m.subject]
    cancelled = [m for m in sent if "cancelled" in m.subject]
    assert moved and cancelled
    for message in moved:
        assert "Why: Someone who must attend cannot come" in message.body
    for message in cancelled:
        assert "Why: Illness or an emergency" in message.body
    for message in sent:
        assert typed not in message.body and "Their officer is on leave" not in message.body
