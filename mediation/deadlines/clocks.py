"""A case's statutory clocks as the service counts them: what the stored deadlines mean, the
service's working calendar, the facts of a case the engine needs, and the deadlines worked out
from them. Reads only; storing them is mediation.deadlines.services.

All arithmetic is done by mediation.domain.deadlines (deadline contract version 2, the same
engine as the `mediation-deadlines` command); this module turns a Case into CaseFacts and builds
the service's working calendar: England & Wales bank holidays and proclaimed days as holidays,
the service's own closure days apart (they never move the family's appeal deadline).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone

from mediation.bank_holidays import england_and_wales_holidays
from mediation.cases.models import Case
from mediation.deadlines.models import ClosureDay, Deadline
from mediation.domain.calendar import WorkingCalendar
from mediation.domain.deadlines import (
    ActionKind,
    AgreedAction,
    CaseEvent,
    CaseFacts,
    DeadlineCode,
    DeadlineWarning,
    FollowUpStep,
    IssueKind,
    agreed_action_code,
    case_follow_up_milestones,
    compute_deadlines,
    follow_up_milestone_code,
)
from mediation.domain.decisions import APPEALABLE_DECISIONS, DecisionType

#: The first step of every agreed action: "agreed_action_due:<id>" (reg 42(2)/(3)/(5)).
AGREED_ACTION_PREFIX = agreed_action_code("")
#: Every deadline of an agreed action: its first step and reg 44(2)'s later steps
#: ("agreed_action_no_plan_notice_by:<id>", "agreed_action_final_plan_by:<id>").
ANY_AGREED_ACTION_PREFIX = "agreed_action_"
FOLLOW_UP_PREFIXES: dict[FollowUpStep, str] = {
    step: follow_up_milestone_code(step, "") for step in FollowUpStep
}


def is_agreed_action_code(code: str) -> bool:
    """True for every deadline of an agreed action: its first step and its follow-ups."""
    return code.startswith(ANY_AGREED_ACTION_PREFIX)


def follow_up_step_of(code: str) -> FollowUpStep | None:
    """The reg 44(2) later step a deadline code is for, or None for any other code."""
    return next(
        (step for step, prefix in FOLLOW_UP_PREFIXES.items() if code.startswith(prefix)), None
    )


def action_id_of(code: str) -> str:
    """The agreed action's id in one of its deadline codes ("agreed_action_due:12" -> "12")."""
    return code.split(":", 1)[1] if is_agreed_action_code(code) else ""


# Which case field records that each deadline was met. The appeal deadline is the family's,
# not the service's, so it is shown but never "met" by the service or put in the work queue.
MET_BY: dict[str, str] = {
    DeadlineCode.ADVISER_CONTACT_WINDOW_ENDS: "adviser_contacted_on",
    DeadlineCode.CERTIFICATE_DUE_AFTER_DECLINE: "certificate_issued_on",
    DeadlineCode.HEALTH_BODIES_NOTIFIED_BY: "health_body_notified_on",
    DeadlineCode.MEDIATION_BY: "mediation_held_on",
    DeadlineCode.MEETING_NOTICE_BY: "meeting_confirmation_sent_on",
    DeadlineCode.CERTIFICATE_DUE_DEEMED: "certificate_issued_on",
    DeadlineCode.CERTIFICATE_DUE_AFTER_MEDIATION: "certificate_issued_on",
    DeadlineCode.OUTCOME_STATEMENT_CIRCULATED_BY: "outcome_circulated_on",
    DeadlineCode.HEALTH_BODY_TELLS_LA_BY: "health_body_told_la_on",
}

# Deadlines the service acts on (or chases the LA about): these order the work queues, with
# every agreed action's deadlines (see `is_work_queue_code` and `work_queue_q`).
WORK_QUEUE_CODES = frozenset(MET_BY) - {DeadlineCode.ADVISER_CONTACT_WINDOW_ENDS}


def is_met_by_the_service(code: str) -> bool:
    """True for deadlines the service (or the LA it chases) meets: those in MET_BY, and every
    agreed action (met by the action's own dates, see `compute_for_case`). False for the
    family's own appeal deadline."""
    return code in MET_BY or is_agreed_action_code(code)


