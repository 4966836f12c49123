from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from mediation.deadlines.reminders import deadline_reminders_send
from mediation.notifications.services import messages_send_pending


class Command(BaseCommand):
    help = (
        "Queue reminders for statutory deadlines due soon or overdue, then send pending "
        "messages. Safe to run as often as you like: each reminder is sent once. Run it daily "
        "(cron or a systemd timer) in production; `make run` runs it every hour."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        run = deadline_reminders_send(today=timezone.localdate())
        sent = messages_send_pending()
        self.stdout.write(
            f"{run.due_soon} due soon, {run.overdue} overdue, {run.messages_created} new reminders, "
            f"{sent} messages sent"
        )
