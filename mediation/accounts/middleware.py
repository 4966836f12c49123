"""Signed-in sessions: every staff page needs the second factor, not only the password (ASVS
6.3.3; docs/security.md row 1), and a session ends when idle for 30 minutes or 12 hours after
signing in (ASVS 7.3.1, 7.3.2)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Literal

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from mediation.accounts import security, sessions
from mediation.accounts.signed_in import signed_in_user
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


class IdleSessionMiddleware:
    """End a session idle for SESSION_COOKIE_AGE (30 minutes), without writing on every request
    (ADR 0050, which replaces ADR 0018's renewal once a minute).

    A session was last seen at the later of its last save (`seen_at`) and the time in its
    signed *seen* cookie (mediation.accounts.sessions). Before anything reads the session, one
    idle for too long is swapped for a new, empty one: nobody is signed in, and the browser's
    cookies are cleared in the response. After the view, a session still in use gets a fresh
    stamp when its own is missing, names another session key (a new key at sign-in or a
    change of privilege) or is SESSION_RENEW_SECONDS (60) old: a session left alone ends
    between 29 and 30 minutes after its last request, never later. Nothing is written to the
    database. Empty sessions (a visitor who never signed in) get no stamp.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if sessions.__name__ != settings.SESSION_ENGINE:
            raise ImproperlyConfigured(
                f"IdleSessionMiddleware needs SESSION_ENGINE = {sessions.__name__!r}."
            )
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = seen_cookie_name()
        stamp = request.COOKIES.get(name)
        session = getattr(request, "session", None)
        now = sessions.now_seconds()
        stamped_key, stamped_at = None, None
        # session.keys() loads the session (every later reader needs it anyway).
        if (
            isinstance(session, sessions.SessionStore)
            and session.session_key is not None
            and session.keys()
        ):
            seen = session.last_seen(stamp)
            if seen is None or now - seen >= settings.SESSION_COOKIE_AGE:
                request.session = session = type(session)()  # idle: signed out
            else:
                stamped_key = session.session_key
                stamped_at = sessions.seen_stamp_time(stamp, stamped_key)
        response = self.get_response(request)
        session = getattr(request, "session", None)
        key = session.session_key if session is not None else None
        if session is None or key is None or not session.keys():
            if stamp is not None:
                response.delete_cookie(
                    name,
                    path=settings.SESSION_COOKIE_PATH,
                    domain=settings.SESSION_COOKIE_DOMAIN,
                    samesite=_samesite(),
                )
            return response
        if (
            key != stamped_key
            or stamped_at is None
            or now - stamped_at >= settings.SESSION_RENEW_SECONDS
        ):
            response.set_cookie(
                name,
                sessions.seen_stamp(key, now),
                domain=settings.SESSION_COOKIE_DOMAIN,
                path=settings.SESSION_COOKIE_PATH,
                secure=bool(settings.SESSION_COOKIE_SECURE),
                httponly=True,
                samesite=_samesite(),
            )
        return response


_SameSite = Literal["Lax", "Strict", "None", False] | None
_SAMESITE_VALUES: tuple[_SameSite, ...] = ("Lax", "Strict", "None", False, None)


def _samesite() -> _SameSite:
    """The session cookie's SameSite, for the seen cookie too."""
    value = settings.SESSION_COOKIE_SAMESITE
    for allowed in _SAMESITE_VALUES:
        if value == allowed:
            return allowed
    raise ImproperlyConfigured(f"SESSION_COOKIE_SAMESITE cannot be {value!r}.")


def seen_cookie_name() -> str:
    """The *seen* cookie is named after the session cookie ("__Host-sessionid-seen" in
    production), so it follows the same rules (Secure, whole site, no domain)."""
    return f"{settings.SESSION_COOKIE_NAME}-seen"


class SignedInUserMiddleware(AuthenticationMiddleware):
    """`request.user`, with django-otp's `otp_device` and `is_verified()`: what Django's
    AuthenticationMiddleware and django-otp's OTPMiddleware did together, in one query
    (mediation.accounts.signed_in). A subclass, so Django's admin finds its middleware."""

    def process_request(self, request: HttpRequest) -> None:
        if not hasattr(request, "session"):
            raise ImproperlyConfigured("SignedInUserMiddleware needs SessionMiddleware before it.")
        # A lazy object standing in for the user, as Django's own middleware sets.
        request.user = SimpleLazyObject(lambda: _cached_user(request))  # type: ignore[assignment]
        request.auser = functools.partial(_auser, request)


def _cached_user(request: HttpRequest) -> Any:
    if not hasattr(request, "_cached_user"):
        request._cached_user = signed_in_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


async def _auser(request: HttpRequest) -> Any:
    return await sync_to_async(_cached_user)(request)


class AbsoluteSessionTimeoutMiddleware:
    """Sign a user out 12 hours after they signed in, however active (ASVS 7.3.2, 4.0.3 V3.3.2).

    The 30-minute idle limit is IdleSessionMiddleware's; this adds the absolute one. The sign-in time is written by
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
