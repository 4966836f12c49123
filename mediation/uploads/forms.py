"""GOV.UK file upload forms: a field whose clean() runs the size and type checks, so a refused
file is reported next to the field and in the error summary. Templates that use these forms
must set enctype="multipart/form-data" on the <form>.

The virus scan is not run here (it runs once, in upload_store); its refusal is shown next to the
field by the view (`form.add_error(field, rejected.message)`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from mediation.common.forms import strip_or_empty
from mediation.uploads.models import GivenVia, Purpose, ShareWith
from mediation.uploads.services import UploadRejected, upload_check

ACCEPT = ",".join(
    [
        ".pdf",
        ".doc",
        ".docx",
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".heic",
        ".mp3",
        ".m4a",
        ".wav",
        ".mp4",
        ".mov",
        ".webm",
    ]
)
FILE_HINT = (
    "A PDF, Word document, photo (JPEG, PNG, GIF or HEIC), audio (MP3, M4A or WAV) or video "
    "(MP4, MOV or WebM) file."
)


def _checked(file: Any) -> Any:
    try:
        file.detected_type = upload_check(file)
    except UploadRejected as rejected:
        raise ValidationError(rejected.message, code=rejected.reason) from None
    return file


class GovukFileInput(forms.FileInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"accept": ACCEPT, **(attrs or {})})


class GovukFileField(forms.FileField):
    """One file, checked for size and type by content."""

    widget = GovukFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", "Select a file")
        kwargs["error_messages"].setdefault("empty", "The selected file is empty")
        kwargs["error_messages"].setdefault("invalid", "Select a file")
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        file = super().clean(data, initial)
        return _checked(file) if file else file


class GovukMultipleFileInput(GovukFileInput):
    allow_multiple_selected = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"class": "govuk-file-upload", "multiple": True, **(attrs or {})})


class GovukMultipleFileField(forms.FileField):
    """Any number of files (none if not required), each checked like GovukFileField."""

    widget = GovukMultipleFileInput

    def __init__(self, *, max_files: int = 5, **kwargs: Any) -> None:
        self.max_files = max_files
        kwargs.setdefault("required", False)
        kwargs.setdefault("error_messages", {"required": "Select a file"})
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(items) > self.max_files:
            raise ValidationError(f"Select up to {self.max_files} files", code="too_many")
        single = forms.FileField(error_messages={"empty": "The selected file is empty"})
        return [_checked(single.clean(item)) for item in items]


STAFF_PURPOSES = [
    (Purpose.STAFF_FILE.value, "Written or collected by the service"),
    (Purpose.PARTY_FILE.value, "Sent to us by a parent, carer or young person"),
    (Purpose.LA_FILE.value, "Sent to us by the local authority"),
    (Purpose.INFORMATION.value, "Sent to us by a school, health or care professional"),
]


class UploadForm(forms.Form):
    file = GovukFileField(label="Upload a file", help_text=FILE_HINT)
    purpose = forms.ChoiceField(
        label="Where is the file from?",
        choices=STAFF_PURPOSES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the file is from"},
    )
    share = forms.BooleanField(
        label="Share it with the parties on the case now",
        help_text="They will see it in their secure portal. You can change this later.",
        required=False,
    )


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why are you removing this file?",
        help_text="For example, it was sent to the wrong case. The file is kept for the record.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={
            "required": "Enter why you are removing the file",
            "max_length": "Reason must be 1000 characters or fewer",
        },
    )

    def clean_reason(self) -> str:
        reason = strip_or_empty(self.cleaned_data.get("reason"))
        if not reason:
            raise ValidationError("Enter why you are removing the file")
        return reason


STAFF_GIVEN_VIA = [choice for choice in GivenVia.choices if choice[0] != GivenVia.PORTAL]
ANSWER_MAX = 5000


def _answer(label: str, hint: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"Answer must be {ANSWER_MAX} characters or fewer"},
    )


class ChildViewsForm(forms.Form):
    given_via = forms.ChoiceField(
        label="How did they give their views?",
        choices=STAFF_GIVEN_VIA,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they gave their views"},
    )
    going_well = _answer("What is going well?", "In their own words, as far as you can.")
    hard = _answer("What is hard or not going well?", "")
    would_like = _answer("What would they like to happen?", "")
    who_helps = _answer("Who helps them?", "")
    helped_by = forms.CharField(
        label="Who helped them give their views (optional)",
        help_text="For example, their mum, a teaching assistant or an advocate.",
        required=False,
        max_length=200,
        error_messages={"max_length": "Who helped them must be 200 characters or fewer"},
    )
    share_with = forms.ChoiceField(
        label="Who did they say can see their views?",
        choices=ShareWith.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who can see their views"},
    )
    attachments = GovukMultipleFileField(
        label="Attach drawings, recordings or writing (optional)",
        help_text=f"Up to 5 files. {FILE_HINT}",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        answers = [
            strip_or_empty(data.get(name))
            for name in ("going_well", "hard", "would_like", "who_helps")
        ]
        if not any(answers) and not data.get("attachments") and "attachments" not in self.errors:
            self.add_error(
                "going_well", "Enter at least one answer, or attach a file with their views"
            )
        return data
