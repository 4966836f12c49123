from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from email import encoders
from email.mime.base import MIMEBase
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Q
from django.utils import timezone

from mediation.common.dispatch import enqueue_on_commit
from mediation.common.kept_documents import keep
from mediation.common.links import site_domain
from mediation.notifications.models import Message, MessageAttachment
from mediation.notifications.text_backends import text_backend

logger = logging.getLogger(__name__)

# (filename, content type with optional parameters, content)
Attachment = tuple[str, str, bytes]
# The channels the worker sends (a letter is printed and posted by staff).
SENT_BY_TASK = (Message.Channel.EMAIL, Message.Channel.TEXT)


def message_queue(
    *,
    key: str,
    to_email: str,
    to_name: str,
    subject: str,
    to_phone: str = "",
    body: str,
    case_id: int | None = None,
    attachments: Iterable[Attachment] = (),
    channel: str = Message.Channel.EMAIL,
    secret: str = "",
) -> tuple[Message, bool]:
    """Store a message to send (idempotent on `key`) and send it after the transaction commits.

    A letter (`channel="letter"`) is stored only: staff print its PDF attachment and post it.
    `secret` (a one-time link) replaces SECRET_MARK in the body when the email is sent, and is
    erased once it has been sent.
    """
    message, created = Message.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "recipient_email": to_email,
            "recipient_phone": to_phone,
            "recipient_name": to_name,
            "subject": subject,
            "body": body,
            "case_id": case_id,
            "channel": channel,
            "secret": secret,
        },
    )
    if created:
        kept = [(name, kind, *keep(content, folder="messages", extension="bin"))
                for name, kind, content in attachments]  # fmt: skip
        MessageAttachment.objects.bulk_create(
            MessageAttachment(
                message=message,
                filename=name,
                content_type=kind,
                content=inline,
                stored_name=stored_name,
            )
            for name, kind, inline, stored_name in kept
        )
    if created and channel in SENT_BY_TASK:
        enqueue_on_commit("mediation.notifications.tasks.send_message_task", message_id=message.pk)
    return message, created


def message_id_header(message: Message) -> str:
    """The same Message-ID for every attempt at one message, so a mail system that is handed it
    twice (the worker died between the hand-over and recording it) can tell it is one email."""
    digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}.{message.pk}@{site_domain()}>"


def message_send(*, message_id: int) -> bool:
    """Send one pending message. Returns True if this call sent it.

    The conditional UPDATE claims the row and starts its sending lease: if two workers (or a
    rerun) get here, only one sees a row count of 1, so the email goes out once. If the
    process dies mid-send, the lease runs out and `messages_send_pending` tries again.
    """
    claimed = Message.objects.filter(
        pk=message_id,
        channel__in=SENT_BY_TASK,
        status__in=[Message.Status.PENDING, Message.Status.FAILED],
    ).update(status=Message.Status.SENDING, sending_started_at=timezone.now())
    if not claimed:
        return False
    message = Message.objects.get(pk=message_id)
    try:
        if message.channel == Message.Channel.TEXT:
            provider_id = text_backend().send(
                to=message.recipient_phone, body=message.body_as_sent, reference=str(message.pk)
            )
        else:
            provider_id = _email_send(message)
    except Exception as error:  # noqa: BLE001 (any transport error is recorded and retried)
        Message.objects.filter(pk=message_id).update(
            status=Message.Status.FAILED,
            attempts=message.attempts + 1,
            last_error=type(error).__name__,
        )
        return False
    sent: dict[str, object] = {
        "status": Message.Status.SENT,
        "attempts": message.attempts + 1,
        "provider_id": provider_id[:200],
    }
    if message.secret and not getattr(settings, "NOTIFICATIONS_KEEP_SENT_SECRETS", False):
        sent["secret"] = ""
    _record_sent(message_id, sent_at=timezone.now(), **sent)
    return True


def _email_send(message: Message) -> str:
    """Hand the email to the backend; the provider's id for it when the backend reports one
    (django-anymail does: its tracking webhook names the message by it), else the Message-ID."""
    email = EmailMessage(
        message.subject,
        message.body_as_sent,
        settings.DEFAULT_FROM_EMAIL,
        [message.recipient_email],
        headers={"Message-ID": message_id_header(message)},
    )
    for attachment in message.attachments.all():
        email.attach(_mime_part(attachment))
    email.send(fail_silently=False)
    status = getattr(email, "anymail_status", None)
    found = getattr(status, "message_id", None) if status is not None else None
    return str(found) if found else message_id_header(message)


