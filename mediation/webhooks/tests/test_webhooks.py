"""Webhooks: each event recorded by the service where it happens, signed, logged, retried with
backoff, and never sent again once acknowledged."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from mediation.domain.case_states import CaseState, Step
from mediation.webhooks.models import (
    EventKind,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from mediation.webhooks.services import (
    endpoint_register,
    endpoint_remove,
    webhook_deliver,
    webhook_event_record,
    webhooks_deliver_due,
    webhooks_enqueue_due,
)

pytestmark = pytest.mark.django_db


def verify(secret: str, headers: dict[str, str], body: bytes, *, tolerance: int = 300) -> bool:
    """How an LA's system checks a delivery: the code sample of docs/api.md, as written there."""
    timestamp = headers["Mediation-Timestamp"]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    given = [part.split("=", 1)[1] for part in headers["Mediation-Signature"].split(",")]
    fresh = abs(time.time() - int(timestamp)) <= tolerance
    return fresh and any(hmac.compare_digest(expected, each) for each in given)


def _deliver_all() -> None:
    for pk in WebhookDelivery.objects.values_list("pk", flat=True):
        webhook_deliver(delivery_id=pk)


def test_a_delivery_is_signed_and_says_only_what_happened(open_case, endpoint, receiver):
    event = webhook_event_record(
        case=open_case,
        kind=EventKind.MEETING_BOOKED,
        data={"starts_at": "2026-12-01T10:00:00+00:00"},
    )
    assert event is not None
    _deliver_all()
    (got,) = receiver.received
    assert verify(endpoint.secret, got.headers, got.body)
    assert not verify("whsec_another", got.headers, got.body)
    assert not verify(endpoint.secret, got.headers, got.body + b" ")
    assert got.headers["Mediation-Event-Id"] == str(event.public_id)
    assert got.headers["Mediation-Event-Type"] == "meeting.booked"
    assert got.json == {
        "id": str(event.public_id),
        "type": "meeting.booked",
        "occurred_at": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "local_authority": "NFD",
        "case": {
            "reference": open_case.reference,
            "href": f"http://127.0.0.1:8000/api/v1/cases/{open_case.reference}",
        },
        "data": {"starts_at": "2026-12-01T10:00:00+00:00"},
    }
    attempt = WebhookAttempt.objects.get()
    assert (attempt.number, attempt.status_code, attempt.succeeded) == (1, 200, True)
    assert attempt.response_excerpt == '{"ok": true}'


def test_an_old_signature_is_refused_by_the_check(open_case, endpoint, receiver):
    with time_machine.travel(timezone.now() - timedelta(minutes=10)):
        webhook_event_record(case=open_case, kind=EventKind.CASE_OPENED)
        _deliver_all()
    (got,) = receiver.received
    assert not verify(endpoint.secret, got.headers, got.body)  # 10 minutes old


def test_retried_with_backoff_then_never_sent_again(open_case, endpoint, receiver, settings):
    settings.WEBHOOK_RETRY_SECONDS = [30, 120]
    receiver.answers = [500, 503]
    receiver.answer_body = b"x" * 2000
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        webhook_event_record(case=open_case, kind=EventKind.CASE_OPENED)
        _deliver_all()
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts) == ("pending", 1)
        assert delivery.next_attempt_at == start + timedelta(seconds=30)
        clock.shift(29)
        assert webhooks_deliver_due() == 0 and len(receiver.received) == 1
        clock.shift(1)
        assert webhooks_deliver_due() == 0 and len(receiver.received) == 2
        delivery.refresh_from_db()
        assert delivery.next_attempt_at == timezone.now() + timedelta(seconds=120)
        clock.shift(120)
        assert webhooks_deliver_due() == 1 and len(receiver.received) == 3
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("delivered", 3)
        clock.shift(3600)
        assert webhooks_deliver_due() == 0
        assert webhook_deliver(delivery_id=delivery.pk) is False
    assert len(receiver.received) == 3
    ids = {r.headers["Mediation-Event-Id"] for r in receiver.received}
    assert len(ids) == 1  # the same event every time, for the receiver to recognise
    statuses = list(WebhookAttempt.objects.order_by("number").values_list("status_code", flat=True))
    assert statuses == [500, 503, 200]
    assert len(WebhookAttempt.objects.get(number=1).response_excerpt) == 500


def test_given_up_after_the_last_wait(open_case, endpoint, receiver, settings):
    settings.WEBHOOK_RETRY_SECONDS = [1]
    receiver.answers = [500, 500, 500]
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        webhook_event_record(case=open_case, kind=EventKind.CASE_OPENED)
        _deliver_all()
        clock.shift(2)
        webhooks_deliver_due()
        clock.shift(3600)
        assert webhooks_deliver_due() == 0
    assert WebhookDelivery.objects.get().status == "failed"
    assert len(receiver.received) == 2


