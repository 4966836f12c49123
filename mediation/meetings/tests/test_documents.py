"""The .ics invitations for create, update and cancel, and the PDF letters."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar

from mediation.common.tests.pdf_ua import assert_pdf_ua
from mediation.domain.case_states import CaseState
from mediation.meetings import services
from mediation.meetings.models import MeetingLetter
from mediation.meetings.tests.conftest import ONLINE, at, working_days_from_today
from mediation.notifications.models import Message

pytestmark = pytest.mark.django_db


def invitation(message: Message) -> Calendar:
    attachment = message.attachments.get()
    assert attachment.filename.endswith(".ics")
    return Calendar.from_ical(bytes(attachment.content))


def mediator_message(meeting, sequence, mediator):
    return Message.objects.get(
        idempotency_key=f"meeting:{meeting.uid}:{sequence}:mediator:{mediator.pk}:email"
    )


def test_create_update_cancel_apply_to_the_same_calendar_event(
    arranging_case, slot, case_officer_cal, mediator_mia
):
    meeting = services.meeting_book(
        case=arranging_case,
        slot=slot,
        by=case_officer_cal,
        details=ONLINE,
        short_notice_consent=False,
        expected_state=CaseState.ARRANGING,
    )
    new_start = at(working_days_from_today(12), 13, 30)
    services.meeting_reschedule(
        meeting=meeting,
        by=case_officer_cal,
        starts_at=new_start,
        duration_minutes=120,
        mode="online",
        details=ONLINE,
        reason="Clash",
        short_notice_consent=False,
    )
    services.meeting_cancel(
        meeting=meeting,
        by=case_officer_cal,
        reason="Withdrawn",
        expected_state=CaseState.MEETING_BOOKED,
    )
    calendars = [invitation(mediator_message(meeting, n, mediator_mia)) for n in (0, 1, 2)]
    events = [cal.walk("VEVENT")[0] for cal in calendars]
    assert [str(cal["METHOD"]) for cal in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    assert {str(e["UID"]) for e in events} == {meeting.uid}
    assert [int(str(e["SEQUENCE"])) for e in events] == [0, 1, 2]
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    for cal, event in zip(calendars, events, strict=True):
        assert "DTSTAMP" in event
        assert event["DTSTART"].params["TZID"] == "Europe/London"
        assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
        assert "mailto:" in str(event["ORGANIZER"])
        attendee = event["ATTENDEE"]
        # only the recipient is named: nobody else's email address is shared
        assert not isinstance(attendee, list)
        assert str(attendee) == f"mailto:{mediator_mia.email}"
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert "sarah.whitfield" not in cal.to_ical().decode()
        assert "Isla" not in cal.to_ical().decode()
    assert events[0].decoded("DTSTART") == slot.starts_at
    assert events[1].decoded("DTSTART") == new_start
    assert events[1].decoded("DTSTART").hour == 13
    assert str(events[0]["LOCATION"]) == "Online: https://meet.example.org/mediation-4821"


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def test_letters_carry_the_key_facts(arranging_case, case_officer_cal, tmp_path):
    day = working_days_from_today(10)
    slot = services.slot_offer_add(
        case=arranging_case,
        by=case_officer_cal,
        starts_at=at(day, 10),
        duration_minutes=120,
        mode="venue",
    )
    meeting = services.meeting_book(
        case=arranging_case,
        slot=slot,
        by=case_officer_cal,
        details={
            "venue_name": "Northfield Community Centre",
            "venue_address": "4 Station Road\nNorthfield",
            "access_details": "Step-free entrance on Mill Lane",
        },
        short_notice_consent=False,
        expected_state=CaseState.ARRANGING,
    )
    letter = MeetingLetter.objects.get(meeting=meeting)
    assert letter.document is not None
    text = _pdf_text(bytes(letter.document.pdf), tmp_path)
    assert_pdf_ua(bytes(letter.document.pdf), title_contains=arranging_case.reference)
    assert f"{day:%A} {day.day} {day:%B %Y}" in text
    assert "10am to 12pm" in text
    assert "Northfield Community Centre, 4 Station Road, Northfield" in text
    assert "Step-free entrance on Mill Lane" in text
    assert arranging_case.reference in text
    assert "Grace Whitfield" in text and "12 Mill Lane" in text
    assert "Isla" not in text
    assert f"Reference {arranging_case.reference} · page 1 of " in text  # styled footer
    # the letter's own date in words, as every date a party reads ("Wednesday 2 December
    # 2026", not "Wed 2 Dec 2026")
    from django.utils import timezone

    from mediation.domain.dates import format_day_long

    assert format_day_long(timezone.localdate()) in " ".join(text.split())
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "letter.pdf")], capture_output=True, check=True
    )
    assert "pts (A4)" in info.stdout.decode()
    # an online meeting's letter gives the link; a cancellation says so
    services.meeting_reschedule(
        meeting=meeting,
        by=case_officer_cal,
        starts_at=at(day, 14),
        duration_minutes=60,
        mode="online",
        details=ONLINE,
        reason="Venue closed",
        short_notice_consent=False,
    )
    moved = MeetingLetter.objects.get(meeting=meeting, sequence=1)
    assert moved.document is not None
    text = _pdf_text(bytes(moved.document.pdf), tmp_path)
    assert "https://meet.example.org/mediation-4821" in text and "2pm to 3pm" in text
    assert "Venue closed" in text
    services.meeting_cancel(
        meeting=meeting,
        by=case_officer_cal,
        reason="Family withdrew",
        expected_state=CaseState.MEETING_BOOKED,
    )
    cancelled = MeetingLetter.objects.get(meeting=meeting, sequence=2)
    assert cancelled.document is not None
    text = _pdf_text(bytes(cancelled.document.pdf), tmp_path)
    assert "cancelled" in text and arranging_case.reference in text


def test_the_letters_wording_is_editable_and_issued_letters_never_change(
    arranging_case, case_officer_cal, manager_sue, tmp_path
):
    from mediation.documents.models import GeneratedDocument
    from mediation.documents.services import letter_template_save

    day = working_days_from_today(10)
    slot = services.slot_offer_add(
        case=arranging_case,
        by=case_officer_cal,
        starts_at=at(day, 10),
        duration_minutes=60,
        mode="online",
    )
    meeting = services.meeting_book(
        case=arranging_case,
        slot=slot,
        by=case_officer_cal,
        details=ONLINE,
        short_notice_consent=False,
        expected_state=CaseState.ARRANGING,
    )
    first = MeetingLetter.objects.get(meeting=meeting).document
    assert first is not None
    before = (bytes(first.pdf), first.sha256)
    assert "tell us as soon as you can" in _pdf_text(before[0], tmp_path)
    letter_template_save(
        code="meeting_rescheduled",
        title="Your meeting has a new date",
        body="Hello {recipient_name}. New opening words: {reason}.\n\n{facts}\n\n"
        "New closing words from {provider}.",
        by=manager_sue,
    )
    first.refresh_from_db()
    assert (bytes(first.pdf), first.sha256) == before
    services.meeting_reschedule(
        meeting=meeting,
        by=case_officer_cal,
        starts_at=at(day, 14),
        duration_minutes=60,
        mode="online",
        details=ONLINE,
        reason="Venue closed",
        short_notice_consent=False,
    )
    moved = MeetingLetter.objects.get(meeting=meeting, sequence=1).document
    assert moved is not None
    assert moved.kind == "meeting_letter" and moved.version == 2
    text = _pdf_text(bytes(moved.pdf), tmp_path)
    assert "Your meeting has a new date" in text
    assert "Hello Grace Whitfield. New opening words: Venue closed." in text
    assert text.index("New opening words") < text.index("2pm to 3pm") < text.index("New closing")
    assert "please phone us" not in text
    assert GeneratedDocument.objects.filter(case=arranging_case, kind="meeting_letter").count() == 2
