"""Settings for every environment; behaviour is switched by environment variables.

Development (`make run`) sets DJANGO_DEBUG=true, which allows the development-only secrets
below. In production DJANGO_DEBUG is unset and every secret must come from the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

# Development-only defaults: refused when DEBUG is off, so a production server cannot start
# with a secret that is printed in this file.
_DEV_SECRET_KEY = "dev-only-not-secret-0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c"
_DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1zZWNyZXQhISE="  # base64 of 32 bytes
_DEV_AUDIT_KEY = "dev-only-audit-key-not-secret-5f1e2d3c4b5a69788796a5b4c3d2e1f0"

SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else None)
# Comma-separated Fernet keys, newest first: add a new key in front to rotate; older keys
# still decrypt until `manage.py rotate_field_keys` has re-encrypted everything.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [_DEV_FIELD_KEY] if DEBUG else [])
if not FIELD_ENCRYPTION_KEYS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set the environment variable FIELD_ENCRYPTION_KEYS.")


def _key_map(name: str, default: dict[str, str]) -> dict[str, str]:
    """`id=key,id=key` from the environment (keys of 32 bytes or more, with no commas)."""
    pairs = env_list(name, [])
    if not pairs:
        return default
    found = {}
    for pair in pairs:
        key_id, separator, secret = pair.partition("=")
        if not separator or not key_id.strip() or not secret:
            raise ImproperlyConfigured(f"{name} must be key id=key pairs separated by commas.")
        found[key_id.strip()] = secret
    return found


# The audit log's keyed chain (ADR 0024): HMAC keys by id, never stored in the database. The
# current key (AUDIT_HMAC_KEY_ID, default the first listed) seals new events; every key listed
# still verifies, so to rotate put a new key first and keep the old ones.
AUDIT_HMAC_KEYS = _key_map("AUDIT_HMAC_KEYS", {"dev": _DEV_AUDIT_KEY} if DEBUG else {})
if not AUDIT_HMAC_KEYS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set the environment variable AUDIT_HMAC_KEYS (id=key).")
AUDIT_HMAC_KEY_ID = env_str("AUDIT_HMAC_KEY_ID", next(iter(AUDIT_HMAC_KEYS)))
# Signed checkpoints of the chain go here, every AUDIT_CHECKPOINT_MINUTES and on demand: in
# production a directory the database's users cannot write to (another host's mount).
AUDIT_CHECKPOINT_DIR = Path(
    env_str("AUDIT_CHECKPOINT_DIR", str(BASE_DIR / "var" / "audit-checkpoints"))
)
AUDIT_CHECKPOINT_MINUTES = env_int("AUDIT_CHECKPOINT_MINUTES", 15)
# PostgreSQL: a request seals what is waiting after its commit at most this often per process
# (0: after every commit); the task worker sweeps every few seconds (AUDIT_SEAL_SWEEP_SECONDS).
AUDIT_SEAL_AFTER_COMMIT_SECONDS = float(env_str("AUDIT_SEAL_AFTER_COMMIT_SECONDS", "1"))
AUDIT_SEAL_SWEEP_SECONDS = env_int("AUDIT_SEAL_SWEEP_SECONDS", 2)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The provider that runs this deployment, shown in the header, footer, letters and emails.
SERVICE_NAME = env_str("SERVICE_NAME", "SEND Mediation Case Manager")
PROVIDER_NAME = env_str("PROVIDER_NAME", "Northfield Mediation Service")
# How parties reach the service: the first values of Manage → Service details (managers change
# them there; mediation.common.service_details). Each process keeps them this many seconds.
SERVICE_PHONE = env_str("SERVICE_PHONE", "")
SERVICE_OPENING_HOURS = env_str("SERVICE_OPENING_HOURS", "Monday to Friday, 9am to 5pm")
SERVICE_EMAIL = env_str("SERVICE_EMAIL", "")
SERVICE_POSTAL_ADDRESS = env_str("SERVICE_POSTAL_ADDRESS", "")
SERVICE_DETAILS_CACHE_SECONDS = env_int("SERVICE_DETAILS_CACHE_SECONDS", 30)
# Reminders go to the case owner this many working days before each statutory deadline.
DEADLINE_REMINDER_WORKING_DAYS = env_int("DEADLINE_REMINDER_WORKING_DAYS", 2)
# A deadline is "due soon" (amber) within this many working days.
DEADLINE_DUE_SOON_WORKING_DAYS = env_int("DEADLINE_DUE_SOON_WORKING_DAYS", 2)
# Where links in emails point (the staff site's address).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

CASE_REFERENCE_PREFIX = env_str("CASE_REFERENCE_PREFIX", "MED")
ENQUIRY_REFERENCE_PREFIX = env_str("ENQUIRY_REFERENCE_PREFIX", "ENQ")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    # Before django_tasks_db: its `db_worker` command replaces the package's own, adding the
    # heartbeat and the periodic duties (mediation/ops/worker.py).
    "mediation.ops",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "axes",
    "csp",
    "mediation.common",
    "mediation.accounts",
    "mediation.audit",
    "mediation.authorities",
    "mediation.timeline",
    "mediation.webhooks",
    "mediation.cases",
    "mediation.deadlines",
    "mediation.parties",
    "mediation.workflow",
    "mediation.meetings",
    "mediation.documents",
    "mediation.outcomes",
    "mediation.notifications",
    "mediation.uploads",
    "mediation.portal",
    "mediation.reports",
    "mediation.invoicing",
    "mediation.privacy",
    "mediation.api",
    "mediation.calendar_feeds",
    "mediation.exchange",
    "mediation.feedback",
    "mediation.demo",
    "ninja",  # the API's documentation page (Swagger UI from its own static files, no CDN)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mediation.common.csp.CSPMiddleware",  # django-csp's, the header built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before everything that reads the database: a lost connection is retried once for reads,
    # then answered with a 503 page that still gets the security headers above.
    "mediation.ops.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mediation.accounts.middleware.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # The user and their authenticator device in one query: Django's AuthenticationMiddleware
    # and django-otp's OTPMiddleware together (ADR 0050).
    "mediation.accounts.middleware.SignedInUserMiddleware",
    "mediation.common.middleware.RejectNulCharactersMiddleware",
    "mediation.accounts.middleware.AbsoluteSessionTimeoutMiddleware",
    "mediation.accounts.middleware.RequireTwoFactorMiddleware",
    # One audit event per request: what it showed, or what it refused (ADR 0029).
    "mediation.audit.middleware.ReadAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mediation.common.middleware.NoStoreMiddleware",
    "mediation.api.middleware.ApiCallAuditMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mediation.common.context_processors.service",
            ],
        },
    },
]
# Every Django form renders as GOV.UK Design System markup (templates/govuk/forms/).
FORM_RENDERER = "mediation.common.forms.GovukFormRenderer"

# SQLite is the embedded default; set DATABASE_URL for PostgreSQL (production).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions and a busy timeout let the web server and the task worker write
    # to one SQLite file without "database is locked" errors (docs/development.md, "Quirks of
    # the stack").
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# A read replica for reports (docs/scaling.md): reads inside mediation.common.replica's
# report_reads() go there; everything else stays on "default".
if env_str("DATABASE_REPLICA_URL", "-") != "-":
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"), conn_max_age=60, conn_health_checks=True
    )
    # A replica host that drops packets must not hold a report for TCP's own timeout (minutes):
    # after 3 s the check gives up and the report reads the main database.
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    DATABASE_ROUTERS = ["mediation.common.replica.ReportReplicaRouter"]
# A replica further behind than this (with WAL still to replay) is not read: reports fall back
# to the main database and a warning is logged (mediation/common/replica.py).
DATABASE_REPLICA_MAX_LAG_SECONDS = env_int("DATABASE_REPLICA_MAX_LAG_SECONDS", 30)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
# TOTP: codes from an authenticator app; one step of drift either way; a used code is refused.
OTP_TOTP_ISSUER = "SEND Mediation Case Manager"
OTP_TOTP_THROTTLE_FACTOR = 1
LOGIN_REDIRECT_URL = "cases:my-work"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# Brute-force protection (django-axes 8.3.1; ADR 0006). Ten failures lock the username, and
# separately the client address, whatever the password (Cyber Essentials: at most 10). The lock
# lasts 15 minutes and grows to 4 hours if guessing goes on (mediation.accounts.security); a
# success clears that username's count. The same page is shown for unknown usernames.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked usernames and addresses
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # two separate locks, not a combination
AXES_COOLOFF_TIME = "mediation.accounts.security.axes_cool_off"
AXES_USE_ATTEMPT_EXPIRATION = True  # each record keeps its own expiry, so the tiers do not clash
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "mediation.accounts.security.AxesUsernameResetHandler"
AXES_LOCKOUT_CALLABLE = "mediation.accounts.security.axes_lockout_response"
# Proxies we run in front of the app that append to X-Forwarded-For; 0 means use REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "mediation.accounts.security.axes_client_ip"
AXES_USERNAME_CALLABLE = "mediation.accounts.security.axes_username"
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit log; no second copy of names and IPs

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Sessions: 30 minutes idle, ended when the browser closes. The session row is read in one
# plain query and never written to renew the idle limit: that is counted from a signed "seen"
# cookie the server issues at most once a minute (mediation.accounts.sessions, ADR 0050).
SESSION_ENGINE = "mediation.accounts.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_RENEW_SECONDS = 60
# However active, a session ends this long after sign-in (AbsoluteSessionTimeoutMiddleware).
SESSION_ABSOLUTE_AGE = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
# Retention schedule (docs/security.md, "Privacy"): a closed case's personal details are kept for
# this many years after closing and at least until the child is this old; closed enquiries that
# never became cases for this many years after they came in. A case due for anonymising is listed
# for this many days first, so a manager can place a legal hold.
RETENTION_CASE_YEARS_AFTER_CLOSURE = env_int("RETENTION_CASE_YEARS_AFTER_CLOSURE", 6)
RETENTION_CASE_UNTIL_CHILD_AGE = env_int("RETENTION_CASE_UNTIL_CHILD_AGE", 25)
RETENTION_ENQUIRY_YEARS = env_int("RETENTION_ENQUIRY_YEARS", 3)
RETENTION_NOTICE_DAYS = env_int("RETENTION_NOTICE_DAYS", 14)
# Exports and bulk downloads ask for a fresh authenticator code; it is good for this long.
STEP_UP_SECONDS = env_int("STEP_UP_SECONDS", 5 * 60)
SESSION_SAVE_EVERY_REQUEST = False
# "Saved" and "Sent" messages wait in the server-side session, never in a cookie the browser
# (or anyone reading it) holds (issue 20): Django's default keeps them in a signed, readable one.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading commits every subdomain of the registrable domain to HTTPS in browsers for months,
# so it is the domain owner's decision (ADR 0006), off unless SECURE_HSTS_PRELOAD=true. While it
# is off, check --deploy's reminder W021 is silenced; nothing else is.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Believe X-Forwarded-Proto only behind our own proxy (which must overwrite it); without one a
# client could claim https and get Secure cookies over plain http.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT > 0 else None
if not DEBUG:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Content-Security-Policy (django-csp 4.0; ASVS 3.4.3, 3.4.6, 3.4.7). Only files from this site,
# no inline script or style, no framing; violations are reported to mediation.common.csp.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
        "report-uri": ["/csp-report/"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    # Files sent to the service (mediation.uploads): outside the web root and the static files,
    # never served by URL; only the access-checked download views read them.
    "uploads": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env_str("UPLOAD_ROOT", str(BASE_DIR / "var" / "uploads")),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}


def s3_storage_from_env(setting: str, default_prefix: str, fallback: str = "") -> dict[str, Any]:
    """A private S3 bucket through django-storages, from the SETTING_S3_* variables (each, when
    blank, taken from the same FALLBACK_S3_* variable): never public, encrypted at rest, read
    only through the service's own access-checked views."""

    def value(name: str, default: str = "") -> str:
        found = env_str(f"{setting}_S3_{name}", "")
        if not found and fallback:
            found = env_str(f"{fallback}_S3_{name}", "")
        return found or default

    bucket = value("BUCKET")
    if not bucket:
        raise ImproperlyConfigured(f"{setting}_STORAGE=s3 needs {setting}_S3_BUCKET.")
    encryption = value("SERVER_SIDE_ENCRYPTION", "AES256")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # The prefix is never taken from the fallback: uploads and documents stay apart.
            "location": env_str(f"{setting}_S3_PREFIX", default_prefix),
            "region_name": value("REGION") or None,
            "endpoint_url": value("ENDPOINT_URL") or None,
            "default_acl": None,  # the bucket's own policy: private, no public ACLs
            "file_overwrite": False,
            "querystring_auth": True,
            "object_parameters": (
                {"ServerSideEncryption": encryption} if encryption != "none" else {}
            ),
        },
    }


