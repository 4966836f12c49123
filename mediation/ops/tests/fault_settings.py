"""Settings for the processes the fault test starts (test_faults.py): the real database task
backend, the recording email backend, and short leases so recovery happens within the test."""

import os

from config.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
EMAIL_BACKEND = "mediation.ops.tests.recording_mail.RecordingBackend"
FAULT_MAIL_LOG = os.environ.get("FAULT_MAIL_LOG", "/dev/null")
FAULT_SENDING_DIR = os.environ.get("FAULT_SENDING_DIR", "/tmp")  # noqa: S108 (tests only)
FAULT_SEND_SECONDS = 0.2
# A send killed mid-way is tried again 6 seconds after it started; recording a finished send
# outlives a database restart of up to 4 seconds (the restart here takes about one).
NOTIFICATIONS_SENDING_LEASE_SECONDS = 6
NOTIFICATIONS_RECORD_SENT_RETRY_SECONDS = 4
NOTIFICATIONS_SWEEP_SECONDS = 1
OPS_HEARTBEAT_SECONDS = 1
AUDIT_SEAL_SWEEP_SECONDS = 1
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
