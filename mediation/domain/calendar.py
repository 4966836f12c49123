"""Working-day arithmetic over injected lists of holidays and closure days.

"Working day" is not defined in the SEND Regulations 2014 (reg 2; docs/domain/statutory-rules.md
W1). The deadline contract settles it (docs/domain/deadlines-contract.md, Definitions): Monday to
Friday, except England & Wales bank holidays (including substitute days and one-off proclaimed
days), Christmas Day and Good Friday, and any extra closure day of the service. That follows the
HESC Rules 2008 r1(3) definition (W2, W3).

The Tribunal's own working days leave the service's closure days out: the Tribunal's rules define
a working day themselves, and a service being closed gives a family no more time to appeal
(contract version 2, change 1). So a calendar keeps the two lists apart: `holidays` (bank
holidays, Christmas Day, Good Friday, proclaimed days) and `closure_days` (the service's own), and
`without_closure_days()` gives the Tribunal's calendar.

Both are passed in as mappings date -> name and never fetched here: the web app loads them from
its tables and the command line from `mediation.bank_holidays`. The names are kept so that
explanations can say why a day was skipped ("Mon 31 Aug: Late Summer Bank Holiday"). Pure
standard library: no Django, no `holidays` package, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

__all__ = [
    "WEEKEND",
    "RollForward",
    "SkippedDay",
    "WorkingCalendar",
    "WorkingDayCount",
]

#: The reason given for a skipped Saturday or Sunday. A weekend date that is also in the
#: holiday list (the `holidays` package lists Sat 26 Dec 2026 "Boxing Day" as well as the
#: Monday substitute) is reported as a weekend: it would not have counted anyway.
WEEKEND = "weekend"

_ONE_DAY = timedelta(days=1)

#: How many answers one calendar keeps (about 15 MB at most). A year of start dates for
#: every rule is about 5,000.
RESULTS_CACHE_LIMIT = 50_000


@dataclass(frozen=True)
class SkippedDay:
    """A day passed over because it is not a working day, and why."""

    day: date
    reason: str  # WEEKEND or the holiday's name, e.g. "Late Summer Bank Holiday"


@dataclass(frozen=True)
class WorkingDayCount:
    """N working days counted after (or before) `start`: the days counted and the days skipped.

    Counting forwards the days are in date order; counting backwards, latest first.
    """

    start: date
    counted: tuple[date, ...]
    skipped: tuple[SkippedDay, ...]

    @property
    def end(self) -> date:
        """The last day counted (the earliest, counting backwards): the deadline. `start`
        itself when nothing was counted."""
        return self.counted[-1] if self.counted else self.start


@dataclass(frozen=True)
class RollForward:
    """A date moved on to the next working day (a no-op when it already is one)."""

    original: date
    result: date
    skipped: tuple[SkippedDay, ...]  # from `original` up to the day before `result`

    @property
    def moved(self) -> bool:
        return self.result != self.original


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days count as working days. Holidays and closure days are given, never fetched.

    `holidays` maps each bank holiday, Christmas Day, Good Friday and one-off proclaimed day to
    its name ("Christmas Day", "Boxing Day (substitute day)"). `closure_days` maps the service's
    own closure days to theirs ("Service closure day"): they are not working days for the
    service or the LA, but they are for the Tribunal (`without_closure_days`). Both mappings are
    copied into read-only views, so a calendar cannot change after it is built.
    """

    holidays: Mapping[date, str] = field(default_factory=dict, hash=False, repr=False)
    closure_days: Mapping[date, str] = field(default_factory=dict, hash=False, repr=False)
    # Every non-working weekday-or-weekend date with its reason: the one lookup the hot loops
    # make. A bank holiday keeps its own name when it is also a closure day.
    _non_working: Mapping[date, str] = field(
        init=False, default_factory=dict, hash=False, repr=False, compare=False
    )
    _tribunal: list[WorkingCalendar] = field(
        init=False, default_factory=list, hash=False, repr=False, compare=False
    )
    #: Answers worked out on this calendar, for callers to reuse (the deadline engine keeps its
    #: explained periods here: bulk recomputation meets the same start dates again and again).
    #: Safe because a calendar never changes; bounded by `remember`.
    results_cache: dict[object, object] = field(
        init=False, default_factory=dict, hash=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # Copy, so a caller mutating its own dict cannot change this calendar's answers.
        holidays = dict(self.holidays)
        closure_days = dict(self.closure_days)
        object.__setattr__(self, "holidays", MappingProxyType(holidays))
        object.__setattr__(self, "closure_days", MappingProxyType(closure_days))
        non_working = {**closure_days, **holidays} if closure_days else holidays
        object.__setattr__(self, "_non_working", non_working)

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(<{len(self.holidays)} holidays, "
            f"{len(self.closure_days)} closure days>)"
        )

    def with_closure_days(self, closure_days: Mapping[date, str]) -> WorkingCalendar:
        """A copy that also treats `closure_days` as the service's own closure days.

        A bank holiday keeps its own name when it is also listed as a closure day, because the
        bank holiday is the better explanation.
        """
        return WorkingCalendar(
            holidays=self.holidays, closure_days={**self.closure_days, **closure_days}
        )

    def without_closure_days(self) -> WorkingCalendar:
        """The Tribunal's working days: this calendar without the service's closure days.

        HESC Rules 2008 r1(3): a working day is any day except a Saturday or Sunday, Christmas
        Day, Good Friday or a bank holiday. A service's closure day never moves the family's
        appeal deadline (contract version 2, change 1). Built once per calendar, then reused.
        """
        if not self.closure_days:
            return self
        if not self._tribunal:
            self._tribunal.append(WorkingCalendar(holidays=self.holidays))
        return self._tribunal[0]

    def remember(self, key: object, value: object) -> None:
        """Keep `value` in `results_cache` under `key`, up to a bounded number of entries."""
        if len(self.results_cache) < RESULTS_CACHE_LIMIT:
            self.results_cache[key] = value

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._non_working

    def non_working_reason(self, day: date) -> str | None:
        """Why `day` is not a working day (WEEKEND or the holiday name), or None if it is one."""
        if day.weekday() >= 5:
            return WEEKEND
        return self._non_working.get(day)

    def add_working_days(self, start: date, days: int) -> date:
        """The day that is `days` working days after `start`.

        `start` itself is never counted: day 1 is the first working day after `start`, whether
        or not `start` is a working day (deadline contract, Definitions). 0 days gives `start`.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        non_working = self._non_working
        current = start
        remaining = days
        while remaining:
            current += _ONE_DAY
            if current.weekday() < 5 and current not in non_working:
                remaining -= 1
        return current

    def subtract_working_days(self, start: date, days: int) -> date:
        """The day that is `days` working days before `start`.

        The mirror of `add_working_days`: `start` itself is never counted, and day 1 is the
        first working day before `start`, whether or not `start` is a working day. So 5 working
        days before Mon 15 Jun 2026 is Mon 8 Jun 2026. 0 days gives `start`.
        """
        if days < 0:
            raise ValueError("days must not be negative")
        non_working = self._non_working
        current = start
        remaining = days
        while remaining:
            current -= _ONE_DAY
            if current.weekday() < 5 and current not in non_working:
                remaining -= 1
        return current

    def count_working_days(self, start: date, days: int) -> WorkingDayCount:
        """Like `add_working_days`, but also returns each day counted and each day skipped."""
        return self._count(start, days, _ONE_DAY)

    def count_working_days_before(self, start: date, days: int) -> WorkingDayCount:
        """Like `subtract_working_days`, with each day counted and skipped, latest first."""
        return self._count(start, days, -_ONE_DAY)

    def _count(self, start: date, days: int, step: timedelta) -> WorkingDayCount:
        if days < 0:
            raise ValueError("days must not be negative")
        counted: list[date] = []
        skipped: list[SkippedDay] = []
        current = start
        while len(counted) < days:
            current += step
            reason = self.non_working_reason(current)
            if reason is None:
                counted.append(current)
            else:
                skipped.append(SkippedDay(current, reason))
        return WorkingDayCount(start=start, counted=tuple(counted), skipped=tuple(skipped))

    def next_working_day_on_or_after(self, day: date) -> date:
        """`day` if it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def roll_forward(self, day: date) -> RollForward:
        """Like `next_working_day_on_or_after`, but also returns the days passed over."""
        skipped: list[SkippedDay] = []
        current = day
        while (reason := self.non_working_reason(current)) is not None:
            skipped.append(SkippedDay(current, reason))
            current += _ONE_DAY
        return RollForward(original=day, result=current, skipped=tuple(skipped))

    def working_days_between(self, after: date, until: date) -> int:
        """How many working days fall after `after` up to and including `until` (0 if none).

        The inverse of `add_working_days`: for n >= 1,
        working_days_between(start, add_working_days(start, n)) == n.
        """
        count = 0
        current = after
        while current < until:
            current += _ONE_DAY
            if self.is_working_day(current):
                count += 1
        return count
