"""The outcome statement panel on the case page, and a lookup filter for the statement page."""

from __future__ import annotations

from typing import Any

from django import template

from mediation.outcomes.selectors import case_panel, deferred_notices
from mediation.outcomes.services import may_write

register = template.Library()


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.inclusion_tag("outcomes/_case_panel_body.html")
def outcome_case_panel(case: Any, user: Any, reads: Any = None) -> dict[str, Any]:
    """The statement's status, links, the agreed actions with their status, and any decision
    put off to a panel with what it means for the appeal deadline (a fixed number of queries,
    however many actions). `reads`: the case page's CasePageReads (its clocks)."""
    panel = (
        case_panel(
            case,
            parties=reads.parties,
            calendar=reads.calendar,
            stored_deadlines=reads.clocks.deadlines,
        )
        if reads is not None
        else case_panel(case)
    )
    appeal = reads.clocks.appeal if reads is not None else None
    notices = (
        deferred_notices(
            case, appeal_deadline=appeal.due if appeal else None, decisions=panel.deferred_decisions
        )
        if panel.statement is not None
        else []
    )
    return {
        "deferred_notices": notices,
        "appeal": appeal,
        "case": case,
        "panel": panel,
        "may_write": may_write(user, case) and case.route != "certificate_only",
        "may_report": user.can_manage_service,
        "show": case.route != "certificate_only",
    }
