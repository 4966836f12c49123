"""Production settings: DJANGO_SETTINGS_MODULE=config.settings.production.

Everything comes from the environment (docs/guide/admin-and-deploy.md, docs/operations.md). These
settings refuse to start (ImproperlyConfigured, naming every problem at once) when:

- DEBUG is on (DJANGO_DEBUG set to true);
- SECRET_KEY, a FIELD_ENCRYPTION_KEYS key or an AUDIT_HMAC_KEYS key is printed anywhere in this
  repository (the development, test and benchmark keys are), or is too short: 50 characters
  for SECRET_KEY (Django's own deployment check), 32 bytes for an audit key, and a real Fernet
  key (32 bytes, base64) for field encryption;
- ALLOWED_HOSTS is empty or "*";
- HTTPS is not enforced: SECURE_SSL_REDIRECT off, HSTS shorter than a year, or cookies that
  may travel over plain HTTP;
- the development outbox or kept one-time links are switched on, or AUDIT_CHECKPOINT_DIR is
  not set (it should be storage the database's users cannot write to).

With real keys `manage.py check --deploy --fail-level WARNING` passes (`make prod-check` runs
it, then gunicorn, the worker and a throwaway PostgreSQL, and checks the answers).
"""

import base64
import binascii
import os

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool

_problems: list[str] = []
if env_bool("DJANGO_DEBUG", default=False):
    _problems.append("DJANGO_DEBUG is on: unset it (DEBUG shows code and settings to anyone)")
os.environ["DJANGO_DEBUG"] = "false"
if not os.environ.get("AUDIT_CHECKPOINT_DIR"):
    _problems.append(
        "Set AUDIT_CHECKPOINT_DIR to a directory outside the database's reach (another host's "
        "mount or an append-only store), for the audit log's signed checkpoints"
    )

from config.published_keys import published  # noqa: E402
from config.settings.base import *  # noqa: E402,F403
from config.settings.base import (  # noqa: E402
    ALLOWED_HOSTS,
    AUDIT_HMAC_KEYS,
    BASE_DIR,
    CSRF_COOKIE_SECURE,
    DEBUG,
    FIELD_ENCRYPTION_KEYS,
    NOTIFICATIONS_KEEP_SENT_SECRETS,
    SECRET_KEY,
    SECURE_HSTS_SECONDS,
    SECURE_SSL_REDIRECT,
    SESSION_COOKIE_SECURE,
    SHOW_DEV_OUTBOX,
)

if DEBUG:
    _problems.append("DEBUG is on")

# Secrets: none printed in the repository, none too short.
_secrets = {"SECRET_KEY": [SECRET_KEY]}
_secrets["FIELD_ENCRYPTION_KEYS"] = list(FIELD_ENCRYPTION_KEYS)
_secrets["AUDIT_HMAC_KEYS"] = list(AUDIT_HMAC_KEYS.values())
_public = published([secret for values in _secrets.values() for secret in values], BASE_DIR)
for _name, _values in _secrets.items():
    if any(value in _public for value in _values):
        _problems.append(
            f"{_name} holds a key that is printed in this repository (a development, test or "
            "example key): make a new one"
        )
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    _problems.append("SECRET_KEY must be a random string of 50 characters or more")
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        _length = len(base64.urlsafe_b64decode(_key.encode()))
    except (binascii.Error, ValueError):
        _length = 0
    if _length != 32:
        _problems.append(
            "Each FIELD_ENCRYPTION_KEYS key must be a Fernet key (32 random bytes, base64): make "
            "one with cryptography.fernet.Fernet.generate_key()"
        )
        break
if any(len(value.encode()) < 32 for value in AUDIT_HMAC_KEYS.values()):
    _problems.append("Each AUDIT_HMAC_KEYS key must be 32 bytes or more")

# Hosts and HTTPS.
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    _problems.append("Set ALLOWED_HOSTS to the service's own host names (not *)")
if not SECURE_SSL_REDIRECT:
    _problems.append("SECURE_SSL_REDIRECT is off: every request must be sent to HTTPS")
if SECURE_HSTS_SECONDS < 31536000:
    _problems.append("SECURE_HSTS_SECONDS must be at least 31536000 (one year)")
if not (SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE):
    _problems.append("Session and CSRF cookies must be Secure (sent over HTTPS only)")

# Development conveniences that expose other people's messages and links.
if SHOW_DEV_OUTBOX:
    _problems.append("SHOW_DEV_OUTBOX is on: the outbox shows every case's emails")
if NOTIFICATIONS_KEEP_SENT_SECRETS:
    _problems.append("NOTIFICATIONS_KEEP_SENT_SECRETS is on: sent sign-in links would be kept")

if _problems:
    raise ImproperlyConfigured("Production settings refuse to start:\n- " + "\n- ".join(_problems))
