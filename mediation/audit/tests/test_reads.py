"""One audit event per request for what it showed or refused (mediation.audit.reads, ADR 0029).

The URL matrix (mediation/common/tests/test_every_url.py) checks the event of every page for
every kind of visitor; these tests pin the rules themselves: what a forbidden object looks like
to the visitor and to the log, CSRF refusals, the actor of another door, and reads outside a
request.
"""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.audit.reads import (
    DOWNLOAD,
    READ,
    REFUSED,
    read_noted,
    reads_actor,
    reads_begin,
    reads_end,
    reads_record,
    refusal_noted,
)
from mediation.cases.models import Case, Party
from mediation.cases.tests.factories import enquiry_data
from mediation.workflow import services as workflow_services

pytestmark = pytest.mark.django_db


def _events_after(event_id: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=event_id).order_by("id"))


def _without_tokens(page: bytes) -> bytes:
    """A page without what differs on every render (the CSRF token of the sign-out form)."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", page)


def _last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def other_case(case_officer_cal, local_authority):
    from mediation.cases import services
    from mediation.domain.case_states import Route

    enquiry = services.enquiry_record(by=case_officer_cal, data=enquiry_data(local_authority))
    case = workflow_services.case_open_from_enquiry(
        enquiry=enquiry, route=Route.MEDIATION, owner=case_officer_cal, by=case_officer_cal
    )
    party = Party.objects.create(case=case, role="parent", name="Owen Quigley")
    return case, party


def test_a_forbidden_party_looks_missing_but_the_log_names_it(
    client, open_case, other_case, mediator_mia
):
    """The mediator of one case asks for a party of another case through their own case's URL:
    the same 404 page as for a party that does not exist, and only the log tells them apart."""
    _, stranger = other_case
    login(client, mediator_mia)
    before = _last_id()
    forbidden = client.get(reverse("parties:detail", args=[open_case.reference, stranger.pk]))
    (refusal,) = _events_after(before)
    missing_id = Party.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    before = _last_id()
    missing = client.get(reverse("parties:detail", args=[open_case.reference, missing_id]))
    (missing_event,) = _events_after(before)
    assert forbidden.status_code == missing.status_code == 404
    assert _without_tokens(forbidden.content) == _without_tokens(missing.content)
    assert b"Owen" not in forbidden.content
    assert refusal.verb == REFUSED and refusal.actor == mediator_mia
    assert (refusal.object_type, refusal.object_id) == ("cases.party", str(stranger.pk))
    assert refusal.detail["page"] == "parties:detail" and refusal.detail["status"] == 404
    # A party that does not exist on a case they may see: the refusal names their case.
    assert missing_event.verb == REFUSED and missing_event.object_type == "cases.case"
    assert missing_event.detail["url"]["party_id"] == missing_id


def test_a_case_of_someone_else_is_one_refusal_naming_it(client, other_case, mediator_max):
    case, _ = other_case
    login(client, mediator_max)
    before = _last_id()
    response = client.get(reverse("cases:detail", args=[case.reference]))
    (event,) = _events_after(before)
    assert response.status_code == 404
    assert (event.verb, event.case_id, event.object_type) == (REFUSED, case.pk, "cases.case")
    # A reference that names no case: a 404 and nothing to record.
    before = _last_id()
    assert client.get(reverse("cases:detail", args=["MED-1999-99999"])).status_code == 404
    assert _events_after(before) == []


def test_a_403_is_always_recorded(client, mediator_mia):
    login(client, mediator_mia)
    before = _last_id()
    response = client.get(reverse("manage:users"))
    (event,) = _events_after(before)
    assert response.status_code == 403
    assert (event.verb, event.actor, event.detail["page"]) == (
        REFUSED,
        mediator_mia,
        "manage:users",
    )


def test_a_post_without_a_csrf_token_is_a_recorded_refusal(open_case, case_officer_cal):
    client = Client(enforce_csrf_checks=True)
    login(client, case_officer_cal)
    before = _last_id()
    response = client.post(reverse("cases:note-add", args=[open_case.reference]), {"text": "x"})
    (event,) = _events_after(before)
    assert response.status_code == 403
    assert event.verb == REFUSED and event.detail["status"] == 403


def test_one_read_per_page_naming_the_most_specific_object(client, open_case, case_officer_cal):
    party = Party.objects.create(case=open_case, role="parent", name="Sarah Whitfield")
    login(client, case_officer_cal)
    before = _last_id()
    assert (
        client.get(reverse("parties:detail", args=[open_case.reference, party.pk])).status_code
        == 200
    )
    (event,) = _events_after(before)
    assert event.verb == READ and event.actor == case_officer_cal
    assert (event.object_type, event.object_id, event.case_id) == (
        "cases.party",
        str(party.pk),
        open_case.pk,
    )
    # A redirect after a change shows nothing: the change is audited by its service only.
    before = _last_id()
    client.post(reverse("cases:note-add", args=[open_case.reference]), {"text": "Rang school"})
    assert [e.verb for e in _events_after(before)] == ["note.create"]


def test_a_list_names_the_rows_shown(client, open_case, case_officer_cal):
    login(client, case_officer_cal)
    before = _last_id()
    client.get(reverse("cases:my-work"))
    (event,) = _events_after(before)
    assert event.object_type == "cases.case" and event.object_id == ""
    assert event.detail["listed"] == [open_case.pk]


def test_another_door_names_its_own_actor_and_a_file_is_a_download(open_case):
    """How an API (issue 22) uses it: its authentication names the token as the actor; what
    its views note is recorded as for staff pages."""
    request = RequestFactory().get("/api/cases/")
    token = reads_begin()
    reads_actor("api:token:7")
    read_noted(open_case)
    reads_record(
        request, HttpResponse(headers={"Content-Disposition": "attachment"}), reads_end(token)
    )
    event = AuditEvent.objects.order_by("-id")[0]
    assert (event.verb, event.actor_id, event.actor_role) == (DOWNLOAD, None, "api:token:7")
    assert event.case_id == open_case.pk


def test_outside_a_request_a_read_is_not_gathered_and_a_refusal_is_written_at_once(
    open_case, mediator_max
):
    before = _last_id()
    read_noted(open_case)  # a task or a shell: nothing to gather
    assert _events_after(before) == []
    refusal_noted(Case, open_case.pk, case_id=open_case.pk, actor=mediator_max)
    (event,) = _events_after(before)
    assert (event.verb, event.actor, event.object_type) == (REFUSED, mediator_max, "cases.case")
