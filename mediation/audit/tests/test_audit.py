from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from mediation.audit.models import AuditEvent
from mediation.audit.services import audit_record, audit_verify_chain
from mediation.audit.triggers import install_triggers, remove_triggers

pytestmark = pytest.mark.django_db


def test_each_event_chains_to_the_one_before(case_officer_cal):
    first = audit_record(actor=case_officer_cal, verb="case.view", case_id=1)
    second = audit_record(actor=case_officer_cal, verb="case.view", case_id=2)
    assert second.previous_hash == first.hash
    assert audit_verify_chain() is None


def test_audit_rows_hold_no_case_data(open_case):
    for event in AuditEvent.objects.all():
        text = str(event.detail)
        assert "Whitfield" not in text and "refused" not in text


def test_tampering_breaks_the_chain(case_officer_cal):
    audit_record(actor=case_officer_cal, verb="case.view", case_id=1)
    tampered = audit_record(actor=case_officer_cal, verb="case.view", case_id=2)
    audit_record(actor=case_officer_cal, verb="case.view", case_id=3)
    # Tests run without the triggers (see triggers.py), so a direct UPDATE can simulate an attack.
    AuditEvent.objects.filter(pk=tampered.pk).update(verb="case.export")
    assert audit_verify_chain() == tampered.pk


def test_deleting_a_row_breaks_the_chain(case_officer_cal):
    audit_record(actor=case_officer_cal, verb="a", case_id=1)
    removed = audit_record(actor=case_officer_cal, verb="b", case_id=1)
    after = audit_record(actor=case_officer_cal, verb="c", case_id=1)
    AuditEvent.objects.filter(pk=removed.pk).delete()
    assert audit_verify_chain() == after.pk


def test_database_refuses_update_and_delete_once_triggers_are_installed(case_officer_cal):
    event = audit_record(actor=case_officer_cal, verb="case.view", case_id=1)
    install_triggers(connection)
    try:
        for attempt in (
            lambda: AuditEvent.objects.filter(pk=event.pk).update(verb="changed"),
            lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                attempt()
        # Appending still works.
        audit_record(actor=case_officer_cal, verb="case.view", case_id=2)
        assert AuditEvent.objects.get(pk=event.pk).verb == "case.view"
    finally:
        remove_triggers(connection)
