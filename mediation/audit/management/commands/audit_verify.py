"""Check the audit log: every seal, every event, and the signed checkpoints outside the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mediation.audit import checkpoints
from mediation.audit.verification import audit_verify


class Command(BaseCommand):
    help = (
        "Seal the events waiting, then check the whole audit chain and every checkpoint in "
        "AUDIT_CHECKPOINT_DIR (and any given with --checkpoint). Exits 1 naming the first bad "
        "or missing event, 0 when the log is whole."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE",
            help="also check against this checkpoint (e.g. one saved from the daily email)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        found = checkpoints.read_all()
        for name in options["checkpoint"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"No checkpoint file at {path}")
            found.append(checkpoints.checkpoint_parse(path.name, path.read_text(errors="replace")))
        check = audit_verify(checkpoints=found)
        if not check.whole:
            for problem in check.problems[1:]:
                self.stderr.write(f"Also: {problem}")
            raise CommandError(check.summary(), returncode=1)
        self.stdout.write(check.summary())
