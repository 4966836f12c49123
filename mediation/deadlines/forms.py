from __future__ import annotations

from typing import Any

from django import forms

from mediation.common.forms import GovukDateField
from mediation.deadlines.models import ClosureDay


class ClosureDayForm(forms.Form):
    day = GovukDateField(label="Date")
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="For example \u201cBank holiday for the coronation\u201d or \u201cService closed for training\u201d.",
        error_messages={
            "required": "Enter a name for the day",
            "max_length": "Name must be 100 characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="What kind of day is it?",
        choices=ClosureDay.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of day it is"},
    )

    def __init__(self, *args: Any, bank_holidays: dict, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bank_holidays = bank_holidays

    def clean_day(self) -> Any:
        day = self.cleaned_data["day"]
        if day is None:
            return day
        if day.weekday() >= 5:
            raise forms.ValidationError("That date is a weekend, which is never a working day")
        if day in self.bank_holidays:
            raise forms.ValidationError(
                f"That date is already a bank holiday: {self.bank_holidays[day]}"
            )
        if ClosureDay.objects.filter(day=day).exists():
            raise forms.ValidationError("That date has already been added")
        return day
