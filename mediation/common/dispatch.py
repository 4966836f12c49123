"""Background work, started once the change that needs it is committed.

Each app's tasks.py holds its background tasks, and a task runs one of the app's services; so
a service that starts a task names it (`"mediation.notifications.tasks.send_message_task"`)
instead of importing tasks.py, which would make the two modules import each other. The name
is looked up when the transaction commits (test_dispatch checks that every name used resolves
to a task), so the task sees what the service wrote, and nothing is sent for a change that was
rolled back.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string


def enqueue_on_commit(task_name: str, **arguments: Any) -> None:
    """Enqueue the task at `task_name` (a dotted path) with `arguments` after the commit."""
    transaction.on_commit(lambda: import_string(task_name).enqueue(**arguments))
