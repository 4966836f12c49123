"""Response headers that keep personal data out of shared and browser caches (ASVS 14.2.2, 14.3.2),
the idle and absolute session lifetimes (ASVS 7.3.1, 7.3.2)."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from mediation.audit.services import audit_record
from mediation.common import security  # also connects security.record_sign_in_time


class NoStoreMiddleware:
    """Every dynamic page says Cache-Control: no-store; static files are served before this."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(), camera=(), microphone=(), payment=()"
        )
        return response


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


class RejectNulCharactersMiddleware:
    """A NUL character has no place in any address or form field, and PostgreSQL refuses to
    store or even compare it (a DataError, so a 500). Refuse such a request plainly, before any
    view looks things up with it. Found by the form fuzzer on PostgreSQL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            "\x00" in request.path
            or _has_nul(request.GET)
            or (
                request.method == "POST"
                and request.content_type
                in ("application/x-www-form-urlencoded", "multipart/form-data")
                and _has_nul(request.POST)
            )
        ):
            from django.shortcuts import render

            return render(request, "errors/400.html", status=400)
        return self.get_response(request)


def _has_nul(data) -> bool:  # type: ignore[no-untyped-def]
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)
