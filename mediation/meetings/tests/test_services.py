"""Booking, rescheduling and cancelling through the workflow, with per-recipient messages."""

from __future__ import annotations

import hashlib
from email.message import Message as EmailPart

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone
from icalendar import Calendar

from mediation.cases.models import Case
from mediation.common.errors import ServiceError, StaleCase
from mediation.domain.case_states import CaseState
from mediation.meetings import services
from mediation.meetings.models import MediatorCall, Meeting, MeetingLetter, SlotAnswer
from mediation.meetings.selectors import slot_board
from mediation.meetings.tests.conftest import ONLINE, at, working_days_from_today
from mediation.notifications.models import Message
from mediation.notifications.services import message_send, messages_send_pending

pytestmark = pytest.mark.django_db


def book(case, slot, user, consent=False, **kwargs):
    return services.meeting_book(
        case=case,
        slot=slot,
        by=user,
        details=ONLINE,
        short_notice_consent=consent,
        expected_state=CaseState(case.status),
        **kwargs,
    )


def _calendar_part(email: EmailMessage) -> EmailPart:
    """The invitation's text/calendar part (the email's second part)."""
    part = email.message().get_payload(1)
    assert isinstance(part, EmailPart)
    return part


def test_booking_moves_the_case_to_meeting_booked_and_records_the_dates(
    arranging_case, slot, case_officer_cal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = book(arranging_case, slot, case_officer_cal)
    case = Case.objects.get(pk=arranging_case.pk)
    assert case.status == CaseState.MEETING_BOOKED
    assert case.meeting_planned_on == slot.local_start.date()
    assert case.meeting_confirmation_sent_on == timezone.localdate()
    assert case.deadlines.get(code="meeting_notice_by").met_on == timezone.localdate()
    assert meeting.sequence == 0 and meeting.uid
    assert str(meeting.local_start.tzinfo) == "Europe/London"
    # the mediator's calls: one per invited party, due 5 working days before
    calls = MediatorCall.objects.filter(meeting=meeting)
    assert calls.count() == 4
    assert {c.due_on for c in calls} == {working_days_from_today(5)}


def test_every_recipient_gets_one_logged_message_with_an_invitation(
    arranging_case, slot, case_officer_cal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = book(arranging_case, slot, case_officer_cal)
    emails = Message.objects.filter(
        case_id=arranging_case.pk, channel="email", idempotency_key__startswith="meeting:"
    )
    # parent, LA officer, health officer, mediator (the supporter has no email)
    assert sorted(emails.values_list("recipient_email", flat=True)) == [
        "mia@mediation.example.org",
        "omar.hassan@northfield.example.gov.uk",
        "priya.nair@icb.example.nhs.uk",
        "sarah.whitfield@example.com",
    ]
    assert set(emails.values_list("status", flat=True)) == {"sent"}
    confirmations = [m for m in mail.outbox if "meeting is booked" in m.subject]
    assert len(confirmations) == 4
    sent = confirmations[0]
    assert "Isla" not in sent.subject and "Whitfield" not in sent.subject
    assert arranging_case.reference in sent.subject
    assert "https://meet.example.org/mediation-4821" in sent.body
    part = _calendar_part(sent)
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    ics_bytes = part.get_payload(decode=True)
    assert isinstance(ics_bytes, bytes)
    ics = Calendar.from_ical(ics_bytes)
    assert str(ics.walk("VEVENT")[0]["UID"]) == meeting.uid
    # the supporter prefers letters: a PDF is kept for staff, logged as a letter to post
    letter = Message.objects.get(case_id=arranging_case.pk, channel="letter")
    assert letter.recipient_name == "Grace Whitfield" and letter.status == "pending"
    stored = MeetingLetter.objects.select_related("document").get(meeting=meeting)
    # ... stored as a generated document: kind, version, who made it, the hash of its bytes
    document = stored.document
    assert document is not None
    assert bytes(document.pdf).startswith(b"%PDF")
    assert document.case_id == arranging_case.pk and document.kind == "meeting_letter"
    assert document.version == 1 and document.generated_by == case_officer_cal
    assert document.sha256 == hashlib.sha256(bytes(document.pdf)).hexdigest()
    assert "Grace Whitfield" in document.title and "Grace Whitfield" in document.html
    # sending is idempotent: a rerun sends nothing more, letters are never emailed
    for message in Message.objects.all():
        assert message_send(message_id=message.pk) is False
    sent_before = len(mail.outbox)
    assert messages_send_pending() == 0
    assert len(mail.outbox) == sent_before


def test_booking_inside_five_working_days_needs_the_familys_consent(
    arranging_case, case_officer_cal
):
    soon = services.slot_offer_add(
        case=arranging_case,
        by=case_officer_cal,
        starts_at=at(working_days_from_today(2)),
        duration_minutes=120,
        mode="online",
    )
    with pytest.raises(ServiceError, match="less than 5 working days away"):
        book(arranging_case, soon, case_officer_cal)
    assert Case.objects.get(pk=arranging_case.pk).status == CaseState.ARRANGING
    assert not Meeting.objects.exists() and not Message.objects.exists()
    meeting = book(arranging_case, soon, case_officer_cal, consent=True)
    assert meeting.short_notice_consent


def test_booking_is_refused_with_the_workflows_reason(open_case, case_officer_cal):
    """The case is still "mediation requested": the LA has not been told, so no booking."""
    slot = services.slot_offer_add(
        case=open_case,
        by=case_officer_cal,
        starts_at=at(working_days_from_today(10)),
        duration_minutes=120,
        mode="online",
    )
    with pytest.raises(ServiceError, match="not possible for this case now"):
        book(open_case, slot, case_officer_cal)
    with pytest.raises(StaleCase):
        services.meeting_book(
            case=open_case,
            slot=slot,
            by=case_officer_cal,
            details=ONLINE,
            short_notice_consent=False,
            expected_state=CaseState.ARRANGING,
        )
    assert not Meeting.objects.exists()


def test_an_online_meeting_needs_its_link(arranging_case, slot, case_officer_cal):
    with pytest.raises(ServiceError, match="link"):
        services.meeting_book(
            case=arranging_case,
            slot=slot,
            by=case_officer_cal,
            details={},
            short_notice_consent=False,
            expected_state=CaseState.ARRANGING,
        )


def test_reschedule_keeps_the_uid_and_raises_the_sequence(
    arranging_case, slot, case_officer_cal, django_capture_on_commit_callbacks
):
    meeting = book(arranging_case, slot, case_officer_cal)
    new_day = working_days_from_today(12)
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.meeting_reschedule(
            meeting=meeting,
            by=case_officer_cal,
            starts_at=at(new_day, 14, 30),
            duration_minutes=90,
            mode="venue",
            details={"venue_name": "Northfield Library", "venue_address": "1 High Street"},
            reason="The LA officer is on leave",
            short_notice_consent=False,
        )
    assert moved.uid == meeting.uid and moved.sequence == 1
    case = Case.objects.get(pk=arranging_case.pk)
    assert case.meeting_planned_on == new_day
    assert case.status == CaseState.MEETING_BOOKED
    change = moved.changes.first()
    assert change is not None and change.reason == "The LA officer is on leave"
    assert Message.objects.filter(idempotency_key__contains=f"{meeting.uid}:1:").count() == 5
    assert set(MediatorCall.objects.values_list("due_on", flat=True)) == {
        working_days_from_today(7)
    }
    with pytest.raises(ServiceError, match="reason"):
        services.meeting_reschedule(
            meeting=moved,
            by=case_officer_cal,
            starts_at=at(new_day),
            duration_minutes=90,
            mode="venue",
            details={"venue_name": "Library"},
            reason=" ",
            short_notice_consent=False,
        )


def test_cancel_goes_through_the_workflow(
    arranging_case, slot, case_officer_cal, django_capture_on_commit_callbacks
):
    meeting = book(arranging_case, slot, case_officer_cal)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.meeting_cancel(
            meeting=meeting,
            by=case_officer_cal,
            reason="The family asked to pause",
            expected_state=CaseState.MEETING_BOOKED,
        )
    assert cancelled.status == Meeting.Status.CANCELLED and cancelled.sequence == 1
    case = Case.objects.get(pk=arranging_case.pk)
    assert case.status == CaseState.ARRANGING
    assert case.meeting_planned_on is None
    change = case.status_changes.first()
    assert change is not None and change.reason == "The family asked to pause"
    assert not MediatorCall.objects.exists()
    cancel_mail = next(m for m in reversed(mail.outbox) if "cancelled" in m.subject)
    assert _calendar_part(cancel_mail).get_param("method") == "CANCEL"
    with pytest.raises(ServiceError, match="already cancelled"):
        services.meeting_cancel(
            meeting=cancelled, by=case_officer_cal, reason="x", expected_state=CaseState.ARRANGING
        )
    # a new meeting can be booked after a cancellation
    assert book(case, slot, case_officer_cal).uid != meeting.uid


def test_answers_drive_the_slot_board(arranging_case, slot, case_officer_cal, mediator_mia):
    board = slot_board(arranging_case)
    keys = {a.attendee.key: a for a in board.attendees}
    assert f"mediator:{mediator_mia.pk}" in keys
    assert sum(a.attendee.required for a in board.attendees) == 4  # parent, LA, health, mediator
    required: dict[str, bool | None] = {k: True for k, a in keys.items() if a.attendee.required}
    services.slot_answers_record(slot=slot, by=case_officer_cal, answers=required)
    row = slot_board(arranging_case).rows[0]
    assert row.match.works_for_required and not row.match.all_answered
    supporter = next(k for k, a in keys.items() if not a.attendee.required)
    services.slot_answers_record(slot=slot, by=case_officer_cal, answers={supporter: False})
    assert slot_board(arranging_case).rows[0].match.works_for_required
    services.slot_answers_record(slot=slot, by=case_officer_cal, answers={supporter: None})
    assert SlotAnswer.objects.count() == 4
    with pytest.raises(ServiceError):
        services.slot_answers_record(slot=slot, by=case_officer_cal, answers={"party:999": True})


def test_the_mediator_records_a_call(arranging_case, slot, case_officer_cal, mediator_mia):
    meeting = book(arranging_case, slot, case_officer_cal)
    call = meeting.calls.first()
    services.mediator_call_record(
        call=call, by=mediator_mia, called_on=timezone.localdate(), note="Happy with the plan"
    )
    call.refresh_from_db()
    assert call.note == "Happy with the plan" and call.called_on == timezone.localdate()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select note from meetings_mediatorcall where id = %s", [call.pk])
        assert "Happy" not in cursor.fetchone()[0]


def test_a_meeting_that_took_place_cannot_be_moved(arranging_case, slot, case_officer_cal):
    from mediation.domain.case_states import Step
    from mediation.workflow.services import case_take_step

    meeting = book(arranging_case, slot, case_officer_cal)
    # It is recorded as held once it took place: on its day, after it ended.
    with time_machine.travel(meeting.ends_at, tick=False):
        case_take_step(
            case=Case.objects.get(pk=arranging_case.pk),
            step=Step.RECORD_MEETING_HELD,
            by=case_officer_cal,
            data={"on": timezone.localdate()},
            expected_state=CaseState.MEETING_BOOKED,
        )
        with pytest.raises(ServiceError, match="cannot be moved"):
            services.meeting_reschedule(
                meeting=meeting,
                by=case_officer_cal,
                starts_at=at(working_days_from_today(12)),
                duration_minutes=60,
                mode="online",
                details=ONLINE,
                reason="Late",
                short_notice_consent=False,
            )


def test_invitations_follow_the_reg_38_attendance_rules(arranging_case):
    """Who is invited, and who must be able to come, comes from mediation.parties' rules."""
    from mediation.cases.models import Party
    from mediation.meetings.selectors import case_attendees

    Party.objects.create(
        case=arranging_case,
        role="information_provider",
        name="Ms Head Teacher",
        organisation="Hollybank Primary School",
        email="head@hollybank.example.org",
    )
    people = {a.attendee.name: a.attendee.required for a in case_attendees(arranging_case)}
    assert people["Omar Hassan"] is True  # the LA attends as a party
    assert people["Sarah Whitfield"] is True  # the parent
    assert people["Grace Whitfield"] is False  # the parent's supporter: invited, optional
    assert "Ms Head Teacher" not in people  # needs everyone's consent first (reg 38(1)(e))
