"""Helpers shared by staff views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def staff_view(check: Callable[[Any], bool] | None = None) -> Callable[..., Any]:
    """Sign-in required; `check(user)` must also pass (else 403) for role-limited pages."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if check is not None and not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def manager_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for managers and administrators only (maintaining the service); others get 403."""
    return staff_view(lambda user: user.can_manage_service)(view)


def render_form_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, invalid: bool = False
) -> HttpResponse:
    """Render a form page; a page redisplayed with errors answers 400, as the form was refused."""
    return render(request, template, context, status=400 if invalid else 200)
