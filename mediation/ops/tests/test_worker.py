"""The worker's heartbeat and periodic duties (the real worker process: test_faults.py)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from mediation.audit.models import AuditSeal, AuditUnsealed
from mediation.audit.services import audit_record
from mediation.notifications.models import Message
from mediation.notifications.services import message_queue
from mediation.ops.models import WorkerHeartbeat
from mediation.ops.worker import DutiesLoop, HeartbeatLoop, heartbeats_prune

pytestmark = pytest.mark.django_db


def test_the_heartbeat_records_this_worker():
    loop = HeartbeatLoop("worker-7", threading.Event())
    assert loop.step() == 5.0
    beat = WorkerHeartbeat.objects.get(worker_id="worker-7")
    assert (timezone.now() - beat.beat_at).total_seconds() < 5
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(days=2))
    assert heartbeats_prune() == 1


def test_the_duties_seal_send_and_write_checkpoints(
    case_officer_cal, manager_sue, settings, tmp_path, monkeypatch, mailoutbox
):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path
    monkeypatch.setattr("mediation.audit.services._seals_at_once", lambda: False)
    waiting = audit_record(actor=case_officer_cal, verb="case.view", case_id=1)
    message, _ = message_queue(
        key="test:stuck", to_email="someone@example.org", to_name="", subject="S", body="B"
    )
    # A worker died mid-send 11 minutes ago: the lease has run out.
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING,
        sending_started_at=timezone.now() - timedelta(minutes=11),
    )
    wait = DutiesLoop(threading.Event()).step()
    assert 0.2 <= wait <= settings.AUDIT_SEAL_SWEEP_SECONDS
    assert AuditSeal.objects.filter(event=waiting).exists()
    assert not AuditUnsealed.objects.exists()
    assert Message.objects.get(pk=message.pk).status == Message.Status.SENT
    assert len(list(tmp_path.glob("checkpoint-*.json"))) >= 1
    # The daily checkpoint email was queued for the manager.
    assert Message.objects.filter(idempotency_key__startswith="audit-checkpoint:").count() == 1
