"""A decision the LA's attendee could not make at the meeting, put to a panel or another decision
maker: what it does to the family's appeal deadline (pure rules, no Django).

The law asks the LA to send someone with authority to resolve the issues (SEND Regulations 2014
reg 37(1)); when its attendee cannot decide, the issue goes to a panel with a date. Nothing in
the law moves the family's appeal deadline for that: it still runs from the decision letter and
the mediation certificate (First-tier Tribunal rules r20(1)(c)). So the family must be told
plainly that waiting for the panel does not give them more time, and what to do if the panel
meets after their deadline: appeal in time anyway (an appeal can be withdrawn if the panel then
agrees).

Pure standard library: no Django, no clock (`today` is an argument).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = ["AppealEffect", "DeferredEffect", "deferred_decision_effect"]


class AppealEffect(StrEnum):
    # The decision has been made (the follow-up was recorded as done).
    DECIDED = "decided"
    # No appeal deadline to speak of: no right of appeal, or the decision letter date unknown.
    NO_APPEAL_DEADLINE = "no_appeal_deadline"
    # The appeal deadline has passed already.
    DEADLINE_PASSED = "deadline_passed"
    # The panel decides on or before the appeal deadline: the family can wait, then appeal.
    DECIDED_BEFORE_DEADLINE = "decided_before_deadline"
    # The panel decides after the appeal deadline: appeal in time, do not wait.
    DECIDED_AFTER_DEADLINE = "decided_after_deadline"


@dataclass(frozen=True, slots=True)
class DeferredEffect:
    effect: AppealEffect
    decision_due_on: date
    appeal_deadline: date | None
    # Whole days between the decision's date and the appeal deadline (negative when the panel
    # is after the deadline); None without an appeal deadline.
    days_to_appeal_after_decision: int | None

    @property
    def appeal_deadline_moves(self) -> bool:
        """Never: the law gives no extra time for a decision put off to a panel."""
        return False


def deferred_decision_effect(
    *,
    decision_due_on: date,
    appeal_deadline: date | None,
    today: date,
    decided_on: date | None = None,
) -> DeferredEffect:
    """What a decision put off to `decision_due_on` means for an appeal deadline."""
    days = (appeal_deadline - decision_due_on).days if appeal_deadline is not None else None
    if decided_on is not None:
        effect = AppealEffect.DECIDED
    elif appeal_deadline is None:
        effect = AppealEffect.NO_APPEAL_DEADLINE
    elif appeal_deadline < today:
        effect = AppealEffect.DEADLINE_PASSED
    elif decision_due_on <= appeal_deadline:
        effect = AppealEffect.DECIDED_BEFORE_DEADLINE
    else:
        effect = AppealEffect.DECIDED_AFTER_DEADLINE
    return DeferredEffect(effect, decision_due_on, appeal_deadline, days)
