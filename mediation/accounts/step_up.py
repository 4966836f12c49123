"""Step-up: exports and bulk downloads need a fresh code from the authenticator app.

A signed-in session is not enough to take data out in bulk (ASVS 7.5.3, docs/security.md:
exports and bulk downloads need the second factor again). A fresh code is good for a few minutes,
so a manager downloading several files in a row is asked once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from mediation.accounts import two_factor as two_factor_devices
from mediation.accounts.forms import TwoFactorCodeForm
from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.audit.services import audit_record
from mediation.common.views import render_form_page

SESSION_KEY = "step_up_verified_at"


def step_up_seconds() -> int:
    return getattr(settings, "STEP_UP_SECONDS", 5 * 60)


def step_up_is_fresh(request: HttpRequest) -> bool:
    verified_at = request.session.get(SESSION_KEY)
    return verified_at is not None and 0 <= time.time() - verified_at < step_up_seconds()


def step_up_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap an export view: without a fresh code, ask for one and come back to the same URL."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated or step_up_is_fresh(request):
            # Anonymous users fall through to the view's own sign-in check.
            return view(request, *args, **kwargs)
        audit_record(
            actor=request.user,
            verb="auth.step_up_asked",
            request=request,
            detail={"path": request.path},
        )
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:step-up')}?{query}")

    return wrapped


@login_required
@require_http_methods(["GET", "POST"])
def step_up(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for a new code before an export; on success go back to the export."""
    device = two_factor_devices.confirmed_device(request.user)
    if device is None:
        return redirect("accounts:two-factor-setup")
    target = _safe_next(request)
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None, device=device)
    context = {"form": form, "next": target, "minutes": step_up_seconds() // 60}
    if request.method == "POST":
        if form.is_valid():
            request.session[SESSION_KEY] = time.time()
            request.session.cycle_key()  # a new session id for the session that may now export
            audit_record(actor=request.user, verb="auth.step_up_verified", request=request)
            return redirect(target)
        audit_record(actor=request.user, verb="auth.step_up_failed", request=request)
        return render_form_page(request, "accounts/step_up.html", context, invalid=True)
    return render(request, "accounts/step_up.html", context)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("cases:my-work")
