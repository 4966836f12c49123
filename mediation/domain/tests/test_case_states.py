"""Every pair of states on every route: pairs in the table are allowed, all others refused;
and every step leads only along the table."""

import itertools
from dataclasses import replace
from datetime import date

import pytest

from mediation.domain.case_states import (
    INITIAL_STATE,
    NO_CERTIFICATE_OUT_OF_TIME,
    NO_CERTIFICATE_SECTION_I,
    STEPS,
    TRANSITIONS,
    CaseSituation,
    CaseState,
    Route,
    Step,
    TransitionNotAllowed,
    check_transition,
    steps_available,
)

ALL = [(route, a, b) for route in Route for a, b in itertools.product(CaseState, CaseState)]


@pytest.mark.parametrize(("route", "from_state", "to_state"), ALL)
def test_transition_allowed_exactly_when_in_the_route_table(route, from_state, to_state):
    if to_state in TRANSITIONS[route].get(from_state, frozenset()):
        check_transition(route, from_state, to_state)
    else:
        with pytest.raises(TransitionNotAllowed):
            check_transition(route, from_state, to_state)


@pytest.mark.parametrize("route", list(Route))
def test_every_state_of_a_route_can_be_closed_or_leads_on(route):
    table = TRANSITIONS[route]
    assert INITIAL_STATE[route] in table
    for state, targets in table.items():
        assert state not in targets
        assert targets, f"{state} is a dead end"
        for target in targets:
            assert target in table, f"{target} has no row on {route}"


@pytest.mark.parametrize(("step", "route"), [(s, r) for s in Step for r in Route])
def test_every_step_follows_the_table(step, route):
    spec = STEPS[step]
    for state in spec.from_states.get(route, frozenset()):
        if spec.target is None:
            continue
        target = spec.target[route]
        assert target in TRANSITIONS[route][state], f"{step} {route}: {state} → {target}"


def test_disagreement_resolution_never_offers_a_certificate():
    for spec in STEPS.values():
        if spec.target and Route.DISAGREEMENT_RESOLUTION in spec.target:
            assert spec.target[Route.DISAGREEMENT_RESOLUTION] is not CaseState.CERTIFICATE_ISSUED
    for targets in TRANSITIONS[Route.DISAGREEMENT_RESOLUTION].values():
        assert CaseState.CERTIFICATE_ISSUED not in targets


BASE = CaseSituation(
    route=Route.MEDIATION,
    state=CaseState.MEDIATION_REQUESTED,
    certificate_required=True,
    certificate_allowed=True,
    certificate_issued=False,
    health_issues=False,
    health_only=False,
    health_body_notified=False,
    la_unable_notified=False,
    mediation_held=False,
    everyone_agreed=False,
    agreement_reached=False,
)


def offers(**changes):
    return {o.step: o.blocked_because for o in steps_available(replace(BASE, **changes))}


def test_a_new_mediation_case_offers_the_first_steps_only():
    assert set(offers()) == {
        Step.INFORM_LA,
        Step.FAMILY_WITHDRAWS,
        Step.LA_CHANGED_DECISION,
        Step.CLOSE,
    }


def test_health_step_only_with_health_issues():
    assert Step.RECORD_HEALTH_NOTIFIED not in offers(state=CaseState.ARRANGING)
    assert Step.RECORD_HEALTH_NOTIFIED in offers(state=CaseState.ARRANGING, health_issues=True)
    assert Step.RECORD_HEALTH_NOTIFIED not in offers(
        state=CaseState.ARRANGING, health_issues=True, health_body_notified=True
    )


def test_deemed_certificate_only_after_the_la_says_it_cannot_arrange():
    assert Step.ISSUE_CERTIFICATE not in offers(state=CaseState.ARRANGING)
    assert (
        offers(state=CaseState.ARRANGING, la_unable_notified=True)[Step.ISSUE_CERTIFICATE] is None
    )
    # Health-only mediation is arranged by the health body: reg 39(2) does not apply.
    assert Step.RECORD_LA_UNABLE not in offers(
        state=CaseState.ARRANGING, health_only=True, health_issues=True
    )