def is_work_queue_code(code: str) -> bool:
    return code in WORK_QUEUE_CODES or is_agreed_action_code(code)


def work_queue_q(prefix: str = "") -> Q:
    """A filter on Deadline rows (or `prefix` + "code" through a relation) for the work queue:
    the service's deadlines and every agreed action's, except those set aside (an assessment's
    other outcome, or a reg 44(3) exception)."""
    return (
        Q(**{f"{prefix}code__in": WORK_QUEUE_CODES})
        | Q(**{f"{prefix}code__startswith": ANY_AGREED_ACTION_PREFIX})
    ) & Q(**{f"{prefix}set_aside": ""})


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
    CaseEvent.MEETING_DATE: "meeting_planned_on",
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
    """Working days for this service (one query): England & Wales bank holidays and any
    proclaimed day as holidays, and the service's own closure days apart, so that the engine
    counts the family's appeal deadline on the Tribunal's working days (contract version 2)."""
    holidays = dict(bank_holidays())
    closure_days: dict[date, str] = {}
    for day, name, kind in ClosureDay.objects.values_list("day", "name", "kind"):
        if kind == ClosureDay.Kind.CLOSURE:
            closure_days[day] = name
        else:
            holidays[day] = name
    return WorkingCalendar(holidays=holidays, closure_days=closure_days)


@dataclass(frozen=True)
class ActionFacts:
    """What the clocks need of one agreed action, and the dates that meet its deadlines: the
    first step (`done_on`) and reg 44(2)'s later steps. `follow_up_exception` is the words of a
    recorded reg 44(3) exception ("" if none): the later limits then do not bind the LA."""

    id: str
    kind: str
    agreed_due: date | None
    done_on: date | None
    no_plan_notice_on: date | None = None
    final_plan_sent_on: date | None = None
    follow_up_exception: str = ""


# The agreed actions are kept by mediation.outcomes, which sits above this app (an action
# belongs to an outcome statement, which belongs to a case), so it is never imported here:
# outcomes hands over its readers when Django starts (OutcomesConfig.ready calls
# `agreed_actions_source`). The clocks need only ActionFacts of the final statement's actions;
# the fact rules also need the day the outcome statement was made final.
AgreedActionsSource = Callable[[Case], list[ActionFacts]]
OutcomeRecordedSource = Callable[[Case], date | None]
_agreed_actions: list[AgreedActionsSource] = []
_outcome_recorded: list[OutcomeRecordedSource] = []


def agreed_actions_source(
    source: AgreedActionsSource, outcome_recorded: OutcomeRecordedSource | None = None
) -> None:
    """Set how the agreed actions of a case, and the day its outcome statement was made final,
    are read (called once, by mediation.outcomes)."""
    _agreed_actions[:] = [source]
    if outcome_recorded is not None:
        _outcome_recorded[:] = [outcome_recorded]


# The same for many cases at once (a recompute of every open case): {case id: actions}, one
# query whatever the number of cases.
AgreedActionsManySource = Callable[[Sequence[Case]], dict[int, list[ActionFacts]]]
_agreed_actions_many: list[AgreedActionsManySource] = []


def agreed_actions_many_source(source: AgreedActionsManySource) -> None:
    """Set how the agreed actions of many cases are read (called once, by mediation.outcomes)."""
    _agreed_actions_many[:] = [source]


def agreed_actions_of_many(cases: Sequence[Case]) -> dict[int, list[ActionFacts]]:
    """`agreed_actions_of` for each case, by case id, in one query."""
    if not _agreed_actions_many:
        raise ImproperlyConfigured("mediation.outcomes must be installed: it keeps agreed actions")
    return _agreed_actions_many[0](cases)


def agreed_actions_of(case: Case) -> list[ActionFacts]:
    """The actions of the case's final outcome statement, in order (one query, or none when the
    case has no outcome yet). Actions in a draft statement are not agreed, so have no clock."""
    if not _agreed_actions:
        raise ImproperlyConfigured("mediation.outcomes must be installed: it keeps agreed actions")
    return _agreed_actions[0](case)


