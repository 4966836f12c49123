"""Searching the audit log by case, staff member, kind of event, dates and address."""

from __future__ import annotations

from typing import Any

from django import forms

from mediation.accounts.models import User
from mediation.audit.selectors import VERB_GROUPS
from mediation.cases.models import Case
from mediation.common.forms import GovukDateField, ModelChoiceField


class AuditSearchForm(forms.Form):
    reference = forms.CharField(
        label="Case reference",
        required=False,
        max_length=20,
        help_text="For example, MED-2026-00012",
    )
    user = ModelChoiceField(
        label="Staff member",
        queryset=User.objects.order_by("first_name", "last_name"),
        required=False,
        empty_label="Anyone",
    )
    what = forms.ChoiceField(
        label="What happened",
        choices=[("", "Anything")] + [(key, label) for key, (label, _) in VERB_GROUPS.items()],
        required=False,
    )
    on_or_after = GovukDateField(label="From date", required=False)
    on_or_before = GovukDateField(label="To date", required=False)
    ip_address = forms.GenericIPAddressField(
        label="From address (IP)",
        required=False,
        error_messages={"invalid": "Enter an IP address like 192.0.2.10, or leave it empty"},
    )

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip().upper()
        if reference:
            case_id = Case.objects.filter(reference=reference).values_list("id", flat=True).first()
            if case_id is None:
                raise forms.ValidationError("No case has this reference. Check it and try again")
            self.case_id = case_id
        return reference

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("on_or_after"), data.get("on_or_before")
        if start and end and end < start:
            self.add_error("on_or_before", "The to date must be the same as or after the from date")
        return data
