"""The survey's forms: the one grown-ups answer, the one for a child (short words, the same five
questions), and the one staff fill in from a phone call."""

from __future__ import annotations

from typing import Any

from django import forms

from mediation.cases.forms import MAX_LONG_TEXT
from mediation.cases.models import Party
from mediation.common.forms import ModelChoiceField
from mediation.feedback.models import Agreement, GivenVia, Recommend, Satisfaction


def _radios(
    label: str, choices: list[tuple[str, str]], message: str, hint: str = ""
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        help_text=hint,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


def _comment(label: str, hint: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=MAX_LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": f"Write {MAX_LONG_TEXT:,} characters or fewer"},
    )


class SurveyForm(forms.Form):
    satisfaction = _radios(
        "Overall, how satisfied are you with our service?",
        Satisfaction.choices,
        "Select how satisfied you are",
    )
    felt_heard = _radios(
        "Did you feel listened to?",
        Agreement.choices,
        "Select whether you felt listened to",
    )
    information_clear = _radios(
        "Was the information we gave you clear?",
        Agreement.choices,
        "Select whether the information was clear",
        "For example our letters, emails, phone calls and the outcome statement.",
    )
    would_recommend = _radios(
        "Would you recommend our service to someone in the same position?",
        Recommend.choices,
        "Select whether you would recommend us",
    )
    comment = _comment(
        "Is there anything else you want to tell us? (optional)",
        "Please do not include names. We take out any names, email addresses and phone numbers "
        "before we share comments with the local authorities.",
    )


# The same answers in words for a child of 8 to 11 (docs/guide/parties.md).
CHILD_SATISFACTION = [
    (Satisfaction.VERY_SATISFIED.value, "Really good"),
    (Satisfaction.SATISFIED.value, "Good"),
    (Satisfaction.NEITHER.value, "OK"),
    (Satisfaction.DISSATISFIED.value, "Not good"),
    (Satisfaction.VERY_DISSATISFIED.value, "Really bad"),
]
CHILD_AGREEMENT = [
    (Agreement.YES.value, "Yes"),
    (Agreement.PARTLY.value, "A bit"),
    (Agreement.NO.value, "No"),
]
CHILD_RECOMMEND = [
    (Recommend.YES.value, "Yes"),
    (Recommend.NOT_SURE.value, "Not sure"),
    (Recommend.NO.value, "No"),
]


class ChildSurveyForm(forms.Form):
    satisfaction = _radios("How did it go for you?", CHILD_SATISFACTION, "Pick how it went")
    felt_heard = _radios("Did we listen to you?", CHILD_AGREEMENT, "Pick yes, a bit or no")
    information_clear = _radios(
        "Did you know what was going on?", CHILD_AGREEMENT, "Pick yes, a bit or no"
    )
    would_recommend = _radios(
        "Would you tell a friend to talk to us too?", CHILD_RECOMMEND, "Pick yes, not sure or no"
    )
    comment = _comment(
        "Is there anything else you want to tell us?",
        "You do not have to write anything here. Please do not write anyone's name.",
    )


class RecordForm(SurveyForm):
    """Staff, from a phone call: who answered, how, and their answers."""

    given_via = _radios(
        "How did they answer?",
        [(GivenVia.PHONE.value, "By phone"), (GivenVia.PAPER.value, "On paper or by email")],
        "Select how they answered",
    )

    def __init__(self, *args: Any, parties: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"] = ModelChoiceField(
            label="Who answered?",
            queryset=Party.objects.filter(pk__in=[p.pk for p in parties]).order_by("id"),
            widget=forms.RadioSelect,
            empty_label=None,
            error_messages={
                "required": "Select who answered",
                "invalid_choice": "Select someone from the list",
            },
        )
        self.order_fields(["party", "given_via"])
        for name, label in (
            ("satisfaction", "Overall, how satisfied are they with our service?"),
            ("felt_heard", "Did they feel listened to?"),
            ("information_clear", "Was the information we gave them clear?"),
            ("would_recommend", "Would they recommend our service?"),
            ("comment", "Anything else they said (optional)"),
        ):
            self.fields[name].label = label
        self.fields["comment"].help_text = "In their words, as far as you can."
