"""The sending lease runs from when sending started, not from when the message was made."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import OperationalError
from django.db.models.query import QuerySet
from django.utils import timezone

from mediation.notifications.models import Message
from mediation.notifications.services import (
    message_id_header,
    message_queue,
    message_send,
    messages_send_pending,
)

pytestmark = pytest.mark.django_db


def _message(key="test:1"):
    message, _ = message_queue(
        key=key, to_email="parent@example.org", to_name="", subject="Subject", body="Body"
    )
    return message


def _sending(message, *, started_minutes_ago, created_minutes_ago=120):
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING,
        created_at=timezone.now() - timedelta(minutes=created_minutes_ago),
        sending_started_at=(
            None
            if started_minutes_ago is None
            else timezone.now() - timedelta(minutes=started_minutes_ago)
        ),
    )


def test_an_old_message_being_sent_now_is_left_alone(settings):
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 600
    message = _message()
    _sending(message, started_minutes_ago=1)  # made two hours ago, a slow send began a minute ago
    assert messages_send_pending() == 0
    assert Message.objects.get(pk=message.pk).status == Message.Status.SENDING
    assert mail.outbox == []


def test_a_send_whose_lease_ran_out_is_sent_again_once(settings):
    settings.NOTIFICATIONS_SENDING_LEASE_SECONDS = 600
    message = _message()
    _sending(message, started_minutes_ago=11)
    assert messages_send_pending() == 1
    assert messages_send_pending() == 0
    assert len(mail.outbox) == 1
    assert Message.objects.get(pk=message.pk).status == Message.Status.SENT


def test_a_message_claimed_before_the_field_existed_falls_back_to_its_age(settings):
    message = _message()
    _sending(message, started_minutes_ago=None, created_minutes_ago=120)
    assert messages_send_pending() == 1


def test_claiming_starts_the_lease_and_every_attempt_has_one_message_id():
    message = _message()
    Message.objects.filter(pk=message.pk).update(status=Message.Status.FAILED)
    before = timezone.now()
    assert message_send(message_id=message.pk)
    sent = Message.objects.get(pk=message.pk)
    assert sent.sending_started_at is not None and sent.sending_started_at >= before
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id_header(sent)
    assert message_id_header(sent) == message_id_header(Message.objects.get(pk=message.pk))


@pytest.mark.django_db(transaction=True)
def test_recording_the_send_outlives_a_lost_connection(monkeypatch):
    """A database restart just after the email went: the write is retried, not lost (which
    would send the email again when the lease ran out)."""
    # Made directly: in this test's autocommit the queue would send it at once.
    message = Message.objects.create(
        idempotency_key="test:lost", recipient_email="parent@example.org", subject="S", body="B"
    )
    real_update = QuerySet.update
    lost = {"left": 2}

    def update(self, **values):
        if "sent_at" in values and lost["left"]:
            lost["left"] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return real_update(self, **values)

    monkeypatch.setattr(QuerySet, "update", update)
    assert message_send(message_id=message.pk)
    assert lost["left"] == 0
    assert Message.objects.get(pk=message.pk).status == Message.Status.SENT
    assert len(mail.outbox) == 1


def test_message_ids_and_links_follow_the_address_the_service_is_served_at(db, settings):
    from mediation.common.links import site_url
    from mediation.notifications.models import Message as Sent
    from mediation.notifications.services import message_id_header

    settings.SITE_URL = "http://127.0.0.1:8123"
    message = Sent(pk=7, idempotency_key="k")
    assert message_id_header(message).endswith("@127.0.0.1>")
    assert site_url("/portal/") == "http://127.0.0.1:8123/portal/"
    settings.SITE_URL = "https://mediation.example.org/"
    assert message_id_header(message).endswith(".7@mediation.example.org>")
    assert site_url("portal/new-link/") == "https://mediation.example.org/portal/new-link/"
