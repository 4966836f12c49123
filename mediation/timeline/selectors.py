"""Reading a case's history. Access to the case is checked by the caller (access_case)."""

from __future__ import annotations

from django.db import models

from mediation.timeline.models import TimelineEntry


def case_timeline(*, case: models.Model, limit: int = 200) -> list[TimelineEntry]:
    """The case's latest history lines, newest first, with who, and the contact or note each
    summarises (one query)."""
    return list(
        TimelineEntry.objects.filter(case_id=case.pk)
        .select_related("actor", "contact", "contact__party", "note", "note__author")
        .order_by("-at", "-id")[:limit]
    )
