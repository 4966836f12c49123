"""The case list's filter form writes its select options in Python (SelectWidget): the HTML
must be exactly what Django's Select and our select.html template give."""

from __future__ import annotations

import pytest
from django import forms

from mediation.cases.forms import CaseSearchForm, SelectWidget
from mediation.cases.tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

CHOICES = [("", "Any"), ("1", "Barking & Dagenham"), ("2", '<b>"Quoted"</b>'), ("3", "O'Neill")]


@pytest.mark.parametrize("value", [None, "", "1", "2", "3", "missing"])
@pytest.mark.parametrize("attrs", [None, {"class": "govuk-select", "aria-describedby": "x-hint"}])
def test_select_widget_writes_the_same_html_as_django(value, attrs):
    ours = SelectWidget(choices=CHOICES).render("local_authority", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("local_authority", value, attrs=attrs)
    assert ours == django
    assert "&lt;b&gt;&quot;Quoted&quot;&lt;/b&gt;" in ours and "Barking &amp; Dagenham" in ours


def test_search_form_lists_owners_and_authorities_as_before(cast):
    LocalAuthorityFactory(name="Zedshire Council", code="ZED")
    LocalAuthorityFactory(name="Abbeyshire Council", code="ABB")
    form = CaseSearchForm({"local_authority": "", "owner": ""})
    from mediation.accounts.models import Role, User
    from mediation.authorities.models import LocalAuthority

    owners = User.objects.filter(role__in=[Role.CASE_OFFICER, Role.MANAGER])
    assert form.fields["owner"].choices == [("", "Anyone")] + [
        (str(u.pk), u.display_name) for u in owners
    ]
    assert form.fields["local_authority"].choices == [("", "Any local authority")] + [
        (str(la.pk), la.name) for la in LocalAuthority.objects.all()
    ]
    assert form.fields["local_authority"].choices[1][1] == "Abbeyshire Council"
    assert form["owner"].widget_type == "select"  # so the GOV.UK classes are applied
