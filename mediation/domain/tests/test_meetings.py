"""Scheduling rules: required attendees, slot matching, reg 37(2) notice and the appeal-safe date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mediation.domain.meetings import (
    Attendee,
    SlotVerdict,
    appeal_deadline_without_certificate,
    appeal_safe_date,
    best_slots,
    call_due,
    enough_notice,
    match_slot,
    match_slots,
    meeting_notice_by,
    non_working_day_reason,
    role_is_invited,
    role_is_required,
    working_days_before,
)
from mediation.domain.tests.test_calendar import ENGLAND_AND_WALES

D = date
PARENT = Attendee("party:1", "Sarah (parent)", required=True)
LA = Attendee("party:2", "Omar (LA)", required=True)
MEDIATOR = Attendee("mediator:9", "Mia (mediator)", required=True)
SUPPORTER = Attendee("party:3", "Sam (supporter)", required=False)
EVERYONE = (PARENT, LA, MEDIATOR, SUPPORTER)


@pytest.mark.parametrize(
    ("role", "health", "required"),
    [
        ("parent_carer", False, True),
        ("young_person", False, True),
        ("representative", False, True),
        ("la_representative", False, True),
        ("health_representative", True, True),
        ("health_representative", False, False),
        ("supporter", True, False),
        ("information_provider", True, False),
        ("other_caller", False, False),
    ],
)
def test_required_roles(role, health, required):
    assert role_is_required(role, health_issues=health) is required


def test_a_child_is_not_invited_by_default():
    assert not role_is_invited("child")
    assert role_is_invited("supporter")


Y, N = True, False


@pytest.mark.parametrize(
    ("answers", "verdict", "cannot", "waiting"),
    [
        # every required says yes; the optional supporter cannot come: still works
        ({"party:1": Y, "party:2": Y, "mediator:9": Y, "party:3": N}, "works", ["party:3"], []),
        # every required says yes, supporter not asked: works, but not all answered
        ({"party:1": Y, "party:2": Y, "mediator:9": Y}, "works", [], ["party:3"]),
        # a required attendee cannot come: not possible, whatever else
        (
            {"party:1": Y, "party:2": N, "mediator:9": Y, "party:3": Y},
            "not_possible",
            ["party:2"],
            [],
        ),
        # the mediator (a staff user) is required too
        (
            {"party:1": Y, "party:2": Y, "mediator:9": N},
            "not_possible",
            ["mediator:9"],
            ["party:3"],
        ),
        # nobody said no, the LA has not answered: waiting
        ({"party:1": Y, "mediator:9": Y, "party:3": Y}, "waiting", [], ["party:2"]),
        # nothing answered yet
        ({}, "waiting", [], ["party:1", "party:2", "mediator:9", "party:3"]),
        # a no beats a missing answer
        ({"party:1": N}, "not_possible", ["party:1"], ["party:2", "mediator:9", "party:3"]),
    ],
)
def test_slot_matching(answers, verdict, cannot, waiting):
    match = match_slot(slot="a", day=D(2026, 12, 8), attendees=EVERYONE, answers=answers)
    assert match.verdict == SlotVerdict(verdict)
    assert [a.key for a in match.cannot_come] == cannot
    assert [a.key for a in match.not_answered] == waiting
    assert match.works_for_required is (verdict == "works")
    assert match.all_answered is (not waiting)


def test_optional_cannot_come_lists_only_optional_people():
    match = match_slot(
        slot="a",
        day=D(2026, 12, 8),
        attendees=EVERYONE,
        answers={"party:1": N, "party:2": Y, "mediator:9": Y, "party:3": N},
    )
    assert [a.key for a in match.optional_cannot_come] == ["party:3"]


def test_slots_after_the_30_day_limit_and_the_appeal_safe_date_are_marked():
    all_yes = {(s, a.key): True for s in ("a", "b", "c") for a in EVERYONE}
    matches = match_slots(
        [("a", D(2026, 12, 10)), ("b", D(2026, 12, 18)), ("c", D(2026, 12, 30))],
        EVERYONE,
        all_yes,
        mediation_by=D(2026, 12, 15),
        appeal_safe=D(2026, 12, 29),
    )
    assert [(m.after_mediation_by, m.after_appeal_safe) for m in matches] == [
        (False, False),
        (True, False),
        (True, True),
    ]
    # the best slots prefer the one inside both limits, even if a later slot is added first
    assert [m.slot for m in best_slots(list(reversed(matches)))] == ["a", "b", "c"]


def test_answers_are_kept_per_slot():
    answers = {("a", "party:1"): True, ("b", "party:1"): False}
    a, b = match_slots([("a", D(2026, 12, 8)), ("b", D(2026, 12, 9))], (PARENT,), answers)
    assert a.verdict is SlotVerdict.WORKS
    assert b.verdict is SlotVerdict.NOT_POSSIBLE


@pytest.mark.parametrize(
    ("meeting", "today", "ok"),
    [
        # Mon 4 Jan 2027: 4 Jan, 31, 30, 29 Dec, (28 Dec substitute, 25 Dec Christmas) 24 Dec
        (D(2027, 1, 4), D(2026, 12, 23), True),
        (D(2027, 1, 4), D(2026, 12, 24), False),
        # Tue 29 Dec 2026, the meeting day not counted: 24, 23, 22, 21, 18 Dec (28 and 25 Dec
        # skipped), so notice by Fri 18 Dec; a letter sent that Sunday is a day too late
        (D(2026, 12, 29), D(2026, 12, 18), True),
        (D(2026, 12, 29), D(2026, 12, 20), False),
        (D(2026, 12, 29), D(2026, 12, 21), False),
        # Fri 4 Sep 2026: 4, 3, 2, 1 Sep, (Mon 31 Aug bank holiday) Fri 28 Aug
        (D(2026, 9, 4), D(2026, 8, 27), True),
        (D(2026, 9, 4), D(2026, 8, 28), False),
        # no holiday in the week: Fri 11 Sep 2026 needs notice by Fri 4 Sep
        (D(2026, 9, 11), D(2026, 9, 4), True),
        (D(2026, 9, 11), D(2026, 9, 6), False),
        (D(2026, 9, 11), D(2026, 9, 7), False),
    ],
)
def test_five_working_days_notice_across_bank_holidays(meeting, today, ok):
    assert enough_notice(meeting, today, ENGLAND_AND_WALES) is ok


def test_working_days_before_and_the_mediators_call():
    assert working_days_before(D(2027, 1, 4), 5, ENGLAND_AND_WALES) == D(2026, 12, 23)
    assert working_days_before(D(2026, 9, 4), 5, ENGLAND_AND_WALES) == D(2026, 8, 27)
    assert call_due(D(2026, 9, 4), D(2026, 8, 1), ENGLAND_AND_WALES) == D(2026, 8, 27)
    # a meeting sooner than that: the call is due today
    assert call_due(D(2026, 9, 4), D(2026, 9, 1), ENGLAND_AND_WALES) == D(2026, 9, 1)
    # ... or on the next working day when today is not one (Sat 29 Aug, Mon 31 Aug a holiday)
    assert call_due(D(2026, 9, 4), D(2026, 8, 29), ENGLAND_AND_WALES) == D(2026, 9, 1)
    with pytest.raises(ValueError):
        working_days_before(D(2026, 9, 4), -1, ENGLAND_AND_WALES)


@pytest.mark.parametrize(
    ("notice_sent", "appeal_deadline", "safe"),
    [
        # 2 Jan 2027 is in the Christmas window: first working day after 1 Jan is Mon 4 Jan;
        # a meeting on Tue 29 Dec gets its certificate by 30, 31 Dec, 4 Jan; 30 Dec would be 5 Jan
        (D(2026, 11, 2), D(2027, 1, 4), D(2026, 12, 29)),
        # 2 May 2026 is a Saturday, Mon 4 May a bank holiday: Tue 5 May; 29 Apr + 3 = 5 May
        (D(2026, 3, 2), D(2026, 5, 5), D(2026, 4, 29)),
        # 15 Aug 2026 is in August: first working day after 31 Aug (a bank holiday) is 1 Sep
        (D(2026, 6, 15), D(2026, 9, 1), D(2026, 8, 26)),
        # an ordinary Tuesday deadline: Thu 17 Sep + 3 = Tue 22 Sep (Fri 18 Sep + 3 = Wed)
        (D(2026, 7, 22), D(2026, 9, 22), D(2026, 9, 17)),
    ],
)
def test_appeal_safe_date(notice_sent, appeal_deadline, safe):
    deadline = appeal_deadline_without_certificate(
        decision_type="refuse_assessment", notice_sent=notice_sent, calendar=ENGLAND_AND_WALES
    )
    assert deadline == appeal_deadline
    assert appeal_safe_date(deadline, ENGLAND_AND_WALES) == safe
    # the definition itself: safe works, the next day does not
    assert ENGLAND_AND_WALES.add_working_days(safe, 3) <= deadline
    assert ENGLAND_AND_WALES.add_working_days(safe + timedelta(days=1), 3) > deadline


@pytest.mark.parametrize("meeting", [D(2026, 1, 1) + timedelta(days=n) for n in range(0, 730, 5)])
@pytest.mark.parametrize("today", [D(2025, 12, 1) + timedelta(days=n) for n in range(0, 760, 53)])
def test_the_mediators_call_always_falls_on_a_working_day(meeting, today):
    due = call_due(meeting, today, ENGLAND_AND_WALES)
    assert ENGLAND_AND_WALES.is_working_day(due)
    assert due >= today


def test_notice_agrees_with_the_engines_meeting_notice_by():
    from mediation.domain.deadlines import CaseEvent, CaseFacts, DecisionType, compute_deadlines

    for offset in range(0, 400, 5):
        meeting = D(2026, 1, 2) + timedelta(days=offset)
        facts = CaseFacts(
            decision_type=DecisionType.REFUSE_ASSESSMENT,
            notice_sent=D(2025, 12, 1),
            events={CaseEvent.MEETING_DATE: meeting},
        )
        engine = compute_deadlines(facts, ENGLAND_AND_WALES).by_code()["meeting_notice_by"].due
        assert meeting_notice_by(meeting, ENGLAND_AND_WALES) == engine
        assert enough_notice(meeting, engine, ENGLAND_AND_WALES)
        assert not enough_notice(meeting, engine + timedelta(days=1), ENGLAND_AND_WALES)


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (D(2026, 12, 8), None),
        (D(2026, 12, 12), "Saturday 12 December 2026 is a weekend day"),
        (D(2026, 12, 25), "Friday 25 December 2026 is a bank holiday (Christmas Day)"),
        (D(2026, 12, 30), "Wednesday 30 December 2026 is a day the service is closed (Staff training)"),
    ],
)  # fmt: skip
def test_a_meeting_day_that_is_not_a_working_day_is_named(day, words):
    calendar = ENGLAND_AND_WALES.with_closure_days({D(2026, 12, 30): "Staff training"})
    assert non_working_day_reason(day, calendar) == words
