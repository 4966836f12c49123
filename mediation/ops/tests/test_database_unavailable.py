"""A lost database connection is retried once for reads, then answered with a 503, never a 500."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client

from conftest import login
from mediation.ops.tests import urls as flaky_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky():
    flaky_urls.CALLS.clear()
    flaky_urls.FAILURES["left"] = 0
    return flaky_urls


@pytest.mark.urls("mediation.ops.tests.urls")
def test_a_read_is_retried_once_after_a_lost_connection(client, flaky):
    flaky.FAILURES["left"] = 1
    response = client.get("/flaky/")
    assert response.status_code == 200 and response.content == b"read"
    assert flaky.CALLS == ["GET", "GET"]


@pytest.mark.urls("mediation.ops.tests.urls")
def test_when_the_database_stays_away_the_answer_is_503_with_retry_after(client, flaky):
    flaky.FAILURES["left"] = 2
    response = client.get("/flaky/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    body = response.content.decode()
    assert "Sorry, the service is unavailable" in body and "Try again in a minute" in body
    assert flaky.CALLS == ["GET", "GET"]
    # The security headers are still there: the middleware sits inside them.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.urls("mediation.ops.tests.urls")
def test_a_change_is_not_retried(client, flaky):
    flaky.FAILURES["left"] = 1
    response = client.post("/flaky/")
    assert response.status_code == 503
    assert flaky.CALLS == ["POST"]


@pytest.mark.django_db(transaction=True)  # the connection is really closed and opened again
def test_a_lost_connection_in_the_middleware_below_is_retried(
    case_officer_cal, open_case, monkeypatch
):
    """The session is read by the middleware, before any view: Django turns that error into a
    500 there, which this middleware replaces by retrying."""
    from mediation.accounts.sessions import SessionStore  # the engine SESSION_ENGINE names

    client = Client(raise_request_exception=False)
    login(client, case_officer_cal)
    real_load = SessionStore.load
    failures = {"left": 1}

    def load_once_lost(self):
        if failures["left"]:
            failures["left"] -= 1
            raise OperationalError("terminating connection due to administrator command")
        return real_load(self)

    monkeypatch.setattr(SessionStore, "load", load_once_lost)
    response = client.get(f"/cases/{open_case.reference}/")
    assert response.status_code == 200 and failures["left"] == 0


@pytest.mark.django_db(transaction=True)
def test_a_killed_postgresql_connection_is_replaced(case_officer_cal, open_case):
    if connection.vendor != "postgresql":
        pytest.skip("kills a PostgreSQL backend; SQLite has no server connection to lose")
    client = Client(raise_request_exception=False)
    login(client, case_officer_cal)
    assert client.get(f"/cases/{open_case.reference}/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        victim = cursor.fetchone()[0]
    # Another connection ends this one, as a restart or a failover would.
    killer = connections.create_connection("default")
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [victim])
    finally:
        killer.close()
    response = client.get(f"/cases/{open_case.reference}/")
    assert response.status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != victim
