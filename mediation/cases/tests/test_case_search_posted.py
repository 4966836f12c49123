"""Case search is posted and kept in the session: names typed into it stay out of addresses,
browser history, server logs and the audit log (issue 20)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import login
from mediation.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_name_search_is_posted_and_never_in_an_address(client, open_case, case_officer_cal):
    login(client, case_officer_cal)
    name = open_case.child_last_name
    posted = client.post(reverse("cases:list"), {"q": name})
    assert posted.status_code == 302 and posted.url == reverse("cases:list")
    results = client.get(posted.url)
    page = results.content.decode()
    assert open_case.reference in page
    assert f'value="{name}"' in page  # the search box keeps what was typed
    assert name not in "".join(link for link in _links(page))
    # The audit log records the cases shown, not the words searched for.
    read = AuditEvent.objects.filter(verb="read", detail__page="cases:list").latest("id")
    assert read.detail["listed"] == [open_case.pk]
    assert name not in str(read.detail)
    # The next page keeps the search without putting it in the address.
    assert client.get(reverse("cases:list") + "?page=1").status_code == 200


def test_a_search_matching_nothing_and_clearing_it(client, open_case, case_officer_cal):
    login(client, case_officer_cal)
    client.post(reverse("cases:list"), {"q": "Nobody-by-this-name"})
    assert open_case.reference not in client.get(reverse("cases:list")).content.decode()
    cleared = client.post(reverse("cases:list"), {"action": "clear"})
    assert cleared.url == reverse("cases:list")
    assert open_case.reference in client.get(reverse("cases:list")).content.decode()


def test_a_search_too_long_is_refused_next_to_the_box(client, open_case, case_officer_cal):
    login(client, case_officer_cal)
    typed = "x" * 101
    response = client.post(reverse("cases:list"), {"q": typed})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Search must be 100 characters or fewer" in page
    assert "govuk-error-summary" in page and typed in page  # kept to correct


def test_an_old_address_with_a_name_in_it_is_not_a_search(client, open_case, case_officer_cal):
    """Bookmarks from before: the words in the address are ignored, not searched for."""
    login(client, case_officer_cal)
    page = client.get(reverse("cases:list") + "?q=Nobody-by-this-name").content.decode()
    assert open_case.reference in page


def _links(page: str) -> list[str]:
    return re.findall(r'(?:href|action)="([^"]*)"', page)
