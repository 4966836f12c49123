"""The feedback panel on the staff case page of a closed case."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count

from mediation.cases.models import Case
from mediation.feedback.models import SurveyInvitation

register = template.Library()


@register.inclusion_tag("feedback/_case_panel_body.html")
def feedback_case_panel(case: Case) -> dict[str, Any]:
    """How many were asked and how many answered: one query."""
    counts = SurveyInvitation.objects.filter(case=case).aggregate(
        asked=Count("pk"), answered=Count("response")
    )
    return {"case": case, "asked": counts["asked"], "answered": counts["answered"]}
