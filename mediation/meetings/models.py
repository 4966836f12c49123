"""Offering dates, booking the meeting, and the mediator's calls before it.

- SlotOffer: a date and time proposed to everyone; SlotAnswer: one attendee's answer for one
  slot (a party, or the assigned mediator), recorded by a case officer after a phone call.
- Meeting: the booked meeting. Its `uid` never changes; `sequence` starts at 0 and goes up by
  one at each reschedule or cancellation, so calendar programs apply the change to the same
  event (RFC 5545 UID/SEQUENCE). States: booked → cancelled (rescheduling keeps it booked).
- MeetingChange: the meeting's history (booked, rescheduled, cancelled) with the reason.
- MeetingLetter: a confirmation for a party who prefers letters, kept for staff to print; its
  PDF is a GeneratedDocument (mediation.documents), downloaded through the documents app.
- MediatorCall: the mediator's call to each party in the week before the meeting.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from mediation.cases.models import Case, ChangeReason, Party, Side
from mediation.common.encryption import EncryptedTextField
from mediation.documents.models import GeneratedDocument
from mediation.domain.meetings import DEFAULT_DURATION_MINUTES


class MeetingMode(models.TextChoices):
    ONLINE = "online", "Online (video call)"
    VENUE = "venue", "In person at a venue"
    PHONE = "phone", "By phone"


def new_uid() -> str:
    return f"{uuid.uuid4()}@send-mediation"


class SlotOffer(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="slot_offers")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(default=DEFAULT_DURATION_MINUTES)
    mode = models.CharField(max_length=10, choices=MeetingMode.choices)
    # A date that is not a working day (weekend, bank holiday, closure day) is offered only with
    # someone's "yes, this date" and why (mediation.domain.meetings.non_working_day_reason).
    non_working_day_reason = EncryptedTextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["case", "starts_at"], name="slot_case_idx")]

    def __str__(self) -> str:
        return f"Slot {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def local_start(self):  # noqa: ANN201
        return timezone.localtime(self.starts_at)

    @property
    def local_end(self):  # noqa: ANN201
        return timezone.localtime(self.starts_at + timedelta(minutes=self.duration_minutes))


class SlotAnswer(models.Model):
    """Whether one attendee can come to one slot. Exactly one of party and mediator is set."""

    slot = models.ForeignKey(SlotOffer, on_delete=models.CASCADE, related_name="answers")
    party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.CASCADE)
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    available = models.BooleanField()
    # Empty when the party answered for themselves through the portal.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slot", "party"], name="unique_slot_party_answer"),
            models.UniqueConstraint(
                fields=["slot", "mediator"], name="unique_slot_mediator_answer"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(party__isnull=False, mediator__isnull=True)
                    | models.Q(party__isnull=True, mediator__isnull=False)
                ),
                name="slot_answer_one_attendee",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer {self.pk}"

    @property
    def attendee_key(self) -> str:
        return f"party:{self.party_id}" if self.party_id else f"mediator:{self.mediator_id}"


class Meeting(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    slot = models.ForeignKey(SlotOffer, null=True, blank=True, on_delete=models.SET_NULL)
    uid = models.CharField(max_length=100, unique=True, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(default=DEFAULT_DURATION_MINUTES)
    mode = models.CharField(max_length=10, choices=MeetingMode.choices)
    online_link = models.URLField(blank=True)
    venue_name = models.CharField(max_length=150, blank=True)
    venue_address = models.TextField(blank=True)
    access_details = models.TextField(blank=True)
    phone_details = models.CharField(max_length=200, blank=True)
    # Reg 37(2): the family agreed to less than 5 working days' notice.
    short_notice_consent = models.BooleanField(default=False)
    # Why the meeting is on a day that is not a working day, if it is (from its slot or move).
    non_working_day_reason = EncryptedTextField(blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="meeting_status_start_idx"),
            models.Index(fields=["case", "status"], name="meeting_case_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="booked"),
                name="one_booked_meeting_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"Meeting {self.uid}"

    @property
    def local_start(self):  # noqa: ANN201
        return timezone.localtime(self.starts_at)

    @property
    def local_end(self):  # noqa: ANN201
        return timezone.localtime(self.ends_at)

    @property
    def ends_at(self):  # noqa: ANN201
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_booked(self) -> bool:
        return self.status == self.Status.BOOKED

    @property
    def where(self) -> str:
        """How to join or where to go, in one line."""
        if self.mode == MeetingMode.ONLINE:
            return f"Online: {self.online_link}" if self.online_link else "Online"
        if self.mode == MeetingMode.PHONE:
            return f"By phone: {self.phone_details}" if self.phone_details else "By phone"
        address = ", ".join(line.strip() for line in self.venue_address.splitlines() if line)
        return ", ".join(part for part in (self.venue_name, address) if part)


class MeetingChange(models.Model):
    class Kind(models.TextChoices):
        BOOKED = "booked", "Booked"
        RESCHEDULED = "rescheduled", "Rescheduled"
        CANCELLED = "cancelled", "Cancelled"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    sequence = models.PositiveIntegerField()
    old_starts_at = models.DateTimeField(null=True, blank=True)
    new_starts_at = models.DateTimeField(null=True, blank=True)
    # A cancellation or move: who asked for it and why (the short list, then free text). Empty
    # for a booking, and where it was not recorded (changes made before these were asked).
    requested_by = models.CharField(max_length=10, choices=Side.choices, blank=True)
    reason_kind = models.CharField(max_length=20, choices=ChangeReason.choices, blank=True)
    reason = EncryptedTextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # Invoicing: meetings cancelled in a period.
            models.Index(fields=["kind", "at"], name="meeting_change_kind_at_idx"),
            # Reports: cancellations and moves in a period, by who asked.
            models.Index(fields=["at", "requested_by"], name="meeting_change_at_by_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.sequence})"


class MeetingLetter(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="letters")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=MeetingChange.Kind.choices)
    message_id = models.BigIntegerField(null=True, blank=True)
    document = models.OneToOneField(
        GeneratedDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Letter {self.pk}"


class MediatorCall(models.Model):
    """The mediator's call to one party before the meeting (due 5 working days before)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="calls")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    called_on = models.DateField(null=True, blank=True)
    note = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "party"], name="unique_call_per_party")
        ]
        indexes = [models.Index(fields=["called_on", "due_on"], name="call_open_idx")]

    def __str__(self) -> str:
        return f"Call {self.pk}"
