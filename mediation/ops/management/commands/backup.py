"""`make backup`: one archive of the database and the files into BACKUP_DIR; prints its path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mediation.audit.services import audit_record
from mediation.ops.backups import BackupError, backup_make


class Command(BaseCommand):
    help = (
        "Back up the database, the uploaded files and a manifest of SHA-256 hashes into one "
        "archive in BACKUP_DIR (encrypted when BACKUP_PUBLIC_KEY is set). The last line printed "
        "is the archive's path."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", help="instead of BACKUP_DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"]) if options.get("directory") else None
        try:
            archive = backup_make(directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        audit_record(actor="ops:backup", verb="ops.backup", detail={"archive": archive.name})
        self.stdout.write(str(archive))
