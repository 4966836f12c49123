"""A booked meeting handed over with its case to another provider (issue 23, hand-over): no
longer booked here, recorded as asked by the service, and everyone told in words that say the
meeting is not cancelled and who will contact them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mediation.common.errors import ServiceError
from mediation.domain.case_states import CaseState
from mediation.meetings import services
from mediation.meetings.forms import _reason_kind_field
from mediation.meetings.models import MeetingChange, MeetingLetter
from mediation.meetings.tests.conftest import ONLINE
from mediation.notifications.models import Message

pytestmark = pytest.mark.django_db


def _book(case, user, slot):
    return services.meeting_book(
        case=case,
        slot=slot,
        by=user,
        details=ONLINE,
        short_notice_consent=False,
        expected_state=CaseState.ARRANGING,
    )


def test_everyone_is_told_the_meeting_went_with_the_case(arranging_case, case_officer_cal, slot):
    meeting = _book(arranging_case, case_officer_cal, slot)
    services.meeting_hand_over(
        meeting=meeting, by=case_officer_cal, note="Handed over to another provider (archive x)"
    )
    meeting.refresh_from_db()
    arranging_case.refresh_from_db()
    assert meeting.status == "cancelled" and arranging_case.status == CaseState.ARRANGING
    change = MeetingChange.objects.get(meeting=meeting, kind="cancelled")
    assert (change.requested_by, change.reason_kind) == ("service", "handed_over")
    told = Message.objects.filter(case_id=arranging_case.pk, subject__contains="provider")
    emails = {m.recipient_name: m for m in told if m.channel == "email"}
    # The family and the LA and health officers by email, the mediator too; the supporter, who
    # prefers letters, by a letter to print (its PDF kept on the case).
    assert set(emails) == {"Sarah Whitfield", "Omar Hassan", "Dr Priya Nair", "Mia Mediator"}
    assert [m.recipient_name for m in told if m.channel == "letter"] == ["Grace Whitfield"]
    parent = arranging_case.parties.get(role="parent_carer")
    start = timezone.localtime(meeting.starts_at)
    body = emails[parent.name].body
    assert f"Your mediation meeting on {start:%A} {start.day} {start:%B %Y} at 10am" in body
    assert "is still planned. You do not need to do anything now." in body
    assert "The new provider will contact you" in body
    assert "no longer ours to hold" in emails["Mia Mediator"].body
    assert not emails["Omar Hassan"].attachments.exists()  # their calendar keeps it
    letter = MeetingLetter.objects.get(meeting=meeting, sequence=meeting.sequence)
    assert letter.party.name == "Grace Whitfield"
    printed = Message.objects.get(recipient_name="Grace Whitfield", subject__contains="provider")
    assert printed.pk == letter.message_id
    pdf = bytes(printed.attachments.get().content)
    assert pdf.startswith(b"%PDF")
    with pytest.raises(ServiceError, match="already cancelled"):
        services.meeting_hand_over(meeting=meeting, by=case_officer_cal, note="again")


def test_staff_cannot_choose_the_hand_over_as_a_reason():
    field = _reason_kind_field()
    assert not field.valid_value("handed_over")
    assert field.valid_value("illness")
