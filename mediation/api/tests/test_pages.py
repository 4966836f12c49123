"""Manage → API access: tokens shown once, revoked at once; endpoints with their secret and
log; every form refuses bad input next to the field, keeping what was typed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login
from mediation.api.models import ApiToken
from mediation.audit.models import AuditEvent
from mediation.webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


def _date(day) -> dict[str, str]:
    return {
        "expires_on_day": str(day.day),
        "expires_on_month": str(day.month),
        "expires_on_year": str(day.year),
    }


def test_a_manager_makes_a_token_sees_it_once_and_revokes_it(
    client, manager_sue, local_authority, open_case
):
    login(client, manager_sue)
    home = client.get(reverse("api_access:home")).content.decode()
    assert local_authority.name in home
    url = reverse("api_access:token-new", args=[local_authority.pk])
    assert client.get(url).status_code == 200
    made = client.post(
        url,
        {
            "name": "Capita ONE",
            "scopes": ["read"],
            **_date(timezone.localdate() + timedelta(days=90)),
        },
    )
    assert made.status_code == 200
    found = re.search(r'id="new-token">([^<]+)<', made.content.decode())
    assert found is not None
    secret = found.group(1)
    api = type(client)()
    assert api.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    page = client.get(reverse("api_access:authority", args=[local_authority.pk])).content.decode()
    assert "Capita ONE" in page and secret not in page and secret[:12] in page
    token = ApiToken.objects.get()
    assert token.created_by == manager_sue
    assert client.post(reverse("api_access:token-revoke", args=[token.pk])).status_code == 302
    assert api.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert AuditEvent.objects.filter(verb="api.token_revoke", actor=manager_sue).exists()


def test_the_token_form_refuses_bad_input(client, manager_sue, local_authority):
    login(client, manager_sue)
    url = reverse("api_access:token-new", args=[local_authority.pk])
    today = timezone.localdate()
    for data, words in (
        ({"name": "", "scopes": ["read"], **_date(today + timedelta(days=9))}, "Enter a name"),
        ({"name": "A", **_date(today + timedelta(days=9))}, "Select what the token may do"),
        ({"name": "A", "scopes": ["admin"], **_date(today + timedelta(days=9))}, "from the list"),
        ({"name": "A", "scopes": ["read"], **_date(today)}, "must be in the future"),
        ({"name": "A", "scopes": ["read"], **_date(today + timedelta(days=900))}, "on or before"),
        (
            {"name": "A", "scopes": ["read"], "expires_on_day": "31", "expires_on_month": "2",
             "expires_on_year": "2027"},
            "must be a real date",
        ),
    ):  # fmt: skip
        response = client.post(url, data)
        assert response.status_code == 400, data
        page = response.content.decode()
        assert words in page and "govuk-error-summary" in page, (data, words)
    assert ApiToken.objects.count() == 0


def test_an_endpoint_with_its_secret_once_and_its_log(client, manager_sue, local_authority):
    login(client, manager_sue)
    url = reverse("api_access:endpoint-new", args=[local_authority.pk])
    refused = client.post(url, {"url": "ftp://send.example.gov.uk", "events": ["case.opened"]})
    assert refused.status_code == 400
    assert "must start with https://" in refused.content.decode()
    assert 'value="ftp://send.example.gov.uk"' in refused.content.decode()
    none = client.post(url, {"url": "https://send.example.gov.uk/e"})
    assert none.status_code == 400 and "Select at least one kind of event" in none.content.decode()
    made = client.post(url, {"url": "https://send.example.gov.uk/e", "events": ["case.opened"]})
    assert made.status_code == 200
    found = re.search(r'id="new-secret">([^<]+)<', made.content.decode())
    assert found is not None
    secret = found.group(1)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == secret and secret.startswith("whsec_")
    detail = client.get(reverse("api_access:endpoint", args=[endpoint.pk])).content.decode()
    assert "Nothing has been sent yet" in detail and secret not in detail
    client.post(reverse("api_access:endpoint-remove", args=[endpoint.pk]))
    assert WebhookEndpoint.objects.get().removed_at is not None


def test_only_managers(client, case_officer_cal, local_authority):
    login(client, case_officer_cal)
    assert client.get(reverse("api_access:home")).status_code == 403
    url = reverse("api_access:token-new", args=[local_authority.pk])
    assert client.post(url, {"name": "x"}).status_code == 403
