from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from conftest import login
from mediation.accounts.models import Role, User
from mediation.authorities.models import LocalAuthority

pytestmark = pytest.mark.django_db


KEY = "JBSWY3DPEHPK3PXP"


def _code(device, offset=0):
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def test_sign_in_needs_password_then_code_and_lands_on_my_work(client, case_officer_cal):
    from mediation.accounts.two_factor import device_with_key

    device = device_with_key(case_officer_cal, KEY)
    response = client.post(
        reverse("accounts:sign-in"), {"username": "cal", "password": "correct-horse-battery"}
    )
    assert response.url.startswith(reverse("accounts:two-factor"))
    # With the password alone every staff page sends you to the code step.
    assert client.get(reverse("cases:list")).url == reverse("accounts:two-factor")
    good = client.post(reverse("accounts:two-factor"), {"code": _code(device)})
    assert good.url == reverse("cases:my-work")
    assert client.get(reverse("cases:list")).status_code == 200


def test_after_a_wrong_code_even_the_right_code_waits(client, case_officer_cal):
    """Failures are throttled (django-otp doubles the wait after each), which stops guessing."""
    from mediation.accounts.two_factor import device_with_key

    device = device_with_key(case_officer_cal, KEY)
    client.force_login(case_officer_cal)
    right = _code(device)
    wrong = "000000" if right != "000000" else "111111"
    response = client.post(reverse("accounts:two-factor"), {"code": wrong})
    assert response.status_code == 400 and "The code is not right" in response.content.decode()
    assert client.post(reverse("accounts:two-factor"), {"code": right}).status_code == 400


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the 6-digit code"),
        ("12ab56", "The code must be 6 numbers"),
        ("1234567", "Enter the 6-digit code"),
    ],
)
def test_code_form_rejects_bad_input(client, case_officer_cal, code, message):
    from mediation.accounts.two_factor import device_with_key

    device_with_key(case_officer_cal, KEY)
    client.force_login(case_officer_cal)
    response = client.post(reverse("accounts:two-factor"), {"code": code})
    assert response.status_code == 400 and message in response.content.decode()


def test_a_code_cannot_be_used_twice(client, case_officer_cal):
    from django.test import Client

    from mediation.accounts.two_factor import device_with_key

    device = device_with_key(case_officer_cal, KEY)
    code = _code(device)
    client.force_login(case_officer_cal)
    assert client.post(reverse("accounts:two-factor"), {"code": code}).status_code == 302
    other = Client()
    other.force_login(case_officer_cal)
    assert other.post(reverse("accounts:two-factor"), {"code": code}).status_code == 400


def test_first_sign_in_sets_up_the_authenticator(client, case_officer_cal):
    from mediation.accounts.two_factor import confirmed_device, pending_device

    client.force_login(case_officer_cal)
    assert client.get(reverse("accounts:two-factor")).url == reverse("accounts:two-factor-setup")
    page = client.get(reverse("accounts:two-factor-setup")).content.decode()
    assert "<svg" in page and "Key:" in page
    device = pending_device(case_officer_cal)
    response = client.post(reverse("accounts:two-factor-setup"), {"code": _code(device)})
    assert response.url == reverse("cases:my-work")
    assert confirmed_device(case_officer_cal) is not None


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"username": "", "password": ""}, "Enter your username"),
        ({"username": "cal", "password": "wrong"}, "Enter a correct username and password"),
        ({"username": "nobody", "password": "wrong"}, "Enter a correct username and password"),
    ],
)
def test_sign_in_errors_do_not_reveal_whether_the_user_exists(
    client, case_officer_cal, post, message
):
    response = client.post(reverse("accounts:sign-in"), post)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_sign_out_is_post_only_and_clears_site_data(client, case_officer_cal):
    login(client, case_officer_cal)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert "cookies" in response.headers["Clear-Site-Data"]


