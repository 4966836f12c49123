"""What a case's recorded facts allow, for the web app: the fact rules of mediation.domain.facts
and the stages of mediation.domain.case_states, applied to a case as it would be after a change.

Every form and every service that records a fact calls `case_change_refusals` with the change it
is about to make, so no path can save what another refuses: a form shows each message next to
its field (`add_to_form`), a service raises `FactsRefused` (a ServiceError naming each field)
before it saves anything. Only what the change makes worse is refused: a violation the case
already had (records from before these rules) does not stop anyone correcting another date.

Two kinds of rule:
- the fact rules (dates in the order the route and the certificate kind require, nothing done
  in the future, agreed-action dates on or after the agreement, a certificate only where the law
  allows one): `mediation.domain.facts.fact_violations`, with the whole case (`complete=True`);
- the stage: an open case's state must be one its facts are consistent with
  (`stages_consistent_with`), so a date that moves a case on is recorded by its step, and a date
  a stage rests on is not removed while the case is at that stage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Final

from django import forms
from django.utils import timezone

from mediation.cases.models import Case, Outcome
from mediation.common.errors import ServiceError
from mediation.deadlines.clocks import (
    ActionFacts,
    agreed_actions_of,
    case_facts,
    outcome_recorded_on,
    service_calendar,
)
from mediation.domain.calendar import WorkingCalendar
from mediation.domain.case_states import (
    STATE_LABELS,
    STEPS,
    CaseSituation,
    CaseState,
    Route,
    Step,
    stages_consistent_with,
)
from mediation.domain.deadlines import compute_deadlines
from mediation.domain.decisions import APPEALABLE_DECISIONS
from mediation.domain.facts import ActionDates, Fact, Violation, fact_violations

#: The case's date fields, by the fact each records.
CASE_DATE_FIELDS: Final[Mapping[Fact, str]] = {
    Fact.NOTICE_SENT: "notice_sent_on",
    Fact.ADVISER_CONTACTED: "adviser_contacted_on",
    Fact.MEDIATION_DECLINED: "mediation_declined_on",
    Fact.LA_INFORMED: "la_informed_on",
    Fact.HEALTH_BODY_NOTIFIED: "health_body_notified_on",
    Fact.LA_UNABLE_TO_ARRANGE_NOTIFIED: "la_unable_to_arrange_notified_on",
    Fact.EVERYONE_AGREED: "everyone_agreed_on",
    Fact.LA_DECISION_CHANGED: "la_decision_changed_on",
    Fact.MEETING_DATE: "meeting_planned_on",
    Fact.MEETING_CONFIRMATION_SENT: "meeting_confirmation_sent_on",
    Fact.MEDIATION_HELD: "mediation_held_on",
    Fact.MEDIATION_CONCLUDED: "mediation_concluded_on",
    Fact.OUTCOME_CIRCULATED: "outcome_circulated_on",
    Fact.CERTIFICATE_ISSUED: "certificate_issued_on",
    Fact.AGREEMENT_MADE: "agreement_made_on",
    Fact.HEALTH_BODY_TOLD_LA: "health_body_told_la_on",
}
#: The case field of each fact that is not a date, and of each date (`field_of`).
CASE_FIELDS: Final[Mapping[Fact, str]] = {
    **CASE_DATE_FIELDS,
    Fact.CERTIFICATE_KIND: "certificate_kind",
    Fact.LA_NOT_A_PARTY: "la_not_a_party",
}
FACT_OF_FIELD: Final[Mapping[str, Fact]] = {name: fact for fact, name in CASE_FIELDS.items()}

# The event dates a person may record on a case, with the words used in its history.
KEY_DATE_LABELS: dict[str, str] = {
    "notice_sent_on": "Decision notice sent",
    "adviser_contacted_on": "Family contacted the mediation adviser",
    "mediation_declined_on": "Family said they do not want mediation",
    "la_informed_on": "LA told that the family wants mediation",
    "health_body_notified_on": "Health commissioning body told",
    "la_unable_to_arrange_notified_on": "LA said it cannot arrange mediation within 30 days",
    "meeting_planned_on": "Meeting date",
    "meeting_confirmation_sent_on": "Written confirmation of the meeting sent",
    "mediation_held_on": "Mediation held",
    "mediation_concluded_on": "Mediation concluded",
    "outcome_circulated_on": "Outcome statement sent out",
    "certificate_issued_on": "Certificate issued",
    "agreement_made_on": "Mediation agreement made",
    "health_body_told_la_on": "Health body told the LA about the agreement",
}

# The fields that decide a case's stage, with the step that records each (for the message when
# a date would move the case on without its step).
_STAGE_FIELDS: Final[Mapping[str, Step | None]] = {
    "la_informed_on": Step.INFORM_LA,
    "meeting_planned_on": Step.BOOK_MEETING,
    "mediation_held_on": Step.RECORD_MEETING_HELD,
    "mediation_declined_on": Step.FAMILY_WITHDRAWS,
    "la_unable_to_arrange_notified_on": Step.RECORD_LA_UNABLE,
    "certificate_issued_on": Step.ISSUE_CERTIFICATE,
    "everyone_agreed_on": Step.RECORD_CONSENT,
    "outcome": Step.RECORD_OUTCOME,
    "certificate_kind": Step.ISSUE_CERTIFICATE,
}


class FactsRefused(ServiceError):
    """A change refused because the case could not then be true; each message names its field
    (the case field, such as "certificate_issued_on", or an agreed-action field)."""

    def __init__(self, violations: Sequence[tuple[str, str]]) -> None:
        super().__init__(field_messages=violations)


@dataclass(frozen=True)
class Refusal:
    """One thing a change would make untrue: the case field (or action field) it is about,
    the fact, and the message in words."""

    field: str
    message: str
    fact: Fact | None = None
    # The earlier date of a date-order rule ("" if none): a form that changed that date shows
    # the message next to it when it does not have `field`.
    other: str = ""


def field_of(violation: Violation) -> str:
    """The case field a violation belongs to ("certificate_issued_on"), or the action field
    ("action_due", "action_done", ...) for an agreed action's dates."""
    return CASE_FIELDS.get(violation.field, violation.field.value)


