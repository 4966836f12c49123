"""Staff pages for the portal: invite a party, revoke, send a new link, mark a party's request
as dealt with. Case officers, managers and administrators (as for changing parties); a case the
user may not see is a 404 through `access_case`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.cases.models import Case, Party
from mediation.cases.selectors import access_case
from mediation.common.views import (
    refusal_shown_as_message,
    refusal_shown_on,
    render_form_page,
    staff_view,
)
from mediation.parties.permissions import can_change_parties
from mediation.portal import selectors, services
from mediation.portal.forms import InviteForm
from mediation.portal.models import PortalAccess, PortalRequest


def _case(request: AuthenticatedHttpRequest, reference: str) -> Case:
    case = access_case(user=request.user, reference=reference, request=request)
    if not can_change_parties(request.user, case):
        raise PermissionDenied
    return case


def _back(case: Case) -> HttpResponse:
    return redirect(reverse("cases:detail", args=[case.reference]) + "#portal")


@staff_view()
@require_http_methods(["GET", "POST"])
def invite(request: AuthenticatedHttpRequest, reference: str, party_id: int) -> HttpResponse:
    case = _case(request, reference)
    party = Party.objects.filter(case=case, pk=party_id).first()
    if party is None:
        raise Http404("No party found")
    recipients = selectors.child_views_recipients(party)
    kinds = selectors.kinds_for_party(party, helper_has_email=bool(recipients))
    if not kinds:
        raise Http404("No portal access for this party")
    form = InviteForm(
        request.POST if request.method == "POST" else None,
        kinds=kinds,
        recipients=recipients if "child_views" in kinds else [],
    )
    context = {"case": case, "party": party, "form": form}
    if request.method == "GET":
        return render(request, "portal/staff_invite.html", context)
    if not form.is_valid():
        return render_form_page(request, "portal/staff_invite.html", context, invalid=True)
    with refusal_shown_on(form):
        services.access_invite(
            case=case,
            party=party,
            kind=form.cleaned_data["kind"],
            send_to=form.send_to(),
            by=request.user,
            request=request,
        )
        messages.success(request, "Invitation emailed")
        return _back(case)
    return render_form_page(request, "portal/staff_invite.html", context, invalid=True)


def _access(case: Case, access_id: int) -> PortalAccess:
    access = PortalAccess.objects.select_related("party").filter(case=case, pk=access_id).first()
    if access is None:
        raise Http404("No portal access found")
    return access


@staff_view()
@require_POST
def revoke(request: AuthenticatedHttpRequest, reference: str, access_id: int) -> HttpResponse:
    case = _case(request, reference)
    access = _access(case, access_id)
    with refusal_shown_as_message(request):
        services.access_revoke(access=access, by=request.user, request=request)
        messages.success(request, "Portal access revoked")
    return _back(case)


@staff_view()
@require_POST
def new_link(request: AuthenticatedHttpRequest, reference: str, access_id: int) -> HttpResponse:
    case = _case(request, reference)
    access = _access(case, access_id)
    with refusal_shown_as_message(request):
        services.access_new_link(access=access, by=request.user, request=request)
        messages.success(request, "New link emailed")
    return _back(case)


@staff_view()
@require_POST
def request_done(
    request: AuthenticatedHttpRequest, reference: str, portal_request_id: int
) -> HttpResponse:
    case = _case(request, reference)
    portal_request = PortalRequest.objects.filter(case=case, pk=portal_request_id).first()
    if portal_request is None:
        raise Http404("No request found")
    with refusal_shown_as_message(request):
        services.request_dealt_with(portal_request=portal_request, by=request.user, request=request)
        messages.success(request, "Marked as dealt with")
    return _back(case)
