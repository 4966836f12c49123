"""Settings for `make bench` only: production settings, served over plain HTTP on 127.0.0.1.

Refuses to load unless MEDIATION_BENCH=1 is set (bench/run.py sets it), so it can never be
picked by mistake for a real deployment. What differs from production, and why:

- SECURE_SSL_REDIRECT is off: the benchmark talks to gunicorn directly over HTTP on
  127.0.0.1, with no TLS-terminating proxy in front (in production the proxy does TLS, and
  the redirect stays on). Secure cookies, HSTS and every other header are as in production.
- ALLOWED_HOSTS is 127.0.0.1 and localhost.
- Two bench-only pages are added (config/bench_urls.py): /bench/floor/, a bare Django view
  answering "ok", and /bench/template/, a GOV.UK page rendered from base.html with no database
  query. They measure the framework's floor through the same middleware.
- `manage.py bench_session` works (it refuses under any other settings): it makes signed-in,
  second-factor-verified sessions for the load tool.
- No email leaves the machine (locmem backend); the measured pages send none anyway.

Everything else (DEBUG off, whitenoise with compressed, hashed static files from collectstatic,
sessions in the database renewed once a minute, the audit of every case read, django-axes,
CSP) is production's.
"""

import os

from django.core.exceptions import ImproperlyConfigured

if os.environ.get("MEDIATION_BENCH") != "1":
    raise ImproperlyConfigured(
        "config.settings.bench is for the benchmark only: set MEDIATION_BENCH=1 (bench/run.py "
        "does) or use production settings."
    )

os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ["SECURE_SSL_REDIRECT"] = "false"
# A fixed key, published here: the benchmark's throwaway database is sealed under it.
os.environ.setdefault("AUDIT_HMAC_KEYS", "bench=bench-only-audit-key-not-secret-0123456789abcdef")

from config.settings.base import *  # noqa: E402,F403

BENCH = True
ROOT_URLCONF = "config.bench_urls"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
