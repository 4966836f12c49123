"""Work out the deadlines of every open case again (after upgrading the `holidays` package, or
changing the rules), in batches: the system's work, recorded in each case's history and in one
audit event per batch (mediation.deadlines.services.deadlines_recalculate_many)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from mediation.cases.models import Case
from mediation.deadlines.services import RecalculationSummary, deadlines_recalculate_many
from mediation.domain.case_states import CaseState


class Command(BaseCommand):
    help = (
        "Work out the deadlines of every open case again. Run it after upgrading the `holidays` "
        "package (a newly proclaimed bank holiday) or changing the rules; each date that moves "
        "is recorded in its case's history. Safe to run at any time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        last = [started]

        def progress(summary: RecalculationSummary) -> None:
            if time.monotonic() - last[0] >= 10:
                last[0] = time.monotonic()
                self.stdout.write(f"{summary.cases_checked:,} open cases checked so far")

        summary = deadlines_recalculate_many(
            cases=Case.objects.exclude(status=CaseState.CLOSED),
            reason="deadlines worked out again",
            on_batch=progress,
        )
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{summary.cases_checked} open cases checked, {summary.moved} deadlines moved "
            f"({summary.cases_changed} cases changed) in {seconds:.1f} s"
        )
