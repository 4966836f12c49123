"""Deadlines through the database: cases per second for `deadline_recalculate`.

    manage.py bench_deadlines --cases 10000

Creates synthetic cases in bulk (in whatever database DATABASE_URL names: `make bench` uses a
throwaway SQLite file), then times computing and storing every case's deadlines through the
ORM, the same path the web app uses. Compare with bench/engine_bench.py (the pure engine) to see
what the database costs. Prints a markdown table row.
"""

from __future__ import annotations

import platform
import random
import time
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from mediation.accounts.models import Role, User
from mediation.authorities.models import LocalAuthority
from mediation.cases.models import Case
from mediation.deadlines.clocks import service_calendar
from mediation.deadlines.services import deadline_recalculate
from mediation.domain.case_states import CaseState, Route
from mediation.domain.decisions import APPEALABLE_DECISIONS

DECISIONS = list(APPEALABLE_DECISIONS)


class Command(BaseCommand):
    help = "Benchmark computing and storing deadlines through the database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, cases: int, seed: int, **options: Any) -> None:
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
        created = list(Case.objects.filter(reference__startswith=prefix).order_by("pk"))
        calendar = service_calendar()
        started = time.perf_counter()
        for chunk_start in range(0, len(created), 1000):
            with transaction.atomic():
                for case in created[chunk_start : chunk_start + 1000]:
                    deadline_recalculate(case=case, calendar=calendar)
        elapsed = time.perf_counter() - started
        # A second pass where nothing changed: the cost of the daily or calendar recompute.
        started = time.perf_counter()
        for chunk_start in range(0, len(created), 1000):
            with transaction.atomic():
                for case in created[chunk_start : chunk_start + 1000]:
                    deadline_recalculate(case=case, calendar=calendar)
        unchanged = time.perf_counter() - started

        self.stdout.write("| path | database | cases | seconds | cases per second |")
        self.stdout.write("|---|---|---:|---:|---:|")
        self.stdout.write(
            f"| engine + ORM (deadline_recalculate) | {connection.vendor} | {cases:,} | {elapsed:.2f} | "
            f"{cases / elapsed:,.0f} |"
        )
        self.stdout.write(
            f"| engine + ORM, recompute with no change | {connection.vendor} | {cases:,} | "
            f"{unchanged:.2f} | {cases / unchanged:,.0f} |"
        )
        self.stdout.write(f"\nPython {platform.python_version()} on {platform.machine()}")
