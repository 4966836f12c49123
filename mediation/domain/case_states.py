"""Case routes, states, the transitions the law and the service allow, and the steps that
cause them. Pure Python: no Django.

A case follows one route: mediation, certificate without mediation, or disagreement resolution.
Its status changes only through mediation.workflow.services.case_transition (called by
case_take_step), which checks `check_transition(route, from, to)` against TRANSITIONS.
The statutory sequence behind the mediation states is in docs/domain/statutory-rules.md:

Mediation:   requested → LA informed, arranging → meeting booked → meeting held → concluded
             → certificate issued (s55(5), reg 39(1)) → following up agreed actions → closed.
             Side roads: the family withdraws (→ certificate due, s55(4)); the LA says it cannot
             arrange mediation in 30 days (→ deemed certificate, reg 39(3), and the meeting may
             still go ahead); the LA changes its decision (→ closed without a meeting).
Certificate: certificate due (reg 34(1), 3 working days) → issued → closed.
Disagreement resolution (CFA s57, voluntary, no certificate): everyone's agreement sought →
             meeting booked → held → outcome recorded → closed.
A closed case can be reopened, with a reason, at the stage its recorded facts imply (or
another stage consistent with them that a manager picks): `stages_consistent_with` and
`stage_implied_by`. An open case's state is always one its facts are consistent with: every
step and every change of a date keeps it so (mediation.workflow.services).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from mediation.domain.dates import format_day_long


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
    MEDIATION_REQUESTED = "mediation_requested"
    ARRANGING = "arranging"
    CONSENT_SOUGHT = "consent_sought"
    MEETING_BOOKED = "meeting_booked"
    MEETING_HELD = "meeting_held"
    CONCLUDED = "concluded"
    CERTIFICATE_DUE = "certificate_due"
    CERTIFICATE_ISSUED = "certificate_issued"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"


STATE_LABELS: dict[CaseState, str] = {
    CaseState.MEDIATION_REQUESTED: "Mediation requested",
    CaseState.ARRANGING: "LA told: arranging mediation",
    CaseState.CONSENT_SOUGHT: "Seeking everyone's agreement",
    CaseState.MEETING_BOOKED: "Meeting booked",
    CaseState.MEETING_HELD: "Meeting held: outcome to record",
    CaseState.CONCLUDED: "Outcome recorded",
    CaseState.CERTIFICATE_DUE: "Certificate due",
    CaseState.CERTIFICATE_ISSUED: "Certificate issued",
    CaseState.FOLLOW_UP: "Following up agreed actions",
    CaseState.CLOSED: "Closed",
}

INITIAL_STATE: dict[Route, CaseState] = {
    Route.MEDIATION: CaseState.MEDIATION_REQUESTED,
    Route.CERTIFICATE_ONLY: CaseState.CERTIFICATE_DUE,
    Route.DISAGREEMENT_RESOLUTION: CaseState.CONSENT_SOUGHT,
}

OPEN_STATES: frozenset[CaseState] = frozenset(set(CaseState) - {CaseState.CLOSED})

_S = CaseState
# Which state may follow which, per route. Anything not listed is refused.
TRANSITIONS: dict[Route, dict[CaseState, frozenset[CaseState]]] = {
    Route.MEDIATION: {
        _S.MEDIATION_REQUESTED: frozenset({_S.ARRANGING, _S.CERTIFICATE_DUE, _S.CLOSED}),
        _S.ARRANGING: frozenset(
            {_S.MEETING_BOOKED, _S.CERTIFICATE_DUE, _S.CERTIFICATE_ISSUED, _S.CLOSED}
        ),
        _S.MEETING_BOOKED: frozenset(
            {_S.MEETING_HELD, _S.ARRANGING, _S.CERTIFICATE_DUE, _S.CERTIFICATE_ISSUED, _S.CLOSED}
        ),
        _S.MEETING_HELD: frozenset({_S.CONCLUDED}),
        _S.CONCLUDED: frozenset({_S.CERTIFICATE_ISSUED, _S.FOLLOW_UP, _S.CLOSED}),
        _S.CERTIFICATE_DUE: frozenset({_S.CERTIFICATE_ISSUED, _S.CLOSED}),
        # After a deemed certificate the mediation may still go ahead (reg 39(3)): booked then,
        # or already booked when the certificate was issued (then held, or cancelled).
        _S.CERTIFICATE_ISSUED: frozenset(
            {_S.MEETING_BOOKED, _S.MEETING_HELD, _S.ARRANGING, _S.FOLLOW_UP, _S.CLOSED}
        ),
        _S.FOLLOW_UP: frozenset({_S.CLOSED}),
    },
    Route.CERTIFICATE_ONLY: {
        _S.CERTIFICATE_DUE: frozenset({_S.CERTIFICATE_ISSUED, _S.CLOSED}),
        _S.CERTIFICATE_ISSUED: frozenset({_S.CLOSED}),
    },
    Route.DISAGREEMENT_RESOLUTION: {
        _S.CONSENT_SOUGHT: frozenset({_S.MEETING_BOOKED, _S.CLOSED}),
        _S.MEETING_BOOKED: frozenset({_S.MEETING_HELD, _S.CONSENT_SOUGHT, _S.CLOSED}),
        _S.MEETING_HELD: frozenset({_S.CONCLUDED}),
        _S.CONCLUDED: frozenset({_S.CLOSED}),
    },
}
# Reopening returns a case to any open state of its route; which one is decided by its recorded
# facts (`stages_consistent_with`), checked by the reopen step.
for _table in TRANSITIONS.values():
    _table[_S.CLOSED] = frozenset(_table) - {_S.CLOSED}


class TransitionNotAllowed(Exception):
    def __init__(self, route: Route, from_state: CaseState, to_state: CaseState) -> None:
        super().__init__(
            f"A {ROUTE_LABELS[route].lower()} case cannot move from “{STATE_LABELS[from_state]}” "
            f"to “{STATE_LABELS[to_state]}”."
        )
        self.route = route
        self.from_state = from_state
        self.to_state = to_state


def allowed_next_states(route: Route, state: CaseState) -> frozenset[CaseState]:
    return TRANSITIONS[route].get(state, frozenset())


def check_transition(route: Route, from_state: CaseState, to_state: CaseState) -> None:
    """Raise TransitionNotAllowed unless the route's table allows from_state → to_state."""
    if to_state not in allowed_next_states(route, from_state):
        raise TransitionNotAllowed(route, from_state, to_state)


