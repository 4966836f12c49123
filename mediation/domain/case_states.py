"""Case routes and states, and which state may follow which. Pure Python: no Django.

A case follows one route (mediation, certificate without mediation, disagreement resolution).
Its status is changed only by mediation.cases.services.case_transition, which checks this table.
The statutory sequence behind the mediation states is in shared domain/statutory-rules.md §2.
"""

from __future__ import annotations

from enum import StrEnum


class Route(StrEnum):
    MEDIATION = "mediation"
    CERTIFICATE_ONLY = "certificate_only"
    DISAGREEMENT_RESOLUTION = "disagreement_resolution"


ROUTE_LABELS: dict[Route, str] = {
    Route.MEDIATION: "Mediation",
    Route.CERTIFICATE_ONLY: "Certificate without mediation",
    Route.DISAGREEMENT_RESOLUTION: "Disagreement resolution",
}


class CaseState(StrEnum):
    # Mediation route (CFA 2014 s52-55; SEND Regs 2014 regs 33-39).
    MEDIATION_REQUESTED = "mediation_requested"
    ARRANGING = "arranging"
    MEETING_BOOKED = "meeting_booked"
    MEETING_HELD = "meeting_held"
    # Certificate without mediation (s55(4); reg 34(1)).
    CERTIFICATE_DUE = "certificate_due"
    # Disagreement resolution (CFA 2014 s57): voluntary, no certificate.
    CONSENT_SOUGHT = "consent_sought"
    # Shared ends.
    CERTIFICATE_ISSUED = "certificate_issued"
    CLOSED = "closed"


STATE_LABELS: dict[CaseState, str] = {
    CaseState.MEDIATION_REQUESTED: "Mediation requested",
    CaseState.ARRANGING: "Arranging mediation",
    CaseState.MEETING_BOOKED: "Meeting booked",
    CaseState.MEETING_HELD: "Meeting held",
    CaseState.CERTIFICATE_DUE: "Certificate due",
    CaseState.CONSENT_SOUGHT: "Seeking everyone's agreement",
    CaseState.CERTIFICATE_ISSUED: "Certificate issued",
    CaseState.CLOSED: "Closed",
}

INITIAL_STATE: dict[Route, CaseState] = {
    Route.MEDIATION: CaseState.MEDIATION_REQUESTED,
    Route.CERTIFICATE_ONLY: CaseState.CERTIFICATE_DUE,
    Route.DISAGREEMENT_RESOLUTION: CaseState.CONSENT_SOUGHT,
}

OPEN_STATES: frozenset[CaseState] = frozenset(set(CaseState) - {CaseState.CLOSED})

# Which state may follow which. Reopening a closed case is allowed only with a reason
# (the service enforces the reason); it returns to the route's initial state.
TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.MEDIATION_REQUESTED: frozenset(
        {CaseState.ARRANGING, CaseState.CERTIFICATE_DUE, CaseState.CLOSED}
    ),
    CaseState.ARRANGING: frozenset(
        {CaseState.MEETING_BOOKED, CaseState.CERTIFICATE_DUE, CaseState.CLOSED}
    ),
    CaseState.MEETING_BOOKED: frozenset(
        {CaseState.MEETING_HELD, CaseState.ARRANGING, CaseState.CERTIFICATE_DUE, CaseState.CLOSED}
    ),
    CaseState.MEETING_HELD: frozenset({CaseState.CERTIFICATE_DUE, CaseState.CLOSED}),
    CaseState.CERTIFICATE_DUE: frozenset({CaseState.CERTIFICATE_ISSUED, CaseState.CLOSED}),
    CaseState.CONSENT_SOUGHT: frozenset({CaseState.MEETING_BOOKED, CaseState.CLOSED}),
    CaseState.CERTIFICATE_ISSUED: frozenset({CaseState.CLOSED}),
    CaseState.CLOSED: frozenset(set(INITIAL_STATE.values())),
}


class TransitionNotAllowed(Exception):
    def __init__(self, from_state: CaseState, to_state: CaseState) -> None:
        super().__init__(
            f"A case cannot move from “{STATE_LABELS[from_state]}” to “{STATE_LABELS[to_state]}”."
        )
        self.from_state = from_state
        self.to_state = to_state


def allowed_next_states(state: CaseState) -> frozenset[CaseState]:
    return TRANSITIONS[state]


def check_transition(from_state: CaseState, to_state: CaseState) -> None:
    """Raise TransitionNotAllowed unless the table allows from_state → to_state."""
    if to_state not in TRANSITIONS[from_state]:
        raise TransitionNotAllowed(from_state, to_state)
