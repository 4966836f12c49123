"""The case list's filter form reads its owner and LA lists as narrow queries: the same choices
as before. (Its selects are written by the form renderer in Python:
mediation/common/tests/test_select_rendering.py.)"""

from __future__ import annotations

import pytest

from mediation.cases.forms import CaseSearchForm
from mediation.cases.tests.factories import LocalAuthorityFactory
from mediation.common.forms import choice_field

pytestmark = pytest.mark.django_db


def test_search_form_lists_owners_and_authorities_as_before(cast):
    LocalAuthorityFactory(name="Zedshire Council", code="ZED")
    LocalAuthorityFactory(name="Abbeyshire Council", code="ABB")
    form = CaseSearchForm({"local_authority": "", "owner": ""})
    from mediation.accounts.models import Role, User
    from mediation.authorities.models import LocalAuthority

    owners = User.objects.filter(role__in=[Role.CASE_OFFICER, Role.MANAGER])
    assert choice_field(form, "owner").choices == [("", "Anyone")] + [
        (str(u.pk), u.display_name) for u in owners
    ]
    authorities = choice_field(form, "local_authority").choices
    assert authorities == [("", "Any local authority")] + [
        (str(la.pk), la.name) for la in LocalAuthority.objects.all()
    ]
    assert isinstance(authorities, list) and authorities[1][1] == "Abbeyshire Council"
    assert form["owner"].widget_type == "select"  # so the GOV.UK classes are applied
