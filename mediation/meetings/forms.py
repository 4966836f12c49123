"""Forms for offering dates, recording answers, booking, moving and cancelling a meeting."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from mediation.cases.models import Case, ChangeReason, Side
from mediation.common.forms import GovukDateField, choice_field, today_in_london
from mediation.deadlines.clocks import service_calendar
from mediation.domain.case_states import CaseState
from mediation.domain.meetings import DEFAULT_DURATION_MINUTES, enough_notice
from mediation.meetings.models import MeetingMode
from mediation.meetings.selectors import CaseAttendee
from mediation.meetings.services import non_working_day_refusal, short_notice_refusal
from mediation.workflow.facts import add_to_form, case_change_refusals

TIME_RE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*(am|pm)?\s*$", re.IGNORECASE)
MAX_NOTE = 500
MAX_TEXT = 1000


def parse_time(value: str) -> time | None:
    match = TIME_RE.match(value or "")
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2]), (match[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class WhenFields(forms.Form):
    """Date, start time, length and how people take part."""

    on = GovukDateField(label="Date")
    start_time = forms.CharField(
        label="Start time",
        help_text="Use the 24-hour clock, for example 10:00 or 14:30",
        max_length=8,
        error_messages={"required": "Enter the start time"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        initial=DEFAULT_DURATION_MINUTES,
        min_value=15,
        max_value=480,
        error_messages={
            "required": "Enter how long the meeting lasts",
            "invalid": "Length must be a number of minutes, like 120",
            "min_value": "Length must be at least 15 minutes",
            "max_value": "Length must be 480 minutes (8 hours) or less",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )
    mode = forms.ChoiceField(
        label="How will people take part?",
        choices=MeetingMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how people will take part"},
    )

    def clean_on(self) -> Any:
        day = self.cleaned_data.get("on")
        if day is not None and day < today_in_london():
            raise forms.ValidationError("Date must be today or in the future")
        return day

    def clean_start_time(self) -> time:
        value = parse_time(self.cleaned_data.get("start_time", ""))
        if value is None:
            raise forms.ValidationError("Enter a real time, like 10:00 or 14:30")
        return value

    def starts_at(self) -> datetime:
        return datetime.combine(
            self.cleaned_data["on"],
            self.cleaned_data["start_time"],
            timezone.get_current_timezone(),
        )


class NonWorkingDayFields(forms.Form):
    """A meeting on a weekend, a bank holiday or a day the service is closed needs an explicit
    "yes, this date" and the reason (mediation.meetings.services refuses it otherwise)."""

    non_working_day_confirmed = forms.BooleanField(
        label="Yes, hold it on this date",
        required=False,
        help_text="Only needed for a weekend, a bank holiday or a day the service is closed.",
    )
    non_working_day_reason = forms.CharField(
        label="Why this date? (if it is not a working day)",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"The reason must be {MAX_NOTE} characters or fewer"},
    )

    def check_day(self, day: Any) -> None:
        if day is None:
            return
        refusal = non_working_day_refusal(day, service_calendar())
        data = self.cleaned_data
        if refusal is None:
            data["non_working_day_reason"] = ""
            return
        if not data.get("non_working_day_confirmed"):
            self.add_error("non_working_day_confirmed", refusal)
        elif not (data.get("non_working_day_reason") or "").strip():
            self.add_error(
                "non_working_day_reason",
                "Say why the meeting is on a day that is not a working day",
            )


class SlotForm(WhenFields, NonWorkingDayFields):
    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.check_day(data.get("on"))
        return data


ANSWER_CHOICES = [("yes", "Can come"), ("no", "Cannot come"), ("", "Not asked yet")]


class AnswersForm(forms.Form):
    """One question per attendee: can they come to this slot?"""

    def __init__(
        self, *args: Any, attendees: list[CaseAttendee], current: dict[str, bool], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.keys: dict[str, str] = {}
        for index, person in enumerate(attendees):
            if person.attendee.key.endswith(":none"):
                continue
            name = f"a{index}"
            self.keys[name] = person.attendee.key
            value = current.get(person.attendee.key)
            label = f"{person.attendee.name} ({person.role_label}"
            label += ", required)" if person.attendee.required else ", optional)"
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=ANSWER_CHOICES,
                required=False,
                initial="" if value is None else ("yes" if value else "no"),
                widget=forms.RadioSelect(attrs={"inline": True}),
            )

    def answers(self) -> dict[str, bool | None]:
        mapping = {"yes": True, "no": False, "": None}
        return {key: mapping[self.cleaned_data.get(name) or ""] for name, key in self.keys.items()}


class DetailsFields(forms.Form):
    """How to join or where to go."""

    online_link = forms.URLField(
        label="Link to join (online meetings)",
        assume_scheme="https",
        required=False,
        max_length=200,
        error_messages={"invalid": "Enter a link starting https://"},
    )
    phone_details = forms.CharField(
        label="How to join the phone call (phone meetings)",
        required=False,
        max_length=200,
        help_text="For example: we will call you on the number you gave us",
    )
    venue_name = forms.CharField(label="Venue name (in person)", required=False, max_length=150)
    venue_address = forms.CharField(
        label="Venue address",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"The venue address must be {MAX_NOTE} characters or fewer"},
    )
    access_details = forms.CharField(
        label="Getting there and access",
        required=False,
        help_text="Parking, step-free access, quiet room, which door to use",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"Getting there and access must be {MAX_TEXT} characters or fewer"
        },
    )
    short_notice_consent = forms.BooleanField(
        label="The family has agreed to less than 5 working days' notice",
        required=False,
        help_text="Only needed when the meeting is less than 5 working days away (SEND "
        "Regulations 2014 reg 37(2))",
    )

    def check_details(self, mode: str | None, meeting_date: Any) -> None:
        data = self.cleaned_data
        if (
            mode == MeetingMode.ONLINE
            and not data.get("online_link")
            and "online_link" not in self.errors
        ):
            self.add_error("online_link", "Enter the link to join the online meeting")
        if mode == MeetingMode.VENUE and not data.get("venue_name"):
            self.add_error("venue_name", "Enter the name of the venue")
        if mode == MeetingMode.PHONE and not data.get("phone_details"):
            self.add_error("phone_details", "Say how people join the phone call")
        if (
            meeting_date is not None
            and not data.get("short_notice_consent")
            and not enough_notice(meeting_date, today_in_london(), service_calendar())
        ):
            self.add_error(
                "short_notice_consent", short_notice_refusal(meeting_date, today_in_london())
            )

    def check_facts(self, case: Case, meeting_date: Any, field: str | None) -> None:
        """The meeting's date against the case's other facts (the LA told first, say), with
        the message next to `field` (the date) or in the error summary."""
        if meeting_date is None or self.errors:
            return
        changes: dict[str, Any] = {"meeting_planned_on": meeting_date}
        if case.status != CaseState.MEETING_BOOKED:
            changes["status"] = CaseState.MEETING_BOOKED.value
        add_to_form(self, case_change_refusals(case, changes), {"meeting_planned_on": field or ""})

    def details(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(name, "")
            for name in (
                "online_link",
                "venue_name",
                "venue_address",
                "access_details",
                "phone_details",
            )
        }


class BookForm(DetailsFields):
    def __init__(self, *args: Any, slot: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slot, self.case = slot, case

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        day = self.slot.local_start.date()
        self.check_details(self.slot.mode, day)
        self.check_facts(self.case, day, None)
        return data


def _reason_field(label: str, message: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": message,
            "max_length": f"The reason must be {MAX_NOTE} characters or fewer",
        },
    )


def _requested_by_field(what: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=f"Who asked for the meeting to be {what}?",
        choices=Side.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": f"Select who asked for the meeting to be {what}",
            "invalid_choice": f"Select who asked for the meeting to be {what}",
        },
    )


def _reason_kind_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="What is the main reason?",
        # A hand-over is recorded by the hand-over itself, never chosen here.
        choices=[c for c in ChangeReason.choices if c[0] != ChangeReason.HANDED_OVER],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the main reason",
            "invalid_choice": "Select the main reason",
        },
    )


class RescheduleForm(WhenFields, DetailsFields, NonWorkingDayFields):
    requested_by = _requested_by_field("moved")
    reason_kind = _reason_kind_field()
    reason = _reason_field(
        "Say more about why it is moving",
        "Give the reason for moving the meeting",
    )
    confirmed_by_phone = forms.MultipleChoiceField(
        label="Who has already confirmed by phone that the new date suits them?",
        help_text="Everyone else is asked again: their letter or email asks them to tell us, "
        "and people who use the online service are asked there.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = [
        "on",
        "start_time",
        "duration_minutes",
        "mode",
        "non_working_day_confirmed",
        "non_working_day_reason",
        "online_link",
        "phone_details",
        "venue_name",
        "venue_address",
        "access_details",
        "requested_by",
        "reason_kind",
        "reason",
        "confirmed_by_phone",
        "short_notice_consent",
    ]

    def __init__(
        self, *args: Any, case: Case, attendees: list[CaseAttendee], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        choice_field(self, "confirmed_by_phone").choices = [
            (
                person.attendee.key,
                f"{person.attendee.name}"
                + (f" ({person.role_label})" if person.role_label else ""),
            )
            for person in attendees
            if not person.attendee.key.endswith(":none")
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.check_details(data.get("mode"), data.get("on"))
        self.check_day(data.get("on"))
        self.check_facts(self.case, data.get("on"), "on")
        return data


class CancelForm(forms.Form):
    requested_by = _requested_by_field("cancelled")
    reason_kind = _reason_kind_field()
    reason = _reason_field("Say more about why it is cancelled", "Give the reason for cancelling")


class CallForm(forms.Form):
    called_on = GovukDateField(label="Date of the call", past_only=True)
    note = forms.CharField(
        label="Short note",
        max_length=MAX_NOTE,
        help_text="What was agreed, and any needs for the day. Kept encrypted.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write a short note of the call",
            "max_length": f"The note must be {MAX_NOTE} characters or fewer",
        },
    )
