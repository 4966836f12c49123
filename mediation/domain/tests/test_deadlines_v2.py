"""Deadline contract version 2 in the engine: one table per numbered change, then properties.

docs/domain/deadlines-contract.md, "Changes in version 2":
1. the appeal deadline on the Tribunal's working days (closure days never move it);
2. no deemed certificate on a health-only case;
3. a certificate that may not be issued extends nothing;
4. meeting_notice_by and health_body_tells_la_by;
5. warnings for people: {field, message}, the message in words.
Also: reg 44's later limits of an agreed action (follow_up_milestones), outside the contract.
Dates are checked by hand against the 2026-2028 bank holidays in test_calendar.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.domain.calendar import WorkingCalendar
from mediation.domain.dates import add_months
from mediation.domain.deadlines import (
    FOLLOW_UP_RULES,
    ActionKind,
    AgreedAction,
    CaseEvent,
    CaseFacts,
    DeadlineCode,
    DeadlineReport,
    DeadlineWarning,
    FollowUpStep,
    IssueKind,
    agreed_action_code,
    case_follow_up_milestones,
    compute_deadlines,
    follow_up_milestones,
)
from mediation.domain.decisions import DecisionType
from mediation.domain.tests.test_calendar import ENGLAND_AND_WALES

D = date
CLOSED = "Service closure day"
NOTICE = D(2026, 3, 2)  # the contract's worked example


def facts(
    notice_sent: date = NOTICE,
    *,
    issues: tuple[str, ...] = ("education",),
    section_i_only: bool = False,
    short_notice_agreed: bool = False,
    la_not_a_party: bool = False,
    actions: tuple[AgreedAction, ...] = (),
    more_events: Mapping[str, date] | None = None,
    **events: date,
) -> CaseFacts:
    events = {**events, **(more_events or {})}
    return CaseFacts(
        decision_type=DecisionType.PLAN_CONTENTS,
        notice_sent=notice_sent,
        section_i_only=section_i_only,
        issues=frozenset(IssueKind(issue) for issue in issues),
        events={CaseEvent(name): day for name, day in events.items()},
        agreed_actions=actions,
        short_notice_agreed=short_notice_agreed,
        la_not_a_party=la_not_a_party,
    )


def report(case: CaseFacts, closure_days: tuple[date, ...] = ()) -> DeadlineReport:
    calendar = ENGLAND_AND_WALES.with_closure_days(dict.fromkeys(closure_days, CLOSED))
    return compute_deadlines(case, calendar)


def dues(result: DeadlineReport) -> dict[str, date]:
    return {deadline.code: deadline.due for deadline in result.deadlines}


# ---- 1. the appeal deadline is counted on the Tribunal's working days -------------------------


@pytest.mark.parametrize(
    ("case", "closures", "appeal_due", "version_1_due"),
    [
        # The base is a working day the service is closed on: it stays.
        (facts(D(2026, 7, 14)), (D(2026, 9, 14),), D(2026, 9, 14), D(2026, 9, 15)),
        # The roll-forward from Sat 2 May skips the Early May Bank Holiday, not the closure.
        (
            facts(mediation_declined=D(2026, 3, 5), certificate_issued=D(2026, 3, 9)),
            (D(2026, 5, 5),),
            D(2026, 5, 5),
            D(2026, 5, 6),
        ),
        # August rule: the first Tribunal working day after 31 Aug, closure or not.
        (
            facts(D(2026, 6, 15), certificate_issued=D(2026, 7, 20)),
            (D(2026, 9, 1), D(2026, 9, 2)),
            D(2026, 9, 1),
            D(2026, 9, 3),
        ),
        # Christmas rule: base Mon 28 Dec 2026 -> first working day after 1 Jan 2027.
        (facts(D(2026, 10, 28)), (D(2027, 1, 4),), D(2027, 1, 4), D(2027, 1, 5)),
        # Christmas Eve is a Tribunal working day even when the service shuts.
        (facts(D(2026, 10, 24)), (D(2026, 12, 24),), D(2026, 12, 24), D(2026, 12, 29)),
    ],
)
def test_1_closure_days_never_move_the_appeal_deadline(
    case: CaseFacts, closures: tuple[date, ...], appeal_due: date, version_1_due: date
) -> None:
    found = report(case, closures).by_code()["appeal_deadline"]
    assert found.due == appeal_due
    # Version 1 treated closure days as non-working for the Tribunal too: a calendar that
    # lists them as holidays still gives version 1's (later) date.
    version_1 = WorkingCalendar(
        holidays={**ENGLAND_AND_WALES.holidays, **dict.fromkeys(closures, CLOSED)}
    )
    assert compute_deadlines(case, version_1).by_code()["appeal_deadline"].due == version_1_due
    assert CLOSED not in found.explanation
    assert found.explanation.endswith(
        "the service's own closure days do not move the Tribunal's deadline"
    )
    # The same case with no closure days at all gives the same date.
    assert report(case).by_code()["appeal_deadline"].due == appeal_due


def test_1_closure_days_still_move_the_service_and_la_deadlines() -> None:
    case = facts(
        issues=("education", "health"),
        mediation_declined=D(2026, 3, 5),
        la_informed=D(2026, 3, 5),
        meeting_date=D(2026, 3, 16),
    )
    found = report(case, (D(2026, 3, 9),)).by_code()
    assert found["certificate_due_after_decline"].due == D(2026, 3, 11)
    assert found["health_bodies_notified_by"].due == D(2026, 3, 11)
    # 5 working days before Mon 16 Mar skipping Mon 9 Mar: Fri 13, Thu 12, Wed 11, Tue 10, Fri 6.
    assert found["meeting_notice_by"].due == D(2026, 3, 6)
    assert "Mon 9 Mar: Service closure day" in found["certificate_due_after_decline"].explanation


# ---- 2. no deemed certificate on a health-only case ------------------------------------------


@pytest.mark.parametrize(
    ("issues", "deemed_due"),
    [
        (("health",), None),
        (("education",), D(2026, 6, 4)),
        (("social_care",), D(2026, 6, 4)),
        (("education", "health"), D(2026, 6, 4)),
        (("health", "social_care"), D(2026, 6, 4)),
        (("education", "health", "social_care"), D(2026, 6, 4)),
    ],
)
def test_2_no_deemed_certificate_on_a_health_only_case(
    issues: tuple[str, ...], deemed_due: date | None
) -> None:
    result = report(
        facts(issues=issues, la_informed=D(2026, 5, 1), la_unable_to_arrange_notified=D(2026, 6, 1))
    )
    assert dues(result).get("certificate_due_deemed") == deemed_due
    why = [w for w in result.warnings if w.field == "events.la_unable_to_arrange_notified"]
    if deemed_due is None:
        (warning,) = why
        assert "health issues only is arranged by the health body" in warning.message
        assert "Monday 1 June 2026" in warning.message
    else:
        assert why == []


# ---- 3. a certificate that may not be issued extends nothing -----------------------------------

LATE = D(2026, 5, 4)  # the window for notice Mon 2 Mar 2026 ended on Sat 2 May 2026


@pytest.mark.parametrize(
    ("events", "absent", "present", "appeal_due"),
    [
        (
            {"mediation_declined": D(2026, 5, 5), "certificate_issued": D(2026, 5, 6)},
            {"certificate_due_after_decline"},
            set(),
            D(2026, 5, 5),  # Sat 2 May -> Tue 5 May; the certificate's 6 Jun is ignored
        ),
        (
            {"la_informed": D(2026, 5, 5), "la_unable_to_arrange_notified": D(2026, 6, 5)},
            {"certificate_due_deemed"},
            {"mediation_by"},
            D(2026, 5, 5),
        ),
        # A certificate recorded anyway gives no more time (it would have given 1 Sep).
        ({"certificate_issued": D(2026, 7, 20)}, set(), set(), D(2026, 5, 5)),
        # The contract names two certificates; the one after mediation is still listed.
        (
            {"mediation_held": D(2026, 6, 1), "mediation_concluded": D(2026, 6, 1)},
            set(),
            {"certificate_due_after_mediation"},
            D(2026, 5, 5),
        ),
    ],
)
def test_3_a_certificate_that_may_not_be_issued_extends_nothing(
    events: dict[str, date], absent: set[str], present: set[str], appeal_due: date
) -> None:
    result = report(facts(adviser_contacted=LATE, more_events=events))
    assert result.certificate_allowed is False
    found = result.by_code()
    assert not absent & set(found)
    assert present <= set(found)
    assert found["appeal_deadline"].due == appeal_due
    assert found["appeal_deadline"].from_ == "decision.notice_sent"
    (warning,) = [w for w in result.warnings if w.field == "events.adviser_contacted"]
    assert "the Tribunal's permission to appeal late" in warning.message
    assert "advice" in warning.message
    assert "Tuesday 5 May 2026" in warning.message  # the date the appeal must arrive by


def test_3_contact_on_the_last_day_keeps_every_certificate() -> None:
    result = report(
        facts(
            adviser_contacted=D(2026, 5, 2),
            mediation_declined=D(2026, 5, 5),
            certificate_issued=D(2026, 7, 20),
        )
    )
    assert result.certificate_allowed is True
    assert dues(result)["certificate_due_after_decline"] == D(2026, 5, 8)
    assert dues(result)["appeal_deadline"] == D(2026, 9, 1)  # 20 Aug, in August
    assert result.warnings == ()


def test_3_section_i_only_late_contact_says_no_certificate_is_needed() -> None:
    result = report(facts(section_i_only=True, adviser_contacted=LATE))
    (warning,) = result.warnings
    assert "No certificate is needed" in warning.message
    assert "permission to appeal late" in warning.message
    assert "without a certificate" not in warning.message


# ---- 4. two more clocks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meeting", "notice_by"),
    [
        (D(2026, 6, 15), D(2026, 6, 8)),  # Monday: Fri 12, Thu 11, Wed 10, Tue 9, Mon 8
        (D(2026, 6, 19), D(2026, 6, 12)),  # Friday
        (D(2026, 6, 20), D(2026, 6, 15)),  # Saturday: the meeting day itself is never counted
        (D(2026, 9, 3), D(2026, 8, 26)),  # across Mon 31 Aug 2026 (bank holiday)
        (D(2026, 4, 8), D(2026, 3, 30)),  # across Easter: Good Friday and Easter Monday
        (D(2027, 1, 5), D(2026, 12, 24)),  # across New Year, Christmas and Boxing Day
    ],
)
def test_4_meeting_notice_by_is_5_working_days_before_the_meeting(
    meeting: date, notice_by: date
) -> None:
    found = report(facts(meeting_date=meeting)).by_code()["meeting_notice_by"]
    assert found.due == notice_by
    assert found.from_ == "events.meeting_date"
    assert found.rule == "SEND Regulations 2014 reg 37(2)"


def test_4_meeting_notice_explanation_counts_back() -> None:
    found = report(facts(meeting_date=D(2026, 6, 15))).by_code()["meeting_notice_by"]
    assert found.explanation == (
        "5 working days before Mon 15 Jun 2026: Fri 12, Thu 11, Wed 10, Tue 9, Mon 8 Jun"
    )
    found = report(facts(meeting_date=D(2026, 9, 3))).by_code()["meeting_notice_by"]
    assert found.explanation == (
        "5 working days before Thu 3 Sep 2026: Wed 2, Tue 1 Sep, Fri 28, Thu 27, Wed 26 Aug"
        " (skipped Sat 29 and Sun 30 Aug: weekend; Mon 31 Aug: Late Summer Bank Holiday)"
    )


def test_4_short_notice_agreed_removes_meeting_notice_by() -> None:
    result = report(facts(meeting_date=D(2026, 6, 15), short_notice_agreed=True))
    assert "meeting_notice_by" not in dues(result)
    assert result.warnings == ()


@pytest.mark.parametrize(
    ("issues", "la_not_a_party", "events", "due", "warned"),
    [
        (("health",), True, {"agreement_made": D(2026, 6, 10)}, D(2026, 6, 17), False),
        (("health",), False, {"agreement_made": D(2026, 6, 10)}, None, False),
        (("health",), True, {}, None, False),
        # Calendar days: 1 week after Fri 18 Dec 2026 is Christmas Day, and stays there.
        (("health",), True, {"agreement_made": D(2026, 12, 18)}, D(2026, 12, 25), False),
        # The flag is trusted where a health body took part.
        (("education", "health"), True, {"agreement_made": D(2026, 6, 10)}, D(2026, 6, 17), False),
        # No health body took part, so none made the agreement: no clock, and a warning why.
        (("education",), True, {"agreement_made": D(2026, 6, 10)}, None, True),
    ],
)
def test_4_health_body_tells_la_by(
    issues: tuple[str, ...],
    la_not_a_party: bool,
    events: dict[str, date],
    due: date | None,
    warned: bool,
) -> None:
    result = report(facts(issues=issues, la_not_a_party=la_not_a_party, more_events=events))
    assert dues(result).get("health_body_tells_la_by") == due
    if due is not None:
        found = result.by_code()["health_body_tells_la_by"]
        assert found.from_ == "events.agreement_made"
        assert found.rule == "SEND Regulations 2014 reg 42(4)"
        assert found.explanation.startswith("1 week after ")
    assert any(w.field == "la_not_a_party" for w in result.warnings) is warned


def test_4_version_1_cases_are_unchanged_by_the_new_fields() -> None:
    v1 = facts(la_informed=D(2026, 6, 1), mediation_held=D(2026, 6, 25))
    codes = [d.code for d in report(v1).deadlines]
    assert codes == [
        "adviser_contact_window_ends",
        "mediation_by",
        "outcome_statement_circulated_by",
        "appeal_deadline",
    ]


# ---- 5. warnings are for people ----------------------------------------------------------------

# A field path or an internal code: "events.la_informed", "agreed_due", "agreed_actions[0]".
FIELD_PATH = re.compile(r"[a-z]+_[a-z_]+|[a-z]\.[a-z]|\[[0-9]+\]")
INPUT_FIELDS = {
    "",
    "decision.notice_sent",
    "decision.section_i_only",
    "la_not_a_party",
    "short_notice_agreed",
    *(f"events.{event.value}" for event in CaseEvent),
}


def assert_warnings_for_people(warnings: tuple[DeadlineWarning, ...]) -> None:
    for warning in warnings:
        assert isinstance(warning, DeadlineWarning)
        assert str(warning) == warning.message
        assert warning.message and warning.message[0].isupper()
        assert not FIELD_PATH.search(warning.message), warning.message
        assert warning.field in INPUT_FIELDS or re.fullmatch(
            r"agreed_actions\[[0-9]+\]\.agreed_due", warning.field
        )


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        (
            facts(la_informed=D(2026, 6, 1), mediation_held=D(2026, 5, 1)),
            "events.mediation_held",
            "The date the meeting was held must be on or after the day the LA was told the "
            "family wants mediation, Monday 1 June 2026.",
        ),
        (
            facts(adviser_contacted=D(2026, 3, 10), mediation_declined=D(2026, 3, 5)),
            "events.mediation_declined",
            "The date the family said they did not want mediation must be on or after the day "
            "the family contacted the mediation adviser, Tuesday 10 March 2026.",
        ),
        (
            facts(adviser_contacted=D(2026, 3, 1)),
            "events.adviser_contacted",
            "The date the family contacted the mediation adviser must be on or after the day "
            "the decision letter was sent, Monday 2 March 2026.",
        ),
        (
            facts(la_informed=D(2026, 6, 10), meeting_date=D(2026, 6, 9)),
            "events.meeting_date",
            "The meeting must be booked for a date on or after the day the LA was told the "
            "family wants mediation, Wednesday 10 June 2026.",
        ),
        (
            facts(
                agreement_made=D(2026, 6, 1),
                actions=(
                    AgreedAction("A1", ActionKind.RECONSIDER),
                    AgreedAction("B2", ActionKind.RECONSIDER, agreed_due=D(2026, 5, 1)),
                ),
            ),
            "agreed_actions[1].agreed_due",
            "The due date for agreed action B2 must be on or after the agreement, "
            "Monday 1 June 2026.",
        ),
    ],
)
def test_5_warnings_name_events_in_words_with_the_field_apart(
    case: CaseFacts, field: str, message: str
) -> None:
    result = report(case)
    assert [(w.field, w.message) for w in result.warnings] == [(field, message)]
    assert_warnings_for_people(result.warnings)


def test_5_every_kind_of_warning_is_for_people() -> None:
    every_warning = facts(
        issues=("health",),
        section_i_only=True,
        la_not_a_party=False,
        adviser_contacted=LATE,
        la_unable_to_arrange_notified=D(2026, 5, 6),
        la_informed=D(2026, 5, 7),
        mediation_concluded=D(2026, 5, 10),
        actions=(AgreedAction("A1", ActionKind.RECONSIDER),),
    )
    result = report(every_warning)
    assert {w.field for w in result.warnings} == {
        "events.adviser_contacted",
        "events.la_unable_to_arrange_notified",
        "decision.section_i_only",
        "agreed_actions[0].agreed_due",
    }
    assert_warnings_for_people(result.warnings)
    education = report(facts(la_not_a_party=True))
    assert [w.field for w in education.warnings] == ["la_not_a_party"]
    assert_warnings_for_people(education.warnings)


# ---- reg 44's later limits (not in the contract's output) -------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            ActionKind.ASSESSMENT,
            [
                (FollowUpStep.NO_PLAN_NOTICE, 10, "regs 42(2) and 44(2)(b)(i)", True),
                (FollowUpStep.FINAL_PLAN, 14, "regs 42(2) and 44(2)(b)(ii)", True),
            ],
        ),
        (
            ActionKind.REASSESSMENT,
            [
                (FollowUpStep.NO_PLAN_NOTICE, 10, "regs 42(2) and 44(2)(b)(i)", True),
                (FollowUpStep.FINAL_PLAN, 14, "regs 42(2) and 44(2)(b)(ii)", True),
            ],
        ),
        (
            ActionKind.MAKE_PLAN,
            [(FollowUpStep.FINAL_PLAN, 11, "regs 42(2) and 44(2)(c)(ii)", False)],
        ),
        (ActionKind.RECONSIDER, []),
        (ActionKind.AMEND_PROVISION, []),
        (ActionKind.AMEND_SCHOOL, []),
        (ActionKind.CONTINUE_AND_AMEND, []),
        (ActionKind.NOT_APPEALABLE, []),
    ],
)
def test_follow_up_milestones_by_kind(
    kind: ActionKind, expected: list[tuple[FollowUpStep, int, str, bool]]
) -> None:
    agreement = D(2026, 8, 27)
    milestones = follow_up_milestones(AgreedAction("A1", kind), agreement)
    assert [(m.step, m.due, m.rule, m.either_or) for m in milestones] == [
        (step, agreement + timedelta(weeks=weeks), f"SEND Regulations 2014 {rule}", either)
        for step, weeks, rule, either in expected
    ]
    for milestone, (_, weeks, _, _) in zip(milestones, expected, strict=True):
        assert milestone.from_ == "events.agreement_made"
        assert milestone.action_id == "A1"
        assert milestone.code == f"agreed_action_{milestone.step.value}_by:A1"
        assert milestone.explanation.startswith(f"{weeks} weeks after Thu 27 Aug 2026: ")
        assert milestone.summary and not FIELD_PATH.search(milestone.summary)


def test_follow_up_worked_example() -> None:
    # Agreement Thu 27 Aug 2026 to make a plan: draft by Thu 1 Oct (5 weeks, the contract's
    # agreed_action_due), final plan by Thu 12 Nov 2026 (11 weeks), no roll-forward.
    action = AgreedAction("P", ActionKind.MAKE_PLAN)
    case = facts(D(2026, 6, 1), agreement_made=D(2026, 8, 27), actions=(action,))
    assert dues(report(case))[agreed_action_code("P")] == D(2026, 10, 1)
    (final,) = case_follow_up_milestones(case)
    assert (final.due, final.explanation) == (
        D(2026, 11, 12),
        "11 weeks after Thu 27 Aug 2026: Thu 12 Nov 2026",
    )
    # Not part of the command's output: the contract fixes its codes.
    assert final.code not in dues(report(case))


def test_follow_up_needs_the_agreement_date_and_keeps_action_order() -> None:
    actions = (AgreedAction("Z", ActionKind.MAKE_PLAN), AgreedAction("A", ActionKind.ASSESSMENT))
    assert case_follow_up_milestones(facts(actions=actions)) == ()
    found = case_follow_up_milestones(facts(agreement_made=D(2026, 6, 1), actions=actions))
    assert [(m.action_id, m.step) for m in found] == [
        ("Z", FollowUpStep.FINAL_PLAN),
        ("A", FollowUpStep.NO_PLAN_NOTICE),
        ("A", FollowUpStep.FINAL_PLAN),
    ]
    # An agreed date for the first step (reg 42(5)) leaves the later limits in place.
    agreed = AgreedAction("A", ActionKind.ASSESSMENT, agreed_due=D(2026, 7, 1))
    assert len(follow_up_milestones(agreed, D(2026, 6, 1))) == 2


def test_follow_up_rules_cover_only_the_kinds_with_later_steps() -> None:
    assert set(FOLLOW_UP_RULES) == {
        ActionKind.ASSESSMENT,
        ActionKind.REASSESSMENT,
        ActionKind.MAKE_PLAN,
    }


# ---- properties --------------------------------------------------------------------------------

case_dates = st.dates(min_value=D(2025, 3, 1), max_value=D(2028, 8, 31))
closure_sets = st.frozensets(
    st.dates(min_value=D(2025, 3, 1), max_value=D(2028, 12, 31)), max_size=40
)
issue_mixes = st.sets(st.sampled_from(["education", "health", "social_care"]), min_size=1).map(
    tuple
)
event_maps = st.dictionaries(st.sampled_from(list(CaseEvent)), case_dates)
some_actions = st.lists(
    st.builds(
        AgreedAction,
        id=st.sampled_from(["A1", "A2", "A3"]),
        kind=st.sampled_from(list(ActionKind)),
        agreed_due=st.none() | case_dates,
    ),
    max_size=3,
    unique_by=lambda action: action.id,
).map(tuple)
any_case = st.builds(
    facts,
    notice_sent=case_dates,
    issues=issue_mixes,
    section_i_only=st.booleans(),
    short_notice_agreed=st.booleans(),
    la_not_a_party=st.booleans(),
    actions=some_actions,
).flatmap(
    lambda base: event_maps.map(
        lambda events: CaseFacts(
            decision_type=base.decision_type,
            notice_sent=base.notice_sent,
            section_i_only=base.section_i_only,
            issues=base.issues,
            events=events,
            agreed_actions=base.agreed_actions,
            short_notice_agreed=base.short_notice_agreed,
            la_not_a_party=base.la_not_a_party,
        )
    )
)


def with_closures(closures: frozenset[date]) -> WorkingCalendar:
    return ENGLAND_AND_WALES.with_closure_days(dict.fromkeys(closures, CLOSED))


@given(case=any_case, closures=closure_sets)
def test_property_closure_days_never_move_the_appeal_deadline(
    case: CaseFacts, closures: frozenset[date]
) -> None:
    closed = compute_deadlines(case, with_closures(closures)).by_code()["appeal_deadline"]
    open_every_day = compute_deadlines(case, ENGLAND_AND_WALES).by_code()["appeal_deadline"]
    assert (closed.due, closed.from_) == (open_every_day.due, open_every_day.from_)


@given(case=any_case, closures=closure_sets)
def test_property_appeal_deadline_is_a_tribunal_working_day_on_or_after_its_base(
    case: CaseFacts, closures: frozenset[date]
) -> None:
    calendar = with_closures(closures)
    result = compute_deadlines(case, calendar)
    appeal = result.by_code()["appeal_deadline"]
    assert calendar.without_closure_days().is_working_day(appeal.due)
    assert appeal.due >= add_months(case.notice_sent, 2)
    issued = case.events.get(CaseEvent.CERTIFICATE_ISSUED)
    if issued is not None and result.certificate_allowed:
        assert appeal.due >= add_months(issued, 1)


@given(case=any_case)
def test_property_no_barred_certificate_deadline_when_not_allowed(case: CaseFacts) -> None:
    result = compute_deadlines(case, ENGLAND_AND_WALES)
    found = result.by_code()
    if not result.certificate_allowed:
        assert "certificate_due_after_decline" not in found
        assert "certificate_due_deemed" not in found
        assert found["appeal_deadline"].from_ == "decision.notice_sent"
        assert any(w.field == "events.adviser_contacted" for w in result.warnings)


@given(case=any_case)
def test_property_health_only_cases_never_have_a_deemed_certificate(case: CaseFacts) -> None:
    found = compute_deadlines(case, ENGLAND_AND_WALES).by_code()
    if case.issues == {IssueKind.HEALTH}:
        assert "certificate_due_deemed" not in found


@given(meeting=case_dates, closures=closure_sets)
def test_property_meeting_notice_by_is_the_5th_service_working_day_before(
    meeting: date, closures: frozenset[date]
) -> None:
    calendar = with_closures(closures)
    due = (
        compute_deadlines(facts(meeting_date=meeting), calendar).by_code()["meeting_notice_by"].due
    )
    assert due < meeting
    assert calendar.is_working_day(due)
    # Exactly 4 service working days fall strictly between the notice date and the meeting.
    assert calendar.working_days_between(due, meeting - timedelta(days=1)) == 4


@given(case=any_case)
def test_property_new_clocks_appear_exactly_when_the_contract_says(case: CaseFacts) -> None:
    found = compute_deadlines(case, ENGLAND_AND_WALES).by_code()
    meeting = case.events.get(CaseEvent.MEETING_DATE)
    assert ("meeting_notice_by" in found) == (meeting is not None and not case.short_notice_agreed)
    agreement = case.events.get(CaseEvent.AGREEMENT_MADE)
    expected = agreement is not None and case.la_not_a_party and IssueKind.HEALTH in case.issues
    assert ("health_body_tells_la_by" in found) == expected
    if expected:
        assert agreement is not None
        assert found["health_body_tells_la_by"].due == agreement + timedelta(weeks=1)


@given(case=any_case, closures=closure_sets)
def test_property_every_warning_is_for_people(case: CaseFacts, closures: frozenset[date]) -> None:
    assert_warnings_for_people(compute_deadlines(case, with_closures(closures)).warnings)


def test_deadline_codes_are_the_contracts() -> None:
    contract_codes: Mapping[str, Any] = {
        "adviser_contact_window_ends": None,
        "certificate_due_after_decline": None,
        "health_bodies_notified_by": None,
        "mediation_by": None,
        "certificate_due_deemed": None,
        "certificate_due_after_mediation": None,
        "outcome_statement_circulated_by": None,
        "appeal_deadline": None,
        "meeting_notice_by": None,
        "health_body_tells_la_by": None,
    }
    assert {code.value for code in DeadlineCode} == set(contract_codes)
