"""Web hardening that is not a page of its own: CSP reports, sign-in lockout, session start time.

- `csp_report` receives Content-Security-Policy violation reports (ASVS 3.4.7).
- The `axes_*` callables configure django-axes (settings AXES_*): the client address, a
  cool-off that grows under continued guessing, the lockout page, and a reset on success
  that clears only the signed-in username's failures.
- `record_sign_in_time` stamps the session at sign-in so that
  `mediation.common.middleware.AbsoluteSessionTimeoutMiddleware` can end it 12 hours later.

See docs/security.md and docs/adr/0006-csp-lockout-and-session-limits.md.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import threading
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models import Q, QuerySet, Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from mediation.audit.services import audit_record

logger = logging.getLogger("mediation.security")

# ---------------------------------------------------------------------------------------------
# Content-Security-Policy violation reports
# ---------------------------------------------------------------------------------------------

CSP_REPORT_MAX_BYTES = 10 * 1024
CSP_REPORT_CONTENT_TYPES = {
    "application/csp-report",
    "application/json",
    "application/reports+json",
}
# At most this many reports are logged per process per minute; the rest are answered and dropped,
# so a page (or a script) that floods reports cannot flood the logs.
CSP_REPORTS_LOGGED_PER_MINUTE = 60

_DIRECTIVE = re.compile(r"[a-z][a-z-]{0,39}")
_KEYWORD = re.compile(r"[a-z][a-z-]{0,19}")  # "inline", "eval", "data", "self" ...
_HOST = re.compile(r"[a-z0-9.-]{1,253}|\[[0-9a-f:.]{2,45}\]")  # used with fullmatch


class _ReportBudget:
    """A crude per-process limit: a fixed one-minute window with a counter."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._window = 0
        self._used = 0
        self._dropped = 0

    def take(self) -> tuple[bool, int]:
        """(allowed, reports dropped in the previous window if this one just started)."""
        window = int(time.monotonic() // 60)
        with self._lock:
            dropped_before = 0
            if window != self._window:
                dropped_before = self._dropped
                self._window, self._used, self._dropped = window, 0, 0
            if self._used >= self.per_minute:
                self._dropped += 1
                return False, dropped_before
            self._used += 1
            return True, dropped_before


_report_budget = _ReportBudget(CSP_REPORTS_LOGGED_PER_MINUTE)


def _violations(payload: Any) -> list[dict[str, Any]]:
    """The report bodies from either format: report-uri ({"csp-report": {...}}) or Reporting API."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        return [payload["csp-report"]]
    if isinstance(payload, list):
        return [
            item["body"]
            for item in payload[:20]
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(item.get("body"), dict)
        ]
    return []


def _directive(report: dict[str, Any]) -> str:
    for key in ("effective-directive", "effectiveDirective", "violated-directive"):
        value = report.get(key)
        if isinstance(value, str) and value:
            name = value.split(" ", 1)[0].strip().lower()
            return name if _DIRECTIVE.fullmatch(name) else "unrecognised"
    return "unknown"


def _blocked_host(report: dict[str, Any]) -> str:
    """Only the host (or a keyword such as "inline"): paths and queries can carry personal data."""
    value = report.get("blocked-uri", report.get("blockedURL"))
    if not isinstance(value, str) or not value:
        return "none"
    value = value.strip().lower()
    if _KEYWORD.fullmatch(value):
        return value
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        return "unparseable"
    if parts.scheme in {"data", "blob", "about"}:
        return parts.scheme
    if not host:
        return "unparseable"
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return host if _HOST.fullmatch(host) else "unparseable"


@csrf_exempt  # browsers send reports without a CSRF token; nothing is changed or stored
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Accept a CSP violation report and log the directive and blocked host; store nothing."""
    content_type = request.content_type.lower()
    if content_type not in CSP_REPORT_CONTENT_TYPES:
        return HttpResponse(status=415)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return HttpResponse(status=400)
    if declared > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    body = request.read(CSP_REPORT_MAX_BYTES + 1)
    if len(body) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponse(status=400)
    reports = _violations(payload)
    if not reports:
        return HttpResponse(status=400)
    for report in reports:
        allowed, dropped = _report_budget.take()
        if dropped:
            logger.warning("CSP reports: %d not logged in the previous minute (limit)", dropped)
        if allowed:
            logger.warning(
                "CSP violation: directive=%s blocked=%s", _directive(report), _blocked_host(report)
            )
    return HttpResponse(status=204)


# ---------------------------------------------------------------------------------------------
# Sign-in lockout (django-axes 8.3.1)
# ---------------------------------------------------------------------------------------------

# The first lockout lasts 15 minutes. Every failed attempt while locked is still counted and
# restarts the wait (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), and the wait grows with the
# failures recorded for the username or the address: someone who keeps guessing waits longer.
# A person who waits it out starts again from 15 minutes. Highest threshold first.
AXES_BASE_COOL_OFF = timedelta(minutes=15)
AXES_COOL_OFF_TIERS: tuple[tuple[int, timedelta], ...] = (
    (50, timedelta(hours=4)),
    (40, timedelta(hours=2)),
    (30, timedelta(hours=1)),
    (20, timedelta(minutes=30)),
)


def axes_client_ip(request: HttpRequest) -> str | None:
    """The client address for lockout (AXES_CLIENT_IP_CALLABLE): see client_address."""
    return client_address(request)


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


# No account has a longer username (Django's limit); axes stores it in a 255-character column, so
# a longer guess is cut here rather than failing on PostgreSQL (found by the form fuzzer).
USERNAME_MAX = 150


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The username a sign-in attempt is counted against (AXES_USERNAME_CALLABLE)."""
    field = str(getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"))
    value = (credentials or {}).get(field)
    if value is None and request is not None and request.method == "POST":
        value = request.POST.get(field)
    return value.strip()[:USERNAME_MAX] if isinstance(value, str) else None


def _posted_username(request: HttpRequest) -> str | None:
    return axes_username(request)


def _recorded_failures(request: HttpRequest) -> int:
    """Unexpired failures recorded for this username, or for this address, whichever is more."""
    live = _live(AccessAttempt.objects.all())
    username = _posted_username(request)
    address = getattr(request, "axes_ip_address", None) or axes_client_ip(request)
    totals = [
        live.filter(**{field: value}).aggregate(total=Sum("failures_since_start"))["total"] or 0
        for field, value in (("username", username), ("ip_address", address))
        if value
    ]
    return max(totals, default=0)


def axes_cool_off(request: HttpRequest | None = None) -> timedelta:
    """AXES_COOLOFF_TIME: how long failures count and a lockout lasts, for this client."""
    if request is None:
        return AXES_BASE_COOL_OFF
    failures = _recorded_failures(request)
    for threshold, period in AXES_COOL_OFF_TIERS:
        if failures >= threshold:
            return period
    return AXES_BASE_COOL_OFF


def _in_words(period: timedelta) -> str:
    minutes = int(period.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


def axes_lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the same page whether or not the username exists (status 429)."""
    audit_record(actor=None, verb="auth.locked_out", request=request)
    context = {"wait": _in_words(axes_cool_off(request))}
    return render(request, "accounts/locked_out.html", context, status=429)


def _live(attempts: QuerySet[AccessAttempt]) -> QuerySet[AccessAttempt]:
    """Failure records whose own expiry has not passed (each one's expiry is set by its tier)."""
    now = timezone.now()
    return attempts.filter(
        Q(expiration__expires_at__gt=now)
        | Q(expiration__isnull=True, attempt_time__gt=now - AXES_BASE_COOL_OFF)
    )


class AxesUsernameResetHandler(AxesDatabaseHandler):
    """AXES_HANDLER: the stock database handler with two changes.

    - Failures count while their record has not expired. Each record's expiry is its last
      failure plus the cool-off in force then (axes_cool_off), so a wait that has grown is kept
      even after the failures that made it grow have themselves expired.
    - A successful sign-in clears that username's failures and no others. The stock handler
      also deletes every failure from the same address, so someone with one working account
      could sign in between guesses and wipe the count on another username.
    """

    def get_user_attempts(
        self, request: HttpRequest, credentials: dict | None = None
    ) -> list[QuerySet[AccessAttempt]]:
        return [_live(attempts) for attempts in self.filter_user_attempts(request, credentials)]

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


# ---------------------------------------------------------------------------------------------
# Absolute session lifetime
# ---------------------------------------------------------------------------------------------

SIGNED_IN_AT = "signed_in_at"  # session key: whole seconds since the epoch, UTC


def now_seconds() -> int:
    return int(timezone.now().timestamp())


@receiver(user_logged_in, dispatch_uid="mediation.common.security.record_sign_in_time")
def record_sign_in_time(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session[SIGNED_IN_AT] = now_seconds()
