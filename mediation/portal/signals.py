"""What the portal does when something happens elsewhere: new meeting dates offered on a case
(meetings.SlotOffer saved) email the parties who are asked about them. Connected by
PortalConfig.ready; the meetings app sits below this one and does not know about the portal."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from mediation.meetings.models import SlotOffer
from mediation.portal.services import notify_dates_offered


def _dates_offered(sender: Any, instance: SlotOffer, created: bool, **kwargs: Any) -> None:
    """New meeting dates: tell the parties with portal access that an answer is needed."""
    if created:
        case_id = instance.case_id
        transaction.on_commit(lambda: notify_dates_offered(case_id=case_id))


def connect_signals() -> None:
    post_save.connect(_dates_offered, sender=SlotOffer, dispatch_uid="portal_dates_offered")
