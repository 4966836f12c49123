"""The staff pages built on a case's steps and clocks: My work, the team's queue, the case page,
a step, the key dates and opening a case from an enquiry. Each view: parse → access →
permission → one service → redirect. Their URLs are in the cases namespace (config/urls.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.audit.reads import read_listed
from mediation.cases import permissions
from mediation.cases import selectors as case_selectors
from mediation.cases.models import Case, Enquiry
from mediation.cases.tables import case_rows, for_case_table
from mediation.cases.views import can_handle_enquiries
from mediation.common.pagination import page_number_from, paginate
from mediation.common.views import (
    refusal_shown_as_message,
    refusal_shown_on,
    render_form_page,
    staff_view,
)
from mediation.deadlines.clocks import service_calendar
from mediation.deadlines.selectors import next_deadline_views
from mediation.domain.case_states import STEPS, Route, Step
from mediation.domain.progress import stage_now
from mediation.timeline.selectors import case_timeline
from mediation.workflow import selectors, services
from mediation.workflow.forms import KeyDatesForm, OpenCaseForm, StepForm, expected_state_posted


@staff_view()
def my_work(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(
        for_case_table(case_selectors.my_work_for_user(user=request.user)),
        number=page_number_from(request.GET.get("page")),
    )
    read_listed(page.items, model=Case)
    calendar = service_calendar()  # closure days: read once for the page
    return render(
        request,
        "cases/my_work.html",
        {
            "page": page,
            "rows": case_rows(page.items, next_deadline_views(page.items, calendar=calendar)),
            "attention": selectors.my_work_attention(user=request.user, calendar=calendar),
            "failed_deliveries": selectors.my_failed_deliveries(user=request.user),
        },
    )


@staff_view()
def case_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = case_selectors.access_case(
        user=request.user, reference=reference, request=request, related=("enquiry",)
    )
    reads = selectors.case_page_reads(case=case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "reads": reads,
            "parties": reads.parties,
            "timeline": case_timeline(case=case),
            "notes": list(case.notes.select_related("author")[:20]),
            "clocks": reads.clocks,
            "steps": [
                offer
                for offer in selectors.case_steps(
                    case, calendar=reads.calendar, actions=reads.actions
                )
                if permissions.can_take_step(request.user, case, offer.step)
            ],
            "can_assign_mediator": permissions.can_assign_mediator(request.user, case),
            "can_read_mediator_notes": permissions.can_read_mediator_notes(request.user, case),
            "can_link_cases": permissions.can_link_cases(request.user),
            "links": case_selectors.case_links(case=case, user=request.user),
            "failed_deliveries": selectors.failed_deliveries(case_ids=[case.pk]),
            "family_stage": stage_now(selectors.case_progress(case)),
        },
    )


@staff_view(can_handle_enquiries)
@require_http_methods(["GET", "POST"])
def enquiry_open_case(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    enquiry = case_selectors.access_enquiry(user=request.user, reference=reference)
    if enquiry.status != Enquiry.Status.OPEN:
        messages.success(request, "This enquiry has already been dealt with")
        return redirect("enquiries:detail", reference=enquiry.reference)
    form_kwargs: dict[str, Any] = {
        "decision_type": enquiry.decision_type,
        "section_i_only": enquiry.section_i_only,
    }
    if request.method == "POST":
        form = OpenCaseForm(request.POST, **form_kwargs)
        if form.is_valid():
            issues = set(form.cleaned_data["issues"])
            with refusal_shown_on(form):
                case = services.case_open_from_enquiry(
                    enquiry=enquiry,
                    route=Route(form.cleaned_data["route"]),
                    owner=form.cleaned_data["owner"],
                    by=request.user,
                    issue_education="education" in issues,
                    issue_health="health" in issues,
                    issue_social_care="social_care" in issues,
                    request=request,
                )
                messages.success(request, f"Case {case.reference} opened")
                return redirect("cases:detail", reference=case.reference)
        return render_form_page(
            request, "cases/open_case_form.html", {"enquiry": enquiry, "form": form}, invalid=True
        )
    form = OpenCaseForm(initial={"owner": request.user.pk, "issues": ["education"]}, **form_kwargs)
    return render(request, "cases/open_case_form.html", {"enquiry": enquiry, "form": form})


@staff_view()
@require_http_methods(["GET", "POST"])
def key_dates_edit(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = case_selectors.access_case(user=request.user, reference=reference, request=request)
    form = KeyDatesForm(request.POST if request.method == "POST" else None, case=case)
    if request.method == "POST":
        if form.is_valid():
            services.case_key_dates_update(
                case=case, by=request.user, changes=form.changes(), request=request
            )
            messages.success(request, "Dates saved and deadlines worked out again")
            return redirect("cases:detail", reference=case.reference)
        return render_form_page(
            request, "cases/key_dates_form.html", {"case": case, "form": form}, invalid=True
        )
    return render(request, "cases/key_dates_form.html", {"case": case, "form": form})


@staff_view(can_handle_enquiries)
def team_work(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every open case of the service, nearest statutory deadline first."""
    owner = request.GET.get("owner", "")
    cases = case_selectors.team_work_queue(
        user=request.user, owner_id=int(owner) if owner.isdigit() else None
    )
    page = paginate(for_case_table(cases), number=page_number_from(request.GET.get("page")))
    read_listed(page.items, model=Case)
    return render(
        request,
        "cases/team_work.html",
        {
            "page": page,
            "rows": case_rows(page.items, next_deadline_views(page.items)),
            "owners": case_selectors.case_owners(),
            "owner": owner,
            "query_string": f"owner={owner}" if owner else "",
        },
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def case_step(request: AuthenticatedHttpRequest, reference: str, step: str) -> HttpResponse:
    """One step of the workflow: a short form, a confirmation page if it cannot be undone,
    then the change. A step that is not offered now is refused with the reason."""
    case = case_selectors.access_case(user=request.user, reference=reference, request=request)
    try:
        chosen = Step(step)
    except ValueError:
        raise Http404("No such step") from None
    if not permissions.can_take_step(request.user, case, chosen):
        raise PermissionDenied
    offer = next((o for o in selectors.case_steps(case) if o.step == chosen), None)
    spec = STEPS[chosen]
    context = {"case": case, "step": chosen, "spec": spec, "offer": offer}
    if offer is None or offer.blocked_because:
        return render(
            request,
            "cases/step_unavailable.html",
            context,
            status=409 if request.method == "POST" else 200,
        )
    form = StepForm(
        request.POST if request.method == "POST" else None,
        step=chosen,
        case=case,
        initial={"adviser": request.user.pk} if chosen == Step.ISSUE_CERTIFICATE else None,
    )
    context["form"] = form
    if request.method == "GET":
        return render(request, "cases/step_form.html", context)
    if not form.is_valid():
        return render_form_page(request, "cases/step_form.html", context, invalid=True)
    if spec.irreversible and request.POST.get("confirmed") != "yes":
        return render(request, "cases/step_confirm.html", {**context, "answers": _answers(form)})
    with refusal_shown_as_message(request):
        services.case_take_step(
            case=case,
            step=chosen,
            by=request.user,
            data=form.cleaned_data,
            expected_state=expected_state_posted(request),
            request=request,
        )
        messages.success(request, f"Done: {spec.label.lower()}")
    return redirect("cases:detail", reference=case.reference)


def _answers(form: StepForm) -> list[tuple[str, str]]:
    shown = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if hasattr(field, "choices") and not isinstance(value, date) and value is not None:
            value = dict(field.choices).get(value, value)
        shown.append(
            (
                str(field.label),
                value.strftime("%-d %B %Y") if isinstance(value, date) else str(value or ""),
            )
        )
    return shown
