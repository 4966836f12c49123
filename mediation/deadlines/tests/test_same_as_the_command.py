"""The web app shows the same dates as the `mediation-deadlines` command for the same case
(deadline contract version 2): for many random cases, every deadline the app stores is the
command's, with the same due date, rule, "from" and explanation; the app adds only reg 44's later
steps of agreed actions, which the contract leaves out. The cases cover every decision type,
issue mix, event, agreed action kind, service closure days, short notice and the LA not being a
party. `TRUTH_RANDOM_CASES` runs more (300 by default)."""

from __future__ import annotations

import json
import os
import random
from datetime import date, timedelta

import pytest

from mediation.accounts.models import User
from mediation.authorities.models import LocalAuthority
from mediation.cases.models import Case, Outcome
from mediation.cli.deadlines import run
from mediation.deadlines.clocks import EVENT_FIELDS, is_agreed_action_code
from mediation.deadlines.models import ClosureDay, Deadline
from mediation.deadlines.services import deadline_recalculate
from mediation.domain.case_states import CaseState, Route
from mediation.domain.deadlines import ActionKind, CaseEvent
from mediation.domain.decisions import APPEALABLE_DECISIONS
from mediation.outcomes.models import AgreedAction, OutcomeStatement

pytestmark = pytest.mark.django_db

CASES = int(os.environ.get("TRUTH_RANDOM_CASES", "300"))


def _random_case(rng: random.Random, n: int, owner: User, authority: LocalAuthority) -> Case:
    notice = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 800))
    issues = rng.choice(
        [(True, False, False), (True, True, False), (False, True, False), (True, True, True)]
    )
    health_only = issues == (False, True, False)
    values: dict[str, object] = {}
    day = notice
    for name in EVENT_FIELDS.values():
        if rng.random() < 0.45:
            day = day + timedelta(days=rng.randrange(0, 40))
            values[name] = day
    case = Case.objects.create(
        reference=f"MED-2026-{n:05d}",
        route=Route.MEDIATION,
        status=CaseState.ARRANGING,
        local_authority=authority,
        owner=owner,
        child_first_name="Test",
        child_last_name="Child",
        child_date_of_birth=date(2015, 1, 1),
        decision_type=rng.choice(sorted(APPEALABLE_DECISIONS)),
        notice_sent_on=notice,
        section_i_only=rng.random() < 0.1,
        issue_education=issues[0],
        issue_health=issues[1],
        issue_social_care=issues[2],
        short_notice_agreed=rng.random() < 0.3,
        la_not_a_party=health_only and rng.random() < 0.7,
        outcome=Outcome.AGREED_ALL if values.get("agreement_made_on") else "",
        **values,
    )
    if case.outcome:
        statement = OutcomeStatement.objects.create(
            case=case,
            outcome=case.outcome,
            status=OutcomeStatement.Status.FINAL,
            content_hash="x",
            created_by=owner,
        )
        for position in range(rng.randrange(0, 4)):
            agreement = values["agreement_made_on"]
            assert isinstance(agreement, date)
            AgreedAction.objects.create(
                statement=statement,
                case=case,
                position=position,
                what="Something agreed",
                who="la",
                kind=rng.choice(list(ActionKind)).value,
                agreed_due=agreement + timedelta(days=rng.randrange(1, 90))
                if rng.random() < 0.3
                else None,
            )
    return case


def _payload(case: Case, closure_days: list[date]) -> dict[str, object]:
    """The case as the command's input (docs/domain/deadlines-contract.md)."""
    events = {
        event.value: getattr(case, name).isoformat()
        for event, name in EVENT_FIELDS.items()
        if getattr(case, name) is not None
    }
    issues = [
        name
        for name, flag in (
            ("education", case.issue_education),
            ("health", case.issue_health),
            ("social_care", case.issue_social_care),
        )
        if flag
    ]
    actions = [
        {
            "id": str(action.pk),
            "kind": action.kind,
            "agreed_due": action.agreed_due.isoformat() if action.agreed_due else None,
        }
        for action in AgreedAction.objects.filter(case=case).order_by("position", "id")
    ]
    assert case.notice_sent_on is not None
    return {
        "decision": {
            "type": case.decision_type,
            "section_i_only": case.section_i_only,
            "notice_sent": case.notice_sent_on.isoformat(),
        },
        "issues": issues,
        "events": events,
        "agreed_actions": actions,
        "extra_closure_days": [day.isoformat() for day in closure_days],
        "short_notice_agreed": case.short_notice_agreed,
        "la_not_a_party": case.la_not_a_party,
    }


def test_the_app_stores_the_commands_deadlines_for_many_random_cases(manager_sue, local_authority):
    rng = random.Random(18)
    closure_days = sorted(
        {date(2025, 1, 2) + timedelta(days=rng.randrange(0, 900)) for _ in range(25)}
    )
    closure_days = [day for day in closure_days if day.weekday() < 5]
    ClosureDay.objects.bulk_create(
        ClosureDay(day=day, name="Service closed", kind="closure", created_by=manager_sue)
        for day in closure_days
    )
    seen_codes: set[str] = set()
    for n in range(CASES):
        case = _random_case(rng, n, manager_sue, local_authority)
        deadline_recalculate(case=case)
        exit_code, output = run(json.dumps(_payload(case, closure_days)).encode())
        assert exit_code == 0, output
        expected = {d["code"]: d for d in json.loads(output)["deadlines"]}
        stored = {d.code: d for d in Deadline.objects.filter(case=case)}
        app_only = {code for code in stored if is_agreed_action_code(code) and code not in expected}
        assert all(
            code.startswith(("agreed_action_no_plan_notice_by:", "agreed_action_final_plan_by:"))
            for code in app_only
        ), app_only
        assert set(stored) - app_only == set(expected), case.reference
        for code, item in expected.items():
            row = stored[code]
            # The command knows a closure day only as "Service closure day"; the app names it
            # as the manager did. Otherwise the explanations are the same words.
            explanation = row.explanation.replace(": Service closed", ": Service closure day")
            assert (row.due.isoformat(), row.rule, row.runs_from, explanation) == (
                item["due"],
                item["rule"],
                item["from"],
                item["explanation"],
            ), (case.reference, code)
        seen_codes |= set(expected)
    # The random cases reached every clock of the contract, the new ones included.
    assert {
        "meeting_notice_by",
        "health_body_tells_la_by",
        "certificate_due_deemed",
        "appeal_deadline",
    } <= seen_codes
    assert CaseEvent.MEETING_DATE in EVENT_FIELDS
