"""The short form each workflow step asks for: only what that step needs."""

from __future__ import annotations

from typing import Any

from django import forms

from mediation.accounts.models import Role, User
from mediation.cases.forms import MAX_LONG_TEXT
from mediation.cases.models import AppealLodged, Case, CaseLink, ClosureOutcome, Outcome
from mediation.common.forms import GovukDateField, ModelChoiceField, today_in_london
from mediation.domain.case_states import Route, Step


def _reason(label: str, message: str, help_text: str = "") -> forms.CharField:
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


DATE_LABELS: dict[Step, str] = {
    Step.INFORM_LA: "Date the LA was told",
    Step.RECORD_HEALTH_NOTIFIED: "Date the health commissioning body was told",
    Step.RECORD_LA_UNABLE: "Date of the LA's notice",
    Step.RECORD_CONSENT: "Date the last person agreed",
    Step.BOOK_MEETING: "Meeting date",
    Step.RECORD_MEETING_HELD: "Date the meeting took place",
    Step.RECORD_OUTCOME: "Date the mediation concluded",
    Step.ISSUE_CERTIFICATE: "Date of issue",
    Step.FAMILY_WITHDRAWS: "Date the family told us",
    Step.LA_CHANGED_DECISION: "Date the LA changed its decision",
}


class StepForm(forms.Form):
    def __init__(self, *args: Any, step: Step, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step, self.case = step, case
        if step in DATE_LABELS:
            future = step == Step.BOOK_MEETING
            self.fields["on"] = GovukDateField(label=DATE_LABELS[step], past_only=not future)
        if step == Step.RECORD_CONSENT:
            self.fields["reason"] = _reason(
                "Who agreed, and how",
                "Say who agreed to take part and how they told us",
                "Disagreement resolution is voluntary: every party must agree before a meeting.",
            )
        if step == Step.RECORD_OUTCOME:
            self.fields["outcome"] = forms.ChoiceField(
                label="What was agreed?",
                choices=Outcome.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Select what was agreed"},
            )
        if step == Step.ISSUE_CERTIFICATE:
            self.fields["adviser"] = ModelChoiceField(
                label="Mediation adviser who issued it",
                queryset=User.objects.filter(is_active=True).exclude(role=Role.MEDIATOR),
                empty_label="Choose the adviser",
                error_messages={
                    "required": "Select the mediation adviser",
                    "invalid_choice": "Select an adviser from the list",
                },
            )
        if step in {Step.CANCEL_MEETING, Step.REOPEN, Step.LA_CHANGED_DECISION}:
            self.fields["reason"] = _reason("Reason", "Give the reason")
        if step == Step.CLOSE:
            self.fields["closure_outcome"] = forms.ChoiceField(
                label="Why is the case closing?",
                choices=ClosureOutcome.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Select why the case is closing"},
            )
            if case.route != Route.DISAGREEMENT_RESOLUTION and case.certificate_issued_on:
                self.fields["appeal_lodged"] = forms.ChoiceField(
                    label="Has the family appealed to the Tribunal?",
                    choices=AppealLodged.choices,
                    widget=forms.RadioSelect,
                    error_messages={"required": "Select whether the family has appealed"},
                )
            self.fields["reason"] = _reason(
                "Note", "Add a short note about why the case is closing"
            )

    def clean_on(self) -> Any:
        value = self.cleaned_data.get("on")
        if value and self.step == Step.BOOK_MEETING and value < today_in_london():
            raise forms.ValidationError("The meeting date must be today or in the future")
        sent = self.case.notice_sent_on
        if value and sent and value < sent and self.step != Step.BOOK_MEETING:
            raise forms.ValidationError(
                f"{DATE_LABELS[self.step]} cannot be before the decision notice was sent"
            )
        held = self.case.mediation_held_on
        if value and held and self.step == Step.RECORD_OUTCOME and value < held:
            raise forms.ValidationError(
                "The mediation cannot conclude before the meeting took place"
            )
        return value


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
    text = _reason(
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
        from mediation.authorities.models import LocalAuthority

        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = LocalAuthority.objects.all()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("local_authority") or data.get("setting_name") or data.get("family_name")):
            raise forms.ValidationError(
                "Enter a local authority, a school or setting, or a family name"
            )
        return data
