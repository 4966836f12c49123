from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from mediation.audit.models import AuditEvent, AuditSeal
from mediation.audit.services import audit_record, audit_seal_pending
from mediation.audit.triggers import install_triggers, remove_triggers
from mediation.audit.verification import audit_verify_chain

pytestmark = pytest.mark.django_db


def test_each_event_is_sealed_after_the_one_before(case_officer_cal):
    first = audit_record(actor=case_officer_cal, verb="case.view", case_id=1)
    second = audit_record(actor=case_officer_cal, verb="case.view", case_id=2)
    audit_seal_pending()
    seals = list(AuditSeal.objects.order_by("seq"))
    assert [(s.seq, s.event_id) for s in seals][-2:] == [
        (seals[-2].seq, first.pk),
        (seals[-2].seq + 1, second.pk),
    ]
    assert seals[-1].mac != seals[-2].mac and len(seals[-1].mac) == 64
    assert audit_verify_chain() is None


def test_audit_rows_hold_no_case_data(open_case):
    for event in AuditEvent.objects.all():
        text = str(event.detail)
        assert "Whitfield" not in text and "refused" not in text


def test_tampering_breaks_the_chain(case_officer_cal):
    audit_record(actor=case_officer_cal, verb="case.view", case_id=1)
    tampered = audit_record(actor=case_officer_cal, verb="case.view", case_id=2)
    audit_record(actor=case_officer_cal, verb="case.view", case_id=3)
    audit_seal_pending()
    # Tests run without the triggers (see triggers.py), so a direct UPDATE can simulate an attack.
    AuditEvent.objects.filter(pk=tampered.pk).update(verb="case.export")
    assert audit_verify_chain() == tampered.pk


def test_deleting_a_row_breaks_the_chain(case_officer_cal):
    audit_record(actor=case_officer_cal, verb="a", case_id=1)
    removed = audit_record(actor=case_officer_cal, verb="b", case_id=1)
    after = audit_record(actor=case_officer_cal, verb="c", case_id=1)
    audit_seal_pending()
    AuditSeal.objects.filter(event=removed).delete()
    AuditEvent.objects.filter(pk=removed.pk).delete()
    assert audit_verify_chain() == after.pk


def test_database_refuses_update_and_delete_once_triggers_are_installed(case_officer_cal):
    event = audit_record(actor=case_officer_cal, verb="case.view", case_id=1)
    audit_seal_pending()
    install_triggers(connection)
    try:
        for attempt in (
            lambda: AuditEvent.objects.filter(pk=event.pk).update(verb="changed"),
            lambda: _raw_delete("audit_auditevent", "id", event.pk),
            lambda: AuditSeal.objects.filter(event=event).update(mac="0" * 64),
            lambda: AuditSeal.objects.filter(event=event).delete(),
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                attempt()
        # Appending and sealing still work.
        audit_record(actor=case_officer_cal, verb="case.view", case_id=2)
        audit_seal_pending()
        assert AuditEvent.objects.get(pk=event.pk).verb == "case.view"
        assert audit_verify_chain() is None
    finally:
        remove_triggers(connection)


def _raw_delete(table: str, column: str, value: int) -> None:
    # Around the ORM, whose own check (PROTECT) would refuse first.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [value])  # noqa: S608
