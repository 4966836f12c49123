"""Content-Security-Policy violation reports (ASVS 3.4.7): logged, never stored; and the
middleware that sets the header, built once (`CSPMiddleware`).

The policy itself is set in config/settings/base.py (CONTENT_SECURITY_POLICY); see
docs/security.md and docs/adr/0006-csp-lockout-and-session-limits.md.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

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
    content_type = (request.content_type or "").lower()
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
# The header, built once
# ---------------------------------------------------------------------------------------------


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """django-csp's middleware, with the policy built once per process instead of on every
    response (ADR 0050): it is the same on every page, since no page uses a nonce or changes the
    policy for itself. A response or request that does (django-csp's decorators, a nonce) takes
    django-csp's own path."""

    _PER_RESPONSE = (
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
    )
    _headers: tuple[str, str] | None = None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in self._PER_RESPONSE
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        headers = self._headers
        if headers is None:
            headers = type(self)._headers = (build_policy(), build_policy(report_only=True))
        policy, report_only = headers
        for header, value, exempt, setting in (
            (HEADER, policy, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (
                HEADER_REPORT_ONLY,
                report_only,
                "_csp_exempt_ro",
                "CONTENT_SECURITY_POLICY_REPORT_ONLY",
            ),
        ):
            if not value or header in response or getattr(response, exempt, False):
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = value
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = csp_middleware.CheckableLazyObject(  # type: ignore[attr-defined]
                self._csp_nonce_post_response
            )
        return response


@receiver(setting_changed)
def _policy_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        CSPMiddleware._headers = None