def test_a_try_whose_worker_died_is_taken_up_after_the_lease(
    open_case, endpoint, receiver, settings
):
    settings.WEBHOOK_LEASE_SECONDS = 60
    webhook_event_record(case=open_case, kind=EventKind.CASE_OPENED)
    delivery = WebhookDelivery.objects.get()
    died_at = timezone.now()
    # A worker claimed it and died before it could post or record anything.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status="sending", sending_started_at=died_at, attempts=1, enqueued_at=None
    )
    with time_machine.travel(died_at + timedelta(seconds=59), tick=False):
        assert webhooks_deliver_due() == 0
        assert webhooks_enqueue_due() == 0
    with time_machine.travel(died_at + timedelta(seconds=61), tick=False):
        assert webhooks_deliver_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert len(receiver.received) == 1


def test_the_sweep_queues_each_due_delivery_once(open_case, endpoint, receiver, settings):
    from unittest import mock

    webhook_event_record(case=open_case, kind=EventKind.CASE_OPENED)
    WebhookDelivery.objects.update(enqueued_at=None)
    with mock.patch("mediation.webhooks.services.enqueue_on_commit") as enqueue:
        assert webhooks_enqueue_due() == 1
        assert webhooks_enqueue_due() == 0  # queued already: not again while it waits
    enqueue.assert_called_once()


def test_a_redirect_is_not_followed(open_case, endpoint, receiver, settings):
    settings.WEBHOOK_RETRY_SECONDS = [30]
    receiver.redirect_to = "http://169.254.169.254/latest/meta-data/"
    webhook_event_record(case=open_case, kind=EventKind.CASE_OPENED)
    _deliver_all()
    assert WebhookAttempt.objects.get().status_code == 302
    assert WebhookDelivery.objects.get().status == "pending"
    assert len(receiver.received) == 1


def test_production_refuses_addresses_inside_our_network(local_authority, manager, settings):
    from mediation.common.errors import ServiceError

    settings.WEBHOOK_ALLOW_LOCAL_ADDRESSES = False
    for url, words in (
        ("http://send.example.gov.uk/x", "must start with https://"),
        ("https://127.0.0.1/x", "not a private or local network"),
        ("https://[::1]/x", "not a private or local network"),
        ("https://169.254.169.254/x", "not a private or local network"),
        ("https://10.0.0.5/x", "not a private or local network"),
        ("https://localhost/x", "not a private or local network"),
        ("https://user:pw@send.example.gov.uk/x", "must not hold a user name"),
        ("https:///x", "Enter the full address"),
    ):
        with pytest.raises(ServiceError, match=words):
            endpoint_register(
                authority=local_authority,
                url=url,
                events=["case.opened"],
                description="",
                by=manager,
            )


def test_a_name_that_resolves_inside_is_refused_when_sending(
    open_case, local_authority, manager, settings
):
    endpoint = endpoint_register(
        authority=local_authority,
        url="https://localhost.localdomain.invalid/x",
        events=["case.opened"],
        description="",
        by=manager,
    ).endpoint
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="https://localhost/x")
    settings.WEBHOOK_ALLOW_LOCAL_ADDRESSES = False
    webhook_event_record(case=open_case, kind=EventKind.CASE_OPENED)
    _deliver_all()
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None
    assert "private or local network" in attempt.error


def test_nothing_is_recorded_without_an_endpoint_that_wants_it(
    open_case, local_authority, manager, receiver
):
    assert webhook_event_record(case=open_case, kind=EventKind.CASE_OPENED) is None
    endpoint = endpoint_register(
        authority=local_authority,
        url=receiver.url,
        events=["certificate.issued"],
        description="",
        by=manager,
    ).endpoint
    assert webhook_event_record(case=open_case, kind=EventKind.CASE_OPENED) is None
    assert webhook_event_record(case=open_case, kind=EventKind.CERTIFICATE_ISSUED) is not None
    endpoint_remove(endpoint=endpoint, by=manager)
    assert webhook_event_record(case=open_case, kind=EventKind.CERTIFICATE_ISSUED) is None
    assert WebhookEvent.objects.count() == 1


def test_another_las_endpoint_hears_nothing(open_case, manager, receiver):
    from mediation.authorities.models import LocalAuthority

    other = LocalAuthority.objects.create(name="Southmoor City Council", code="SOU")
    endpoint_register(
        authority=other, url=receiver.url, events=list(EventKind.values), description="", by=manager
    )
    assert webhook_event_record(case=open_case, kind=EventKind.CASE_OPENED) is None


# Where each event happens -------------------------------------------------------------------


def _kinds(case, prefix: str = "") -> list[str]:
    events = WebhookEvent.objects.filter(case=case, kind__startswith=prefix).order_by("id")
    return list(events.values_list("kind", flat=True))


