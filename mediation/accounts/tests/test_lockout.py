"""Brute-force protection on the password step (django-axes; docs/security.md checklist row 5).

Cyber Essentials: lock after at most 10 failures. ASVS 6.3.1: the lock is documented and ends
by itself. ASVS 6.3.8: an unknown username gets the same answer as a real one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import SESSION_KEY
from django.test import Client, RequestFactory
from django.urls import reverse

from mediation.accounts.security import axes_client_ip
from mediation.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

RIGHT = "correct-horse-battery"  # UserFactory's password
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def attempt(client, username, password="wrong-password-123", **extra):
    return client.post(
        reverse("accounts:sign-in"), {"username": username, "password": password}, **extra
    )


def fail_times(client, username, times, **extra):
    return [attempt(client, username, **extra).status_code for _ in range(times)]


def is_signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_ten_wrong_passwords_lock_the_username_even_for_the_right_password(case_officer_cal):
    client = Client(REMOTE_ADDR="192.0.2.10")
    assert fail_times(client, "cal", 9) == [200] * 9  # the usual "enter a correct ..." page
    tenth = attempt(client, "cal")
    assert tenth.status_code == 429
    assert "You cannot sign in at the moment" in tenth.content.decode()

    # From another address too: the lock is on the username, not only the address.
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    right = attempt(elsewhere, "cal", RIGHT)
    assert right.status_code == 429
    assert not is_signed_in(elsewhere)
    assert AuditEvent.objects.filter(verb="auth.locked_out").count() == 2


def test_a_successful_sign_in_resets_the_count(case_officer_cal):
    client = Client(REMOTE_ADDR="192.0.2.11")
    assert fail_times(client, "cal", 9) == [200] * 9
    assert attempt(client, "cal", RIGHT).status_code == 302

    again = Client(REMOTE_ADDR="192.0.2.11")
    assert fail_times(again, "cal", 9) == [200] * 9  # counting starts from zero
    assert attempt(again, "cal").status_code == 429


def test_signing_in_does_not_clear_failures_on_another_username(case_officer_cal, mediator_mia):
    """The stock axes reset deletes every failure from the address; ours keeps other usernames'."""
    client = Client(REMOTE_ADDR="192.0.2.12")
    assert fail_times(client, "mia", 9) == [200] * 9
    insider = Client(REMOTE_ADDR="192.0.2.12")
    # Nine failures on mia plus this success share one address; the address is not yet locked.
    assert attempt(insider, "cal", RIGHT).status_code == 302
    assert attempt(Client(REMOTE_ADDR="203.0.113.9"), "mia").status_code == 429


def test_unknown_usernames_lock_the_same_way(case_officer_cal):
    known = Client(REMOTE_ADDR="192.0.2.20")
    unknown = Client(REMOTE_ADDR="192.0.2.21")
    known_codes = fail_times(known, "cal", 10)
    unknown_codes = fail_times(unknown, "nobody-here", 10)
    assert known_codes == unknown_codes == [200] * 9 + [429]

    locked_known = attempt(known, "cal", RIGHT)
    locked_unknown = attempt(unknown, "nobody-here", RIGHT)
    assert locked_known.status_code == locked_unknown.status_code == 429
    assert locked_known.content == locked_unknown.content  # byte for byte: no enumeration


def test_ten_failures_from_one_address_lock_that_address(case_officer_cal):
    client = Client(REMOTE_ADDR="192.0.2.30")
    codes = [attempt(client, f"guess{n}").status_code for n in range(10)]
    assert codes == [200] * 9 + [429]
    # The right password for a real user is refused from that address, accepted from another.
    assert attempt(Client(REMOTE_ADDR="192.0.2.30"), "cal", RIGHT).status_code == 429
    assert attempt(Client(REMOTE_ADDR="192.0.2.31"), "cal", RIGHT).status_code == 302


