"""Make the key pair that backups are encrypted to (BACKUP_PUBLIC_KEY) and restored with."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mediation.ops.archive_crypto import generate_key_pair


class Command(BaseCommand):
    help = (
        "Write a new X25519 private key to FILE (readable by you only; keep it off the server) "
        "and print the public key to set as BACKUP_PUBLIC_KEY."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("private_key_file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["private_key_file"])
        if path.exists():
            raise CommandError(f"{path} exists already: choose another name")
        private, public = generate_key_pair()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(private)
        self.stdout.write(public.decode().strip())