def _key(violation: Violation) -> tuple[Fact, str, Fact | None, str | None]:
    return (violation.field, violation.kind, violation.other, violation.action_id)


def action_dates(actions: Sequence[ActionFacts]) -> list[ActionDates]:
    """The fact rules' view of the agreed actions of a final outcome statement."""
    return [
        ActionDates(
            id=a.id,
            due=a.agreed_due,
            done_on=a.done_on,
            name=f"agreed action {a.id}",
            no_plan_notice_on=a.no_plan_notice_on,
            final_plan_sent_on=a.final_plan_sent_on,
        )
        for a in actions
    ]


def _health_only(values: Mapping[str, Any]) -> bool:
    return bool(values["issue_health"]) and not (
        values["issue_education"] or values["issue_social_care"]
    )


_OTHER_FIELDS = (
    "issue_education",
    "issue_health",
    "issue_social_care",
    "outcome",
    "decision_type",
    "section_i_only",
    "short_notice_agreed",
    "status",
)


def _values(case: Case, changes: Mapping[str, Any]) -> dict[str, Any]:
    names = (*CASE_FIELDS.values(), *_OTHER_FIELDS)
    values = {name: getattr(case, name) for name in names}
    values.update({name: value for name, value in changes.items() if name in values})
    return values


def _violations(
    case: Case,
    values: Mapping[str, Any],
    *,
    actions: Sequence[ActionDates],
    outcome_recorded: date | None,
    today: date,
) -> list[Violation]:
    dates: dict[Fact, date | None] = {fact: values[name] for fact, name in CASE_DATE_FIELDS.items()}
    dates[Fact.OUTCOME_RECORDED] = outcome_recorded
    return fact_violations(
        dates,
        today=today,
        route=case.route,
        certificate_kind=values["certificate_kind"] or None,
        health_only=_health_only(values),
        actions=actions,
        complete=True,
        la_not_a_party=values["la_not_a_party"],
    )


def situation_of(
    case: Case,
    values: Mapping[str, Any] | None = None,
    *,
    calendar: WorkingCalendar | None = None,
    actions: list[ActionFacts] | None = None,
) -> CaseSituation:
    """The facts that decide a case's stage and its steps, for the case as it is or, with
    `values` (from `_values`), as it would be after a change."""
    values = values if values is not None else _values(case, {})
    probe = replace_case(case, values)
    facts = case_facts(probe, actions=actions)
    allowed = (
        compute_deadlines(facts, calendar or service_calendar()).certificate_allowed
        if facts
        else False
    )
    appealable = values["decision_type"] in APPEALABLE_DECISIONS
    return CaseSituation(
        route=Route(case.route),
        state=CaseState(values["status"]),
        certificate_required=appealable and not values["section_i_only"],
        certificate_allowed=allowed,
        certificate_issued=values["certificate_issued_on"] is not None,
        health_issues=bool(values["issue_health"]),
        health_only=_health_only(values),
        health_body_notified=values["health_body_notified_on"] is not None,
        la_unable_notified=values["la_unable_to_arrange_notified_on"] is not None,
        mediation_held=values["mediation_held_on"] is not None,
        everyone_agreed=values["everyone_agreed_on"] is not None,
        agreement_reached=values["outcome"] in {Outcome.AGREED_ALL, Outcome.AGREED_PART},
        la_informed=values["la_informed_on"] is not None,
        # Booked and not yet held: the same as the meeting panel (workflow.selectors).
        meeting_booked=values["meeting_planned_on"] is not None
        and values["mediation_held_on"] is None,
        mediation_declined=values["mediation_declined_on"] is not None,
        outcome_recorded=bool(values["outcome"]),
        certificate_kind=values["certificate_kind"] or "",
        # The booked day (booking and moving on the meeting pages keep it): not held before it.
        meeting_day=values["meeting_planned_on"],
        today=timezone.localdate(),
    )


