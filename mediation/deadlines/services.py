"""Storing and recomputing a case's statutory deadlines, and the service's closure days.

The deadlines are worked out by mediation.deadlines.clocks (from mediation.domain.deadlines);
this module stores them, records every change of date in the case's history, and keeps the
case's `next_deadline_due` for the work queues. A closure day added or removed recomputes the
open cases it may move, in the background (deadlines.tasks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.authorities.actors import Actor
from mediation.cases.models import Case
from mediation.common.dispatch import enqueue_on_commit
from mediation.deadlines.clocks import (
    compute_for_case,
    next_deadline_of,
    service_calendar,
    stored_values,
)
from mediation.deadlines.labels import deadline_label
from mediation.deadlines.models import CalendarChange, ClosureDay, Deadline
from mediation.domain.calendar import WorkingCalendar
from mediation.domain.case_states import CaseState
from mediation.domain.dates import format_day
from mediation.timeline.models import TimelineKind
from mediation.timeline.services import timeline_lines


@dataclass(frozen=True)
class DeadlineChange:
    code: str
    old: date | None
    new: date | None


@transaction.atomic
def deadline_recalculate(
    *,
    case: Case,
    by: Actor | None = None,
    reason: str = "",
    calendar: WorkingCalendar | None = None,
) -> list[DeadlineChange]:
    """Recompute and store the case's deadlines; record each change of date in its history.

    Returns the changes (new, moved and removed deadlines). Safe to run any number of times:
    an unchanged case writes nothing to its history.
    """
    calendar = calendar or service_calendar()
    computed, _warnings = compute_for_case(case, calendar)
    existing = {d.code: d for d in Deadline.objects.filter(case=case)}
    changes: list[DeadlineChange] = []
    kept: set[str] = set()
    new_rows: list[Deadline] = []
    for item, values in stored_values(case, computed):
        kept.add(item.code)
        row = existing.get(item.code)
        if row is None:
            new_rows.append(Deadline(case=case, code=item.code, **values))
            changes.append(DeadlineChange(item.code, None, item.due))
            continue
        if row.due != item.due:
            changes.append(DeadlineChange(item.code, row.due, item.due))
        if any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
    Deadline.objects.bulk_create(new_rows)
    removed = [row.pk for code, row in existing.items() if code not in kept]
    changes.extend(
        DeadlineChange(code, row.due, None) for code, row in existing.items() if code not in kept
    )
    if removed:
        Deadline.objects.filter(pk__in=removed).delete()
    _record_changes(case=case, changes=changes, by=by, reason=reason)
    current = [row for code, row in existing.items() if code in kept] + new_rows
    _update_next_deadline(case, current)
    return changes


def _record_changes(
    *, case: Case, changes: list[DeadlineChange], by: Actor | None, reason: str
) -> None:
    because = f" ({reason})" if reason else ""
    lines = []
    for change in changes:
        label = deadline_label(change.code)
        if change.old is None and change.new is not None:
            summary = f"Deadline set: {label}, {format_day(change.new)}{because}"
        elif change.new is None and change.old is not None:
            summary = f"Deadline removed: {label} (was {format_day(change.old)}){because}"
        else:
            assert change.old is not None and change.new is not None
            summary = (
                f"Deadline moved: {label}, from {format_day(change.old)} to "
                f"{format_day(change.new)}{because}"
            )
        lines.append(summary)
    timeline_lines(case=case, by=by, summaries=lines, kind=TimelineKind.DEADLINE)


def _update_next_deadline(case: Case, deadlines: list[Deadline]) -> None:
    due, code = next_deadline_of(deadlines)
    if (case.next_deadline_due, case.next_deadline_code) != (due, code):
        Case.objects.filter(pk=case.pk).update(next_deadline_due=due, next_deadline_code=code)
        case.next_deadline_due, case.next_deadline_code = due, code


def reminder_lead_working_days() -> int:
    return settings.DEADLINE_REMINDER_WORKING_DAYS


# Closure days -------------------------------------------------------------------------------


@transaction.atomic
def closure_day_add(
    *, day: date, name: str, kind: str, by: User, request: HttpRequest | None = None
) -> CalendarChange:
    """Add a day that is not a working day, and recompute the open deadlines it may move."""
    closure = ClosureDay.objects.create(day=day, name=name, kind=kind, created_by=by)
    audit_record(
        actor=by,
        verb="closure_day.create",
        target=closure,
        request=request,
        detail={"day": day.isoformat()},
    )
    return _calendar_change_start(description=f"Added {format_day(day)}: {name}", day=day, by=by)


@transaction.atomic
def closure_day_remove(
    *, closure: ClosureDay, by: User, request: HttpRequest | None = None
) -> CalendarChange:
    day, name = closure.day, closure.name
    audit_record(
        actor=by,
        verb="closure_day.delete",
        target=closure,
        request=request,
        detail={"day": day.isoformat()},
    )
    closure.delete()
    return _calendar_change_start(description=f"Removed {format_day(day)}: {name}", day=day, by=by)


def _calendar_change_start(*, description: str, day: date, by: User) -> CalendarChange:
    change = CalendarChange.objects.create(description=description, day=day, by=by)
    # After commit, so the task sees the new closure day; the task is idempotent.
    enqueue_on_commit("mediation.deadlines.tasks.calendar_change_task", change_id=change.pk)
    return change


def open_cases_recalculate_for_change(*, change_id: int) -> int:
    """Recompute every open case with a deadline on or after the changed day (only those can
    move) and record which deadlines moved. Returns the number of cases checked."""
    change = CalendarChange.objects.select_related("by").get(pk=change_id)
    calendar = service_calendar()
    case_ids = (
        Deadline.objects.filter(due__gte=change.day)
        .exclude(case__status=CaseState.CLOSED)
        .values_list("case_id", flat=True)
        .distinct()
    )
    moved: list[dict[str, str]] = []
    checked = 0
    reason = change.description
    for case in Case.objects.filter(pk__in=list(case_ids)).order_by("pk").iterator(chunk_size=500):
        checked += 1
        for item in deadline_recalculate(case=case, by=change.by, reason=reason, calendar=calendar):
            if item.old is not None and item.new is not None:
                moved.append(
                    {
                        "case": case.reference,
                        "code": item.code,
                        "label": deadline_label(item.code),
                        "old": item.old.isoformat(),
                        "new": item.new.isoformat(),
                    }
                )
    CalendarChange.objects.filter(pk=change.pk).update(
        status=CalendarChange.Status.DONE, moved=moved, cases_checked=checked
    )
    return checked
