"""Migration 0004 seals the events written under the old plain chain, and refuses a broken one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mediation.audit import chain
from mediation.audit.verification import audit_verify

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audit", "0003_audit_log_filter_indexes")]
AFTER = [("audit", "0004_keyed_chain")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _write_legacy_events(apps, count: int) -> list[int]:
    """Events as the old audit_record wrote them: each hashing the one before."""
    event_model = apps.get_model("audit", "AuditEvent")
    previous, ids = chain.LEGACY_GENESIS, []
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for number in range(count):
        values: dict[str, Any] = {
            "at": start + timedelta(minutes=number),
            "actor_id": None,
            "actor_role": "portal:party:1",
            "verb": "portal.view",
            "object_type": "",
            "object_id": "",
            "case_id": number,
            "ip_address": "192.0.2.7",
            "request_id": "",
            "detail": {"n": number},
        }
        digest = chain.legacy_hash(previous, chain.legacy_fields(**values))
        event = event_model.objects.create(
            **{k: v for k, v in values.items() if k != "actor_id"},
            actor_id=None,
            previous_hash=previous,
            hash=digest,
        )
        ids.append(event.pk)
        previous = digest
    return ids


def test_old_events_are_checked_and_sealed_in_order():
    apps = _migrate(BEFORE)
    ids = _write_legacy_events(apps, 5)
    apps = _migrate(AFTER)
    _migrate(_latest())
    seals = list(apps.get_model("audit", "AuditSeal").objects.order_by("seq"))
    assert [(s.seq, s.event_id) for s in seals] == list(enumerate(ids, start=1))
    assert audit_verify().whole


def test_a_broken_old_chain_stops_the_migration():
    apps = _migrate(BEFORE)
    ids = _write_legacy_events(apps, 4)
    apps.get_model("audit", "AuditEvent").objects.filter(pk=ids[2]).update(verb="changed")
    with pytest.raises(RuntimeError, match=f"broken at event {ids[2]}"):
        _migrate(AFTER)
    apps.get_model("audit", "AuditEvent").objects.all().delete()
    _migrate(_latest())


def _latest():
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] == "audit"]