# ---------------------------------------------------------------------------------------------
# Steps: what a person can do next, and what must have happened first.
# ---------------------------------------------------------------------------------------------


class Step(StrEnum):
    INFORM_LA = "inform-la"
    RECORD_HEALTH_NOTIFIED = "health-body-told"
    RECORD_LA_UNABLE = "la-cannot-arrange"
    RECORD_CONSENT = "everyone-agrees"
    BOOK_MEETING = "book-meeting"
    CANCEL_MEETING = "cancel-meeting"
    RECORD_MEETING_HELD = "meeting-held"
    RECORD_OUTCOME = "record-outcome"
    ISSUE_CERTIFICATE = "issue-certificate"
    FAMILY_WITHDRAWS = "family-withdraws"
    LA_CHANGED_DECISION = "la-changed-decision"
    START_FOLLOW_UP = "follow-up"
    CLOSE = "close"
    REOPEN = "reopen"


@dataclass(frozen=True)
class StepSpec:
    label: str
    # None: the step records an event and the state stays as it is.
    target: dict[Route, CaseState] | None
    from_states: dict[Route, frozenset[CaseState]]
    # Irreversible steps are confirmed on a second page before they happen.
    irreversible: bool = False


_M, _C, _D = Route.MEDIATION, Route.CERTIFICATE_ONLY, Route.DISAGREEMENT_RESOLUTION
_OPEN_MEDIATION_BEFORE_MEETING = frozenset(
    {_S.MEDIATION_REQUESTED, _S.ARRANGING, _S.MEETING_BOOKED}
)

