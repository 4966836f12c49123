from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from mediation.authorities.models import Contract, LocalAuthority
from mediation.cases.models import AppealLodged
from mediation.common.forms import GovukDateField, ModelChoiceField, choice_field, today_in_london
from mediation.domain.case_states import ROUTE_LABELS, Route
from mediation.reports.periods import (
    Period,
    custom_period,
    period_choices,
    period_from_token,
    quarter_of,
)

# A custom period longer than this is refused: the figures would mean little and cost a lot.
MAX_CUSTOM_DAYS = 366 * 5


class PeriodChoiceField(forms.ChoiceField):
    """A period token from the list, or any other valid token typed into the address."""

    def valid_value(self, value: Any) -> bool:
        return value == "custom" or period_from_token(str(value)) is not None


class ReportFilterForm(forms.Form):
    """Filters of the dashboard, drill-down lists and exports (a GET form)."""

    la = forms.ChoiceField(label="Local authority", required=False)
    contract = forms.ChoiceField(label="Or a contract", required=False)
    route = forms.ChoiceField(
        label="Route",
        required=False,
        choices=[("", "All routes")] + [(r.value, ROUTE_LABELS[r]) for r in Route],
        error_messages={"invalid_choice": "Select a route from the list"},
    )
    period = PeriodChoiceField(
        label="Period",
        required=False,
        error_messages={"invalid_choice": "Select a period from the list"},
    )
    start = GovukDateField(
        label="From", required=False, help_text="For custom dates only. For example, 1 4 2026"
    )
    end = GovukDateField(label="To", required=False, help_text="For example, 30 6 2026")

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or today_in_london()
        choice_field(self, "period").choices = period_choices(self.today)
        self.authorities = {a.code: a for a in LocalAuthority.objects.order_by("name")}
        choice_field(self, "la").choices = [("", "All local authorities")] + [
            (a.code, a.name) for a in self.authorities.values()
        ]
        self.fields["la"].error_messages["invalid_choice"] = (
            "Select a local authority from the list"
        )
        self.contracts = {str(c.pk): c for c in Contract.objects.order_by("name")}
        choice_field(self, "contract").choices = [("", "No contract")] + [
            (pk, contract.name) for pk, contract in self.contracts.items()
        ]
        self.fields["contract"].error_messages["invalid_choice"] = "Select a contract from the list"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("la") and data.get("contract"):
            self.add_error("contract", "Select a local authority or a contract, not both")
        token = data.get("period") or quarter_of(self.today)
        data["period"] = token
        if token == "custom":
            start, end = data.get("start"), data.get("end")
            if "start" not in self.errors and start is None:
                self.add_error("start", "Enter the date the period starts")
            if "end" not in self.errors and end is None:
                self.add_error("end", "Enter the date the period ends")
            if start and end and end < start:
                self.add_error("end", "The end date must be the same as or after the start date")
            elif start and end and (end - start).days > MAX_CUSTOM_DAYS:
                self.add_error("end", "The period must be 5 years or shorter")
        return data

    def report_period(self) -> Period:
        token = self.cleaned_data["period"]
        if token == "custom":
            return custom_period(self.cleaned_data["start"], self.cleaned_data["end"])
        period = period_from_token(token)
        assert period is not None
        return period

    def authority(self) -> LocalAuthority | None:
        return self.authorities.get(self.cleaned_data.get("la") or "")

    def chosen_contract(self) -> Contract | None:
        return self.contracts.get(self.cleaned_data.get("contract") or "")


class AppealForm(forms.Form):
    appeal_lodged = forms.ChoiceField(
        label="What has the family told us about an appeal to the Tribunal?",
        choices=AppealLodged.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the family told us"},
    )


class QuarterlyReportForm(forms.Form):
    la = ModelChoiceField(
        label="Local authority",
        queryset=LocalAuthority.objects.order_by("name"),
        to_field_name="code",
        empty_label="Choose a local authority",
        required=False,
        error_messages={"invalid_choice": "Select a local authority from the list"},
    )
    contract = ModelChoiceField(
        label="Or a contract (its local authorities together, sent to the lead council)",
        queryset=Contract.objects.select_related("lead").order_by("name"),
        empty_label="No contract",
        required=False,
        error_messages={"invalid_choice": "Select a contract from the list"},
    )
    quarter = forms.ChoiceField(
        label="Quarter",
        error_messages={
            "required": "Select a quarter",
            "invalid_choice": "Select a quarter from the list",
        },
    )

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = today or today_in_london()
        groups = period_choices(today)
        choice_field(self, "quarter").choices = [("", "Choose a quarter")] + groups[0][1]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "la" in self.errors or "contract" in self.errors:
            return data
        if data.get("la") and data.get("contract"):
            self.add_error("contract", "Select a local authority or a contract, not both")
        elif not data.get("la") and not data.get("contract"):
            self.add_error("la", "Select a local authority or a contract")
        return data


# The SEN2 collection began in its present form in 2015; earlier years are not offered.
SEN2_FIRST_YEAR = 2015


class Sen2Form(forms.Form):
    """The SEN2 page and CSV: one LA or every LA, one calendar year (a GET form)."""

    la = forms.ChoiceField(label="Local authority", required=False)
    year = forms.ChoiceField(
        label="Calendar year",
        error_messages={
            "required": "Select a calendar year",
            "invalid_choice": "Select a calendar year from the list",
        },
    )

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or today_in_london()
        self.authorities = {la.code: la for la in LocalAuthority.objects.order_by("name")}
        choice_field(self, "la").choices = [("", "Every local authority")] + [
            (code, authority.name) for code, authority in self.authorities.items()
        ]
        self.fields["la"].error_messages["invalid_choice"] = (
            "Select a local authority from the list"
        )
        choice_field(self, "year").choices = [
            (str(year), str(year)) for year in range(self.today.year, SEN2_FIRST_YEAR - 1, -1)
        ]

    def authority(self) -> LocalAuthority | None:
        return self.authorities.get(self.cleaned_data.get("la") or "")

    def period(self) -> Period:
        period = period_from_token(self.cleaned_data["year"])
        assert period is not None  # the year is one of the choices
        return period
