"""Who may do what with the files and children's views of a case they can already see.

Seeing the case (and so reading and downloading its files and the child's views) is decided
by cases.selectors.access_case. On top of that:
- adding, sharing and removing files belongs to the case officers and managers (and
  administrators), who run the case;
- recording a child's views also to the assigned mediator, who may hear them at a meeting.
"""

from __future__ import annotations

from mediation.accounts.models import User
from mediation.cases.models import Case


def can_manage_uploads(user: User, case: Case) -> bool:  # noqa: ARG001 (same shape as the others)
    return user.sees_all_cases


def can_record_child_views(user: User, case: Case) -> bool:
    return user.sees_all_cases or (case.mediator_id is not None and case.mediator_id == user.pk)