STEPS: dict[Step, StepSpec] = {
    Step.INFORM_LA: StepSpec(
        "Record that the LA has been told the family wants mediation",
        {_M: _S.ARRANGING},
        {_M: frozenset({_S.MEDIATION_REQUESTED})},
    ),
    Step.RECORD_HEALTH_NOTIFIED: StepSpec(
        "Record that the LA told the health commissioning body",
        None,
        {_M: frozenset({_S.ARRANGING, _S.MEETING_BOOKED})},
    ),
    Step.RECORD_LA_UNABLE: StepSpec(
        "Record that the LA cannot arrange mediation within 30 days",
        None,
        {_M: frozenset({_S.ARRANGING, _S.MEETING_BOOKED})},
    ),
    Step.RECORD_CONSENT: StepSpec(
        "Record that everyone agrees to take part",
        None,
        {_D: frozenset({_S.CONSENT_SOUGHT})},
    ),
    Step.BOOK_MEETING: StepSpec(
        "Book the meeting",
        {_M: _S.MEETING_BOOKED, _D: _S.MEETING_BOOKED},
        {_M: frozenset({_S.ARRANGING, _S.CERTIFICATE_ISSUED}), _D: frozenset({_S.CONSENT_SOUGHT})},
    ),
    Step.CANCEL_MEETING: StepSpec(
        "Cancel the meeting",
        {_M: _S.ARRANGING, _D: _S.CONSENT_SOUGHT},
        {
            _M: frozenset({_S.MEETING_BOOKED, _S.CERTIFICATE_ISSUED}),
            _D: frozenset({_S.MEETING_BOOKED}),
        },
    ),
    Step.RECORD_MEETING_HELD: StepSpec(
        "Record that the meeting took place",
        {_M: _S.MEETING_HELD, _D: _S.MEETING_HELD},
        {
            _M: frozenset({_S.MEETING_BOOKED, _S.CERTIFICATE_ISSUED}),
            _D: frozenset({_S.MEETING_BOOKED}),
        },
    ),
    Step.RECORD_OUTCOME: StepSpec(
        "Record the outcome",
        {_M: _S.CONCLUDED, _D: _S.CONCLUDED},
        {_M: frozenset({_S.MEETING_HELD}), _D: frozenset({_S.MEETING_HELD})},
    ),
    Step.ISSUE_CERTIFICATE: StepSpec(
        "Record that the certificate was issued",
        {_M: _S.CERTIFICATE_ISSUED, _C: _S.CERTIFICATE_ISSUED},
        {
            _M: frozenset({_S.ARRANGING, _S.MEETING_BOOKED, _S.CONCLUDED, _S.CERTIFICATE_DUE}),
            _C: frozenset({_S.CERTIFICATE_DUE}),
        },
        irreversible=True,
    ),
    Step.FAMILY_WITHDRAWS: StepSpec(
        "The family no longer wants mediation",
        {_M: _S.CERTIFICATE_DUE},
        {_M: _OPEN_MEDIATION_BEFORE_MEETING},
    ),
    Step.LA_CHANGED_DECISION: StepSpec(
        "The LA has changed its decision (no meeting needed)",
        {_M: _S.CLOSED},
        {_M: _OPEN_MEDIATION_BEFORE_MEETING},
        irreversible=True,
    ),
    Step.START_FOLLOW_UP: StepSpec(
        "Follow up the agreed actions",
        {_M: _S.FOLLOW_UP},
        {_M: frozenset({_S.CONCLUDED, _S.CERTIFICATE_ISSUED})},
    ),
    Step.CLOSE: StepSpec(
        "Close the case",
        {_M: _S.CLOSED, _C: _S.CLOSED, _D: _S.CLOSED},
        {
            route: frozenset(s for s, targets in table.items() if _S.CLOSED in targets)
            for route, table in TRANSITIONS.items()
        },
        irreversible=True,
    ),
    Step.REOPEN: StepSpec(
        "Reopen the case",
        dict(INITIAL_STATE),  # the usual answer; the step takes the stage its facts imply
        {route: frozenset({_S.CLOSED}) for route in Route},
    ),
}


@dataclass(frozen=True)
class CaseSituation:
    """The facts that decide which steps make sense now (built from a case by the web app)."""

    route: Route
    state: CaseState
    certificate_required: bool  # False for Section I only (CFA s55(3))
    certificate_allowed: bool  # False when the adviser was contacted too late (reg 34(2))
    certificate_issued: bool
    health_issues: bool
    health_only: bool
    health_body_notified: bool
    la_unable_notified: bool
    mediation_held: bool
    everyone_agreed: bool  # disagreement resolution: all parties' consent recorded
    agreement_reached: bool  # outcome: agreed in full or in part
    # The other recorded facts that decide which stage a case can be at.
    la_informed: bool = False
    # A meeting date is booked and not yet held (the meeting panel shows it): no second booking.
    meeting_booked: bool = False
    mediation_declined: bool = False  # the family said they do not want mediation
    outcome_recorded: bool = False
    certificate_kind: str = ""  # "declined", "after_mediation", "deemed" once issued
    # The day the booked meeting is on, and today: a meeting is not recorded as held before
    # the day it is booked for (None when not known, and then nothing is held back).
    meeting_day: date | None = None
    today: date | None = None


