from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from mediation.accounts.register import registration_reminders_send
from mediation.deadlines.reminders import deadline_reminders_send
from mediation.notifications.services import messages_send_pending


class Command(BaseCommand):
    help = (
        "Queue reminders for statutory deadlines due soon or overdue, and tell managers of "
        "mediators' registrations due to renew or lapsed, then send pending messages. Safe to run as often as you like: each reminder is sent once. Run it daily "
        "(cron or a systemd timer) in production; `make run` runs it every hour."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        run = deadline_reminders_send(today=today)
        renewals = registration_reminders_send(today=today)
        sent = messages_send_pending()
        self.stdout.write(
            f"{run.due_soon} due soon, {run.overdue} overdue, {run.messages_created} new reminders, "
            f"{renewals} new registration reminders, {sent} messages sent"
        )
