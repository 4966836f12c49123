from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.authorities.forms import ContractForm, LocalAuthorityForm, ServiceDetailsForm
from mediation.authorities.models import Contract, LocalAuthority
from mediation.authorities.services import contract_save, local_authority_save, service_details_save
from mediation.common.service_details import service_details_row
from mediation.common.views import manager_view, refusal_shown_on, render_form_page


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


@manager_view
def contract_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    contracts = Contract.objects.select_related("lead").prefetch_related("members")
    return render(request, "authorities/contracts.html", {"contracts": contracts})


@manager_view
@require_http_methods(["GET", "POST"])
def contract_edit(
    request: AuthenticatedHttpRequest, contract_id: int | None = None
) -> HttpResponse:
    contract = get_object_or_404(Contract, pk=contract_id) if contract_id else Contract()
    initial = (
        {
            "name": contract.name,
            "lead": contract.lead_id,
            "members": [member.pk for member in contract.members.all()],
            "starts_on": contract.starts_on,
            "ends_on": contract.ends_on,
        }
        if contract.pk
        else None
    )
    form = ContractForm(
        request.POST if request.method == "POST" else None, initial=initial, contract=contract
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contract.name = data["name"]
        contract.lead = data["lead"]
        contract.starts_on = data["starts_on"]
        contract.ends_on = data.get("ends_on")
        with refusal_shown_on(form, "members"):
            saved = contract_save(
                contract=contract, members=list(data["members"]), by=request.user, request=request
            )
            messages.success(
                request,
                f"Saved the contract “{saved.name}”, led by {saved.lead.name}, with "
                f"{saved.members.count()} local authorities",
            )
            return redirect("manage:contracts")
    return render_form_page(
        request,
        "authorities/contract_form.html",
        {"form": form, "contract": contract},
        invalid=request.method == "POST",
    )
