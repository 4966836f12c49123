"""Forms for enquiries and cases. Messages follow the GOV.UK style: say what to do, plainly."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from mediation.accounts.models import Role, User
from mediation.authorities.models import LocalAuthority
from mediation.cases.models import CallerType, Contact, ContactPreference, Party
from mediation.common.forms import (
    GovukDateField,
    ModelChoiceField,
    PhoneNumberField,
    choice_field,
    today_in_london,
)
from mediation.domain.case_states import ROUTE_LABELS, STATE_LABELS, CaseState, Route
from mediation.domain.decisions import APPEALABLE_DECISIONS, DECISION_CHOICES, DecisionType

MAX_NAME = 120
MAX_SHORT_TEXT = 150
MAX_LONG_TEXT = 5000


def years_between(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def text_field(
    label: str,
    *,
    max_length: int,
    required: bool = True,
    help_text: str = "",
    widget: forms.Widget | None = None,
    empty_message: str | None = None,
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=widget or forms.TextInput(),
        error_messages={
            "required": empty_message or f"Enter the {label[0].lower() + label[1:]}",
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
    )


def long_text_field(
    label: str,
    *,
    required: bool,
    help_text: str = "",
    rows: int = 5,
    empty_message: str | None = None,
) -> forms.CharField:
    return text_field(
        label,
        max_length=MAX_LONG_TEXT,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        empty_message=empty_message,
    )


class EnquiryForm(forms.Form):
    caller_type = forms.ChoiceField(
        label="Who is calling?",
        choices=CallerType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who is calling"},
    )
    caller_name = text_field("Caller's full name", max_length=MAX_NAME)
    caller_relationship = text_field(
        "Relationship to the child or young person",
        max_length=80,
        required=False,
        help_text="For example mother, grandparent, foster carer or IASS worker.",
    )
    phone = PhoneNumberField(required=False)
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    address = long_text_field("Postal address", required=False, rows=3)
    preferred_contact = forms.ChoiceField(
        label="How would they like us to contact them?",
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they would like to be contacted"},
    )
    child_first_name = text_field("Child or young person's first name", max_length=80)
    child_last_name = text_field("Child or young person's last name", max_length=80)
    child_date_of_birth = GovukDateField(label="Date of birth", past_only=True)
    child_setting = text_field(
        "School or setting",
        max_length=MAX_SHORT_TEXT,
        required=False,
        help_text="Leave blank if they are not in a school, college or other setting.",
    )
    local_authority = ModelChoiceField(
        label="Local authority that made the decision",
        queryset=LocalAuthority.objects.filter(active=True),
        empty_label="Choose a local authority",
        error_messages={
            "required": "Select the local authority",
            "invalid_choice": "Select a local authority from the list",
        },
    )
    decision_type = forms.ChoiceField(
        label="What do they disagree with?",
        choices=DECISION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what they disagree with"},
    )
    notice_sent_on = GovukDateField(
        label="Date the decision notice was sent",
        past_only=True,
        required=False,
        help_text="As told by the caller or shown on the envelope or email. The 2-month limit runs from this date.",
    )
    letter_dated_on = GovukDateField(
        label="Date on the decision letter",
        past_only=True,
        required=False,
        help_text="Only if it is different from the date it was sent.",
    )
    section_i_only = forms.BooleanField(
        label="The disagreement is only about Section I (the school or setting named)",
        required=False,
        help_text="No mediation certificate is needed to appeal about Section I only.",
    )
    case_history = long_text_field(
        "What has happened so far, in the caller's words",
        required=False,
        help_text="Kept encrypted. Only staff who work on the case can read it.",
    )
    information_given = forms.MultipleChoiceField(
        label="Information given on this call",
        choices=[
            ("mediation", "What mediation is and how it works"),
            ("certificate", "Mediation certificates and when one is needed"),
            ("appeal", "Appealing to the First-tier Tribunal and its time limits"),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        caller_type = data.get("caller_type")
        if caller_type in {CallerType.PARENT_CARER, CallerType.ON_BEHALF} and not data.get(
            "caller_relationship"
        ):
            self.add_error(
                "caller_relationship",
                "Enter the caller's relationship to the child or young person",
            )
        preference = data.get("preferred_contact")
        if preference in {ContactPreference.PHONE, ContactPreference.TEXT} and not data.get(
            "phone"
        ):
            self.add_error("phone", "Enter a phone number, or choose another way to contact them")
        if (
            preference == ContactPreference.EMAIL
            and not data.get("email")
            and "email" not in self.errors
        ):
            self.add_error("email", "Enter an email address, or choose another way to contact them")
        if preference == ContactPreference.LETTER and not data.get("address"):
            self.add_error(
                "address", "Enter a postal address, or choose another way to contact them"
            )
        born = data.get("child_date_of_birth")
        if born and years_between(born, today_in_london()) >= 25:
            self.add_error(
                "child_date_of_birth",
                "The child or young person must be under 25: check the date of birth",
            )
        decision = data.get("decision_type")
        if (
            decision in APPEALABLE_DECISIONS
            and not data.get("notice_sent_on")
            and ("notice_sent_on" not in self.errors)
        ):
            self.add_error(
                "notice_sent_on",
                "Enter the date the decision notice was sent: the time limits run from it",
            )
        if data.get("section_i_only") and decision and decision != DecisionType.PLAN_CONTENTS:
            self.add_error(
                "section_i_only",
                "Section I only applies to a disagreement about the contents of an EHC plan",
            )
        sent, dated = data.get("notice_sent_on"), data.get("letter_dated_on")
        if born and sent and sent < born:
            self.add_error(
                "notice_sent_on", "The notice cannot have been sent before the child was born"
            )
        if dated and sent and (dated - sent).days > 31:
            self.add_error(
                "letter_dated_on",
                "The letter date is more than a month after it was sent: check both dates",
            )
        return data

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        given = set(data.pop("information_given", []))
        data["info_mediation_given"] = "mediation" in given
        data["info_certificate_given"] = "certificate" in given
        data["info_appeal_given"] = "appeal" in given
        return data


def case_owner_choices() -> ModelChoiceField:
    return ModelChoiceField(
        label="Case owner",
        queryset=User.objects.filter(
            is_active=True, role__in=[Role.CASE_OFFICER, Role.MANAGER]
        ).order_by("first_name", "last_name"),
        empty_label="Choose a case owner",
        error_messages={
            "required": "Select the case owner",
            "invalid_choice": "Select a case owner from the list",
        },
    )


class ContactForm(forms.Form):
    party = forms.ChoiceField(label="Who was the contact with?")
    with_name = text_field("Name of the person, if not listed", max_length=MAX_NAME, required=False)
    method = forms.ChoiceField(
        label="How",
        choices=Contact.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the contact was made"},
    )
    direction = forms.ChoiceField(
        label="Direction",
        choices=Contact.Direction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who contacted whom"},
    )
    occurred_on = GovukDateField(label="Date of the contact", past_only=True)
    occurred_time = text_field(
        "Time",
        max_length=5,
        required=False,
        help_text="Use the 24-hour clock, for example 14:30.",
    )
    summary = long_text_field(
        "Summary",
        required=True,
        help_text="What was said or sent, and anything agreed.",
        empty_message="Enter a summary of the contact",
    )

    def __init__(self, *args: Any, parties: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parties = {str(p.pk): p for p in parties}
        choice_field(self, "party").choices = (
            [("", "Choose a person")]
            + [(str(p.pk), str(p)) for p in parties]
            + [("other", "Someone else")]
        )
        self.fields["party"].error_messages = {
            "required": "Select who the contact was with",
            "invalid_choice": "Select a person from the list",
        }
        self.fields["party"].widget.attrs["class"] = "govuk-!-width-two-thirds"

    def clean_occurred_time(self) -> time | None:
        raw = self.cleaned_data.get("occurred_time", "").strip()
        if not raw:
            return None
        try:
            return datetime.strptime(raw, "%H:%M").time()  # noqa: DTZ007 (a time of day, not a moment)
        except ValueError:
            raise forms.ValidationError("Enter a time like 09:15 or 14:30") from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("party") == "other" and not data.get("with_name"):
            self.add_error("with_name", "Enter the name of the person")
        day, at = data.get("occurred_on"), data.get("occurred_time")
        if day:
            moment = timezone.make_aware(datetime.combine(day, at or time(12, 0)))
            if at and moment > timezone.now():
                self.add_error("occurred_time", "The time must be now or in the past")
            data["occurred_at"] = moment
        return data

    def selected_party(self) -> Party | None:
        return self.parties.get(self.cleaned_data.get("party", ""))


class NoteForm(forms.Form):
    text = long_text_field(
        "Note",
        required=True,
        help_text="Kept encrypted. Visible to staff who can see this case.",
        empty_message="Enter the note",
    )


class CaseSearchForm(forms.Form):
    """The filters on the case list. Unknown values are ignored rather than refused."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text="Reference, child's or parent's name, or local authority",
        error_messages={"max_length": "Search must be 100 characters or fewer"},
    )
    route = forms.ChoiceField(
        label="Route",
        required=False,
        choices=[("", "Any route")] + [(r.value, ROUTE_LABELS[r]) for r in Route],
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any open status"), ("all", "Any status, including closed")]
        + [(s.value, STATE_LABELS[s]) for s in CaseState],
    )
    owner = forms.ChoiceField(label="Owner", required=False)
    local_authority = forms.ChoiceField(label="Local authority", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the columns the options show (this form is on every load of the case list).
        owners = User.objects.filter(role__in=[Role.CASE_OFFICER, Role.MANAGER]).only(
            "first_name", "last_name", "username"
        )
        choice_field(self, "owner").choices = [("", "Anyone")] + [
            (str(u.pk), u.display_name) for u in owners
        ]
        choice_field(self, "local_authority").choices = [("", "Any local authority")] + [
            (str(pk), name) for pk, name in LocalAuthority.objects.values_list("pk", "name")
        ]
        self.fields["q"].widget.attrs["type"] = "search"


class CloseEnquiryForm(forms.Form):
    note = long_text_field(
        "What information was given?",
        required=True,
        rows=3,
        empty_message="Enter what information was given",
    )


class LaReferenceForm(forms.Form):
    la_reference = forms.CharField(
        label="The local authority's reference",
        max_length=50,
        required=False,
        help_text="The number the LA's own SEND system uses for this child or case, so its "
        "system can match our case to its records. Leave it empty if not known.",
        error_messages={"max_length": "The reference must be 50 characters or fewer"},
    )

    def clean_la_reference(self) -> str:
        value = " ".join(self.cleaned_data["la_reference"].split())
        if any(not (c.isalnum() or c in " -_/.") for c in value):
            raise forms.ValidationError(
                "The reference can use only letters, numbers, spaces and - _ / ."
            )
        return value