# UPLOAD_STORAGE=s3 keeps uploads in a private S3 bucket instead (django-storages); credentials
# come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables or the instance role.
UPLOAD_STORAGE = env_str("UPLOAD_STORAGE", "filesystem")
if UPLOAD_STORAGE == "s3":
    STORAGES["uploads"] = s3_storage_from_env("UPLOAD", "uploads")
elif UPLOAD_STORAGE != "filesystem":
    raise ImproperlyConfigured("UPLOAD_STORAGE must be filesystem or s3.")
# Documents the service makes (letters, statements, certificates, invoices, quarterly reports,
# hand-over archives, message attachments): in their database rows by default (DOCUMENT_STORAGE=database), or with
# DOCUMENT_STORAGE=s3 in a private bucket ("documents" storage; DOCUMENT_S3_* variables, each
# blank one taken from UPLOAD_S3_*, the prefix "documents" unless DOCUMENT_S3_PREFIX), so that
# several machines serve them without sharing a disk (ADR 0070, docs/scaling.md).
DOCUMENT_STORAGE = env_str("DOCUMENT_STORAGE", "database")
if DOCUMENT_STORAGE == "s3":
    STORAGES["documents"] = s3_storage_from_env("DOCUMENT", "documents", fallback="UPLOAD")
elif DOCUMENT_STORAGE != "database":
    raise ImproperlyConfigured("DOCUMENT_STORAGE must be database or s3.")
