"""Every staff page needs the second factor, not only the password (ASVS 6.3.3; docs/security.md row 1)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

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
