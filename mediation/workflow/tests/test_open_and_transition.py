"""Opening a case and the one door for its status: history, timeline, audit, atomicity."""

from __future__ import annotations

import re

import pytest

from mediation.audit.models import AuditEvent
from mediation.cases.models import Case, CaseStatusChange, Enquiry, Party
from mediation.common import errors
from mediation.domain.case_states import CaseState, Route, TransitionNotAllowed
from mediation.timeline import services as timeline_services
from mediation.timeline.models import TimelineEntry
from mediation.workflow import services as workflow_services

pytestmark = pytest.mark.django_db


def test_open_case_copies_enquiry_and_records_history(enquiry, case_officer_cal):
    case = workflow_services.case_open_from_enquiry(
        enquiry=enquiry,
        route=Route.MEDIATION,
        owner=case_officer_cal,
        by=case_officer_cal,
        issue_health=True,
    )
    assert re.fullmatch(r"MED-\d{4}-00001", case.reference)
    assert case.status == CaseState.MEDIATION_REQUESTED
    assert case.child_name == "Isla Whitfield"
    assert case.notice_sent_on == enquiry.notice_sent_on
    assert case.issue_health and case.issue_education and not case.issue_social_care
    party = Party.objects.get(case=case)
    assert (party.name, party.role, party.is_main_contact) == (
        "Sarah Whitfield",
        "parent_carer",
        True,
    )
    assert (
        CaseStatusChange.objects.filter(case=case, to_state=CaseState.MEDIATION_REQUESTED).count()
        == 1
    )
    assert TimelineEntry.objects.filter(case=case, kind="case_opened").count() == 1
    assert AuditEvent.objects.filter(verb="case.create", case_id=case.pk).count() == 1
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.CASE_OPENED


@pytest.mark.parametrize(
    ("route", "initial"),
    [
        (Route.MEDIATION, CaseState.MEDIATION_REQUESTED),
        (Route.CERTIFICATE_ONLY, CaseState.CERTIFICATE_DUE),
        (Route.DISAGREEMENT_RESOLUTION, CaseState.CONSENT_SOUGHT),
    ],
)
def test_each_route_starts_in_its_initial_state(enquiry, case_officer_cal, route, initial):
    case = workflow_services.case_open_from_enquiry(
        enquiry=enquiry, route=route, owner=case_officer_cal, by=case_officer_cal
    )
    assert case.status == initial


def test_an_enquiry_opens_at_most_one_case(enquiry, case_officer_cal):
    workflow_services.case_open_from_enquiry(
        enquiry=enquiry, route=Route.MEDIATION, owner=case_officer_cal, by=case_officer_cal
    )
    with pytest.raises(errors.ServiceError):
        workflow_services.case_open_from_enquiry(
            enquiry=enquiry, route=Route.MEDIATION, owner=case_officer_cal, by=case_officer_cal
        )
    assert Case.objects.count() == 1


def test_a_mediator_cannot_own_a_case(enquiry, case_officer_cal, mediator_mia):
    with pytest.raises(errors.ServiceError):
        workflow_services.case_open_from_enquiry(
            enquiry=enquiry, route=Route.MEDIATION, owner=mediator_mia, by=case_officer_cal
        )


def test_transition_records_history_timeline_and_audit(open_case, case_officer_cal):
    case = workflow_services.case_transition(
        case=open_case, to_state=CaseState.ARRANGING, by=case_officer_cal
    )
    assert case.status == CaseState.ARRANGING
    change = CaseStatusChange.objects.filter(case=case).first()
    assert change is not None
    assert (change.from_state, change.to_state) == (
        CaseState.MEDIATION_REQUESTED,
        CaseState.ARRANGING,
    )
    assert TimelineEntry.objects.filter(case=case, kind="status").count() == 1
    event = AuditEvent.objects.get(verb="case.transition", case_id=case.pk)
    assert event.detail == {"from": "mediation_requested", "to": "arranging"}


def test_refused_transition_changes_nothing(open_case, case_officer_cal):
    with pytest.raises(TransitionNotAllowed):
        workflow_services.case_transition(
            case=open_case, to_state=CaseState.MEETING_HELD, by=case_officer_cal
        )
    open_case.refresh_from_db()
    assert open_case.status == CaseState.MEDIATION_REQUESTED
    assert not AuditEvent.objects.filter(verb="case.transition").exists()


def test_closing_sets_closed_at_and_reopening_needs_a_reason(open_case, case_officer_cal):
    case = workflow_services.case_transition(
        case=open_case, to_state=CaseState.CLOSED, by=case_officer_cal
    )
    assert case.closed_at is not None
    with pytest.raises(errors.ServiceError, match="reason"):
        workflow_services.case_transition(
            case=case, to_state=CaseState.MEDIATION_REQUESTED, by=case_officer_cal
        )
    case = workflow_services.case_transition(
        case=case,
        to_state=CaseState.MEDIATION_REQUESTED,
        by=case_officer_cal,
        reason="New decision letter received",
    )
    assert case.closed_at is None
    change = CaseStatusChange.objects.filter(case=case).first()
    assert change is not None and change.reason == "New decision letter received"


def test_transition_is_atomic_when_the_audit_write_fails(open_case, case_officer_cal, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("audit store unavailable")

    # The audit event is written with the history line, by mediation.timeline.
    monkeypatch.setattr(timeline_services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        workflow_services.case_transition(
            case=open_case, to_state=CaseState.ARRANGING, by=case_officer_cal
        )
    open_case.refresh_from_db()
    assert open_case.status == CaseState.MEDIATION_REQUESTED
    assert not CaseStatusChange.objects.filter(
        case=open_case, to_state=CaseState.ARRANGING
    ).exists()
    assert not TimelineEntry.objects.filter(case=open_case, kind="status").exists()
