"""The attacks of issue 20 on the audit log, each detected, on SQLite and PostgreSQL.

The attacker can write to the database (the triggers are dropped: the tests run without them)
and knows how the chain is computed, but not the key, which is never in the database.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from mediation.audit import chain, checkpoints
from mediation.audit.models import AuditEvent, AuditSeal, AuditUnsealed
from mediation.audit.services import audit_record, audit_seal_pending, event_fields_of
from mediation.audit.verification import audit_verify, audit_verify_chain
from mediation.ops.audit_checkpoints import checkpoint_email_managers

pytestmark = pytest.mark.django_db

ATTACKER_GUESS = "a-key-the-attacker-made-up-0123456789abcdefghijklmnopq"


@pytest.fixture
def checkpoint_dir(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.AUDIT_CHECKPOINT_DIR


@pytest.fixture
def events(case_officer_cal, checkpoint_dir):
    """Six sealed events, oldest first."""
    written = [
        audit_record(actor=case_officer_cal, verb="case.view", case_id=number)
        for number in range(1, 7)
    ]
    audit_seal_pending()
    return written


def _delete(table: str, column: str, values: list[int]) -> None:
    with connection.cursor() as cursor:
        for value in values:
            cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [value])  # noqa: S608


def _remove_events(ids: list[int]) -> None:
    """Remove events and their seals, as someone with database access could."""
    _delete("audit_auditseal", "event_id", ids)
    _delete("audit_auditevent", "id", ids)


def _rebuild_chain_without_the_key(settings) -> None:
    """Renumber the seals 1, 2, 3 ... and recompute every MAC under a key of the attacker's."""
    real = settings.AUDIT_HMAC_KEYS
    settings.AUDIT_HMAC_KEYS = {key_id: ATTACKER_GUESS for key_id in real}
    try:
        previous = chain.GENESIS_MAC
        seals = list(AuditSeal.objects.select_related("event").order_by("seq"))
        _delete("audit_auditseal", "seq", [seal.seq for seal in seals])
        for seq, seal in enumerate(seals, start=1):
            previous = chain.seal_mac(
                key_id=seal.key_id,
                seq=seq,
                previous_mac=previous,
                event_id=seal.event_id,
                fields=event_fields_of(seal.event),
            )
            AuditSeal.objects.create(seq=seq, event=seal.event, key_id=seal.key_id, mac=previous)
    finally:
        settings.AUDIT_HMAC_KEYS = real


def test_a_whole_log_passes(events):
    check = audit_verify()
    assert check.whole, check.problems
    assert check.sealed == AuditEvent.objects.count()
    assert check.summary().startswith("The audit log is whole")


def test_altering_a_row_and_recomputing_the_chain_without_the_key_is_detected(events, settings):
    changed = events[2]
    AuditEvent.objects.filter(pk=changed.pk).update(verb="case.export", case_id=99)
    _rebuild_chain_without_the_key(settings)
    check = audit_verify()
    assert not check.whole
    assert check.first_bad_event_id == events[0].pk  # every recomputed MAC is wrong
    assert f"Event {events[0].pk} " in check.summary() and "changed" in check.summary()
    # Recomputing only from the changed row on leaves the first wrong MAC at that row.
    AuditSeal.objects.all().delete()
    AuditEvent.objects.filter(pk=changed.pk).update(verb="case.view", case_id=3)
    AuditUnsealed.objects.bulk_create(AuditUnsealed(event=e) for e in AuditEvent.objects.all())
    audit_seal_pending()
    assert audit_verify().whole
    AuditEvent.objects.filter(pk=changed.pk).update(verb="case.export")
    assert audit_verify_chain() == changed.pk


def test_deleting_the_newest_events_is_caught_by_the_checkpoint(events, checkpoint_dir):
    checkpoint, path = checkpoints.checkpoint_write()
    assert path.parent == checkpoint_dir and checkpoint.count == AuditSeal.objects.count()
    _remove_events([events[-2].pk, events[-1].pk])
    # The chain that is left adds up: only the checkpoint shows that its end is gone.
    assert audit_verify_chain() is None
    check = audit_verify()
    assert not check.whole
    assert check.first_bad_event_id == events[-1].pk
    summary = check.summary()
    assert f"{checkpoint.count - 1} to {checkpoint.count} are missing" in summary
    assert "newest events have been removed" in summary


def test_deleting_from_the_middle_is_detected(events, settings):
    _remove_events([events[2].pk])
    check = audit_verify()
    assert check.first_bad_event_id == events[3].pk
    assert "are missing" in check.summary() and f"after event {events[1].pk}" in check.summary()
    # Closing the gap by renumbering needs the key.
    _rebuild_chain_without_the_key(settings)
    assert not audit_verify().whole


def test_reordering_is_detected(events):
    first, second = events[1], events[2]
    seal_first, seal_second = (
        AuditSeal.objects.get(event=first),
        AuditSeal.objects.get(event=second),
    )
    # Swap the two seals' places in the chain.
    _delete("audit_auditseal", "seq", [seal_first.seq, seal_second.seq])
    AuditSeal.objects.create(
        seq=seal_first.seq, event=second, key_id=seal_second.key_id, mac=seal_second.mac
    )
    AuditSeal.objects.create(
        seq=seal_second.seq, event=first, key_id=seal_first.key_id, mac=seal_first.mac
    )
    assert audit_verify().first_bad_event_id == second.pk


def test_swapping_two_events_contents_is_detected(events):
    a, b = events[1], events[4]
    AuditEvent.objects.filter(pk=a.pk).update(at=b.at, case_id=b.case_id)
    AuditEvent.objects.filter(pk=b.pk).update(at=a.at, case_id=a.case_id)
    assert audit_verify().first_bad_event_id == a.pk


