"""Sign-in lockout and the session's start time: the parts of web hardening about signing in.

- The `axes_*` callables configure django-axes (settings AXES_*): the client address, a
  cool-off that grows under continued guessing, the lockout page, and a reset on success
  that clears only the signed-in username's failures.
- `record_sign_in_time` stamps the session at sign-in so that
  `mediation.accounts.middleware.AbsoluteSessionTimeoutMiddleware` can end it 12 hours later.

See docs/security.md and docs/adr/0006-csp-lockout-and-session-limits.md.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

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

from mediation.audit.services import audit_record
from mediation.common.http import client_address

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


@receiver(user_logged_in, dispatch_uid="mediation.accounts.security.record_sign_in_time")
def record_sign_in_time(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session[SIGNED_IN_AT] = now_seconds()
