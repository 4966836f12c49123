"""Write a signed checkpoint of the audit chain now (the worker writes one every few minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mediation.audit.checkpoints import checkpoint_write


class Command(BaseCommand):
    help = (
        "Seal the events waiting and write a signed checkpoint (count and newest MAC) into "
        "AUDIT_CHECKPOINT_DIR. Prints the file's path."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint, path = checkpoint_write()
        self.stdout.write(f"{checkpoint.count} events sealed; checkpoint written to {path}")
