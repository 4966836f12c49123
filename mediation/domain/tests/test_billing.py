"""Invoice arithmetic in pence, VAT rounding and late cancellations: no database."""

from __future__ import annotations

from datetime import date

import pytest

from mediation.domain.billing import (
    format_pence,
    is_late_cancellation,
    line_amounts,
    parse_pounds,
    vat_pence,
)
from mediation.domain.calendar import WorkingCalendar

CHRISTMAS_2026 = WorkingCalendar(
    holidays={date(2026, 12, 25): "Christmas Day", date(2026, 12, 28): "Boxing Day (substitute)"}
)


@pytest.mark.parametrize(
    ("net", "rate_bp", "expected"),
    [
        (65000, 2000, 13000),  # £650 at 20% = £130
        (333, 2000, 67),  # 66.6p rounds up
        (999, 2000, 200),  # 199.8p rounds up
        (4, 1250, 1),  # 0.5p: halves round up
        (3, 1250, 0),  # 0.375p rounds down
        (12345, 0, 0),  # no VAT
        (0, 2000, 0),
        (10001, 500, 500),  # 500.05p rounds down
    ],
)
def test_vat_is_rounded_per_line_to_the_nearest_penny_halves_up(net, rate_bp, expected):
    assert vat_pence(net, rate_bp) == expected


def test_line_amounts_multiply_then_round_once():
    amounts = line_amounts(quantity=3, unit_price_pence=333, vat_rate_bp=2000)
    assert (amounts.net, amounts.vat, amounts.total) == (999, 200, 1199)


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        vat_pence(-1, 2000)
    with pytest.raises(ValueError, match="negative"):
        line_amounts(quantity=-1, unit_price_pence=100, vat_rate_bp=0)


@pytest.mark.parametrize(
    ("text", "pence"),
    [("450", 45000), ("450.5", 45050), ("450.05", 45005), ("1,200.00", 120000), ("£75", 7500),
     (".5", 50), ("0", 0), (" 12.30 ", 1230)],
)  # fmt: skip
def test_parse_pounds_never_uses_floats(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.parametrize(
    ("text", "message"),
    [("-5", "negative"), ("4.505", "2 decimal places"), ("abc", "pounds and pence"),
     ("", "pounds and pence"), ("1.2.3", "pounds and pence"), ("1e3", "pounds and pence")],
)  # fmt: skip
def test_parse_pounds_refuses(text, message):
    with pytest.raises(ValueError, match=message):
        parse_pounds(text)


def test_format_pence():
    assert format_pence(123450) == "£1,234.50"
    assert format_pence(5) == "£0.05"
    assert format_pence(-250) == "-£2.50"


@pytest.mark.parametrize(
    ("cancelled", "meeting", "notice", "late"),
    [
        (date(2026, 11, 23), date(2026, 11, 25), 2, True),  # Mon → Wed: 2 working days
        (date(2026, 11, 23), date(2026, 11, 26), 2, False),  # Mon → Thu: 3 working days
        (date(2026, 11, 20), date(2026, 11, 24), 2, True),  # Fri → Tue over a weekend
        (date(2026, 11, 20), date(2026, 11, 25), 2, False),
        (date(2026, 12, 23), date(2026, 12, 29), 2, True),  # Christmas and Boxing Day skipped
        (date(2026, 12, 23), date(2026, 12, 30), 2, False),
        (date(2026, 11, 25), date(2026, 11, 25), 0, True),  # on the day
        (date(2026, 11, 24), date(2026, 11, 25), 0, False),  # the day before, with no notice
        (date(2026, 11, 26), date(2026, 11, 25), 2, True),  # recorded after the meeting day
    ],
)
def test_late_cancellation(cancelled, meeting, notice, late):
    assert (
        is_late_cancellation(
            cancelled_on=cancelled,
            meeting_on=meeting,
            notice_working_days=notice,
            calendar=CHRISTMAS_2026,
        )
        is late
    )
