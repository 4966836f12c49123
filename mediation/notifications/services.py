from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from mediation.notifications.models import Message


def message_queue(
    *, key: str, to_email: str, to_name: str, subject: str, body: str, case_id: int | None = None
) -> tuple[Message, bool]:
    """Store a message to send (idempotent on `key`) and send it after the transaction commits."""
    message, created = Message.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "recipient_email": to_email,
            "recipient_name": to_name,
            "subject": subject,
            "body": body,
            "case_id": case_id,
        },
    )
    if created:
        from mediation.notifications.tasks import send_message_task

        transaction.on_commit(lambda: send_message_task.enqueue(message_id=message.pk))
    return message, created


def message_send(*, message_id: int) -> bool:
    """Send one pending message. Returns True if this call sent it.

    The conditional UPDATE claims the row: if two workers (or a rerun) get here, only one sees
    a row count of 1, so the email goes out once.
    """
    claimed = Message.objects.filter(
        pk=message_id, status__in=[Message.Status.PENDING, Message.Status.FAILED]
    ).update(status=Message.Status.SENDING)
    if not claimed:
        return False
    message = Message.objects.get(pk=message_id)
    try:
        send_mail(
            message.subject,
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [message.recipient_email],
            fail_silently=False,
        )
    except Exception as error:  # noqa: BLE001 (any transport error is recorded and retried)
        Message.objects.filter(pk=message_id).update(
            status=Message.Status.FAILED,
            attempts=message.attempts + 1,
            last_error=type(error).__name__,
        )
        return False
    Message.objects.filter(pk=message_id).update(
        status=Message.Status.SENT, attempts=message.attempts + 1, sent_at=timezone.now()
    )
    return True


def messages_send_pending(*, stale_after_minutes: int = 10) -> int:
    """Send every pending or failed message, and any stuck in "sending" by a worker that died."""
    stale = timezone.now() - timezone.timedelta(minutes=stale_after_minutes)
    Message.objects.filter(status=Message.Status.SENDING, created_at__lt=stale).update(
        status=Message.Status.PENDING
    )
    sent = 0
    for message_id in Message.objects.filter(
        status__in=[Message.Status.PENDING, Message.Status.FAILED], attempts__lt=5
    ).values_list("pk", flat=True):
        sent += message_send(message_id=message_id)
    return sent
