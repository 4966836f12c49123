"""Text message providers behind one small interface (see mediation.notifications.texts).

`TextBackend.send(to=, body=, reference=) -> provider id`, chosen by the setting TEXT_BACKEND:
"" (off, the default), "outbox" (development: kept in the outbox, sent nowhere) or "notify"
(GOV.UK Notify, notifications-python-client, with NOTIFY_API_KEY and NOTIFY_SMS_TEMPLATE_ID, a
template whose whole content is ((body))).
"""

from __future__ import annotations

import itertools
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from notifications_python_client.notifications import NotificationsAPIClient


class TextBackend(Protocol):
    def send(self, *, to: str, body: str, reference: str) -> str:
        """Send `body` to the number `to`; return the provider's id for it."""
        ...


class OutboxTextBackend:
    """Development: the outbox is where texts are read; nothing leaves the machine."""

    _ids = itertools.count(1)

    def send(self, *, to: str, body: str, reference: str) -> str:
        return f"outbox-text-{next(self._ids)}"


class NotifyTextBackend:
    """GOV.UK Notify: one template whose content is ((body))."""

    def __init__(self) -> None:
        if not settings.NOTIFY_API_KEY or not settings.NOTIFY_SMS_TEMPLATE_ID:
            raise ImproperlyConfigured(
                "TEXT_BACKEND=notify needs NOTIFY_API_KEY and NOTIFY_SMS_TEMPLATE_ID."
            )
        self.client = NotificationsAPIClient(settings.NOTIFY_API_KEY)

    def send(self, *, to: str, body: str, reference: str) -> str:
        response = self.client.send_sms_notification(
            phone_number=to,
            template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
            personalisation={"body": body},
            reference=reference,
        )
        return str(response["id"])


BACKENDS: dict[str, type[OutboxTextBackend] | type[NotifyTextBackend]] = {
    "outbox": OutboxTextBackend,
    "notify": NotifyTextBackend,
}


def texts_enabled() -> bool:
    return bool(settings.TEXT_BACKEND)


def text_backend() -> TextBackend:
    try:
        return BACKENDS[settings.TEXT_BACKEND]()
    except KeyError:
        raise ImproperlyConfigured("TEXT_BACKEND must be empty, outbox or notify.") from None
