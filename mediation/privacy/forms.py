from __future__ import annotations

from typing import Any

from django import forms

from mediation.common.forms import choice_field
from mediation.privacy.models import ErasureRequest


def _reason(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": f"Enter the {label[0].lower()}{label[1:]}"},
    )


class LegalHoldForm(forms.Form):
    reason = _reason(
        "Reason for the hold", "For example, a complaint, a claim or a court order. Staff only."
    )


class LegalHoldLiftForm(forms.Form):
    lift_reason = _reason("Reason for lifting the hold")


class ErasureRequestForm(forms.Form):
    scope = forms.ChoiceField(
        label="What should be erased",
        choices=ErasureRequest.Scope.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what should be erased"},
    )
    party = forms.ChoiceField(label="Person", required=False)
    reason = _reason("Reason for erasing", "Say who asked, when, and why it cannot wait.")

    def __init__(self, *args: Any, parties: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parties = {str(party.pk): party for party in parties}
        choice_field(self, "party").choices = [("", "Choose a person")] + [
            (str(party.pk), f"{party.name} ({party.get_role_display()})") for party in parties
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("scope") == ErasureRequest.Scope.PARTY:
            party = self.parties.get(data.get("party") or "")
            if party is None:
                self.add_error("party", "Choose the person whose details should be erased")
            data["party_obj"] = party
        return data


class ErasureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve and erase now"), ("refuse", "Refuse")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or refuse"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SubjectAccessSearchForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the right format, like name@example.com"
        },
    )
    name = forms.CharField(
        label="Full name",
        required=False,
        max_length=120,
        help_text="As the service would have written it, for example Sarah Whitfield",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and not data.get("email") and not (data.get("name") or "").strip():
            self.add_error("email", "Enter an email address or a full name")
        return data
