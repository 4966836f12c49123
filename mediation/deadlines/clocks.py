"""A case's statutory clocks as the service counts them: what the stored deadlines mean, the
service's working calendar, the facts of a case the engine needs, and the deadlines worked out
from them. Reads only; storing them is mediation.deadlines.services.

All arithmetic is done by mediation.domain.deadlines; this module turns a Case into CaseFacts
and builds the service's working calendar (England & Wales bank holidays plus closure days).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone

from mediation.bank_holidays import england_and_wales_holidays
from mediation.cases.models import Case
from mediation.deadlines.models import ClosureDay, Deadline
from mediation.domain.calendar import WorkingCalendar
from mediation.domain.dates import format_day
from mediation.domain.deadlines import (
    MEETING_NOTICE_WORKING_DAYS,
    ActionKind,
    AgreedAction,
    CaseEvent,
    CaseFacts,
    DeadlineCode,
    DeadlineWarning,
    IssueKind,
    agreed_action_code,
    compute_deadlines,
    meeting_confirmation_latest,
)
from mediation.domain.decisions import APPEALABLE_DECISIONS, DecisionType

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


def bank_holidays() -> dict[date, str]:
    """England & Wales bank holidays from 2010 to six years from now, by day (cached)."""
    return _bank_holidays(timezone.localdate().year + _YEARS_AHEAD)


def service_calendar() -> WorkingCalendar:
    """Working days for this service: England & Wales bank holidays plus its closure days."""
    holidays = dict(bank_holidays())
    holidays.update({c.day: c.name for c in ClosureDay.objects.all()})
    return WorkingCalendar(holidays=holidays)


@dataclass(frozen=True)
class ActionFacts:
    """What the clocks need of one agreed action, and its done date (which meets it)."""

    id: str
    kind: str
    agreed_due: date | None
    done_on: date | None


# The agreed actions are kept by mediation.outcomes, which sits above this app (an action
# belongs to an outcome statement, which belongs to a case), so it is never imported here:
# outcomes hands over its reader when Django starts (OutcomesConfig.ready calls
# `agreed_actions_source`). The clocks need only ActionFacts of the final statement's actions.
AgreedActionsSource = Callable[[Case], list[ActionFacts]]
_agreed_actions: list[AgreedActionsSource] = []


def agreed_actions_source(source: AgreedActionsSource) -> None:
    """Set how the agreed actions of a case are read (called once, by mediation.outcomes)."""
    _agreed_actions[:] = [source]


def agreed_actions_of(case: Case) -> list[ActionFacts]:
    """The actions of the case's final outcome statement, in order (one query, or none when the
    case has no outcome yet). Actions in a draft statement are not agreed, so have no clock."""
    if not _agreed_actions:
        raise ImproperlyConfigured("mediation.outcomes must be installed: it keeps agreed actions")
    return _agreed_actions[0](case)


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
            (IssueKind.EDUCATION, case.issue_education),
            (IssueKind.HEALTH, case.issue_health),
            (IssueKind.SOCIAL_CARE, case.issue_social_care),
        )
        if flag
    } or {IssueKind.EDUCATION}
    return CaseFacts(
        decision_type=DecisionType(case.decision_type),
        notice_sent=case.notice_sent_on,
        section_i_only=case.section_i_only,
        issues=frozenset(issues),
        events={event: getattr(case, name) for event, name in EVENT_FIELDS.items()},
        agreed_actions=tuple(AgreedAction(a.id, ActionKind(a.kind), a.agreed_due) for a in actions),
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


def compute_for_case(
    case: Case, calendar: WorkingCalendar, *, actions: list[ActionFacts] | None = None
) -> tuple[list[ComputedDeadline], list[DeadlineWarning]]:
    """Every deadline of the case and the engine's warnings (reads only the case's agreed
    actions, unless `actions` gives them: the synthetic data generator computes in bulk)."""
    computed: list[ComputedDeadline] = []
    warnings: list[DeadlineWarning] = []
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
