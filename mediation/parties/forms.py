"""Forms for parties, attendance, authority and expenses (GOV.UK style messages)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from mediation.cases.forms import (
    MAX_LONG_TEXT,
    MAX_NAME,
    MAX_SHORT_TEXT,
    long_text_field,
    text_field,
)
from mediation.cases.models import Case, ContactPreference, Party, PartyRole
from mediation.common.forms import GovukDateField, PhoneNumberField, choice_field
from mediation.domain import attendance as rules
from mediation.domain import expenses as money
from mediation.parties.models import AuthorityIssue, ChildScope, ExpenseKind
from mediation.parties.services import PARTY_FIELDS

ROLE_CHOICES = [(v, label) for v, label in PartyRole.choices if v != PartyRole.OTHER_CALLER]
YES_NO = [("yes", "Yes"), ("no", "No")]


def _choice(label: str, choices: Any, message: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
        **kwargs,
    )


ATTENDING_CHOICES = [
    ("yes", "Yes, if the rules allow"),
    ("no", "No"),
    ("information", "No, they will send information instead"),
]


class PartyForm(forms.Form):
    role = _choice("Role in the case", ROLE_CHOICES, "Select the person's role")
    name = text_field("Full name", max_length=MAX_NAME)
    relationship = text_field(
        "Relationship to the child or young person",
        max_length=80,
        required=False,
        help_text="For example mother, grandparent, foster carer, SEN officer, class teacher.",
    )
    organisation = text_field(
        "Organisation",
        max_length=MAX_SHORT_TEXT,
        required=False,
        help_text="Needed for information providers, for example the school or CAMHS team.",
    )
    phone = PhoneNumberField(required=False)
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
    address = long_text_field("Postal address", required=False, rows=3)
    preferred_contact = _choice(
        "How would they like us to contact them?",
        ContactPreference.choices,
        "Select how they would like to be contacted",
    )
    language = text_field("Preferred language", max_length=60)
    interpreter_needed = forms.BooleanField(label="They need an interpreter", required=False)
    interpreter_language = text_field(
        "Language the interpreter is needed for",
        max_length=60,
        required=False,
        help_text="For example Polish or British Sign Language (BSL).",
    )
    reasonable_adjustments = long_text_field(
        "Reasonable adjustments",
        required=False,
        rows=3,
        help_text="For example breaks every 30 minutes, phone only, step-free access. "
        "Kept encrypted.",
    )
    supporter_kind = forms.ChoiceField(
        label="Kind of supporter",
        required=False,
        choices=[("", "Not a supporter"), *Party.SupporterKind.choices],
        error_messages={"invalid_choice": "Select a kind of supporter from the list"},
        help_text="Supporters only.",
    )
    supports = forms.TypedChoiceField(
        label="Who are they supporting?",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[],
        error_messages={"invalid_choice": "Select someone on this case"},
        help_text="Supporters only. A supporter of the family attends by right (reg 38(1)(b)).",
    )
    provider_kind = forms.ChoiceField(
        label="Kind of information provider",
        required=False,
        choices=[("", "Not an information provider"), *Party.ProviderKind.choices],
        error_messages={"invalid_choice": "Select a kind of information provider from the list"},
        help_text="Information providers only.",
    )
    additional_officer = forms.BooleanField(
        label="Comes alongside the named attendee, not as the decision maker",
        required=False,
        help_text="LA and health body officers only. They then need everyone's consent or the "
        "mediator's (reg 38(1)(e)).",
    )

    def __init__(self, *args: Any, case: Case, party: Party | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.case = case
        others = [p for p in case.parties.all() if party is None or p.pk != party.pk]
        self.others = {p.pk: p for p in others}
        choice_field(self, "supports").choices = [("", "Choose a person")] + [
            (p.pk, f"{p.name} ({p.get_role_display()})") for p in others
        ]
        if party is None:
            self.fields["language"].initial = "English"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        role = data.get("role")
        if data.get("interpreter_needed") and not data.get("interpreter_language"):
            self.add_error(
                "interpreter_language", "Enter the language the interpreter is needed for"
            )
        if role == PartyRole.SUPPORTER:
            if not data.get("supporter_kind"):
                self.add_error("supporter_kind", "Select the kind of supporter")
            if data.get("supports") is None and "supports" not in self.errors:
                self.add_error("supports", "Select who they are supporting")
        if role == PartyRole.INFORMATION_PROVIDER:
            if not data.get("provider_kind"):
                self.add_error("provider_kind", "Select the kind of information provider")
            if not data.get("organisation"):
                self.add_error("organisation", "Enter the organisation they are from")
        if (
            data.get("preferred_contact") == ContactPreference.EMAIL
            and not data.get("email")
            and "email" not in self.errors
        ):
            self.add_error("email", "Enter an email address, as they prefer email")
        if (
            data.get("preferred_contact") == ContactPreference.LETTER
            and not (data.get("address") or "").strip()
            and "address" not in self.errors
        ):
            self.add_error("address", "Enter a postal address, as they prefer letters")
        return data

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        supports = data.get("supports")
        data["supports"] = self.others.get(supports) if supports else None
        return data

    @staticmethod
    def initial_for(party: Party) -> dict[str, Any]:
        initial = {name: getattr(party, name) for name in PARTY_FIELDS}
        initial["supports"] = party.supports_id
        return initial


class ResponseForm(forms.Form):
    responder = forms.TypedChoiceField(
        label="Who is answering?",
        coerce=int,
        choices=[],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who is answering",
            "invalid_choice": "Select someone whose agreement counts",
        },
    )
    agrees = _choice("Do they agree to this person attending?", YES_NO, "Select yes or no")
    reason = long_text_field(
        "Reason for objecting",
        required=False,
        rows=3,
        help_text="Needed if they object.",
    )

    def __init__(self, *args: Any, consenters: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_id = {p.pk: p for p in consenters}
        choice_field(self, "responder").choices = [
            (p.pk, f"{p.name} ({p.get_role_display()})") for p in consenters
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("agrees") == "no" and not data.get("reason"):
            self.add_error("reason", "Give the reason for the objection")
        return data


class DecisionForm(forms.Form):
    decision = _choice(
        "Your decision",
        [("allowed", "Allow them to attend"), ("refused", "Do not allow them to attend")],
        "Select your decision",
    )
    child_scope = forms.ChoiceField(
        label="How much of the meeting?",
        required=False,
        choices=[(ChildScope.PART, ChildScope.PART.label), (ChildScope.ALL, ChildScope.ALL.label)],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select part or all of the meeting"},
    )
    child_scope_detail = text_field("Which part of the meeting?", max_length=200, required=False)
    statement_to_child = forms.BooleanField(
        label="The family and I agreed the child gets a copy of the outcome statement",
        required=False,
        help_text="Leave it unticked unless you both agreed: the statement then goes to the "
        "child, or to the adult helping them.",
    )
    reason = long_text_field(
        "Reason", required=True, rows=3, empty_message="Give the reason for your decision"
    )

    def __init__(self, *args: Any, is_child: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_child = is_child
        if not is_child:
            del self.fields["child_scope"]
            del self.fields["child_scope_detail"]
            del self.fields["statement_to_child"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.is_child and data.get("decision") == "allowed":
            if not data.get("child_scope"):
                self.add_error("child_scope", "Select part or all of the meeting")
            elif data["child_scope"] == ChildScope.PART and not data.get("child_scope_detail"):
                self.add_error("child_scope_detail", "Say which part of the meeting")
        return data


class PlanForm(forms.Form):
    attending = _choice(
        "Will they attend the meeting?", ATTENDING_CHOICES, "Select whether they will attend"
    )
    child_scope = _choice(
        "How much of the meeting would the child attend?",
        ChildScope.choices,
        "Select how much of the meeting",
    )
    child_scope_detail = text_field("Which part of the meeting?", max_length=200, required=False)

    def __init__(self, *args: Any, party: Party, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.party = party
        if party.role != PartyRole.INFORMATION_PROVIDER:
            choice_field(self, "attending").choices = ATTENDING_CHOICES[:2]
        if party.role != PartyRole.CHILD:
            del self.fields["child_scope"]
            del self.fields["child_scope_detail"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("child_scope") == ChildScope.PART and not data.get("child_scope_detail"):
            self.add_error("child_scope_detail", "Say which part of the meeting")
        return data


class AuthorityForm(forms.Form):
    issues = forms.MultipleChoiceField(
        label="Which issues can they make decisions on?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
        error_messages={"invalid_choice": "Select issues from the list"},
    )
    confirmed_on = GovukDateField(label="Date the body confirmed it", past_only=True)

    def __init__(self, *args: Any, party: Party, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if party.role == PartyRole.HEALTH_REPRESENTATIVE:
            choices = [(AuthorityIssue.HEALTH, "Health")]
        else:
            choices = [
                (AuthorityIssue.EDUCATION, "Education"),
                (AuthorityIssue.SOCIAL_CARE, "Social care"),
            ]
        needed = rules.issues_needing_authority(
            education=case.issue_education,
            social_care=case.issue_social_care,
            health=case.issue_health,
        )
        in_dispute = {i for issues in needed.values() for i in issues}
        choice_field(self, "issues").choices = [
            (value, label if value in in_dispute else f"{label} (not in dispute on this case)")
            for value, label in choices
        ]


def _money(label: str, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=12,
        help_text="In pounds, for example 12.50",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "max_length": f"{label} must be 12 characters or fewer",
        },
    )


def _pence(text: str) -> int:
    cleaned = text.strip().lstrip("£").replace(",", "")
    value = Decimal(cleaned)
    if value != value.quantize(Decimal("0.01")):
        raise InvalidOperation
    return int(value * 100)


class ClaimForm(forms.Form):
    claimant = forms.TypedChoiceField(
        label="Who is claiming?",
        coerce=int,
        choices=[],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who is claiming",
            "invalid_choice": "Select the parent, young person or representative",
        },
    )
    received_on = GovukDateField(label="Date the claim was received", past_only=True)

    def __init__(self, *args: Any, family: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_id = {p.pk: p for p in family}
        choice_field(self, "claimant").choices = [
            (p.pk, f"{p.name} ({p.get_role_display()})") for p in family
        ]


class ExpenseLineForm(forms.Form):
    kind = _choice("What is being claimed?", ExpenseKind.choices, "Select what is being claimed")
    description = text_field(
        "Description", max_length=200, required=False, help_text="For example 'Return train fare'."
    )
    amount = _money("Amount claimed")
    miles = forms.DecimalField(
        label="Miles",
        required=False,
        min_value=0,
        max_value=9999,
        decimal_places=1,
        help_text="Car or motorcycle only.",
        error_messages={
            "invalid": "Miles must be a number, like 12.5",
            "min_value": "Miles must be 0 or more",
            "max_value": "Miles must be 9,999 or fewer",
            "max_decimal_places": "Miles can have 1 decimal place",
        },
    )
    hours = forms.DecimalField(
        label="Hours of care",
        required=False,
        min_value=0,
        max_value=48,
        decimal_places=2,
        help_text="Registered carer only.",
        error_messages={
            "invalid": "Hours must be a number, like 3.5",
            "min_value": "Hours must be 0 or more",
            "max_value": "Hours must be 48 or fewer",
            "max_decimal_places": "Hours can have 2 decimal places",
        },
    )
    children = forms.IntegerField(
        label="Number of children or young people cared for",
        required=False,
        min_value=1,
        max_value=20,
        help_text="Registered carer only.",
        error_messages={
            "invalid": "Enter a whole number",
            "min_value": "Enter 1 or more",
            "max_value": "Enter 20 or fewer",
        },
    )
    nights = forms.IntegerField(
        label="Number of nights",
        required=False,
        min_value=1,
        max_value=14,
        help_text="Overnight stays only.",
        error_messages={
            "invalid": "Enter a whole number",
            "min_value": "Enter 1 or more",
            "max_value": "Enter 14 or fewer",
        },
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        if not kind:
            return data
        kind = money.Kind(kind)
        if kind in money.NEEDS_AMOUNT:
            text = data.get("amount") or ""
            if not text:
                self.add_error("amount", "Enter the amount claimed")
            else:
                try:
                    data["claimed_pence"] = _pence(text)
                    if data["claimed_pence"] < 0 or data["claimed_pence"] > 10_000_00:
                        raise InvalidOperation
                except (InvalidOperation, ValueError):
                    self.add_error(
                        "amount", "Enter the amount in pounds and pence, between £0 and £10,000"
                    )
        if kind in money.NEEDS_MILES and data.get("miles") is None and "miles" not in self.errors:
            self.add_error("miles", "Enter the number of miles")
        if kind in money.NEEDS_HOURS:
            if data.get("hours") is None and "hours" not in self.errors:
                self.add_error("hours", "Enter the hours of care")
            if data.get("children") is None and "children" not in self.errors:
                self.add_error("children", "Enter the number of children or young people")
        if (
            kind in money.NEEDS_NIGHTS
            and data.get("nights") is None
            and "nights" not in self.errors
        ):
            self.add_error("nights", "Enter the number of nights")
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = money.Kind(data["kind"])
        return {
            "kind": kind.value,
            "description": data.get("description", ""),
            "claimed_pence": data.get("claimed_pence", 0) if kind in money.NEEDS_AMOUNT else 0,
            "miles": (data.get("miles") or Decimal(0)) if kind in money.NEEDS_MILES else Decimal(0),
            "hours": (data.get("hours") or Decimal(0)) if kind in money.NEEDS_HOURS else Decimal(0),
            "children": data.get("children") or 1,
            "nights": data.get("nights") or 1,
        }


__all__ = [
    "MAX_LONG_TEXT",
    "AuthorityForm",
    "ClaimForm",
    "DecisionForm",
    "ExpenseLineForm",
    "PartyForm",
    "PlanForm",
    "ResponseForm",
]
