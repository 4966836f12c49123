"""Every pair of states: the pairs in the table are allowed, every other pair is refused."""

import itertools

import pytest

from mediation.domain.case_states import (
    INITIAL_STATE,
    TRANSITIONS,
    CaseState,
    Route,
    TransitionNotAllowed,
    check_transition,
)

ALL_PAIRS = list(itertools.product(CaseState, CaseState))


@pytest.mark.parametrize(("from_state", "to_state"), ALL_PAIRS)
def test_transition_allowed_exactly_when_in_table(from_state, to_state):
    if to_state in TRANSITIONS[from_state]:
        check_transition(from_state, to_state)
    else:
        with pytest.raises(TransitionNotAllowed):
            check_transition(from_state, to_state)


def test_every_state_has_a_row_and_no_state_moves_to_itself():
    assert set(TRANSITIONS) == set(CaseState)
    for state, targets in TRANSITIONS.items():
        assert state not in targets


def test_every_open_state_can_reach_closed():
    for state in CaseState:
        if state is not CaseState.CLOSED:
            assert CaseState.CLOSED in TRANSITIONS[state]


def test_reopening_returns_to_a_route_start():
    assert TRANSITIONS[CaseState.CLOSED] == frozenset(INITIAL_STATE.values())
    assert set(INITIAL_STATE) == set(Route)


def test_refusal_message_names_both_states_in_plain_english():
    with pytest.raises(TransitionNotAllowed, match="Closed.*Meeting held"):
        check_transition(CaseState.CLOSED, CaseState.MEETING_HELD)
