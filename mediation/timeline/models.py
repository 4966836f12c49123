"""A case's history: one line per thing that happened on it, newest first on the case page.

The rows are written only by mediation.timeline.services and read only through
mediation.timeline.selectors (a test checks that no other module touches them). The table
kept the name it had when the model lived in the cases app (cases_timelineentry): moving the
model changed Django's bookkeeping only, no data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class TimelineKind(models.TextChoices):
    """What a line of the history is about (other apps pass one to timeline_record)."""

    CASE_OPENED = "case_opened", "Case opened"
    STATUS = "status", "Status changed"
    CONTACT = "contact", "Contact"
    NOTE = "note", "Note"
    ASSIGNMENT = "assignment", "Assignment"
    DETAILS = "details", "Details changed"
    DEADLINE = "deadline", "Deadline"


class TimelineEntry(models.Model):
    """One line in a case's history: what happened, who did it and when.

    `summary` is a short factual line written by the service that recorded the event ("Phone call
    with Sam Patel"); sensitive free text stays in the encrypted record it points to.
    """

    Kind = TimelineKind

    # The case, contact and note by name, not by import: the cases app sits above this one and
    # writes its history through it.
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who did it, for a line written at the service that had the case before a hand-over
    # (mediation.exchange): a person with no account here. A database default, as rows written
    # in bulk (a recompute of many cases, the synthetic generator) leave it out.
    actor_name = models.CharField(max_length=150, blank=True, db_default="")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # One change is one line, which may name several things done together (a step, its stage
    # and the certificate it made): room for them, never cut in the ordinary course.
    summary = models.CharField(max_length=1000)
    contact = models.ForeignKey("cases.Contact", null=True, blank=True, on_delete=models.CASCADE)
    note = models.ForeignKey("cases.CaseNote", null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        db_table = "cases_timelineentry"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at"], name="timeline_case_idx")]

    def __str__(self) -> str:
        return self.summary