def test_the_services_record_their_events_in_the_same_transaction(
    endpoint, arranging_case, slot, case_officer_cal, manager_sue, mediator_mia
):
    from mediation.meetings import services as meetings
    from mediation.meetings.tests.conftest import at, working_days_from_today

    case = arranging_case
    meeting = meetings.meeting_book(
        case=case,
        slot=slot,
        by=case_officer_cal,
        details={"online_link": "https://meet.example.org/m"},
        short_notice_consent=False,
        expected_state=CaseState.ARRANGING,
    )
    meetings.meeting_reschedule(
        meeting=meeting,
        by=case_officer_cal,
        starts_at=at(working_days_from_today(12)),
        duration_minutes=120,
        mode="online",
        details={"online_link": "https://meet.example.org/m"},
        reason="The mediator is ill",
        short_notice_consent=False,
    )
    meetings.meeting_cancel(
        meeting=meeting,
        by=case_officer_cal,
        reason="The family withdrew",
        expected_state=CaseState.MEETING_BOOKED,
    )
    assert _kinds(case, "meeting.") == ["meeting.booked", "meeting.moved", "meeting.cancelled"]
    moved = WebhookEvent.objects.get(case=case, kind="meeting.moved")
    assert set(moved.data) == {
        "starts_at",
        "previous_starts_at",
        "duration_minutes",
        "mode",
        "sequence",
    }
    assert moved.data["sequence"] == 1
    assert (
        WebhookDelivery.objects.filter(event__case=case, event__kind__startswith="meeting.").count()
        == 3
    )


def test_a_refused_change_records_no_event(endpoint, arranging_case, slot, case_officer_cal):
    from mediation.common.errors import ServiceError
    from mediation.meetings import services as meetings

    with pytest.raises(ServiceError):
        meetings.meeting_book(
            case=arranging_case,
            slot=slot,
            by=case_officer_cal,
            details={},  # an online meeting needs its link
            short_notice_consent=False,
            expected_state=CaseState.ARRANGING,
        )
    assert _kinds(arranging_case, "meeting.") == []


def test_case_opened_statement_final_and_certificates(
    endpoint, local_authority, case_officer_cal, mediator_mia, manager_sue
):
    from mediation.documents.models import Certificate
    from mediation.documents.services import certificate_revoke
    from mediation.documents.tests.support import take
    from mediation.outcomes import services as outcomes
    from mediation.outcomes.tests.conftest import agree_all, make_held_case, write_statement

    case = make_held_case(case_officer_cal, mediator_mia, local_authority)
    assert _kinds(case) == ["case.opened"]
    write_statement(case, mediator_mia, actions=[("Assess", "assessment", None)])
    agree_all(case, mediator_mia)
    outcomes.statement_finalise(case=case, by=mediator_mia)
    case.refresh_from_db()
    take(case, Step.ISSUE_CERTIFICATE, case_officer_cal, on=timezone.localdate())
    certificate = Certificate.objects.get(case=case)
    certificate_revoke(certificate=certificate, by=manager_sue, reason="Issued in error")
    assert _kinds(case) == [
        "case.opened",
        "outcome_statement.final",
        "certificate.issued",
        "certificate.revoked",
    ]
    issued = WebhookEvent.objects.get(case=case, kind="certificate.issued")
    assert issued.data["reference"] == certificate.reference
    assert WebhookEvent.objects.get(case=case, kind="outcome_statement.final").data == {
        "outcome": "agreed_all",
        "agreed_actions": 1,
    }
    text = json.dumps(list(WebhookEvent.objects.values_list("data", flat=True)))
    for name in ("Isla", "Whitfield", "Sarah", "Omar", "Assess"):
        assert name not in text


def test_actions_due_soon_and_overdue_are_told_once_per_due_date(
    endpoint, local_authority, case_officer_cal, mediator_mia
):
    from mediation.api.services import action_due_events_emit
    from mediation.deadlines.models import Deadline
    from mediation.outcomes import services as outcomes
    from mediation.outcomes.tests.conftest import agree_all, make_held_case, write_statement

    case = make_held_case(case_officer_cal, mediator_mia, local_authority)
    write_statement(
        case,
        mediator_mia,
        actions=[("Assess", "assessment", None), ("Plan", "make_plan", None)],
    )
    agree_all(case, mediator_mia)
    outcomes.statement_finalise(case=case, by=mediator_mia)
    rows = Deadline.objects.filter(case=case, code__startswith="agreed_action_due:").order_by("due")
    overdue, later = rows
    today = timezone.localdate()
    assert overdue.due < today < later.due
    assert action_due_events_emit(today=today) == 1
    assert action_due_events_emit(today=today) == 0
    assert action_due_events_emit(today=later.due - timedelta(days=1)) == 1
    assert action_due_events_emit(today=later.due + timedelta(days=1)) == 1
    events = WebhookEvent.objects.filter(kind__startswith="agreed_action.").order_by("id")
    assert [(e.kind, e.data["due"]) for e in events] == [
        ("agreed_action.overdue", overdue.due.isoformat()),
        ("agreed_action.due_soon", later.due.isoformat()),
        ("agreed_action.overdue", later.due.isoformat()),
    ]
    # Moving the date makes a new event for the new date.
    Deadline.objects.filter(pk=overdue.pk).update(due=today - timedelta(days=1))
    assert action_due_events_emit(today=today) == 1
