"""Settings for the processes the webhook fault test starts (test_killed_worker.py): the real
database task queue, and short waits so recovery happens within the test."""

from config.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A try killed mid-way is taken up again 2 seconds after it started (the sweep runs every
# second); a failed try waits a second; a held request is never timed out by the sender.
WEBHOOK_LEASE_SECONDS = 2
WEBHOOK_SWEEP_SECONDS = 1
WEBHOOK_RETRY_SECONDS = [1] * 20
WEBHOOK_TIMEOUT_SECONDS = 60
WEBHOOK_ALLOW_LOCAL_ADDRESSES = True
OPS_HEARTBEAT_SECONDS = 1
AUDIT_SEAL_SWEEP_SECONDS = 1
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
