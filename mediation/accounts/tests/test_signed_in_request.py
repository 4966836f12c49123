"""What every signed-in request pays (ADR 0050): the session in one plain query, the user and
their authenticator device in another, nothing written; and the idle limit kept by a signed
stamp that only the server can make, for one session only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from conftest import login
from mediation.accounts.middleware import seen_cookie_name
from mediation.accounts.models import EncryptedTOTPDevice, User
from mediation.accounts.sessions import SEEN_AT, seen_stamp, seen_stamp_time
from mediation.accounts.signed_in import user_and_device
from mediation.cases.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def my_work(client: Client):  # noqa: ANN201
    return client.get(reverse("cases:my-work"))


def signed_out(response) -> bool:  # noqa: ANN001
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:sign-in")
    )


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_a_signed_in_request_reads_the_session_and_the_user_with_the_device_in_two_queries(
    client, case_officer_cal
):
    login(client, case_officer_cal)
    my_work(client)
    with CaptureQueriesContext(connection) as queries:
        assert my_work(client).status_code == 200
    sessions = [q["sql"] for q in queries if "django_session" in q["sql"]]
    devices = [q["sql"] for q in queries if EncryptedTOTPDevice._meta.db_table in q["sql"]]
    assert len(sessions) == 1 and sessions[0].startswith("SELECT")
    assert len(devices) == 1 and "accounts_user" in devices[0]  # joined to the user's query


def test_the_user_and_device_read_in_one_query_are_what_the_orm_reads(case_officer_cal):
    device = EncryptedTOTPDevice.objects.create(user=case_officer_cal, name="phone", confirmed=True)
    user, found = user_and_device(case_officer_cal.pk, device.pk)
    by_orm = User.objects.get(pk=case_officer_cal.pk)
    assert user is not None and found is not None
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(by_orm, field.attname), field.name
    device_by_orm = EncryptedTOTPDevice.objects.get(pk=device.pk)
    for field in EncryptedTOTPDevice._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(device_by_orm, field.attname), field.name
    assert user._state.adding is False and user._state.db == "default"
    user.first_name = "Changed"
    user.save(update_fields=["first_name"])  # a loaded instance saves like any other
    assert User.objects.get(pk=user.pk).first_name == "Changed"


def test_another_users_device_is_not_read(case_officer_cal):
    someone_else = UserFactory.create(username="other")
    device = EncryptedTOTPDevice.objects.create(user=someone_else, name="phone", confirmed=True)
    user, found = user_and_device(case_officer_cal.pk, device.pk)
    assert user == case_officer_cal and found is None
    assert user_and_device(999_999, device.pk) == (None, None)


@pytest.mark.parametrize("change", ["deleted", "unconfirmed", "another user's"])
def test_a_session_whose_device_is_gone_or_not_confirmed_is_not_verified(
    client, case_officer_cal, change
):
    login(client, case_officer_cal)
    assert my_work(client).status_code == 200
    device = EncryptedTOTPDevice.objects.get(user=case_officer_cal)
    if change == "deleted":
        device.delete()
    elif change == "unconfirmed":
        EncryptedTOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    else:
        EncryptedTOTPDevice.objects.filter(pk=device.pk).update(
            user=UserFactory.create(username="other")
        )
    response = my_work(client)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two-factor")
    assert DEVICE_ID_SESSION_KEY not in client.session  # dropped, as django-otp does


def test_a_changed_password_or_a_deactivated_account_ends_the_session(client, case_officer_cal):
    login(client, case_officer_cal)
    assert my_work(client).status_code == 200
    User.objects.filter(pk=case_officer_cal.pk).update(password="md5$other$0")
    assert signed_out(my_work(client))
    assert SESSION_KEY not in client.session  # flushed: the hash no longer matched

    case_officer_cal.refresh_from_db()
    login(client, case_officer_cal)
    assert my_work(client).status_code == 200
    User.objects.filter(pk=case_officer_cal.pk).update(is_active=False)
    assert signed_out(my_work(client))


def test_a_session_without_its_password_hash_is_flushed(client, case_officer_cal):
    login(client, case_officer_cal)
    session = client.session
    del session[HASH_SESSION_KEY]
    session.save()
    assert signed_out(my_work(client))
    assert SESSION_KEY not in client.session


# The seen stamp ---------------------------------------------------------------------------


def test_a_stamp_is_good_only_for_its_own_session_and_time():
    stamp = seen_stamp("a" * 32, 1_000_000)
    assert seen_stamp_time(stamp, "a" * 32) == 1_000_000
    assert seen_stamp_time(stamp, "b" * 32) is None  # another session's
    at, _, mac = stamp.partition(".")
    assert seen_stamp_time(f"{int(at) + 600}.{mac}", "a" * 32) is None  # a later time, forged
    for bad in ("", ".", "x.y", f"{at}.", f"-1.{mac}", f"{at}.{mac}x", "9" * 40 + "." + mac):
        assert seen_stamp_time(bad, "a" * 32) is None


def test_a_stolen_session_cookie_without_the_stamp_lasts_no_longer_than_30_minutes_from_sign_in(
    client, case_officer_cal
):
    """The thief has the session cookie but not the stamps the user's browser keeps receiving:
    the session is, for them, as old as its last save. The user carries on."""
    with time_machine.travel(START, tick=False) as clock:
        login(client, case_officer_cal)
        thief = Client()
        thief.cookies[settings.SESSION_COOKIE_NAME] = session_key(client)
        assert my_work(thief).status_code == 200
        for _ in range(4):  # the user works; the thief's copy is not renewed by that
            clock.shift(timedelta(minutes=8))
            assert my_work(client).status_code == 200
        del thief.cookies[seen_cookie_name()]  # only the session cookie was stolen
        assert signed_out(my_work(thief))  # 32 minutes since the session was saved
        assert my_work(client).status_code == 200  # the user's own browser is still signed in


def test_a_forged_or_borrowed_stamp_does_not_keep_an_idle_session(client, case_officer_cal):
    with time_machine.travel(START, tick=False) as clock:
        login(client, case_officer_cal)
        assert my_work(client).status_code == 200
        other = Client()
        login(other, UserFactory.create(username="other"))
        other_key = session_key(other)
        clock.shift(timedelta(minutes=31))
        later = int((START + timedelta(minutes=31)).timestamp())
        # A fresh stamp, but one the server made for another session.
        client.cookies[seen_cookie_name()] = seen_stamp(other_key, later)
        assert signed_out(my_work(client))
    with time_machine.travel(START, tick=False) as clock:
        login(client, case_officer_cal)
        clock.shift(timedelta(minutes=31))
        at = int((START + timedelta(minutes=31)).timestamp())
        client.cookies[seen_cookie_name()] = f"{at}.{'0' * 64}"
        assert signed_out(my_work(client))


def test_an_idle_session_is_ended_without_a_write_and_stays_ended(client, case_officer_cal):
    with time_machine.travel(START, tick=False) as clock:
        login(client, case_officer_cal)
        assert my_work(client).status_code == 200
        old_key = session_key(client)
        last_stamp = client.cookies[seen_cookie_name()].value
        clock.shift(timedelta(minutes=31))
        with CaptureQueriesContext(connection) as queries:
            assert signed_out(my_work(client))
        assert not [q for q in queries if q["sql"].startswith(("UPDATE", "DELETE", "INSERT"))]
        assert not client.cookies[seen_cookie_name()].value  # both cookies cleared
        replay = Client()
        replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
        replay.cookies[seen_cookie_name()] = last_stamp
        # The server never stamps an idle session again: the last stamp it gave is all that a
        # copy of the cookies holds, and the row is never renewed by a read.
        assert signed_out(my_work(replay))


def test_each_save_records_when_the_session_was_seen(client, case_officer_cal):
    with time_machine.travel(START, tick=False):
        login(client, case_officer_cal)
        assert client.session[SEEN_AT] == int(START.timestamp())


def test_a_new_session_key_gets_its_own_stamp(client, case_officer_cal):
    """Signing in issues a new session key (and the two-factor step another): the stamp follows
    the key, so the old key's stamp is worth nothing."""
    login(client, case_officer_cal)
    my_work(client)
    stamp = client.cookies[seen_cookie_name()].value
    key = session_key(client)
    assert seen_stamp_time(stamp, key) is not None
    client.post(reverse("accounts:sign-out"))
    assert not client.cookies[seen_cookie_name()].value
