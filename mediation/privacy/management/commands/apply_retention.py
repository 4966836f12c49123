"""The daily retention run: `manage.py apply_retention` (or `--dry-run` to see what it would do)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mediation.privacy.services import retention_run


class Command(BaseCommand):
    help = "List closed cases past retention, and anonymise those listed for the notice period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Change nothing; report only.")
        parser.add_argument(
            "--today", type=date.fromisoformat, help="Run as if today were this day."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention_run(today=options["today"], dry_run=options["dry_run"])
        prefix = "Would have: " if report.dry_run else ""
        self.stdout.write(
            f"{prefix}listed {len(report.newly_listed)} case(s), taken {len(report.released)} "
            f"off the list, anonymised {len(report.anonymised)} case(s) and "
            f"{report.enquiries_anonymised} enquiry(ies) ({report.today:%d %B %Y})."
        )
