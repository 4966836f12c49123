"""Managers search the audit log and check that nobody has tampered with it.

The pages live here, at the top of the layers, because they show the staff member and the case
reference of each event; the audit app at the bottom keeps the log and its search
(mediation.audit.selectors) and imports neither. URLs: the `audit` namespace (audit_log_urls)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from mediation.audit.selectors import AuditFilters, audit_search
from mediation.audit.services import audit_record, audit_verify_chain
from mediation.cases.models import Case
from mediation.common.pagination import page_number_from, paginate
from mediation.common.views import manager_view, render_form_page
from mediation.privacy.audit_log_forms import AuditSearchForm


@manager_view
@require_http_methods(["GET"])
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    filters = AuditFilters()
    invalid = form.is_bound and not form.is_valid()
    if form.is_bound and not invalid:
        data = form.cleaned_data
        filters = AuditFilters(
            case_id=getattr(form, "case_id", None),
            actor_id=data["user"].pk if data.get("user") else None,
            verb_group=data.get("what") or "",
            on_or_after=data.get("on_or_after"),
            on_or_before=data.get("on_or_before"),
            ip_address=data.get("ip_address") or "",
        )
    page = None
    if not invalid:
        page = paginate(audit_search(filters), number=page_number_from(request.GET.get("page")))
    # Reading the audit log is itself recorded, with the filters used (no personal data in them).
    audit_record(
        actor=request.user,
        verb="audit.search",
        request=request,
        detail={key: str(value) for key, value in filters.__dict__.items() if value},
    )
    references = {}
    if page is not None:
        case_ids = {event.case_id for event in page.items if event.case_id}
        references = dict(Case.objects.filter(id__in=case_ids).values_list("id", "reference"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render_form_page(
        request,
        "audit/audit_log.html",
        {
            "form": form,
            "page": page,
            "references": references,
            "query_string": query_without_page.urlencode(),
        },
        invalid=invalid,
    )


@manager_view
@require_POST
def audit_check(request: HttpRequest) -> HttpResponse:
    broken_at = audit_verify_chain()
    audit_record(
        actor=request.user,
        verb="audit.verify_chain",
        request=request,
        detail={"broken_at": broken_at} if broken_at else {},
    )
    if broken_at is None:
        messages.success(request, "The audit log is whole: no event has been changed or removed")
    else:
        messages.error(
            request,
            f"The audit log has been tampered with at event {broken_at}. Tell your data protection officer",
        )
    return redirect("audit:log")
