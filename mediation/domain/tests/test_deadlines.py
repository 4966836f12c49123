"""compute_deadlines: every worked example of the contract, each rule, and the appeal rules.

Uses the explicit England & Wales calendar written out in test_calendar.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.domain.calendar import WEEKEND, SkippedDay
from mediation.domain.dates import add_months, format_day_long, format_time
from mediation.domain.deadlines import (
    ACTION_RULES,
    RULES,
    ActionKind,
    AgreedAction,
    CaseEvent,
    CaseFacts,
    Deadline,
    DeadlineCode,
    DeadlineReport,
    DecisionType,
    IssueKind,
    IssueScope,
    compute_deadlines,
    describe_skipped,
)
from mediation.domain.tests.test_calendar import ENGLAND_AND_WALES

D = date
WORKED_EXAMPLE_NOTICE = D(2026, 3, 2)


def case(
    notice_sent: date = WORKED_EXAMPLE_NOTICE,
    *,
    issues: set[str] | None = None,
    section_i_only: bool = False,
    actions: tuple[AgreedAction, ...] = (),
    events: Mapping[str, date] | None = None,
    **more_events: date,
) -> CaseFacts:
    """A plan-contents case; events by keyword (`la_informed=...`) or as a mapping."""
    return CaseFacts(
        decision_type=DecisionType.PLAN_CONTENTS,
        notice_sent=notice_sent,
        section_i_only=section_i_only,
        issues=frozenset(IssueKind(issue) for issue in issues or {"education"}),
        events={CaseEvent(name): day for name, day in {**(events or {}), **more_events}.items()},
        agreed_actions=actions,
    )


def report_for(facts: CaseFacts) -> DeadlineReport:
    return compute_deadlines(facts, ENGLAND_AND_WALES)


def deadline(facts: CaseFacts, code: str) -> Deadline:
    return report_for(facts).by_code()[code]


def codes(facts: CaseFacts) -> list[str]:
    return [d.code for d in report_for(facts).deadlines]


# ---- the contract's worked examples ----------------------------------------------------------

WORKED_EXAMPLES: list[tuple[dict[str, Any], str, date]] = [
    (
        {"mediation_declined": D(2026, 3, 5)},
        "certificate_due_after_decline",
        D(2026, 3, 10),
    ),
    (
        {"mediation_declined": D(2026, 3, 5), "certificate_issued": D(2026, 3, 9)},
        "appeal_deadline",
        D(2026, 5, 5),  # 2 May is a Saturday, 4 May a bank holiday
    ),
    ({"mediation_declined": D(2026, 3, 5)}, "adviser_contact_window_ends", D(2026, 5, 2)),
    (
        {"la_informed": D(2026, 6, 1), "issues": {"education", "health"}},
        "health_bodies_notified_by",
        D(2026, 6, 4),
    ),
    (
        {"la_informed": D(2026, 6, 1), "issues": {"education", "health"}},
        "mediation_by",
        D(2026, 7, 1),
    ),
    (
        {"mediation_held": D(2026, 8, 27), "mediation_concluded": D(2026, 8, 27)},
        "outcome_statement_circulated_by",
        D(2026, 9, 2),  # 31 Aug is a bank holiday
    ),
    (
        {"mediation_held": D(2026, 8, 27), "mediation_concluded": D(2026, 8, 27)},
        "certificate_due_after_mediation",
        D(2026, 9, 2),
    ),
    (
        {"notice_sent": D(2026, 6, 15), "certificate_issued": D(2026, 7, 20)},
        "appeal_deadline",
        D(2026, 9, 1),  # 20 Aug falls in August
    ),
]


@pytest.mark.parametrize(("given_facts", "code", "due"), WORKED_EXAMPLES)
def test_contract_worked_examples(given_facts: dict[str, Any], code: str, due: date) -> None:
    assert deadline(case(**given_facts), code).due == due


@pytest.mark.parametrize(
    ("facts", "code", "source", "rule", "explanation"),
    [
        (
            case(mediation_declined=D(2026, 3, 5)),
            "certificate_due_after_decline",
            "events.mediation_declined",
            "SEND Regulations 2014 reg 34(1)",
            "3 working days after Thu 5 Mar 2026: Fri 6, Mon 9, Tue 10 Mar",
        ),
        (
            case(mediation_concluded=D(2026, 8, 27)),
            "certificate_due_after_mediation",
            "events.mediation_concluded",
            "SEND Regulations 2014 reg 39(1)",
            "3 working days after Thu 27 Aug 2026: Fri 28 Aug, Tue 1, Wed 2 Sep (skipped Sat 29"
            " and Sun 30 Aug: weekend; Mon 31 Aug: Late Summer Bank Holiday)",
        ),
        (
            case(la_informed=D(2026, 6, 1)),
            "mediation_by",
            "events.la_informed",
            "SEND Regulations 2014 reg 36(2)",
            "30 days after Mon 1 Jun 2026: Wed 1 Jul 2026",
        ),
        (
            case(),
            "adviser_contact_window_ends",
            "decision.notice_sent",
            "SEND Regulations 2014 regs 33 and 34(2)",
            "2 months after Mon 2 Mar 2026: Sat 2 May 2026",
        ),
        (
            case(D(2025, 12, 31)),
            "adviser_contact_window_ends",
            "decision.notice_sent",
            "SEND Regulations 2014 regs 33 and 34(2)",
            "2 months after Wed 31 Dec 2025: Sat 28 Feb 2026, the last day of February as there"
            " is no 31 February",
        ),
        (
            case(certificate_issued=D(2026, 3, 9)),
            "appeal_deadline",
            "decision.notice_sent",
            "HESC Rules 2008 r20(1)(c) and r12",
            "2 months after the notice was sent on Mon 2 Mar 2026 (Sat 2 May 2026) is later than"
            " 1 month after the certificate was issued on Mon 9 Mar 2026 (Thu 9 Apr 2026); it is"
            " not a working day, so the deadline is the next working day: Tue 5 May 2026"
            " (skipped Sat 2 and Sun 3 May: weekend; Mon 4 May: Early May Bank Holiday)",
        ),
        (
            case(D(2026, 6, 15), certificate_issued=D(2026, 7, 20)),
            "appeal_deadline",
            "events.certificate_issued",
            "HESC Rules 2008 r20(1)(c) and r12",
            "1 month after the certificate was issued on Mon 20 Jul 2026 (Thu 20 Aug 2026) is"
            " later than 2 months after the notice was sent on Mon 15 Jun 2026 (Sat 15 Aug 2026);"
            " it falls in August, so the deadline is the first working day after 31 Aug:"
            " Tue 1 Sep 2026",
        ),
        (
            case(D(2026, 10, 28)),
            "appeal_deadline",
            "decision.notice_sent",
            "HESC Rules 2008 r20(1)(c) and r12",
            "2 months after the notice was sent on Wed 28 Oct 2026: Mon 28 Dec 2026; it falls"
            " between 25 Dec and 1 Jan, so the deadline is the first working day after 1 Jan:"
            " Mon 4 Jan 2027 (skipped Sat 2 and Sun 3 Jan 2027: weekend)",
        ),
        (
            case(D(2026, 7, 14)),
            "appeal_deadline",
            "decision.notice_sent",
            "HESC Rules 2008 r20(1)(c) and r12",
            "2 months after the notice was sent on Tue 14 Jul 2026: Mon 14 Sep 2026; it is a"
            " working day, so the deadline is Mon 14 Sep 2026",
        ),
    ],
)
def test_deadline_rule_source_and_explanation(
    facts: CaseFacts, code: str, source: str, rule: str, explanation: str
) -> None:
    found = deadline(facts, code)
    assert (found.from_, found.rule, found.explanation) == (source, rule, explanation)


@pytest.mark.parametrize(
    ("skipped", "reference_year", "expected"),
    [
        (
            [(D(2026, 8, 29), WEEKEND), (D(2026, 8, 30), WEEKEND), (D(2026, 8, 31), "Late Summer")],
            2026,
            "Sat 29 and Sun 30 Aug: weekend; Mon 31 Aug: Late Summer",
        ),
        (
            [(D(2026, 2, 28), WEEKEND), (D(2026, 3, 1), WEEKEND)],
            2026,
            "Sat 28 Feb and Sun 1 Mar: weekend",
        ),
        (
            [(D(2027, 12, 29), "Closed"), (D(2027, 12, 30), "Closed"), (D(2027, 12, 31), "Closed")],
            2027,
            "Wed 29, Thu 30 and Fri 31 Dec: Closed",
        ),
        (
            [(D(2028, 1, 1), WEEKEND), (D(2028, 1, 2), WEEKEND), (D(2028, 1, 3), "New Year")],
            2027,
            "Sat 1 and Sun 2 Jan 2028: weekend; Mon 3 Jan 2028: New Year",
        ),
        # Not consecutive: named separately even with the same reason
        (
            [(D(2026, 3, 7), WEEKEND), (D(2026, 3, 14), WEEKEND)],
            2026,
            "Sat 7 Mar: weekend; Sat 14 Mar: weekend",
        ),
    ],
)
def test_describe_skipped(
    skipped: list[tuple[date, str]], reference_year: int, expected: str
) -> None:
    items = [SkippedDay(day, reason) for day, reason in skipped]
    assert describe_skipped(items, reference_year=reference_year) == expected


def test_explanations_are_deterministic() -> None:
    facts = case(mediation_concluded=D(2026, 12, 24), certificate_issued=D(2026, 11, 30))
    assert report_for(facts) == report_for(facts)


# ---- which deadlines appear, and in which order ---------------------------------------------

CONTRACT_ORDER = [
    "adviser_contact_window_ends",
    "certificate_due_after_decline",
    "health_bodies_notified_by",
    "mediation_by",
    "certificate_due_deemed",
    "certificate_due_after_mediation",
    "outcome_statement_circulated_by",
    "appeal_deadline",
    "agreed_action_due:Z9",
    "agreed_action_due:A1",
]


def test_every_deadline_in_contract_order_with_actions_in_input_order() -> None:
    facts = case(
        issues={"health", "social_care"},
        adviser_contacted=D(2026, 3, 3),
        mediation_declined=D(2026, 3, 4),
        la_informed=D(2026, 3, 5),
        health_body_notified=D(2026, 3, 6),
        la_unable_to_arrange_notified=D(2026, 3, 30),
        mediation_held=D(2026, 4, 1),
        mediation_concluded=D(2026, 4, 1),
        certificate_issued=D(2026, 4, 2),
        agreement_made=D(2026, 4, 1),
        actions=(
            AgreedAction("Z9", ActionKind.MAKE_PLAN),
            AgreedAction("A1", ActionKind.ASSESSMENT),
        ),
    )
    assert codes(facts) == CONTRACT_ORDER
    assert report_for(facts).warnings == ()


def test_only_the_window_and_the_appeal_deadline_without_events() -> None:
    assert codes(case()) == ["adviser_contact_window_ends", "appeal_deadline"]


LA_INFORMED_1_JUN = {"la_informed": D(2026, 6, 1)}
BOTH_NOTIFIED = {"la_informed": D(2026, 6, 1), "health_body_notified": D(2026, 6, 3)}


@pytest.mark.parametrize(
    ("issues", "events", "mediation_by", "health_bodies_by"),
    [
        # (due, from, rule) of mediation_by; due of health_bodies_notified_by
        ({"education"}, LA_INFORMED_1_JUN, (D(2026, 7, 1), "la_informed", "36(2)"), None),
        ({"social_care"}, LA_INFORMED_1_JUN, (D(2026, 7, 1), "la_informed", "36(2)"), None),
        (
            {"education", "social_care"},
            LA_INFORMED_1_JUN,
            (D(2026, 7, 1), "la_informed", "36(2)"),
            None,
        ),
        (
            {"education", "health"},
            LA_INFORMED_1_JUN,
            (D(2026, 7, 1), "la_informed", "35(4)"),
            D(2026, 6, 4),
        ),
        (
            {"health"},
            BOTH_NOTIFIED,
            (D(2026, 7, 3), "health_body_notified", "35(3)"),
            D(2026, 6, 4),
        ),
        # Health only: the 30 days run from the health body's notification, so without it
        # there is no mediation_by yet (the LA's 3-working-day duty still shows).
        ({"health"}, LA_INFORMED_1_JUN, None, D(2026, 6, 4)),
        # A health body notification alone does not start the LA's clocks.
        ({"education"}, {"health_body_notified": D(2026, 6, 3)}, None, None),
    ],
)
def test_mediation_by_and_health_bodies_by_issues(
    issues: set[str],
    events: dict[str, date],
    mediation_by: tuple[date, str, str] | None,
    health_bodies_by: date | None,
) -> None:
    found = report_for(case(issues=issues, events=events)).by_code()
    if mediation_by is None:
        assert "mediation_by" not in found
    else:
        due, event, rule = mediation_by
        assert found["mediation_by"].due == due
        assert found["mediation_by"].from_ == f"events.{event}"
        assert found["mediation_by"].rule == f"SEND Regulations 2014 reg {rule}"
    if health_bodies_by is None:
        assert "health_bodies_notified_by" not in found
    else:
        assert found["health_bodies_notified_by"].due == health_bodies_by


@pytest.mark.parametrize(
    ("event", "code", "start", "due"),
    [
        ("mediation_declined", "certificate_due_after_decline", D(2025, 12, 24), D(2025, 12, 31)),
        (
            "la_unable_to_arrange_notified",
            "certificate_due_deemed",
            D(2026, 12, 24),
            D(2026, 12, 31),
        ),
        ("mediation_concluded", "certificate_due_after_mediation", D(2027, 12, 29), D(2028, 1, 4)),
        ("mediation_held", "outcome_statement_circulated_by", D(2027, 3, 25), D(2027, 4, 1)),
        ("la_informed", "health_bodies_notified_by", D(2028, 5, 26), D(2028, 6, 1)),
    ],
)
def test_three_working_day_rules_across_bank_holidays(
    event: str, code: str, start: date, due: date
) -> None:
    # Education and health: every one of these rules applies (a deemed certificate needs an
    # LA-arranged mediation, contract version 2 change 2).
    facts = case(D(2025, 12, 1), issues={"health", "education"}, events={event: start})
    found = deadline(facts, code)
    assert found.due == due
    assert found.from_ == f"events.{event}"


def test_mediation_by_is_calendar_days_without_roll_forward() -> None:
    # 30 days after Fri 6 Mar 2026 is Sun 5 Apr 2026, Easter Sunday: it stays there.
    assert deadline(case(la_informed=D(2026, 3, 6)), "mediation_by").due == D(2026, 4, 5)


def test_adviser_window_has_no_roll_forward() -> None:
    assert deadline(case(D(2026, 3, 2)), "adviser_contact_window_ends").due == D(2026, 5, 2)
    assert deadline(case(D(2025, 12, 31)), "adviser_contact_window_ends").due == D(2026, 2, 28)
    assert deadline(case(D(2027, 12, 31)), "adviser_contact_window_ends").due == D(2028, 2, 29)


def test_extra_closure_days_move_working_day_deadlines() -> None:
    closed = ENGLAND_AND_WALES.with_closure_days({D(2026, 3, 9): "Service closure day"})
    report = compute_deadlines(case(mediation_declined=D(2026, 3, 5)), closed)
    found = report.by_code()["certificate_due_after_decline"]
    assert found.due == D(2026, 3, 11)
    assert found.explanation == (
        "3 working days after Thu 5 Mar 2026: Fri 6, Tue 10, Wed 11 Mar (skipped Sat 7 and"
        " Sun 8 Mar: weekend; Mon 9 Mar: Service closure day)"
    )


def test_extra_closure_day_never_moves_the_appeal_deadline() -> None:
    # Contract version 2, change 1 (version 1 gave Tue 15 Sep here): the Tribunal's working
    # days ignore the service's closure days.
    closed = ENGLAND_AND_WALES.with_closure_days({D(2026, 9, 14): "Service closure day"})
    found = compute_deadlines(case(D(2026, 7, 14)), closed).by_code()["appeal_deadline"]
    assert found.due == D(2026, 9, 14)
    assert "Service closure day" not in found.explanation
    assert found.explanation.endswith(
        "; the service's own closure days do not move the Tribunal's deadline"
    )


# ---- the appeal deadline ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notice_sent", "certificate_issued", "due", "source"),
    [
        # Christmas rule: base 25 Dec - 1 Jan -> first working day after 1 Jan
        (D(2025, 10, 25), None, D(2026, 1, 2), "decision.notice_sent"),  # base Thu 25 Dec 2025
        (D(2026, 10, 28), None, D(2027, 1, 4), "decision.notice_sent"),  # base Mon 28 Dec 2026
        (D(2027, 10, 31), None, D(2028, 1, 4), "decision.notice_sent"),  # base Fri 31 Dec 2027
        (D(2027, 11, 1), None, D(2028, 1, 4), "decision.notice_sent"),  # base Sat 1 Jan 2028
        (D(2026, 11, 1), None, D(2027, 1, 4), "decision.notice_sent"),  # base Fri 1 Jan 2027
        (D(2025, 9, 1), D(2025, 11, 30), D(2026, 1, 2), "events.certificate_issued"),
        # 24 Dec is outside the window: a working day stays put ...
        (D(2025, 10, 24), None, D(2025, 12, 24), "decision.notice_sent"),
        # ... and a non-working 24 Dec only rolls forward, even into the window (contract:
        # the Christmas and August moves apply to the base date, the roll comes last)
        (D(2028, 10, 24), None, D(2028, 12, 27), "decision.notice_sent"),  # base Sun 24 Dec
        # August rule: -> first working day after 31 Aug
        (D(2026, 6, 15), D(2026, 7, 20), D(2026, 9, 1), "events.certificate_issued"),
        (D(2026, 6, 30), None, D(2026, 9, 1), "decision.notice_sent"),  # base Sun 30 Aug 2026
        (D(2025, 6, 1), None, D(2025, 9, 1), "decision.notice_sent"),  # 31 Aug 2025 a Sunday
        (D(2027, 6, 30), None, D(2027, 9, 1), "decision.notice_sent"),  # base Mon 30 Aug (BH)
        (D(2028, 6, 1), None, D(2028, 9, 1), "decision.notice_sent"),
        (D(2029, 6, 1), None, D(2029, 9, 3), "decision.notice_sent"),  # 1 Sep 2029 a Saturday
        (D(2026, 5, 31), D(2026, 7, 31), D(2026, 9, 1), "events.certificate_issued"),
        # 31 Jul on a Saturday rolls to Mon 2 Aug and stays there (rules applied once, in order)
        (D(2027, 5, 31), None, D(2027, 8, 2), "decision.notice_sent"),
        # Weekend and bank holiday roll-forward
        (D(2026, 3, 2), D(2026, 3, 9), D(2026, 5, 5), "decision.notice_sent"),
        (D(2026, 2, 3), None, D(2026, 4, 7), "decision.notice_sent"),  # Good Friday, Easter Mon
        (D(2028, 2, 29), None, D(2028, 5, 2), "decision.notice_sent"),  # Sat 29 Apr; 1 May BH
        (D(2025, 12, 31), None, D(2026, 3, 2), "decision.notice_sent"),  # Sat 28 Feb 2026
        (D(2027, 12, 31), None, D(2028, 2, 29), "decision.notice_sent"),  # Tue 29 Feb 2028
        (D(2027, 3, 29), None, D(2027, 6, 1), "decision.notice_sent"),  # Sat 29 May; 31 May BH
        # Certificate later, month-end clamp on the certificate side
        (D(2025, 11, 20), D(2026, 1, 31), D(2026, 3, 2), "events.certificate_issued"),
        # A tie goes to the notice
        (D(2026, 3, 9), D(2026, 4, 9), D(2026, 5, 11), "decision.notice_sent"),
        # Certificate earlier than the notice base
        (D(2026, 3, 9), D(2026, 3, 10), D(2026, 5, 11), "decision.notice_sent"),
    ],
)
def test_appeal_deadline(
    notice_sent: date, certificate_issued: date | None, due: date, source: str
) -> None:
    events = {} if certificate_issued is None else {"certificate_issued": certificate_issued}
    found = deadline(case(notice_sent, events=events), "appeal_deadline")
    assert (found.due, found.from_) == (due, source)
    assert found.rule == "HESC Rules 2008 r20(1)(c) and r12"


def test_appeal_tie_explanation_says_so() -> None:
    found = deadline(case(D(2026, 3, 9), certificate_issued=D(2026, 4, 9)), "appeal_deadline")
    assert "is the same day as 1 month after the certificate" in found.explanation


# ---- certificate status and warnings ---------------------------------------------------------


@pytest.mark.parametrize(
    ("adviser_contacted", "allowed"),
    [
        (None, True),
        (D(2026, 3, 3), True),
        (D(2026, 5, 2), True),  # the last day of the window
        (D(2026, 5, 3), False),
        (D(2026, 5, 4), False),
    ],
)
def test_certificate_allowed_only_within_the_adviser_window(
    adviser_contacted: date | None, allowed: bool
) -> None:
    events = {} if adviser_contacted is None else {"adviser_contacted": adviser_contacted}
    report = report_for(case(D(2026, 3, 2), events=events))
    assert report.certificate_allowed is allowed
    assert report.certificate_required is True
    late_warnings = [w for w in report.warnings if w.field == "events.adviser_contacted"]
    assert bool(late_warnings) is not allowed
    if not allowed:
        assert "Saturday 2 May 2026" in late_warnings[0].message


def test_section_i_only_needs_no_certificate() -> None:
    report = report_for(case(section_i_only=True))
    assert report.certificate_required is False
    assert report.certificate_allowed is True
    assert report.warnings == ()


@pytest.mark.parametrize(
    "event", ["mediation_declined", "la_unable_to_arrange_notified", "mediation_concluded"]
)
def test_certificate_deadlines_still_shown_when_not_required_with_a_warning(event: str) -> None:
    facts = case(section_i_only=True, la_informed=D(2026, 3, 3), events={event: D(2026, 3, 5)})
    report = report_for(facts)
    assert any(d.code.startswith("certificate_due") for d in report.deadlines)
    assert report.certificate_required is False
    (warning,) = report.warnings
    assert warning.field == "decision.section_i_only"
    assert "only about the school or type of school named" in warning.message


@pytest.mark.parametrize(
    ("events", "expected_fields"),
    [
        (
            {"la_informed": D(2026, 6, 1), "mediation_held": D(2026, 5, 1)},
            [("events.mediation_held", "events.la_informed")],
        ),
        (
            {"mediation_held": D(2026, 5, 2), "mediation_concluded": D(2026, 5, 1)},
            [("events.mediation_concluded", "events.mediation_held")],
        ),
        (
            {"adviser_contacted": D(2026, 3, 1)},
            [("events.adviser_contacted", "decision.notice_sent")],
        ),
        (
            {"adviser_contacted": D(2026, 3, 10), "mediation_declined": D(2026, 3, 5)},
            [("events.mediation_declined", "events.adviser_contacted")],
        ),
        (
            {"mediation_declined": D(2026, 3, 10), "certificate_issued": D(2026, 3, 9)},
            [("events.certificate_issued", "events.mediation_declined")],
        ),
        (
            {"la_informed": D(2026, 3, 10), "health_body_notified": D(2026, 3, 9)},
            [("events.health_body_notified", "events.la_informed")],
        ),
        # Same day is in order
        ({"la_informed": D(2026, 3, 10), "mediation_held": D(2026, 3, 10)}, []),
    ],
)
def test_events_out_of_order_give_warnings_not_errors(
    events: dict[str, date], expected_fields: list[tuple[str, str]]
) -> None:
    report = report_for(case(D(2026, 3, 2), events=events))
    assert len(report.warnings) == len(expected_fields)
    for warning, (later, earlier) in zip(report.warnings, expected_fields, strict=True):
        # The field apart; the message in words, with the earlier date in full, no field path.
        assert warning.field == later
        assert "must be" in warning.message and "on or after" in warning.message
        earlier_day = events.get(earlier.removeprefix("events."), D(2026, 3, 2))
        assert format_day_long(earlier_day) in warning.message
        assert "." not in warning.message.rstrip(".") and "_" not in warning.message
    # The deadlines are still computed.
    assert report.by_code()["appeal_deadline"]


# ---- agreed actions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "weeks", "rule"),
    [
        (ActionKind.ASSESSMENT, 2, "regs 42(2) and 44(2)(b)"),
        (ActionKind.REASSESSMENT, 2, "regs 42(2) and 44(2)(b)"),
        (ActionKind.RECONSIDER, 2, "regs 42(2) and 44(2)(d)"),
        (ActionKind.AMEND_SCHOOL, 2, "regs 42(2) and 44(2)(f)"),
        (ActionKind.NOT_APPEALABLE, 2, "reg 42(3)"),
        (ActionKind.MAKE_PLAN, 5, "regs 42(2) and 44(2)(c)"),
        (ActionKind.AMEND_PROVISION, 5, "regs 42(2) and 44(2)(e)"),
        (ActionKind.CONTINUE_AND_AMEND, 5, "regs 42(2) and 44(2)(h)"),
    ],
)
def test_each_action_kind_runs_two_or_five_weeks_from_the_agreement(
    kind: ActionKind, weeks: int, rule: str
) -> None:
    expected_due = {2: "Fri 4 Dec 2026", 5: "Fri 25 Dec 2026"}[weeks]
    # Weeks are calendar days: no roll-forward even onto Christmas Day.
    facts = case(
        D(2026, 10, 1),
        mediation_held=D(2026, 11, 20),
        agreement_made=D(2026, 11, 20),
        actions=(AgreedAction("A1", kind),),
    )
    found = deadline(facts, "agreed_action_due:A1")
    assert found.due == D(2026, 11, 20) + timedelta(weeks=weeks)
    assert found.from_ == "events.agreement_made"
    assert found.rule == f"SEND Regulations 2014 {rule}"
    assert found.explanation == f"{weeks} weeks after Fri 20 Nov 2026: {expected_due}"


def test_every_action_kind_has_a_rule() -> None:
    assert set(ACTION_RULES) == set(ActionKind)


def test_agreed_due_overrides_the_statutory_period() -> None:
    facts = case(
        agreement_made=D(2026, 6, 1),
        actions=(
            AgreedAction("A1", ActionKind.MAKE_PLAN, agreed_due=D(2026, 9, 30)),
            AgreedAction("A2", ActionKind.MAKE_PLAN),
        ),
    )
    found = report_for(facts).by_code()
    assert found["agreed_action_due:A1"].due == D(2026, 9, 30)
    assert found["agreed_action_due:A1"].from_ == "agreed_actions[0].agreed_due"
    assert found["agreed_action_due:A1"].rule == "SEND Regulations 2014 reg 42(5)"
    assert found["agreed_action_due:A2"].due == D(2026, 7, 6)
    assert found["agreed_action_due:A2"].from_ == "events.agreement_made"


def test_agreed_due_without_an_agreement_date_still_appears() -> None:
    facts = case(actions=(AgreedAction("A1", ActionKind.RECONSIDER, agreed_due=D(2026, 4, 1)),))
    assert deadline(facts, "agreed_action_due:A1").due == D(2026, 4, 1)


def test_action_with_no_date_at_all_has_no_deadline_and_a_warning() -> None:
    report = report_for(case(actions=(AgreedAction("A1", ActionKind.RECONSIDER),)))
    assert "agreed_action_due:A1" not in report.by_code()
    (warning,) = report.warnings
    assert warning.field == "agreed_actions[0].agreed_due"
    assert warning.message == (
        "Agreed action A1 has no due date yet. Record the day the agreement was made, or the "
        "date agreed in writing for this action."
    )


def test_agreed_due_before_the_agreement_is_a_warning() -> None:
    facts = case(
        agreement_made=D(2026, 6, 1),
        actions=(AgreedAction("A1", ActionKind.RECONSIDER, agreed_due=D(2026, 5, 1)),),
    )
    (warning,) = report_for(facts).warnings
    assert warning.field == "agreed_actions[0].agreed_due"
    assert warning.message == (
        "The due date for agreed action A1 must be on or after the agreement, Monday 1 June 2026."
    )


# ---- CaseFacts and the rules table ----------------------------------------------------------


def test_case_facts_accepts_plain_strings_and_converts_them() -> None:
    facts = CaseFacts(
        decision_type="refuse_assessment",  # type: ignore[arg-type]  # a string, on purpose
        notice_sent=D(2026, 3, 2),
        issues=frozenset({"health"}),  # type: ignore[arg-type]  # likewise
        events={"la_informed": D(2026, 3, 3)},  # type: ignore[dict-item]  # likewise
        agreed_actions=(AgreedAction("A1", "assessment"),),  # type: ignore[arg-type]  # likewise
    )
    assert facts.decision_type is DecisionType.REFUSE_ASSESSMENT
    assert facts.issues == {IssueKind.HEALTH}
    assert facts.event(CaseEvent.LA_INFORMED) == D(2026, 3, 3)
    assert facts.agreed_actions[0].kind is ActionKind.ASSESSMENT


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"issues": frozenset()}, ValueError),
        ({"issues": frozenset({"dental"})}, ValueError),
        ({"decision_type": "refuse_everything"}, ValueError),
        ({"events": {"la_told": D(2026, 3, 3)}}, ValueError),
        ({"notice_sent": datetime(2026, 3, 2, 9, 0)}, TypeError),  # noqa: DTZ001
        ({"notice_sent": "2026-03-02"}, TypeError),
        ({"events": {"la_informed": "2026-03-03"}}, TypeError),
        (
            {
                "agreed_actions": (
                    AgreedAction("A", ActionKind.ASSESSMENT),
                    AgreedAction("A", ActionKind.RECONSIDER),
                )
            },
            ValueError,
        ),
    ],
)
def test_case_facts_refuses_bad_values(changes: dict[str, Any], error: type[Exception]) -> None:
    arguments: dict[str, Any] = {"decision_type": "plan_contents", "notice_sent": D(2026, 3, 2)}
    with pytest.raises(error):
        CaseFacts(**{**arguments, **changes})


def test_rules_table_follows_the_contract_order_and_cites_a_source() -> None:
    table_codes = list(dict.fromkeys(rule.code for rule in RULES))
    # Version 2's two new clocks sit by the events they run from: the meeting's notice after
    # mediation_by, the health body's notice to the LA after the outcome statement.
    assert [*table_codes, DeadlineCode.APPEAL_DEADLINE] == [
        *CONTRACT_ORDER[:4],
        "meeting_notice_by",
        *CONTRACT_ORDER[4:7],
        "health_body_tells_la_by",
        "appeal_deadline",
    ]
    for rule in RULES:
        assert rule.citation
        assert rule.runs_from == "decision.notice_sent" or rule.runs_from.removeprefix(
            "events."
        ) in set(CaseEvent)
    mediation_by_rows = [rule for rule in RULES if rule.code == DeadlineCode.MEDIATION_BY]
    scopes = {rule.applies_to for rule in mediation_by_rows}
    assert scopes == {IssueScope.HEALTH_ONLY, IssueScope.HEALTH_AND_OTHER, IssueScope.NO_HEALTH}


# ---- properties ------------------------------------------------------------------------------

case_dates = st.dates(min_value=D(2025, 1, 1), max_value=D(2028, 10, 31))


@given(notice_sent=case_dates, certificate_offset=st.none() | st.integers(0, 200))
def test_appeal_deadline_is_a_working_day_no_earlier_than_either_base(
    notice_sent: date, certificate_offset: int | None
) -> None:
    events = {}
    if certificate_offset is not None:
        events["certificate_issued"] = notice_sent + timedelta(days=certificate_offset)
    found = deadline(case(notice_sent, events=events), "appeal_deadline")
    assert ENGLAND_AND_WALES.is_working_day(found.due)
    assert found.due >= add_months(notice_sent, 2)
    if certificate_offset is not None:
        assert found.due >= add_months(events["certificate_issued"], 1)


@given(
    start=case_dates,
    event=st.sampled_from(
        [
            "mediation_declined",
            "la_unable_to_arrange_notified",
            "mediation_concluded",
            "mediation_held",
        ]
    ),
)
def test_three_working_day_deadlines_land_on_working_days(start: date, event: str) -> None:
    report = report_for(case(D(2025, 1, 1), events={event: start}))
    for found in report.deadlines:
        if found.from_ == f"events.{event}":
            assert ENGLAND_AND_WALES.is_working_day(found.due)
            assert ENGLAND_AND_WALES.working_days_between(start, found.due) == 3


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (time(10, 0), "10am"),
        (time(14, 30), "2:30pm"),
        (time(12, 0), "12pm"),
        (time(0, 15), "12:15am"),
        (time(9, 5), "9:05am"),
    ],
)
def test_times_of_day_are_written_as_people_say_them(moment, words):
    assert format_time(moment) == words


def test_short_dates_in_an_explanation_are_spelled_out_for_families():
    from mediation.domain.dates import spell_out_days

    assert spell_out_days(
        "2 months after the notice was sent on Thu 12 Nov 2026: Tue 12 Jan 2027 (skipped Sat 2 Jan)"
    ) == (
        "2 months after the notice was sent on Thursday 12 November 2026: Tuesday 12 January "
        "2027 (skipped Saturday 2 January)"
    )
    assert spell_out_days("skipped Sat 2 and Sun 3 Jan: weekend") == (
        "skipped Saturday 2 and Sunday 3 January: weekend"
    )
    assert spell_out_days("Monthly (not a date)") == "Monthly (not a date)"
