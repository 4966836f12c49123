"""The forms of the workflow's pages: opening a case, its key dates, and each step's short form
(only what that step needs). Messages follow the GOV.UK style: say what to do, plainly."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest

from mediation.accounts.models import Role, User
from mediation.cases.forms import case_owner_choices
from mediation.cases.models import AppealLodged, Case, ClosureOutcome, Outcome
from mediation.cases.step_forms import reason_field
from mediation.common.errors import StaleCase
from mediation.common.forms import GovukDateField, ModelChoiceField, today_in_london
from mediation.domain.case_states import ROUTE_LABELS, CaseState, Route, Step
from mediation.domain.decisions import APPEALABLE_DECISIONS


def expected_state_posted(request: HttpRequest) -> CaseState:
    """The case's state when the page was shown (the hidden `expected_state` field), which a
    state-changing service compares with the state now (StaleCase if someone moved it)."""
    try:
        return CaseState(request.POST.get("expected_state", ""))
    except ValueError:
        raise StaleCase("This page was out of date. Try again.") from None


class OpenCaseForm(forms.Form):
    route = forms.ChoiceField(
        label="What has the family chosen?",
        choices=[(r.value, ROUTE_LABELS[r]) for r in Route],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the family has chosen"},
    )
    issues = forms.MultipleChoiceField(
        label="What are the issues about?",
        help_text="Select all that apply. Health issues mean the health commissioning body must be told.",
        choices=[("education", "Education"), ("health", "Health"), ("social_care", "Social care")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one kind of issue"},
    )

    def __init__(self, *args: Any, decision_type: str, section_i_only: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = case_owner_choices()
        self.decision_type = decision_type
        self.section_i_only = section_i_only

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        route = data.get("route")
        if route in {Route.MEDIATION, Route.CERTIFICATE_ONLY} and (
            self.decision_type not in APPEALABLE_DECISIONS
        ):
            self.add_error(
                "route",
                "Mediation and certificates are only for decisions that can be appealed. "
                "Choose disagreement resolution",
            )
        if route == Route.CERTIFICATE_ONLY and self.section_i_only:
            self.add_error(
                "route",
                "No certificate is needed to appeal about Section I only. "
                "Choose mediation or disagreement resolution",
            )
        return data


class KeyDatesForm(forms.Form):
    """The dated events that start and stop the statutory clocks, and the kinds of issue."""

    notice_sent_on = GovukDateField(
        label="Date the decision notice was sent", past_only=True, required=False
    )
    adviser_contacted_on = GovukDateField(
        label="Family contacted the mediation adviser", past_only=True, required=False
    )
    mediation_declined_on = GovukDateField(
        label="Family said they do not want mediation", past_only=True, required=False
    )
    la_informed_on = GovukDateField(
        label="LA told that the family wants mediation", past_only=True, required=False
    )
    health_body_notified_on = GovukDateField(
        label="Health commissioning body told", past_only=True, required=False
    )
    la_unable_to_arrange_notified_on = GovukDateField(
        label="LA said it cannot arrange mediation within 30 days", past_only=True, required=False
    )
    meeting_planned_on = GovukDateField(
        label="Meeting date",
        required=False,
        help_text="The date the mediation meeting is booked for.",
    )
    meeting_confirmation_sent_on = GovukDateField(
        label="Written confirmation of the meeting sent", past_only=True, required=False
    )
    mediation_held_on = GovukDateField(label="Mediation held", past_only=True, required=False)
    mediation_concluded_on = GovukDateField(
        label="Mediation concluded", past_only=True, required=False
    )
    outcome_circulated_on = GovukDateField(
        label="Outcome statement sent out", past_only=True, required=False
    )
    certificate_issued_on = GovukDateField(
        label="Certificate issued", past_only=True, required=False
    )
    agreement_made_on = GovukDateField(
        label="Mediation agreement made", past_only=True, required=False
    )
    issues = forms.MultipleChoiceField(
        label="What are the issues about?",
        choices=[("education", "Education"), ("health", "Health"), ("social_care", "Social care")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one kind of issue"},
    )

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        self.case = case
        if not args or args[0] is None:
            kwargs.setdefault("initial", {})
            for name in self.base_fields:
                if name != "issues":
                    kwargs["initial"][name] = getattr(case, name)
            kwargs["initial"]["issues"] = [
                kind
                for kind in ("education", "health", "social_care")
                if getattr(case, f"issue_{kind}")
            ]
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        sent = data.get("notice_sent_on")
        if (
            self.case.decision_type in APPEALABLE_DECISIONS
            and not sent
            and "notice_sent_on" not in self.errors
        ):
            self.add_error(
                "notice_sent_on",
                "Enter the date the decision notice was sent: the time limits run from it",
            )
        if sent:
            for name, field in self.fields.items():
                value = data.get(name)
                if (
                    name not in {"notice_sent_on", "issues"}
                    and isinstance(value, date)
                    and value < sent
                ):
                    self.add_error(
                        name, f"{field.label} cannot be before the decision notice was sent"
                    )
        held, concluded = data.get("mediation_held_on"), data.get("mediation_concluded_on")
        if held and concluded and concluded < held:
            self.add_error("mediation_concluded_on", "Mediation cannot conclude before it was held")
        return data

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        issues = set(data.pop("issues", []))
        for kind in ("education", "health", "social_care"):
            data[f"issue_{kind}"] = kind in issues
        return data


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
            self.fields["reason"] = reason_field(
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
            self.fields["reason"] = reason_field("Reason", "Give the reason")
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
            self.fields["reason"] = reason_field(
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
