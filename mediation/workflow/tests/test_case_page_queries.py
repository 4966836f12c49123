"""The case page runs a fixed number of queries whatever the case holds: one more party, note,
offered date, agreed action, document, message or request never adds a query (each panel's
reads are shared, and what a panel counts is counted in the query that reads its rows), and
every view is still audited. ADR 0065 lists the queries that remain, panel by panel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import audit_sealing_queries, login
from mediation.accounts.models import User
from mediation.audit.models import AuditEvent
from mediation.cases import services
from mediation.cases.models import Case, CaseIssue, IssueTheme, Party
from mediation.documents.models import DocumentKind, GeneratedDocument
from mediation.meetings.models import SlotAnswer, SlotOffer
from mediation.notifications.models import Message
from mediation.outcomes.models import DeferredDecision
from mediation.outcomes.tests.conftest import make_held_case, write_statement
from mediation.parties.models import AttendanceRequest, AttendanceResponse, AttendanceStatus
from mediation.portal import services as portal
from mediation.portal.models import PartyNotice, PortalRequest
from mediation.workflow import services as workflow_services

pytestmark = pytest.mark.django_db

# The page of a case with the most on it, signed in as a case officer, on PostgreSQL: the
# session; the user with their device; the case with its enquiry; closure days; stored
# deadlines; parties, their attendance answers, their authority confirmations; the timeline;
# notes; linked cases; failed messages; issues in dispute; the meeting (with how often the LA
# moved it); offered dates, their answers; the statement (with how many parties agreed it);
# its actions (with their decisions put off); the issues of those decisions; documents;
# portal accesses, their links (with their emails' status); portal requests; what parties
# were told; and the read's audit event (savepoint, event, queue row, release: see
# conftest.audit_write_queries). SQLite seals the event at once: audit_sealing_queries() more.
# 36 on SQLite before ADR 0065, which lists them.
CASE_PAGE_MAX_QUERIES = 28
# A case just opened, with no key dates: the same page without the queries of the panels that
# have nothing to show (no statement: no actions nor decisions put off; no offered dates).
CASE_PAGE_QUERIES = 23


def _page_queries(client, case: Case) -> list[str]:
    url = reverse("cases:detail", args=[case.reference])
    client.get(url)  # the first request of a session may renew it (ADR 0018)
    with CaptureQueriesContext(connection) as counted:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in counted.captured_queries]


def _fill(case: Case, by: User, *, first: int, last: int) -> None:
    """Give the case parties numbered first..last with portal invitations (their links and
    emails), notes, offered dates answered by everyone, agreed actions each with a decision
    put off, documents, failed messages, portal requests, notices and issues in dispute."""
    now = timezone.now()
    statement = case.outcome_statement
    for n in range(first, last + 1):
        party = Party.objects.create(
            case=case,
            role="information_provider",
            name=f"Provider {n}",
            email=f"p{n}@example.org",
            phone=f"0700000000{n}",
        )
        access = portal.access_invite(case=case, party=party, kind="information_provider", by=by)
        asked = AttendanceRequest.objects.create(
            party=party, case=case, status=AttendanceStatus.AWAITING_CONSENT
        )
        AttendanceResponse.objects.create(
            request=asked, party=case.parties.get(role="parent_carer"), agrees=True, recorded_by=by
        )
        services.case_note_add(case=case, by=by, text=f"Note {n}")
        slot = SlotOffer.objects.create(
            case=case,
            starts_at=now + timedelta(days=20 + n),
            duration_minutes=120,
            mode="online",
            created_by=by,
        )
        for person in case.parties.all():
            SlotAnswer.objects.create(slot=slot, party=person, available=n % 2 == 0, recorded_by=by)
        (action,) = write_statement_actions(case, by, n)
        decision = DeferredDecision.objects.create(
            statement=statement,
            case=case,
            action=action,
            decided_by=DeferredDecision.DecidedBy.PANEL,
            decision_maker=f"SEN panel {n}",
            decision_due_on=timezone.localdate() + timedelta(days=30 + n),
            created_by=by,
        )
        theme = IssueTheme.objects.create(name=f"Issue {n}", position=n)
        decision.themes.add(theme)
        CaseIssue.objects.create(case=case, theme=theme, added_by=by)
        GeneratedDocument.objects.create(
            case=case,
            kind=DocumentKind.MEETING_LETTER,
            title=f"Meeting letter {n}",
            version=n,
            html="<p>Letter</p>",
            pdf=b"%PDF",
            generated_by=by,
        )
        Message.objects.create(
            idempotency_key=f"bounced:{case.reference}:{n}",
            channel=Message.Channel.EMAIL,
            recipient_email=f"p{n}@example.org",
            subject=f"Dates {n}",
            body="Dates",
            case_id=case.pk,
            status=Message.Status.SENT,
            delivery_status=Message.Delivery.BOUNCED,
            delivery_status_at=now,
        )
        PortalRequest.objects.create(
            case=case, access=access, kind=PortalRequest.Kind.INFORMATION, details=f"Report {n}"
        )
        PartyNotice.objects.create(
            case=case,
            party=party,
            task_key="answer_dates",
            stage="notice",
            sent_on=timezone.localdate(),
            channels="email",
        )


def write_statement_actions(case: Case, by: User, n: int):
    from mediation.outcomes import services as outcomes

    return [
        outcomes.action_add(
            case=case,
            by=by,
            data={
                "what": f"Action {n}",
                "who": "la",
                "kind": "not_appealable",
                "section": "F",
                "agreed_due": timezone.localdate() + timedelta(days=40 + n),
            },
        )
    ]


def test_a_full_case_page_has_the_same_queries_with_one_or_five_of_everything(
    client, case_officer_cal, mediator_mia, local_authority
):
    case = make_held_case(case_officer_cal, mediator_mia, local_authority)
    write_statement(case, mediator_mia)
    # A certificate shows who issued it (read with the case).
    Case.objects.filter(pk=case.pk).update(
        certificate_issued_on=timezone.localdate(), certificate_issued_by=mediator_mia
    )
    case.refresh_from_db()
    _fill(case, case_officer_cal, first=1, last=1)
    login(client, case_officer_cal)
    with_one = _page_queries(client, case)
    _fill(case, case_officer_cal, first=2, last=5)
    with_five = _page_queries(client, case)
    assert len(with_five) == len(with_one), "\n".join(with_five)
    assert len(with_five) <= CASE_PAGE_MAX_QUERIES + audit_sealing_queries()
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Provider 5" in page and "Note 5" in page and "SEN panel 5" in page
    assert "Meeting letter 5" in page and "Issue 5" in page and mediator_mia.display_name in page


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
    for n in range(3):
        party = Party.objects.create(
            case=open_case, role="information_provider", name=f"Provider {n}", email=f"p{n}@x.org"
        )
        portal.access_invite(case=open_case, party=party, kind="information_provider", by=case_officer_cal)
        services.case_note_add(case=open_case, by=case_officer_cal, text=f"Note {n}")
    # + the portal links, which carry their emails' status (one query, however many; none
    # while nobody has access)
    with django_assert_num_queries(CASE_PAGE_QUERIES + audit_sealing_queries() + 1):
        grown = client.get(url)
    page = grown.content.decode()
    assert "Provider 2" in page and "Note 2" in page
    views = AuditEvent.objects.filter(verb="read", object_type="cases.case", case_id=open_case.pk)
    assert views.count() == 3  # every read of the page is audited


def test_a_near_empty_case_page_stays_within_the_pin(client, open_case, case_officer_cal):
    login(client, case_officer_cal)
    queries = _page_queries(client, open_case)
    assert len(queries) <= CASE_PAGE_MAX_QUERIES + audit_sealing_queries()
    assert sum("audit_auditevent" in sql and sql.startswith("INSERT") for sql in queries) == 1


def test_mediator_sees_the_same_page_with_the_same_queries(
    client, open_case, mediator_mia, django_assert_num_queries
):
    login(client, mediator_mia)
    url = reverse("cases:detail", args=[open_case.reference])
    client.get(url)
    with django_assert_num_queries(CASE_PAGE_QUERIES + audit_sealing_queries()):
        assert client.get(url).status_code == 200
