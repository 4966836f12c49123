"""The staff pages built on a case's steps and clocks: My work, the team's queue, the case page,
a step, the key dates and opening a case from an enquiry. Each view: parse → access →
permission → one service → redirect. Their URLs are in the cases namespace (config/urls.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mediation.accounts.models import User
from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.audit.reads import read_listed
from mediation.cases import permissions
from mediation.cases import selectors as case_selectors
from mediation.cases.models import Case, Enquiry
from mediation.cases.tables import case_rows, for_case_table
from mediation.cases.views import can_handle_enquiries
from mediation.common.pagination import page_number_from, paginate
from mediation.common.views import refusal_shown_on, render_form_page, staff_view
from mediation.common.words import lower_first
from mediation.deadlines.clocks import service_calendar
from mediation.deadlines.selectors import (
    SHORT_NOTICE_LABEL,
    SHORT_NOTICE_STATUS,
    next_deadline_views,
)
from mediation.domain.case_states import STEPS, Route, Step
from mediation.domain.dates import format_day_long
from mediation.domain.progress import stage_now
from mediation.timeline.selectors import case_timeline
from mediation.workflow import selectors, services
from mediation.workflow.forms import (
    CONFIRM_WARNINGS,
    KeyDatesForm,
    OpenCaseForm,
    StepForm,
    expected_state_posted,
)
from mediation.workflow.services import FLAG_LABELS, KEY_DATE_LABELS


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
        user=request.user,
        reference=reference,
        request=request,
        related=("enquiry", "certificate_issued_by"),  # both shown in the case's summary
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
            "short_notice_label": SHORT_NOTICE_LABEL,
            "short_notice_status": SHORT_NOTICE_STATUS,
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
            "failed_deliveries": selectors.failed_deliveries(
                case_ids=[case.pk], parties_of_case=(case, reads.parties)
            ),
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
            changed = form.changed_values()
            with refusal_shown_on(form):
                services.case_key_dates_update(
                    case=case, by=request.user, changes=changed, request=request
                )
                messages.success(request, _saved_words(changed))
                return redirect("cases:detail", reference=case.reference)
        return render_form_page(
            request, "cases/key_dates_form.html", {"case": case, "form": form}, invalid=True
        )
    return render(request, "cases/key_dates_form.html", {"case": case, "form": form})


def _saved_words(changed: dict[str, object]) -> str:
    """What the key dates page saved, in words: "Nothing was changed" when nothing was."""
    if not changed:
        return "Nothing was changed"
    labels = [
        KEY_DATE_LABELS.get(name) or FLAG_LABELS.get(name, (name,))[0]
        for name in changed
        if not name.startswith("issue_")
    ]
    if any(name.startswith("issue_") for name in changed):
        labels.append("The issues")
    listed = ", ".join(lower_first(label) for label in labels)
    return f"Saved: {listed[0].upper() + listed[1:]}. The deadlines were worked out again"


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


def _pending_key(case_pk: int, step: Step) -> str:
    return f"pending-step:{case_pk}:{step.value}"


def _pending_answers(request: HttpRequest, case_pk: int, step: Step) -> QueryDict | None:
    """The answers given on a step's form and kept while its confirmation page is shown."""
    kept = request.session.get(_pending_key(case_pk, step))
    if not isinstance(kept, dict):
        return None
    answers = QueryDict(mutable=True)
    for name, values in kept.items():
        answers.setlist(name, [str(value) for value in values])
    return answers


# Steps taken on the meeting page (meetings services), never through the step form.
MEETING_PAGE_STEPS = {Step.BOOK_MEETING: "meetings:slots", Step.CANCEL_MEETING: "meetings:detail"}


@staff_view()
@require_http_methods(["GET", "POST"])
def case_step(request: AuthenticatedHttpRequest, reference: str, step: str) -> HttpResponse:
    """One step of the workflow: a short form, a "check your answers" page if it cannot be
    undone (its answers kept in the session meanwhile, so Change and Back return to them),
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
    context: dict[str, object] = {"case": case, "step": chosen, "spec": spec, "offer": offer}
    if offer is None or offer.blocked_because:
        return render(
            request,
            "cases/step_unavailable.html",
            context,
            status=409 if request.method == "POST" else 200,
        )
    if chosen in MEETING_PAGE_STEPS:
        # Booking and cancelling happen on the meetings pages, which keep the meeting, the
        # invitations and the calls in step with the case; this page would only change a date.
        return redirect(MEETING_PAGE_STEPS[chosen], reference=case.reference)
    key = _pending_key(case.pk, chosen)
    kept = _pending_answers(request, case.pk, chosen) if spec.irreversible else None
    if request.method == "POST":
        confirmed = request.POST.get("confirmed") == "yes"
        data = kept if confirmed else request.POST
        if confirmed and data is None:
            messages.error(request, "Your answers were not kept. Enter them again.")
            return redirect("cases:step", reference=case.reference, step=chosen.value)
    else:
        # "Change" and "Back" from the check page show the form with the answers kept.
        data = kept if "change" in request.GET or "check" in request.GET else None
    form = StepForm(
        data,
        step=chosen,
        case=case,
        by=request.user,
        initial={"adviser": request.user.pk} if chosen == Step.ISSUE_CERTIFICATE else None,
    )
    context["form"] = form
    if request.method == "GET":
        if "check" in request.GET and form.is_bound and form.is_valid():
            return _check_page(request, context, form)
        if form.is_bound:
            form.is_valid()  # the answers kept were valid: show them without messages
            form.errors.clear()
        return render(request, "cases/step_form.html", context)
    if not form.is_valid():
        return render_form_page(request, "cases/step_form.html", context, invalid=True)
    if spec.irreversible and not confirmed:
        request.session[key] = {
            name: values
            for name, values in request.POST.lists()
            if name not in {"csrfmiddlewaretoken", "confirmed", "expected_state"}
        }
        return redirect(f"{request.path}?check")
    with refusal_shown_on(form, fields=form.refusal_fields()):
        case_after = services.case_take_step(
            case=case,
            step=chosen,
            by=request.user,
            data=form.cleaned_data,
            expected_state=expected_state_posted(request),
            request=request,
        )
        request.session.pop(key, None)
        messages.success(request, _step_done_words(chosen, case_after))
        return redirect("cases:detail", reference=case.reference)
    return render_form_page(request, "cases/step_form.html", context, invalid=True)


def _step_done_words(step: Step, case: Case) -> str:
    """What the step saved, in words."""
    if step == Step.REOPEN:
        return f"Case reopened at “{case.get_status_display()}”"
    if step == Step.CLOSE:
        return "Case closed. It can be reopened from the case page if needed"
    return f"Saved: {lower_first(STEPS[step].label)}"


def _check_page(request: HttpRequest, context: dict[str, object], form: StepForm) -> HttpResponse:
    return render(
        request,
        "cases/step_confirm.html",
        {**context, "answers": _answers(form), "warning": CONFIRM_WARNINGS.get(form.step, "")},
    )


def _answers(form: StepForm) -> list[tuple[str, str, str]]:
    """Each answer as (question, answer in words, the field's name for its Change link)."""
    shown = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if isinstance(value, date):
            words = format_day_long(value)
        elif isinstance(value, User):
            words = value.display_name
        elif isinstance(field, forms.ChoiceField) and value is not None:
            choices: Any = field.choices
            labels = {str(key): label for key, label in choices}
            words = str(labels.get(str(value), value))
        else:
            words = str(value or "")
        shown.append((str(field.label), words, name))
    return shown