@dataclass(frozen=True)
class StepOffer:
    step: Step
    label: str
    # Why the step cannot be taken yet, in words that say what to do first; None if it can.
    blocked_because: str | None = None


NO_CERTIFICATE_SECTION_I = "No certificate is needed to appeal about Section I only."
NO_CERTIFICATE_OUT_OF_TIME = (
    "No certificate can be issued: the family contacted the mediation adviser more than 2 months "
    "after the decision notice was sent (SEND Regulations 2014 reg 34(2)). They can ask the "
    "Tribunal for permission to appeal without one (reg 34(3)), or use disagreement resolution."
)


CANCEL_THE_MEETING_FIRST = (
    "Cancel the meeting first, on the meeting page, so that everyone invited is told."
)


def meeting_not_yet_held(meeting_day: date) -> str:
    """Why a meeting booked for a later day cannot be recorded as held today."""
    return (
        f"Not yet: the meeting is booked for {format_day_long(meeting_day)}. "
        "If it took place on another day, move the meeting first."
    )


def _blocked(step: Step, s: CaseSituation) -> str | None | bool:
    """Why `step` cannot be taken; None if it can; False if it makes no sense here (hidden)."""
    ahead = s.meeting_day is not None and s.today is not None and s.meeting_day > s.today
    if step is Step.RECORD_MEETING_HELD and s.meeting_booked and ahead:
        # The fact rules let a held date come before the booked one (meetings move), but the
        # case would then say it was held while the meeting, the calendar and everyone's
        # invitation still say the later day: the meeting is moved first.
        assert s.meeting_day is not None
        return meeting_not_yet_held(s.meeting_day)
    if s.meeting_booked and step in {Step.CLOSE, Step.FAMILY_WITHDRAWS, Step.LA_CHANGED_DECISION}:
        # A case that moves on from a booked meeting would leave it booked, and everyone
        # still expecting it.
        return CANCEL_THE_MEETING_FIRST
    match step:
        case Step.CANCEL_MEETING | Step.RECORD_MEETING_HELD if (
            s.state is CaseState.CERTIFICATE_ISSUED
        ):
            # After a deemed certificate only while a meeting is still booked.
            return None if s.meeting_booked else False
        case Step.RECORD_HEALTH_NOTIFIED:
            return None if s.health_issues and not s.health_body_notified else False
        case Step.RECORD_LA_UNABLE:
            # Reg 39(2) covers mediation the LA arranges; the health body arranges health-only.
            return None if not s.la_unable_notified and not s.health_only else False
        case Step.RECORD_CONSENT:
            return None if not s.everyone_agreed else False
        case Step.BOOK_MEETING:
            if s.meeting_booked:
                return False
            if s.route is Route.DISAGREEMENT_RESOLUTION and not s.everyone_agreed:
                return "Record that everyone agrees to take part first: disagreement resolution is voluntary."
            if s.state is CaseState.CERTIFICATE_ISSUED and (
                not s.la_unable_notified or s.mediation_held
            ):
                return False
            return None
        case Step.ISSUE_CERTIFICATE:
            if s.certificate_issued:
                return False
            if not s.certificate_required:
                return NO_CERTIFICATE_SECTION_I
            if not s.certificate_allowed:
                return NO_CERTIFICATE_OUT_OF_TIME
            if (
                s.state in {CaseState.ARRANGING, CaseState.MEETING_BOOKED}
                and not s.la_unable_notified
            ):
                return False  # only the deemed certificate (reg 39(3)) comes before the meeting
            return None
        case Step.FAMILY_WITHDRAWS:
            return None if s.certificate_required else False
        case Step.START_FOLLOW_UP:
            if not s.agreement_reached:
                return False
            if (
                s.state is CaseState.CONCLUDED
                and s.certificate_required
                and s.certificate_allowed
                and not s.certificate_issued
            ):
                return (
                    "Record the certificate first: it is due within 3 working days of the meeting."
                )
            return None
        case _:
            return None


def steps_available(s: CaseSituation) -> list[StepOffer]:
    """The steps that fit the case's route and state, each with what it still needs, if anything."""
    offers = []
    for step, spec in STEPS.items():
        if s.state not in spec.from_states.get(s.route, frozenset()):
            continue
        blocked = _blocked(step, s)
        if blocked is False:
            continue
        offers.append(StepOffer(step, spec.label, blocked if isinstance(blocked, str) else None))
    return offers


