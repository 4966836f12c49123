"""Forms for the outcome statement, its agreed actions and their follow-up."""

from __future__ import annotations

from typing import Any

from django import forms

from mediation.cases.models import Case, IssueTheme, Outcome, Party
from mediation.common.forms import (
    GovukDateField,
    ModelMultipleChoiceField,
    choice_field,
    today_in_london,
)
from mediation.outcomes.models import (
    ACTION_KIND_CHOICES,
    AgreedAction,
    DeferredDecision,
    IssueResult,
    PartyAgreement,
)
from mediation.outcomes.selectors import IssueRow
from mediation.outcomes.services import ACTION_FORM_FIELDS, action_check
from mediation.workflow.facts import add_to_form

MAX_TEXT = 5000


class StatementForm(forms.Form):
    key_points = forms.CharField(
        label="Key points of the discussion",
        help_text="What was discussed, in neutral words each party can agree is accurate. "
        "Do not copy your private notes here: everyone who attended gets this statement.",
        max_length=MAX_TEXT,
        required=True,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Enter the key points of the discussion",
            "max_length": f"Key points must be {MAX_TEXT} characters or fewer",
        },
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )

    def __init__(self, *args: Any, case_outcome: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case_outcome = case_outcome

    def clean_outcome(self) -> str:
        value = self.cleaned_data["outcome"]
        if self.case_outcome and value != self.case_outcome:
            raise forms.ValidationError(
                f"The case's outcome is recorded as “{Outcome(self.case_outcome).label}”: "
                "select the same outcome"
            )
        return value


class ActionForm(forms.Form):
    what = forms.CharField(
        label="What was agreed",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter what was agreed",
            "max_length": "What was agreed must be 1000 characters or fewer",
        },
    )
    who = forms.ChoiceField(
        label="Who will do it",
        choices=AgreedAction.Who.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who will do it"},
    )
    kind = forms.ChoiceField(
        label="What kind of action is it?",
        help_text="This sets the time limit (regulations 42 and 44).",
        choices=ACTION_KIND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of action it is"},
    )
    section = forms.ChoiceField(
        label="EHC plan section (optional)",
        help_text="Leave it if the action is not about a section of an EHC plan, or if you are "
        "not sure.",
        choices=AgreedAction.Section.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select a section from the list"},
    )
    agreed_due = GovukDateField(
        label="Date agreed in writing (optional)",
        required=False,
        help_text="Only if the parties agreed in writing to a different timescale "
        "(regulation 42(5)). For example, 27 3 2026",
    )

    def __init__(
        self, *args: Any, case: Case, action: AgreedAction | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.case, self.action = case, action

    def clean_section(self) -> str:
        return self.cleaned_data.get("section") or AgreedAction.Section.NOT_SURE

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors:
            refusals = action_check(
                self.case, self.action, is_final=False, due=data.get("agreed_due")
            )
            add_to_form(self, refusals, ACTION_FORM_FIELDS)
        return data


class AgreementForm(forms.Form):
    party = forms.TypedChoiceField(
        label="Who agreed that the statement is accurate?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who agreed"},
    )
    method = forms.ChoiceField(
        label="How did they agree?",
        choices=[c for c in PartyAgreement.Method.choices if c[0] != PartyAgreement.Method.PORTAL],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they agreed"},
    )
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, parties: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "party").choices = [
            (p.pk, f"{p.name} ({p.get_role_display()})") for p in parties
        ]


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Correction",
        help_text="It is added after the statement with today's date and your name.",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter the correction",
            "max_length": f"The correction must be {MAX_TEXT} characters or fewer",
        },
    )


class ActionDatesForm(forms.Form):
    """A form about a final statement's action: its dates are checked against the agreement."""

    def __init__(self, *args: Any, action: AgreedAction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action

    def check_dates(self, fields: dict[str, str], **dates: Any) -> None:
        if self.errors:
            return
        action = self.action
        values = {
            "due": action.effective_agreed_due,
            "done_on": action.done_on,
            "no_plan_notice_on": action.no_plan_notice_on,
            "final_plan_sent_on": action.final_plan_sent_on,
            **dates,
        }
        add_to_form(
            self,
            action_check(action.case, action, is_final=True, **values),
            {**ACTION_FORM_FIELDS, **fields},
        )


class DoneForm(ActionDatesForm):
    done_on = GovukDateField(label="Date it was done", past_only=True)
    evidence = forms.CharField(
        label="How do you know?",
        help_text="For example: the LA's letter of 12 March confirming the assessment.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter how you know it was done",
            "max_length": "This must be 1000 characters or fewer",
        },
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.check_dates({}, done_on=data.get("done_on"))
        return data


class VaryForm(ActionDatesForm):
    new_due = GovukDateField(label="New date agreed")
    agreed_in_writing_on = GovukDateField(
        label="Date the parties agreed it in writing", past_only=True
    )
    reason = forms.CharField(
        label="Reason for the new date",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the reason for the new date",
            "max_length": "The reason must be 1000 characters or fewer",
        },
    )

    def clean_new_due(self) -> Any:
        value = self.cleaned_data.get("new_due")
        if value is not None and value < today_in_london():
            raise forms.ValidationError("New date agreed must be today or in the future")
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self.check_dates(
            {"action_due": "new_due"},
            due=data.get("new_due"),
            agreed_on=data.get("agreed_in_writing_on"),
        )
        return data


