"""The parties panel on the case page and the needs summary for meeting set-up pages.

Both run a fixed number of queries, however many parties the case has."""

from __future__ import annotations

from typing import Any

from django import template

from mediation.domain.expenses import pounds as _pounds
from mediation.parties import permissions, selectors

register = template.Library()


@register.inclusion_tag("parties/_case_panel_body.html")
def parties_case_panel(case: Any, user: Any, reads: Any = None) -> dict[str, Any]:
    """`reads`: the case page's CasePageReads (mediation.cases.selectors), parties read once."""
    state = selectors.case_attendance(case, reads.parties if reads else None)
    return {
        "case": case,
        "state": state,
        "can_change": permissions.can_change_parties(user, case),
    }


@register.inclusion_tag("parties/_needs_summary_body.html")
def parties_needs_summary(case: Any) -> dict[str, Any]:
    return {"case": case, "parties": selectors.party_needs(case)}


@register.filter
def pounds(pence: int | None) -> str:
    return _pounds(int(pence or 0))
