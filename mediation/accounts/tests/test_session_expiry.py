"""Sessions end after 30 minutes idle and 12 hours after sign-in, however active.

ASVS 7.3.1 and 7.3.2; ASVS 4.0.3 V3.3.2 gives these L2 values (docs/security.md checklist row 9).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login
from mediation.accounts.middleware import seen_cookie_name
from mediation.accounts.security import SIGNED_IN_AT
from mediation.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def my_work(client):
    return client.get(reverse("cases:my-work"))


def sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))


def test_signing_in_records_the_time(client, case_officer_cal):
    with time_machine.travel(START, tick=False):
        response = client.post(
            reverse("accounts:sign-in"), {"username": "cal", "password": "correct-horse-battery"}
        )
        assert response.status_code == 302
        assert client.session[SIGNED_IN_AT] == int(START.timestamp())


def test_thirty_minutes_idle_ends_the_session(client, case_officer_cal):
    with time_machine.travel(START, tick=False) as clock:
        login(client, case_officer_cal)
        assert my_work(client).status_code == 200
        clock.shift(timedelta(minutes=29))
        assert my_work(client).status_code == 200  # and this request renews the 30 minutes
        clock.shift(timedelta(minutes=31))
        assert sent_to_sign_in(my_work(client))
        assert SESSION_KEY not in client.session


def session_writes(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert my_work(client).status_code == 200
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def seen_cookie(client) -> str | None:
    morsel = client.cookies.get(seen_cookie_name())
    return morsel.value if morsel is not None and morsel.value else None


def test_a_get_never_writes_the_session_and_the_stamp_is_renewed_at_most_once_a_minute(
    client, case_officer_cal
):
    """The idle limit is pushed back by the signed seen cookie, not by writing the session row
    (ADR 0050): no request here writes it, however long the user works."""
    with time_machine.travel(START, tick=False) as clock:
        login(client, case_officer_cal)
        assert session_writes(client) == []
        first = seen_cookie(client)
        assert first is not None
        clock.shift(timedelta(seconds=30))
        assert session_writes(client) == []
        assert seen_cookie(client) == first  # not yet a minute: the same stamp
        clock.shift(timedelta(seconds=31))  # a minute since it was issued
        assert session_writes(client) == []
        assert seen_cookie(client) not in (None, first)
        for _ in range(10):  # an hour of work, a request every six minutes
            clock.shift(timedelta(minutes=6))
            assert session_writes(client) == []


def test_a_session_left_alone_never_outlasts_the_idle_limit(client, case_officer_cal):
    """... so the last request may not have renewed the stamp: the session then ends up to a
    minute before 30 idle minutes are up, never after."""
    with time_machine.travel(START, tick=False) as clock:
        login(client, case_officer_cal)
        assert my_work(client).status_code == 200  # renewed at START
        clock.shift(timedelta(seconds=59))
        assert my_work(client).status_code == 200  # not renewed
        clock.shift(timedelta(minutes=29, seconds=2))  # 30 min 1 s after the renewal
        assert sent_to_sign_in(my_work(client))

    with time_machine.travel(START + timedelta(hours=1), tick=False) as clock:
        login(client, case_officer_cal)
        clock.shift(timedelta(seconds=61))
        assert my_work(client).status_code == 200  # renewed
        clock.shift(timedelta(minutes=29, seconds=59))
        assert my_work(client).status_code == 200


def test_twelve_hours_after_sign_in_the_session_ends_even_when_active(client, case_officer_cal):
    with time_machine.travel(START, tick=False) as clock:
        login(client, case_officer_cal)
        # A request every 25 minutes keeps the idle limit from ending it ...
        assert my_work(client).status_code == 200
        for _ in range(28):
            clock.shift(timedelta(minutes=25))
            assert my_work(client).status_code == 200
        clock.shift(timedelta(minutes=15))  # 11 h 55 min after sign-in
        assert my_work(client).status_code == 200
        clock.shift(timedelta(minutes=6))  # 12 h 1 min
        response = my_work(client)
        assert sent_to_sign_in(response)
        assert "next=/my-work/" in response.url
        assert SESSION_KEY not in client.session
        assert sent_to_sign_in(my_work(client))  # still signed out on the next request
    assert AuditEvent.objects.filter(verb="auth.session_expired", actor=case_officer_cal).exists()


def test_signing_in_again_starts_a_new_twelve_hours(client, case_officer_cal):
    with time_machine.travel(START, tick=False) as clock:
        login(client, case_officer_cal)
        clock.shift(timedelta(hours=11, minutes=50))
        login(client, case_officer_cal)
        clock.shift(timedelta(minutes=20))  # 12 h 10 min after the first sign-in
        assert my_work(client).status_code == 200


def test_a_post_after_twelve_hours_is_stopped_before_the_view(client, case_officer_cal):
    with time_machine.travel(START, tick=False):
        login(client, case_officer_cal)
        session = client.session
        session[SIGNED_IN_AT] = int((START - timedelta(hours=12)).timestamp())
        session.save()
        response = client.post(reverse("enquiries:new"), {"caller_name": "Someone"})
        # The form view would answer 200/400 (invalid) or 302 to the enquiry (valid).
        assert response.status_code == 302 and response.url == reverse("accounts:sign-in")
        assert SESSION_KEY not in client.session


def test_a_session_from_before_the_check_gets_twelve_hours_from_first_use(client, case_officer_cal):
    with time_machine.travel(START, tick=False) as clock:
        login(client, case_officer_cal)
        session = client.session
        del session[SIGNED_IN_AT]
        session.save()
        assert my_work(client).status_code == 200
        assert client.session[SIGNED_IN_AT] == int(START.timestamp())
        for _ in range(29):
            clock.shift(timedelta(minutes=25))
            my_work(client)
        assert sent_to_sign_in(my_work(client))  # 12 h 5 min after it was first seen


def test_signing_in_issues_a_new_session_id_and_signing_out_ends_it(client, case_officer_cal):
    """ASVS 7.2.4 and 7.4.1 (checklist row 10)."""
    from mediation.accounts.two_factor import device_with_key

    device_with_key(case_officer_cal, "JBSWY3DPEHPK3PXP")
    client.get(reverse("accounts:sign-in"))
    client.session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(
        reverse("accounts:sign-in"), {"username": "cal", "password": "correct-horse-battery"}
    )
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before

    client.post(reverse("accounts:sign-out"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = after  # the old cookie, kept by an attacker
    assert sent_to_sign_in(replay.get(reverse("accounts:two-factor")))