class FollowUpForm(ActionDatesForm):
    """Reg 44(2)'s later steps of an agreed action, and a reg 44(3) exception."""

    no_plan_notice_on = GovukDateField(
        label="Date the LA told the family that no EHC plan is needed",
        past_only=True,
        required=False,
        help_text="After an assessment: within 10 weeks of the agreement.",
    )
    final_plan_sent_on = GovukDateField(
        label="Date the LA sent the final EHC plan",
        past_only=True,
        required=False,
        help_text="Within 14 weeks of an agreement to assess, or 11 weeks of an agreement to "
        "make a plan.",
    )
    follow_up_exception = forms.ChoiceField(
        label="Does an exception apply to these later limits? (regulation 44(3))",
        choices=[("", "No"), *AgreedAction.FollowUpException.choices],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select one of the exceptions listed"},
    )
    follow_up_exception_note = forms.CharField(
        label="What is the exception? (if one applies)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The note must be 1000 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("follow_up_exception")
            and not (data.get("follow_up_exception_note") or "").strip()
        ):
            self.add_error("follow_up_exception_note", "Say what the exception is")
        self.check_dates(
            {},
            no_plan_notice_on=data.get("no_plan_notice_on"),
            final_plan_sent_on=data.get("final_plan_sent_on"),
        )
        return data


class EscalateForm(ActionDatesForm):
    note = forms.CharField(
        label="Why are you escalating it?",
        help_text="Managers are emailed a link to this case; the note stays in the case.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why you are escalating it",
            "max_length": "The note must be 1000 characters or fewer",
        },
    )


class PeriodForm(forms.Form):
    start = GovukDateField(label="From")
    end = GovukDateField(label="To")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "To must be the same as or after From")
        return data


REMOVE_RESULT = "remove"


class IssueResultsForm(forms.Form):
    """One question per issue in dispute: what did the meeting come to on it?"""

    def __init__(self, *args: Any, rows: list[IssueRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            choices = list(IssueResult.choices)
            if not row.on_case:
                choices.append((REMOVE_RESULT, "Remove: it is no longer an issue on the case"))
            self.fields[f"theme_{row.theme.pk}"] = forms.ChoiceField(
                label=row.theme.name,
                help_text=row.theme.hint,
                choices=choices,
                widget=forms.RadioSelect,
                initial=row.result or None,
                error_messages={
                    "required": f"Select the result for {row.theme.name}",
                    "invalid_choice": f"Select the result for {row.theme.name}",
                },
            )

    def results(self) -> dict[int, str]:
        return {row.theme.pk: self.cleaned_data[f"theme_{row.theme.pk}"] for row in self.rows}


class DeferredDecisionForm(forms.Form):
    """The LA's attendee could not decide: who will, about what, and by when."""

    decided_by = forms.ChoiceField(
        label="Who will decide?",
        choices=DeferredDecision.DecidedBy.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who will decide",
            "invalid_choice": "Select who will decide",
        },
    )
    decision_maker = forms.CharField(
        label="Name of the panel or the decision maker's role",
        help_text="For example: SEN panel, or Head of SEND",
        max_length=150,
        error_messages={
            "required": "Enter the name of the panel or the decision maker's role",
            "max_length": "This must be 150 characters or fewer",
        },
    )
    decision_due_on = GovukDateField(
        label="Date of the panel or decision",
        help_text="The day it will be decided by. For example, 24 3 2027",
    )
    themes = ModelMultipleChoiceField(
        label="Which issues will it decide?",
        help_text="Each one chosen is given the result “Deferred”.",
        queryset=IssueTheme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select issues from the list"},
    )
    section = forms.ChoiceField(
        label="Which part of the EHC plan is it about?",
        choices=AgreedAction.Section.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the part of the EHC plan it is about"},
    )

    def __init__(
        self, *args: Any, case_theme_ids: list[int], date_refusal: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["themes"]
        assert isinstance(field, ModelMultipleChoiceField)
        field.queryset = IssueTheme.objects.filter(pk__in=case_theme_ids).order_by(
            "position", "name"
        )
        if not case_theme_ids:
            del self.fields["themes"]
        # The fact rules' check of the date against the meeting (outcomes.services).
        self.date_refusal = date_refusal

    def clean_decision_due_on(self) -> Any:
        value = self.cleaned_data.get("decision_due_on")
        if value is not None and self.date_refusal is not None:
            refusal = self.date_refusal(value)
            if refusal:
                raise forms.ValidationError(refusal)
        return value
