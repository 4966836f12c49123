"""Phone numbers are checked with the phonenumbers library and kept as people write them (issue
18: phone numbers were not checked). Ofcom's drama numbers, which the demo data and the tests
use, are accepted though the library calls them invalid."""

from __future__ import annotations

import pytest
from django import forms

from mediation.common.forms import PHONE_MESSAGE, PhoneNumberField, phone_number_formatted


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("07700 900123", "07700 900123"),  # Ofcom drama mobile
        ("07700900982", "07700 900982"),
        ("+44 7700 900 982", "07700 900982"),
        ("0044 7700 900982", "07700 900982"),
        ("01632 960001", "01632 960001"),  # Ofcom drama landline
        ("020 7946 0018", "020 7946 0018"),  # Ofcom drama London
        ("0161 496 0000", "0161 496 0000"),
        ("07911 123456", "07911 123456"),
        ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),
        ("07700 900123 ext 4", "07700 900123 x4"),
    ],
)
def test_numbers_are_kept_in_their_usual_form(typed, kept):
    assert phone_number_formatted(typed) == kept


@pytest.mark.parametrize(
    "typed", ["12345", "0770 090", "07700 9001234567", "call the school", "+99 123", "0000000000"]
)
def test_what_is_not_a_phone_number_is_refused(typed):
    assert phone_number_formatted(typed) is None


class _Form(forms.Form):
    phone = PhoneNumberField(required=False)


def test_the_field_says_what_is_wrong_and_opens_the_phone_keypad():
    form = _Form({"phone": "not a number"})
    assert not form.is_valid()
    assert form.errors["phone"] == [PHONE_MESSAGE]
    assert _Form({"phone": ""}).is_valid()
    valid = _Form({"phone": " +447700900123 "})
    assert valid.is_valid() and valid.cleaned_data["phone"] == "07700 900123"
    too_long = _Form({"phone": "0" * 31})
    assert not too_long.is_valid()
    assert too_long.errors["phone"] == ["Phone number must be 30 characters or fewer"]
    html = str(_Form()["phone"])
    assert 'type="tel"' in html and 'autocomplete="tel"' in html and html.count("type=") == 1
