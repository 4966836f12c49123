from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from mediation.accounts.models import Role, User
from mediation.authorities.models import LocalAuthority

pytestmark = pytest.mark.django_db


def test_sign_in_lands_on_my_work(client, case_officer_cal):
    response = client.post(
        reverse("accounts:sign-in"), {"username": "cal", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and response.url == reverse("cases:my-work")


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
    client.force_login(case_officer_cal)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert "cookies" in response.headers["Clear-Site-Data"]


def test_manager_adds_a_staff_member(client, manager_sue):
    client.force_login(manager_sue)
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
    client.force_login(manager_sue)
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
    other.force_login(case_officer_cal)
    assert Session.objects.count() == 1
    client.force_login(manager_sue)
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
    client.force_login(manager_sue)
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
    client.force_login(manager_sue)
    post = {"name": "Southvale Council", "code": "SVC", "contact_email": "", "active": "on"}
    post.update(overrides)
    response = client.post(reverse("manage:authority-new"), post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert LocalAuthority.objects.count() == 0
