"""The family's mediation expenses at the rates of SEND Regulations 2014 reg 41.

Pure Python. Every amount is in pence (int). Miles and hours may be fractional (Decimal) and the
result is rounded to the nearest penny, halves up.

reg 41: the body that arranged the mediation pays standard-class public transport fares, 25p a
mile by car or motorcycle, taxi fares, loss of earnings up to £45, a registered carer at £5.35 an
hour per child or young person, and overnight stays up to £81 (inner London), £71 (elsewhere) or
£21 (with family or friends). The arranging body is the health commissioning body for health-only
issues (reg 35(3)), otherwise the LA (regs 35(4), 36).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

MILEAGE_PENCE_PER_MILE = 25
LOSS_OF_EARNINGS_CAP_PENCE = 4500
CARER_PENCE_PER_HOUR_PER_CHILD = 535
OVERNIGHT_INNER_LONDON_CAP_PENCE = 8100
OVERNIGHT_ELSEWHERE_CAP_PENCE = 7100
OVERNIGHT_FAMILY_FRIENDS_CAP_PENCE = 2100


class Kind(StrEnum):
    PUBLIC_TRANSPORT = "public_transport"
    MILEAGE = "mileage"
    TAXI = "taxi"
    LOSS_OF_EARNINGS = "loss_of_earnings"
    CARER = "carer"
    OVERNIGHT_INNER_LONDON = "overnight_inner_london"
    OVERNIGHT_ELSEWHERE = "overnight_elsewhere"
    OVERNIGHT_FAMILY_FRIENDS = "overnight_family_friends"


KIND_LABELS: dict[Kind, str] = {
    Kind.PUBLIC_TRANSPORT: "Public transport fares (standard class)",
    Kind.MILEAGE: "Car or motorcycle (25p a mile)",
    Kind.TAXI: "Taxi fares",
    Kind.LOSS_OF_EARNINGS: "Loss of earnings (up to £45 a person)",
    Kind.CARER: "Registered carer (£5.35 an hour for each child or young person)",
    Kind.OVERNIGHT_INNER_LONDON: "Overnight stay in inner London (up to £81 a night)",
    Kind.OVERNIGHT_ELSEWHERE: "Overnight stay elsewhere (up to £71 a night)",
    Kind.OVERNIGHT_FAMILY_FRIENDS: "Overnight stay with family or friends (up to £21 a night)",
}

OVERNIGHT_CAPS: dict[Kind, tuple[int, str]] = {
    Kind.OVERNIGHT_INNER_LONDON: (OVERNIGHT_INNER_LONDON_CAP_PENCE, "inner London"),
    Kind.OVERNIGHT_ELSEWHERE: (OVERNIGHT_ELSEWHERE_CAP_PENCE, "outside inner London"),
    Kind.OVERNIGHT_FAMILY_FRIENDS: (OVERNIGHT_FAMILY_FRIENDS_CAP_PENCE, "with family or friends"),
}

# What each kind needs: an amount claimed, miles, hours and children, or nights.
NEEDS_AMOUNT = frozenset({Kind.PUBLIC_TRANSPORT, Kind.TAXI, Kind.LOSS_OF_EARNINGS, *OVERNIGHT_CAPS})
NEEDS_MILES = frozenset({Kind.MILEAGE})
NEEDS_HOURS = frozenset({Kind.CARER})
NEEDS_NIGHTS = frozenset(OVERNIGHT_CAPS)


class Payer(StrEnum):
    LA = "la"
    HEALTH_BODY = "health_body"


PAYER_LABELS = {
    Payer.LA: "The local authority (it arranged the mediation: regs 35(4), 36 and 41)",
    Payer.HEALTH_BODY: (
        "The health commissioning body (health-only issues, it arranged the mediation: "
        "regs 35(3) and 41)"
    ),
}


def pounds(pence: int) -> str:
    """£12.50 style, for explanations."""
    return f"£{pence // 100:,}.{pence % 100:02d}"


def _round_pence(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Line:
    kind: Kind
    claimed_pence: int = 0
    miles: Decimal = Decimal(0)
    hours: Decimal = Decimal(0)
    children: int = 1
    nights: int = 1


@dataclass(frozen=True)
class Assessed:
    line: Line
    claimed_pence: int
    allowed_pence: int
    capped: bool
    reason: str


def assess_line(line: Line) -> Assessed:
    """The amount payable for one line, and why."""
    kind = Kind(line.kind)
    if min(line.claimed_pence, line.children, line.nights) < 0 or min(line.miles, line.hours) < 0:
        raise ValueError("Amounts, miles, hours, children and nights cannot be negative")
    if kind in {Kind.PUBLIC_TRANSPORT, Kind.TAXI}:
        return Assessed(line, line.claimed_pence, line.claimed_pence, False, "Paid as claimed")
    if kind == Kind.MILEAGE:
        allowed = _round_pence(line.miles * MILEAGE_PENCE_PER_MILE)
        return Assessed(
            line, allowed, allowed, False, f"{line.miles.normalize():f} miles at 25p a mile"
        )
    if kind == Kind.CARER:
        allowed = _round_pence(line.hours * CARER_PENCE_PER_HOUR_PER_CHILD * line.children)
        return Assessed(
            line,
            allowed,
            allowed,
            False,
            f"{line.hours.normalize():f} hours at £5.35 an hour for {line.children} "
            f"child{'ren' if line.children != 1 else ''} or young "
            f"{'people' if line.children != 1 else 'person'}",
        )
    if kind == Kind.LOSS_OF_EARNINGS:
        cap, what = LOSS_OF_EARNINGS_CAP_PENCE, "Loss of earnings is paid up to £45"
    else:
        rate, where = OVERNIGHT_CAPS[kind]
        cap = rate * line.nights
        nights = f"{line.nights} night{'s' if line.nights != 1 else ''}"
        what = f"Overnight stays {where} are paid up to {pounds(rate)} a night ({nights})"
    if line.claimed_pence > cap:
        return Assessed(
            line, line.claimed_pence, cap, True, f"Capped at {pounds(cap)}: {what.lower()}"
        )
    return Assessed(
        line, line.claimed_pence, line.claimed_pence, False, f"Within the limit: {what.lower()}"
    )


@dataclass(frozen=True)
class Claim:
    lines: tuple[Assessed, ...]
    claimed_pence: int
    allowed_pence: int
    payer: Payer


def assess_claim(lines: Iterable[Line], *, payer: Payer) -> Claim:
    assessed = tuple(assess_line(line) for line in lines)
    return Claim(
        lines=assessed,
        claimed_pence=sum(a.claimed_pence for a in assessed),
        allowed_pence=sum(a.allowed_pence for a in assessed),
        payer=payer,
    )


def paying_body(*, education: bool, social_care: bool, health: bool) -> Payer:
    """Who pays: the body that arranged the mediation."""
    if health and not education and not social_care:
        return Payer.HEALTH_BODY
    return Payer.LA
