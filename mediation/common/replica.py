"""Report reads from a read replica, when one is configured (docs/scaling.md).

Set DATABASE_REPLICA_URL to a PostgreSQL streaming replica of the main database: settings then
add it as the "replica" database and install ReportReplicaRouter. Code that reads for a report,
an export or the dashboard wraps the reads in `report_reads()`; those queries go to the replica,
everything else (every write, and every read outside a report) stays on the main database, so
pages never read their own writes from a replica that is a little behind. Without
DATABASE_REPLICA_URL, `report_reads()` changes nothing.

A replica that is down, or further behind than DATABASE_REPLICA_MAX_LAG_SECONDS, is not used:
the reads fall back to the main database and a warning is logged. Whether it is usable is
checked at most once every REPLICA_CHECK_SECONDS per process, so a report pays for the check
rarely and a replica that comes back is used again within that time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.utils import ConnectionHandler

logger = logging.getLogger(__name__)

REPLICA = "replica"
REPLICA_CHECK_SECONDS = 10.0
# The alias report reads go to inside report_reads(); None outside it (the default database).
_report_alias: ContextVar[str | None] = ContextVar("report_alias", default=None)


def _lsn(text: str) -> int:
    """A PostgreSQL WAL position ("16/B374D848") as a number of bytes."""
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def replica_problem(handler: ConnectionHandler | None = None) -> str | None:
    """Why the replica should not be read now (down, or too far behind), or None if it can.

    Behind means: the primary has written WAL the replica has not replayed yet, and the last
    transaction it replayed is older than the limit. (Time since the last replay alone would
    call an idle but complete replica "behind".)"""
    handler = handler or connections
    replica = handler[REPLICA]
    try:
        with replica.cursor() as cursor:
            if replica.vendor != "postgresql":
                cursor.execute("SELECT 1")
                return None
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, "
                "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
            )
            in_recovery, replayed, seconds_since_replay = cursor.fetchone()
    except DatabaseError as error:
        return f"cannot be reached ({type(error).__name__}: {str(error).strip()[:200]})"
    if not in_recovery:
        return None  # not a standby (a copy promoted, or the same server): current by definition
    with handler[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        (written,) = cursor.fetchone()
    behind_bytes = _lsn(written) - _lsn(replayed) if replayed else None
    if behind_bytes is not None and behind_bytes <= 0:
        return None
    limit = settings.DATABASE_REPLICA_MAX_LAG_SECONDS
    if seconds_since_replay is None or float(seconds_since_replay) > limit:
        shown = "never" if seconds_since_replay is None else f"{float(seconds_since_replay):.0f} s"
        return (
            f"is behind: {behind_bytes if behind_bytes is not None else '?'} bytes of WAL not "
            f"replayed, last replay {shown} ago (limit {limit} s)"
        )
    return None


@dataclass
class _Health:
    checked_at: float = float("-inf")
    usable: bool = False


_health = _Health()
_health_lock = threading.Lock()


def report_database() -> str | None:
    """The alias report reads should use now: the replica if it is configured and usable,
    else None (the default database). Checks the replica at most every REPLICA_CHECK_SECONDS."""
    if REPLICA not in connections.settings:
        return None
    with _health_lock:
        now = time.monotonic()
        if now - _health.checked_at >= REPLICA_CHECK_SECONDS:
            problem = replica_problem()
            if problem:
                logger.warning(
                    "Read replica %s: report reads go to the main database for now", problem
                )
            elif not _health.usable and _health.checked_at != float("-inf"):
                logger.warning("Read replica usable again: report reads go to it")
            _health.usable = problem is None
            _health.checked_at = now
        return REPLICA if _health.usable else None


def forget_replica_health() -> None:
    """Check the replica again on the next report read (tests, and after a failover)."""
    with _health_lock:
        _health.checked_at = float("-inf")
        _health.usable = False


@contextmanager
def report_reads() -> Iterator[None]:
    """Inside this block, reads go to the replica if there is one and it is usable."""
    token = _report_alias.set(report_database())
    try:
        yield
    finally:
        _report_alias.reset(token)


def report_reads_streamed(lines: Iterator[Any]) -> Iterator[Any]:
    """A streamed response's body (an export) read inside report_reads(): its queries run
    while it is sent, after the view has returned, so the block must be around the iteration."""
    with report_reads():
        yield from lines


class ReportReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return _report_alias.get()

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None  # every write goes to the main database, inside report_reads() too

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # the replica follows the main database; never migrate it