def test_mediation_can_still_be_booked_after_a_deemed_certificate():
    situation = dict(
        state=CaseState.CERTIFICATE_ISSUED, certificate_issued=True, la_unable_notified=True
    )
    assert Step.BOOK_MEETING in offers(**situation)
    assert Step.BOOK_MEETING not in offers(**situation, mediation_held=True)
    assert Step.BOOK_MEETING not in offers(
        state=CaseState.CERTIFICATE_ISSUED, certificate_issued=True
    )


def test_certificate_refused_for_section_i_only_and_out_of_time_with_reasons():
    assert (
        offers(state=CaseState.CONCLUDED, certificate_required=False)[Step.ISSUE_CERTIFICATE]
        == NO_CERTIFICATE_SECTION_I
    )
    assert (
        offers(state=CaseState.CERTIFICATE_DUE, certificate_allowed=False)[Step.ISSUE_CERTIFICATE]
        == NO_CERTIFICATE_OUT_OF_TIME
    )


def test_no_withdrawal_to_a_certificate_when_none_is_needed():
    assert Step.FAMILY_WITHDRAWS not in offers(certificate_required=False)


def test_disagreement_resolution_needs_everyone_agreed_before_a_meeting():
    dr = dict(route=Route.DISAGREEMENT_RESOLUTION, state=CaseState.CONSENT_SOUGHT)
    assert "everyone agrees" in offers(**dr)[Step.BOOK_MEETING]
    assert offers(**dr, everyone_agreed=True)[Step.BOOK_MEETING] is None
    assert Step.RECORD_CONSENT not in offers(**dr, everyone_agreed=True)


def test_follow_up_waits_for_the_certificate_after_an_agreement():
    concluded = dict(state=CaseState.CONCLUDED, agreement_reached=True)
    assert "certificate" in offers(**concluded)[Step.START_FOLLOW_UP]
    assert offers(**concluded, certificate_required=False)[Step.START_FOLLOW_UP] is None
    assert Step.START_FOLLOW_UP not in offers(state=CaseState.CONCLUDED)


def test_closed_cases_offer_only_reopening():
    for route in Route:
        assert set(offers(route=route, state=CaseState.CLOSED)) == {Step.REOPEN}


def test_follow_up_after_a_deemed_certificate_needs_no_second_certificate():
    situation = dict(state=CaseState.CONCLUDED, agreement_reached=True, certificate_issued=True)
    assert offers(**situation)[Step.START_FOLLOW_UP] is None


MONDAY_7_DEC, TUESDAY_15_DEC = date(2026, 12, 7), date(2026, 12, 15)


@pytest.mark.parametrize(
    ("route", "state", "others"),
    [
        (Route.MEDIATION, CaseState.MEETING_BOOKED, {}),
        (Route.DISAGREEMENT_RESOLUTION, CaseState.MEETING_BOOKED, {"everyone_agreed": True}),
        # A deemed certificate, and the meeting still goes ahead (reg 39(3)).
        (
            Route.MEDIATION,
            CaseState.CERTIFICATE_ISSUED,
            {"certificate_issued": True, "la_unable_notified": True},
        ),
    ],
)
def test_a_meeting_booked_for_a_later_day_is_not_recorded_as_held_before_it(route, state, others):
    booked = {"route": route, "state": state, "la_informed": True, "meeting_booked": True}
    booked |= {"meeting_day": TUESDAY_15_DEC, **others}
    assert offers(**booked, today=MONDAY_7_DEC)[Step.RECORD_MEETING_HELD] == (
        "Not yet: the meeting is booked for Tuesday 15 December 2026. "
        "If it took place on another day, move the meeting first."
    )
    # On the day, and after it, it can be recorded.
    assert offers(**booked, today=TUESDAY_15_DEC)[Step.RECORD_MEETING_HELD] is None
    assert offers(**booked, today=date(2026, 12, 16))[Step.RECORD_MEETING_HELD] is None
    # The other steps at that stage are not held back by the meeting's day.
    later = offers(**booked, today=MONDAY_7_DEC)
    assert all(why is None for step, why in later.items() if step is Step.CANCEL_MEETING)
