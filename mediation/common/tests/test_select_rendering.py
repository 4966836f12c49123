"""The renderer's Python select gives exactly the HTML of templates/django/forms/widgets/select.html
(ADR 0019), for every kind of select the product has and the awkward cases."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe

from mediation.authorities.models import LocalAuthority
from mediation.common.forms import GovukFormRenderer

CHOICES = [("", "Any"), ("a", "Apple & <pear>"), ("b", mark_safe("<b>bold</b>")), (3, 3)]
GROUPED = [
    ("Fruit", [("a", "Apple"), ("b", "Banana")]),
    ("Other", [("c", 'Quote "me"')]),
    ("x", "Loose"),
]


def both(widget: forms.Widget, name: str, value, attrs=None) -> tuple[str, str]:
    fast = widget.render(name, value, attrs=attrs, renderer=GovukFormRenderer())
    template = widget.render(name, value, attrs=attrs, renderer=TemplatesSetting())
    return str(fast), str(template)


CASES = [
    (forms.Select(choices=CHOICES), ""),
    (forms.Select(choices=CHOICES), "a"),
    (forms.Select(choices=CHOICES), 3),
    (forms.Select(choices=CHOICES), "not a choice"),
    (forms.Select(choices=GROUPED), "c"),
    (forms.Select(choices=[(date(2026, 3, 1), date(2026, 3, 1))]), date(2026, 3, 1)),
    (forms.Select(choices=[]), None),
    (forms.Select(choices=CHOICES, attrs={"class": "govuk-select", "data-x": '"q"&'}), "b"),
    (forms.Select(choices=CHOICES, attrs={"disabled": True, "hidden": False}), "a"),
    (forms.SelectMultiple(choices=CHOICES), ["a", "b"]),
    (forms.NullBooleanSelect(), True),
    (forms.NullBooleanSelect(), None),
]


@pytest.mark.parametrize(("widget", "value"), CASES)
def test_the_python_select_is_the_template(widget, value):
    fast, template = both(widget, "field", value, attrs={"id": "id_field", "aria-describedby": "h"})
    assert fast == template
    assert "<option" in template or not widget.choices


@pytest.mark.django_db
def test_a_model_choice_field_renders_the_same(local_authority):
    LocalAuthority.objects.create(name="Tees & Wear", code="TW1")
    field = forms.ModelChoiceField(queryset=LocalAuthority.objects.order_by("name"))
    fast, template = both(field.widget, "local_authority", str(local_authority.pk))
    assert fast == template
    assert "Tees &amp; Wear" in fast


@pytest.mark.django_db
def test_a_whole_form_page_is_unchanged(client, case_officer_cal):
    """The case list's filters, rendered through the renderer both ways."""
    from mediation.cases.forms import CaseSearchForm

    form = CaseSearchForm({"route": "mediation", "owner": str(case_officer_cal.pk)})
    form.is_valid()
    for name in ("route", "status", "owner", "local_authority"):
        bound = form[name]
        fast = bound.as_widget()
        form.renderer = TemplatesSetting()
        template = bound.as_widget()
        form.renderer = GovukFormRenderer()
        assert fast == template, name
