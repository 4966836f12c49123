"""What email providers report about each message (django-anymail's tracking webhook): the
message's delivery status is recorded, and a message that did not reach its person gets a line
in the case's history (and shows on the case and on My work, mediation.workflow.selectors).

The webhook is at /email/events/ when EMAIL_PROVIDER is set; django-anymail checks its basic
authentication (ANYMAIL WEBHOOK_SECRET) and the provider's signature where it has one before
any event reaches `tracking_received`. ADR 0040.
"""

from __future__ import annotations

from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType
from django.db import transaction
from django.utils import timezone

from mediation.cases.models import Case
from mediation.notifications.models import FAILED_DELIVERY, Message
from mediation.notifications.services import delivery_status_record
from mediation.timeline.models import TimelineKind
from mediation.timeline.services import timeline_record

# anymail's event types → a message's delivery status (None: not about delivery).
STATUS_OF_EVENT: dict[str, str | None] = {
    EventType.QUEUED: Message.Delivery.QUEUED,
    EventType.SENT: Message.Delivery.QUEUED,
    EventType.DEFERRED: Message.Delivery.DEFERRED,
    EventType.DELIVERED: Message.Delivery.DELIVERED,
    EventType.OPENED: Message.Delivery.OPENED,
    EventType.CLICKED: Message.Delivery.OPENED,
    EventType.BOUNCED: Message.Delivery.BOUNCED,
    EventType.REJECTED: Message.Delivery.REJECTED,
    EventType.FAILED: Message.Delivery.FAILED,
    EventType.COMPLAINED: Message.Delivery.COMPLAINED,
    EventType.UNSUBSCRIBED: Message.Delivery.UNSUBSCRIBED,
}
ACTOR = "email-provider"


@transaction.atomic
def delivery_event_record(event: AnymailTrackingEvent, *, provider: str) -> Message | None:
    status = STATUS_OF_EVENT.get(event.event_type)
    if status is None or not event.message_id:
        return None
    detail = str(event.description or event.mta_response or event.reject_reason or "")
    message = delivery_status_record(
        provider_id=str(event.message_id),
        status=status,
        at=event.timestamp or timezone.now(),
        detail=detail,
    )
    if message is None or status not in FAILED_DELIVERY or message.case_id is None:
        return message
    case = Case.objects.filter(pk=message.case_id).first()
    if case is not None:
        timeline_record(
            case=case,
            by=ACTOR,
            kind=TimelineKind.CONTACT,
            summary=(
                f"{Message.Channel(message.channel).label} to "
                f"{message.recipient_name or message.recipient_email} "
                f"{Message.Delivery(status).label.lower()}: {message.subject}"
            ),
            verb="message.delivery_failed",
            target=message,
            detail={"status": status, "provider": provider},
        )
    return message


def tracking_received(
    sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    delivery_event_record(event, provider=esp_name)
