"""Response headers that keep personal data out of shared and browser caches (ASVS 14.2.2, 14.3.2),
and refusing NUL characters. The session lifetimes are mediation.accounts.middleware."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render


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
            return render(request, "errors/400.html", status=400)
        return self.get_response(request)


def _has_nul(data: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)
