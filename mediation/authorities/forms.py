from django import forms

from mediation.authorities.models import LocalAuthority
from mediation.common.forms import phone_checked, safe_formfield
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
