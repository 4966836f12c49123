"""The short forms of the case page's other actions: assigning a mediator, private notes, linking
cases, and a mediator's conflicts of interest. The workflow steps' forms: mediation.workflow.forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from mediation.accounts.models import Role, User
from mediation.authorities.models import LocalAuthority
from mediation.cases.forms import MAX_LONG_TEXT
from mediation.cases.models import CaseLink, DeclineReason, IssueTheme, Side
from mediation.common.forms import GovukDateField, ModelChoiceField, ModelMultipleChoiceField


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


class CaseIssuesForm(forms.Form):
    """The issues in dispute on a case, from the service's list."""

    themes = ModelMultipleChoiceField(
        label="What is the disagreement about?",
        help_text="Select every issue that applies.",
        queryset=IssueTheme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": "Select issues from the list",
            "invalid_pk_value": "Select issues from the list",
        },
    )

    def __init__(self, *args: Any, current: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The issues offered now, and any the case already has that are no longer offered.
        field = self.fields["themes"]
        assert isinstance(field, ModelMultipleChoiceField)
        field.queryset = IssueTheme.objects.filter(
            Q(active=True) | Q(pk__in=current or [])
        ).order_by("position", "name")


class IssueThemeForm(forms.ModelForm):
    class Meta:
        model = IssueTheme
        fields = ["name", "hint", "position", "active"]
        labels = {
            "name": "Name of the issue",
            "hint": "Short explanation (optional)",
            "position": "Order in the list",
            "active": "Offer this issue for cases",
        }
        error_messages = {
            "name": {
                "required": "Enter the name of the issue",
                "max_length": "The name must be 120 characters or fewer",
                "unique": "That issue is already on the list",
            },
            "hint": {"max_length": "The explanation must be 200 characters or fewer"},
            "position": {
                "required": "Enter the order in the list, as a number",
                "invalid": "The order must be a whole number, like 10",
                "min_value": "The order must be 0 or more",
                "max_value": "The order must be 32767 or less",
            },
        }
        widgets = {
            "position": forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}
            )
        }
