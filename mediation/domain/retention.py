"""When personal details in a closed record may no longer be kept (pure rules, no Django).

A closed case is kept for a number of years after it closed and, because a young person can
bring a claim about their education until they are 25 (and later claims look back at these
records), at least until the child reaches a set age. Both numbers come from the service's
retention schedule (settings), not from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class CaseRetention:
    years_after_closure: int
    until_child_age: int


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def case_personal_details_kept_until(
    *, closed_on: date, child_date_of_birth: date, rule: CaseRetention
) -> date:
    """The first day on which a closed case's personal details are due to be anonymised."""
    return max(
        add_years(closed_on, rule.years_after_closure),
        add_years(child_date_of_birth, rule.until_child_age),
    )


def latest_closure_and_birth_due(*, today: date, rule: CaseRetention) -> tuple[date, date]:
    """The cut-offs for a database query: closed on or before the first, born on or before the
    second, means due today (the inverse of case_personal_details_kept_until)."""
    return _latest_day_due(today, rule.years_after_closure), _latest_day_due(
        today, rule.until_child_age
    )


def _latest_day_due(today: date, years: int) -> date:
    cutoff = add_years(today, -years)
    # 29 February: add_years maps it to 28 February, so it may be due a day "early".
    following = cutoff + timedelta(days=1)
    if add_years(following, years) <= today:
        return following
    return cutoff
