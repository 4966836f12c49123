"""GOV.UK Design System forms: the renderer, a three-box date field and shared validators.

Every form in the product renders through templates/govuk/forms/, so error messages sit next to
their field and the error summary links to them (https://design-system.service.gov.uk/).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.timezone import (  # type: ignore[attr-defined]  # missing from django-stubs
    template_localtime,
)


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT_TEMPLATE:
            return render_select(context["widget"])
        return super().render(template_name, context, request)


SELECT_TEMPLATE = "django/forms/widgets/select.html"


def _as_printed(value: Any) -> Any:
    """A value as `{{ value }}` prints it before escaping (local time, localised)."""
    return localize(template_localtime(value))


def render_select(widget: dict[str, Any]) -> str:
    """Exactly what templates/django/forms/widgets/select.html gives (a test compares them over
    every kind of select), written in Python: the template engine took about 20 microseconds an
    option, and the case list's filters have some 200 options on every load (ADR 0019)."""
    attributes = "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{conditional_escape(value)}"'
        for name, value in widget["attrs"].items()
        if value is not False
    )
    parts = [f'<select name="{conditional_escape(widget["name"])}"{attributes}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(_as_printed(group_name))}">')
        parts.extend(
            f'\n  <option value="{conditional_escape(option["value"])}"'
            f"{' selected' if option['selected'] else ''}>"
            f"{conditional_escape(_as_printed(option['label']))}</option>"
            for option in group_choices
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)  # nosec B308 B703


def today_in_london() -> date:
    return timezone.localdate()


class GovukDateInput(forms.MultiWidget):
    """Day, month and year boxes, as the GOV.UK date input pattern asks."""

    template_name = "govuk/forms/widgets/date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "2"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "2"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date typed into three boxes, with the GOV.UK error messages for each way it can be wrong."""

    widget = GovukDateInput

    def __init__(self, *, label: str, past_only: bool = False, **kwargs: Any) -> None:
        self.past_only = past_only
        fields = (
            forms.CharField(max_length=2),
            forms.CharField(max_length=2),
            forms.CharField(max_length=4),
        )
        error_messages = {"required": f"Enter the {label[0].lower() + label[1:]}", "incomplete": ""}
        super().__init__(
            fields,
            label=label,
            require_all_fields=False,
            error_messages=error_messages,
            **kwargs,
        )
        self.noun = label[0].upper() + label[1:]

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list or not any(part and part.strip() for part in data_list):
            return None
        day, month, year = (part.strip() if part else "" for part in data_list)
        missing = [
            name for name, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if missing:
            raise ValidationError(f"{self.noun} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"{self.noun} must be a real date, written in numbers")
        if len(year) != 4:
            raise ValidationError(
                f"Year must include 4 numbers, for example {today_in_london().year}"
            )
        try:
            value = date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as error:  # a day of 20 digits overflows a C long
            raise ValidationError(f"{self.noun} must be a real date") from error
        if value.year < 1900:
            raise ValidationError(f"{self.noun} must be after 1900")
        if self.past_only and value > today_in_london():
            raise ValidationError(f"{self.noun} must be today or in the past")
        return value

    def clean(self, value: Any) -> date | None:
        # MultiValueField reports "incomplete" per box; we report one message for the whole date.
        if self.required and not any(part and str(part).strip() for part in (value or [])):
            raise ValidationError(self.error_messages["required"], code="required")
        return self.compress([str(part) if part is not None else "" for part in (value or [])])


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's choice field `name`, to set its choices (`form.fields` holds any kind of field)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), name
    return field


# Ofcom's numbers kept for drama and examples (never anyone's): the demo data and the tests use
# them, and the phonenumbers library, rightly, does not call them valid.
_OFCOM_EXAMPLE_NUMBERS = re.compile(r"^(7700900\d{3}|1632960\d{3}|20794600\d{2})$")
PHONE_MESSAGE = (
    "Enter a UK phone number, like 01632 960 001 or 07700 900 982, or a number from abroad "
    "starting with + and the country code"
)


def phone_number_formatted(value: str) -> str | None:
    """The number written the usual way (UK numbers as dialled in the UK, "07700 900123";
    others in international form, "+33 1 23 45 67 89"; an extension kept), or None if it is
    not a phone number."""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return None
    national = str(number.national_number)
    example = number.country_code == 44 and _OFCOM_EXAMPLE_NUMBERS.match(national)
    if not (phonenumbers.is_valid_number(number) or example):
        return None
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


class PhoneNumberInput(forms.TextInput):
    """A text box phones open with their keypad and browsers fill with the person's number."""

    input_type = "tel"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "tel", **(attrs or {})})


class PhoneNumberField(forms.CharField):
    """A phone number, checked with the phonenumbers library and kept in its usual form."""

    def __init__(self, *, label: str = "Phone number", **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "help_text", "A UK number, or a number from abroad starting with + and the country code"
        )
        super().__init__(label=label, widget=PhoneNumberInput, **kwargs)
        self.error_messages["max_length"] = f"{label} must be 30 characters or fewer"

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        formatted = phone_number_formatted(text)
        if formatted is None:
            raise ValidationError(PHONE_MESSAGE, code="invalid")
        return formatted


def strip_or_empty(value: str | None) -> str:
    return (value or "").strip()


def phone_checked(value: str | None) -> str:
    """A UK (or +country) phone number written the usual way ("0161 496 0000"), or "" if
    empty; a ValidationError for anything that cannot be a phone number."""
    value = strip_or_empty(value)
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise ValidationError(
            "Enter a phone number, like 0161 496 0000 or +44 161 496 0000", code="phone"
        )
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


# Database ids are 64-bit integers. A larger number typed into a choice would reach the database
# and fail there (SQLite raises OverflowError, PostgreSQL aborts the transaction), so it is
# refused as an unknown choice first. Found by the form fuzzer (test_fuzz_forms.py).
_LARGEST_ID = 2**63 - 1


def _fits_an_id(value: object) -> bool:
    try:
        return abs(int(str(value).strip())) <= _LARGEST_ID
    except ValueError:
        return True  # not a number: the field's own lookup refuses it


class ModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _fits_an_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value: Any) -> Any:
        for each in value or ():
            if not _fits_an_id(each):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": each},
                )
        return super()._check_values(value)  # type: ignore[misc]  # private, not in django-stubs


def safe_formfield(db_field: Any, **kwargs: Any) -> Any:
    """formfield_callback for ModelForms: relation fields use the range-checked classes."""
    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", ModelChoiceField)
    return db_field.formfield(**kwargs)
