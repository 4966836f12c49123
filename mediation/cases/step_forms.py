"""The short forms of the case page's other actions: assigning a mediator, private notes, linking
cases, and a mediator's conflicts of interest. The workflow steps' forms: mediation.workflow.forms."""

from __future__ import annotations

from typing import Any

from django import forms

from mediation.accounts.models import Role, User
from mediation.authorities.models import LocalAuthority
from mediation.cases.forms import MAX_LONG_TEXT
from mediation.cases.models import CaseLink, DeclineReason, Side
from mediation.common.forms import GovukDateField, ModelChoiceField


def reason_field(label: str, message: str, help_text: str = "") -> forms.CharField:
    """A required free-text answer in a short text area, up to MAX_LONG_TEXT characters."""
    return forms.CharField(
        label=label,
        max_length=MAX_LONG_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": message,
            "max_length": f"{label} must be {MAX_LONG_TEXT:,} characters or fewer",
        },
    )


class AssignMediatorForm(forms.Form):
    mediator = ModelChoiceField(
        label="Mediator",
        queryset=User.objects.filter(role=Role.MEDIATOR, is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select a mediator",
            "invalid_choice": "Select a mediator from the list",
        },
    )


class MediatorNoteForm(forms.Form):
    text = reason_field(
        "Private note",
        "Enter the note",
        "Only you can see this. It is never put in any letter, report or export.",
    )


class CaseLinkForm(forms.Form):
    reference = forms.CharField(
        label="Reference of the related case",
        max_length=20,
        help_text="For example MED-2026-00042.",
        error_messages={
            "required": "Enter the reference of the related case",
            "max_length": "Enter a reference like MED-2026-00042",
        },
    )
    kind = forms.ChoiceField(
        label="How are they related?",
        choices=CaseLink.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the cases are related"},
    )


class MediatorConflictForm(forms.Form):
    local_authority = ModelChoiceField(
        label="Local authority",
        required=False,
        queryset=None,
        empty_label="None",
    )
    setting_name = forms.CharField(label="School or setting", max_length=150, required=False)
    family_name = forms.CharField(label="Family name", max_length=120, required=False)
    note = forms.CharField(label="Note", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["local_authority"]
        assert isinstance(field, ModelChoiceField)
        field.queryset = LocalAuthority.objects.all()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not (data.get("local_authority") or data.get("setting_name") or data.get("family_name")):
            raise forms.ValidationError(
                "Enter a local authority, a school or setting, or a family name"
            )
        return data


class DeclinedForm(forms.Form):
    """Someone declined to take part in disagreement resolution: who, why and when."""

    side = forms.ChoiceField(
        label="Who declined to take part?",
        choices=Side.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who declined to take part",
            "invalid_choice": "Select who declined to take part",
        },
    )
    reason_kind = forms.ChoiceField(
        label="What is the main reason they gave?",
        choices=DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the main reason they gave",
            "invalid_choice": "Select the main reason they gave",
        },
    )
    reason = forms.CharField(
        label="Say more, in their words if you can (optional)",
        max_length=MAX_LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept encrypted, like other notes.",
        error_messages={"max_length": f"This must be {MAX_LONG_TEXT:,} characters or fewer"},
    )
    declined_on = GovukDateField(
        label="Date they told us", past_only=True, help_text="For example, 27 3 2027"
    )

    def __init__(self, *args: Any, opened_on: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.opened_on = opened_on

    def clean_declined_on(self) -> Any:
        value = self.cleaned_data.get("declined_on")
        if value is not None and self.opened_on is not None and value < self.opened_on:
            raise forms.ValidationError(
                f"Date they told us must be on or after the day the case was opened, "
                f"{self.opened_on:%-d %B %Y}"
            )
        return value
