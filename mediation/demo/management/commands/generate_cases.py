"""Synthetic cases for load tests: `manage.py generate_cases --cases N --seed S`.

N is the total number of synthetic cases wanted for the seed: a re-run carries on where the last
one stopped (or does nothing). See mediation/demo/synthetic.py for what each case gets.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from mediation.demo.synthetic import Progress, generate


class Command(BaseCommand):
    help = "Generate invented cases (with parties, meetings, deadlines, audit events) in bulk."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, required=True, help="total wanted for the seed")
        parser.add_argument("--seed", type=int, default=1, help="0 to 99999 (default 1)")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--per-year",
            type=int,
            default=20_000,
            help="cases opened a year (default 20,000): spreads the cases back in time",
        )
        parser.add_argument(
            "--as-of",
            help="the date the data is generated as of (YYYY-MM-DD, default today): the same "
            "seed and date give the same data",
        )

    def handle(
        self,
        *args: Any,
        cases: int,
        seed: int,
        batch_size: int,
        per_year: int,
        as_of: str | None,
        **options: Any,
    ) -> None:
        when = None
        if as_of:
            try:
                when = datetime.fromisoformat(as_of).replace(hour=12, tzinfo=UTC)
            except ValueError as error:
                raise CommandError(f"--as-of: {error}") from error
        last_report = [0.0]

        def report(progress: Progress) -> None:
            if progress.done == progress.total or progress.seconds - last_report[0] >= 10:
                last_report[0] = progress.seconds
                self.stdout.write(
                    f"{progress.done:,} / {progress.total:,} cases, {progress.seconds:,.0f} s"
                )

        started = datetime.now(UTC)
        try:
            added = generate(
                cases=cases,
                seed=seed,
                as_of=when,
                batch_size=batch_size,
                per_year=per_year,
                on_batch=report,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        seconds = (datetime.now(UTC) - started).total_seconds()
        rate = added / seconds if seconds and added else 0
        self.stdout.write(
            f"Added {added:,} synthetic cases (seed {seed}) to {connection.vendor} in "
            f"{seconds:,.1f} s ({rate:,.0f} cases per second)."
        )
