"""The family's plain-English tracker: a few stages of their case, each done, now or next.

Built from the case's route and state (mediation/domain/case_states.py). Several states map to
one stage, so the family sees where they are without the service's internal steps. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from mediation.domain.case_states import CaseState, Route

_S = CaseState


@dataclass(frozen=True)
class Stage:
    title: str
    what_happens: str
    states: frozenset[CaseState]


@dataclass(frozen=True)
class TrackerRow:
    title: str
    what_happens: str
    status: str  # "done", "now" or "next"

    @property
    def status_label(self) -> str:
        return {"done": "Done", "now": "Now", "next": "Coming next"}[self.status]

    @property
    def tag_class(self) -> str:
        return {"done": "govuk-tag--green", "now": "govuk-tag--blue", "next": "govuk-tag--grey"}[
            self.status
        ]


STAGES: dict[Route, list[Stage]] = {
    Route.MEDIATION: [
        Stage(
            "You asked for mediation",
            "We tell the local authority that you want mediation.",
            frozenset({_S.MEDIATION_REQUESTED}),
        ),
        Stage(
            "Finding a date",
            "We look for a date that suits everyone. We may ask you which dates you can do.",
            frozenset({_S.ARRANGING}),
        ),
        Stage(
            "Meeting booked",
            "The date, time and place are fixed. You can see them on the meeting page.",
            frozenset({_S.MEETING_BOOKED}),
        ),
        Stage(
            "Meeting held",
            "The mediator writes down what was agreed. We ask you to check it is right.",
            frozenset({_S.MEETING_HELD, _S.CONCLUDED}),
        ),
        Stage(
            "Certificate",
            "We send you a mediation certificate. You need it if you want to appeal.",
            frozenset({_S.CERTIFICATE_DUE, _S.CERTIFICATE_ISSUED}),
        ),
        Stage(
            "Checking what was agreed",
            "We check that what was agreed at the meeting is done on time.",
            frozenset({_S.FOLLOW_UP}),
        ),
        Stage("Case closed", "Your case is finished.", frozenset({_S.CLOSED})),
    ],
    Route.CERTIFICATE_ONLY: [
        Stage(
            "Certificate being prepared",
            "We write your mediation certificate. You need it if you want to appeal.",
            frozenset({_S.CERTIFICATE_DUE}),
        ),
        Stage(
            "Certificate sent",
            "We have sent you your certificate. You can download it here too.",
            frozenset({_S.CERTIFICATE_ISSUED}),
        ),
        Stage("Case closed", "Your case is finished.", frozenset({_S.CLOSED})),
    ],
    Route.DISAGREEMENT_RESOLUTION: [
        Stage(
            "Asking everyone to take part",
            "Everyone has to agree to meet. We ask each of them.",
            frozenset({_S.CONSENT_SOUGHT}),
        ),
        Stage(
            "Meeting booked",
            "The date, time and place are fixed. You can see them on the meeting page.",
            frozenset({_S.MEETING_BOOKED}),
        ),
        Stage(
            "Meeting held",
            "The meeting has taken place. We write down what was agreed.",
            frozenset({_S.MEETING_HELD, _S.CONCLUDED}),
        ),
        Stage("Case closed", "Your case is finished.", frozenset({_S.CLOSED})),
    ],
}


def tracker(route: str, state: str, *, certificate_issued: bool = False) -> list[TrackerRow]:
    stages = STAGES[Route(route)]
    current = next((i for i, stage in enumerate(stages) if CaseState(state) in stage.states), 0)
    rows = []
    for i, stage in enumerate(stages):
        if i < current or (
            certificate_issued and _S.CERTIFICATE_ISSUED in stage.states and i != current
        ):
            status = "done"
        elif i == current:
            status = "done" if CaseState(state) == _S.CLOSED else "now"
        else:
            status = "next"
        rows.append(TrackerRow(stage.title, stage.what_happens, status))
    return rows
