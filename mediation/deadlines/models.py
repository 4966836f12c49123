"""The Django side of the statutory clocks: computed deadlines per case, and closure days.

Dates are computed only by mediation.domain.deadlines (the same code as the
`mediation-deadlines` command); these tables store the results so lists can sort and filter by
them, and so a change of date can be recorded in the case's history.
"""

from django.conf import settings
from django.db import models

from mediation.cases.models import Case
from mediation.domain.deadlines import agreed_action_code


class Deadline(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    code = models.CharField(max_length=60)
    due = models.DateField()
    rule = models.CharField(max_length=200)
    runs_from = models.CharField(max_length=60)
    explanation = models.TextField()
    # The day the thing the deadline asks for was done (from the case's event dates).
    met_on = models.DateField(null=True, blank=True)
    # Why the deadline no longer binds anyone, in words ("" while it does): the other outcome of
    # an assessment was met, or a reg 44(3) exception was recorded (mediation.deadlines.clocks).
    set_aside = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "code"], name="unique_deadline_per_case")
        ]
        indexes = [
            models.Index(fields=["due", "met_on"], name="deadline_due_idx"),
            # Reports: deadlines of one kind falling due in a period.
            models.Index(fields=["code", "due"], name="deadline_code_due_idx"),
            # The agreed actions report (mediation.outcomes): agreed actions falling due in a
            # period, a tenth of all deadlines, without reading the others; with the case, so
            # the index alone answers it.
            models.Index(
                fields=["due", "met_on", "case"],
                name="deadline_action_due_idx",
                condition=models.Q(code__startswith=agreed_action_code("")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.due}"


class ClosureDay(models.Model):
    """A day the service does not count as a working day, beyond the England & Wales bank
    holidays in the `holidays` package: a one-off proclaimed bank holiday not yet in the
    package, or a service closure day. Adding or removing one recomputes open deadlines."""

    class Kind(models.TextChoices):
        PROCLAIMED = "proclaimed", "Proclaimed bank holiday"
        CLOSURE = "closure", "Service closure day"

    day = models.DateField(unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.name}"


class CalendarChange(models.Model):
    """One change to the closure days, and the open deadlines it moved (filled in by a task)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Recomputing deadlines"
        DONE = "done", "Done"

    description = models.CharField(max_length=200)
    day = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # [{"case": "MED-2026-00001", "code": "...", "label": "...", "old": "2026-03-10", "new": "..."}]
    moved = models.JSONField(default=list, blank=True)
    cases_checked = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.description