def outcome_recorded_on(case: Case) -> date | None:
    """The day (Europe/London) the case's outcome statement was made final, if it was."""
    if not _outcome_recorded:
        raise ImproperlyConfigured("mediation.outcomes must be installed: it keeps statements")
    return _outcome_recorded[0](case)


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
        short_notice_agreed=case.short_notice_agreed,
        la_not_a_party=case.la_not_a_party,
    )


@dataclass(frozen=True)
class ComputedDeadline:
    code: str
    due: date
    rule: str
    runs_from: str
    explanation: str
    # Agreed actions only: the day the step was done, which meets its deadline.
    met_on: date | None = None
    # Why this deadline no longer binds anyone, in words ("" while it does): the other outcome
    # of an assessment was met, or a reg 44(3) exception was recorded.
    set_aside: str = ""


_SIBLING_MET: dict[FollowUpStep, str] = {
    FollowUpStep.NO_PLAN_NOTICE: "Not needed: the final EHC plan was sent",
    FollowUpStep.FINAL_PLAN: "Not needed: the family was told no EHC plan is needed",
}


def _follow_ups(facts: CaseFacts, actions: list[ActionFacts]) -> list[ComputedDeadline]:
    """Reg 44(2)'s later limits of each agreed action, as stored deadlines (not part of the
    command's output, whose codes the contract fixes)."""
    by_id = {a.id: a for a in actions}
    computed = []
    for milestone in case_follow_up_milestones(facts):
        action = by_id[milestone.action_id]
        met = {
            FollowUpStep.NO_PLAN_NOTICE: action.no_plan_notice_on,
            FollowUpStep.FINAL_PLAN: action.final_plan_sent_on,
        }
        met_on = met[milestone.step]
        set_aside = ""
        if met_on is None and action.follow_up_exception:
            set_aside = f"Exception recorded (reg 44(3)): {action.follow_up_exception}"
        elif (
            met_on is None
            and milestone.either_or
            and any(day is not None for step, day in met.items() if step is not milestone.step)
        ):
            set_aside = _SIBLING_MET[milestone.step]
        computed.append(
            ComputedDeadline(
                milestone.code,
                milestone.due,
                milestone.rule,
                milestone.from_,
                milestone.explanation,
                met_on,
                set_aside,
            )
        )
    return computed


def compute_for_case(
    case: Case, calendar: WorkingCalendar, *, actions: list[ActionFacts] | None = None
) -> tuple[list[ComputedDeadline], list[DeadlineWarning]]:
    """Every deadline of the case (the engine's, then reg 44's later limits of its agreed
    actions) and the engine's warnings (reads only the case's agreed actions, unless `actions`
    gives them: the synthetic data generator computes in bulk)."""
    if case.decision_type not in APPEALABLE_DECISIONS or case.notice_sent_on is None:
        return [], []
    if actions is None:
        actions = agreed_actions_of(case)
    facts = case_facts(case, actions=actions)
    assert facts is not None
    done = {agreed_action_code(a.id): a.done_on for a in actions}
    report = compute_deadlines(facts, calendar)
    computed = [
        ComputedDeadline(d.code, d.due, d.rule, d.from_, d.explanation, done.get(d.code))
        for d in report.deadlines
    ]
    computed.extend(_follow_ups(facts, actions))
    return computed, list(report.warnings)


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
            "set_aside": item.set_aside,
            "position": position,
        }
        rows.append((item, values))
    return rows


def next_deadline_of(deadlines: list[Deadline]) -> tuple[date | None, str]:
    """The nearest work-queue deadline not yet met nor set aside: (due, code), or (None, "")."""
    open_tasks = [
        d for d in deadlines if is_work_queue_code(d.code) and d.met_on is None and not d.set_aside
    ]
    nearest = min(open_tasks, key=lambda d: (d.due, d.position), default=None)
    return (nearest.due, nearest.code) if nearest else (None, "")