# Backups (`make backup`, mediation/ops/backups.py): archives go to BACKUP_DIR. With
# BACKUP_PUBLIC_KEY (an X25519 public key, PEM text or a file's path, from `manage.py
# backup_keygen`) they are encrypted to it, and only its private key, kept elsewhere, restores
# them. BACKUP_PG_BIN: the directory of pg_dump and pg_restore, if they are not on PATH.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "backups")))
BACKUP_PUBLIC_KEY = env_str("BACKUP_PUBLIC_KEY", "")
BACKUP_PG_BIN = env_str("BACKUP_PG_BIN", "")
# Upload limits in MB: documents and photos, and audio and video (docs/guide/admin-and-deploy.md,
# "Uploads"). UPLOAD_VIRUS_SCANNER is a command that reads the file on standard input (or
# "{path}" in it is replaced by the file's path): exit 0 clean, 1 infected, else error.
UPLOAD_MAX_DOCUMENT_MB = env_int("UPLOAD_MAX_DOCUMENT_MB", 20)
UPLOAD_MAX_MEDIA_MB = env_int("UPLOAD_MAX_MEDIA_MB", 200)
# A .docx is unpacked once before it is kept, and refused if it unpacks to more than this, or
# (beyond 10 MB) to more than this many times its own size, or holds more parts (a "zip bomb").
UPLOAD_MAX_UNPACKED_MB = env_int("UPLOAD_MAX_UNPACKED_MB", 100)
UPLOAD_MAX_PACKING_RATIO = env_int("UPLOAD_MAX_PACKING_RATIO", 100)
UPLOAD_MAX_ARCHIVE_PARTS = env_int("UPLOAD_MAX_ARCHIVE_PARTS", 1000)
# Photos are written again without their metadata; one with more pixels is refused unopened.
UPLOAD_MAX_IMAGE_PIXELS = env_int("UPLOAD_MAX_IMAGE_PIXELS", 50_000_000)
# All the files of one case together (removed ones too: removing hides, it does not delete).
UPLOAD_CASE_QUOTA_MB = env_int("UPLOAD_CASE_QUOTA_MB", 2000)
UPLOAD_VIRUS_SCANNER = env_str("UPLOAD_VIRUS_SCANNER", "")
UPLOAD_VIRUS_SCAN_TIMEOUT = env_int("UPLOAD_VIRUS_SCAN_TIMEOUT", 120)

