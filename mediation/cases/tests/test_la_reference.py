"""The LA's own reference for a case: recorded by the office, shown to the LA's system."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login
from mediation.cases.models import Case
from mediation.timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db


def test_the_office_records_it_and_the_history_says_so(client, case_officer_cal, open_case):
    login(client, case_officer_cal)
    url = reverse("cases:la-reference", args=[open_case.reference])
    assert client.get(url).status_code == 200
    response = client.post(url, {"la_reference": "  NFD/EHC 4471  "})
    assert response.status_code == 302
    assert Case.objects.get(pk=open_case.pk).la_reference == "NFD/EHC 4471"
    assert TimelineEntry.objects.filter(
        case=open_case, summary="The LA's reference recorded: NFD/EHC 4471"
    ).exists()
    page = client.get(reverse("cases:detail", args=[open_case.reference])).content.decode()
    assert "NFD/EHC 4471" in page


def test_bad_input_is_shown_next_to_the_field_and_kept(client, case_officer_cal, open_case):
    login(client, case_officer_cal)
    url = reverse("cases:la-reference", args=[open_case.reference])
    for typed, words in (
        ("<script>", "can use only letters, numbers, spaces and - _ / ."),
        ("x" * 51, "must be 50 characters or fewer"),
    ):
        response = client.post(url, {"la_reference": typed})
        assert response.status_code == 400
        page = response.content.decode()
        assert words in page and "govuk-error-summary" in page
    assert Case.objects.get(pk=open_case.pk).la_reference == ""


def test_the_mediator_may_not_change_it(client, mediator_mia, open_case):
    login(client, mediator_mia)
    url = reverse("cases:la-reference", args=[open_case.reference])
    assert client.get(url).status_code == 403
    assert client.post(url, {"la_reference": "X1"}).status_code == 403
