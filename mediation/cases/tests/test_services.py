from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from mediation.audit.models import AuditEvent
from mediation.cases import services
from mediation.cases.models import Contact, Enquiry
from mediation.cases.tests.factories import enquiry_data
from mediation.common import errors
from mediation.domain.case_states import Route
from mediation.timeline.models import TimelineEntry
from mediation.workflow import services as workflow_services

pytestmark = pytest.mark.django_db


def test_enquiry_record_gives_a_reference_and_audits(case_officer_cal, local_authority):
    enquiry = services.enquiry_record(by=case_officer_cal, data=enquiry_data(local_authority))
    assert re.fullmatch(r"ENQ-\d{4}-00001", enquiry.reference)
    assert enquiry.status == Enquiry.Status.OPEN
    assert AuditEvent.objects.filter(verb="enquiry.create", object_id=str(enquiry.pk)).count() == 1


def test_enquiry_phone_number_is_checked_and_kept_as_people_write_it(
    case_officer_cal, local_authority
):
    with pytest.raises(errors.ServiceError) as refused:
        services.enquiry_record(
            by=case_officer_cal, data={**enquiry_data(local_authority), "phone": "12345"}
        )
    assert refused.value.field_messages[0][0] == "phone" and Enquiry.objects.count() == 0
    enquiry = services.enquiry_record(
        by=case_officer_cal, data={**enquiry_data(local_authority), "phone": "07700900456"}
    )
    assert enquiry.phone == "07700 900456"


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


def test_closing_an_enquiry_with_information(enquiry, case_officer_cal):
    services.enquiry_close_with_information(
        enquiry=enquiry, by=case_officer_cal, note="Explained options"
    )
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.CLOSED
    with pytest.raises(errors.ServiceError):
        workflow_services.case_open_from_enquiry(
            enquiry=enquiry, route=Route.MEDIATION, owner=case_officer_cal, by=case_officer_cal
        )


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
    other = workflow_services.case_open_from_enquiry(
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
