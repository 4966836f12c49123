"""Staff pages for outcome statements and agreed actions.
Each view: access the case → permission → form → one service."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mediation.accounts.models import User
from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.audit.reads import read_noted
from mediation.cases.models import Case, Outcome
from mediation.cases.selectors import access_case
from mediation.common.errors import ServiceError
from mediation.common.replica import report_reads
from mediation.common.views import (
    refusal_shown_as_message,
    refusal_shown_on,
    render_form_page,
    staff_view,
)
from mediation.deadlines.clocks import action_id_of, follow_up_step_of
from mediation.deadlines.selectors import DeadlineView, case_clocks
from mediation.documents.views import pdf_response
from mediation.domain.case_states import Route
from mediation.notifications.models import Message, MessageAttachment
from mediation.notifications.services import message_mark_posted
from mediation.outcomes import documents, selectors, services
from mediation.outcomes.forms import (
    ActionForm,
    AddendumForm,
    AgreementForm,
    DeferredDecisionForm,
    DoneForm,
    EscalateForm,
    FollowUpForm,
    IssueResultsForm,
    PeriodForm,
    StatementForm,
    VaryForm,
)
from mediation.outcomes.models import AgreedAction, DeferredDecision, OutcomeStatement


def _case(request: AuthenticatedHttpRequest, reference: str) -> Case:
    return access_case(user=request.user, reference=reference, request=request)


def _require_writer(user: User, case: Case) -> None:
    if not services.may_write(user, case):
        raise PermissionDenied


def _require_follow_up(user: User) -> None:
    if not services.may_follow_up(user):
        raise PermissionDenied


def _statement(case: Case) -> OutcomeStatement:
    statement = selectors.statement_for_case(case)
    if statement is None:
        raise Http404("No outcome statement yet")
    statement.case = case
    read_noted(statement)
    return statement


def _error(form, error: ServiceError) -> None:  # noqa: ANN001
    form.add_error(None, str(error))


@staff_view()
def statement(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    current = selectors.statement_for_case(case)
    if current is None:
        return render(
            request,
            "outcomes/no_statement.html",
            {
                "case": case,
                "may_write": services.may_write(request.user, case)
                and case.route != Route.CERTIFICATE_ONLY,
            },
        )
    current.case = case
    read_noted(current)
    page = selectors.statement_page(current)
    context = {
        "case": case,
        "page": page,
        "statement": current,
        "attendees": selectors.circulation_recipients(case),
        "outcome_label": Outcome(current.outcome).label,
        "assumed_agreement": selectors.assumed_agreement_date(case),
        "meeting_day": case.mediation_held_on or case.meeting_planned_on,
        "mediator": case.mediator,
        "may_write": services.may_write(request.user, case),
        "may_follow_up": services.may_follow_up(request.user),
        "finalise_refusal": None if current.is_final else services.finalise_refusal(current),
        **_follow_up_context(case, page),
    }
    return render(request, "outcomes/statement.html", context)


def _follow_up_context(case: Case, page: selectors.StatementPage) -> dict[str, object]:
    """Who each overdue action's letter goes to, and each action's later steps (reg 44)."""
    overdue = [row.action for row in page.actions if row.overdue]
    parties = list(case.parties.all()) if overdue else []
    owners = {action.pk: selectors.action_owner(action, parties) for action in overdue}
    follow_ups: dict[int, list[DeadlineView]] = {}
    if page.statement.is_final and any(
        row.action.kind in services.FOLLOW_UP_KINDS for row in page.actions
    ):
        for view in case_clocks(case=case).deadlines:
            if follow_up_step_of(view.code) is not None:
                follow_ups.setdefault(int(action_id_of(view.code)), []).append(view)
    return {
        "owners": owners,
        "follow_ups": follow_ups,
        "follow_up_kinds": services.FOLLOW_UP_KINDS,
    }


@staff_view()
def statement_pdf(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    current = _statement(case)
    _html, pdf = documents.statement_pdf(current)
    return pdf_response(pdf, f"{case.reference}-outcome-statement.pdf")


@staff_view()
@require_http_methods(["GET", "POST"])
def statement_edit(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    _require_writer(request.user, case)
    current = selectors.statement_for_case(case)
    if current is not None and current.is_final:
        raise PermissionDenied
    initial = (
        {"key_points": current.key_points, "outcome": current.outcome}
        if current
        else {"outcome": case.outcome}
    )
    form = StatementForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        case_outcome=case.outcome,
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            services.statement_save(
                case=case,
                by=request.user,
                key_points=form.cleaned_data["key_points"],
                outcome=form.cleaned_data["outcome"],
                request=request,
            )
            messages.success(request, "Outcome statement saved")
            return redirect("outcomes:statement", reference=case.reference)
    return render_form_page(
        request,
        "outcomes/statement_form.html",
        {"case": case, "form": form, "statement": current},
        invalid=request.method == "POST",
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def action_form(
    request: AuthenticatedHttpRequest, reference: str, action_id: int | None = None
) -> HttpResponse:
    case = _case(request, reference)
    _require_writer(request.user, case)
    current = _statement(case)
    if current.is_final:
        raise PermissionDenied
    action = selectors.access_action(case=case, action_id=action_id) if action_id else None
    initial = {name: getattr(action, name) for name in services.ACTION_FIELDS} if action else None
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        case=case,
        action=action,
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form, fields=services.ACTION_FORM_FIELDS):
            if action is None:
                added = services.action_add(
                    case=case, by=request.user, data=form.cleaned_data, request=request
                )
                messages.success(request, f"Agreed action {added.position} added")
            else:
                unchanged = all(
                    getattr(action, name) == form.cleaned_data.get(name)
                    for name in services.ACTION_FIELDS
                )
                services.action_update(
                    action=action, by=request.user, data=form.cleaned_data, request=request
                )
                messages.success(
                    request,
                    "Nothing was changed"
                    if unchanged
                    else f"Agreed action {action.position} changed. Everyone's agreement to the "
                    "statement is needed again",
                )
            return redirect("outcomes:statement", reference=case.reference)
    return render_form_page(
        request,
        "outcomes/action_form.html",
        {"case": case, "form": form, "action": action},
        invalid=request.method == "POST",
    )


@staff_view()
@require_POST
def action_remove(
    request: AuthenticatedHttpRequest, reference: str, action_id: int
) -> HttpResponse:
    case = _case(request, reference)
    _require_writer(request.user, case)
    action = selectors.access_action(case=case, action_id=action_id)
    with refusal_shown_as_message(request):
        services.action_remove(action=action, by=request.user, request=request)
        messages.success(request, f"Agreed action {action.position} removed")
    return redirect("outcomes:statement", reference=case.reference)


@staff_view()
@require_http_methods(["GET", "POST"])
def agreement(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    _require_writer(request.user, case)
    current = _statement(case)
    if current.is_final:
        raise PermissionDenied
    parties = selectors.agreeing_parties(case)
    form = AgreementForm(
        request.POST if request.method == "POST" else None,
        parties=parties,
        initial={"content_hash": current.content_hash, "method": "in_meeting"},
    )
    if request.method == "POST" and form.is_valid():
        party = next(p for p in parties if p.pk == form.cleaned_data["party"])
        with refusal_shown_on(form):
            services.agreement_record(
                case=case,
                party=party,
                by=request.user,
                method=form.cleaned_data["method"],
                given_for_hash=form.cleaned_data["content_hash"],
                request=request,
            )
            messages.success(request, "Agreement recorded")
            return redirect("outcomes:statement", reference=case.reference)
    return render_form_page(
        request,
        "outcomes/agreement_form.html",
        {"case": case, "form": form, "statement": current},
        invalid=request.method == "POST",
    )


def _post_service(request: HttpRequest, case: Case, call, success: str) -> HttpResponse:  # noqa: ANN001
    with refusal_shown_as_message(request):
        call()
        messages.success(request, success)
    return redirect("outcomes:statement", reference=case.reference)


@staff_view()
@require_http_methods(["GET", "POST"])
def finalise(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Making the statement final has its own confirmation page: what is being locked (the
    version, who agreed it, the actions), then the change."""
    case = _case(request, reference)
    _require_writer(request.user, case)
    current = _statement(case)
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        return _post_service(
            request,
            case,
            lambda: services.statement_finalise(case=case, by=request.user, request=request),
            f"Outcome statement made final (version {current.version}). Send it to everyone who "
            "attended within 3 working days of the meeting",
        )
    refusal = services.finalise_refusal(current)
    if refusal:
        messages.error(request, refusal)
        return redirect("outcomes:statement", reference=case.reference)
    page = selectors.statement_page(current)
    return render(
        request,
        "outcomes/finalise_confirm.html",
        {"case": case, "statement": current, "page": page},
    )


