"""`manage.py check --deploy --fail-level WARNING` passes with the production settings.

Run in a fresh process with config.settings.base and only the environment a production server
must have (DJANGO_DEBUG unset), so nothing from the test settings leaks in (docs/security.md
checklist rows 27, 28, 41).
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


def production_env(**extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "AUDIT_HMAC_KEYS": f"deploy={secrets.token_urlsafe(32)}",
        "ALLOWED_HOSTS": "mediation.example.org",
    }
    env.update(extra)
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_settings():
    result = check_deploy(production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    # Only the HSTS-preload reminder is silenced (a decision for the domain owner, ADR 0006).
    assert "System check identified no issues (1 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("extra", "warning"),
    [
        ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"SECRET_KEY": "short"}, "security.W009"),
        ({"DJANGO_DEBUG": "true"}, "security.W018"),
    ],
)
def test_check_deploy_would_catch_a_weakened_setting(extra, warning):
    """The check is live: weakening one production setting makes it fail."""
    result = check_deploy(production_env(**extra))
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


def test_preloading_hsts_is_a_switch_that_unsilences_the_reminder():
    result = check_deploy(production_env(SECURE_HSTS_PRELOAD="true"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_forwarded_proto_is_believed_only_behind_a_proxy(monkeypatch):
    import importlib

    import config.settings.base as base

    monkeypatch.delenv("TRUSTED_PROXY_COUNT", raising=False)
    assert importlib.reload(base).SECURE_PROXY_SSL_HEADER is None
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "1")
    assert importlib.reload(base).SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.delenv("TRUSTED_PROXY_COUNT")
    importlib.reload(base)
