"""Storing and recomputing a case's statutory deadlines, and the service's closure days.

The deadlines are worked out by mediation.deadlines.clocks (from mediation.domain.deadlines);
this module stores them, records every change of date in the case's history, and keeps the
case's `next_deadline_due` for the work queues. A closure day added or removed recomputes the
open cases it may move, in the background (deadlines.tasks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.authorities.actors import Actor
from mediation.cases.models import Case
from mediation.common.bulk import insert_rows, update_rows
from mediation.common.dispatch import enqueue_on_commit
from mediation.common.queries import ids_in
from mediation.deadlines.clocks import (
    ComputedDeadline,
    agreed_actions_of_many,
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
from mediation.timeline.services import timeline_lines, timeline_lines_many


@dataclass(frozen=True)
class DeadlineChange:
    code: str
    old: date | None
    new: date | None


@dataclass
class _Plan:
    """What storing a case's newly computed deadlines takes: rows to add, rows to change, rows
    to remove, and the changes of date to record. Worked out in memory (`_plan`), then written
    one case at a time (`deadline_recalculate`) or for many cases at once
    (`deadlines_recalculate_many`): the same plan either way."""

    new_rows: list[_Row]
    changed_rows: list[Any]  # Deadline, or _Row in a recompute of many
    removed: list[Any]
    changes: list[DeadlineChange]
    current: list[Any]  # every row the case keeps, for its next deadline


# The columns a recompute writes (stored_values' keys): every column but the key and the time.
_STORED = tuple(
    field.attname
    for field in Deadline._meta.concrete_fields
    if field.attname not in ("id", "case_id", "code", "computed_at")
)


class _Row:
    """A deadline as plain values: one read back (a recompute of many cases reads tens of
    thousands and changes few) or one to add. What `_plan` and `next_deadline_of` need of a
    Deadline, without building model instances."""

    def __init__(self, pk: int | None, case_id: int, code: str, stored: dict[str, Any]) -> None:
        self.pk, self.case_id, self.code, self.stored = pk, case_id, code, stored

    def __getattr__(self, name: str) -> Any:  # the stored columns ("due", "met_on"...)
        try:
            return self.__dict__["stored"][name]
        except KeyError:
            raise AttributeError(name) from None

    @classmethod
    def read(cls, values: tuple[Any, ...]) -> _Row:
        pk, case_id, code, *stored = values
        return cls(pk, case_id, code, dict(zip(_STORED, stored, strict=True)))


def _plan(case: Case, computed: list[ComputedDeadline], existing: list[Any]) -> _Plan:
    """The plan for one case. `existing` holds its stored deadlines (Deadline instances or
    `_Row`s); rows to change are changed in place; new rows are `_Row`s."""
    by_code = {row.code: row for row in existing}
    plan = _Plan([], [], [], [], [])
    kept: set[str] = set()
    for item, values in stored_values(case, computed):
        kept.add(item.code)
        row = by_code.get(item.code)
        if row is None:
            plan.new_rows.append(_Row(None, case.pk, item.code, values))
            plan.changes.append(DeadlineChange(item.code, None, item.due))
            continue
        if row.due != item.due:
            plan.changes.append(DeadlineChange(item.code, row.due, item.due))
        if isinstance(row, _Row):
            if row.stored != values:
                row.stored = values
                plan.changed_rows.append(row)
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            plan.changed_rows.append(row)
    for code, row in by_code.items():
        if code not in kept:
            plan.removed.append(row)
            plan.changes.append(DeadlineChange(code, row.due, None))
    plan.current = [row for code, row in by_code.items() if code in kept] + plan.new_rows
    return plan


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
    plan = _plan(case, computed, list(Deadline.objects.filter(case=case)))
    for row in plan.changed_rows:
        row.save()
    Deadline.objects.bulk_create(
        Deadline(case_id=row.case_id, code=row.code, **row.stored) for row in plan.new_rows
    )
    if plan.removed:
        Deadline.objects.filter(pk__in=[row.pk for row in plan.removed]).delete()
    timeline_lines(
        case=case, by=by, summaries=_change_lines(plan.changes, reason), kind=TimelineKind.DEADLINE
    )
    _update_next_deadline(case, plan.current)
    return plan.changes


def _change_lines(changes: list[DeadlineChange], reason: str) -> list[str]:
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
    return lines


def _update_next_deadline(case: Case, deadlines: list[Deadline]) -> None:
    due, code = next_deadline_of(deadlines)
    if (case.next_deadline_due, case.next_deadline_code) != (due, code):
        Case.objects.filter(pk=case.pk).update(next_deadline_due=due, next_deadline_code=code)
        case.next_deadline_due, case.next_deadline_code = due, code


# Many cases at once ---------------------------------------------------------------------------

RECALCULATE_BATCH = 1000  # cases read, computed and written per transaction


@dataclass
class RecalculationSummary:
    """What a recompute of many cases did: cases checked, cases whose deadlines changed, and
    every change of date by case (moved, set and removed deadlines)."""

    cases_checked: int = 0
    cases_changed: int = 0
    changes: dict[int, list[DeadlineChange]] = field(default_factory=dict)  # by case id
    references: dict[int, str] = field(default_factory=dict)  # of the changed cases

    @property
    def moved(self) -> int:
        return sum(
            1
            for changes in self.changes.values()
            for change in changes
            if change.old is not None and change.new is not None
        )


def deadlines_recalculate_many(
    *,
    cases: QuerySet[Case],
    reason: str,
    detail: dict[str, Any] | None = None,
    calendar: WorkingCalendar | None = None,
    batch_size: int = RECALCULATE_BATCH,
    on_batch: Callable[[RecalculationSummary], None] | None = None,
) -> RecalculationSummary:
    """`deadline_recalculate` for every case of `cases` (in order of id), in batches: the
    cases, their agreed actions and their stored deadlines are read in one query each per
    batch, the clocks worked out in memory, and only what changed written, in bulk (ADR 0051).

    The stored deadlines, the next deadline of each case and the history lines are exactly
    what `deadline_recalculate` gives case by case (a test compares both). This is the
    system's work, not a person's (a calendar change, a new release of the bank holidays):
    the history lines have no staff member, and each batch that changed anything writes one
    audit event, `deadlines.recalculated`, by the system, naming the cases it changed and the
    `reason` (with `detail`, for example the calendar change). Each batch is one transaction,
    so a recompute that stops part way can be run again: it finds only what is left to do.
    """
    calendar = calendar or service_calendar()
    summary = RecalculationSummary()
    ids = list(cases.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        _recalculate_batch(ids[start : start + batch_size], calendar, reason, detail or {}, summary)
        if on_batch is not None:
            on_batch(summary)
    return summary


@transaction.atomic
def _recalculate_batch(
    ids: list[int],
    calendar: WorkingCalendar,
    reason: str,
    detail: dict[str, Any],
    summary: RecalculationSummary,
) -> None:
    batch = list(Case.objects.filter(ids_in("pk", ids, model=Case)).order_by("pk"))
    actions = agreed_actions_of_many(batch)
    existing: dict[int, list[Any]] = {case.pk: [] for case in batch}
    for values in Deadline.objects.filter(ids_in("case_id", ids, model=Deadline)).values_list(
        "pk", "case_id", "code", *_STORED
    ):
        row = _Row.read(values)
        existing[row.case_id].append(row)
    now = timezone.now()
    new_rows: list[_Row] = []
    changed_rows: list[_Row] = []
    removed: list[int] = []
    lines: list[tuple[int, str]] = []
    next_changed: list[Case] = []
    changed_cases: list[int] = []
    for case in batch:
        computed, _warnings = compute_for_case(case, calendar, actions=actions[case.pk])
        plan = _plan(case, computed, existing[case.pk])
        new_rows += plan.new_rows
        changed_rows += plan.changed_rows
        removed += [row.pk for row in plan.removed]
        lines += [(case.pk, line) for line in _change_lines(plan.changes, reason)]
        due, code = next_deadline_of(plan.current)
        if (case.next_deadline_due, case.next_deadline_code) != (due, code):
            case.next_deadline_due, case.next_deadline_code = due, code
            next_changed.append(case)
        if plan.changes or plan.changed_rows:
            changed_cases.append(case.pk)
            summary.changes[case.pk] = plan.changes
            summary.references[case.pk] = case.reference
    insert_rows(
        Deadline,
        ("case_id", "code", *_STORED, "computed_at"),
        ((row.case_id, row.code, *(row.stored[n] for n in _STORED), now) for row in new_rows),
    )
    update_rows(
        Deadline,
        "id",
        (*_STORED, "computed_at"),
        ((row.pk, *(row.stored[n] for n in _STORED), now) for row in changed_rows),
    )
    if removed:
        Deadline.objects.filter(pk__in=removed).delete()
    update_rows(
        Case,
        "id",
        ("next_deadline_due", "next_deadline_code"),
        ((case.pk, case.next_deadline_due, case.next_deadline_code) for case in next_changed),
    )
    timeline_lines_many(lines=lines, by=None, kind=TimelineKind.DEADLINE)
    summary.cases_checked += len(batch)
    summary.cases_changed += len(changed_cases)
    if changed_cases:
        audit_record(
            actor=None,
            verb="deadlines.recalculated",
            detail={
                **detail,
                "reason": reason,
                "cases_checked": len(batch),
                "case_ids": changed_cases,
                "deadlines_changed": sum(len(summary.changes[pk]) for pk in changed_cases),
            },
        )


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
    move) and record which deadlines moved. Returns the number of cases checked.

    The recompute is the system's (deadlines_recalculate_many): the person who added or removed
    the day is named by the day's own audit event, and each batch's audit event names the
    change."""
    change = CalendarChange.objects.get(pk=change_id)
    with_deadlines_after = (
        Deadline.objects.filter(due__gte=change.day)
        .exclude(case__status=CaseState.CLOSED)
        .values("case_id")
    )
    summary = deadlines_recalculate_many(
        cases=Case.objects.filter(pk__in=with_deadlines_after),
        reason=change.description,
        detail={"calendar_change": change.pk},
    )
    moved: list[dict[str, str]] = []
    for case_id, changes in summary.changes.items():
        for item in changes:
            if item.old is not None and item.new is not None:
                moved.append(
                    {
                        "case": summary.references[case_id],
                        "code": item.code,
                        "label": deadline_label(item.code),
                        "old": item.old.isoformat(),
                        "new": item.new.isoformat(),
                    }
                )
    CalendarChange.objects.filter(pk=change.pk).update(
        status=CalendarChange.Status.DONE, moved=moved, cases_checked=summary.cases_checked
    )
    return summary.cases_checked
