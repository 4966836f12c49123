"""Invoice arithmetic: money in whole pence, VAT rounding, and what counts as a late cancellation.

Pure standard library: no Django, no clock, no floats. Amounts are integers of pence; VAT rates
are integers of basis points (1 basis point = 0.01%, so 20% is 2000). See
docs/adr/0012-invoicing-billing-rules.md for why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mediation.domain.calendar import WorkingCalendar

__all__ = [
    "BASIS_POINTS",
    "LineAmounts",
    "is_late_cancellation",
    "line_amounts",
    "format_pence",
    "parse_pounds",
    "vat_pence",
]

BASIS_POINTS = 10_000  # 100%


def vat_pence(net_pence: int, rate_bp: int) -> int:
    """VAT on a net amount, rounded to the nearest penny with halves rounded up.

    HMRC lets a business round VAT per line or on the invoice total (VAT Notice 700, 17.5);
    we round per line, so a credit note for a whole line reverses exactly the VAT charged.
    """
    if net_pence < 0 or rate_bp < 0:
        raise ValueError("amounts and rates must not be negative")
    return (net_pence * rate_bp + BASIS_POINTS // 2) // BASIS_POINTS


@dataclass(frozen=True)
class LineAmounts:
    net: int
    vat: int

    @property
    def total(self) -> int:
        return self.net + self.vat


def line_amounts(*, quantity: int, unit_price_pence: int, vat_rate_bp: int) -> LineAmounts:
    if quantity < 0 or unit_price_pence < 0:
        raise ValueError("quantity and price must not be negative")
    net = quantity * unit_price_pence
    return LineAmounts(net=net, vat=vat_pence(net, vat_rate_bp))


def format_pence(pence: int) -> str:
    """£1,234.50 for 123450."""
    sign = "-" if pence < 0 else ""
    pounds, pennies = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{pennies:02d}"


def parse_pounds(text: str) -> int:
    """Pence from what someone typed as pounds ("450", "450.5", "1,200.00", "£75").

    Raises ValueError with a sentence to show: not a number, negative, or more than 2 decimal
    places. Never goes through float.
    """
    cleaned = text.strip().replace(",", "").removeprefix("£").strip()
    if cleaned.startswith("-"):
        raise ValueError("must not be negative")
    whole, dot, fraction = cleaned.partition(".")
    if not whole and not fraction:
        raise ValueError("must be an amount in pounds and pence, like 450.00")
    whole = whole or "0"
    if not whole.isdigit() or (dot and not fraction.isdigit()):
        raise ValueError("must be an amount in pounds and pence, like 450.00")
    if len(fraction) > 2:
        raise ValueError("must not have more than 2 decimal places")
    return int(whole) * 100 + int(fraction.ljust(2, "0") or "0")


def is_late_cancellation(
    *, cancelled_on: date, meeting_on: date, notice_working_days: int, calendar: WorkingCalendar
) -> bool:
    """A cancellation is late when the meeting was on or before the Nth working day after the
    day it was cancelled (N = the contract's notice, in working days).

    With N = 2, cancelling on a Monday a meeting on Wednesday is late and one on Thursday is
    not; with N = 0 only a cancellation on the day of the meeting (or after it) is late.
    """
    if notice_working_days < 0:
        raise ValueError("notice must not be negative")
    if meeting_on <= cancelled_on:
        return True
    return meeting_on <= calendar.add_working_days(cancelled_on, notice_working_days)
