"""The API access page's forms: a token for an LA's system, and a webhook endpoint."""

from __future__ import annotations

from typing import Any

from django import forms

from mediation.common.forms import GovukDateField
from mediation.webhooks.models import EventKind

from .models import Scope


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="The system that will use it, for example \u201cCapita ONE, live\u201d.",
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "Name must be 100 characters or fewer",
        },
    )
    scopes = forms.MultipleChoiceField(
        label="What may it do?",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select what the token may do",
            "invalid_choice": "Select what the token may do from the list",
        },
    )
    expires_on = GovukDateField(
        label="Expiry date",
        help_text="The token stops working at the start of this day. At most a year ahead.",
    )


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="Address",
        max_length=500,
        help_text="An https address of the local authority's system, for example "
        "https://send.example.gov.uk/mediation-events.",
        error_messages={
            "required": "Enter the address",
            "max_length": "The address must be 500 characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        max_length=100,
        required=False,
        error_messages={"max_length": "Description must be 100 characters or fewer"},
    )
    events = forms.MultipleChoiceField(
        label="Which events should it receive?",
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one kind of event",
            "invalid_choice": "Select the events from the list",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("events", list(EventKind.values))
