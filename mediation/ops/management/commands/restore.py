"""`make restore FROM=...`: replace the database and the files with a backup's, then check them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mediation.audit.services import audit_record
from mediation.ops.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive: check every file against the manifest's SHA-256, replace the "
        "database and the uploaded files (the current files are moved aside), then check the "
        "row counts and the audit log. Exits 1 if anything does not match."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the archive from `make backup`")
        parser.add_argument("--key", help="the private key file, for an encrypted archive")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask before replacing the database"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        if not options["yes"]:
            answer = input(
                f"This replaces the whole database and the uploaded files with {archive.name}. "
                "Type yes to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was changed")
        key = Path(options["key"]).read_bytes() if options.get("key") else None
        try:
            report = backup_restore(archive, private_key_pem=key)
        except BackupError as error:
            raise CommandError(f"Nothing was restored: {error}") from error
        audit_record(
            actor="ops:restore",
            verb="ops.restore",
            detail={"archive": archive.name, "made": report.created_at, "ok": report.ok},
        )
        self.stdout.write(
            f"Restored the backup made {report.created_at}: {report.rows_checked} rows in the "
            f"database and {report.files_restored} files, every one matching its SHA-256."
        )
        for aside in report.moved_aside:
            self.stdout.write(f"The files there before were moved to {aside}")
        for mismatch in report.count_mismatches:
            self.stderr.write(f"Row count differs: {mismatch}")
        self.stdout.write(f"Audit log: {report.audit_summary}")
        if not report.audit_whole:
            self.stdout.write(
                "If the only problem is a checkpoint newer than the backup, the events after the "
                "backup were lost with it: move those checkpoint files into a folder named after "
                "this restore (docs/operations.md) and run manage.py audit_verify again."
            )
        if not report.ok:
            raise CommandError("The restore does not match the backup: see above", returncode=1)
