from __future__ import annotations

from typing import Any

from django import forms

from mediation.authorities.models import Contract, LocalAuthority
from mediation.common.forms import (
    GovukDateField,
    ModelChoiceField,
    ModelMultipleChoiceField,
    phone_checked,
    safe_formfield,
)
from mediation.common.models import ServiceDetails


class LocalAuthorityForm(forms.ModelForm):
    iass_website = forms.URLField(
        label="SENDIASS website",
        required=False,
        assume_scheme="https",
        max_length=200,
        error_messages={"invalid": "Enter a web address, like https://www.example.org"},
    )

    class Meta:
        formfield_callback = safe_formfield
        model = LocalAuthority
        fields = [
            "name",
            "code",
            "contact_email",
            "iass_name",
            "iass_phone",
            "iass_email",
            "iass_website",
            "active",
        ]
        error_messages = {
            "name": {
                "required": "Enter the local authority's name",
                "unique": "A local authority with that name already exists",
                "max_length": "Name must be 120 characters or fewer",
            },
            "code": {
                "required": "Enter a short code",
                "unique": "Another local authority already uses that code",
                "max_length": "Code must be 12 characters or fewer",
            },
            "contact_email": {
                "invalid": "Enter an email address in the correct format, like name@example.gov.uk"
            },
            "iass_email": {
                "invalid": "Enter an email address in the correct format, like sendiass@example.org"
            },
            "iass_phone": {"max_length": "Phone number must be 30 characters or fewer"},
        }

    def clean_iass_phone(self) -> str:
        return phone_checked(self.cleaned_data["iass_phone"])

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if not code.replace("-", "").isalnum():
            raise forms.ValidationError("Code must use only letters, numbers and hyphens")
        return code


class ServiceDetailsForm(forms.ModelForm):
    class Meta:
        formfield_callback = safe_formfield
        model = ServiceDetails
        fields = ["name", "phone", "opening_hours", "email", "postal_address"]
        error_messages = {
            "name": {
                "required": "Enter the service's name",
                "max_length": "Name must be 120 characters or fewer",
            },
            "phone": {"max_length": "Phone number must be 30 characters or fewer"},
            "opening_hours": {"max_length": "Opening hours must be 120 characters or fewer"},
            "email": {
                "invalid": "Enter an email address in the correct format, like help@example.org"
            },
        }

    def clean_phone(self) -> str:
        phone = phone_checked(self.cleaned_data["phone"])
        if not phone:
            raise forms.ValidationError(
                "Enter the phone number families ring: every letter and email shows it"
            )
        return phone


class ContractForm(forms.Form):
    name = forms.CharField(
        label="Name of the contract",
        max_length=120,
        help_text="For example: East Anglia SEND mediation 2027 to 2030",
        error_messages={
            "required": "Enter the name of the contract",
            "max_length": "The name must be 120 characters or fewer",
        },
    )
    lead = ModelChoiceField(
        label="Lead council",
        help_text="The council that signs the contract and can be invoiced for the whole group.",
        queryset=LocalAuthority.objects.order_by("name"),
        empty_label="Choose the lead council",
        error_messages={
            "required": "Choose the lead council",
            "invalid_choice": "Choose the lead council from the list",
        },
    )
    members = ModelMultipleChoiceField(
        label="Local authorities in the contract",
        help_text="The lead council is always one of them.",
        queryset=LocalAuthority.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose local authorities from the list"},
    )
    starts_on = GovukDateField(label="Start date", help_text="For example, 1 4 2027")
    ends_on = GovukDateField(
        label="End date (optional)",
        required=False,
        help_text="The last day of the contract. Leave empty if it is not known yet.",
    )

    def __init__(self, *args: Any, contract: Contract | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contract = contract

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        clash = Contract.objects.filter(name__iexact=name)
        if self.contract is not None and self.contract.pk:
            clash = clash.exclude(pk=self.contract.pk)
        if clash.exists():
            raise forms.ValidationError("Another contract already has that name")
        return name

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "End date must be the same as or after the start date")
        return data
