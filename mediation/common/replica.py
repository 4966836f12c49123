"""Report reads from a read replica, when one is configured (docs/scaling.md).

Set DATABASE_REPLICA_URL to a PostgreSQL streaming replica of the main database: settings then
add it as the "replica" database and install ReportReplicaRouter. Code that reads for a report
wraps the reads in `report_reads()`; those queries go to the replica, everything else (every
write, and every read outside a report) stays on the main database, so pages never read their
own writes from a replica that is a little behind. Without DATABASE_REPLICA_URL,
`report_reads()` changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

REPLICA = "replica"
_reading_for_reports: ContextVar[bool] = ContextVar("reading_for_reports", default=False)


@contextmanager
def report_reads() -> Iterator[None]:
    """Inside this block, reads go to the replica if there is one."""
    token = _reading_for_reports.set(True)
    try:
        yield
    finally:
        _reading_for_reports.reset(token)


class ReportReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _reading_for_reports.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # the replica follows the main database; never migrate it
