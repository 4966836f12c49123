"""What the portal does when something happens elsewhere: new meeting dates offered, or a
meeting booked, moved or cancelled, may mean someone has something new to do; the parties of
the case are told (mediation.portal.notices), after the change commits. Connected by
PortalConfig.ready; the meetings app sits below this one and does not know about the portal."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from mediation.common.dispatch import enqueue_on_commit
from mediation.meetings.models import Meeting, SlotOffer


def _dates_offered(sender: Any, instance: SlotOffer, created: bool, **kwargs: Any) -> None:
    if created:
        enqueue_on_commit("mediation.portal.tasks.party_notices_task", case_id=instance.case_id)


def _meeting_changed(sender: Any, instance: Meeting, **kwargs: Any) -> None:
    enqueue_on_commit("mediation.portal.tasks.party_notices_task", case_id=instance.case_id)


def connect_signals() -> None:
    post_save.connect(_dates_offered, sender=SlotOffer, dispatch_uid="portal_dates_offered")
    post_save.connect(_meeting_changed, sender=Meeting, dispatch_uid="portal_meeting_changed")
