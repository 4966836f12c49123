"""The forms of the caseload pages: uploading a file, matching its columns, exporting, and
handing over an LA's open cases. Messages in the GOV.UK style: what to do, plainly."""

from __future__ import annotations

from typing import Any

from django import forms

from mediation.accounts.models import Role, User
from mediation.authorities.models import LocalAuthority
from mediation.common.forms import ModelChoiceField
from mediation.exchange.columns import BY_KEY, COLUMNS, REQUIRED
from mediation.exchange.reading import Table
from mediation.exchange.services import MAX_ARCHIVE_UPLOAD_BYTES, MAX_UPLOAD_BYTES


def _owners() -> ModelChoiceField:
    return ModelChoiceField(
        label="Case officer for cases with none on the row",
        queryset=User.objects.filter(
            is_active=True, role__in=[Role.CASE_OFFICER, Role.MANAGER, Role.ADMINISTRATOR]
        ).order_by("first_name", "last_name", "username"),
        empty_label="Choose a case officer",
        error_messages={
            "required": "Select a case officer",
            "invalid_choice": "Select a case officer from the list",
        },
    )


class CaseloadUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload the caseload",
        help_text="A CSV file or an Excel workbook (.xlsx), up to 10 MB, one case a row, with "
        "the headings in the first rows; or a hand-over archive (.zip) from another service "
        "that uses this product.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.zip,text/csv"}),
        error_messages={
            "required": "Choose a CSV file or an Excel workbook",
            "empty": "The file is empty",
            "invalid": "Choose a CSV file or an Excel workbook",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_owner"] = _owners()

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        name = (file.name or "").lower()
        if not name.endswith((".csv", ".xlsx", ".txt", ".zip")):
            raise forms.ValidationError(
                "The file must be a CSV file, an Excel workbook (.xlsx) or a hand-over archive "
                "(.zip). In Excel, choose Save As and pick CSV or Excel Workbook"
            )
        if file.size > MAX_UPLOAD_BYTES and not name.endswith(".zip"):
            raise forms.ValidationError("The file must be 10 MB or smaller: split it into parts")
        if file.size > MAX_ARCHIVE_UPLOAD_BYTES:
            raise forms.ValidationError("A hand-over archive must be 200 MB or smaller")
        return file


NOT_IMPORTED = ""


class ColumnsForm(forms.Form):
    """One question per heading of the file: which of our columns it holds."""

    def __init__(self, *args: Any, table: Table, mapping: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.table = table
        choices = [(NOT_IMPORTED, "Do not import")] + [
            (column.key, column.heading + (" (needed)" if column.required else ""))
            for column in COLUMNS
        ]
        for heading in table.headings:
            samples = table.samples(heading.index)
            hint = f"For example: {', '.join(samples)}" if samples else "Empty in every row"
            self.fields[f"column_{heading.index}"] = forms.ChoiceField(
                label=heading.text,
                choices=choices,
                required=False,
                initial=mapping.get(str(heading.index), NOT_IMPORTED),
                help_text=hint,
                error_messages={"invalid_choice": "Choose one of our columns, or Do not import"},
            )

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("column_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("column_") and value
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.errors:
            return self.cleaned_data
        mapping = self.mapping()
        chosen = list(mapping.values())
        for index, key in mapping.items():
            if chosen.count(key) > 1:
                self.add_error(
                    f"column_{index}",
                    f"“{BY_KEY[key].heading}” is chosen for more than one column: choose it once",
                )
        missing = [key for key in REQUIRED if key not in chosen]
        for key in missing:
            self.add_error(None, f"Choose the column that holds “{BY_KEY[key].heading}”")
        return self.cleaned_data


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label="File type",
        choices=[("csv", "CSV file"), ("xlsx", "Excel workbook (.xlsx)")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the type of file",
            "invalid_choice": "Select CSV or Excel",
        },
    )
    cases = forms.ChoiceField(
        label="Which cases?",
        choices=[("open", "Open cases"), ("all", "Every case, closed ones too")],
        widget=forms.RadioSelect,
        initial="open",
        error_messages={
            "required": "Select which cases to export",
            "invalid_choice": "Select open cases or every case",
        },
    )
    la = ModelChoiceField(
        label="Local authority",
        queryset=LocalAuthority.objects.order_by("name"),
        required=False,
        empty_label="Every local authority",
        error_messages={"invalid_choice": "Select a local authority from the list"},
    )


class HandoverForm(forms.Form):
    la = ModelChoiceField(
        label="Local authority whose cases go to the new provider",
        queryset=LocalAuthority.objects.order_by("name"),
        empty_label="Choose a local authority",
        error_messages={
            "required": "Select the local authority",
            "invalid_choice": "Select a local authority from the list",
        },
    )


class HandoverCloseForm(forms.Form):
    confirm = forms.BooleanField(
        label="The new provider has the archive. Close these cases as handed over.",
        error_messages={
            "required": "Confirm that the new provider has the archive before the cases close"
        },
    )