def _record_sent(message_id: int, **values: object) -> None:
    """Mark a message sent, trying again while the database is briefly away (a restart).

    The email has gone: if this write were lost, the lease would run out and the message be
    sent again. So a lost connection is retried for NOTIFICATIONS_RECORD_SENT_RETRY_SECONDS,
    well inside the lease.
    """
    deadline = time.monotonic() + settings.NOTIFICATIONS_RECORD_SENT_RETRY_SECONDS
    pause = 0.1
    while True:
        try:
            Message.objects.filter(pk=message_id).update(**values)
            return
        except (OperationalError, InterfaceError):
            if time.monotonic() >= deadline or connection.in_atomic_block:
                raise
            logger.warning(
                "Message %s was sent; the database is away, recording it again", message_id
            )
            connection.close()  # the next query opens a new connection
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def messages_send_pending() -> int:
    """Send every pending or failed message, and any stuck in "sending" whose lease ran out
    (NOTIFICATIONS_SENDING_LEASE_SECONDS since sending started: its worker died)."""
    stale = timezone.now() - timedelta(seconds=settings.NOTIFICATIONS_SENDING_LEASE_SECONDS)
    Message.objects.filter(status=Message.Status.SENDING).filter(
        Q(sending_started_at__lt=stale)
        # Claimed before the start of sending was recorded: the creation time is all there is.
        | Q(sending_started_at__isnull=True, created_at__lt=stale)
    ).update(status=Message.Status.PENDING)
    sent = 0
    for message_id in Message.objects.filter(
        channel__in=SENT_BY_TASK,
        status__in=[Message.Status.PENDING, Message.Status.FAILED],
        attempts__lt=5,
    ).values_list("pk", flat=True):
        sent += message_send(message_id=message_id)
    return sent


def _mime_part(attachment: MessageAttachment) -> MIMEBase:
    """A MIME part keeping the content type's parameters (calendar clients need
    "text/calendar; method=REQUEST" to treat an .ics as an invitation)."""
    kind, *params = (part.strip() for part in attachment.content_type.split(";"))
    main, sub = kind.split("/", 1)
    content = attachment.content_bytes()
    if main == "text":
        part: MIMEBase = MIMEText(content.decode("utf-8"), sub, "utf-8")
    else:
        part = MIMEBase(main, sub)
        part.set_payload(content)
        encoders.encode_base64(part)
    for param in params:
        name, _, value = param.partition("=")
        part.set_param(name.strip(), value.strip())
    part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
    return part


def message_mark_posted(*, message: Message) -> Message:
    """A letter has been printed and posted: record it as sent."""
    if message.channel != Message.Channel.LETTER:
        raise ValueError("Only letters are posted")
    if message.status != Message.Status.SENT:
        message.status = Message.Status.SENT
        message.sent_at = timezone.now()
        message.attempts += 1
        message.save(update_fields=["status", "sent_at", "attempts"])
    return message


# What the provider reports back ------------------------------------------------------------

# A later report never hides a worse one: "delivered" arriving after "bounced" (reports can come
# out of order) leaves "bounced"; a complaint after delivery is shown.
_DELIVERY_RANK = {
    Message.Delivery.UNKNOWN: 0,
    Message.Delivery.QUEUED: 1,
    Message.Delivery.DEFERRED: 2,
    Message.Delivery.DELIVERED: 3,
    Message.Delivery.OPENED: 4,
    Message.Delivery.BOUNCED: 5,
    Message.Delivery.REJECTED: 5,
    Message.Delivery.FAILED: 5,
    Message.Delivery.UNSUBSCRIBED: 6,
    Message.Delivery.COMPLAINED: 6,
}


def delivery_status_record(
    *, provider_id: str, status: str, at: datetime, detail: str = ""
) -> Message | None:
    """Record what the email or text provider says happened to a message (None if the
    message is not ours, or the report says nothing new). Idempotent: the same report twice
    changes nothing."""
    if not provider_id or status not in _DELIVERY_RANK:
        return None
    message = Message.objects.select_for_update().filter(provider_id=provider_id).first()
    if message is None:
        return None
    current = Message.Delivery(message.delivery_status)
    if _DELIVERY_RANK[Message.Delivery(status)] < _DELIVERY_RANK[current] or (
        status == current and message.delivery_status_at is not None
    ):
        return None
    message.delivery_status = status
    message.delivery_status_at = at
    message.delivery_detail = detail[:300]
    message.save(update_fields=["delivery_status", "delivery_status_at", "delivery_detail"])
    return message
