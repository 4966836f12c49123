"""Recomputing many cases at once (deadlines_recalculate_many) stores exactly what recomputing
them one by one (deadline_recalculate) stores, in a fixed number of queries per batch."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from mediation.audit.models import AuditEvent
from mediation.cases.models import Case
from mediation.deadlines import services
from mediation.deadlines.clocks import service_calendar
from mediation.deadlines.models import ClosureDay, Deadline
from mediation.demo import synthetic
from mediation.timeline.models import TimelineEntry, TimelineKind

pytestmark = pytest.mark.django_db

AS_OF = datetime(2026, 3, 2, 12, tzinfo=UTC)
EVENT_FIELDS = [
    "adviser_contacted_on",
    "la_informed_on",
    "health_body_notified_on",
    "mediation_held_on",
    "mediation_concluded_on",
    "certificate_issued_on",
    "agreement_made_on",
    "meeting_planned_on",
    "meeting_confirmation_sent_on",
]


def _disturb(rng: random.Random, manager: Any) -> None:
    """Random changes behind the services' back, so there is something to recompute: event
    dates moved, set or cleared, stored deadlines deleted, moved or invented, next deadlines
    wiped, and a closure day that moves working days."""
    cases = list(Case.objects.order_by("pk"))
    for case in rng.sample(cases, k=len(cases) // 2):
        changes: dict[str, Any] = {}
        for name in rng.sample(EVENT_FIELDS, k=rng.randint(1, 3)):
            if rng.random() < 0.25:
                changes[name] = None
            else:
                base = getattr(case, name) or case.notice_sent_on or date(2026, 1, 5)
                changes[name] = base + timedelta(days=rng.randint(-10, 40))
        if rng.random() < 0.2:
            changes["next_deadline_due"] = None
            changes["next_deadline_code"] = ""
        Case.objects.filter(pk=case.pk).update(**changes)
    rows = list(Deadline.objects.order_by("pk"))
    for row in rng.sample(rows, k=len(rows) // 5):
        what = rng.random()
        if what < 0.4:
            row.delete()
        elif what < 0.8:
            Deadline.objects.filter(pk=row.pk).update(
                due=row.due + timedelta(days=rng.randint(1, 9))
            )
        else:
            Deadline.objects.filter(pk=row.pk).update(met_on=None, explanation="stale")
    for case in rng.sample(cases, k=3):
        Deadline.objects.create(
            case=case, code="no_longer_a_rule", due=date(2026, 2, 2), rule="x", runs_from="x",
            explanation="x",
        )  # fmt: skip
    ClosureDay.objects.create(
        day=date(2026, 3, 4) + timedelta(days=rng.randint(0, 20)),
        name="Service training day",
        kind=ClosureDay.Kind.CLOSURE,
        created_by=manager,
    )


def _state() -> dict[str, Any]:
    deadlines = sorted(
        Deadline.objects.values_list(
            "case_id", "code", "due", "rule", "runs_from", "explanation", "met_on", "position"
        )
    )
    cases = sorted(Case.objects.values_list("pk", "next_deadline_due", "next_deadline_code"))
    lines = sorted(
        TimelineEntry.objects.filter(kind=TimelineKind.DEADLINE).values_list(
            "case_id", "summary", "actor_id"
        )
    )
    return {"deadlines": deadlines, "cases": cases, "lines": lines}


def _after(recompute: Any) -> dict[str, Any]:
    """The state after `recompute`, rolled back afterwards."""
    with transaction.atomic():
        recompute()
        state = _state()
        transaction.set_rollback(True)
    return state


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_many_at_once_stores_exactly_what_one_by_one_stores(seed, manager_sue):
    synthetic.generate(cases=60, seed=seed, as_of=AS_OF, batch_size=30, per_year=300)
    rng = random.Random(seed)  # noqa: S311 (test data)
    _disturb(rng, manager_sue)
    calendar = service_calendar()
    reason = "Added Wednesday 4 March 2026: Service training day"

    def one_by_one() -> None:
        for case in Case.objects.order_by("pk"):
            services.deadline_recalculate(case=case, by=None, reason=reason, calendar=calendar)

    def many() -> None:
        summary = services.deadlines_recalculate_many(
            cases=Case.objects.all(), reason=reason, calendar=calendar, batch_size=7
        )
        assert summary.cases_checked == Case.objects.count()

    expected = _after(one_by_one)
    assert expected != _state()  # the disturbance left something to do
    assert _after(many) == expected


def test_a_second_pass_changes_nothing_and_writes_nothing(manager_sue):
    synthetic.generate(cases=40, seed=4, as_of=AS_OF, batch_size=40, per_year=300)
    _disturb(random.Random(4), manager_sue)  # noqa: S311 (test data)
    first = services.deadlines_recalculate_many(cases=Case.objects.all(), reason="check")
    assert first.cases_changed > 0
    state = _state()
    with CaptureQueriesContext(connection) as queries:
        again = services.deadlines_recalculate_many(cases=Case.objects.all(), reason="check")
    assert again.cases_changed == 0 and again.changes == {}
    assert _state() == state
    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_queries_per_batch_do_not_grow_with_the_cases(manager_sue):
    synthetic.generate(cases=60, seed=5, as_of=AS_OF, batch_size=60, per_year=300)
    _disturb(random.Random(5), manager_sue)  # noqa: S311 (test data)
    calendar = service_calendar()
    with CaptureQueriesContext(connection) as queries:
        summary = services.deadlines_recalculate_many(
            cases=Case.objects.all(), reason="check", calendar=calendar, batch_size=30
        )
    assert summary.cases_checked == 60
    # The list of ids, then per batch: the cases, their agreed actions, their deadlines, at
    # most one insert, update and delete of deadlines, one update of cases, one insert of
    # history lines and the audit event (with its sealing on SQLite), in a transaction.
    selects = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    for table in ("cases_case", "outcomes_agreedaction", "deadlines_deadline"):
        reads = [sql for sql in selects if sql.split(" FROM ")[1].startswith(f'"{table}"')]
        assert len(reads) == 2 + (table == "cases_case"), table  # one a batch (and the ids)
    assert len(queries) <= 1 + 2 * 15


def test_each_batch_that_changed_something_writes_one_system_audit_event(manager_sue):
    synthetic.generate(cases=30, seed=6, as_of=AS_OF, batch_size=30, per_year=300)
    _disturb(random.Random(6), manager_sue)  # noqa: S311 (test data)
    before = AuditEvent.objects.filter(verb="deadlines.recalculated").count()
    summary = services.deadlines_recalculate_many(
        cases=Case.objects.all(), reason="check", detail={"calendar_change": 7}, batch_size=10
    )
    events = list(AuditEvent.objects.filter(verb="deadlines.recalculated").order_by("pk"))[before:]
    assert 1 <= len(events) <= 3
    assert all(event.actor_id is None for event in events)  # the system's work
    assert sorted(pk for e in events for pk in e.detail["case_ids"]) == sorted(summary.changes)
    assert all(e.detail["calendar_change"] == 7 and e.detail["reason"] == "check" for e in events)
    lines = TimelineEntry.objects.filter(kind=TimelineKind.DEADLINE, summary__endswith="(check)")
    assert lines.exists() and not lines.exclude(actor=None).exists()


def test_every_column_a_recompute_writes_is_one_the_clocks_give(open_case):
    """The recompute of many reads and writes the Deadline columns other than its key and time
    (services._STORED): they must be exactly what `stored_values` gives, or a new column would
    be read but never written (or the reverse)."""
    from mediation.deadlines.clocks import compute_for_case, stored_values

    computed, _ = compute_for_case(open_case, service_calendar())
    assert computed
    for _item, values in stored_values(open_case, computed):
        assert set(values) == set(services._STORED)
