"""reg 41 expenses: rates, caps at and either side of each boundary, and who pays."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mediation.domain.expenses import (
    Kind,
    Line,
    Payer,
    assess_claim,
    assess_line,
    paying_body,
    pounds,
)

K = Kind


@pytest.mark.parametrize(
    ("line", "allowed", "capped"),
    [
        # As claimed, whatever the amount.
        (Line(K.PUBLIC_TRANSPORT, claimed_pence=2345), 2345, False),
        (Line(K.PUBLIC_TRANSPORT, claimed_pence=0), 0, False),
        (Line(K.TAXI, claimed_pence=999_99), 999_99, False),
        # 25p a mile, rounded to the nearest penny (halves up).
        (Line(K.MILEAGE, miles=Decimal(0)), 0, False),
        (Line(K.MILEAGE, miles=Decimal(1)), 25, False),
        (Line(K.MILEAGE, miles=Decimal("12.5")), 313, False),  # 312.5 → 313
        (Line(K.MILEAGE, miles=Decimal("12.1")), 303, False),  # 302.5 → 303
        (Line(K.MILEAGE, miles=Decimal(40)), 1000, False),
        # Loss of earnings up to £45: below, at and above the cap.
        (Line(K.LOSS_OF_EARNINGS, claimed_pence=4499), 4499, False),
        (Line(K.LOSS_OF_EARNINGS, claimed_pence=4500), 4500, False),
        (Line(K.LOSS_OF_EARNINGS, claimed_pence=4501), 4500, True),
        (Line(K.LOSS_OF_EARNINGS, claimed_pence=12000), 4500, True),
        # Registered carer at £5.35 an hour for each child or young person.
        (Line(K.CARER, hours=Decimal(1), children=1), 535, False),
        (Line(K.CARER, hours=Decimal(3), children=2), 3210, False),
        (Line(K.CARER, hours=Decimal("2.5"), children=1), 1338, False),  # 1337.5 → 1338
        # Overnight caps, per night: inner London £81, elsewhere £71, family/friends £21.
        (Line(K.OVERNIGHT_INNER_LONDON, claimed_pence=8099), 8099, False),
        (Line(K.OVERNIGHT_INNER_LONDON, claimed_pence=8100), 8100, False),
        (Line(K.OVERNIGHT_INNER_LONDON, claimed_pence=8101), 8100, True),
        (Line(K.OVERNIGHT_INNER_LONDON, claimed_pence=17000, nights=2), 16200, True),
        (Line(K.OVERNIGHT_ELSEWHERE, claimed_pence=7099), 7099, False),
        (Line(K.OVERNIGHT_ELSEWHERE, claimed_pence=7100), 7100, False),
        (Line(K.OVERNIGHT_ELSEWHERE, claimed_pence=7101), 7100, True),
        (Line(K.OVERNIGHT_FAMILY_FRIENDS, claimed_pence=2099), 2099, False),
        (Line(K.OVERNIGHT_FAMILY_FRIENDS, claimed_pence=2100), 2100, False),
        (Line(K.OVERNIGHT_FAMILY_FRIENDS, claimed_pence=2101), 2100, True),
        (Line(K.OVERNIGHT_FAMILY_FRIENDS, claimed_pence=4200, nights=2), 4200, False),
    ],
)
def test_rates_and_caps(line, allowed, capped):
    result = assess_line(line)
    assert result.allowed_pence == allowed
    assert result.capped is capped
    assert isinstance(result.allowed_pence, int)
    if capped:
        assert result.reason.startswith(f"Capped at {pounds(allowed)}")


def test_cap_reason_names_the_rule():
    assert assess_line(Line(K.LOSS_OF_EARNINGS, claimed_pence=6000)).reason == (
        "Capped at £45.00: loss of earnings is paid up to £45"
    )
    assert (
        "£81.00 a night (2 nights)"
        in assess_line(Line(K.OVERNIGHT_INNER_LONDON, claimed_pence=20000, nights=2)).reason
    )


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        assess_line(Line(K.TAXI, claimed_pence=-1))
    with pytest.raises(ValueError):
        assess_line(Line(K.MILEAGE, miles=Decimal(-1)))


def test_claim_totals_after_caps():
    claim = assess_claim(
        [
            Line(K.PUBLIC_TRANSPORT, claimed_pence=1850),
            Line(K.LOSS_OF_EARNINGS, claimed_pence=8000),
            Line(K.MILEAGE, miles=Decimal(10)),
        ],
        payer=Payer.LA,
    )
    assert claim.claimed_pence == 1850 + 8000 + 250
    assert claim.allowed_pence == 1850 + 4500 + 250
    assert claim.payer == Payer.LA


@pytest.mark.parametrize(
    ("issues", "payer"),
    [
        ((True, False, False), Payer.LA),
        ((False, True, False), Payer.LA),
        ((True, False, True), Payer.LA),  # mixed: the LA arranges (reg 35(4))
        ((False, True, True), Payer.LA),
        ((False, False, True), Payer.HEALTH_BODY),  # health only (reg 35(3))
        ((False, False, False), Payer.LA),
    ],
)
def test_who_pays(issues, payer):
    education, social_care, health = issues
    assert paying_body(education=education, social_care=social_care, health=health) == payer


@pytest.mark.parametrize(
    ("pence", "text"), [(0, "£0.00"), (5, "£0.05"), (4500, "£45.00"), (123456, "£1,234.56")]
)
def test_pounds(pence, text):
    assert pounds(pence) == text
