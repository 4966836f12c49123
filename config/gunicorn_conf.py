"""gunicorn's settings for production: `gunicorn -c config/gunicorn_conf.py config.wsgi:application`.

Each can be overridden on the command line or with GUNICORN_CMD_ARGS. The one thing gunicorn
offers no setting for is its `Server: gunicorn` header, which names the software to anyone who
asks (ASVS 13.4.6, "no version banners"): it is taken out of every response below.
"""

import os
from typing import Any

from gunicorn.http import wsgi

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Behind our TLS-terminating proxy only (TRUSTED_PROXY_COUNT): it sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # the proxy logs requests; addresses and paths stay out of a second log
errorlog = "-"

_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self: Any) -> list[str]:
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


wsgi.Response.default_headers = _default_headers_without_server
