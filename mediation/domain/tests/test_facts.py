"""The fact rules (mediation.domain.facts): a table per rule family, then properties.

Every rule is checked three ways where it applies: the dates in the wrong order give the
violation (on the later fact, naming the earlier one in words), the same day is fine, and the
right order is fine.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mediation.domain.case_states import Route
from mediation.domain.dates import format_day_long
from mediation.domain.facts import (
    DONE_FACTS,
    ActionDates,
    CertificateKind,
    Fact,
    Violation,
    ViolationKind,
    fact_violations,
    violations_by_field,
    violations_for_fields,
)

D = date
F = Fact
K = CertificateKind
TODAY = D(2026, 6, 30)
FIELD_PATH = re.compile(r"[a-z]+_[a-z_]+|[a-z]\.[a-z]|\[[0-9]+\]")


def summary(violations: list[Violation]) -> list[tuple[Fact, Fact | None, str]]:
    return [(v.field, v.other, v.message) for v in violations]


# ---- date order: the table -------------------------------------------------------------------

# (earlier, later, certificate kind, the words for the earlier fact). Every (earlier, later)
# pair the module knows, each with the phrase a person would use.
ORDER_RULES: list[tuple[Fact, Fact, CertificateKind | None, str]] = [
    *(
        (F.NOTICE_SENT, later, None, "the day the decision letter was sent")
        for later in [
            F.ADVISER_CONTACTED,
            F.MEDIATION_DECLINED,
            F.LA_INFORMED,
            F.HEALTH_BODY_NOTIFIED,
            F.LA_UNABLE_TO_ARRANGE_NOTIFIED,
            F.EVERYONE_AGREED,
            F.LA_DECISION_CHANGED,
            F.MEETING_DATE,
            F.MEETING_CONFIRMATION_SENT,
            F.MEDIATION_HELD,
            F.MEDIATION_CONCLUDED,
            F.OUTCOME_RECORDED,
            F.OUTCOME_CIRCULATED,
            F.CERTIFICATE_ISSUED,
            F.AGREEMENT_MADE,
        ]
    ),
    (F.ADVISER_CONTACTED, F.MEDIATION_DECLINED, None, "the day the family contacted the mediation adviser"),
    (F.ADVISER_CONTACTED, F.CERTIFICATE_ISSUED, None, "the day the family contacted the mediation adviser"),
    (F.LA_INFORMED, F.HEALTH_BODY_NOTIFIED, None, "the day the LA was told the family wants mediation"),
    (F.LA_INFORMED, F.LA_UNABLE_TO_ARRANGE_NOTIFIED, None, "the day the LA was told the family wants mediation"),
    (F.LA_INFORMED, F.MEETING_DATE, None, "the day the LA was told the family wants mediation"),
    (F.LA_INFORMED, F.MEDIATION_HELD, None, "the day the LA was told the family wants mediation"),
    (F.LA_INFORMED, F.MEDIATION_CONCLUDED, None, "the day the LA was told the family wants mediation"),
    (F.LA_INFORMED, F.AGREEMENT_MADE, None, "the day the LA was told the family wants mediation"),
    (F.HEALTH_BODY_NOTIFIED, F.MEDIATION_HELD, None, "the day the health body was told"),
    (F.EVERYONE_AGREED, F.MEDIATION_HELD, None, "the day everyone agreed to take part"),
    (F.MEDIATION_HELD, F.MEDIATION_CONCLUDED, None, "the meeting"),
    (F.MEDIATION_HELD, F.AGREEMENT_MADE, None, "the meeting"),
    (F.MEDIATION_HELD, F.OUTCOME_RECORDED, None, "the meeting"),
    (F.MEDIATION_HELD, F.OUTCOME_CIRCULATED, None, "the meeting"),
    (F.OUTCOME_RECORDED, F.OUTCOME_CIRCULATED, None, "the day the outcome was recorded"),
    # The certificate, by kind (None: kind not known).
    (F.MEDIATION_DECLINED, F.CERTIFICATE_ISSUED, None, "the day the family said they did not want mediation"),
    (F.MEDIATION_DECLINED, F.CERTIFICATE_ISSUED, K.DECLINED, "the day the family said they did not want mediation"),
    (F.MEDIATION_HELD, F.CERTIFICATE_ISSUED, K.AFTER_MEDIATION, "the meeting"),
    (F.MEDIATION_CONCLUDED, F.CERTIFICATE_ISSUED, K.AFTER_MEDIATION, "the day the mediation ended"),
    (F.LA_UNABLE_TO_ARRANGE_NOTIFIED, F.CERTIFICATE_ISSUED, K.DEEMED, "the day the LA said it could not arrange mediation"),
]  # fmt: skip

SUBJECTS = {
    F.NOTICE_SENT: "The date the decision letter was sent must be",
    F.ADVISER_CONTACTED: "The date the family contacted the mediation adviser must be",
    F.MEDIATION_DECLINED: "The date the family said they did not want mediation must be",
    F.LA_INFORMED: "The date the LA was told the family wants mediation must be",
    F.HEALTH_BODY_NOTIFIED: "The date the health body was told must be",
    F.LA_UNABLE_TO_ARRANGE_NOTIFIED: "The date the LA said it could not arrange mediation must be",
    F.EVERYONE_AGREED: "The date everyone agreed to take part must be",
    F.LA_DECISION_CHANGED: "The date the LA changed its decision must be",
    F.MEETING_DATE: "The meeting must be booked for a date",
    F.MEETING_CONFIRMATION_SENT: "The date the meeting letter was sent must be",
    F.MEDIATION_HELD: "The date the meeting was held must be",
    F.MEDIATION_CONCLUDED: "The date the mediation ended must be",
    F.OUTCOME_RECORDED: "The date the outcome was recorded must be",
    F.OUTCOME_CIRCULATED: "The date the outcome statement was sent out must be",
    F.CERTIFICATE_ISSUED: "The certificate must be dated",
    F.AGREEMENT_MADE: "The agreement must be dated",
}

EARLIER_DAY = D(2026, 3, 12)  # a Thursday


@pytest.mark.parametrize(("earlier", "later", "kind", "words"), ORDER_RULES)
def test_each_date_order_rule(
    earlier: Fact, later: Fact, kind: CertificateKind | None, words: str
) -> None:
    wrong = fact_violations(
        {earlier: EARLIER_DAY, later: EARLIER_DAY - timedelta(days=1)}, certificate_kind=kind
    )
    assert summary(wrong) == [
        (later, earlier, f"{SUBJECTS[later]} on or after {words}, Thursday 12 March 2026.")
    ]
    assert wrong[0].kind is ViolationKind.ORDER
    for later_day in (EARLIER_DAY, EARLIER_DAY + timedelta(days=40)):
        assert (
            fact_violations({earlier: EARLIER_DAY, later: later_day}, certificate_kind=kind) == []
        )


def test_the_brief_s_example_word_for_word() -> None:
    found = fact_violations(
        {"mediation_held": D(2026, 3, 12), "certificate_issued": D(2026, 3, 10)},
        certificate_kind="after_mediation",
    )
    assert [v.message for v in found] == [
        "The certificate must be dated on or after the meeting, Thursday 12 March 2026."
    ]


@pytest.mark.parametrize(
    ("kind", "dates"),
    [
        # Reg 39(3): a deemed certificate may come before the meeting ("whether or not [the
        # family] later participates"), and before the mediation ends.
        (K.DEEMED, {F.MEDIATION_HELD: D(2026, 4, 10), F.CERTIFICATE_ISSUED: D(2026, 4, 3)}),
        (K.DEEMED, {F.MEDIATION_CONCLUDED: D(2026, 4, 10), F.CERTIFICATE_ISSUED: D(2026, 4, 3)}),
        (K.DEEMED, {F.MEDIATION_DECLINED: D(2026, 4, 10), F.CERTIFICATE_ISSUED: D(2026, 4, 3)}),
        # Kind not known: only what every kind shares is checked.
        (None, {F.MEDIATION_HELD: D(2026, 4, 10), F.CERTIFICATE_ISSUED: D(2026, 4, 3)}),
        # A certificate after mediation is not ordered against a decline the family took back.
        (K.AFTER_MEDIATION, {F.MEDIATION_DECLINED: D(2026, 4, 10), F.CERTIFICATE_ISSUED: D(2026, 4, 3)}),
        # A booked meeting is not ordered against the held date (meetings move).
        (None, {F.MEETING_DATE: D(2026, 4, 10), F.MEDIATION_HELD: D(2026, 4, 3)}),
    ],
)  # fmt: skip
def test_orders_the_law_allows(kind: CertificateKind | None, dates: dict[Fact, date]) -> None:
    assert fact_violations(dates, certificate_kind=kind, today=TODAY) == []


def test_several_violations_are_all_reported() -> None:
    found = fact_violations(
        {
            F.NOTICE_SENT: D(2026, 3, 2),
            F.LA_INFORMED: D(2026, 3, 20),
            F.MEDIATION_HELD: D(2026, 3, 10),
            F.CERTIFICATE_ISSUED: D(2026, 3, 1),
        },
        certificate_kind=K.AFTER_MEDIATION,
    )
    assert sorted((v.field, v.other) for v in found) == sorted(
        [
            (F.MEDIATION_HELD, F.LA_INFORMED),
            (F.CERTIFICATE_ISSUED, F.NOTICE_SENT),
            (F.CERTIFICATE_ISSUED, F.MEDIATION_HELD),
        ]
    )


# ---- nothing done in the future -----------------------------------------------------------------


@pytest.mark.parametrize("fact", sorted(DONE_FACTS))
def test_nothing_recorded_as_done_after_today(fact: Fact) -> None:
    assert fact_violations({fact: TODAY}, today=TODAY) == []
    (found,) = fact_violations({fact: TODAY + timedelta(days=1)}, today=TODAY)
    assert (found.field, found.kind) == (fact, ViolationKind.FUTURE)
    assert (
        found.message
        == f"{SUBJECTS.get(fact, found.message.split(' today')[0])} today or earlier (today is Tuesday 30 June 2026)."
    )
    assert fact_violations({fact: TODAY + timedelta(days=1)}) == []  # no today, no check


def test_the_done_facts_are_every_date_but_the_booked_meeting() -> None:
    date_facts = {f for f in Fact} - {
        F.CERTIFICATE_KIND,
        F.LA_NOT_A_PARTY,
        F.ACTION_AGREED,
        F.ACTION_DUE,
        F.ACTION_DONE,
        F.ACTION_NO_PLAN_NOTICE,
        F.ACTION_FINAL_PLAN_SENT,
    }
    assert date_facts - {F.MEETING_DATE} == DONE_FACTS
    assert fact_violations({F.MEETING_DATE: TODAY + timedelta(days=60)}, today=TODAY) == []


# ---- route, certificate kind and issues -----------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "kind", "dates", "health_only", "expected"),
    [
        # Disagreement resolution never leads to a certificate (CFA 2014 s57; D7).
        (Route.DISAGREEMENT_RESOLUTION, None, {F.CERTIFICATE_ISSUED: D(2026, 4, 1)}, None, [F.CERTIFICATE_ISSUED]),
        (Route.DISAGREEMENT_RESOLUTION, K.DECLINED, {}, None, [F.CERTIFICATE_KIND]),
        (Route.DISAGREEMENT_RESOLUTION, K.DECLINED, {F.CERTIFICATE_ISSUED: D(2026, 4, 1)}, None, [F.CERTIFICATE_ISSUED, F.CERTIFICATE_KIND]),
        (Route.DISAGREEMENT_RESOLUTION, None, {F.MEDIATION_HELD: D(2026, 4, 1)}, None, []),
        # A certificate without mediation is the one for declining mediation (s55(4)).
        (Route.CERTIFICATE_ONLY, K.DECLINED, {}, None, []),
        (Route.CERTIFICATE_ONLY, K.AFTER_MEDIATION, {}, None, [F.CERTIFICATE_KIND]),
        (Route.CERTIFICATE_ONLY, K.DEEMED, {}, None, [F.CERTIFICATE_KIND]),
        # The family withdrew from mediation: the s55(4) certificate is right.
        (Route.MEDIATION, K.DECLINED, {}, None, []),
        (Route.MEDIATION, K.DEEMED, {}, False, []),
        # No deemed certificate on a health-only case (contract version 2, change 2).
        (Route.MEDIATION, K.DEEMED, {}, True, [F.CERTIFICATE_KIND]),
        (None, K.DEEMED, {}, True, [F.CERTIFICATE_KIND]),
        (None, K.AFTER_MEDIATION, {}, True, []),
    ],
)  # fmt: skip
def test_route_and_kind_rules(
    route: Route | None,
    kind: CertificateKind | None,
    dates: dict[Fact, date],
    health_only: bool | None,
    expected: list[Fact],
) -> None:
    found = fact_violations(dates, route=route, certificate_kind=kind, health_only=health_only)
    assert [v.field for v in found] == expected
    assert all(v.kind is ViolationKind.ROUTE for v in found)


@pytest.mark.parametrize(
    ("kind", "contacted", "refused"),
    [
        (K.DECLINED, D(2026, 5, 3), True),  # the window for a notice sent 2 Mar ended 2 May
        (K.DEEMED, D(2026, 5, 3), True),
        (K.AFTER_MEDIATION, D(2026, 5, 3), False),  # the contract bars only the two above
        (K.DECLINED, D(2026, 5, 2), False),  # the last day is in time
        (None, D(2026, 5, 3), False),
    ],
)
def test_a_certificate_after_late_contact_may_not_be_issued(
    kind: CertificateKind | None, contacted: date, refused: bool
) -> None:
    dates = {
        F.NOTICE_SENT: D(2026, 3, 2),
        F.ADVISER_CONTACTED: contacted,
        F.CERTIFICATE_ISSUED: D(2026, 5, 6),
    }
    found = fact_violations(dates, certificate_kind=kind)
    if refused:
        assert summary(found) == [
            (
                F.CERTIFICATE_ISSUED,
                F.ADVISER_CONTACTED,
                "This certificate cannot be issued: the family contacted the mediation adviser "
                "on Sunday 3 May 2026, after the 2 months for that ended on Saturday 2 May 2026.",
            )
        ]
        assert found[0].kind is ViolationKind.NOT_ALLOWED
    else:
        assert found == []


@pytest.mark.parametrize(
    ("kind", "dates", "missing"),
    [
        (K.DECLINED, {}, [F.MEDIATION_DECLINED]),
        (K.DECLINED, {F.MEDIATION_DECLINED: D(2026, 4, 1)}, []),
        (K.AFTER_MEDIATION, {}, [F.MEDIATION_HELD]),
        (K.AFTER_MEDIATION, {F.MEDIATION_HELD: D(2026, 4, 1)}, []),
        (K.DEEMED, {}, [F.LA_UNABLE_TO_ARRANGE_NOTIFIED]),
        (K.DEEMED, {F.LA_UNABLE_TO_ARRANGE_NOTIFIED: D(2026, 4, 1)}, []),
        (None, {F.CERTIFICATE_ISSUED: D(2026, 4, 1)}, [F.CERTIFICATE_KIND]),
        (None, {}, []),
    ],
)
def test_complete_facts_need_the_event_each_certificate_kind_follows(
    kind: CertificateKind | None, dates: dict[Fact, date], missing: list[Fact]
) -> None:
    found = fact_violations(dates, certificate_kind=kind, complete=True)
    assert [(v.field, v.kind) for v in found] == [(f, ViolationKind.MISSING) for f in missing]
    # Partial facts: a missing fact is only "not known here".
    assert fact_violations(dates, certificate_kind=kind) == []


# ---- agreed actions ------------------------------------------------------------------------------

AGREED = D(2026, 6, 1)


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (ActionDates("1", due=AGREED, done_on=AGREED), []),
        (ActionDates("1", due=D(2026, 9, 1), done_on=D(2026, 6, 20)), []),
        (
            ActionDates("1", due=D(2026, 5, 31)),
            [(F.ACTION_DUE, "The due date for this action must be on or after the agreement, Monday 1 June 2026.")],
        ),
        (
            ActionDates("1", done_on=D(2026, 5, 31)),
            [(F.ACTION_DONE, "The date this action was done must be on or after the agreement, Monday 1 June 2026.")],
        ),
        (
            ActionDates("1", done_on=D(2026, 7, 1)),
            [(F.ACTION_DONE, "The date this action was done must be today or earlier (today is Tuesday 30 June 2026).")],
        ),
        (
            ActionDates("1", due=D(2026, 6, 5), agreed_on=D(2026, 6, 10), name="“Send the draft plan”"),
            [(F.ACTION_DUE, "The due date for “Send the draft plan” must be on or after the day it was agreed, Wednesday 10 June 2026.")],
        ),
        (
            ActionDates("1", agreed_on=D(2026, 5, 20)),
            [(F.ACTION_AGREED, "The date this action was agreed must be on or after the agreement, Monday 1 June 2026.")],
        ),
        (
            ActionDates("1", agreed_on=D(2026, 7, 2)),
            [(F.ACTION_AGREED, "The date this action was agreed must be today or earlier (today is Tuesday 30 June 2026).")],
        ),
        # A due date in the future is what due dates are for.
        (ActionDates("1", due=D(2027, 1, 1)), []),
        # Reg 44(2)'s later steps: after the agreement, and not in the future.
        (ActionDates("1", no_plan_notice_on=D(2026, 6, 20), final_plan_sent_on=D(2026, 6, 29)), []),
        (
            ActionDates("1", no_plan_notice_on=D(2026, 5, 29)),
            [(F.ACTION_NO_PLAN_NOTICE, "The date the family was told no EHC plan is needed for this action must be on or after the agreement, Monday 1 June 2026.")],
        ),
        (
            ActionDates("1", final_plan_sent_on=D(2026, 7, 3)),
            [(F.ACTION_FINAL_PLAN_SENT, "The date the final EHC plan was sent for this action must be today or earlier (today is Tuesday 30 June 2026).")],
        ),
    ],
)  # fmt: skip
def test_agreed_action_dates(action: ActionDates, expected: list[tuple[Fact, str]]) -> None:
    found = fact_violations({F.AGREEMENT_MADE: AGREED}, today=TODAY, actions=[action])
    assert [(v.field, v.message) for v in found] == expected
    assert all(v.action_id == "1" for v in found)


def test_the_la_is_left_out_only_of_a_health_only_mediation() -> None:
    (found,) = fact_violations({}, health_only=False, la_not_a_party=True)
    assert found.field is F.LA_NOT_A_PARTY
    assert "health issues only" in found.message
    assert fact_violations({}, health_only=True, la_not_a_party=True) == []
    assert fact_violations({}, health_only=False, la_not_a_party=False) == []


def test_the_health_body_tells_the_la_after_the_agreement() -> None:
    (found,) = fact_violations(
        {F.AGREEMENT_MADE: D(2026, 6, 10), F.HEALTH_BODY_TOLD_LA: D(2026, 6, 9)}
    )
    assert (found.field, found.other) == (F.HEALTH_BODY_TOLD_LA, F.AGREEMENT_MADE)
    assert found.message == (
        "The date the health body told the LA about the agreement must be on or after the "
        "agreement, Wednesday 10 June 2026."
    )


def test_actions_without_an_agreement_date_are_checked_against_their_own() -> None:
    action = ActionDates("7", due=D(2026, 6, 1), agreed_on=D(2026, 6, 2))
    (found,) = fact_violations({}, actions=[action])
    assert (found.field, found.other, found.action_id) == (F.ACTION_DUE, F.ACTION_AGREED, "7")
    assert fact_violations({}, actions=[ActionDates("8", due=D(2026, 6, 1))]) == []


# ---- the helpers for forms, and bad calls --------------------------------------------------------


def test_a_form_sees_the_violations_about_its_fields() -> None:
    found = fact_violations(
        {
            F.LA_INFORMED: D(2026, 3, 20),
            F.MEDIATION_HELD: D(2026, 3, 10),
            F.CERTIFICATE_ISSUED: D(2026, 3, 9),
        },
        certificate_kind="after_mediation",
    )
    # The meeting form shows both: its own date, and the certificate it now comes after.
    assert {(v.field, v.other) for v in violations_for_fields(found, ["mediation_held"])} == {
        (F.MEDIATION_HELD, F.LA_INFORMED),
        (F.CERTIFICATE_ISSUED, F.MEDIATION_HELD),
    }
    assert [v.field for v in violations_for_fields(found, [F.CERTIFICATE_ISSUED])] == [
        F.CERTIFICATE_ISSUED
    ]
    grouped = violations_by_field([*found, *found])
    assert set(grouped) == {F.MEDIATION_HELD, F.CERTIFICATE_ISSUED}
    assert all(len(messages) == 1 for messages in grouped.values())


@pytest.mark.parametrize(
    ("call", "error"),
    [
        ({"dates": {"certificate_isued": D(2026, 3, 1)}}, ValueError),  # misspelt
        ({"dates": {"action_due": D(2026, 3, 1)}}, ValueError),  # not a case date
        ({"dates": {}, "certificate_kind": "by_post"}, ValueError),
        ({"dates": {}, "route": "court"}, ValueError),
    ],
)
def test_bad_calls_are_refused(call: dict[str, Any], error: type[Exception]) -> None:
    dates = call.pop("dates")
    with pytest.raises(error):
        fact_violations(dates, **call)


def test_none_and_empty_mean_not_known() -> None:
    assert fact_violations({F.MEDIATION_HELD: None, F.CERTIFICATE_ISSUED: D(2026, 1, 1)}) == []
    assert fact_violations({}, route="", certificate_kind="") == []


# ---- properties ----------------------------------------------------------------------------------

# A chronology every rule accepts: each fact on or after the one before it in this list.
CHRONOLOGY = [
    F.NOTICE_SENT,
    F.ADVISER_CONTACTED,
    F.MEDIATION_DECLINED,
    F.LA_INFORMED,
    F.HEALTH_BODY_NOTIFIED,
    F.LA_UNABLE_TO_ARRANGE_NOTIFIED,
    F.EVERYONE_AGREED,
    F.MEETING_DATE,
    F.MEETING_CONFIRMATION_SENT,
    F.MEDIATION_HELD,
    F.MEDIATION_CONCLUDED,
    F.OUTCOME_RECORDED,
    F.OUTCOME_CIRCULATED,
    F.AGREEMENT_MADE,
    F.CERTIFICATE_ISSUED,
    F.LA_DECISION_CHANGED,
]
ROUTE_KINDS = [
    (Route.MEDIATION, None),
    (Route.MEDIATION, K.AFTER_MEDIATION),
    (Route.MEDIATION, K.DEEMED),
    (Route.MEDIATION, K.DECLINED),
    (Route.CERTIFICATE_ONLY, K.DECLINED),
    (Route.CERTIFICATE_ONLY, None),
    (None, None),
]


@st.composite
def accepted_facts(draw: st.DrawFn) -> dict[str, Any]:
    """Facts in an order every rule accepts, with some left out, and actions after the
    agreement. The adviser is contacted within 2 months, so any certificate may be issued."""
    day = draw(st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31)))
    dates: dict[Fact, date] = {}
    for fact in CHRONOLOGY:
        gap = draw(st.integers(0, 50 if fact is F.ADVISER_CONTACTED else 20))
        day += timedelta(days=gap)
        if fact is F.NOTICE_SENT or draw(st.booleans()):
            dates[fact] = day
    route, kind = draw(st.sampled_from(ROUTE_KINDS))
    agreement = dates.get(F.AGREEMENT_MADE)
    actions = []
    for number in range(draw(st.integers(0, 3))):
        agreed_on = agreement + timedelta(days=draw(st.integers(0, 5))) if agreement else None
        start = agreed_on or agreement or day
        due = start + timedelta(days=draw(st.integers(0, 90)))
        done = start + timedelta(days=draw(st.integers(0, 30))) if draw(st.booleans()) else None
        actions.append(ActionDates(str(number), due=due, done_on=done, agreed_on=agreed_on))
    action_days = [day for a in actions for day in (a.done_on, a.agreed_on) if day is not None]
    latest = max([*dates.values(), *action_days])
    today = latest + timedelta(days=draw(st.integers(0, 30)))
    return {
        "dates": dates,
        "today": today,
        "route": route,
        "certificate_kind": kind,
        "health_only": draw(st.booleans()) if kind is not K.DEEMED else False,
        "actions": actions,
    }


def shifted(call: dict[str, Any], days: int) -> dict[str, Any]:
    delta = timedelta(days=days)

    def move(day: date | None) -> date | None:
        return None if day is None else day + delta

    return {
        **call,
        "dates": {fact: move(day) for fact, day in call["dates"].items()},
        "today": move(call["today"]),
        "actions": [
            ActionDates(a.id, move(a.due), move(a.done_on), move(a.agreed_on), a.name)
            for a in call["actions"]
        ],
    }


def keys(violations: list[Violation]) -> list[tuple[Any, ...]]:
    return [(v.field, v.other, v.kind, v.action_id) for v in violations]


@given(call=accepted_facts())
def test_property_facts_in_order_are_accepted(call: dict[str, Any]) -> None:
    assert fact_violations(**call) == []


@given(call=accepted_facts(), days=st.integers(-3000, 3000))
def test_property_accepted_facts_shifted_consistently_are_still_accepted(
    call: dict[str, Any], days: int
) -> None:
    assert fact_violations(**shifted(call, days)) == []


# Arbitrary facts, most of them breaking some rule.
any_dates = st.dictionaries(
    st.sampled_from(CHRONOLOGY), st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31))
)
any_actions = st.lists(
    st.builds(
        ActionDates,
        id=st.sampled_from(["1", "2", "3"]),
        due=st.none() | st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31)),
        done_on=st.none() | st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31)),
        agreed_on=st.none() | st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31)),
    ),
    max_size=3,
    unique_by=lambda action: action.id,
)
any_call = st.fixed_dictionaries(
    {
        "dates": any_dates,
        "today": st.none() | st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31)),
        "route": st.sampled_from([None, *Route]),
        "certificate_kind": st.sampled_from([None, *K]),
        "health_only": st.sampled_from([None, True, False]),
        "actions": any_actions,
        "complete": st.booleans(),
    }
)


@given(call=any_call, days=st.integers(-1000, 1000))
def test_property_a_consistent_shift_changes_no_verdict(call: dict[str, Any], days: int) -> None:
    # Only the late-contact rule counts calendar months, which a shift can stretch or squeeze
    # by a day or two at a month's end; every other rule compares dates with each other.
    assume(call["today"] is not None)
    before = [v for v in fact_violations(**call) if v.kind is not ViolationKind.NOT_ALLOWED]
    after = [
        v for v in fact_violations(**shifted(call, days)) if v.kind is not ViolationKind.NOT_ALLOWED
    ]
    assert keys(before) == keys(after)


@given(call=any_call)
def test_property_every_violation_names_a_field_that_exists(call: dict[str, Any]) -> None:
    given_ids = {action.id for action in call["actions"]}
    for violation in fact_violations(**call):
        assert violation.field in set(Fact)
        if violation.action_id is not None:
            assert violation.action_id in given_ids
            assert violation.field in {F.ACTION_AGREED, F.ACTION_DUE, F.ACTION_DONE}
        elif violation.kind in (ViolationKind.ORDER, ViolationKind.FUTURE):
            assert violation.field in call["dates"]
        if violation.kind is ViolationKind.ORDER and violation.action_id is None:
            assert violation.other in call["dates"]
            assert format_day_long(call["dates"][violation.other]) in violation.message
        # Words for people: a sentence, no field path or code.
        assert violation.message[0].isupper() and violation.message.endswith(".")
        assert not FIELD_PATH.search(violation.message), violation.message


@given(call=any_call, data=st.data())
def test_property_knowing_less_never_finds_more(call: dict[str, Any], data: st.DataObject) -> None:
    call["complete"] = False
    kept = data.draw(st.sets(st.sampled_from(CHRONOLOGY)))
    fewer = {**call, "dates": {f: d for f, d in call["dates"].items() if f in kept}}
    assert set(keys(fact_violations(**fewer))) <= set(keys(fact_violations(**call)))


@given(call=any_call, later=st.integers(0, 400))
def test_property_a_later_today_never_finds_more(call: dict[str, Any], later: int) -> None:
    assume(call["today"] is not None)
    moved = {**call, "today": call["today"] + timedelta(days=later)}
    assert set(keys(fact_violations(**moved))) <= set(keys(fact_violations(**call)))