@staff_view()
@require_POST
def send_for_agreement(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    _require_writer(request.user, case)
    with refusal_shown_as_message(request):
        sent = services.statement_send_for_agreement(case=case, by=request.user, request=request)
        names = ", ".join(r.party.name for r in sent)
        messages.success(
            request,
            f"Version {sent[0].version} sent to {len(sent)} "
            f"{'person' if len(sent) == 1 else 'people'} to agree: {names}.",
        )
    return redirect("outcomes:statement", reference=case.reference)


@staff_view()
@require_POST
def circulate(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    _require_writer(request.user, case)
    with refusal_shown_as_message(request):
        sent = services.statement_circulate(case=case, by=request.user, request=request)
        if sent:
            letters = sum(d.channel == Message.Channel.LETTER for d in sent)
            messages.success(
                request,
                f"Outcome statement sent: {len(sent) - letters} email"
                f"{'s' if len(sent) - letters != 1 else ''}, {letters} letter"
                f"{'s' if letters != 1 else ''} to print and post",
            )
        else:
            messages.success(
                request, "Nothing was sent: everyone who attended already has this version"
            )
    return redirect("outcomes:statement", reference=case.reference)


@staff_view()
@require_POST
def resend(request: AuthenticatedHttpRequest, reference: str, delivery_id: int) -> HttpResponse:
    case = _case(request, reference)
    _require_writer(request.user, case)
    delivery = selectors.access_delivery(case=case, delivery_id=delivery_id)
    return _post_service(
        request,
        case,
        lambda: services.delivery_resend(delivery=delivery, by=request.user, request=request),
        f"Sent again to {delivery.recipient_name}",
    )


@staff_view()
def delivery_letter(
    request: AuthenticatedHttpRequest, reference: str, delivery_id: int
) -> HttpResponse:
    case = _case(request, reference)
    delivery = selectors.access_delivery(case=case, delivery_id=delivery_id)
    if delivery.document_id is not None:
        # The statement as sent: downloaded (access-checked, audited) by the documents app.
        return redirect(
            "documents:download", reference=case.reference, document_id=delivery.document_id
        )
    attachment = MessageAttachment.objects.filter(message_id=delivery.message_id).first()
    if attachment is None:
        raise Http404("No letter")
    return pdf_response(attachment.content_bytes(), attachment.filename)


@staff_view()
@require_POST
def delivery_posted(
    request: AuthenticatedHttpRequest, reference: str, delivery_id: int
) -> HttpResponse:
    case = _case(request, reference)
    _require_writer(request.user, case)
    delivery = selectors.access_delivery(case=case, delivery_id=delivery_id)
    if delivery.channel != Message.Channel.LETTER:
        raise Http404("Not a letter")
    message = Message.objects.get(pk=delivery.message_id)
    already = message.status == Message.Status.SENT
    message_mark_posted(message=message)
    messages.success(
        request,
        "Nothing was changed: it was already marked as posted"
        if already
        else f"Letter to {delivery.recipient_name} marked as posted",
    )
    return redirect("outcomes:statement", reference=case.reference)


@staff_view()
@require_http_methods(["GET", "POST"])
def addendum(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    _require_writer(request.user, case)
    current = _statement(case)
    if not current.is_final:
        raise PermissionDenied
    form = AddendumForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            services.addendum_add(
                case=case, by=request.user, text=form.cleaned_data["text"], request=request
            )
            messages.success(request, "Addendum added")
            return redirect("outcomes:statement", reference=case.reference)
    return render_form_page(
        request,
        "outcomes/addendum_form.html",
        {"case": case, "form": form},
        invalid=request.method == "POST",
    )


# Following up ---------------------------------------------------------------------------------


def _final_action(case: Case, action_id: int) -> AgreedAction:
    action = selectors.access_action(case=case, action_id=action_id)
    if not action.statement.is_final:
        raise Http404("The statement is still a draft")
    action.case = case
    action.statement.case = case
    return action


_FOLLOW_UP_FIELDS = (
    "done_on",
    "varied_due",
    "no_plan_notice_on",
    "final_plan_sent_on",
    "follow_up_exception",
    "follow_up_exception_note",
)


def _follow_up_form(
    request: AuthenticatedHttpRequest,
    reference: str,
    action_id: int,
    *,
    form_class,  # noqa: ANN001
    template: str,
    call,  # noqa: ANN001
    success: str,
    fields: dict[str, str] | None = None,
    extra: dict[str, object] | None = None,
) -> HttpResponse:
    fields = fields or {}
    extra = extra or {}
    case = _case(request, reference)
    _require_follow_up(request.user)
    action = _final_action(case, action_id)
    view = selectors.action_views(action.statement, [action])[0]
    form = form_class(request.POST if request.method == "POST" else None, action=action, **extra)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form, fields={**services.ACTION_FORM_FIELDS, **fields}):
            before = {name: getattr(action, name) for name in _FOLLOW_UP_FIELDS}
            result = call(action, form.cleaned_data)
            if isinstance(result, AgreedAction) and all(
                getattr(result, name) == value for name, value in before.items()
            ):
                success = "Nothing was changed"
            messages.success(request, success)
            return redirect("outcomes:statement", reference=case.reference)
    return render_form_page(
        request,
        template,
        {"case": case, "form": form, "action": action, "view": view},
        invalid=request.method == "POST",
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def action_done(request: AuthenticatedHttpRequest, reference: str, action_id: int) -> HttpResponse:
    return _follow_up_form(
        request,
        reference,
        action_id,
        form_class=DoneForm,
        template="outcomes/done_form.html",
        call=lambda action, data: services.action_mark_done(
            action=action,
            by=request.user,
            done_on=data["done_on"],
            evidence=data["evidence"],
            request=request,
        ),
        success="Agreed action recorded as done",
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def action_follow_up(
    request: AuthenticatedHttpRequest, reference: str, action_id: int
) -> HttpResponse:
    """Reg 44's later steps of an action (assessment, plan): their dates and any exception."""
    case = _case(request, reference)
    action = _final_action(case, action_id)
    if action.kind not in services.FOLLOW_UP_KINDS:
        raise Http404("This action has no later steps")
    return _follow_up_form(
        request,
        reference,
        action_id,
        form_class=FollowUpForm,
        template="outcomes/follow_up_form.html",
        call=lambda action, data: services.action_follow_up_record(
            action=action,
            by=request.user,
            no_plan_notice_on=data["no_plan_notice_on"],
            final_plan_sent_on=data["final_plan_sent_on"],
            exception=data["follow_up_exception"],
            exception_note=data["follow_up_exception_note"],
            request=request,
        ),
        success="Later steps saved and their deadlines worked out again",
        extra={
            "initial": {
                name: getattr(action, name)
                for name in (
                    "no_plan_notice_on",
                    "final_plan_sent_on",
                    "follow_up_exception",
                    "follow_up_exception_note",
                )
            }
        },
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def action_vary(request: AuthenticatedHttpRequest, reference: str, action_id: int) -> HttpResponse:
    return _follow_up_form(
        request,
        reference,
        action_id,
        form_class=VaryForm,
        template="outcomes/vary_form.html",
        call=lambda action, data: services.action_vary(
            action=action,
            by=request.user,
            new_due=data["new_due"],
            agreed_in_writing_on=data["agreed_in_writing_on"],
            reason=data["reason"],
            request=request,
        ),
        success="New date recorded and the deadline worked out again",
        fields={"action_due": "new_due"},
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def action_escalate(
    request: AuthenticatedHttpRequest, reference: str, action_id: int
) -> HttpResponse:
    return _follow_up_form(
        request,
        reference,
        action_id,
        form_class=EscalateForm,
        template="outcomes/escalate_form.html",
        call=lambda action, data: services.action_escalate(
            action=action, by=request.user, note=data["note"], request=request
        ),
        success="Escalated: the managers have been emailed",
    )


@staff_view()
def action_letter_preview(
    request: AuthenticatedHttpRequest, reference: str, action_id: int
) -> HttpResponse:
    case = _case(request, reference)
    _require_follow_up(request.user)
    action = _final_action(case, action_id)
    pdf = documents.overdue_letter_pdf(action, today=timezone.localdate())
    return pdf_response(pdf, f"{case.reference}-agreed-action-{action.pk}.pdf")


@staff_view()
@require_POST
def action_letter_send(
    request: AuthenticatedHttpRequest, reference: str, action_id: int
) -> HttpResponse:
    case = _case(request, reference)
    _require_follow_up(request.user)
    action = _final_action(case, action_id)
    owner = selectors.action_owner(action)
    copied = f", with a copy to {case.local_authority.name}" if owner.copy_to_la else ""
    how = "ready to print and post" if owner.wants_letter or not owner.email else "sent"
    return _post_service(
        request,
        case,
        lambda: services.action_letter_send(action=action, by=request.user, request=request),
        f"Letter to {owner.name} {how}{copied}",
    )


# Report -----------------------------------------------------------------------------------------


@staff_view(lambda user: user.can_manage_service)
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Per LA: agreed actions honoured on time out of those due, for a period."""
    today = timezone.localdate()
    bound = any(key.startswith(("start", "end")) for key in request.GET)
    form = PeriodForm(
        request.GET if bound else None,
        initial={"start": today - timedelta(days=365), "end": today},
    )
    rows = []
    if bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        start, end = today - timedelta(days=365), today
    if not bound or form.is_valid():
        with report_reads():  # from the read replica, if one is configured
            rows = selectors.honoured_on_time(start=start, end=end, today=today)
    totals = {
        "due": sum(r.due for r in rows),
        "on_time": sum(r.on_time for r in rows),
    }
    return render(
        request,
        "outcomes/report.html",
        {"form": form, "rows": rows, "start": start, "end": end, "totals": totals},
        status=400 if bound and not form.is_valid() else 200,
    )


# Issues in dispute and decisions put off ------------------------------------------------------


def _draft_for_writer(
    request: AuthenticatedHttpRequest, reference: str
) -> tuple[Case, OutcomeStatement]:
    case = _case(request, reference)
    _require_writer(request.user, case)
    current = _statement(case)
    if current.is_final:
        raise PermissionDenied
    return case, current


@staff_view()
@require_http_methods(["GET", "POST"])
def issue_results(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The result the statement gives each issue in dispute."""
    case, current = _draft_for_writer(request, reference)
    rows = selectors.issue_rows(current)
    form = IssueResultsForm(request.POST if request.method == "POST" else None, rows=rows)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            services.issue_results_save(
                case=case, by=request.user, results=form.results(), request=request
            )
            messages.success(request, "Results of the issues in dispute saved")
            return redirect("outcomes:statement", reference=case.reference)
    return render_form_page(
        request,
        "outcomes/issue_results_form.html",
        {"case": case, "form": form, "rows": rows},
        invalid=request.method == "POST",
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def deferred_add(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The LA's attendee could not decide: record who will, about what and by when."""
    case, _current = _draft_for_writer(request, reference)
    theme_ids = list(case.disputed_issues.values_list("theme_id", flat=True))
    form = DeferredDecisionForm(
        request.POST if request.method == "POST" else None,
        case_theme_ids=theme_ids,
        date_refusal=lambda day: services.deferred_decision_date_refusal(case, day),
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            decision = services.deferred_decision_add(
                case=case, by=request.user, data=form.cleaned_data, request=request
            )
            messages.success(
                request,
                f"Recorded: {decision.decision_maker} to decide by "
                f"{decision.decision_due_on:%A %-d %B %Y}. It is followed up as an agreed action",
            )
            return redirect("outcomes:statement", reference=case.reference)
    return render_form_page(
        request,
        "outcomes/deferred_form.html",
        {"case": case, "form": form},
        invalid=request.method == "POST",
    )


@staff_view()
@require_POST
def deferred_remove(
    request: AuthenticatedHttpRequest, reference: str, decision_id: int
) -> HttpResponse:
    case, _current = _draft_for_writer(request, reference)
    decision = get_object_or_404(
        DeferredDecision.objects.select_related("action", "case"), pk=decision_id, case=case
    )
    with refusal_shown_as_message(request):
        services.deferred_decision_remove(decision=decision, by=request.user, request=request)
        messages.success(request, "Decision put off removed, with its follow-up")
    return redirect("outcomes:statement", reference=case.reference)
