"""Who may change parties, attendance, authority and expenses on a case they can already see."""

from __future__ import annotations

from mediation.accounts.models import User
from mediation.cases.models import Case


def can_change_parties(user: User, case: Case) -> bool:  # noqa: ARG001 (same shape as the rest)
    """Case officers, managers and administrators; mediators may only look."""
    return user.sees_all_cases


def can_decide_attendance(user: User, case: Case) -> bool:
    """The mediator's decision under reg 38(1)(c)-(e): the case's own mediator, or a manager
    (administrators act as managers)."""
    if user.can_manage_service:
        return True
    return user.is_mediator and case.mediator_id is not None and case.mediator_id == user.pk
