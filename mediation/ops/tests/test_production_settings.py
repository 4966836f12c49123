"""config.settings.production refuses to start unsafely, and passes check --deploy when safe.

Each case imports the settings in a fresh interpreter with only the environment given.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]


def good_environment(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "AUDIT_HMAC_KEYS": f"2026a={secrets.token_urlsafe(32)}",
        "ALLOWED_HOSTS": "casework.example.org",
        "AUDIT_CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }


def load(environment: dict[str, str], code: str = "import config.settings.production"):
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_safe_settings_start_and_pass_the_deployment_check(tmp_path):
    environment = good_environment(tmp_path)
    assert load(environment).returncode == 0
    checked = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout
    # The development outbox does not exist.
    outbox = load(
        environment,
        "import django; django.setup(); from django.urls import NoReverseMatch, reverse\n"
        "try:\n    reverse('notifications:outbox')\nexcept NoReverseMatch:\n    print('no outbox')",
    )
    assert outbox.stdout.strip() == "no outbox", outbox.stderr


def _published_keys() -> dict[str, str]:
    from config.settings import base

    test_settings = (ROOT / "config" / "settings" / "test.py").read_text()
    test_secret = test_settings.split('"SECRET_KEY", "')[1].split('"')[0]
    return {
        "SECRET_KEY": test_secret,
        "FIELD_ENCRYPTION_KEYS": base._DEV_FIELD_KEY,
        "AUDIT_HMAC_KEYS": f"dev={base._DEV_AUDIT_KEY}",
    }


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG is on"),
        ({"SECRET_KEY": "published"}, "SECRET_KEY holds a key that is printed in this repository"),
        (
            {"FIELD_ENCRYPTION_KEYS": "published"},
            "FIELD_ENCRYPTION_KEYS holds a key that is printed",
        ),
        ({"AUDIT_HMAC_KEYS": "published"}, "AUDIT_HMAC_KEYS holds a key that is printed"),
        ({"SECRET_KEY": "short-but-random-" + "x" * 20}, "50 characters or more"),
        ({"AUDIT_HMAC_KEYS": "k=only-sixteen-b"}, "32 bytes or more"),
        ({"FIELD_ENCRYPTION_KEYS": "bm90LWEta2V5"}, "must be a Fernet key"),
        ({"ALLOWED_HOSTS": None}, "Set ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "*"}, "Set ALLOWED_HOSTS"),
        ({"SECURE_SSL_REDIRECT": "false"}, "SECURE_SSL_REDIRECT is off"),
        ({"SECURE_HSTS_SECONDS": "3600"}, "at least 31536000"),
        ({"SHOW_DEV_OUTBOX": "true"}, "SHOW_DEV_OUTBOX is on"),
        ({"NOTIFICATIONS_KEEP_SENT_SECRETS": "true"}, "NOTIFICATIONS_KEEP_SENT_SECRETS is on"),
        ({"AUDIT_CHECKPOINT_DIR": None}, "Set AUDIT_CHECKPOINT_DIR"),
    ],
    ids=lambda value: str(value)[:40],
)
def test_unsafe_settings_are_refused(tmp_path, change, refusal):
    environment = good_environment(tmp_path)
    published = _published_keys()
    for name, value in change.items():
        if value is None:
            environment.pop(name)
        else:
            environment[name] = published[name] if value == "published" else value
    result = load(environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert refusal in result.stderr, result.stderr[-2000:]
