"""Helpers shared by staff views."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from mediation.common.errors import ServiceError


def staff_view(check: Callable[[Any], bool] | None = None) -> Callable[..., Any]:
    """Sign-in required; `check(user)` must also pass (else 403) for role-limited pages."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if check is not None and not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def manager_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A page for managers and administrators only (maintaining the service); others get 403."""
    return staff_view(lambda user: user.can_manage_service)(view)


def render_form_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, invalid: bool = False
) -> HttpResponse:
    """Render a form page; a page redisplayed with errors answers 400, as the form was refused."""
    return render(request, template, context, status=400 if invalid else 200)


@contextmanager
def refusal_shown_on(
    form: forms.BaseForm, field: str | None = None, fields: Mapping[str, str] | None = None
) -> Iterator[None]:
    """Around the service call of a form page: a refusal (ServiceError) goes on the form, next
    to `field` or, with no field, at the top of the error summary. A refusal that names its
    fields (`ServiceError.field_messages`) puts each message next to the form's field for it:
    `fields` maps the service's field names to the form's (a name the form has is used as is).

    The block ends with the page's answer on success (a redirect), so the code after the block
    runs only after a refusal: it shows the form again, with what was typed and the message.
    """
    try:
        yield
    except ServiceError as refusal:
        if not refusal.field_messages:
            form.add_error(field, str(refusal))
            return
        mapping = fields or {}
        for name, message in refusal.field_messages:
            target = mapping.get(name, name if name in form.fields else field)
            if target is not None and target not in form.fields:
                target = None
            if message not in form.errors.get(target or "__all__", []):
                form.add_error(target, message)


@contextmanager
def refusal_shown_as_message(request: HttpRequest) -> Iterator[None]:
    """Around the service call of a button with no form (revoke, send, remove): a refusal
    (ServiceError) becomes an error message on the page the person is sent back to."""
    try:
        yield
    except ServiceError as refusal:
        messages.error(request, str(refusal))
