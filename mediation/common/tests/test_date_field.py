"""The GOV.UK date field: numbers too big for a date are a message, never a server error."""

from __future__ import annotations

import pytest
from django import forms

from mediation.common.forms import GovukDateField


class _Form(forms.Form):
    on = GovukDateField(label="Start date")


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("99999999999999999999", "1", "2026"),
        ("1", "99999999999999999999", "2026"),
        ("31", "2", "2026"),
    ],
)
def test_a_date_that_cannot_be_is_a_message(day, month, year):
    form = _Form({"on_day": day, "on_month": month, "on_year": year})
    assert not form.is_valid()
    assert form.errors["on"] == ["Start date must be a real date"]
