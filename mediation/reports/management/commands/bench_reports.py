"""Report timings: the dashboard's figures and a quarterly PDF, on the data already in the
database (the benchmark harness loads the cases first).

    manage.py bench_reports --la NFD --quarter 2026-Q2
    manage.py bench_reports --la first          # the first LA by name, this quarter

Prints one line per timing, in seconds: the dashboard for every LA, the dashboard for the LA,
the first page of a drill-down list, importing WeasyPrint (once per process), and making the
LA's quarterly PDF (not stored or sent).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mediation.authorities.models import LocalAuthority
from mediation.common.pagination import paginate
from mediation.reports.metrics import BY_KEY
from mediation.reports.models import QuarterlyReport
from mediation.reports.periods import period_from_token, quarter_of
from mediation.reports.selectors import ReportFilters, dashboard, metric_rows
from mediation.reports.services import quarterly_report_content


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


class Command(BaseCommand):
    help = "Time the report queries and the quarterly PDF for one LA and quarter."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--la", default="first", help='An LA code, or "first" (by name).')
        parser.add_argument("--quarter", default="", help="YYYY-Qn (default: this quarter).")

    def handle(self, *args: Any, la: str, quarter: str, **options: Any) -> None:
        authorities = LocalAuthority.objects.order_by("name")
        authority = authorities.first() if la == "first" else authorities.filter(code=la).first()
        if authority is None:
            raise CommandError(f"No local authority {la!r}: load the benchmark data first.")
        token = quarter or quarter_of(timezone.localdate())
        period = period_from_token(token)
        if period is None or "Q" not in token.upper():
            raise CommandError(f"--quarter must look like 2026-Q2, not {token!r}.")
        everyone = ReportFilters(period=period)
        one = ReportFilters(period=period, authority=authority)

        seconds, _ = _timed(lambda: dashboard(everyone))
        self.stdout.write(f"reports dashboard, every LA, {token}: {seconds:.3f} s")
        seconds, board = _timed(lambda: dashboard(one))
        self.stdout.write(f"reports dashboard, {authority.code}, {token}: {seconds:.3f} s")
        held = board.results["mediations_held"].value
        seconds, _ = _timed(lambda: paginate(metric_rows(BY_KEY["mediations_held"], one), number=1))
        self.stdout.write(
            f"reports drill-down first page ({held} mediations held): {seconds:.3f} s"
        )
        report = QuarterlyReport(
            local_authority=authority, year=period.start.year, quarter=(period.start.month + 2) // 3
        )
        # WeasyPrint's import (fonts, CSS machinery) happens once per process, in the first
        # document a worker makes: timed on its own, so that the report's line is what each
        # report costs.
        seconds, _ = _timed(lambda: __import__("weasyprint"))
        self.stdout.write(f"WeasyPrint import, once per process: {seconds:.3f} s")
        seconds, (_html, pdf) = _timed(lambda: quarterly_report_content(report))
        self.stdout.write(
            f"reports quarterly PDF, {authority.code}, {token}: {seconds:.3f} s ({len(pdf)} bytes)"
        )
