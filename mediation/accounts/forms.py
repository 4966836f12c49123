from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from mediation.accounts.models import Role, User
from mediation.common.forms import (
    GovukDateField,
    choice_field,
    safe_formfield,
    today_in_london,
)


class SignInForm(AuthenticationForm):
    """Same message whether the username or the password was wrong (no user enumeration)."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "Enter a correct username and password. Both are case-sensitive.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        # No autofocus: it moves screen-reader users past the page's heading and guidance.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class StaffUserForm(forms.ModelForm):
    class Meta:
        formfield_callback = safe_formfield
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "role",
            "employer_note",
            "employed_by_authorities",
            "employed_by_health_body",
            "is_active",
        ]
        labels = {"is_active": "Account is active (can sign in)", "email": "Email address"}
        widgets = {
            "role": forms.RadioSelect,
            "employed_by_authorities": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "employed_by_authorities": "A mediator may not mediate the cases of a local authority "
            "that employs them (Children and Families Act 2014 s54 and s56).",
        }
        error_messages = {
            "username": {
                "required": "Enter a username",
                "unique": "That username is already taken",
            },
            "first_name": {"required": "Enter the first name"},
            "last_name": {"required": "Enter the last name"},
            "email": {
                "required": "Enter an email address",
                "invalid": "Enter an email address in the correct format, like name@example.org",
            },
            "role": {"required": "Select a role"},
        }

    password = forms.CharField(
        label="Initial password",
        required=False,
        widget=forms.PasswordInput,
        help_text="At least 12 characters. Leave blank to keep the current password.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True
        choice_field(self, "role").choices = Role.choices
        if self.instance.pk is None:
            self.fields["password"].required = True
            self.fields["password"].error_messages["required"] = "Enter an initial password"
            self.fields[
                "password"
            ].help_text = "At least 12 characters. Tell the person in person or by phone."

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password") or ""
        if password:
            password_validation.validate_password(password, self.instance)
        return password


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=6,
        min_length=6,
        help_text="The 6-digit code shown in the app now.",
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "min_length": "Enter the 6-digit code from your authenticator app",
            "max_length": "Enter the 6-digit code from your authenticator app",
        },
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "class": "govuk-input--width-5",
            }
        ),
    )

    def __init__(self, *args: Any, device: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError("The code must be 6 numbers")
        # verify_token refuses a code already used (last_t) and throttles repeated failures.
        if self.device is None or not self.device.verify_token(code):
            raise forms.ValidationError(
                "The code is not right, or has already been used. Try the next code"
            )
        return code


class MediatorRegistrationForm(forms.Form):
    """A mediator's registration and accreditation (Manage → mediators' register)."""

    register = forms.CharField(
        label="Register",
        max_length=120,
        help_text="The register they are on, for example Civil Mediation Council",
        error_messages={
            "required": "Enter the register they are on",
            "max_length": "The register's name must be 120 characters or fewer",
        },
    )
    number = forms.CharField(
        label="Registration number",
        max_length=40,
        error_messages={
            "required": "Enter the registration number",
            "max_length": "The registration number must be 40 characters or fewer",
        },
    )
    renews_on = GovukDateField(
        label="Renewal date",
        help_text="The last day the registration holds unless renewed, for example 31 3 2027",
    )
    accreditation = forms.CharField(
        label="Accreditation (optional)",
        max_length=200,
        required=False,
        help_text="For example: accredited SEND mediator, College of Mediators",
        error_messages={"max_length": "The accreditation must be 200 characters or fewer"},
    )
    accredited_on = GovukDateField(
        label="Date accredited (optional)", required=False, past_only=True
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("accredited_on") and not data.get("accreditation"):
            self.add_error("accreditation", "Enter the accreditation, or leave its date empty")
        return data


MAX_CPD_HOURS = Decimal("500")


class MediatorCpdForm(forms.Form):
    year = forms.IntegerField(
        label="Year",
        min_value=2000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "required": "Enter the year",
            "invalid": "Year must be a number, like 2026",
            "min_value": "Year must be 2000 or later",
        },
    )
    hours = forms.DecimalField(
        label="CPD hours in the year",
        min_value=Decimal("0"),
        max_value=MAX_CPD_HOURS,
        max_digits=4,
        decimal_places=1,
        help_text="For example 12 or 12.5",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
        error_messages={
            "required": "Enter the CPD hours",
            "invalid": "CPD hours must be a number, like 12.5",
            "min_value": "CPD hours must be 0 or more",
            "max_value": f"CPD hours must be {MAX_CPD_HOURS} or fewer",
            "max_decimal_places": "CPD hours can have 1 decimal place at most, like 12.5",
            "max_digits": f"CPD hours must be {MAX_CPD_HOURS} or fewer",
            "max_whole_digits": f"CPD hours must be {MAX_CPD_HOURS} or fewer",
        },
    )
    note = forms.CharField(
        label="What it was (optional)",
        max_length=300,
        required=False,
        help_text="For example: SEND law update, 2 days",
        error_messages={"max_length": "This must be 300 characters or fewer"},
    )

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > today_in_london().year:
            raise forms.ValidationError(
                f"Year must be this year ({today_in_london().year}) or earlier"
            )
        return year
