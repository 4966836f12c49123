from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from mediation.notifications.services import messages_send_pending
from mediation.portal.notices import party_reminders_send


class Command(BaseCommand):
    help = (
        "Tell parties what is needed from them: a notice for anything new, a reminder before "
        "each date, and one message once it has passed. Safe to run as often as you like: each "
        "goes once. The task worker runs it every PARTY_REMINDER_SWEEP_SECONDS."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        run = party_reminders_send(today=timezone.localdate())
        sent = messages_send_pending()
        self.stdout.write(f"{run.cases} cases checked, {run.messages} new messages, {sent} sent")
