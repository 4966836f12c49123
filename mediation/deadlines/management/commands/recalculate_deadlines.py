from typing import Any

from django.core.management.base import BaseCommand

from mediation.cases.models import Case
from mediation.deadlines.clocks import service_calendar
from mediation.deadlines.services import deadline_recalculate
from mediation.domain.case_states import CaseState


class Command(BaseCommand):
    help = (
        "Work out the deadlines of every open case again. Run it after upgrading the `holidays` "
        "package (a newly proclaimed bank holiday) or changing the rules; each date that moves "
        "is recorded in its case's history. Safe to run at any time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        calendar = service_calendar()
        checked = moved = 0
        for case in (
            Case.objects.exclude(status=CaseState.CLOSED).order_by("pk").iterator(chunk_size=500)
        ):
            changes = deadline_recalculate(
                case=case, calendar=calendar, reason="deadlines worked out again"
            )
            checked += 1
            moved += sum(1 for c in changes if c.old is not None and c.new is not None)
        self.stdout.write(f"{checked} open cases checked, {moved} deadlines moved")
