from __future__ import annotations

from typing import Any

from django import forms

from mediation.documents import wording

MAX_WORDING = 8000


class LetterTemplateForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter the title of the letter",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    body = forms.CharField(
        label="Wording",
        max_length=MAX_WORDING,
        help_text="Plain paragraphs: leave a blank line between paragraphs. Use only the "
        "placeholders listed on this page, for example {reference}.",
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
        error_messages={
            "required": "Enter the wording of the letter",
            "max_length": f"The wording must be {MAX_WORDING:,} characters or fewer",
        },
    )

    def __init__(
        self, *args: Any, placeholders: dict[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.placeholders = placeholders

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        try:
            wording.check_wording(body, self.placeholders)
        except wording.WordingError as error:
            raise forms.ValidationError(str(error)) from None
        return body


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Why are you revoking this certificate?",
        max_length=2000,
        help_text="For example, it was issued on the wrong case or with the wrong date.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Give the reason for revoking the certificate",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )

    def clean_reason(self) -> str:
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError("Give the reason for revoking the certificate")
        return value


class VerifyForm(forms.Form):
    reference = forms.CharField(
        label="Certificate reference",
        max_length=30,
        help_text="For example, CERT-2026-00042",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the certificate reference",
            "max_length": "Enter a reference like CERT-2026-00042",
        },
    )
    code = forms.CharField(
        label="Verification code",
        max_length=20,
        help_text="8 letters and numbers, printed under the reference, for example ABCD-EF23",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the verification code",
            "max_length": "Enter the 8-character verification code",
        },
    )
