"""Test-only overrides: fast hashing, kept email, tasks run at once, plain static files."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "dGVzdC1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI=")
os.environ.setdefault(
    "AUDIT_HMAC_KEYS", "test=test-only-audit-key-not-for-production-0123456789abcdef"
)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from config.settings.base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; tests
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Webhook tests post to a receiver on this machine (127.0.0.1, plain http).
WEBHOOK_ALLOW_LOCAL_ADDRESSES = True
_TEST_UPLOAD_ROOT = tempfile.mkdtemp(prefix="mediation-test-uploads-")
atexit.register(shutil.rmtree, _TEST_UPLOAD_ROOT, ignore_errors=True)
# The live server used by browser tests serves files from the finders, not a manifest.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Uploaded files of a test run go to a temporary directory removed when the run ends.
    "uploads": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": _TEST_UPLOAD_ROOT},
    },
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
SECURE_HSTS_SECONDS = 0
SHOW_DEV_OUTBOX = True
AUDIT_APPEND_ONLY_TRIGGERS = False  # see mediation/audit/triggers.py
# Checkpoints of a test run go to a temporary directory; tests that write them use their own.
AUDIT_CHECKPOINT_DIR = Path(tempfile.mkdtemp(prefix="mediation-test-checkpoints-"))
atexit.register(shutil.rmtree, AUDIT_CHECKPOINT_DIR, ignore_errors=True)
