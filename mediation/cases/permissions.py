"""Who may do what on a case they can already see (seeing it is decided by the selectors)."""

from __future__ import annotations

from mediation.accounts.models import User
from mediation.cases.models import Case
from mediation.domain.case_states import Step

# Steps a mediator takes on their own case; the rest (certificates, closing) belong to the
# case officers and managers, who act as the mediation adviser.
MEDIATOR_STEPS = frozenset({Step.RECORD_CONSENT, Step.RECORD_MEETING_HELD, Step.RECORD_OUTCOME})


def can_take_step(user: User, case: Case, step: Step) -> bool:
    if user.sees_all_cases:
        return True
    return user.is_mediator and case.mediator_id == user.pk and step in MEDIATOR_STEPS


def can_assign_mediator(user: User, case: Case) -> bool:
    return user.can_manage_service and case.is_open


def can_read_mediator_notes(user: User, case: Case) -> bool:
    return case.mediator_id is not None and case.mediator_id == user.pk


def can_link_cases(user: User) -> bool:
    return user.sees_all_cases


def can_set_issues(user: User, case: Case) -> bool:
    """The issues in dispute: the office, and the case's own mediator (who hears them)."""
    return user.sees_all_cases or (case.mediator_id is not None and case.mediator_id == user.pk)


def can_change_la_reference(user: User) -> bool:
    """The office (case officers and managers) records the LA's own reference."""
    return user.sees_all_cases
