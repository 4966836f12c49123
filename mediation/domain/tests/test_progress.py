"""The family's stages from the case's facts. Pure: no Django."""

from __future__ import annotations

from mediation.domain.case_states import CaseState, Route
from mediation.domain.progress import ProgressFacts, family_stages, stage_now

BASE = ProgressFacts(
    route=Route.MEDIATION,
    state=CaseState.ARRANGING,
    meeting_booked=False,
    meeting_held=False,
    certificate_required=True,
    certificate_issued=False,
    family_withdrew=False,
    agreement_reached=False,
)


def _statuses(facts: ProgressFacts) -> dict[str, str]:
    return {row.title: row.status for row in family_stages(facts)}


def test_finding_a_date_then_booked_then_held():
    assert _statuses(BASE)["Finding a date"] == "now"
    booked = _statuses(
        BASE.__class__(
            **{**BASE.__dict__, "state": CaseState.MEETING_BOOKED, "meeting_booked": True}
        )
    )
    assert booked["Finding a date"] == "done" and booked["Meeting booked"] == "now"
    assert booked["Meeting held"] == "next" and booked["Certificate"] == "next"


def test_a_deemed_certificate_before_the_meeting_does_not_mark_the_meeting_done():
    facts = ProgressFacts(
        **{**BASE.__dict__, "state": CaseState.CERTIFICATE_ISSUED, "certificate_issued": True}
    )
    rows = _statuses(facts)
    assert rows["Certificate"] == "done"
    assert rows["Meeting held"] == "next" and rows["Meeting booked"] == "next"
    now = stage_now(family_stages(facts))
    assert now is not None and now.title == "Finding a date"


def test_a_family_who_withdrew_before_the_meeting_sees_no_meeting_stages():
    facts = ProgressFacts(
        **{**BASE.__dict__, "state": CaseState.CERTIFICATE_DUE, "family_withdrew": True}
    )
    rows = _statuses(facts)
    assert "Meeting booked" not in rows and rows["Certificate"] == "now"


def test_no_certificate_stage_when_none_is_needed_and_a_closed_case_is_finished():
    facts = ProgressFacts(
        **{
            **BASE.__dict__,
            "state": CaseState.CLOSED,
            "certificate_required": False,
            "meeting_held": True,
        }
    )
    rows = family_stages(facts)
    assert "Certificate" not in {row.title for row in rows}
    assert rows[-1].title == "Case closed" and rows[-1].status == "done"
    assert stage_now(rows) is None


def test_certificate_only_and_disagreement_resolution():
    only = ProgressFacts(
        **{**BASE.__dict__, "route": Route.CERTIFICATE_ONLY, "state": CaseState.CERTIFICATE_DUE}
    )
    assert [row.status for row in family_stages(only)] == ["now", "next"]
    resolution = ProgressFacts(
        **{
            **BASE.__dict__,
            "route": Route.DISAGREEMENT_RESOLUTION,
            "state": CaseState.CONSENT_SOUGHT,
        }
    )
    assert family_stages(resolution)[0].status == "now"
