"""GOV.UK forms for tariffs, the invoice period and credit notes. Money is typed in pounds and
kept in pence (never through float); VAT rates are typed as percentages and kept in basis points."""

from __future__ import annotations

import calendar
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms

from mediation.authorities.models import Contract, LocalAuthority
from mediation.common.forms import GovukDateField, ModelChoiceField, today_in_london
from mediation.domain.billing import parse_pounds
from mediation.invoicing.models import Activity, InvoiceLine

MAX_PRICE_PENCE = 100_000_000  # £1,000,000: a typo guard, far above any contract price


class PoundsInput(forms.TextInput):
    """A text input with the GOV.UK "£" prefix."""

    template_name = "invoicing/widgets/pounds.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {"class": "govuk-input govuk-input--width-10", "inputmode": "decimal", **(attrs or {})}
        )


class PercentInput(forms.TextInput):
    template_name = "invoicing/widgets/percent.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {"class": "govuk-input govuk-input--width-4", "inputmode": "decimal", **(attrs or {})}
        )


# A mixin for forms: the type checker reads it as one (BaseForm), Python as a plain class.
if TYPE_CHECKING:
    _Form = forms.BaseForm
else:
    _Form = object


class _ErrorClassMixin(_Form):
    """Add the GOV.UK error class to custom inputs (the govuk tag adds it to standard ones)."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if isinstance(widget, PoundsInput | PercentInput):
                    widget.attrs["class"] += " govuk-input--error"


def _pence(value: str, noun: str) -> int:
    try:
        pence = parse_pounds(value)
    except ValueError as error:
        raise forms.ValidationError(f"{noun} {error}") from None
    if pence > MAX_PRICE_PENCE:
        raise forms.ValidationError(f"{noun} must be £1,000,000 or less")
    return pence


def _basis_points(value: str) -> int:
    text = value.strip().removesuffix("%").strip()
    try:
        bp = parse_pounds(text)  # same shape: a number with at most 2 decimal places
    except ValueError as error:
        raise forms.ValidationError(
            f"VAT rate {str(error).replace('pounds and pence, like 450.00', 'per cent, like 20')}"
        ) from None
    if bp > 10_000:
        raise forms.ValidationError("VAT rate must be 100% or less")
    return bp


class TariffForm(_ErrorClassMixin, forms.Form):
    activity = forms.ChoiceField(
        label="Activity",
        choices=Activity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the activity this price is for"},
    )
    unit_price = forms.CharField(
        label="Price for each activity",
        help_text="In pounds and pence, before VAT, for example 450.00",
        widget=PoundsInput,
        error_messages={"required": "Enter the price for each activity"},
    )
    vat_rate = forms.CharField(
        label="VAT rate",
        help_text="Enter 0 if the contract has no VAT, or 20 for the standard rate",
        widget=PercentInput,
        error_messages={"required": "Enter the VAT rate, or 0 if there is no VAT"},
    )
    notice_working_days = forms.IntegerField(
        label="Notice needed to cancel without charge (working days)",
        help_text="Only for meetings cancelled at short notice: a meeting cancelled when it "
        "was this many working days away or fewer is charged. 0 means only cancellations "
        "on the day of the meeting.",
        required=False,
        min_value=0,
        max_value=60,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "invalid": "Notice must be a whole number of working days, like 2",
            "min_value": "Notice must be 0 working days or more",
            "max_value": "Notice must be 60 working days or fewer",
        },
    )
    effective_from = GovukDateField(
        label="Applies from", help_text="The first day this price applies, for example 1 4 2026"
    )
    effective_to = GovukDateField(
        label="Applies until",
        required=False,
        help_text="The last day this price applies. Leave empty if it has no end date yet.",
    )

    def clean_unit_price(self) -> int:
        return _pence(self.cleaned_data["unit_price"], "Price")

    def clean_vat_rate(self) -> int:
        return _basis_points(self.cleaned_data["vat_rate"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            self.add_error(
                "effective_to", "Applies until must be the same as or after applies from"
            )
        if (
            data.get("activity") == Activity.CANCELLED_MEETING
            and data.get("notice_working_days") is None
            and "notice_working_days" not in self.errors
        ):
            self.add_error(
                "notice_working_days",
                "Enter the notice needed to cancel without charge, in working days",
            )
        return data


MONTHS = [(str(n), calendar.month_name[n]) for n in range(1, 13)]
QUARTERS = [
    ("1", "January to March"),
    ("2", "April to June"),
    ("3", "July to September"),
    ("4", "October to December"),
]


class InvoicePeriodForm(forms.Form):
    local_authority = ModelChoiceField(
        label="Local authority",
        queryset=LocalAuthority.objects.order_by("name"),
        empty_label="Choose a local authority",
        required=False,
        error_messages={"invalid_choice": "Choose the local authority to invoice"},
    )
    contract = ModelChoiceField(
        label="Or a contract (invoice its lead council for the whole group)",
        queryset=Contract.objects.select_related("lead").order_by("name"),
        empty_label="No contract",
        required=False,
        error_messages={"invalid_choice": "Choose the contract from the list"},
    )
    period = forms.ChoiceField(
        label="Period",
        choices=[("month", "A month"), ("quarter", "A quarter"), ("custom", "Other dates")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the period to invoice"},
    )
    year = forms.IntegerField(
        label="Year",
        help_text="For a month or a quarter, for example 2026",
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "invalid": "Year must be a number, like 2026",
            "min_value": "Year must be 2000 or later",
            "max_value": "Year must be 2100 or earlier",
        },
    )
    month = forms.ChoiceField(
        label="Month", choices=[("", "Choose a month"), *MONTHS], required=False
    )
    quarter = forms.ChoiceField(
        label="Quarter", choices=[("", "Choose a quarter"), *QUARTERS], required=False
    )
    start = GovukDateField(label="First day", required=False, help_text="For other dates")
    end = GovukDateField(label="Last day", required=False, help_text="For other dates")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "local_authority" not in self.errors and "contract" not in self.errors:
            if data.get("local_authority") and data.get("contract"):
                self.add_error(
                    "contract", "Choose a local authority or a contract to invoice, not both"
                )
            elif not data.get("local_authority") and not data.get("contract"):
                self.add_error("local_authority", "Choose the local authority to invoice")
        kind = data.get("period")
        year = data.get("year")
        if kind in {"month", "quarter"}:
            if year is None and "year" not in self.errors:
                self.add_error("year", "Enter the year")
            if kind == "month" and not data.get("month"):
                self.add_error("month", "Choose the month")
            if kind == "quarter" and not data.get("quarter"):
                self.add_error("quarter", "Choose the quarter")
            if self.errors:
                return data
            assert year is not None  # else "Enter the year" above
            if kind == "month":
                month = int(data["month"])
                data["start"] = date(year, month, 1)
                data["end"] = date(year, month, calendar.monthrange(year, month)[1])
            else:
                first = (int(data["quarter"]) - 1) * 3 + 1
                data["start"] = date(year, first, 1)
                data["end"] = date(year, first + 2, calendar.monthrange(year, first + 2)[1])
        elif kind == "custom":
            if data.get("start") is None and "start" not in self.errors:
                self.add_error("start", "Enter the first day")
            if data.get("end") is None and "end" not in self.errors:
                self.add_error("end", "Enter the last day")
            if data.get("start") and data.get("end") and data["end"] < data["start"]:
                self.add_error("end", "Last day must be the same as or after the first day")
        if data.get("start") and data["start"] > today_in_london():
            self.add_error(None, "The period must not start in the future")
        return data


class CreditNoteForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the credit note",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say what was wrong, for example “Charged at the old price”. Do not give "
        "names of children or families.",
        error_messages={
            "required": "Enter the reason for the credit note",
            "max_length": "Reason must be 500 characters or fewer",
        },
    )
    release = forms.ChoiceField(
        label="Can the credited activities be invoiced again?",
        choices=[
            ("no", "No, they should not be charged"),
            ("yes", "Yes, put them on a later invoice (whole lines only)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the activities can be invoiced again"},
    )

    def __init__(self, *args: Any, lines: list[InvoiceLine], left: dict[int, int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lines = lines
        self.left = left
        for line in lines:
            if left[line.pk] <= 0:
                continue
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=f"{line.description}: how many to credit",
                help_text=f"Up to {left[line.pk]}. Enter 0 to leave this line as it is.",
                required=False,
                min_value=0,
                max_value=left[line.pk],
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}
                ),
                error_messages={
                    "invalid": "Enter a whole number",
                    "min_value": "Enter 0 or more",
                    "max_value": f"You can credit at most {left[line.pk]} of this line",
                },
            )
        # Reason and release after the lines.
        self.order_fields([*(f for f in self.fields if f.startswith("line_")), "reason", "release"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        quantities = {
            line.pk: data.get(f"line_{line.pk}") or 0
            for line in self.lines
            if f"line_{line.pk}" in self.fields
        }
        data["quantities"] = quantities
        line_errors = any(name.startswith("line_") for name in self.errors)
        if not line_errors and not any(quantities.values()):
            first = next((f for f in self.fields if f.startswith("line_")), None)
            self.add_error(first, "Enter how many of at least one line to credit")
        elif not line_errors and data.get("release") == "yes":
            part = [
                line
                for line in self.lines
                if quantities.get(line.pk) and quantities[line.pk] != self.left[line.pk]
            ]
            if part:
                self.add_error(
                    "release",
                    "Only whole lines can be invoiced again: credit all of each line you "
                    "choose, or choose No",
                )
        return data