# Background work: Django's tasks API with a database-backed worker (manage.py db_worker),
# so no extra server is needed. Tasks are enqueued after commit and are idempotent.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The worker reports every OPS_HEARTBEAT_SECONDS; /healthz answers 503 when none has for
# HEALTH_WORKER_STALE_SECONDS or a task has waited HEALTH_QUEUE_STALE_SECONDS to run. The worker
# also sends what is pending (and what a dead worker left) every NOTIFICATIONS_SWEEP_SECONDS.
OPS_HEARTBEAT_SECONDS = env_int("OPS_HEARTBEAT_SECONDS", 5)
HEALTH_WORKER_STALE_SECONDS = env_int("HEALTH_WORKER_STALE_SECONDS", 60)
HEALTH_QUEUE_STALE_SECONDS = env_int("HEALTH_QUEUE_STALE_SECONDS", 300)
NOTIFICATIONS_SWEEP_SECONDS = env_int("NOTIFICATIONS_SWEEP_SECONDS", 60)

# Email: in development every message is kept in the database outbox (/outbox/) as well as
# being handed to this backend; production sets EMAIL_BACKEND=smtp and the EMAIL_* variables.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.locmem.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
if EMAIL_BACKEND == "smtp":
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Optional: an email provider's API through django-anymail (EMAIL_BACKEND=anymail), which also
# reports what happened to each message (delivered, bounced, marked as spam) to the tracking
# webhook at /email/events/, authenticated by ANYMAIL_WEBHOOK_SECRET ("user:password", basic
# auth, as every provider supports). EMAIL_PROVIDER is anymail's name for the provider:
# postmark, sendgrid, mailgun, amazon_ses, brevo, sparkpost... Every environment variable
# ANYMAIL_<NAME> becomes anymail's setting <NAME> (ANYMAIL_POSTMARK_SERVER_TOKEN,
# ANYMAIL_SENDGRID_API_KEY...). SMTP stays the production default. ADR 0040.
EMAIL_PROVIDER = env_str("EMAIL_PROVIDER", "")
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and value
}
if EMAIL_BACKEND == "anymail":
    if not EMAIL_PROVIDER:
        raise ImproperlyConfigured("EMAIL_BACKEND=anymail needs EMAIL_PROVIDER (e.g. postmark).")
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_PROVIDER}.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "casework@example.org")
# Shows the development outbox page; never on in production.
SHOW_DEV_OUTBOX = env_bool("SHOW_DEV_OUTBOX", default=DEBUG)
# A message being sent is taken for lost (its worker died) this long after sending started,
# and sent again; longer than any send takes. A lost database connection while recording that
# a message went is retried for this long first (a PostgreSQL restart), well inside the lease.
NOTIFICATIONS_SENDING_LEASE_SECONDS = env_int("NOTIFICATIONS_SENDING_LEASE_SECONDS", 10 * 60)
NOTIFICATIONS_RECORD_SENT_RETRY_SECONDS = env_int("NOTIFICATIONS_RECORD_SENT_RETRY_SECONDS", 60)
# Keep one-time portal links in the outbox after sending (development demo only).
NOTIFICATIONS_KEEP_SENT_SECRETS = env_bool("NOTIFICATIONS_KEEP_SENT_SECRETS", default=DEBUG)

