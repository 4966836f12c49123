"""The certificate and documents panel on the case page: one query, however many documents."""

from __future__ import annotations

from typing import Any

from django import template

from mediation.accounts.models import User
from mediation.cases.models import Case
from mediation.documents.selectors import case_documents_panel

register = template.Library()


@register.inclusion_tag("documents/_case_panel_body.html")
def documents_case_panel(case: Case, user: User) -> dict[str, Any]:
    return {
        "case": case,
        "panel": case_documents_panel(case),
        "may_revoke": user.can_manage_service,
    }
