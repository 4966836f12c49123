"""England & Wales bank holidays, from the `holidays` package, as a WorkingCalendar.

This module sits outside `mediation.domain` on purpose: the domain never imports a data
package (import-linter contract "Domain rules are pure Python"); it receives a plain mapping
date -> name. Nothing here touches the network: the `holidays` package computes the dates
locally. It is pinned (holidays==0.109), because one-off proclaimed holidays (a coronation, a
state funeral) only arrive with a package update (docs/development.md, "Quirks of the stack").

The web app keeps its own BankHoliday table; this module feeds the command line, the
benchmark and the tests, and can seed that table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from types import MappingProxyType

# The class behind `holidays.UK` (that name is a lazy loader, invisible to type checkers).
from holidays.countries.united_kingdom import UK

from mediation.domain.calendar import WorkingCalendar

__all__ = [
    "EXTRA_CLOSURE_DAY_NAME",
    "FIRST_SUPPORTED_YEAR",
    "LAST_SUPPORTED_YEAR",
    "calendar_for",
    "england_and_wales_holidays",
    "years_to_cover",
]

#: The name given to a service's own closure days in explanations.
EXTRA_CLOSURE_DAY_NAME = "Service closure day"

# A calendar covers the year before the earliest date and two years after the latest, so
# every clock (at most 2 months, then a roll past New Year) stays inside the holiday data.
_YEARS_BEFORE = 1
_YEARS_AFTER = 2

#: The range of input years the command line accepts; dates outside it are input errors.
#: 1970 is the start of the Banking and Financial Dealings Act 1971 era; 2199 is a generous
#: upper bound that still catches slips such as 9999 or 20260.
FIRST_SUPPORTED_YEAR = 1970
LAST_SUPPORTED_YEAR = 2199


class _EnglandAndWales(UK):
    """The `holidays` package's UK rules, allowed to run past its last listed year.

    holidays 0.109 lists years up to 2100 and silently returns nothing after that, which would
    give wrong dates. Every future year it lists is already a projection of the same rules
    (Easter computus, the 1971 Act's Schedule 1 and the usual proclamations, with substitute
    days); raising `end_year` extends that projection to the supported range. Past one-off
    days (coronations, jubilees, a state funeral) are unaffected.
    """

    end_year = LAST_SUPPORTED_YEAR + _YEARS_AFTER


# The package's names differ from the official gov.uk feed's in a few places; the feed's
# wording reads better in explanations ("Mon 4 May: Early May Bank Holiday").
_RENAMES = {
    "May Day": "Early May Bank Holiday",
    "Pentecost Monday": "Whit Monday",  # before the 1971 Act moved it to the Spring holiday
}
_OBSERVED = " (observed)"
_SUBSTITUTE = " (substitute day)"


def _official_name(name: str) -> str:
    # A day can carry two names joined by "; " when holidays coincide.
    parts = []
    for part in name.split("; "):
        if part.endswith(_OBSERVED):
            base = part.removesuffix(_OBSERVED)
            parts.append(_RENAMES.get(base, base) + _SUBSTITUTE)
        else:
            parts.append(_RENAMES.get(part, part))
    return "; ".join(parts)


@cache  # at most one entry per year of data (about 230)
def _holidays_in_year(year: int) -> Mapping[date, str]:
    first, last = _EnglandAndWales.start_year, _EnglandAndWales.end_year
    if not first <= year <= last:
        raise ValueError(f"bank holiday data covers {first}-{last}, not {year}")
    # The same as holidays.UK(subdiv="ENG", years=year); the package's __init__ is untyped.
    table = _EnglandAndWales(subdiv="ENG", years=year)  # type: ignore[no-untyped-call]  # see above
    # The package also lists the actual weekend date of a holiday (Sat 26 Dec 2026 "Boxing
    # Day") beside the substitute Monday. Harmless (weekends are non-working anyway); kept so
    # the data stays as published.
    return MappingProxyType({day: _official_name(name) for day, name in sorted(table.items())})


def england_and_wales_holidays(years: Iterable[int]) -> dict[date, str]:
    """Every England & Wales bank holiday, Christmas Day and Good Friday in `years`.

    Includes substitute days ("Boxing Day (substitute day)") and one-off proclaimed days
    known to the pinned `holidays` package. Raises ValueError for years it has no data for.
    """
    result: dict[date, str] = {}
    for year in sorted(set(years)):
        result.update(_holidays_in_year(year))
    return result


def years_to_cover(dates: Iterable[date]) -> range:
    """The years a calendar needs for clocks running from `dates` (one before, two after)."""
    years = [day.year for day in dates]
    if not years:
        raise ValueError("at least one date is needed")
    return range(min(years) - _YEARS_BEFORE, max(years) + _YEARS_AFTER + 1)


def calendar_for(
    dates: Iterable[date],
    extra_closure_days: Mapping[date, str] | Iterable[date] = (),
) -> WorkingCalendar:
    """A WorkingCalendar with the bank holidays around `dates` and the service's closure days.

    `extra_closure_days` is either a mapping date -> name or plain dates, which are named
    EXTRA_CLOSURE_DAY_NAME. They are kept apart from the bank holidays, because they move the
    service's and the LA's deadlines but never the Tribunal's (`without_closure_days`). A bank
    holiday keeps its own name if also listed as closed.
    """
    bank_holidays = england_and_wales_holidays(years_to_cover(dates))
    if isinstance(extra_closure_days, Mapping):
        closures = dict(extra_closure_days)
    else:
        closures = dict.fromkeys(extra_closure_days, EXTRA_CLOSURE_DAY_NAME)
    return WorkingCalendar(holidays=bank_holidays, closure_days=closures)
