""" "Get a new link" does the same work in the request whatever the address (issue 20): the
address is looked up, and the link sent, by a background task after the answer."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from mediation.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

KNOWN = "omar.hassan@northfield.example.gov.uk"
UNKNOWN = "nobody@example.com"
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def _ask_later(client, monkeypatch, email, ip):
    """POST the form with the after-commit work held back; return the answer, the request's
    queries and the held-back work."""
    held = []
    monkeypatch.setattr(
        transaction, "on_commit", lambda func, using=None, robust=False: held.append(func)
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/portal/new-link/", {"email": email}, REMOTE_ADDR=ip)
    return response, [q["sql"] for q in queries.captured_queries], held


def _shape(sql: str) -> str:
    """A statement without its values, to compare the work done for two addresses."""
    return re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", sql)


def test_the_request_never_looks_the_address_up(client, invited, monkeypatch):
    mail.outbox.clear()
    known, known_sql, known_work = _ask_later(client, monkeypatch, KNOWN, "203.0.113.1")
    unknown, unknown_sql, unknown_work = _ask_later(client, monkeypatch, UNKNOWN, "203.0.113.2")
    # The same answer, from the same statements, none of which reads the accesses or holds
    # the address or the hash it is limited by.
    assert CSRF.sub(b"", known.content) == CSRF.sub(b"", unknown.content)
    assert [_shape(q) for q in known_sql] == [_shape(q) for q in unknown_sql]
    address_hash = hashlib.sha256(KNOWN.encode()).hexdigest()[:32]
    for sql in known_sql:
        assert "portal_portalaccess" not in sql and "portal_portallink" not in sql
        assert KNOWN not in sql and address_hash not in sql
    assert mail.outbox == []
    # Afterwards, the task finds the address and sends its link; the unknown one gets nothing.
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
    for work in known_work + unknown_work:
        work()
    assert [m.to for m in mail.outbox] == [[KNOWN]]
    assert AuditEvent.objects.filter(
        verb="portal.link_sent", actor_role__startswith="portal:"
    ).exists()
    assert AuditEvent.objects.filter(verb="portal.link_sent", detail__matched=False).exists()


def test_the_address_travels_to_the_task_encrypted(client, invited, monkeypatch):
    from django_tasks import task_backends

    sent = []
    backend = task_backends["default"]
    original = backend.enqueue

    def enqueue(task, args, kwargs):
        sent.append(kwargs)
        return original(task, args, kwargs)

    monkeypatch.setattr(backend, "enqueue", enqueue)
    _response, _sql, work = _ask_later(client, monkeypatch, KNOWN, "203.0.113.3")
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
    for item in work:
        item()
    (arguments,) = [a for a in sent if "sealed_email" in a]
    assert KNOWN not in str(arguments)
    assert [m.to for m in mail.outbox][-1] == [KNOWN]