def test_manager_adds_a_staff_member(client, manager_sue):
    login(client, manager_sue)
    response = client.post(
        reverse("manage:user-new"),
        {
            "username": "newbie",
            "first_name": "New",
            "last_name": "Person",
            "email": "new@example.org",
            "role": "mediator",
            "password": "a-long-enough-passphrase",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.role == Role.MEDIATOR and user.check_password("a-long-enough-passphrase")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": ""}, "Enter a username"),
        ({"username": "cal"}, "That username is already taken"),
        ({"password": "short"}, "at least 12 characters"),
        ({"password": ""}, "Enter an initial password"),
        ({"email": "nope"}, "Enter an email address in the correct format"),
        ({"role": "overlord"}, "Select a valid choice"),
    ],
)
def test_staff_form_rejects_bad_input(client, manager_sue, case_officer_cal, overrides, message):
    login(client, manager_sue)
    post = {
        "username": "newbie",
        "first_name": "New",
        "last_name": "Person",
        "email": "new@example.org",
        "role": "mediator",
        "password": "a-long-enough-passphrase",
        "is_active": "on",
    }
    post.update(overrides)
    response = client.post(reverse("manage:user-new"), post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_deactivating_a_user_ends_their_sessions(client, manager_sue, case_officer_cal):
    from django.test import Client

    other = Client()
    login(other, case_officer_cal)
    assert Session.objects.count() == 1
    login(client, manager_sue)
    response = client.post(
        reverse("manage:user-edit", args=[case_officer_cal.pk]),
        {
            "username": "cal",
            "first_name": "Cal",
            "last_name": "Officer",
            "email": "cal@example.org",
            "role": "case_officer",
            "password": "",
        },
    )
    assert response.status_code == 302
    assert other.get(reverse("cases:my-work")).status_code == 302  # signed out


def test_manager_adds_and_edits_a_local_authority(client, manager_sue):
    login(client, manager_sue)
    response = client.post(
        reverse("manage:authority-new"),
        {"name": "Southvale Council", "code": "svc", "contact_email": "", "active": "on"},
    )
    assert response.status_code == 302
    authority = LocalAuthority.objects.get()
    assert authority.code == "SVC"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter the local authority&#x27;s name"),
        ({"code": "bad code!"}, "Code must use only letters, numbers and hyphens"),
        ({"code": "X" * 13}, "Code must be 12 characters or fewer"),
        ({"contact_email": "nope"}, "Enter an email address in the correct format"),
    ],
)
def test_local_authority_form_rejects_bad_input(client, manager_sue, overrides, message):
    login(client, manager_sue)
    post = {"name": "Southvale Council", "code": "SVC", "contact_email": "", "active": "on"}
    post.update(overrides)
    response = client.post(reverse("manage:authority-new"), post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert LocalAuthority.objects.count() == 0


def test_manager_records_where_a_mediator_is_employed(
    client, manager_sue, mediator_max, local_authority
):
    login(client, manager_sue)
    response = client.post(
        reverse("manage:user-edit", args=[mediator_max.pk]),
        {
            "username": "max",
            "first_name": "Max",
            "last_name": "Mediator",
            "email": "max@example.org",
            "role": "mediator",
            "password": "",
            "is_active": "on",
            "employed_by_authorities": [str(local_authority.pk)],
            "employed_by_health_body": "on",
        },
    )
    assert response.status_code == 302
    mediator_max.refresh_from_db()
    assert list(mediator_max.employed_by_authorities.all()) == [local_authority]
    assert mediator_max.employed_by_health_body


def test_conflicts_of_interest_page(client, manager_sue, mediator_max, case_officer_cal):
    from mediation.cases.models import MediatorConflict

    url = reverse("manage:mediator-conflicts", args=[mediator_max.pk])
    login(client, case_officer_cal)
    assert client.get(url).status_code == 403
    login(client, manager_sue)
    assert (
        client.get(reverse("manage:mediator-conflicts", args=[case_officer_cal.pk])).status_code
        == 404
    )
    empty = client.post(
        url, {"local_authority": "", "setting_name": "", "family_name": "", "note": ""}
    )
    assert empty.status_code == 400
    assert (
        "Enter a local authority, a school or setting, or a family name" in empty.content.decode()
    )
    assert client.post(url, {"family_name": "Whitfield", "note": "Neighbour"}).status_code == 302
    assert MediatorConflict.objects.get().family_name == "Whitfield"


def _staff_form(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email or "cal@example.org",
        "role": user.role,
        "active": "on",
        "password": "",
    }
    data.update(changes)
    return data


def test_a_new_password_ends_their_sessions_and_tells_them(client, manager_sue, case_officer_cal):
    from django.test import Client

    from mediation.notifications.models import Message

    other = Client()
    login(other, case_officer_cal)
    assert other.get(reverse("cases:my-work")).status_code == 200
    login(client, manager_sue)
    with_new_password = _staff_form(case_officer_cal, password="a-long-new-passphrase-2026")
    response = client.post(
        reverse("manage:user-edit", args=[case_officer_cal.pk]), with_new_password
    )
    assert response.status_code == 302
    assert other.get(reverse("cases:my-work")).status_code == 302  # signed out
    case_officer_cal.refresh_from_db()
    assert case_officer_cal.check_password("a-long-new-passphrase-2026")
    assert Message.objects.filter(
        recipient_email=case_officer_cal.email, subject__contains="password"
    ).exists()


def test_resetting_the_authenticator_ends_sessions_and_asks_for_a_new_one(
    client, manager_sue, case_officer_cal
):
    from django.test import Client

    from mediation.accounts.models import EncryptedTOTPDevice
    from mediation.audit.models import AuditEvent
    from mediation.notifications.models import Message

    other = Client()
    login(other, case_officer_cal)
    login(client, manager_sue)
    response = client.post(reverse("manage:user-two-factor-reset", args=[case_officer_cal.pk]))
    assert response.status_code == 302
    assert not EncryptedTOTPDevice.objects.filter(user=case_officer_cal).exists()
    assert other.get(reverse("cases:my-work")).status_code == 302
    assert AuditEvent.objects.filter(verb="user.two_factor_reset").exists()
    assert Message.objects.filter(
        recipient_email=case_officer_cal.email, subject__contains="authenticator"
    ).exists()
    # At the next sign-in (password only) they are sent to set up a new app.
    fresh = Client()
    fresh.force_login(case_officer_cal)
    assert fresh.get(reverse("accounts:two-factor"))["Location"] == reverse(
        "accounts:two-factor-setup"
    )


def test_a_manager_cannot_reset_their_own_authenticator(client, manager_sue):
    from mediation.accounts.models import EncryptedTOTPDevice

    login(client, manager_sue)
    response = client.post(
        reverse("manage:user-two-factor-reset", args=[manager_sue.pk]), follow=True
    )
    assert "Ask another manager" in response.content.decode()
    assert EncryptedTOTPDevice.objects.filter(user=manager_sue).exists()


def test_resetting_needs_a_manager_and_a_post(
    client, case_officer_cal, case_officer_cleo, manager_sue
):
    login(client, case_officer_cal)
    url = reverse("manage:user-two-factor-reset", args=[case_officer_cleo.pk])
    assert client.post(url).status_code == 403
    login(client, manager_sue)
    assert client.get(url).status_code == 405


def test_passwords_follow_the_policy(client, manager_sue, case_officer_cal):
    """At least 12 characters, not a common password, not like the username (ASVS 6.2)."""
    login(client, manager_sue)
    url = reverse("manage:user-edit", args=[case_officer_cal.pk])
    for weak, message in [
        ("short-pw1", "at least 12 characters"),
        ("password1234", "too common"),
    ]:
        response = client.post(url, _staff_form(case_officer_cal, password=weak))
        assert response.status_code == 400, weak
        assert message in response.content.decode(), weak
    long_passphrase = "correct horse battery staple " * 3  # 64+ characters are allowed
    response = client.post(url, _staff_form(case_officer_cal, password=long_passphrase))
    assert response.status_code == 302


def test_production_hashes_passwords_with_argon2():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    import config.settings.base as base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    encoded = Argon2PasswordHasher().encode("a-long-passphrase", Argon2PasswordHasher().salt())
    assert encoded.startswith("argon2$argon2id$")
    assert Argon2PasswordHasher().verify("a-long-passphrase", encoded)
