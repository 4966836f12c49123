from datetime import date, timedelta

import pytest

from mediation.domain.retention import (
    CaseRetention,
    add_years,
    case_personal_details_kept_until,
    latest_closure_and_birth_due,
)

RULE = CaseRetention(years_after_closure=6, until_child_age=25)


def test_kept_until_the_later_of_years_after_closure_and_the_childs_age():
    # Child born 2010: 25 in 2035, later than 6 years after a 2020 closure.
    assert case_personal_details_kept_until(
        closed_on=date(2020, 5, 1), child_date_of_birth=date(2010, 3, 4), rule=RULE
    ) == date(2035, 3, 4)
    # An old child: six years after closure wins.
    assert case_personal_details_kept_until(
        closed_on=date(2020, 5, 1), child_date_of_birth=date(1996, 1, 1), rule=RULE
    ) == date(2026, 5, 1)


def test_29_february_moves_to_28_february():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


@pytest.mark.parametrize(
    "today",
    [
        date(2026, 2, 28),
        date(2026, 3, 1),
        date(2028, 2, 29),
        date(2027, 12, 31),
        date(2026, 11, 28),
    ],
)
def test_query_cut_offs_agree_with_the_rule_for_every_nearby_day(today):
    closure_cutoff, birth_cutoff = latest_closure_and_birth_due(today=today, rule=RULE)
    start = add_years(today, -6) - timedelta(days=4)
    for offset in range(9):
        closed = start + timedelta(days=offset)
        due = add_years(closed, 6) <= today
        assert (closed <= closure_cutoff) == due, closed
    start = add_years(today, -25) - timedelta(days=4)
    for offset in range(9):
        born = start + timedelta(days=offset)
        assert (born <= birth_cutoff) == (add_years(born, 25) <= today), born
