"""The privacy pages that show a person or a case write their read event (ADR 0029); the URL
matrix cannot reach them past the step-up and the search, so they are checked here."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.privacy.models import ErasureRequest
from mediation.privacy.services import erasure_request
from mediation.privacy.tests.test_views import _fresh_step_up

pytestmark = pytest.mark.django_db


def test_the_people_found_by_a_subject_access_search_are_a_read(client, manager_sue, open_case):
    parent = open_case.parties.get(email="sarah.whitfield@example.com")
    login(client, manager_sue)
    client.post(reverse("privacy:subject-access"), {"email": "sarah.whitfield@example.com"})
    assert client.get(reverse("privacy:subject-access")).status_code == 200
    read = AuditEvent.objects.get(verb="read", actor=manager_sue)
    assert read.object_type == "cases.party" and read.detail["listed"] == [parent.pk]
    assert "sarah" not in str(read.detail).lower()  # the address searched for is not logged


def test_the_erasure_decision_page_is_a_read_of_the_request(
    client, manager_sue, admin_ada, open_case
):
    erasure_request(case=open_case, by=admin_ada, scope="case", reason="Asked in writing")
    erasure = ErasureRequest.objects.get(case=open_case)
    login(client, manager_sue)
    _fresh_step_up(client)
    assert client.get(reverse("privacy:erasure-decide", args=[erasure.pk])).status_code == 200
    read = AuditEvent.objects.get(verb="read", actor=manager_sue)
    assert (read.object_type, read.object_id) == ("privacy.erasurerequest", str(erasure.pk))
    assert read.case_id == open_case.pk
