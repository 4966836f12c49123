"""Manager pages: the retention queue, legal holds, erasure requests and subject access."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from mediation.accounts.step_up import step_up_required
from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.audit.reads import read_listed, read_noted
from mediation.audit.services import audit_record
from mediation.cases.models import Party
from mediation.cases.selectors import access_case
from mediation.common.views import manager_view, render_form_page
from mediation.privacy import services
from mediation.privacy.forms import (
    ErasureDecisionForm,
    ErasureRequestForm,
    LegalHoldForm,
    LegalHoldLiftForm,
    SubjectAccessSearchForm,
)
from mediation.privacy.models import AnonymisedCase, ErasureRequest, LegalHold, RetentionCandidate
from mediation.privacy.subject_access import Person, subject_access_export, subject_access_find

SAR_SESSION_KEY = "subject_access_person"


@manager_view
@require_http_methods(["GET"])
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    notice = timedelta(days=settings.RETENTION_NOTICE_DAYS)
    candidates = RetentionCandidate.objects.select_related("case").order_by("first_listed_on")[:100]
    preview = services.retention_run(dry_run=True) if request.GET.get("preview") else None
    return render(
        request,
        "privacy/overview.html",
        {
            "rules": {
                "years_after_closure": settings.RETENTION_CASE_YEARS_AFTER_CLOSURE,
                "until_child_age": settings.RETENTION_CASE_UNTIL_CHILD_AGE,
                "enquiry_years": settings.RETENTION_ENQUIRY_YEARS,
                "notice_days": settings.RETENTION_NOTICE_DAYS,
            },
            "candidates": [(c, c.first_listed_on + notice) for c in candidates],
            "holds": LegalHold.objects.filter(lifted_at__isnull=True)
            .select_related("case", "placed_by")
            .order_by("-placed_at")[:100],
            "pending": ErasureRequest.objects.filter(
                status=ErasureRequest.Status.PENDING
            ).select_related("case", "requested_by")[:100],
            "recent": AnonymisedCase.objects.select_related("case").order_by("-at")[:20],
            "preview": preview,
        },
    )


@manager_view
@require_http_methods(["GET", "POST"])
def case_privacy(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(user=request.user, reference=reference, request=request)
    parties = list(case.parties.all())
    hold = services.active_hold(case)
    action = request.POST.get("action", "")
    # Prefixes keep the three forms' field ids apart on one page.
    hold_form = LegalHoldForm(request.POST if action == "hold" else None, prefix="hold")
    lift_form = LegalHoldLiftForm(request.POST if action == "lift" else None, prefix="lift")
    erasure_form = ErasureRequestForm(
        request.POST if action == "erase" else None, parties=parties, prefix="erase"
    )
    invalid = False
    if request.method == "POST":
        try:
            if action == "hold" and hold_form.is_valid():
                services.legal_hold_place(
                    case=case,
                    by=request.user,
                    reason=hold_form.cleaned_data["reason"],
                    request=request,
                )
                messages.success(request, "Legal hold placed. Nothing on this case will be removed")
                return redirect("privacy:case", reference=case.reference)
            if action == "lift" and hold is not None and lift_form.is_valid():
                services.legal_hold_lift(
                    hold=hold,
                    by=request.user,
                    reason=lift_form.cleaned_data["lift_reason"],
                    request=request,
                )
                messages.success(request, "Legal hold lifted")
                return redirect("privacy:case", reference=case.reference)
            if action == "erase" and erasure_form.is_valid():
                data = erasure_form.cleaned_data
                services.erasure_request(
                    case=case,
                    by=request.user,
                    scope=data["scope"],
                    party=data.get("party_obj"),
                    reason=data["reason"],
                    request=request,
                )
                messages.success(request, "Erasure requested. Another manager must approve it")
                return redirect("privacy:case", reference=case.reference)
        except services.PrivacyError as refusal:
            messages.error(request, str(refusal))
            return redirect("privacy:case", reference=case.reference)
        invalid = True
    return render_form_page(
        request,
        "privacy/case.html",
        {
            "case": case,
            "hold": hold,
            "hold_form": hold_form,
            "lift_form": lift_form,
            "erasure_form": erasure_form,
            "requests": case.erasure_requests.select_related("requested_by", "decided_by", "party"),
            "anonymised": AnonymisedCase.objects.filter(case=case).first(),
            "form": {"hold": hold_form, "lift": lift_form, "erase": erasure_form}.get(action),
        },
        invalid=invalid,
    )


@manager_view
@step_up_required
@require_http_methods(["GET", "POST"])
def erasure_decide(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    erasure = get_object_or_404(
        ErasureRequest.objects.select_related("case", "requested_by", "party"), pk=request_id
    )
    access_case(user=request.user, reference=erasure.case.reference, request=request)
    read_noted(erasure)
    form = ErasureDecisionForm(request.POST if request.method == "POST" else None)
    own = erasure.requested_by_id == request.user.pk
    if request.method == "POST" and not own and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.erasure_decide(
                erasure=erasure,
                by=request.user,
                approve=approve,
                note=form.cleaned_data["note"],
                request=request,
            )
        except services.PrivacyError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "Erased" if approve else "Request refused")
        return redirect("privacy:case", reference=erasure.case.reference)
    return render_form_page(
        request,
        "privacy/erasure_decide.html",
        {"erasure": erasure, "form": form, "own": own},
        invalid=request.method == "POST",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def subject_access(request: AuthenticatedHttpRequest) -> HttpResponse:
    # The person searched for is kept in the session, not the address bar, so names and email
    # addresses do not end up in browser history or proxy logs.
    form = SubjectAccessSearchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not form.is_valid():
            return render_form_page(
                request, "privacy/subject_access.html", {"form": form}, invalid=True
            )
        request.session[SAR_SESSION_KEY] = {
            "email": form.cleaned_data["email"],
            "name": form.cleaned_data["name"].strip(),
        }
        audit_record(actor=request.user, verb="privacy.subject_access_search", request=request)
        return redirect("privacy:subject-access")
    person_data = request.session.get(SAR_SESSION_KEY)
    found = subject_access_find(Person(**person_data)) if person_data else None
    if found is not None:
        # The people found are read: their ids, never the name or address searched for.
        read_listed(
            [party.pk for party in found.parties],
            model=Party,
            cases=[case.pk for case in found.child_cases],
            enquiries=[enquiry.pk for enquiry in found.enquiries],
        )
    return render(
        request,
        "privacy/subject_access.html",
        {"form": form, "person": person_data, "found": found},
    )


@manager_view
@step_up_required
@require_http_methods(["GET"])
def subject_access_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    person_data = request.session.get(SAR_SESSION_KEY)
    if not person_data:
        return redirect("privacy:subject-access")
    archive = subject_access_export(Person(**person_data))
    audit_record(
        actor=request.user,
        verb="export.subject_access",
        request=request,
        detail={"bytes": len(archive)},
    )
    response = HttpResponse(archive, content_type="application/zip")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{stamp}.zip"'
    return response
