"""The outcome statement panel on the case page, and a lookup filter for the statement page."""

from __future__ import annotations

from typing import Any

from django import template

from mediation.outcomes.selectors import case_panel
from mediation.outcomes.services import may_write

register = template.Library()


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.inclusion_tag("outcomes/_case_panel_body.html")
def outcome_case_panel(case: Any, user: Any) -> dict[str, Any]:
    """The statement's status, links, and the agreed actions with their status (a fixed number
    of queries, however many actions)."""
    panel = case_panel(case)
    return {
        "case": case,
        "panel": panel,
        "may_write": may_write(user, case) and case.route != "certificate_only",
        "may_report": user.can_manage_service,
        "show": case.route != "certificate_only",
    }
