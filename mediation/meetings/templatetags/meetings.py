"""The mediator's calls panel on My work: one query, whatever the number of calls."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from mediation.accounts.models import User
from mediation.cases.models import Case
from mediation.meetings.permissions import can_schedule_meeting
from mediation.meetings.selectors import (
    calls_for_mediator,
    case_mediation_by,
    changes_and_declines,
    meeting_current,
    meeting_status_label,
    slot_board,
)
from mediation.workflow.selectors import CasePageReads

register = template.Library()


@register.inclusion_tag("meetings/_calls_list.html")
def mediator_calls(user: User) -> dict[str, Any]:
    return {"calls": calls_for_mediator(user=user), "today": timezone.localdate()}


@register.inclusion_tag("meetings/_case_panel_body.html")
def case_meeting_panel(
    case: Case, user: User, reads: CasePageReads | None = None
) -> dict[str, Any]:
    """The meeting, the offered dates and answers, and links, for the case page. `reads`: the
    case page's CasePageReads (parties, calendar and "mediation by" date read once)."""
    meeting = meeting_current(case)
    board = (
        slot_board(
            case, parties=reads.parties, calendar=reads.calendar, mediation_by=reads.mediation_by
        )
        if reads
        else slot_board(case)
    )
    mediation_by = reads.mediation_by if reads else case_mediation_by(case)
    return {
        "case": case,
        "meeting": meeting,
        "meeting_status": meeting_status_label(meeting, case) if meeting else "",
        "board": board,
        "may_schedule": can_schedule_meeting(user, case),
        "changes": changes_and_declines(case, mediation_by=mediation_by, meeting=meeting),
        "may_record_decline": user.can_handle_enquiries,
    }
