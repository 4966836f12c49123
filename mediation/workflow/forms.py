"""The forms of the workflow's pages: opening a case, its key dates, and each step's short form
(only what that step needs). Messages follow the GOV.UK style: say what to do, plainly.

Every date is checked against the case's other facts by the same rules the services refuse
with (mediation.workflow.facts): the message sits next to the field it is about."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest

from mediation.accounts.models import Role, User
from mediation.cases.forms import case_owner_choices
from mediation.cases.models import AppealLodged, Case, ClosureOutcome, Outcome
from mediation.cases.step_forms import reason_field
from mediation.common.errors import StaleCase
from mediation.common.forms import GovukDateField, ModelChoiceField, today_in_london
from mediation.domain.case_states import (
    ROUTE_LABELS,
    STATE_LABELS,
    CaseState,
    Route,
    Step,
    step_target,
)
from mediation.domain.decisions import APPEALABLE_DECISIONS
from mediation.workflow.facts import add_to_form, case_change_refusals
from mediation.workflow.services import reopen_stages, step_changes


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
    """The dated events that start and stop the statutory clocks, the kinds of issue and
    whether the LA is a party. The meeting's date is changed by moving the meeting."""

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
    health_body_told_la_on = GovukDateField(
        label="Health body told the LA about the agreement",
        past_only=True,
        required=False,
        help_text="Only where the LA was not a party to the mediation (health issues only): "
        "the health body must tell it within 1 week of the agreement (reg 42(4)).",
    )
    issues = forms.MultipleChoiceField(
        label="What are the issues about?",
        choices=[("education", "Education"), ("health", "Health"), ("social_care", "Social care")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one kind of issue"},
    )
    la_not_a_party = forms.BooleanField(
        label="The LA is not a party to the mediation",
        required=False,
        help_text="Only for a mediation about health issues only, which the health body "
        "arranges (reg 35(3)).",
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
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
        if not self.errors:
            add_to_form(self, case_change_refusals(self.case, self.changed_values()))
        return data

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        issues = set(data.pop("issues", []))
        for kind in ("education", "health", "social_care"):
            data[f"issue_{kind}"] = kind in issues
        return data

    def changed_values(self) -> dict[str, Any]:
        """Only the values that differ from the case's."""
        return {
            name: value
            for name, value in self.changes().items()
            if getattr(self.case, name) != value
        }


# The case field each step's date records (its form's "on" field).
STEP_DATE_FIELDS: dict[Step, str] = {
    Step.INFORM_LA: "la_informed_on",
    Step.RECORD_HEALTH_NOTIFIED: "health_body_notified_on",
    Step.RECORD_LA_UNABLE: "la_unable_to_arrange_notified_on",
    Step.RECORD_CONSENT: "everyone_agreed_on",
    Step.BOOK_MEETING: "meeting_planned_on",
    Step.RECORD_MEETING_HELD: "mediation_held_on",
    Step.RECORD_OUTCOME: "mediation_concluded_on",
    Step.ISSUE_CERTIFICATE: "certificate_issued_on",
    Step.FAMILY_WITHDRAWS: "mediation_declined_on",
    Step.LA_CHANGED_DECISION: "la_decision_changed_on",
}
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
    implied_stage: CaseState | None = None
    implied_label = ""

    def __init__(
        self, *args: Any, step: Step, case: Case, by: User | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.step, self.case, self.by = step, case, by
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
        if step == Step.REOPEN:
            self._reopen_fields(case, by)
        if step in {Step.CANCEL_MEETING, Step.LA_CHANGED_DECISION}:
            self.fields["reason"] = reason_field("Reason", "Give the reason")
        if step == Step.CLOSE:
            self.fields["closure_outcome"] = forms.ChoiceField(
                label="Why is the case closing?",
                # A hand-over closes its cases itself (Manage, hand over open cases).
                choices=[c for c in ClosureOutcome.choices if c[0] != ClosureOutcome.HANDED_OVER],
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

    def _reopen_fields(self, case: Case, by: User | None) -> None:
        implied, stages = reopen_stages(case)
        self.implied_stage = implied
        self.implied_label = STATE_LABELS[implied] if implied else ""
        if by is not None and by.can_manage_service and len(stages) > 1:
            self.fields["to_state"] = forms.ChoiceField(
                label="Which stage should the case return to?",
                help_text=(
                    f"What is recorded on the case puts it at “{STATE_LABELS[implied]}”. "
                    "Choose another stage only if the case was further on."
                    if implied
                    else ""
                ),
                choices=[(state.value, STATE_LABELS[state]) for state in stages],
                initial=implied.value if implied else None,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Select the stage the case returns to",
                    "invalid_choice": "Select one of the stages listed",
                },
            )
        self.fields["reason"] = reason_field(
            "Why is the case being reopened?",
            "Give the reason for reopening the case",
            "Kept in the case history, where everyone who works on the case can read it.",
        )

    def clean_on(self) -> Any:
        value = self.cleaned_data.get("on")
        if value and self.step == Step.BOOK_MEETING and value < today_in_london():
            raise forms.ValidationError("The meeting date must be today or in the future")
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        fields, _line = step_changes(self.case, self.step, data, self.by)
        fields.pop("certificate_issued_by", None)
        target = step_target(self.step, Route(self.case.route))
        if self.step == Step.REOPEN:
            chosen = data.get("to_state") or getattr(self, "implied_stage", None)
            target = CaseState(chosen) if chosen else None
        if target is not None:
            fields["status"] = target.value
        mapping = {"status": "to_state", "outcome": "outcome"}
        if self.step in STEP_DATE_FIELDS:
            mapping[STEP_DATE_FIELDS[self.step]] = "on"
        add_to_form(self, case_change_refusals(self.case, fields), mapping)
        return data

    def refusal_fields(self) -> dict[str, str]:
        """The form field for each case field a service refusal may name."""
        mapping = {"status": "to_state", "to_state": "to_state", "outcome": "outcome"}
        if self.step in STEP_DATE_FIELDS:
            mapping[STEP_DATE_FIELDS[self.step]] = "on"
        return mapping


# The words on a step's confirmation page: what happens when it is confirmed.
CONFIRM_WARNINGS: dict[Step, str] = {
    Step.ISSUE_CERTIFICATE: (
        "The certificate is made and sent to the family and the LA as soon as you confirm. "
        "A manager can revoke a certificate issued in error."
    ),
    Step.CLOSE: (
        "The case leaves the work queues. It can be reopened later if needed: reopening asks "
        "for a reason and returns the case to the stage its records show."
    ),
    Step.LA_CHANGED_DECISION: (
        "The case is closed, as no meeting is needed. It can be reopened later if needed."
    ),
}