# Text messages (mediation.notifications.texts): off unless TEXT_BACKEND is "outbox"
# (development: kept in the outbox) or "notify" (GOV.UK Notify, with its API key and an SMS
# template whose whole content is ((body))).
TEXT_BACKEND = env_str("TEXT_BACKEND", "")
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY", "")
NOTIFY_SMS_TEMPLATE_ID = env_str("NOTIFY_SMS_TEMPLATE_ID", "")

# What parties are asked to do and when they are reminded (mediation.portal.to_do, notices):
# answers about offered dates within PARTY_ANSWER_WORKING_DAYS, the LA's attendee, information
# and the child's views PARTY_BEFORE_MEETING_WORKING_DAYS before the meeting, agreement to a
# draft statement within PARTY_AGREE_WORKING_DAYS of sending it. A reminder goes
# PARTY_REMINDER_WORKING_DAYS before each date, and one message once it has passed; the scan
# runs every PARTY_REMINDER_SWEEP_SECONDS beside the task worker.
PARTY_ANSWER_WORKING_DAYS = env_int("PARTY_ANSWER_WORKING_DAYS", 3)
PARTY_BEFORE_MEETING_WORKING_DAYS = env_int("PARTY_BEFORE_MEETING_WORKING_DAYS", 3)
PARTY_AGREE_WORKING_DAYS = env_int("PARTY_AGREE_WORKING_DAYS", 2)
PARTY_REMINDER_WORKING_DAYS = env_int("PARTY_REMINDER_WORKING_DAYS", 2)
PARTY_REMINDER_SWEEP_SECONDS = env_int("PARTY_REMINDER_SWEEP_SECONDS", 3600)

