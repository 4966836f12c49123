"""Working portal links for the demo's parties, one for each journey of `JOURNEYS`.

Portal links are single-use and expire (mediation.portal; ADR 0011), and only their hash is
stored: the link itself is in the email that carried it. So for each journey this takes the
party's newest link if it is still unused and unexpired and the development outbox still holds
its email (NOTIFICATIONS_KEEP_SENT_SECRETS); otherwise it sends a new one, as a case officer
does with "Send a new link" (`access_new_link`), and reads it from the email queued. Run it as
often as you like (`manage.py demo_links`; `make run` does at every start): the links it prints
work.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from mediation.demo.stories import JOURNEYS, Journey
from mediation.notifications.models import Message
from mediation.portal.models import PortalAccess, PortalLink
from mediation.portal.services import access_new_link


class DemoNotLoaded(LookupError):
    pass


@dataclass(frozen=True)
class DemoLink:
    journey: Journey
    case_reference: str
    party_name: str
    url: str
    new: bool  # sent just now (the earlier one was used, expired or no longer readable)


def _journey_access(journey: Journey) -> PortalAccess:
    first, last = journey.child.split()
    access = (
        PortalAccess.objects.filter(
            case__child_first_name=first,
            case__child_last_name=last,
            party__role=journey.role,
            kind=journey.kind,
            revoked_at=None,
        )
        .select_related("case__owner", "party")
        .order_by("-pk")
        .first()
    )
    if access is None:
        raise DemoNotLoaded(
            f"No portal access for the {journey.label.lower()} on {journey.child}'s case: "
            "load the demo first (manage.py load_demo_data)."
        )
    return access


def _url_still_usable(access: PortalAccess) -> str:
    link = PortalLink.objects.filter(access=access).order_by("-created_at", "-id").first()
    if link is None or link.message_id is None or not link.is_usable():
        return ""
    message = Message.objects.filter(pk=link.message_id).first()
    return message.secret if message is not None else ""


def demo_links() -> list[DemoLink]:
    """A working link for each journey (sending new ones where needed)."""
    links = []
    for journey in JOURNEYS:
        access = _journey_access(journey)
        url = _url_still_usable(access)
        new = not url
        if new:
            # In one transaction with reading it: the email may be sent, and the link erased
            # from it, as soon as this commits.
            with transaction.atomic():
                link = access_new_link(access=access, by=access.case.owner)
                assert link.message_id is not None  # _link_issue queues its email
                url = Message.objects.get(pk=link.message_id).secret
        links.append(DemoLink(journey, access.case.reference, access.party.name, url, new))
    return links
