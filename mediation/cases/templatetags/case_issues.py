"""The issues in dispute on the case page (one query)."""

from __future__ import annotations

from typing import Any

from django import template

from mediation.accounts.models import User
from mediation.cases.models import Case
from mediation.cases.permissions import can_set_issues

register = template.Library()


@register.inclusion_tag("cases/_issues_row.html")
def case_issues_row(case: Case, user: User) -> dict[str, Any]:
    return {
        "case": case,
        "issues": [issue.theme for issue in case.disputed_issues.select_related("theme")],
        "may_change": can_set_issues(user, case),
    }
