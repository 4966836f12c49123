"""Reading a case's history. Access to the case is checked by the caller (access_case)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from mediation.timeline.models import TimelineEntry


def case_timeline(*, case: models.Model, limit: int = 200) -> list[TimelineEntry]:
    """The case's latest history lines, newest first, with who, and the contact or note each
    summarises (one query)."""
    return list(
        TimelineEntry.objects.filter(case_id=case.pk)
        .select_related("actor", "contact", "contact__party", "note", "note__author")
        .order_by("-at", "-id")[:limit]
    )


def case_history_in_full(*, case: models.Model) -> list[dict[str, str]]:
    """Every line of the case's history, oldest first, as plain values (when, what kind, who
    did it, what): for a hand-over archive (mediation.exchange). One query."""
    return [
        {
            "at": timezone.localtime(entry.at).isoformat(),
            "kind": entry.kind,
            "who": entry.actor.display_name if entry.actor else entry.actor_name,
            "summary": entry.summary,
        }
        for entry in TimelineEntry.objects.filter(case_id=case.pk)
        .select_related("actor")
        .order_by("at", "id")
    ]
