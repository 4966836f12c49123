"""/healthz: the database, the worker's heartbeat, the oldest queued task; 200 or 503."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from mediation.ops.models import WorkerHeartbeat
from mediation.ops.worker import heartbeat_beat

pytestmark = pytest.mark.django_db

KEYS = {
    "status",
    "database",
    "worker_heartbeat_age_seconds",
    "oldest_queued_task_age_seconds",
    "problems",
}


def test_healthy_with_a_recent_heartbeat_and_no_queue(client):
    heartbeat_beat("worker-1", timezone.now())
    response = client.get("/healthz")  # no sign-in needed
    assert response.status_code == 200
    data = response.json()
    assert set(data) == KEYS  # nothing else: no names, hosts or versions
    assert data["status"] == "ok" and data["database"] == "ok"
    assert data["worker_heartbeat_age_seconds"] < 5
    assert data["oldest_queued_task_age_seconds"] == 0.0
    assert response["Cache-Control"] == "no-store"


def test_no_worker_ever_is_unhealthy(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["problems"] == ["No task worker has ever reported"]


def test_a_stale_heartbeat_is_unhealthy(client, settings):
    heartbeat_beat("worker-1", timezone.now())
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(seconds=90))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["problems"] == ["The task worker last reported 90 seconds ago"]


def test_a_task_waiting_too_long_is_unhealthy(client, settings):
    heartbeat_beat("worker-1", timezone.now())
    task = DBTaskResult.objects.create(
        task_path="mediation.notifications.tasks.send_pending_messages_task",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - timedelta(seconds=settings.HEALTH_QUEUE_STALE_SECONDS + 30)
    )
    data = client.get("/healthz").json()
    assert data["status"] == "unhealthy"
    assert data["oldest_queued_task_age_seconds"] >= settings.HEALTH_QUEUE_STALE_SECONDS + 30
    assert data["problems"][0].startswith("A task has waited")


def test_the_database_down_is_unhealthy(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("mediation.ops.health.connection.cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_only_reads(client):
    assert client.post("/healthz").status_code == 405
