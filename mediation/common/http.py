"""Facts about an HTTP request that several apps need."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's address, for lockout, rate limits and the audit log.

    REMOTE_ADDR unless settings.TRUSTED_PROXY_COUNT (environment variable) says that many
    proxies we run append to X-Forwarded-For; then the entry that the outermost of them
    appended. Anything to the left of it was written by the client and is ignored, so a forged
    header cannot move the count to another address. django-ipware is not installed, so axes'
    own AXES_IPWARE_* settings would have no effect.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [part for part in chain if part]
    if len(chain) < proxies:
        return remote  # the proxies did not add what they should: do not trust the header
    candidate = chain[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