def test_an_event_slipped_in_around_the_sealer_is_named(events):
    stray = AuditEvent.objects.create(at=events[0].at, verb="case.view", case_id=1)
    check = audit_verify()
    assert check.first_bad_event_id == stray.pk
    assert "not in the chain" in check.summary()


def test_events_waiting_to_be_sealed_are_sealed_by_the_check(case_officer_cal, monkeypatch):
    monkeypatch.setattr("mediation.audit.services._seals_at_once", lambda: False)
    waiting = audit_record(actor=case_officer_cal, verb="case.view", case_id=1)
    # In a test the transaction never commits, so the after-commit sealer has not run.
    assert AuditUnsealed.objects.filter(event=waiting).exists()
    assert not AuditSeal.objects.filter(event=waiting).exists()
    assert audit_verify().whole
    assert AuditSeal.objects.filter(event=waiting).exists()
    assert not AuditUnsealed.objects.exists()


def test_keys_rotate(case_officer_cal, settings, checkpoint_dir):
    settings.AUDIT_HMAC_KEYS = {"k1": "k1-" + "1" * 40}
    settings.AUDIT_HMAC_KEY_ID = "k1"
    old = audit_record(actor=case_officer_cal, verb="case.view", case_id=1)
    audit_seal_pending()
    old_checkpoint, _ = checkpoints.checkpoint_write()
    # A new key first; the old one stays, for checking only.
    settings.AUDIT_HMAC_KEYS = {"k2": "k2-" + "2" * 40, "k1": "k1-" + "1" * 40}
    settings.AUDIT_HMAC_KEY_ID = "k2"
    new = audit_record(actor=case_officer_cal, verb="case.view", case_id=2)
    audit_seal_pending()
    assert AuditSeal.objects.get(event=old).key_id == "k1"
    assert AuditSeal.objects.get(event=new).key_id == "k2"
    checkpoints.checkpoint_write()
    check = audit_verify()
    assert check.whole and check.checkpoints == 2, check.problems
    assert old_checkpoint.key_id == "k1"
    # Without the old key, the events it sealed and its checkpoint can no longer be checked.
    settings.AUDIT_HMAC_KEYS = {"k2": "k2-" + "2" * 40}
    check = audit_verify()
    assert not check.whole and "'k1', which is not in AUDIT_HMAC_KEYS" in check.summary()


def test_a_forged_checkpoint_is_refused(events, checkpoint_dir):
    _checkpoint, path = checkpoints.checkpoint_write()
    data = json.loads(path.read_text())
    data["count"] -= 2  # hide the removal of the two newest events
    path.write_text(json.dumps(data))
    check = audit_verify()
    assert not check.whole
    assert "signature does not match" in check.summary()


def test_audit_verify_command_exits_1_naming_the_first_bad_event(events, capsys):
    call_command("audit_checkpoint")
    assert "checkpoint written to" in capsys.readouterr().out
    call_command("audit_verify")
    assert "The audit log is whole" in capsys.readouterr().out
    AuditEvent.objects.filter(pk=events[1].pk).update(verb="case.export")
    with pytest.raises(CommandError) as refused:
        call_command("audit_verify")
    assert refused.value.returncode == 1
    assert f"Event {events[1].pk} " in str(refused.value)


def test_a_checkpoint_saved_from_the_email_can_be_given(events, tmp_path, settings):
    saved = tmp_path / "from-email.json"
    saved.write_text(checkpoints.checkpoint_now().as_json())
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "empty"
    _remove_events([events[-1].pk])
    call_command("audit_verify")  # nothing to compare with: passes
    with pytest.raises(CommandError, match="newest events have been removed"):
        call_command("audit_verify", checkpoint=[str(saved)])
    with pytest.raises(CommandError, match="No checkpoint file"):
        call_command("audit_verify", checkpoint=[str(tmp_path / "nothing.json")])


def test_checkpoints_are_emailed_to_managers_once_a_day(
    events, manager_sue, mailoutbox, checkpoint_dir, django_capture_on_commit_callbacks
):
    from datetime import date

    with django_capture_on_commit_callbacks(execute=True):
        assert checkpoint_email_managers(today=date(2026, 3, 3)) == 1
    assert checkpoint_email_managers(today=date(2026, 3, 3)) == 0
    sent = [m for m in mailoutbox if m.to == [manager_sue.email]]
    assert len(sent) == 1
    assert sent[0].subject == "Audit log checkpoint for Tue 3 Mar 2026"
    line = next(x for x in sent[0].body.splitlines() if x.startswith("{"))
    assert isinstance(checkpoints.checkpoint_parse("email", line), checkpoints.Checkpoint)
    assert checkpoint_email_managers(today=date(2026, 3, 4)) == 1


def test_a_checkpoint_is_due_after_the_interval(events, settings, checkpoint_dir):
    from datetime import timedelta

    from django.utils import timezone

    assert checkpoints.checkpoint_due()
    checkpoints.checkpoint_write()
    assert not checkpoints.checkpoint_due()
    later = timezone.now() + timedelta(minutes=settings.AUDIT_CHECKPOINT_MINUTES)
    assert checkpoints.checkpoint_due(now=later)


def test_files_moved_aside_are_not_read(events, checkpoint_dir):
    _checkpoint, path = checkpoints.checkpoint_write()
    aside = checkpoint_dir / "before-restore-2026-03-03"
    aside.mkdir()
    path.rename(aside / path.name)
    assert checkpoints.read_all() == []
    assert [p.name for p in Path(aside).iterdir()] == [path.name]
