"""Computing, storing and recomputing a case's statutory deadlines.

All arithmetic is done by mediation.domain.deadlines; this module turns a Case into CaseFacts,
builds the service's working calendar (England & Wales bank holidays plus closure days), stores
the results, records every change of date in the case's history, and keeps the case's
`next_deadline_due` for the work queues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.bank_holidays import england_and_wales_holidays
from mediation.cases.models import Case
from mediation.deadlines.labels import deadline_label
from mediation.deadlines.models import CalendarChange, ClosureDay, Deadline
from mediation.domain.calendar import WorkingCalendar
from mediation.domain.case_states import CaseState
from mediation.domain.dates import format_day
from mediation.domain.deadlines import (
    MEETING_NOTICE_WORKING_DAYS,
    AgreedAction,
    CaseEvent,
    CaseFacts,
    DeadlineCode,
    agreed_action_code,
    compute_deadlines,
    meeting_confirmation_latest,
)
from mediation.domain.decisions import APPEALABLE_DECISIONS
from mediation.timeline.models import TimelineKind
from mediation.timeline.services import timeline_lines

MEETING_CONFIRMATION_CODE = "meeting_confirmation_by"
AGREED_ACTION_PREFIX = agreed_action_code("")


def is_agreed_action_code(code: str) -> bool:
    """True for "agreed_action_due:<id>", the deadline of one agreed action."""
    return code.startswith(AGREED_ACTION_PREFIX)


# Which case field records that each deadline was met. The appeal deadline is the family's,
# not the service's, so it is shown but never "met" by the service or put in the work queue.
MET_BY: dict[str, str] = {
    DeadlineCode.ADVISER_CONTACT_WINDOW_ENDS: "adviser_contacted_on",
    DeadlineCode.CERTIFICATE_DUE_AFTER_DECLINE: "certificate_issued_on",
    DeadlineCode.HEALTH_BODIES_NOTIFIED_BY: "health_body_notified_on",
    DeadlineCode.MEDIATION_BY: "mediation_held_on",
    DeadlineCode.CERTIFICATE_DUE_DEEMED: "certificate_issued_on",
    DeadlineCode.CERTIFICATE_DUE_AFTER_MEDIATION: "certificate_issued_on",
    DeadlineCode.OUTCOME_STATEMENT_CIRCULATED_BY: "outcome_circulated_on",
    MEETING_CONFIRMATION_CODE: "meeting_confirmation_sent_on",
}

# Deadlines the service acts on (or chases the LA about): these order the work queues, with
# every agreed action's deadline (see `is_work_queue_code` and `work_queue_q`).
WORK_QUEUE_CODES = frozenset(MET_BY) - {DeadlineCode.ADVISER_CONTACT_WINDOW_ENDS}


def is_met_by_the_service(code: str) -> bool:
    """True for deadlines the service (or the LA it chases) meets: those in MET_BY, and every
    agreed action (met by the action's own done date, see `compute_for_case`). False for the
    family's own appeal deadline."""
    return code in MET_BY or is_agreed_action_code(code)


def is_work_queue_code(code: str) -> bool:
    return code in WORK_QUEUE_CODES or is_agreed_action_code(code)


def work_queue_q(prefix: str = "") -> Q:
    """A filter on Deadline rows (or `prefix` + "code" through a relation) for the work queue."""
    return Q(**{f"{prefix}code__in": WORK_QUEUE_CODES}) | Q(
        **{f"{prefix}code__startswith": AGREED_ACTION_PREFIX}
    )


EVENT_FIELDS: dict[CaseEvent, str] = {
    CaseEvent.ADVISER_CONTACTED: "adviser_contacted_on",
    CaseEvent.MEDIATION_DECLINED: "mediation_declined_on",
    CaseEvent.LA_INFORMED: "la_informed_on",
    CaseEvent.HEALTH_BODY_NOTIFIED: "health_body_notified_on",
    CaseEvent.LA_UNABLE_TO_ARRANGE_NOTIFIED: "la_unable_to_arrange_notified_on",
    CaseEvent.MEDIATION_HELD: "mediation_held_on",
    CaseEvent.MEDIATION_CONCLUDED: "mediation_concluded_on",
    CaseEvent.CERTIFICATE_ISSUED: "certificate_issued_on",
    CaseEvent.AGREEMENT_MADE: "agreement_made_on",
}

# Bank-holiday data is computed once per process for a fixed span of years.
_FIRST_YEAR, _YEARS_AHEAD = 2010, 6


@cache
def _bank_holidays(last_year: int) -> dict[date, str]:
    return england_and_wales_holidays(range(_FIRST_YEAR, last_year + 1))


def service_calendar() -> WorkingCalendar:
    """Working days for this service: England & Wales bank holidays plus its closure days."""
    holidays = dict(_bank_holidays(timezone.localdate().year + _YEARS_AHEAD))
    holidays.update({c.day: c.name for c in ClosureDay.objects.all()})
    return WorkingCalendar(holidays=holidays)


@dataclass(frozen=True)
class ActionFacts:
    """What the clocks need of one agreed action, and its done date (which meets it)."""

    id: str
    kind: str
    agreed_due: date | None
    done_on: date | None


def agreed_actions_of(case: Case) -> list[ActionFacts]:
    """The actions of the case's final outcome statement, in order (one query).

    Actions in a draft statement are not agreed yet, so they have no clock; the statement page
    shows what their dates would be (mediation.outcomes.selectors).
    """
    from mediation.outcomes.models import AgreedAction as ActionRow
    from mediation.outcomes.models import OutcomeStatement

    if not case.outcome:
        # Making a statement final records the case's outcome first (mediation.outcomes), so a
        # case with no outcome has no agreed actions: no query.
        return []
    rows = (
        ActionRow.objects.filter(case=case, statement__status=OutcomeStatement.Status.FINAL)
        .order_by("position", "id")
        .values_list("pk", "kind", "agreed_due", "varied_due", "done_on")
    )
    return [
        ActionFacts(str(pk), kind, varied or agreed, done)
        for pk, kind, agreed, varied, done in rows
    ]


def case_facts(case: Case, *, actions: list[ActionFacts] | None = None) -> CaseFacts | None:
    """The facts the clocks need, or None where no statutory clock applies (no appeal right,
    or the date the decision notice was sent is not known yet).

    `actions` defaults to the agreed actions of the case's final outcome statement.
    """
    if case.decision_type not in APPEALABLE_DECISIONS or case.notice_sent_on is None:
        return None
    if actions is None:
        actions = agreed_actions_of(case)
    issues = {
        name
        for name, flag in (
            ("education", case.issue_education),
            ("health", case.issue_health),
            ("social_care", case.issue_social_care),
        )
        if flag
    } or {"education"}
    return CaseFacts(
        decision_type=case.decision_type,
        notice_sent=case.notice_sent_on,
        section_i_only=case.section_i_only,
        issues=frozenset(issues),
        events={event: getattr(case, name) for event, name in EVENT_FIELDS.items()},
        agreed_actions=tuple(AgreedAction(a.id, a.kind, a.agreed_due) for a in actions),
    )


@dataclass(frozen=True)
class ComputedDeadline:
    code: str
    due: date
    rule: str
    runs_from: str
    explanation: str
    # Agreed actions only: the day the action was done, which meets its deadline.
    met_on: date | None = None


@dataclass(frozen=True)
class DeadlineChange:
    code: str
    old: date | None
    new: date | None


def compute_for_case(
    case: Case, calendar: WorkingCalendar, *, actions: list[ActionFacts] | None = None
) -> tuple[list[ComputedDeadline], list[str]]:
    """Every deadline of the case and the engine's warnings (reads only the case's agreed
    actions, unless `actions` gives them: the synthetic data generator computes in bulk)."""
    computed: list[ComputedDeadline] = []
    warnings: list[str] = []
    if case.decision_type in APPEALABLE_DECISIONS and case.notice_sent_on is not None:
        if actions is None:
            actions = agreed_actions_of(case)
        facts = case_facts(case, actions=actions)
        assert facts is not None
        done = {agreed_action_code(a.id): a.done_on for a in actions}
        report = compute_deadlines(facts, calendar)
        warnings = list(report.warnings)
        computed = [
            ComputedDeadline(d.code, d.due, d.rule, d.from_, d.explanation, done.get(d.code))
            for d in report.deadlines
        ]
    if case.meeting_planned_on is not None:
        latest = meeting_confirmation_latest(case.meeting_planned_on, calendar)
        # Letters and emails go out on working days: use the last working day on or before.
        while not calendar.is_working_day(latest):
            latest -= timedelta(days=1)
        computed.append(
            ComputedDeadline(
                code=MEETING_CONFIRMATION_CODE,
                due=latest,
                rule="SEND Regulations 2014 reg 37(2)",
                runs_from="events.meeting_planned",
                explanation=(
                    f"At least {MEETING_NOTICE_WORKING_DAYS} working days' notice before the "
                    f"meeting on {format_day(case.meeting_planned_on)}: send the written "
                    f"confirmation by {format_day(latest)}, unless the family agrees to less"
                ),
            )
        )
    return computed, warnings


@transaction.atomic
def deadline_recalculate(
    *, case: Case, by: User | None = None, reason: str = "", calendar: WorkingCalendar | None = None
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


def stored_values(
    case: Case, computed: list[ComputedDeadline]
) -> list[tuple[ComputedDeadline, dict[str, object]]]:
    """The values a Deadline row stores for each computed deadline, with the day it was met."""
    rows = []
    for position, item in enumerate(computed):
        met_field = MET_BY.get(item.code)
        if is_agreed_action_code(item.code):
            met_on = item.met_on
        else:
            met_on = getattr(case, met_field) if met_field else None
        values = {
            "due": item.due,
            "rule": item.rule,
            "runs_from": item.runs_from,
            "explanation": item.explanation,
            "met_on": met_on,
            "position": position,
        }
        rows.append((item, values))
    return rows


def next_deadline_of(deadlines: list[Deadline]) -> tuple[date | None, str]:
    """The nearest work-queue deadline not yet met: (due, code), or (None, "")."""
    open_tasks = [d for d in deadlines if is_work_queue_code(d.code) and d.met_on is None]
    nearest = min(open_tasks, key=lambda d: (d.due, d.position), default=None)
    return (nearest.due, nearest.code) if nearest else (None, "")


def _record_changes(
    *, case: Case, changes: list[DeadlineChange], by: User | None, reason: str
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
    from mediation.deadlines.tasks import calendar_change_task

    change = CalendarChange.objects.create(description=description, day=day, by=by)
    # After commit, so the task sees the new closure day; the task is idempotent.
    transaction.on_commit(lambda: calendar_change_task.enqueue(change_id=change.pk))
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
