"""Exports need a fresh code from the authenticator app (ASVS 7.5.3; docs/security.md)."""

import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from conftest import login
from mediation.accounts import step_up
from mediation.accounts.two_factor import confirmed_device
from mediation.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _code(device, offset=0):
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


@step_up.step_up_required
def _export(request):
    return HttpResponse("the export")


def _request(client, user, path="/reports/export.csv"):
    request = RequestFactory().get(path)
    request.user = user
    request.session = client.session
    return request


def test_export_without_fresh_code_redirects_to_the_code_page(client, manager_sue):
    login(client, manager_sue)
    response = _export(_request(client, manager_sue))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:step-up") + "?next=%2Freports%2Fexport.csv"
    assert AuditEvent.objects.filter(verb="auth.step_up_asked", actor_id=manager_sue.pk).exists()


def test_right_code_returns_to_the_export_and_lasts_a_few_minutes(client, manager_sue, settings):
    login(client, manager_sue)
    device = confirmed_device(manager_sue)
    response = client.post(
        reverse("accounts:step-up"), {"code": _code(device), "next": "/reports/export.csv"}
    )
    assert response.status_code == 302 and response.url == "/reports/export.csv"
    response = _export(_request(client, manager_sue))
    assert isinstance(response, HttpResponse) and response.content == b"the export"
    # After the window the code is asked for again.
    session = client.session
    session[step_up.SESSION_KEY] = time.time() - settings.STEP_UP_SECONDS - 1
    session.save()
    assert _export(_request(client, manager_sue)).status_code == 302


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the 6-digit code"),
        ("12ab56", "The code must be 6 numbers"),
        ("000000", "not right"),
    ],
)
def test_wrong_code_is_refused_with_a_message(client, manager_sue, code, message):
    login(client, manager_sue)
    response = client.post(reverse("accounts:step-up"), {"code": code, "next": "/x/"})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "govuk-error-summary" in body
    assert step_up.SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(verb="auth.step_up_failed").exists()


def test_next_to_another_site_is_ignored(client, manager_sue):
    login(client, manager_sue)
    device = confirmed_device(manager_sue)
    response = client.post(
        reverse("accounts:step-up"), {"code": _code(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.url == reverse("cases:my-work")


def test_step_up_page_needs_sign_in(client):
    response = client.get(reverse("accounts:step-up"))
    assert response.status_code == 302 and "sign-in" in response.url
