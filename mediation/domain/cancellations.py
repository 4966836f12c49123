"""What an LA's repeated cancelling (or moving) of a mediation meeting means for the family's
clocks (pure rules, no Django).

The LA must arrange mediation within 30 days of being told the family wants it (SEND
Regulations 2014 regs 35(4) and 36(2); reg 35(3) for health issues only, arranged by the health
body). If it cannot, it must tell the mediation adviser as soon as it realises (reg 39(2)), and
the adviser then issues a certificate within 3 working days, whether or not the mediation later
takes place (reg 39(3)): the family can appeal without waiting for a meeting the LA keeps
putting off. A deemed certificate covers only mediation the LA arranges, so there is none for
health issues only.

From the LA's second cancellation or move of the meeting, the case page says so, with the date
the 30 days end and what the service can do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = ["REPEAT_FROM", "LaCancellations", "Stage", "la_cancellations"]

#: From which LA cancellation (or move) the case page explains the effect.
REPEAT_FROM = 2


class Stage(StrEnum):
    # The 30 days have not ended: the LA can still hold the meeting by then, or say it cannot.
    LIMIT_AHEAD = "limit_ahead"
    # The 30 days have ended with no meeting held: the LA should tell the adviser.
    LIMIT_PASSED = "limit_passed"
    # The LA has already said it cannot arrange mediation in time: a certificate is due.
    LA_SAID_UNABLE = "la_said_unable"
    # The 30-day limit is not known yet (the date the LA was told is not recorded).
    LIMIT_UNKNOWN = "limit_unknown"


@dataclass(frozen=True, slots=True)
class LaCancellations:
    times: int
    stage: Stage
    mediation_by: date | None
    # Whole days from today to the end of the 30 days (negative once passed).
    days_left: int | None
    # A deemed certificate can follow (the LA arranges this mediation).
    deemed_possible: bool
    la_said_unable_on: date | None

    @property
    def days_since_limit(self) -> int:
        """Whole days since the 30 days ended (0 while they have not)."""
        return max(0, -(self.days_left or 0))


def la_cancellations(
    *,
    times: int,
    today: date,
    mediation_by: date | None,
    mediation_held: bool,
    la_said_unable_on: date | None,
    health_only: bool,
) -> LaCancellations | None:
    """The effect of the LA having cancelled or moved the meeting `times` times, or None when
    there is nothing to say (fewer than REPEAT_FROM times, or the meeting was held)."""
    if times < REPEAT_FROM or mediation_held:
        return None
    days_left = (mediation_by - today).days if mediation_by is not None else None
    if la_said_unable_on is not None:
        stage = Stage.LA_SAID_UNABLE
    elif mediation_by is None:
        stage = Stage.LIMIT_UNKNOWN
    elif mediation_by < today:
        stage = Stage.LIMIT_PASSED
    else:
        stage = Stage.LIMIT_AHEAD
    return LaCancellations(
        times=times,
        stage=stage,
        mediation_by=mediation_by,
        days_left=days_left,
        deemed_possible=not health_only,
        la_said_unable_on=la_said_unable_on,
    )
