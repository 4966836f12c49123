"""Agreed actions honoured on time, per LA, on known data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from mediation.cases.tests.factories import LocalAuthorityFactory
from mediation.outcomes import selectors, services
from mediation.outcomes.tests.conftest import (
    HELD,
    TODAY,
    agree_all,
    make_held_case,
    write_statement,
)

pytestmark = pytest.mark.django_db


def finalised(case, mediator, actions):
    made = write_statement(case, mediator, actions=actions)
    agree_all(case, mediator)
    services.statement_finalise(case=case, by=mediator)
    return made


@pytest.fixture
def known_data(held_case, case_officer_cal, mediator_mia):
    two_weeks = HELD + timedelta(weeks=2)
    on_time, late, _outstanding, _future = finalised(
        held_case,
        mediator_mia,
        [
            ("Assess", "assessment", None),
            ("Reconsider", "reconsider", None),
            ("Health review", "not_appealable", None, "health"),
            ("Draft plan", "make_plan", None),  # due in 5 days: not yet due
        ],
    )
    services.action_mark_done(
        action=on_time, by=case_officer_cal, done_on=two_weeks, evidence="On the day"
    )
    services.action_mark_done(
        action=late,
        by=case_officer_cal,
        done_on=two_weeks + timedelta(days=1),
        evidence="One day late",
    )
    other_la = LocalAuthorityFactory(name="Southmoor County Council", code="SMC")
    other = make_held_case(case_officer_cal, mediator_mia, other_la)
    (theirs,) = finalised(other, mediator_mia, [("Assess", "assessment", None)])
    services.action_mark_done(
        action=theirs, by=case_officer_cal, done_on=HELD + timedelta(days=3), evidence="Early"
    )
    # An action of a third LA due long before the period.
    old_la = LocalAuthorityFactory(name="Eastvale Council", code="EVC")
    old = make_held_case(case_officer_cal, mediator_mia, old_la, held=TODAY - timedelta(days=50))
    finalised(old, mediator_mia, [("Assess", "assessment", None)])
    return held_case


def test_honoured_on_time_per_la(known_data, local_authority):
    rows = selectors.honoured_on_time(start=HELD, end=TODAY, today=TODAY)
    by_code = {row.code: row for row in rows}
    assert set(by_code) == {"NFD", "SMC"}
    mine = by_code["NFD"]
    assert (mine.due, mine.on_time, mine.late, mine.outstanding) == (3, 1, 1, 1)
    assert mine.percent == 33
    theirs = by_code["SMC"]
    assert (theirs.due, theirs.on_time, theirs.late, theirs.outstanding) == (1, 1, 0, 0)


def test_the_period_limits_the_actions_counted(known_data):
    rows = selectors.honoured_on_time(start=TODAY - timedelta(days=60), end=TODAY, today=TODAY)
    assert {row.code: row.due for row in rows} == {"NFD": 3, "SMC": 1, "EVC": 1}
    assert selectors.honoured_on_time(start=TODAY, end=TODAY + timedelta(days=90)) == []


def test_the_report_is_two_queries(known_data, django_assert_num_queries):
    # The counts per LA, then the LAs' names; on PostgreSQL also the savepoint around them that
    # turns JIT off (mediation.common.queries.without_jit): savepoint, set, reset, release.
    jit = 4 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(2 + jit) as counted:
        rows = selectors.honoured_on_time(start=HELD, end=TODAY, today=TODAY)
    assert len(rows) == 2
    # The LA of each deadline is read by its case's primary key, not by a join.
    assert not any("JOIN" in q["sql"].upper() for q in counted.captured_queries)


def test_the_rows_are_in_order_of_the_la_name(known_data, local_authority):
    rows = selectors.honoured_on_time(start=TODAY - timedelta(days=60), end=TODAY, today=TODAY)
    names = ["Eastvale Council", local_authority.name, "Southmoor County Council"]
    assert [row.name for row in rows] == sorted(names)
