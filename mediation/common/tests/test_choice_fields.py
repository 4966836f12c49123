"""A number too big for a database id, typed into a choice, is an unknown choice, not a 500."""

import pytest
from django.urls import reverse

from conftest import login

pytestmark = pytest.mark.django_db

TOO_BIG = str(2**63)


def test_too_big_an_id_in_a_many_to_many_choice_is_refused_plainly(client, manager_sue):
    login(client, manager_sue)
    response = client.post(reverse("manage:user-new"), {"employed_by_authorities": TOO_BIG})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()


def test_too_big_an_id_in_a_single_choice_is_refused_plainly(client, manager_sue):
    login(client, manager_sue)
    response = client.get(reverse("audit:log"), {"user": TOO_BIG})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_ordinary_choices_still_work(client, manager_sue, case_officer_cal):
    login(client, manager_sue)
    assert client.get(reverse("audit:log"), {"user": case_officer_cal.pk}).status_code == 200
