"""Staff pages for scheduling. Each view: access the case → permission → form → one service."""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mediation.accounts.models import User
from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.audit.reads import read_listed, read_noted
from mediation.cases.models import Case
from mediation.cases.permissions import can_take_step
from mediation.cases.selectors import access_case
from mediation.common.views import refusal_shown_on, render_form_page, staff_view
from mediation.domain.case_states import Step
from mediation.domain.dates import format_day_long
from mediation.meetings import selectors, services
from mediation.meetings.forms import (
    AnswersForm,
    BookForm,
    CallForm,
    CancelForm,
    RescheduleForm,
    SlotForm,
)
from mediation.meetings.models import Meeting
from mediation.meetings.permissions import can_schedule_meeting
from mediation.notifications.models import Message
from mediation.notifications.services import message_mark_posted
from mediation.workflow.forms import expected_state_posted


def _require_scheduler(user: User, case: Case) -> None:
    if not can_schedule_meeting(user, case):
        raise PermissionDenied


@staff_view()
@require_http_methods(["GET", "POST"])
def slots(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Offered dates, who can come to each, and a form to offer another."""
    case = access_case(user=request.user, reference=reference, request=request)
    may_schedule = can_schedule_meeting(request.user, case)
    if request.method == "POST" and not may_schedule:
        raise PermissionDenied
    form = SlotForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form, fields={"non_working_day_reason": "non_working_day_confirmed"}):
            slot = services.slot_offer_add(
                case=case,
                by=request.user,
                starts_at=form.starts_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                mode=form.cleaned_data["mode"],
                non_working_day_reason=form.cleaned_data["non_working_day_reason"],
                request=request,
            )
            messages.success(
                request,
                f"Date offered: {format_day_long(slot.local_start.date())}, {_time(slot.local_start)}",
            )
            return redirect("meetings:slots", reference=case.reference)
    context = {
        "case": case,
        "form": form,
        "board": selectors.slot_board(case),
        "may_schedule": may_schedule,
        "meeting": selectors.meeting_current(case),
    }
    return render_form_page(
        request, "meetings/slots.html", context, invalid=request.method == "POST"
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def slot_answers(request: AuthenticatedHttpRequest, reference: str, slot_id: int) -> HttpResponse:
    case = access_case(user=request.user, reference=reference, request=request)
    _require_scheduler(request.user, case)
    slot = selectors.access_slot(case, slot_id)
    attendees = selectors.case_attendees(case)
    current = {a.attendee_key: a.available for a in slot.answers.all()}
    form = AnswersForm(
        request.POST if request.method == "POST" else None, attendees=attendees, current=current
    )
    if request.method == "POST" and form.is_valid():
        changed = services.slot_answers_record(
            slot=slot, by=request.user, answers=form.answers(), request=request
        )
        messages.success(
            request,
            f"Answers saved for {changed} {'person' if changed == 1 else 'people'}"
            if changed
            else "Nothing was changed",
        )
        return redirect("meetings:slots", reference=case.reference)
    return render_form_page(
        request,
        "meetings/answers.html",
        {"case": case, "slot": slot, "form": form},
        invalid=request.method == "POST",
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def book(request: AuthenticatedHttpRequest, reference: str, slot_id: int) -> HttpResponse:
    case = access_case(user=request.user, reference=reference, request=request)
    _require_scheduler(request.user, case)
    slot = selectors.access_slot(case, slot_id)
    board = selectors.slot_board(case)
    row = next(r for r in board.rows if r.slot.pk == slot.pk)
    form = BookForm(request.POST if request.method == "POST" else None, slot=slot, case=case)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            meeting = services.meeting_book(
                case=case,
                slot=slot,
                by=request.user,
                details=form.details(),
                short_notice_consent=form.cleaned_data["short_notice_consent"],
                expected_state=expected_state_posted(request),
                request=request,
            )
            messages.success(request, _told(meeting, "Meeting booked for"))
            return redirect("meetings:detail", reference=case.reference)
    return render_form_page(
        request,
        "meetings/book.html",
        {"case": case, "slot": slot, "row": row, "board": board, "form": form},
        invalid=request.method == "POST",
    )


@staff_view()
def meeting_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(user=request.user, reference=reference, request=request)
    meeting = selectors.meeting_current(case)
    if meeting is None:
        return redirect("meetings:slots", reference=case.reference)
    read_noted(meeting)
    letters = list(meeting.letters.select_related("party"))
    posted = set(
        Message.objects.filter(
            pk__in=[letter.message_id for letter in letters], status=Message.Status.SENT
        ).values_list("pk", flat=True)
    )
    waiting: list[str] = []
    if meeting.is_booked and meeting.slot_id is not None:
        row = next(
            (r for r in selectors.slot_board(case).rows if r.slot.pk == meeting.slot_id), None
        )
        if row is not None:
            waiting = [a.name for a in row.match.not_answered if a.required]
    return render(
        request,
        "meetings/detail.html",
        {
            "case": case,
            "meeting": meeting,
            "waiting_for": waiting,
            "meeting_status": selectors.meeting_status_label(meeting, case),
            "changes": list(meeting.changes.select_related("by")),
            "letters": letters,
            "posted": posted,
            "calls": list(meeting.calls.select_related("party", "recorded_by")),
            "may_schedule": can_schedule_meeting(request.user, case),
            "may_call": _may_record_call(request.user, case),
        },
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def reschedule(request: AuthenticatedHttpRequest, reference: str, meeting_id: int) -> HttpResponse:
    case = access_case(user=request.user, reference=reference, request=request)
    _require_scheduler(request.user, case)
    meeting = selectors.access_meeting(case, meeting_id)
    if not meeting.is_booked:
        raise Http404("The meeting is cancelled")
    start = meeting.local_start
    initial = {
        "on": start.date(),
        "start_time": f"{start:%H:%M}",
        "duration_minutes": meeting.duration_minutes,
        "mode": meeting.mode,
        **{name: getattr(meeting, name) for name in services.DETAIL_FIELDS},
    }
    form = RescheduleForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        case=case,
        attendees=selectors.case_attendees(case),
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form, fields={"non_working_day_reason": "non_working_day_confirmed"}):
            meeting = services.meeting_reschedule(
                meeting=meeting,
                by=request.user,
                starts_at=form.starts_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                mode=form.cleaned_data["mode"],
                details=form.details(),
                reason=form.cleaned_data["reason"],
                short_notice_consent=form.cleaned_data["short_notice_consent"],
                requested_by=form.cleaned_data["requested_by"],
                reason_kind=form.cleaned_data["reason_kind"],
                confirmed_by_phone=form.cleaned_data["confirmed_by_phone"],
                non_working_day_reason=form.cleaned_data["non_working_day_reason"],
                request=request,
            )
            messages.success(request, _told(meeting, "Meeting moved to"))
            return redirect("meetings:detail", reference=case.reference)
    return render_form_page(
        request,
        "meetings/reschedule.html",
        {"case": case, "meeting": meeting, "form": form},
        invalid=request.method == "POST",
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def cancel(request: AuthenticatedHttpRequest, reference: str, meeting_id: int) -> HttpResponse:
    case = access_case(user=request.user, reference=reference, request=request)
    if not can_take_step(request.user, case, Step.CANCEL_MEETING):
        raise PermissionDenied
    meeting = selectors.access_meeting(case, meeting_id)
    if not meeting.is_booked:
        raise Http404("The meeting is already cancelled")
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            services.meeting_cancel(
                meeting=meeting,
                by=request.user,
                reason=form.cleaned_data["reason"],
                requested_by=form.cleaned_data["requested_by"],
                reason_kind=form.cleaned_data["reason_kind"],
                expected_state=expected_state_posted(request),
                request=request,
            )
            messages.success(request, "Meeting cancelled. Everyone invited has been told")
            return redirect("meetings:detail", reference=case.reference)
    return render_form_page(
        request,
        "meetings/cancel.html",
        {"case": case, "meeting": meeting, "form": form},
        invalid=request.method == "POST",
    )


def _time(moment: datetime) -> str:
    return f"{moment:%-I:%M%p}".lower().replace(":00", "")


def _told(meeting: Meeting, what: str) -> str:
    """The success message of a booking or a move: when, and who was told how."""
    start = meeting.local_start
    letters = meeting.letters.filter(sequence=meeting.sequence).count()
    told = (
        f"Everyone invited has been sent a confirmation{f'; {letters} letter' if letters else ''}"
    )
    if letters:
        told += f"{'s' if letters != 1 else ''} to print and post"
    return f"{what} {format_day_long(start.date())}, {_time(start)}. {told}"


def _may_record_call(user: User, case: Case) -> bool:
    return user.sees_all_cases or (case.mediator_id is not None and case.mediator_id == user.pk)


@staff_view()
@require_http_methods(["GET", "POST"])
def call_record(request: AuthenticatedHttpRequest, reference: str, call_id: int) -> HttpResponse:
    case = access_case(user=request.user, reference=reference, request=request)
    if not _may_record_call(request.user, case):
        raise PermissionDenied
    call = selectors.access_call(case, call_id)
    form = CallForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.mediator_call_record(
            call=call,
            by=request.user,
            called_on=form.cleaned_data["called_on"],
            note=form.cleaned_data["note"],
            request=request,
        )
        messages.success(request, "Call recorded")
        return redirect("meetings:detail", reference=case.reference)
    return render_form_page(
        request,
        "meetings/call_form.html",
        {"case": case, "call": call, "form": form},
        invalid=request.method == "POST",
    )


@staff_view()
def letter_download(
    request: AuthenticatedHttpRequest, reference: str, letter_id: int
) -> HttpResponse:
    case = access_case(user=request.user, reference=reference, request=request)
    letter = selectors.access_letter(case, letter_id)
    if letter.document_id is None:
        raise Http404("No such letter")
    # Kept for old links: the PDF is a generated document, downloaded (access-checked and
    # audited) by the documents app.
    return redirect("documents:download", reference=case.reference, document_id=letter.document_id)


@staff_view()
@require_POST
def letter_posted(
    request: AuthenticatedHttpRequest, reference: str, letter_id: int
) -> HttpResponse:
    case = access_case(user=request.user, reference=reference, request=request)
    _require_scheduler(request.user, case)
    letter = selectors.access_letter(case, letter_id)
    message = (
        Message.objects.filter(pk=letter.message_id).first()
        if letter.message_id is not None
        else None
    )
    if message is None:
        raise Http404("No such letter")
    message_mark_posted(message=message)
    messages.success(request, "Letter marked as posted")
    return redirect("meetings:detail", reference=case.reference)


# Calendar --------------------------------------------------------------------------------------


def _parse_day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


@staff_view()
def calendar_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Booked meetings by week or by month: the whole service for case officers and managers,
    a mediator's own only for a mediator."""
    view = "month" if request.GET.get("view") == "month" else "week"
    anchor = _parse_day(request.GET.get("date"), timezone.localdate())
    user = request.user
    mediator_filter = request.GET.get("mediator", "")
    mediator_id = int(mediator_filter) if mediator_filter.isdigit() else None
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        end = start + timedelta(days=6)
        previous, following = start - timedelta(days=7), start + timedelta(days=7)
        title = f"Week of {start.day} {start:%B %Y}"
    else:
        start = anchor.replace(day=1)
        end = start.replace(day=stdlib_calendar.monthrange(start.year, start.month)[1])
        previous = (start - timedelta(days=1)).replace(day=1)
        following = end + timedelta(days=1)
        title = f"{start:%B %Y}"
    meetings = selectors.meetings_between(
        user=user, start=start, end=end, mediator_id=mediator_id if user.sees_all_cases else None
    )
    read_listed(meetings, model=Meeting)
    by_day = selectors.calendar_days(meetings)
    if view == "week":
        days = [
            (start + timedelta(days=n), by_day.get(start + timedelta(days=n), [])) for n in range(7)
        ]
    else:
        days = sorted(by_day.items())
    query = f"&mediator={mediator_id}" if mediator_id and user.sees_all_cases else ""
    return render(
        request,
        "meetings/calendar.html",
        {
            "view": view,
            "title": title,
            "days": days,
            "count": len(meetings),
            "previous": previous,
            "following": following,
            "anchor": anchor,
            "mediators": list(selectors.mediators_for_filter()) if user.sees_all_cases else [],
            "mediator_id": mediator_id,
            "query": query,
        },
    )
