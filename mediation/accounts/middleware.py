"""Signed-in sessions: every staff page needs the second factor, not only the password (ASVS
6.3.3; docs/security.md row 1), and a session ends when idle for 30 minutes or 12 hours after
signing in (ASVS 7.3.1, 7.3.2)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from mediation.accounts import security
from mediation.audit.services import audit_record

# Pages a signed-in but not yet verified user may reach: the code steps and signing out.
_OPEN_PATHS = ("accounts:two-factor", "accounts:two-factor-setup", "accounts:sign-out")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            open_paths = {reverse(name) for name in _OPEN_PATHS}
            if request.path not in open_paths and not request.path.startswith("/static/"):
                return redirect("accounts:two-factor")
        return self.get_response(request)


RENEWED_AT = "renewed_at"  # session key: when the idle limit was last pushed back, epoch seconds


class IdleSessionRenewalMiddleware:
    """Push a session's idle limit back at most once a minute, instead of writing the session
    row on every request (ADR 0018).

    The server-side expiry (`expire_date`, SESSION_COOKIE_AGE after the last save) is what
    ends an idle session; the cookie itself lasts until the browser closes. Saving it on every
    request (SESSION_SAVE_EVERY_REQUEST) cost three database round trips per page. Renewing
    once SESSION_RENEW_SECONDS have passed means a session left alone ends between 29 and 30
    minutes after its last request rather than exactly 30: never later than the limit.
    Empty sessions (a visitor who never signed in) are not saved, as before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = security.now_seconds()
            renewed_at = session.get(RENEWED_AT)
            if (
                not isinstance(renewed_at, int)
                or now - renewed_at >= settings.SESSION_RENEW_SECONDS
            ):
                session[RENEWED_AT] = now  # marks it modified: SessionMiddleware saves it
        return response


class AbsoluteSessionTimeoutMiddleware:
    """Sign a user out 12 hours after they signed in, however active (ASVS 7.3.2, 4.0.3 V3.3.2).

    The 30-minute idle limit is Django's own expiry (SESSION_COOKIE_AGE), renewed by
    IdleSessionRenewalMiddleware; this adds the absolute one. The sign-in time is written by
    security.record_sign_in_time. A signed-in session without it (one that began before this
    check existed) is given the current time, so it too ends within SESSION_ABSOLUTE_AGE.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            now = security.now_seconds()
            signed_in_at = session.get(security.SIGNED_IN_AT)
            if not isinstance(signed_in_at, int):
                session[security.SIGNED_IN_AT] = now
            elif now - signed_in_at >= settings.SESSION_ABSOLUTE_AGE:
                audit_record(actor=request.user, verb="auth.session_expired", request=request)
                logout(request)
                if request.method in ("GET", "HEAD"):
                    return redirect_to_login(request.get_full_path())
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)
