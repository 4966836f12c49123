"""Reminders before and after statutory deadlines, sent once each.

The deadlines reminded are the work queue's: the service's own, and every agreed action of a
final outcome statement ("agreed_action_due:<id>", met when the action is marked done).

Each reminder is a Message with a key made of the deadline, its due date, the kind of reminder
and the recipient, so running the daily task twice (or after a crash) sends nothing twice; a
deadline that moves gets fresh reminders for its new date. Emails say what is needed and link to
the case, but name no child or family, so a shared or forwarded mailbox leaks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from mediation.accounts.models import Role, User
from mediation.deadlines.clocks import service_calendar, work_queue_q
from mediation.deadlines.labels import deadline_label
from mediation.deadlines.models import Deadline
from mediation.domain.case_states import CaseState
from mediation.domain.dates import format_day
from mediation.notifications.services import message_queue


@dataclass(frozen=True)
class ReminderRun:
    due_soon: int
    overdue: int
    messages_created: int


def _case_link(reference: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("cases:detail", args=[reference])


@transaction.atomic
def deadline_reminders_send(*, today: date) -> ReminderRun:
    """Queue a reminder to the case owner for each unmet deadline due within the lead time,
    and to the owner and every manager for each overdue one."""
    calendar = service_calendar()
    if not calendar.is_working_day(today):
        # Reminders fall on working days: a weekend's or holiday's run sends nothing, and the
        # next working day's run sends what is due then (each reminder once, by its key).
        return ReminderRun(due_soon=0, overdue=0, messages_created=0)
    lead_until = calendar.add_working_days(today, settings.DEADLINE_REMINDER_WORKING_DAYS)
    open_deadlines = (
        Deadline.objects.filter(work_queue_q(), met_on__isnull=True, due__lte=lead_until)
        .exclude(case__status=CaseState.CLOSED)
        .select_related("case", "case__owner")
        .order_by("due", "id")
    )
    managers = list(User.objects.filter(role=Role.MANAGER, is_active=True))
    due_soon = overdue = created = 0
    for deadline in open_deadlines.iterator(chunk_size=500):
        case = deadline.case
        label = deadline_label(deadline.code)
        if deadline.due < today:
            overdue += 1
            kind = "overdue"
            subject = f"Overdue: {label} – case {case.reference}"
            recipients = [case.owner, *[m for m in managers if m.pk != case.owner_id]]
            first_line = f"This statutory deadline passed on {format_day(deadline.due)} and is not recorded as done."
        else:
            due_soon += 1
            kind = "due"
            subject = f"Due {format_day(deadline.due)}: {label} – case {case.reference}"
            recipients = [case.owner]
            first_line = f"This statutory deadline is due on {format_day(deadline.due)}."
        body = (
            f"{first_line}\n\n{label}\nRule: {deadline.rule}\n\n"
            f"Open the case to see why this date applies and to record what was done:\n"
            f"{_case_link(case.reference)}\n"
        )
        for person in recipients:
            if not person.is_active or not person.email:
                continue
            _message, was_created = message_queue(
                key=f"deadline:{deadline.pk}:{deadline.due.isoformat()}:{kind}:{person.pk}",
                to_email=person.email,
                to_name=person.display_name,
                subject=subject,
                body=body,
                case_id=case.pk,
            )
            created += was_created
    return ReminderRun(due_soon=due_soon, overdue=overdue, messages_created=created)
