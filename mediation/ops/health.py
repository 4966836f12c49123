"""What /healthz reports: the database, the task worker's heartbeat, the oldest queued task.

No personal data and nothing about the deployment beyond these ages, so it needs no sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from mediation.ops.models import WorkerHeartbeat


@dataclass
class Health:
    database: str = "ok"
    worker_heartbeat_age_seconds: float | None = None
    oldest_queued_task_age_seconds: float | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {
            "status": "ok" if self.healthy else "unhealthy",
            "database": self.database,
            "worker_heartbeat_age_seconds": self.worker_heartbeat_age_seconds,
            "oldest_queued_task_age_seconds": self.oldest_queued_task_age_seconds,
            "problems": self.problems,
        }


def _age(now: datetime, then: datetime | None) -> float | None:
    return None if then is None else round(max(0.0, (now - then).total_seconds()), 1)


def health_now() -> Health:
    health = Health()
    now = timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        beat = WorkerHeartbeat.objects.aggregate(newest=Max("beat_at"))["newest"]
        ready = DBTaskResult.objects.ready()
        oldest_waiting = ready.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))
        oldest_due = ready.exclude(run_after=get_date_max()).aggregate(at=Min("run_after"))
    except DatabaseError:
        health.database = "unavailable"
        health.problems.append("The database cannot be reached")
        return health
    heartbeat_age = health.worker_heartbeat_age_seconds = _age(now, beat)
    queued = [at for at in (oldest_waiting["at"], oldest_due["at"]) if at is not None]
    health.oldest_queued_task_age_seconds = _age(now, min(queued)) if queued else 0.0
    if heartbeat_age is None:
        health.problems.append("No task worker has ever reported")
    elif heartbeat_age > settings.HEALTH_WORKER_STALE_SECONDS:
        health.problems.append(f"The task worker last reported {heartbeat_age:.0f} seconds ago")
    if (health.oldest_queued_task_age_seconds or 0) > settings.HEALTH_QUEUE_STALE_SECONDS:
        health.problems.append(
            f"A task has waited {health.oldest_queued_task_age_seconds:.0f} seconds to run"
        )
    return health