def test_a_forged_x_forwarded_for_does_not_move_the_count(case_officer_cal):
    client = Client(REMOTE_ADDR="192.0.2.40")
    codes = [
        attempt(client, f"guess{n}", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(10)
    ]
    assert codes == [200] * 9 + [429]
    forged = Client(REMOTE_ADDR="192.0.2.40", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert attempt(forged, "cal", RIGHT).status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "10.0.0.1", "192.0.2.50"),  # no proxy configured: the header is ignored
        (1, "10.0.0.1", "10.0.0.1"),
        (1, "6.6.6.6, 10.0.0.1", "10.0.0.1"),  # the client wrote 6.6.6.6; our proxy added the rest
        (2, "6.6.6.6, 10.0.0.1, 172.16.0.2", "10.0.0.1"),
        (2, "10.0.0.1", "192.0.2.50"),  # fewer entries than proxies: do not trust the header
        (1, "not-an-address", "192.0.2.50"),
        (1, "", "192.0.2.50"),
    ],
)
def test_the_client_address_comes_only_from_trusted_proxies(
    settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.50")
    if forwarded_for:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded_for
    assert axes_client_ip(request) == expected


def test_the_lock_ends_after_the_cool_off(case_officer_cal):
    with time_machine.travel(START, tick=False) as clock:
        client = Client(REMOTE_ADDR="192.0.2.60")
        assert fail_times(client, "cal", 10)[-1] == 429
        clock.shift(timedelta(minutes=14))
        assert attempt(client, "cal", RIGHT).status_code == 429
        # That attempt started the 15 minutes again (the page says so).
        clock.shift(timedelta(minutes=14))
        assert attempt(client, "cal", RIGHT).status_code == 429
        clock.shift(timedelta(minutes=16))
        assert attempt(client, "cal", RIGHT).status_code == 302
        assert is_signed_in(client)


def _locked(username: str, address: str) -> bool:
    """Ask axes without recording an attempt."""
    request = RequestFactory().post(
        reverse("accounts:sign-in"), {"username": username}, REMOTE_ADDR=address
    )
    return AxesProxyHandler.is_locked(request, {"username": username})


def test_the_wait_grows_while_guessing_goes_on(case_officer_cal):
    with time_machine.travel(START, tick=False) as clock:
        client = Client(REMOTE_ADDR="192.0.2.70")
        first = fail_times(client, "cal", 10)
        assert first[-1] == 429
        assert (
            "Wait 15 minutes" in attempt(Client(REMOTE_ADDR="192.0.2.71"), "cal").content.decode()
        )
        # 20 failures in all (9 more while locked): the wait is now 30 minutes.
        for _ in range(9):
            last = attempt(client, "cal")
        assert "Wait 30 minutes" in last.content.decode()
        clock.shift(timedelta(minutes=16))
        assert _locked("cal", "192.0.2.72")
        clock.shift(timedelta(minutes=15))
        assert not _locked("cal", "192.0.2.72")
        assert attempt(Client(REMOTE_ADDR="192.0.2.72"), "cal", RIGHT).status_code == 302


def test_the_wait_is_capped_at_four_hours(case_officer_cal):
    with time_machine.travel(START, tick=False) as clock:
        client = Client(REMOTE_ADDR="192.0.2.80")
        for _ in range(60):
            last = attempt(client, "cal")
        assert "Wait 4 hours" in last.content.decode()
        clock.shift(timedelta(hours=3, minutes=59))
        assert _locked("cal", "192.0.2.81")
        clock.shift(timedelta(minutes=2))
        assert not _locked("cal", "192.0.2.81")


def test_a_very_long_username_is_counted_cut_to_the_longest_real_one(client):
    from axes.models import AccessAttempt

    response = client.post(reverse("accounts:sign-in"), {"username": "x" * 10_000, "password": "y"})
    assert response.status_code in (200, 400)
    assert AccessAttempt.objects.get().username == "x" * 150
