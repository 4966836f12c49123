"""Taking a case along its route in tests, through the one service every page uses."""

from __future__ import annotations

from datetime import date
from typing import Any

from mediation.accounts.models import User
from mediation.cases.models import Case
from mediation.domain.case_states import CaseState, Step
from mediation.workflow.services import case_take_step


def take(case: Case, step: Step, by: User, **data: Any) -> Case:
    """Take one step on the case as it now is."""
    case.refresh_from_db()
    return case_take_step(
        case=case, step=step, by=by, data=data, expected_state=CaseState(case.status)
    )


def to_meeting_held(
    case: Case,
    by: User,
    *,
    informed: date = date(2026, 11, 5),
    meeting: date = date(2026, 11, 20),
    held: date | None = None,
) -> Case:
    """A mediation case with the LA told, the meeting booked and held."""
    case = take(case, Step.INFORM_LA, by, on=informed)
    case = take(case, Step.BOOK_MEETING, by, on=meeting)
    return take(case, Step.RECORD_MEETING_HELD, by, on=held or meeting)


def to_concluded(
    case: Case,
    by: User,
    *,
    outcome: str = "agreed_all",
    on: date = date(2026, 11, 20),
    **dates: Any,
) -> Case:
    """A mediation case whose meeting was held and whose outcome is recorded."""
    case = to_meeting_held(case, by, meeting=on, **dates)
    return take(case, Step.RECORD_OUTCOME, by, on=on, outcome=outcome)
