"""Beside the task worker: a heartbeat, and the duties that must run every few seconds or minutes.

`manage.py db_worker` (mediation/ops/management/commands/db_worker.py) runs django-tasks-db's
worker in its main thread and these in two daemon threads, so one process to run covers it all:

- the heartbeat (every OPS_HEARTBEAT_SECONDS), read by /healthz;
- sealing audit events still waiting (AUDIT_SEAL_SWEEP_SECONDS, PostgreSQL; ADR 0024);
- sending messages that are pending, failed, or whose sending lease ran out because a worker
  died mid-send (NOTIFICATIONS_SWEEP_SECONDS);
- a signed audit checkpoint every AUDIT_CHECKPOINT_MINUTES, and the daily email of it;
- webhook deliveries due again after a failed try, or left by a worker that died while sending
  (WEBHOOK_SWEEP_SECONDS), and the events of agreed actions now due soon or overdue (every
  15 minutes; each is recorded once); old webhook events are pruned hourly.

Several workers may run: each duty is safe to run at once in two places (the sealer takes a
lock, messages are claimed, the daily email has one key per manager and day).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

from mediation.api.services import action_due_events_emit
from mediation.audit.checkpoints import checkpoint_due, checkpoint_write
from mediation.audit.services import audit_seal_pending
from mediation.notifications.services import messages_send_pending
from mediation.ops.audit_checkpoints import checkpoint_email_managers
from mediation.ops.models import WorkerHeartbeat
from mediation.webhooks.services import webhooks_enqueue_due, webhooks_prune

logger = logging.getLogger(__name__)


def heartbeat_beat(worker_id: str, started_at: datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "beat_at": timezone.now(),
        },
    )


def heartbeats_prune(older_than_hours: int = 24) -> int:
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    return WorkerHeartbeat.objects.filter(beat_at__lt=cutoff).delete()[0]


def seal_audit_events() -> None:
    audit_seal_pending(wait=False)


def send_pending_messages() -> None:
    messages_send_pending()


def audit_checkpoint_when_due() -> None:
    if checkpoint_due():
        checkpoint_write()
    checkpoint_email_managers(today=timezone.localdate())


@dataclass
class Duty:
    name: str
    every_seconds: Callable[[], float]
    run: Callable[[], object]
    next_at: float = 0.0


def duties() -> list[Duty]:
    return [
        Duty("seal audit events", lambda: settings.AUDIT_SEAL_SWEEP_SECONDS, seal_audit_events),
        Duty(
            "send pending messages",
            lambda: settings.NOTIFICATIONS_SWEEP_SECONDS,
            send_pending_messages,
        ),
        Duty(
            "audit checkpoint",
            lambda: min(60.0, settings.AUDIT_CHECKPOINT_MINUTES * 60.0),
            audit_checkpoint_when_due,
        ),
        Duty("prune heartbeats", lambda: 3600.0, heartbeats_prune),
        Duty(
            "queue webhook deliveries due",
            lambda: settings.WEBHOOK_SWEEP_SECONDS,
            webhooks_enqueue_due,
        ),
        Duty("agreed actions due soon or overdue", lambda: 900.0, action_due_events_emit),
        Duty("prune webhook events", lambda: 3600.0, webhooks_prune),
    ]


class _Loop(threading.Thread):
    def __init__(self, name: str, stop: threading.Event) -> None:
        super().__init__(name=name, daemon=True)
        self.stop = stop

    def step(self) -> float:
        """Do what is due; return the seconds to wait."""
        raise NotImplementedError

    def run(self) -> None:
        while not self.stop.is_set():
            close_old_connections()  # drops a connection broken by a database restart
            try:
                wait = self.step()
            except Exception:  # noqa: BLE001 (log and carry on: the next round retries)
                logger.exception("%s failed; trying again shortly", self.name)
                connections.close_all()
                wait = 1.0
            self.stop.wait(wait)
        connections.close_all()


class HeartbeatLoop(_Loop):
    def __init__(self, worker_id: str, stop: threading.Event) -> None:
        super().__init__("heartbeat", stop)
        self.worker_id = worker_id
        self.started_at = timezone.now()

    def step(self) -> float:
        heartbeat_beat(self.worker_id, self.started_at)
        return float(settings.OPS_HEARTBEAT_SECONDS)


class DutiesLoop(_Loop):
    def __init__(self, stop: threading.Event) -> None:
        super().__init__("periodic duties", stop)
        self.duties = duties()

    def step(self) -> float:
        for duty in self.duties:
            now = time.monotonic()
            if now >= duty.next_at:
                duty.next_at = now + duty.every_seconds()
                try:
                    duty.run()
                except Exception:  # noqa: BLE001 (one duty failing must not stop the others)
                    logger.exception("Periodic duty %r failed", duty.name)
                    connections.close_all()
        return max(0.2, min(d.next_at for d in self.duties) - time.monotonic())


def start_beside_worker(worker_id: str) -> threading.Event:
    """Start the heartbeat and the duties; set the returned event to stop them."""
    stop = threading.Event()
    HeartbeatLoop(worker_id, stop).start()
    DutiesLoop(stop).start()
    return stop
