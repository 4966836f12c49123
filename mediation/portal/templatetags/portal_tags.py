"""The portal panel on the staff case page: who has access, their links and emails, requests."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import Context

from mediation.accounts.models import User
from mediation.cases.models import Case
from mediation.parties.permissions import can_change_parties
from mediation.portal.selectors import staff_panel
from mediation.workflow.selectors import CasePageReads

register = template.Library()


@register.inclusion_tag("portal/_case_panel_body.html", takes_context=True)
def portal_case_panel(
    context: Context, case: Case, user: User, reads: CasePageReads | None = None
) -> dict[str, Any]:
    """`reads`: the case page's CasePageReads (the case's parties read once for the page)."""
    return {
        "case": case,
        "panel": staff_panel(case, reads.parties if reads else None),
        "may_change": can_change_parties(user, case),
        "csrf_token": context.get("csrf_token"),
    }
