"""Who may arrange a case's meeting."""

from __future__ import annotations

from mediation.accounts.models import User
from mediation.cases.models import Case
from mediation.cases.permissions import can_take_step
from mediation.domain.case_states import Step


def can_schedule_meeting(user: User, case: Case) -> bool:
    """Offering dates and booking belong to the case officers and managers."""
    return can_take_step(user, case, Step.BOOK_MEETING)
