"""The case page runs a fixed number of queries, however many parties, notes, deadlines,
portal invitations and timeline entries the case has (each panel's reads are shared: parties,
working calendar and agreed actions are read once), and every view is still audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import audit_sealing_queries, login
from mediation.accounts.models import User
from mediation.audit.models import AuditEvent
from mediation.cases import services
from mediation.cases.models import Case, Party
from mediation.workflow import services as workflow_services

pytestmark = pytest.mark.django_db

# the session, the user with their device (one query, ADR 0050); the case (with its enquiry);
# the audit of the read (savepoint, insert the event, queue it or seal it: see
# audit_sealing_queries, release); closure days, deadlines,
# parties and their authority confirmations; timeline, notes, links; meeting, slot offers;
# outcome statement; documents; portal accesses, portal requests, what parties were asked to
# do; messages that did not arrive; the meetings the LA asked to cancel or move, the issues in
# dispute (issue 23; with a statement, also its decisions put off). 33 before the panels shared
# their reads and the session stopped being saved on every request (ADR 0018).
CASE_PAGE_QUERIES = 24


def _grow(case: Case, by: User) -> None:
    from mediation.portal import services as portal

    for n in range(3):
        party = Party.objects.create(
            case=case, role="information_provider", name=f"Provider {n}", email=f"p{n}@example.org"
        )
        portal.access_invite(case=case, party=party, kind="information_provider", by=by)
        services.case_note_add(case=case, by=by, text=f"Note {n}")


def test_case_page_queries_do_not_grow(
    client, open_case, case_officer_cal, django_assert_num_queries
):
    workflow_services.case_key_dates_update(
        case=open_case,
        by=case_officer_cal,
        changes={
            "notice_sent_on": timezone.localdate() - timedelta(days=10),
            "adviser_contacted_on": timezone.localdate() - timedelta(days=9),
        },
    )
    login(client, case_officer_cal)
    url = reverse("cases:detail", args=[open_case.reference])
    client.get(url)
    with django_assert_num_queries(CASE_PAGE_QUERIES + audit_sealing_queries()):
        first = client.get(url)
    assert first.status_code == 200
    _grow(open_case, case_officer_cal)
    # + the portal links of the invitations and their emails (two queries, however many)
    with django_assert_num_queries(CASE_PAGE_QUERIES + audit_sealing_queries() + 2) as counted:
        grown = client.get(url)
    page = grown.content.decode()
    assert "Provider 2" in page and "Note 2" in page
    assert any("notifications_message" in q["sql"] for q in counted.captured_queries)
    views = AuditEvent.objects.filter(verb="read", object_type="cases.case", case_id=open_case.pk)
    assert views.count() == 3  # every read of the page is audited


def test_mediator_sees_the_same_page_with_the_same_queries(
    client, open_case, mediator_mia, django_assert_num_queries
):
    login(client, mediator_mia)
    url = reverse("cases:detail", args=[open_case.reference])
    client.get(url)
    with django_assert_num_queries(CASE_PAGE_QUERIES + audit_sealing_queries()):
        assert client.get(url).status_code == 200
