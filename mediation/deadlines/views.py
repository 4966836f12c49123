from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.common.views import manager_view, render_form_page
from mediation.deadlines import services
from mediation.deadlines.clocks import bank_holidays
from mediation.deadlines.forms import ClosureDayForm
from mediation.deadlines.models import CalendarChange, ClosureDay


@manager_view
@require_http_methods(["GET", "POST"])
def closure_days(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Bank holidays (read-only, from the pinned `holidays` package) and closure days (editable)."""
    holidays = bank_holidays()
    form = ClosureDayForm(
        request.POST if request.method == "POST" else None, bank_holidays=holidays
    )
    if request.method == "POST" and form.is_valid():
        change = services.closure_day_add(
            day=form.cleaned_data["day"],
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            by=request.user,
            request=request,
        )
        messages.success(request, "Day added. Open deadlines are being worked out again")
        return redirect("manage:calendar-change", change_id=change.pk)
    today = timezone.localdate()
    upcoming = sorted(
        (day, name)
        for day, name in holidays.items()
        if today <= day <= today + timedelta(days=400) and day.weekday() < 5
    )
    context = {
        "form": form,
        "closures": ClosureDay.objects.select_related("created_by"),
        "upcoming": upcoming,
        "changes": CalendarChange.objects.select_related("by")[:10],
    }
    return render_form_page(
        request, "deadlines/closure_days.html", context, invalid=request.method == "POST"
    )


@manager_view
@require_POST
def closure_day_remove(request: AuthenticatedHttpRequest, closure_id: int) -> HttpResponse:
    closure = get_object_or_404(ClosureDay, pk=closure_id)
    change = services.closure_day_remove(closure=closure, by=request.user, request=request)
    messages.success(request, "Day removed. Open deadlines are being worked out again")
    return redirect("manage:calendar-change", change_id=change.pk)


@manager_view
def calendar_change(request: AuthenticatedHttpRequest, change_id: int) -> HttpResponse:
    change = get_object_or_404(CalendarChange.objects.select_related("by"), pk=change_id)
    return render(request, "deadlines/calendar_change.html", {"change": change})
