from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.authorities.forms import LocalAuthorityForm, ServiceDetailsForm
from mediation.authorities.models import LocalAuthority
from mediation.authorities.services import local_authority_save, service_details_save
from mediation.common.service_details import service_details_row
from mediation.common.views import manager_view, render_form_page


@manager_view
def manage_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "manage/home.html")


@manager_view
def authority_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "authorities/list.html", {"authorities": LocalAuthority.objects.all()})


@manager_view
@require_http_methods(["GET", "POST"])
def authority_edit(
    request: AuthenticatedHttpRequest, authority_id: int | None = None
) -> HttpResponse:
    instance = (
        get_object_or_404(LocalAuthority, pk=authority_id) if authority_id else LocalAuthority()
    )
    form = LocalAuthorityForm(request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            authority = local_authority_save(
                authority=form.save(commit=False), by=request.user, request=request
            )
            messages.success(request, f"Saved {authority.name}")
            return redirect("manage:authorities")
        return render_form_page(
            request, "authorities/form.html", {"form": form, "editing": instance}, invalid=True
        )
    return render(request, "authorities/form.html", {"form": form, "editing": instance})


@manager_view
@require_http_methods(["GET", "POST"])
def service_details(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The service's name, phone number, opening hours, email and postal address: shown in
    every page footer, email and letter that says how to reach us."""
    form = ServiceDetailsForm(
        request.POST if request.method == "POST" else None, instance=service_details_row()
    )
    if request.method == "POST":
        if form.is_valid():
            service_details_save(details=form.save(commit=False), by=request.user, request=request)
            messages.success(
                request, "Service details saved. New emails, letters and pages show them."
            )
            return redirect("manage:home")
        return render_form_page(
            request, "manage/service_details.html", {"form": form}, invalid=True
        )
    return render(request, "manage/service_details.html", {"form": form})
