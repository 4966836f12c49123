"""The audit log's daily checkpoint, emailed to every active manager (the audit app at the bottom
of the layers writes checkpoints but does not know who the managers are or how to email them)."""

from __future__ import annotations

from datetime import date

from mediation.accounts.models import Role, User
from mediation.audit.checkpoints import checkpoint_write
from mediation.domain.dates import format_day
from mediation.notifications.models import Message
from mediation.notifications.services import message_queue


def checkpoint_email_managers(*, today: date) -> int:
    """Email today's checkpoint to every active manager, once a day whatever the reruns.

    Returns the number of messages queued now (0 when today's have been queued already).
    """
    prefix = f"audit-checkpoint:{today.isoformat()}:"
    done = set(
        Message.objects.filter(idempotency_key__startswith=prefix).values_list(
            "idempotency_key", flat=True
        )
    )
    managers = [
        manager
        for manager in User.objects.filter(role=Role.MANAGER, is_active=True).exclude(email="")
        if f"{prefix}{manager.pk}" not in done
    ]
    if not managers:
        return 0
    checkpoint, _path = checkpoint_write()
    day = format_day(today)
    queued = 0
    for manager in managers:
        _message, created = message_queue(
            key=f"{prefix}{manager.pk}",
            to_email=manager.email,
            to_name=manager.get_full_name(),
            subject=f"Audit log checkpoint for {day}",
            body=(
                "You do not need to do anything. Keep this email.\n\n"
                f"It records that on {day} the audit log held {checkpoint.count} events. "
                "If anyone ever needs to prove that no record of who read or changed a case "
                "has been removed, your technical team will ask for it.\n\n"
                "For the technical team: save the line below as a file and run "
                "manage.py audit_verify --checkpoint FILE.\n\n"
                f"{checkpoint.as_json()}\n"
            ),
        )
        queued += created
    return queued