def step_target(step: Step, route: Route) -> CaseState | None:
    spec = STEPS[step]
    return None if spec.target is None else spec.target[route]


# ---------------------------------------------------------------------------------------------
# Stages and facts: which states a case's recorded facts allow it to be in.
# ---------------------------------------------------------------------------------------------

_DECLINED, _AFTER_MEDIATION, _DEEMED = "declined", "after_mediation", "deemed"


def _mediation_stages(s: CaseSituation) -> set[CaseState]:
    stages: set[CaseState] = set()
    kind = s.certificate_kind if s.certificate_issued else ""
    before_meeting = not (s.mediation_held or s.outcome_recorded or s.mediation_declined)
    # A deemed certificate (reg 39(3)) may be issued before the meeting, which may still go on.
    no_certificate_but_deemed = kind in {"", _DEEMED}
    nothing_yet = not (
        s.la_informed or s.meeting_booked or s.certificate_issued or s.la_unable_notified
    )
    if before_meeting and nothing_yet:
        stages.add(_S.MEDIATION_REQUESTED)
    if before_meeting and s.la_informed and not s.meeting_booked and not s.certificate_issued:
        stages.add(_S.ARRANGING)
    if before_meeting and s.la_informed and s.meeting_booked and no_certificate_but_deemed:
        stages.add(_S.MEETING_BOOKED)
    held_only = s.mediation_held and not s.outcome_recorded and not s.mediation_declined
    if held_only and no_certificate_but_deemed:
        stages.add(_S.MEETING_HELD)
    if s.mediation_held and s.outcome_recorded and no_certificate_but_deemed:
        stages.add(_S.CONCLUDED)
    if s.mediation_declined and not s.certificate_issued and not s.mediation_held:
        stages.add(_S.CERTIFICATE_DUE)
    if kind == _DECLINED and s.mediation_declined and not s.mediation_held:
        stages.add(_S.CERTIFICATE_ISSUED)
    if kind == _AFTER_MEDIATION and s.mediation_held and s.outcome_recorded:
        stages.add(_S.CERTIFICATE_ISSUED)
    if kind == _DEEMED and s.la_unable_notified and before_meeting and not s.meeting_booked:
        stages.add(_S.CERTIFICATE_ISSUED)
    certificate_settled = (
        s.certificate_issued or not s.certificate_required or not s.certificate_allowed
    )
    if s.agreement_reached and s.outcome_recorded and s.mediation_held and certificate_settled:
        stages.add(_S.FOLLOW_UP)
    return stages


def stages_consistent_with(s: CaseSituation) -> frozenset[CaseState]:
    """The open states a case with these recorded facts can be in (the state itself is not
    looked at). Empty when the facts fit no stage (records that contradict each other)."""
    if s.route is Route.CERTIFICATE_ONLY:
        return frozenset({_S.CERTIFICATE_ISSUED if s.certificate_issued else _S.CERTIFICATE_DUE})
    if s.route is Route.DISAGREEMENT_RESOLUTION:
        if s.outcome_recorded:
            return frozenset({_S.CONCLUDED}) if s.mediation_held else frozenset()
        if s.mediation_held:
            return frozenset({_S.MEETING_HELD})
        if s.meeting_booked:
            return frozenset({_S.MEETING_BOOKED}) if s.everyone_agreed else frozenset()
        return frozenset({_S.CONSENT_SOUGHT})
    return frozenset(_mediation_stages(s))


# The furthest stage the facts show first. Following up the agreed actions is last: no fact
# records it (it is a step), so a manager picks it when reopening if that is where it was.
_IMPLIED_ORDER: tuple[CaseState, ...] = (
    _S.CERTIFICATE_ISSUED,
    _S.CONCLUDED,
    _S.MEETING_HELD,
    _S.MEETING_BOOKED,
    _S.CERTIFICATE_DUE,
    _S.ARRANGING,
    _S.CONSENT_SOUGHT,
    _S.MEDIATION_REQUESTED,
    _S.FOLLOW_UP,
)


def stage_implied_by(s: CaseSituation) -> CaseState | None:
    """The stage a case's recorded facts imply: the furthest consistent with them. None when
    the facts fit no stage."""
    stages = stages_consistent_with(s)
    return next((state for state in _IMPLIED_ORDER if state in stages), None)


def is_consistent(s: CaseSituation) -> bool:
    """True when the case's state fits its recorded facts (a closed case always does)."""
    return s.state is _S.CLOSED or s.state in stages_consistent_with(s)
