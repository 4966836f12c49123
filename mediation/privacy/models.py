"""Privacy records: legal holds, the retention queue, anonymised cases and erasure requests.

Kept beside the case rather than as columns on it so that the case model stays about the case,
and so that these records outlive the personal details they concern.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mediation.common.encryption import EncryptedTextField


class LegalHold(models.Model):
    """While a hold is in place nothing on the case is anonymised or erased (e.g. a complaint,
    a claim or a court order)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="legal_holds")
    reason = EncryptedTextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = EncryptedTextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "lifted_at"], name="legal_hold_case_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(lifted_at__isnull=True),
                name="one_active_hold_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"Legal hold on case {self.case_id}"


class RetentionCandidate(models.Model):
    """A closed case past its retention date, listed by the daily dry run.

    It is anonymised only after it has been on this list for the notice period, so a manager
    always sees what will go, and can place a legal hold, before anything is removed.
    """

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="retention_candidate"
    )
    first_listed_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["first_listed_on"], name="retention_listed_idx")]

    def __str__(self) -> str:
        return f"Case {self.case_id} listed {self.first_listed_on}"


class AnonymisedCase(models.Model):
    class Reason(models.TextChoices):
        RETENTION = "retention", "Retention period ended"
        ERASURE = "erasure", "Erasure approved"

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="anonymised")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Case {self.case_id} anonymised ({self.reason})"


class ErasureRequest(models.Model):
    """A request to erase personal details now; a second manager must approve it."""

    class Scope(models.TextChoices):
        CASE = "case", "Everyone's personal details on the case"
        PARTY = "party", "One person's details on the case"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a second manager"
        APPROVED = "approved", "Approved and carried out"
        REFUSED = "refused", "Refused"

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="erasure_requests"
    )
    scope = models.CharField(max_length=10, choices=Scope.choices)
    party = models.ForeignKey(
        "cases.Party", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = EncryptedTextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "-requested_at"], name="erasure_status_idx")]
        constraints = [
            # The database itself refuses a request approved by the person who made it.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="erasure_needs_a_second_person",
            ),
            models.CheckConstraint(
                condition=Q(scope="case") | Q(party__isnull=False) | ~Q(status="pending"),
                name="party_erasure_names_the_party",
            ),
        ]

    def __str__(self) -> str:
        return f"Erasure request {self.pk} ({self.status})"
