"""A task of the two-machines test whose every run leaves a trace in the shared object store,
so a task run twice (by both workers, or twice by one) would show as two objects."""

from __future__ import annotations

import os
import time
import uuid

from django.core.files.base import ContentFile
from django_tasks import task

from mediation.common.kept_documents import document_storage


@task()
def leave_a_trace(number: int) -> str:
    machine = os.environ.get("MACHINE", "?")
    time.sleep(0.05)  # long enough for the other worker to look for work meanwhile
    document_storage().save(
        f"runs/{number}/{uuid.uuid4().hex}.txt", ContentFile(machine.encode(), name="run.txt")
    )
    return machine
