from django import forms

from mediation.authorities.models import LocalAuthority
from mediation.common.forms import safe_formfield


class LocalAuthorityForm(forms.ModelForm):
    class Meta:
        formfield_callback = safe_formfield
        model = LocalAuthority
        fields = ["name", "code", "contact_email", "active"]
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
        }

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if not code.replace("-", "").isalnum():
            raise forms.ValidationError("Code must use only letters, numbers and hyphens")
        return code
