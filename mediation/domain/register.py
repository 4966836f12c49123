"""Whether a mediator's registration is current, due to be renewed, or has lapsed (pure rules).

A SEND mediator stays on a register of mediators (the Civil Mediation Council's, the College of
Mediators', or another the service accepts) by renewing it each year with evidence of practice
and continuing professional development (CPD). The register gives a renewal date: the
registration holds up to and including that day, and has lapsed from the day after. Managers are
told about a renewal coming up a set number of days before it (60 by default), and a mediator
whose registration has lapsed is refused at allocation (mediation.cases.selectors), like one with
a conflict of interest.

Pure standard library: no Django, no clock (`today` is an argument).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

__all__ = ["RENEWAL_NOTICE_DAYS", "Registration", "RegistrationState", "registration_state"]

#: How many days before the renewal date managers see it coming and are reminded.
RENEWAL_NOTICE_DAYS = 60


class RegistrationState(StrEnum):
    NOT_RECORDED = "not_recorded"  # no registration recorded for the mediator
    CURRENT = "current"  # renewal more than the notice period away
    DUE_SOON = "due_soon"  # renewal within the notice period (today included)
    LAPSED = "lapsed"  # the renewal date has passed


@dataclass(frozen=True, slots=True)
class Registration:
    state: RegistrationState
    renews_on: date | None
    # Days from today to the renewal date (negative once lapsed); None when not recorded.
    days_left: int | None

    @property
    def allows_allocation(self) -> bool:
        """A lapsed registration stops new cases; one not recorded is only warned about."""
        return self.state is not RegistrationState.LAPSED


def registration_state(
    renews_on: date | None, today: date, *, notice_days: int = RENEWAL_NOTICE_DAYS
) -> Registration:
    """The state of a registration that must be renewed by `renews_on` (inclusive)."""
    if notice_days < 0:
        raise ValueError("notice_days must be 0 or more")
    if renews_on is None:
        return Registration(RegistrationState.NOT_RECORDED, None, None)
    days_left = (renews_on - today).days
    if days_left < 0:
        state = RegistrationState.LAPSED
    elif renews_on <= today + timedelta(days=notice_days):
        state = RegistrationState.DUE_SOON
    else:
        state = RegistrationState.CURRENT
    return Registration(state, renews_on, days_left)
