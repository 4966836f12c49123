"""A new session id at every change of privilege (issue 20, ASVS 7.2.4): the second factor, the
authenticator set up, a step-up, one's own new password or role; a changed role ends the other
sessions of that person. And the address to come back to is encoded on its way through."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from conftest import login
from mediation.accounts.step_up import SESSION_KEY as STEP_UP_KEY
from mediation.accounts.two_factor import device_with_key

pytestmark = pytest.mark.django_db

KEY = "JBSWY3DPEHPK3PXP"


def _code(device, offset=0):
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def _key(client) -> str:
    return client.cookies["sessionid"].value


def _staff_form(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email or f"{user.username}@example.org",
        "role": user.role,
        "is_active": "on",
        "password": "",
    }
    data.update(changes)
    return data


def _same_device_elsewhere(client, user):
    """A second signed-in browser of the same person (conftest.login would replace the device)."""
    other = Client()
    other.force_login(user)
    session = other.session
    session["otp_device_id"] = client.session["otp_device_id"]
    session.save()
    return other


def test_the_code_step_gives_a_new_session_id(client, case_officer_cal):
    device = device_with_key(case_officer_cal, KEY)
    client.post(
        reverse("accounts:sign-in"), {"username": "cal", "password": "correct-horse-battery"}
    )
    after_password = _key(client)
    assert client.post(reverse("accounts:two-factor"), {"code": _code(device)}).status_code == 302
    assert _key(client) != after_password
    assert not Session.objects.filter(session_key=after_password).exists()
    assert client.get(reverse("cases:my-work")).status_code == 200


def test_setting_up_the_authenticator_gives_a_new_session_id(client, case_officer_cal):
    client.force_login(case_officer_cal)
    client.get(reverse("accounts:two-factor-setup"))
    from mediation.accounts.two_factor import pending_device

    device = pending_device(case_officer_cal)
    before = _key(client)
    response = client.post(reverse("accounts:two-factor-setup"), {"code": _code(device)})
    assert response.status_code == 302
    assert _key(client) != before
    assert client.get(reverse("cases:my-work")).status_code == 200


def test_a_step_up_gives_a_new_session_id(client, manager_sue):
    login(client, manager_sue)
    device = device_with_key(manager_sue, KEY)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    before = _key(client)
    response = client.post(reverse("accounts:step-up"), {"code": _code(device, offset=1)})
    assert response.status_code == 302
    assert _key(client) != before
    assert STEP_UP_KEY in client.session


def test_a_new_role_ends_that_persons_sessions(client, manager_sue, case_officer_cal):
    theirs = login(Client(), case_officer_cal)
    assert theirs.get(reverse("cases:my-work")).status_code == 200
    login(client, manager_sue)
    response = client.post(
        reverse("manage:user-edit", args=[case_officer_cal.pk]),
        _staff_form(case_officer_cal, role="mediator"),
    )
    assert response.status_code == 302
    assert theirs.get(reverse("cases:my-work")).status_code == 302  # signed out


def test_changing_ones_own_password_keeps_the_session_under_a_new_id(client, manager_sue):
    login(client, manager_sue)
    elsewhere = _same_device_elsewhere(client, manager_sue)
    assert elsewhere.get(reverse("manage:users")).status_code == 200
    before = _key(client)
    response = client.post(
        reverse("manage:user-edit", args=[manager_sue.pk]),
        _staff_form(manager_sue, password="a-long-new-passphrase-2026"),
    )
    assert response.status_code == 302
    assert _key(client) != before
    assert client.get(reverse("manage:users")).status_code == 200  # still signed in
    assert elsewhere.get(reverse("manage:users")).status_code == 302  # the other one ended


def test_the_address_to_come_back_to_is_encoded(client, case_officer_cal):
    device = device_with_key(case_officer_cal, KEY)
    target = "/cases/?page=2&status=all#top"
    response = client.post(
        reverse("accounts:sign-in") + "?next=%2Fcases%2F%3Fpage%3D2%26status%3Dall%23top",
        {"username": "cal", "password": "correct-horse-battery", "next": target},
    )
    # Unencoded, "status=all" and "#top" would have been cut off the address to come back to.
    assert response.url == (
        reverse("accounts:two-factor") + "?next=%2Fcases%2F%3Fpage%3D2%26status%3Dall%23top"
    )
    back = client.post(response.url, {"code": _code(device)})
    assert back.url == target


def test_flash_messages_are_kept_on_the_server(client, case_officer_cal, open_case):
    """A "saved" message holds no party's name and never travels in a cookie."""
    login(client, case_officer_cal)
    response = client.post(
        reverse("cases:note-add", args=[open_case.reference]), {"text": "Rang the school"}
    )
    assert response.status_code == 302
    assert "messages" not in response.cookies
    page = client.get(response.url).content.decode()
    assert "Note added" in page
