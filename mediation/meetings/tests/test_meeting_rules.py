"""What a meeting must respect (issue 18, item 4): a day that is not a working day needs a
"yes, this date" and the reason; moving a meeting asks everyone again (or records who confirmed
by phone) and tells everyone; the family's consent to shorter notice is recorded on the case;
the mediator's calls fall on working days; a child who may attend is invited, written to in
words for them (or through the adult helping them) and called; each change is one history line
and one audit event."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.cases.models import Case, Party
from mediation.common.errors import ServiceError
from mediation.deadlines.models import ClosureDay, Deadline
from mediation.domain.case_states import CaseState
from mediation.meetings import services
from mediation.meetings.models import MediatorCall, MeetingLetter, SlotAnswer, SlotOffer
from mediation.meetings.selectors import case_attendees
from mediation.meetings.tests.conftest import ONLINE, at, working_days_from_today
from mediation.notifications.models import Message
from mediation.parties import services as party_services
from mediation.timeline.models import TimelineEntry, TimelineKind

pytestmark = pytest.mark.django_db


def next_saturday() -> date:
    today = timezone.localdate() + timedelta(days=14)
    return today + timedelta(days=(5 - today.weekday()) % 7)


def book(case, slot, user, consent=False):
    return services.meeting_book(
        case=case,
        slot=slot,
        by=user,
        details=ONLINE,
        short_notice_consent=consent,
        expected_state=CaseState(case.status),
    )


def changes_written(case, since_audit, since_lines):
    events = AuditEvent.objects.filter(case_id=case.pk, pk__gt=since_audit).exclude(
        verb__endswith=".view"
    )
    lines = TimelineEntry.objects.filter(case=case, pk__gt=since_lines).exclude(
        kind=TimelineKind.DEADLINE
    )
    return list(events.values_list("verb", flat=True)), lines.count()


def marks(case):
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_line = TimelineEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return last_event, last_line


# Days that are not working days --------------------------------------------------------------


def test_a_weekend_date_needs_a_yes_and_the_reason(arranging_case, case_officer_cal):
    saturday = next_saturday()
    with pytest.raises(ServiceError) as refused:
        services.slot_offer_add(
            case=arranging_case,
            by=case_officer_cal,
            starts_at=at(saturday),
            duration_minutes=120,
            mode="online",
        )
    ((field, message),) = refused.value.field_messages
    assert field == "non_working_day_reason"
    assert message.startswith(f"Saturday {saturday.day} ") and "is a weekend day" in message
    slot = services.slot_offer_add(
        case=arranging_case,
        by=case_officer_cal,
        starts_at=at(saturday),
        duration_minutes=120,
        mode="online",
        non_working_day_reason="Both parents work weekdays",
    )
    assert SlotOffer.objects.get(pk=slot.pk).non_working_day_reason == "Both parents work weekdays"
    meeting = book(arranging_case, slot, case_officer_cal)
    assert meeting.non_working_day_reason == "Both parents work weekdays"


def test_a_closure_day_is_named_and_the_form_asks_beside_the_field(
    client, arranging_case, case_officer_cal, manager_sue
):
    day = working_days_from_today(12)
    ClosureDay.objects.create(
        day=day, name="Staff training", kind="closure", created_by=manager_sue
    )
    login(client, case_officer_cal)
    url = reverse("meetings:slots", args=[arranging_case.reference])
    post = {
        "on_day": day.day,
        "on_month": day.month,
        "on_year": day.year,
        "start_time": "10:00",
        "duration_minutes": "120",
        "mode": "online",
    }
    response = client.post(url, post)
    assert response.status_code == 400
    page = response.content.decode()
    assert "is a day the service is closed (Staff training)" in page
    assert 'href="#id_non_working_day_confirmed"' in page  # in the error summary, to the box
    response = client.post(url, {**post, "non_working_day_confirmed": "on"})
    assert "Say why the meeting is on a day that is not a working day" in response.content.decode()
    response = client.post(
        url, {**post, "non_working_day_confirmed": "on", "non_working_day_reason": "Only day free"}
    )
    assert response.status_code == 302
    assert SlotOffer.objects.get().non_working_day_reason == "Only day free"


# Short notice ---------------------------------------------------------------------------------


def test_the_familys_consent_to_short_notice_is_on_the_case(
    client, arranging_case, case_officer_cal
):
    slot = services.slot_offer_add(
        case=arranging_case,
        by=case_officer_cal,
        starts_at=at(working_days_from_today(2)),
        duration_minutes=60,
        mode="online",
    )
    with pytest.raises(ServiceError) as refused:
        book(arranging_case, slot, case_officer_cal)
    assert refused.value.field_messages[0][0] == "short_notice_consent"
    meeting = book(arranging_case, slot, case_officer_cal, consent=True)
    case = Case.objects.get(pk=arranging_case.pk)
    assert case.short_notice_agreed and meeting.short_notice_consent
    assert not Deadline.objects.filter(case=case, code="meeting_notice_by").exists()
    login(client, case_officer_cal)
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Met: the family agreed to shorter notice" in page
    assert "Met 0 working days late" not in page
    services.meeting_cancel(
        meeting=meeting, by=case_officer_cal, reason="Ill", expected_state=CaseState.MEETING_BOOKED
    )
    assert not Case.objects.get(pk=case.pk).short_notice_agreed


# Moving a meeting ---------------------------------------------------------------------------------


def test_moving_asks_everyone_again_and_tells_everyone(
    arranging_case, slot, case_officer_cal, mediator_mia, django_capture_on_commit_callbacks
):
    meeting = book(arranging_case, slot, case_officer_cal)
    parent = arranging_case.parties.get(role="parent_carer")
    new_day = working_days_from_today(14)
    since = marks(arranging_case)
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.meeting_reschedule(
            meeting=meeting,
            by=case_officer_cal,
            starts_at=at(new_day, 14),
            duration_minutes=120,
            mode="online",
            details=ONLINE,
            reason="The room is not free",
            short_notice_consent=False,
            confirmed_by_phone=[f"party:{parent.pk}", f"mediator:{mediator_mia.pk}"],
        )
    # The new date is offered like any other, with the phone confirmations as answers.
    assert moved.slot is not None and moved.slot.local_start.date() == new_day
    answers = {a.attendee_key: a.available for a in SlotAnswer.objects.filter(slot=moved.slot)}
    assert answers == {f"party:{parent.pk}": True, f"mediator:{mediator_mia.pk}": True}
    # Everyone is told; those who did not confirm are asked whether it suits them.
    told = Message.objects.filter(idempotency_key__contains=f"{meeting.uid}:1:", channel="email")
    asked = {m.recipient_email for m in told if "whether you can come on the new date" in m.body}
    assert asked == {"omar.hassan@northfield.example.gov.uk", "priya.nair@icb.example.nhs.uk"}
    letter = MeetingLetter.objects.get(meeting=meeting, sequence=1)
    assert letter.party.name == "Grace Whitfield"  # the supporter who prefers letters
    assert letter.document is not None
    assert "whether you can come on the new date" in letter.document.html
    # One change: one history line and one audit event (the deadlines it moved follow).
    verbs, lines = changes_written(arranging_case, *since)
    assert verbs == ["meeting.reschedule"] and lines == 1
    line = TimelineEntry.objects.filter(case=arranging_case).exclude(kind="deadline").latest("pk")
    assert "2 confirmed the new date by phone; 3 asked whether it suits them" in line.summary


def test_a_booking_is_one_history_line_and_one_audit_event(arranging_case, slot, case_officer_cal):
    since = marks(arranging_case)
    book(arranging_case, slot, case_officer_cal)
    verbs, lines = changes_written(arranging_case, *since)
    assert verbs == ["meeting.book"] and lines == 1


# The mediator's calls -------------------------------------------------------------------------------


@time_machine.travel("2026-12-12 09:00 +0000")  # a Saturday
def test_the_mediators_calls_fall_on_working_days(arranging_case, case_officer_cal):
    slot = services.slot_offer_add(
        case=arranging_case,
        by=case_officer_cal,
        starts_at=at(date(2026, 12, 17)),
        duration_minutes=60,
        mode="online",
    )
    book(arranging_case, slot, case_officer_cal, consent=True)
    assert {c.due_on for c in MediatorCall.objects.all()} == {date(2026, 12, 14)}  # Monday


# A child who may attend -----------------------------------------------------------------------------


@pytest.fixture
def child(arranging_case, case_officer_cal, mediator_mia):
    child = party_services.party_add(
        case=arranging_case,
        by=case_officer_cal,
        data={"role": "child", "name": "Isla Whitfield", "preferred_contact": "phone"},
    )
    parent = arranging_case.parties.get(role="parent_carer")
    party_services.attendance_response_record(
        party=child, responder=parent, agrees=True, reason="", by=case_officer_cal
    )
    party_services.attendance_mediator_decide(
        party=child, allows=True, reason="She wants to say what helps", by=mediator_mia,
        child_scope="part", child_scope_detail="The first half hour",
    )  # fmt: skip
    return Party.objects.get(pk=child.pk)


def test_a_child_who_may_attend_is_invited_written_to_and_called(
    client, arranging_case, slot, case_officer_cal, child, django_capture_on_commit_callbacks
):
    people = {a.attendee.name: a.attendee.required for a in case_attendees(arranging_case)}
    assert people["Isla Whitfield"] is False
    login(client, case_officer_cal)
    page = client.get(reverse("meetings:slots", args=[arranging_case.reference])).content.decode()
    may_attend = page[page.index("May attend") :]
    assert "Isla Whitfield (Child)" in may_attend[: may_attend.index("</dd>")]
    with django_capture_on_commit_callbacks(execute=True):
        meeting = book(arranging_case, slot, case_officer_cal)
    # The child has no address or email: the words for her go to the adult helping her.
    message = Message.objects.get(idempotency_key=f"meeting:{meeting.uid}:0:party:{child.pk}:email")
    assert message.recipient_email == "sarah.whitfield@example.com"
    assert message.body.startswith("Dear Sarah Whitfield,\n\nThis message is for Isla Whitfield.")
    words = re.sub(r"\s+", " ", message.body.split("Hello", 1)[1])
    for adult in ("party", "regulation", "reg 3", "sign in", "submission"):
        assert adult not in words.lower()
    sentences = [s for s in re.split(r"[.!?]", words) if s.strip()]
    assert sum(len(s.split()) for s in sentences) / len(sentences) < 12  # short sentences
    assert MediatorCall.objects.filter(meeting=meeting, party=child).exists()


def test_a_child_not_yet_agreed_is_not_invited(arranging_case, case_officer_cal):
    party_services.party_add(
        case=arranging_case,
        by=case_officer_cal,
        data={"role": "child", "name": "Isla Whitfield", "preferred_contact": "phone"},
    )
    assert "Isla Whitfield" not in {a.attendee.name for a in case_attendees(arranging_case)}
