"""The service menu marks the section a page belongs to."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import login

pytestmark = pytest.mark.django_db


def active_items(html: str) -> list[str]:
    return re.findall(
        r'govuk-service-navigation__item--active"><a class="govuk-service-navigation__link"'
        r' href="[^"]*"[^>]*>([^<]+)</a>',
        html,
    )


@pytest.mark.parametrize(
    "url_name", ["manage:home", "invoicing:list", "audit:log", "privacy:overview", "manage:users"]
)
def test_every_manage_page_marks_manage(client, manager_sue, url_name):
    login(client, manager_sue)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert active_items(response.content.decode()) == ["Manage"]


def test_a_case_page_does_not_mark_manage(client, manager_sue, open_case):
    login(client, manager_sue)
    html = client.get(reverse("privacy:case", args=[open_case.reference])).content.decode()
    assert "Manage" not in active_items(html)
    assert active_items(client.get(reverse("cases:list")).content.decode()) == ["Cases"]
