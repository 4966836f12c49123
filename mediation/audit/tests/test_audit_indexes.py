"""Every filter of the audit log page is answered from an index on PostgreSQL, whatever the
collation (the log holds every case read: millions of rows)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connection

from mediation.audit.selectors import VERB_GROUPS, AuditFilters, audit_search

pytestmark = pytest.mark.django_db


def audit_scans(node: dict) -> list[dict]:
    """The plan's nodes that read the audit table."""
    found = [node] if node.get("Relation Name") == "audit_auditevent" else []
    for child in node.get("Plans", []):
        found += audit_scans(child)
    return found


def plan_of(filters: AuditFilters) -> dict:
    # Without the ORDER BY, so that walking the primary key backwards is no way out, and with
    # sequential scans priced out, so that the planner uses an index whenever one fits.
    sql, params = audit_search(filters).order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        raw = cursor.fetchone()[0]
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]


FILTERS = [
    AuditFilters(case_id=1),
    AuditFilters(actor_id=1),
    AuditFilters(ip_address="192.0.2.7"),
    AuditFilters(on_or_after=date(2026, 3, 1), on_or_before=date(2026, 3, 31)),
    *[AuditFilters(verb_group=group) for group in VERB_GROUPS],
]


@pytest.mark.parametrize("filters", FILTERS, ids=repr)
def test_every_filter_has_an_index(filters):
    if connection.vendor != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL, the production database")
    scans = audit_scans(plan_of(filters))
    assert scans
    for scan in scans:
        # A scan with a condition on the index (or a bitmap built from one) reads only the
        # matching rows; anything else reads the whole table or the whole of some index.
        assert "Index Cond" in scan or scan["Node Type"] == "Bitmap Heap Scan", scan
