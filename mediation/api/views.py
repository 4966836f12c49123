"""Manage → API access: tokens and webhook endpoints of each LA's system (managers only).

A new token or endpoint secret is shown once, on the page that answers the form (it is never
stored readable: the token only as its hash, the secret encrypted to sign deliveries)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.authorities.models import LocalAuthority
from mediation.common.views import (
    manager_view,
    refusal_shown_as_message,
    refusal_shown_on,
    render_form_page,
)
from mediation.webhooks.models import WebhookEndpoint
from mediation.webhooks.selectors import recent_attempts, waiting_count
from mediation.webhooks.services import endpoint_register, endpoint_remove

from . import selectors, services
from .forms import EndpointForm, TokenForm
from .models import ApiToken


@manager_view
def access_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "api/access_home.html", {"rows": selectors.authorities_with_access()})


@manager_view
def authority_access(request: AuthenticatedHttpRequest, authority_id: int) -> HttpResponse:
    authority = get_object_or_404(LocalAuthority, pk=authority_id)
    return render(
        request,
        "api/authority_access.html",
        {
            "authority": authority,
            "tokens": selectors.tokens_of(authority),
            "endpoints": selectors.endpoints_of(authority),
            "now": timezone.now(),
            "api_base": f"{settings.SITE_URL}/api/v1/",
        },
    )


@manager_view
@require_http_methods(["GET", "POST"])
def token_new(request: AuthenticatedHttpRequest, authority_id: int) -> HttpResponse:
    authority = get_object_or_404(LocalAuthority, pk=authority_id)
    form = TokenForm(
        request.POST if request.method == "POST" else None,
        initial={"expires_on": timezone.localdate() + timedelta(days=365)},
    )
    context = {"authority": authority, "form": form}
    if request.method == "POST":
        if form.is_valid():
            with refusal_shown_on(form):
                made = services.token_create(
                    authority=authority,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_on=form.cleaned_data["expires_on"],
                    by=request.user,
                    request=request,
                )
                return render(
                    request,
                    "api/token_made.html",
                    {"authority": authority, "token": made.token, "secret": made.secret},
                )
        return render_form_page(request, "api/token_form.html", context, invalid=True)
    return render(request, "api/token_form.html", context)


@manager_view
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id)
    with refusal_shown_as_message(request):
        services.token_revoke(token=token, by=request.user, request=request)
        messages.success(request, f"Token \u201c{token.name}\u201d revoked: it no longer works")
    return redirect("api_access:authority", authority_id=token.local_authority_id)


@manager_view
@require_http_methods(["GET", "POST"])
def endpoint_new(request: AuthenticatedHttpRequest, authority_id: int) -> HttpResponse:
    authority = get_object_or_404(LocalAuthority, pk=authority_id)
    form = EndpointForm(request.POST if request.method == "POST" else None)
    context = {"authority": authority, "form": form}
    if request.method == "POST":
        if form.is_valid():
            with refusal_shown_on(form, "url"):
                made = endpoint_register(
                    authority=authority,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    description=form.cleaned_data["description"],
                    by=request.user,
                    request=request,
                )
                return render(
                    request,
                    "api/endpoint_made.html",
                    {"authority": authority, "endpoint": made.endpoint, "secret": made.secret},
                )
        return render_form_page(request, "api/endpoint_form.html", context, invalid=True)
    return render(request, "api/endpoint_form.html", context)


@manager_view
def endpoint_detail(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(
        WebhookEndpoint.objects.select_related("local_authority"), pk=endpoint_id
    )
    return render(
        request,
        "api/endpoint_detail.html",
        {
            "endpoint": endpoint,
            "attempts": recent_attempts(endpoint),
            "waiting": waiting_count(endpoint),
        },
    )


@manager_view
@require_POST
def endpoint_remove_view(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id)
    with refusal_shown_as_message(request):
        endpoint_remove(endpoint=endpoint, by=request.user, request=request)
        messages.success(request, "Endpoint removed: nothing more is sent to it")
    return redirect("api_access:authority", authority_id=endpoint.local_authority_id)
