"""Where a case is, in the few stages a family sees: each done, now or coming next. Pure Python.

One truth for the family's tracker (the portal), the staff case page and the meeting panel: all
read the same facts of the case (`ProgressFacts`, built by mediation.workflow.selectors from the
case's state and its dated events), so the tracker never says a meeting was held when the
meeting panel shows one still booked, nor a certificate sent before it was. A stage that can no
longer happen (the meeting, after the family withdrew before it) is left out rather than shown
as done.
"""

from __future__ import annotations

from dataclasses import dataclass

from mediation.domain.case_states import CaseState, Route

_S = CaseState


@dataclass(frozen=True)
class ProgressFacts:
    route: Route
    state: CaseState
    meeting_booked: bool  # a meeting date is booked and the meeting has not been held
    meeting_held: bool
    certificate_required: bool
    certificate_issued: bool
    family_withdrew: bool
    agreement_reached: bool


@dataclass(frozen=True)
class StageRow:
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


def _status(done: bool, now: bool) -> str:
    return "done" if done else "now" if now else "next"


def _meeting_stages(f: ProgressFacts, *, finding: str, finding_text: str) -> list[StageRow]:
    closed = f.state is _S.CLOSED
    meeting_over = f.meeting_held and f.state not in {_S.MEETING_HELD, _S.CONCLUDED}
    return [
        StageRow(
            finding,
            finding_text,
            _status(
                f.meeting_booked or f.meeting_held,
                f.state in {_S.ARRANGING, _S.CONSENT_SOUGHT, _S.CERTIFICATE_ISSUED} and not closed,
            ),
        ),
        StageRow(
            "Meeting booked",
            "The date, time and place are fixed. You can see them on this page.",
            _status(f.meeting_held, f.meeting_booked),
        ),
        StageRow(
            "Meeting held",
            "The mediator writes down what was agreed, in the outcome statement. We ask you to "
            "check it is right.",
            _status(
                meeting_over or (closed and f.meeting_held), f.meeting_held and not meeting_over
            ),
        ),
    ]


def family_stages(f: ProgressFacts) -> list[StageRow]:
    """The family's stages of their case, each with its status."""
    closed = f.state is _S.CLOSED
    close = StageRow("Case closed", "Your case is finished.", _status(closed, False))
    if f.route is Route.CERTIFICATE_ONLY:
        return [
            StageRow(
                "Certificate",
                "We write your mediation certificate (the document you need to appeal to the "
                "Tribunal) and send it to you.",
                _status(f.certificate_issued, f.state is _S.CERTIFICATE_DUE),
            ),
            close,
        ]
    meeting_possible = f.meeting_booked or f.meeting_held or not (f.family_withdrew or closed)
    if f.route is Route.DISAGREEMENT_RESOLUTION:
        rows = (
            _meeting_stages(
                f,
                finding="Asking everyone to take part",
                finding_text="Everyone has to agree to meet. We ask each of them, then find a date.",
            )
            if meeting_possible
            else []
        )
        return [*rows, close]
    rows = [
        StageRow(
            "You asked for mediation",
            "We tell the local authority that you want mediation.",
            _status(f.state is not _S.MEDIATION_REQUESTED, f.state is _S.MEDIATION_REQUESTED),
        )
    ]
    if meeting_possible:
        rows += _meeting_stages(
            f,
            finding="Finding a date",
            finding_text="We look for a date that suits everyone. We may ask you which dates "
            "you can come to.",
        )
    if f.certificate_required or f.certificate_issued:
        rows.append(
            StageRow(
                "Certificate",
                "We send you a mediation certificate. You need it if you want to appeal to the "
                "Tribunal.",
                _status(f.certificate_issued, f.state is _S.CERTIFICATE_DUE),
            )
        )
    if f.agreement_reached or f.state is _S.FOLLOW_UP:
        rows.append(
            StageRow(
                "Checking what was agreed",
                "We check that what was agreed at the meeting is done on time.",
                _status(closed, f.state is _S.FOLLOW_UP),
            )
        )
    return [*rows, close]


def stage_now(rows: list[StageRow]) -> StageRow | None:
    return next((row for row in rows if row.status == "now"), None)
