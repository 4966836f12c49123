from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from mediation.audit.models import AuditEvent
from mediation.cases import services
from mediation.cases.models import Case, CaseStatusChange, Contact, Enquiry, Party
from mediation.cases.tests.factories import enquiry_data
from mediation.common import errors
from mediation.domain.case_states import CaseState, Route, TransitionNotAllowed
from mediation.timeline import services as timeline_services
from mediation.timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db


def test_enquiry_record_gives_a_reference_and_audits(case_officer_cal, local_authority):
    enquiry = services.enquiry_record(by=case_officer_cal, data=enquiry_data(local_authority))
    assert re.fullmatch(r"ENQ-\d{4}-00001", enquiry.reference)
    assert enquiry.status == Enquiry.Status.OPEN
    assert AuditEvent.objects.filter(verb="enquiry.create", object_id=str(enquiry.pk)).count() == 1


def test_references_count_up_and_never_repeat(case_officer_cal, local_authority):
    references = [
        services.enquiry_record(by=case_officer_cal, data=enquiry_data(local_authority)).reference
        for _ in range(3)
    ]
    assert [r[-5:] for r in references] == ["00001", "00002", "00003"]


def test_case_history_is_encrypted_at_rest(enquiry):
    with connection.cursor() as cursor:
        cursor.execute("SELECT case_history FROM cases_enquiry WHERE id = %s", [enquiry.pk])
        stored = cursor.fetchone()[0]
    assert "refused to assess" not in stored
    assert Enquiry.objects.get(pk=enquiry.pk).case_history.startswith("The LA refused")


def test_open_case_copies_enquiry_and_records_history(enquiry, case_officer_cal):
    case = services.case_open_from_enquiry(
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
    case = services.case_open_from_enquiry(
        enquiry=enquiry, route=route, owner=case_officer_cal, by=case_officer_cal
    )
    assert case.status == initial


def test_an_enquiry_opens_at_most_one_case(enquiry, case_officer_cal):
    services.case_open_from_enquiry(
        enquiry=enquiry, route=Route.MEDIATION, owner=case_officer_cal, by=case_officer_cal
    )
    with pytest.raises(errors.ServiceError):
        services.case_open_from_enquiry(
            enquiry=enquiry, route=Route.MEDIATION, owner=case_officer_cal, by=case_officer_cal
        )
    assert Case.objects.count() == 1


def test_a_mediator_cannot_own_a_case(enquiry, case_officer_cal, mediator_mia):
    with pytest.raises(errors.ServiceError):
        services.case_open_from_enquiry(
            enquiry=enquiry, route=Route.MEDIATION, owner=mediator_mia, by=case_officer_cal
        )


def test_closing_an_enquiry_with_information(enquiry, case_officer_cal):
    services.enquiry_close_with_information(
        enquiry=enquiry, by=case_officer_cal, note="Explained options"
    )
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.CLOSED
    with pytest.raises(errors.ServiceError):
        services.case_open_from_enquiry(
            enquiry=enquiry, route=Route.MEDIATION, owner=case_officer_cal, by=case_officer_cal
        )


def test_transition_records_history_timeline_and_audit(open_case, case_officer_cal):
    case = services.case_transition(
        case=open_case, to_state=CaseState.ARRANGING, by=case_officer_cal
    )
    assert case.status == CaseState.ARRANGING
    change = CaseStatusChange.objects.filter(case=case).first()
    assert (change.from_state, change.to_state) == (
        CaseState.MEDIATION_REQUESTED,
        CaseState.ARRANGING,
    )
    assert TimelineEntry.objects.filter(case=case, kind="status").count() == 1
    event = AuditEvent.objects.get(verb="case.transition", case_id=case.pk)
    assert event.detail == {"from": "mediation_requested", "to": "arranging"}


def test_refused_transition_changes_nothing(open_case, case_officer_cal):
    with pytest.raises(TransitionNotAllowed):
        services.case_transition(
            case=open_case, to_state=CaseState.MEETING_HELD, by=case_officer_cal
        )
    open_case.refresh_from_db()
    assert open_case.status == CaseState.MEDIATION_REQUESTED
    assert not AuditEvent.objects.filter(verb="case.transition").exists()


def test_closing_sets_closed_at_and_reopening_needs_a_reason(open_case, case_officer_cal):
    case = services.case_transition(case=open_case, to_state=CaseState.CLOSED, by=case_officer_cal)
    assert case.closed_at is not None
    with pytest.raises(errors.ServiceError, match="reason"):
        services.case_transition(
            case=case, to_state=CaseState.MEDIATION_REQUESTED, by=case_officer_cal
        )
    case = services.case_transition(
        case=case,
        to_state=CaseState.MEDIATION_REQUESTED,
        by=case_officer_cal,
        reason="New decision letter received",
    )
    assert case.closed_at is None
    assert (
        CaseStatusChange.objects.filter(case=case).first().reason == "New decision letter received"
    )


def test_transition_is_atomic_when_the_audit_write_fails(open_case, case_officer_cal, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("audit store unavailable")

    # The audit event is written with the history line, by mediation.timeline.
    monkeypatch.setattr(timeline_services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        services.case_transition(case=open_case, to_state=CaseState.ARRANGING, by=case_officer_cal)
    open_case.refresh_from_db()
    assert open_case.status == CaseState.MEDIATION_REQUESTED
    assert not CaseStatusChange.objects.filter(
        case=open_case, to_state=CaseState.ARRANGING
    ).exists()
    assert not TimelineEntry.objects.filter(case=open_case, kind="status").exists()


def test_contact_is_logged_encrypted_and_on_the_timeline(open_case, case_officer_cal):
    party = open_case.parties.get()
    contact = services.case_contact_add(
        case=open_case,
        by=case_officer_cal,
        method=Contact.Method.PHONE,
        direction=Contact.Direction.OUTGOING,
        occurred_at=timezone.now() - timedelta(hours=1),
        summary="Explained the 30-day limit for arranging mediation.",
        party=party,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM cases_contact WHERE id = %s", [contact.pk])
        assert "30-day" not in cursor.fetchone()[0]
    entry = TimelineEntry.objects.get(case=open_case, kind="contact")
    assert entry.summary == "Phone call to Sarah Whitfield"
    assert "30-day" not in entry.summary


def test_contact_with_a_party_of_another_case_is_refused(
    open_case, case_officer_cal, local_authority
):
    other_enquiry = services.enquiry_record(by=case_officer_cal, data=enquiry_data(local_authority))
    other = services.case_open_from_enquiry(
        enquiry=other_enquiry, route=Route.MEDIATION, owner=case_officer_cal, by=case_officer_cal
    )
    with pytest.raises(errors.ServiceError):
        services.case_contact_add(
            case=open_case,
            by=case_officer_cal,
            method="phone",
            direction="incoming",
            occurred_at=timezone.now(),
            summary="x",
            party=other.parties.get(),
        )


def test_note_is_encrypted_and_timeline_shows_no_text(open_case, case_officer_cal):
    note = services.case_note_add(
        case=open_case, by=case_officer_cal, text="Father has a hearing impairment"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_casenote WHERE id = %s", [note.pk])
        assert "hearing" not in cursor.fetchone()[0]
    assert "hearing" not in TimelineEntry.objects.get(case=open_case, kind="note").summary


def test_assigning_a_non_mediator_is_refused(open_case, case_officer_cal, case_officer_cleo):
    with pytest.raises(errors.ServiceError):
        services.case_assign_mediator(
            case=open_case, mediator=case_officer_cleo, by=case_officer_cal
        )
