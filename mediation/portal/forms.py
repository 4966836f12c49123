"""Forms for the portal (plain words; each error says what to do) and for staff inviting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from mediation.cases.models import Party
from mediation.common.forms import GovukDateField, choice_field
from mediation.domain import attendance as rules
from mediation.domain.dates import format_day_long, format_time
from mediation.meetings.models import SlotOffer
from mediation.portal.models import AccessKind
from mediation.uploads.forms import (
    FILE_HINT,
    GovukFileField,
    GovukFileInput,
    GovukMultipleFileField,
)

MAX_TEXT = 3000


def _text(
    label: str, *, required: bool, hint: str = "", rows: int = 4, noun: str = ""
) -> forms.CharField:
    noun = noun or label
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": f"Enter {noun[0].lower()}{noun[1:]}",
            "max_length": f"{noun} must be {MAX_TEXT} characters or fewer",
        },
    )


class NewLinkForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="The address your invitation was sent to.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


class InviteForm(forms.Form):
    kind = forms.ChoiceField(
        label="What should they be able to do?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what they should be able to do"},
    )

    KIND_HINTS = {
        AccessKind.PARENT: "See where the case is, the meeting, dates, letters and files, the outcome "
        "statement and the certificate",
        AccessKind.LA_OFFICER: "Name the LA's attendee, answer dates, send files, report on "
        "agreed actions",
        AccessKind.INFORMATION_PROVIDER: "Send information (written or as files) before the meeting",
        AccessKind.CHILD_VIEWS: "A one-off link to a friendly form for the child's or young "
        "person's views (can be sent to the adult who will help them)",
    }

    send_to_party = forms.ChoiceField(
        label="Who should the child's views link be emailed to?",
        help_text="The child or young person, or an adult who will help them fill it in.",
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(
        self, *args: Any, kinds: tuple[str, ...], recipients: list[Party], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "kind").choices = [
            (kind, f"{AccessKind(kind).label}: {self.KIND_HINTS[AccessKind(kind)]}")
            for kind in kinds
        ]
        self.recipients = {str(p.pk): p for p in recipients}
        if recipients:
            choice_field(self, "send_to_party").choices = [
                (str(p.pk), f"{p.name} ({p.get_role_display().lower()}), {p.email}")
                for p in recipients
            ]
        else:
            del self.fields["send_to_party"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == AccessKind.CHILD_VIEWS and not data.get("send_to_party"):
            self.add_error("send_to_party", "Select who the link should be emailed to")
        return data

    def send_to(self) -> Party | None:
        if self.cleaned_data.get("kind") != AccessKind.CHILD_VIEWS:
            return None
        return self.recipients.get(self.cleaned_data.get("send_to_party") or "")


def slot_label(slot: SlotOffer) -> str:
    start, end = slot.local_start, slot.local_end
    return (
        f"{format_day_long(start.date())}, {format_time(start.time())} to "
        f"{format_time(end.time())}: {slot.get_mode_display().lower()}"
    )


class SlotAnswersForm(forms.Form):
    YES_NO = [("yes", "Yes, I can come"), ("no", "No, I cannot come")]

    def __init__(self, *args: Any, slots: list[tuple[SlotOffer, bool | None]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.slots = [slot for slot, _ in slots]
        for slot, answer in slots:
            label = slot_label(slot)
            self.fields[f"slot_{slot.pk}"] = forms.ChoiceField(
                label=label,
                choices=self.YES_NO,
                widget=forms.RadioSelect(attrs={"inline": True}),
                initial=None if answer is None else ("yes" if answer else "no"),
                error_messages={"required": f"Say if you can come on {label.split(',')[0]}"},
            )

    def answers(self) -> dict[int, bool]:
        return {slot.pk: self.cleaned_data[f"slot_{slot.pk}"] == "yes" for slot in self.slots}


class SupporterForm(forms.Form):
    name = forms.CharField(
        label="Their name",
        max_length=120,
        error_messages={
            "required": "Enter the name of the person you would like to bring",
            "max_length": "Their name must be 120 characters or fewer",
        },
    )
    supporter_kind = forms.ChoiceField(
        label="Who are they?",
        choices=Party.SupporterKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who they are"},
    )
    note = _text(
        "Anything we should know (optional)",
        required=False,
        hint="For example, how to contact them.",
        rows=3,
        noun="What we should know",
    )


class AgreementForm(forms.Form):
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(
        label="I agree that this is an accurate record of the meeting",
        error_messages={"required": "Tick the box to say you agree it is accurate"},
    )


class AttendeeForm(forms.Form):
    who = forms.ChoiceField(
        label="Who will attend the meeting for the local authority?",
        choices=[("me", "I will"), ("other", "Someone else")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select who will attend"},
    )
    name = forms.CharField(
        label="Their name (if someone else)",
        required=False,
        max_length=120,
        error_messages={"max_length": "Their name must be 120 characters or fewer"},
    )
    email = forms.EmailField(
        label="Their email address (if someone else, optional)",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk"
        },
    )
    issues = forms.MultipleChoiceField(
        label="Which issues can they make decisions on at the meeting?",
        choices=[(rules.EDUCATION, "Education"), (rules.SOCIAL_CARE, "Social care")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one issue they can decide on"},
    )
    confirm = forms.BooleanField(
        label="I confirm the local authority has given them the authority to make these "
        "decisions at the meeting",
        error_messages={"required": "Tick the box to confirm their authority"},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("who") == "other" and not (data.get("name") or "").strip():
            self.add_error("name", "Enter the name of the person who will attend")
        return data


class ActionProgressForm(forms.Form):
    what = forms.ChoiceField(
        label="What do you want to tell us?",
        choices=[("done", "It has been done"), ("new_date", "It needs a new date")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select if it has been done or needs a new date"},
    )
    done_on = GovukDateField(label="Date it was done", past_only=True, required=False)
    new_date = GovukDateField(label="New date proposed", required=False)
    details = _text(
        "How you know it was done, or why a new date is needed",
        required=True,
        rows=3,
        noun="Details",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("what") == "done" and not data.get("done_on") and "done_on" not in self.errors:
            self.add_error("done_on", "Enter the date it was done")
        if data.get("what") == "new_date" and "new_date" not in self.errors:
            new_date = data.get("new_date")
            if not new_date:
                self.add_error("new_date", "Enter the new date proposed")
            elif new_date <= timezone.localdate():
                self.add_error("new_date", "The new date must be in the future")
        return data


class InformationForm(forms.Form):
    information = _text(
        "Your information for the meeting",
        required=True,
        hint="What the mediator and the people at the meeting should know. Do not include "
        "anything you would not want everyone at the meeting to read.",
        rows=8,
        noun="Your information",
    )


class ChildViewsForm(forms.Form):
    """Easy-read questions: short sentences, all optional but one, no names asked for."""

    going_well = _text(
        "What is going well?", required=False, hint="Things you like or that help you.", rows=4
    )
    hard = _text("What is hard?", required=False, hint="Things that are difficult.", rows=4)
    would_like = _text(
        "What would you like to happen?", required=False, hint="Your ideas and wishes.", rows=4
    )
    who_helps = _text(
        "Who would you like to help you?", required=False, hint="People who help you.", rows=3
    )
    helped_by = forms.CharField(
        label="Did someone help you fill this in? (optional)",
        help_text="For example: my mum, my dad or my teacher.",
        required=False,
        max_length=120,
        error_messages={"max_length": "This must be 120 characters or fewer"},
    )
    attachments = GovukMultipleFileField(
        label="Add a drawing, photo, recording or video (optional)",
        help_text="You can add up to 5.",
        max_files=5,
    )
    share_with = forms.ChoiceField(
        label="Who can see what you told us?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who can see what you told us"},
    )

    def __init__(self, *args: Any, share_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "share_with").choices = share_choices

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        answers = [data.get(name, "") for name in ("going_well", "hard", "would_like", "who_helps")]
        if (
            not any((answer or "").strip() for answer in answers)
            and not data.get("attachments")
            and "attachments" not in self.errors
        ):
            self.add_error("going_well", "Write something in at least one box, or add a file")
        return data


class PortalUploadForm(forms.Form):
    file = GovukFileField(
        label="Choose a file",
        help_text=FILE_HINT,
        widget=GovukFileInput(attrs={"class": "govuk-file-upload"}),
    )