def replace_case(case: Case, values: Mapping[str, Any]) -> Case:
    """An unsaved copy of the case with `values` put in (for working out what would be)."""
    probe = Case(**{f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields})
    for name, value in values.items():
        setattr(probe, name, value)
    probe._state.adding = False
    return probe


def _stage_refusals(
    case: Case, before: Mapping[str, Any], after: Mapping[str, Any], situation: CaseSituation
) -> list[Refusal]:
    """An open case must stay at a stage its facts fit: a date that moves it on is recorded by
    its step; a date its stage rests on is not removed while it is at that stage."""
    state = CaseState(after["status"])
    if state is CaseState.CLOSED or state in stages_consistent_with(situation):
        return []
    refusals = []
    for name, step in _STAGE_FIELDS.items():
        was, now = before[name], after[name]
        if bool(was) == bool(now):
            continue
        fact = FACT_OF_FIELD.get(name)
        if now and step is not None:
            message = (
                f"This moves the case on: record it with the step “{STEPS[step].label}”, "
                "on the case page."
            )
        else:
            message = (
                f"This cannot be removed while the case is at “{STATE_LABELS[state]}”: the "
                "stage rests on it."
            )
        refusals.append(Refusal(name, message, fact))
    if not refusals:
        refusals.append(
            Refusal(
                "",
                f"The case could not then be at “{STATE_LABELS[state]}”: check the dates "
                "against the stage.",
            )
        )
    return refusals


def case_change_refusals(
    case: Case,
    changes: Mapping[str, Any] | None = None,
    *,
    actions: Sequence[ActionDates] | None = None,
    actions_before: Sequence[ActionDates] | None = None,
    outcome_recorded: date | None | bool = True,
    today: date | None = None,
    check_stage: bool = True,
    calendar: WorkingCalendar | None = None,
) -> list[Refusal]:
    """What the case could not then be, were `changes` (case field -> value, the status too)
    made to it: only what the change makes worse, each with its field and message ([] if the
    change is fine).

    `actions` are the agreed actions as they would be (the final statement's by default) and
    `actions_before` as they are; `outcome_recorded` the day the outcome statement would be
    final (True: as it is).
    """
    changes = dict(changes or {})
    today = today or timezone.localdate()
    stored_actions = agreed_actions_of(case)
    current_actions = action_dates(stored_actions)
    after_actions = list(actions) if actions is not None else current_actions
    before_actions = list(actions_before) if actions_before is not None else current_actions
    recorded_now = outcome_recorded_on(case)
    recorded_then = recorded_now if outcome_recorded is True else outcome_recorded
    assert recorded_then is None or isinstance(recorded_then, date)
    before = _values(case, {})
    after = _values(case, changes)
    old = {
        _key(v)
        for v in _violations(
            case, before, actions=before_actions, outcome_recorded=recorded_now, today=today
        )
    }
    new = [
        v
        for v in _violations(
            case, after, actions=after_actions, outcome_recorded=recorded_then, today=today
        )
        if _key(v) not in old
    ]
    refusals = [
        Refusal(field_of(v), v.message, v.field, CASE_FIELDS.get(v.other, "") if v.other else "")
        for v in new
    ]
    if check_stage and not refusals:
        situation = situation_of(case, after, calendar=calendar, actions=stored_actions)
        refusals.extend(_stage_refusals(case, before, after, situation))
    return refusals


def refuse(refusals: Sequence[Refusal]) -> None:
    """Raise FactsRefused for the refusals, if any: a service calls it before saving."""
    if refusals:
        raise FactsRefused([(r.field, r.message) for r in refusals])


def add_to_form(
    form: forms.Form, refusals: Sequence[Refusal], fields: Mapping[str, str] | None = None
) -> None:
    """Show each refusal next to the form's field for it: `fields` maps the case field (or an
    action field) to the form's field; one the form does not have goes to the error summary."""
    mapping = fields or {}
    for refusal in refusals:
        target: str | None = mapping.get(refusal.field, refusal.field)
        if target not in form.fields and refusal.other:
            target = mapping.get(refusal.other, refusal.other)
        if target not in form.fields:
            target = None
        if refusal.message not in form.errors.get(target or "__all__", []):
            form.add_error(target, refusal.message)


def draft_action(
    action_id: str, *, due: date | None, done_on: date | None = None, agreed_on: date | None
) -> ActionDates:
    """An action of a draft outcome statement, checked against the day it is agreed (the
    agreement, or the meeting while there is none yet)."""
    return ActionDates(
        id=action_id, due=due, done_on=done_on, agreed_on=agreed_on, name="this action"
    )


def with_action(actions: Sequence[ActionDates], changed: ActionDates) -> list[ActionDates]:
    """The actions with `changed` in place of the one with its id (or added)."""
    others = [a for a in actions if a.id != changed.id]
    return [*others, changed]


def replace_action(action: ActionDates, **values: Any) -> ActionDates:
    return replace(action, **values)
