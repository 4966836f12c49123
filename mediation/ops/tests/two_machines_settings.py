"""Settings for the processes the two-machines test starts (test_two_machines.py): the test
settings with the real database task queue and uploads and documents in the S3 bucket named by
the environment (moto's server in the test)."""

from config.settings import base
from config.settings.test import *  # noqa: F403

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        # Each worker also reads a queue of its own, so the test can give each one a document
        # to make; the "default" queue is the one both compete for.
        "QUEUES": ["default", "machine-a", "machine-b"],
    }
}
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "uploads": base.s3_storage_from_env("UPLOAD", "uploads"),
    "documents": base.s3_storage_from_env("DOCUMENT", "documents", fallback="UPLOAD"),
}
DOCUMENT_STORAGE = "s3"
OPS_HEARTBEAT_SECONDS = 1
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
