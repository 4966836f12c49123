"""How many queries one audit event costs a request, for the pinned query counts of pages."""

from __future__ import annotations

from django.db import connection


def audit_write_queries() -> int:
    """Inside a test's transaction: savepoint, the event, release; and on SQLite the chain head
    and the seal (sealed at once), on PostgreSQL the row that queues it for the sealer (which
    seals after the commit, outside the request's count). ADR 0024."""
    return 5 if connection.vendor == "sqlite" else 4
