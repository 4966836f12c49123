"""Text messages (SMS) for people who gave a mobile number and prefer texts: the meeting
reminder the day before and the short "something needs your answer" notice.

One small interface with a development outbox and GOV.UK Notify
(mediation.notifications.text_backends), chosen by the setting TEXT_BACKEND; off by default,
when nothing is queued.

A text goes through the same outbox and sending lease as an email
(mediation.notifications.services.message_send), so it is sent once.
"""

from __future__ import annotations

import phonenumbers

from mediation.notifications.models import Message
from mediation.notifications.services import message_queue
from mediation.notifications.text_backends import texts_enabled

# Texts are short: a notice names what, by when and the case, and how to reach us.
TEXT_MAX_LENGTH = 306  # two SMS parts


def is_mobile(phone: str) -> bool:
    """A UK mobile number (07...), the only kind we text."""
    try:
        number = phonenumbers.parse(phone or "", "GB")
    except phonenumbers.NumberParseException:
        return False
    national = str(number.national_number)
    return number.country_code == 44 and national.startswith("7") and len(national) == 10


def text_queue(
    *, key: str, to_phone: str, to_name: str, body: str, case_id: int | None
) -> tuple[Message | None, bool]:
    """Queue a text (idempotent on `key`) if texts are on; (None, False) when they are off."""
    if not texts_enabled():
        return None, False
    return message_queue(
        key=key,
        to_email="",
        to_phone=to_phone,
        to_name=to_name,
        subject=body[:200],
        body=body[:TEXT_MAX_LENGTH],
        case_id=case_id,
        channel=Message.Channel.TEXT,
    )