# The portal for families, LAs and others (mediation.portal; ADR 0011). Lifetimes of links.
PORTAL_INVITATION_HOURS = env_int("PORTAL_INVITATION_HOURS", 7 * 24)
PORTAL_SIGN_IN_MINUTES = env_int("PORTAL_SIGN_IN_MINUTES", 15)
PORTAL_CHILD_VIEWS_DAYS = env_int("PORTAL_CHILD_VIEWS_DAYS", 14)
# The end-of-case survey's link (mediation.feedback) works for this many days.
PORTAL_FEEDBACK_DAYS = env_int("PORTAL_FEEDBACK_DAYS", 28)
# "Get a new sign-in link": requests allowed per email address and per client address per hour.
PORTAL_LINK_REQUESTS_PER_ADDRESS = env_int("PORTAL_LINK_REQUESTS_PER_ADDRESS", 3)
PORTAL_LINK_REQUESTS_PER_CLIENT = env_int("PORTAL_LINK_REQUESTS_PER_CLIENT", 20)

# The LA API (mediation.api; docs/api.md, ADR 0027): requests allowed per token in each window
# (answered 429 with Retry-After beyond it), and the longest a token may be made to last.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120)
API_RATE_WINDOW_SECONDS = env_int("API_RATE_WINDOW_SECONDS", 60)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 366)
# Webhooks to the LAs' systems (mediation.webhooks). Each try waits this long for an answer; a
# try whose worker died is taken up again after the lease; a failed try is tried again after
# each wait in turn (30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h), then given up.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_LEASE_SECONDS = env_int("WEBHOOK_LEASE_SECONDS", 120)
WEBHOOK_RETRY_SECONDS = [
    int(seconds)
    for seconds in env_list(
        "WEBHOOK_RETRY_SECONDS", ["30", "120", "600", "1800", "3600", "7200", "14400", "28800"]
    )
]
WEBHOOK_SWEEP_SECONDS = env_int("WEBHOOK_SWEEP_SECONDS", 15)
WEBHOOK_RESPONSE_EXCERPT = 500  # characters of each answer kept in the log
WEBHOOK_KEEP_DAYS = env_int("WEBHOOK_KEEP_DAYS", 90)
WEBHOOK_MAX_ENDPOINTS = env_int("WEBHOOK_MAX_ENDPOINTS", 5)
# Plain http and addresses on local networks, for trying webhooks out on one machine only:
# production sends only to https addresses on the internet (no request into our own network).
WEBHOOK_ALLOW_LOCAL_ADDRESSES = env_bool("WEBHOOK_ALLOW_LOCAL_ADDRESSES", default=DEBUG)
# Calendar feeds (mediation.calendar_feeds): how far back and ahead a feed shows meetings.
CALENDAR_FEED_DAYS_BACK = env_int("CALENDAR_FEED_DAYS_BACK", 60)
CALENDAR_FEED_DAYS_AHEAD = env_int("CALENDAR_FEED_DAYS_AHEAD", 400)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
