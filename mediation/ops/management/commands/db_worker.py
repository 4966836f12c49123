"""`manage.py db_worker`: django-tasks-db's worker, with a heartbeat and the periodic duties.

This app comes before django_tasks_db in INSTALLED_APPS, so this command replaces the package's
own under the same name (everything that starts `db_worker` gets it: `make run`, deployments,
the fault test). It adds, in the same process (mediation/ops/worker.py): the heartbeat /healthz
reads, the audit sealer's sweep, the sweep of pending and stale messages, and the audit
checkpoints. It also outlives a database restart: a lost connection is logged and the worker
carries on once the database is back, instead of exiting.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.db import InterfaceError, OperationalError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker as tasks_db_worker

from mediation.ops.worker import start_beside_worker

logger = logging.getLogger("django_tasks_db")


class Command(tasks_db_worker.Command):
    help = (
        "Run the database task worker, with a heartbeat for /healthz and the periodic duties "
        "(audit sealing and checkpoints, pending messages)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reload"]:
            # Development with autoreload: the duties run in the reloaded child only.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                start_beside_worker(options["worker_id"])
            super().handle(*args, **options)
            return
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = tasks_db_worker.Worker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        stop = start_beside_worker(options["worker_id"])
        try:
            while True:
                try:
                    worker.run()
                    return
                except (OperationalError, InterfaceError):
                    if not worker.running:
                        raise
                    logger.warning("Database unavailable; the worker tries again in 1 second")
                    connections.close_all()
                    time.sleep(1)
        finally:
            stop.set()
