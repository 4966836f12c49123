"""Deadlines through the database: cases per second, many at once and one by one.

    manage.py bench_deadlines --cases 10000

Creates synthetic cases in bulk (in whatever database DATABASE_URL names: `make bench-engine`
uses a throwaway SQLite file, `make bench` its PostgreSQL), then times storing every case's
deadlines through the database:

- many at once (`deadlines_recalculate_many`, what a calendar change and
  `recalculate_deadlines` use): the first computation (every deadline new), a second pass
  with nothing to change, and a proclaimed bank holiday (a closure day added in the middle of
  the cases' dates, moving some of their deadlines: its history lines and audit events written);
- one by one (`deadline_recalculate`, what a change on one case uses), over at most
  `--one-by-one` cases, with nothing to change.

Compare with bench/engine_bench.py (the pure engine) to see what the database costs. Prints a
markdown table.
"""

from __future__ import annotations

import os
import platform
import random
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from mediation.accounts.models import Role, User
from mediation.authorities.models import LocalAuthority
from mediation.cases.models import Case
from mediation.deadlines.clocks import service_calendar
from mediation.deadlines.models import ClosureDay
from mediation.deadlines.services import deadline_recalculate, deadlines_recalculate_many
from mediation.domain.case_states import CaseState, Route
from mediation.domain.decisions import APPEALABLE_DECISIONS

DECISIONS = list(APPEALABLE_DECISIONS)


def cpu_seconds() -> float | None:
    """CPU time used so far by this process and, on PostgreSQL, by the server process of its
    connection (read from /proc, when the server runs on this machine); None if unknown."""
    used = time.process_time()
    if connection.vendor != "postgresql":
        return used
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return used + (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def _minus(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else after - before


class Command(BaseCommand):
    help = "Benchmark computing and storing deadlines through the database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--one-by-one", type=int, default=2000, help="cases timed one by one (default 2,000)"
        )

    def handle(self, *args: Any, cases: int, seed: int, one_by_one: int, **options: Any) -> None:
        rng = random.Random(seed)  # noqa: S311 (synthetic data)
        owner, _ = User.objects.get_or_create(
            username="bench.owner", defaults={"role": Role.CASE_OFFICER}
        )
        authority, _ = LocalAuthority.objects.get_or_create(
            code="BENCH", defaults={"name": "Bench Council"}
        )
        # References have at most 20 characters: "B" + 8 digits + "-" + 7 digits.
        prefix = f"B{int(time.time()) % 10**8:08d}"
        now = timezone.now()
        rows = []
        for number in range(cases):
            sent = date(2025, 1, 1) + timedelta(days=rng.randrange(900))
            contacted = sent + timedelta(days=rng.randint(1, 30))
            informed = contacted + timedelta(days=rng.randint(0, 10))
            held = informed + timedelta(days=rng.randint(10, 40)) if rng.random() < 0.6 else None
            rows.append(
                Case(
                    reference=f"{prefix}-{number:07d}",
                    route=Route.MEDIATION,
                    status=CaseState.ARRANGING,
                    local_authority=authority,
                    owner=owner,
                    child_first_name="Test",
                    child_last_name=f"Child{number}",
                    child_date_of_birth=date(2015, 1, 1),
                    decision_type=rng.choice(DECISIONS),
                    notice_sent_on=sent,
                    adviser_contacted_on=contacted,
                    la_informed_on=informed,
                    issue_health=rng.random() < 0.3,
                    mediation_held_on=held,
                    mediation_concluded_on=held,
                    opened_at=now,
                    last_activity_at=now,
                )
            )
        Case.objects.bulk_create(rows, batch_size=2000)
        ours = Case.objects.filter(reference__startswith=prefix)
        ClosureDay.objects.filter(name="Bench bank holiday").delete()  # left by a stopped run
        rows_out: list[tuple[str, int, float, float | None]] = []

        def many(what: str) -> None:
            started, cpu = time.perf_counter(), cpu_seconds()
            summary = deadlines_recalculate_many(cases=ours, reason="bench")
            what += f" ({summary.cases_changed:,} cases changed, {summary.moved:,} deadlines moved)"
            rows_out.append((what, summary.cases_checked, time.perf_counter() - started,
                             _minus(cpu_seconds(), cpu)))  # fmt: skip

        many("many at once, first computation (every deadline new)")
        many("many at once, nothing to change")
        # A proclaimed bank holiday in the middle of the cases' dates: what a calendar change
        # recomputes (here every case, as `recalculate_deadlines` does).
        holiday = ClosureDay.objects.create(
            day=date(2026, 6, 17),
            name="Bench bank holiday",
            kind="proclaimed",
            created_by=owner,
        )
        try:
            many("many at once, a proclaimed bank holiday")
        finally:
            holiday.delete()  # the database may be used again
        calendar = service_calendar()
        sample = list(ours.order_by("pk")[:one_by_one])
        started, cpu = time.perf_counter(), cpu_seconds()
        for chunk_start in range(0, len(sample), 1000):
            with transaction.atomic():
                for case in sample[chunk_start : chunk_start + 1000]:
                    deadline_recalculate(case=case, calendar=calendar)
        rows_out.append(
            ("one by one (deadline_recalculate), nothing to change", len(sample),
             time.perf_counter() - started, _minus(cpu_seconds(), cpu))
        )  # fmt: skip

        self.stdout.write(
            "| path | database | cases | seconds | cases per second | CPU seconds | "
            "cases per CPU second |"
        )
        self.stdout.write("|---|---|---:|---:|---:|---:|---:|")
        for what, count, seconds, cpu_used in rows_out:
            per_cpu = f"{count / cpu_used:,.0f}" if cpu_used else "?"
            self.stdout.write(
                f"| {what} | {connection.vendor} | {count:,} | {seconds:.2f} | "
                f"{count / seconds:,.0f} | {cpu_used or 0:.2f} | {per_cpu} |"
            )
        self.stdout.write(
            "\nCPU seconds: this process and its database connection's server process "
            "(PostgreSQL on this machine; SQLite runs inside this process). On a shared machine "
            "the wall-clock rate depends on the other work; the CPU rate much less."
        )
        self.stdout.write(f"\nPython {platform.python_version()} on {platform.machine()}")
