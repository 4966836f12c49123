"""Managers search the audit log and check that nobody has tampered with it.

The pages live here, at the top of the layers, because they show the staff member and the case
reference of each event; the audit app at the bottom keeps the log and its search
(mediation.audit.selectors) and imports neither. URLs: the `audit` namespace (audit_log_urls)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.audit.models import AuditSeal
from mediation.audit.selectors import AuditFilters, audit_search
from mediation.audit.services import audit_record, audit_seal_pending
from mediation.audit.verification import audit_verify
from mediation.cases.models import Case
from mediation.common.pagination import page_number_from, paginate
from mediation.common.views import manager_view, render_form_page
from mediation.privacy.audit_log_forms import AuditSearchForm


@manager_view
@require_http_methods(["GET"])
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
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
        # Seal what is waiting first, without waiting on a sealer already at work; anything
        # left is shown as not yet sealed.
        audit_seal_pending(wait=False)
        page = paginate(audit_search(filters), number=page_number_from(request.GET.get("page")))
    # Reading the audit log is itself recorded, with the filters used (no personal data in them).
    audit_record(
        actor=request.user,
        verb="audit.search",
        request=request,
        detail={key: str(value) for key, value in filters.__dict__.items() if value},
    )
    references = {}
    unsealed: set[int] = set()
    if page is not None:
        case_ids = {event.case_id for event in page.items if event.case_id}
        references = dict(Case.objects.filter(id__in=case_ids).values_list("id", "reference"))
        event_ids = [event.pk for event in page.items]
        unsealed = set(event_ids) - set(
            AuditSeal.objects.filter(event_id__in=event_ids).values_list("event_id", flat=True)
        )
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render_form_page(
        request,
        "audit/audit_log.html",
        {
            "form": form,
            "page": page,
            "references": references,
            "unsealed": unsealed,
            "checkpoint_minutes": settings.AUDIT_CHECKPOINT_MINUTES,
            "query_string": query_without_page.urlencode(),
        },
        invalid=invalid,
    )


@manager_view
@require_POST
def audit_check(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The same check as `manage.py audit_verify`: the chain, every event and the checkpoints."""
    check = audit_verify()
    audit_record(
        actor=request.user,
        verb="audit.verify_chain",
        request=request,
        detail={"broken_at": check.first_bad_event_id} if not check.whole else {},
    )
    if check.whole:
        messages.success(request, check.summary())
    else:
        messages.error(request, f"{check.summary()}. Tell your data protection officer today")
    return redirect("audit:log")
