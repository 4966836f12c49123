"""Attendance at the meeting (reg 38), the arranging body's authority (reg 37(1)) and the
family's expenses (reg 41). The rules themselves are pure Python in mediation.domain.attendance
and mediation.domain.expenses; every change goes through mediation.parties.services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from mediation.cases.models import Case, Party
from mediation.common.encryption import EncryptedTextField
from mediation.domain import attendance as rules
from mediation.domain import expenses as money


class AttendanceStatus(models.TextChoices):
    AS_PARTY = rules.Status.AS_PARTY.value, rules.STATUS_LABELS[rules.Status.AS_PARTY]
    BY_RIGHT = rules.Status.BY_RIGHT.value, rules.STATUS_LABELS[rules.Status.BY_RIGHT]
    AWAITING_CONSENT = (
        rules.Status.AWAITING_CONSENT.value,
        rules.STATUS_LABELS[rules.Status.AWAITING_CONSENT],
    )
    AGREED = rules.Status.AGREED.value, rules.STATUS_LABELS[rules.Status.AGREED]
    OBJECTED = rules.Status.OBJECTED.value, rules.STATUS_LABELS[rules.Status.OBJECTED]
    MEDIATOR_ALLOWED = (
        rules.Status.MEDIATOR_ALLOWED.value,
        rules.STATUS_LABELS[rules.Status.MEDIATOR_ALLOWED],
    )
    MEDIATOR_REFUSED = (
        rules.Status.MEDIATOR_REFUSED.value,
        rules.STATUS_LABELS[rules.Status.MEDIATOR_REFUSED],
    )
    NOT_ATTENDING = (
        rules.Status.NOT_ATTENDING.value,
        rules.STATUS_LABELS[rules.Status.NOT_ATTENDING],
    )


class ChildScope(models.TextChoices):
    NONE = rules.ChildScope.NONE.value, "None of the meeting"
    PART = rules.ChildScope.PART.value, "Part of the meeting"
    ALL = rules.ChildScope.ALL.value, "All of the meeting"


class MediatorDecision(models.TextChoices):
    ALLOWED = "allowed", "Allowed to attend"
    REFUSED = "refused", "Not allowed to attend"


class AttendanceRequest(models.Model):
    """One person's attendance at the case's meeting. `status` is kept by the services from the
    rules in mediation.domain.attendance (never set anywhere else)."""

    party = models.OneToOneField(Party, on_delete=models.CASCADE, related_name="attendance")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attendance_requests")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)
    not_attending = models.BooleanField(default=False)
    sends_information_instead = models.BooleanField(default=False)
    child_scope = models.CharField(
        max_length=10, choices=ChildScope.choices, default=ChildScope.ALL
    )
    child_scope_detail = models.CharField(max_length=200, blank=True)
    # A child who may attend gets a copy of the outcome statement only if the family and the
    # mediator agreed it (recorded with the mediator's decision).
    statement_to_child = models.BooleanField(default=False)
    mediator_decision = models.CharField(
        max_length=10, choices=MediatorDecision.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = EncryptedTextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["case", "status"], name="attendance_case_status_idx")]

    def __str__(self) -> str:
        return f"{self.party_id}: {self.status}"


class AttendanceResponse(models.Model):
    """A party's agreement to, or objection against, someone attending. The latest response of
    each party counts (one row per party and request, updated in place)."""

    request = models.ForeignKey(
        AttendanceRequest, on_delete=models.CASCADE, related_name="responses"
    )
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    agrees = models.BooleanField()
    reason = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "party"], name="one_response_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.party_id} {'agrees' if self.agrees else 'objects'}"


class AuthorityIssue(models.TextChoices):
    EDUCATION = rules.EDUCATION, "Education"
    SOCIAL_CARE = rules.SOCIAL_CARE, "Social care"
    HEALTH = rules.HEALTH, "Health"


class AuthorityConfirmation(models.Model):
    """The LA (or health body) confirmed that this attendee can resolve this issue (reg 37(1))."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="authorities")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="authority_confirmations")
    issue = models.CharField(max_length=20, choices=AuthorityIssue.choices)
    confirmed_on = models.DateField()
    # Empty when the LA officer confirmed it themselves through the portal.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["issue"]
        constraints = [
            models.UniqueConstraint(fields=["party", "issue"], name="one_authority_per_issue")
        ]

    def __str__(self) -> str:
        return f"{self.party_id}: {self.issue}"


class ExpenseKind(models.TextChoices):
    PUBLIC_TRANSPORT = (
        money.Kind.PUBLIC_TRANSPORT.value,
        money.KIND_LABELS[money.Kind.PUBLIC_TRANSPORT],
    )
    MILEAGE = money.Kind.MILEAGE.value, money.KIND_LABELS[money.Kind.MILEAGE]
    TAXI = money.Kind.TAXI.value, money.KIND_LABELS[money.Kind.TAXI]
    LOSS_OF_EARNINGS = (
        money.Kind.LOSS_OF_EARNINGS.value,
        money.KIND_LABELS[money.Kind.LOSS_OF_EARNINGS],
    )
    CARER = money.Kind.CARER.value, money.KIND_LABELS[money.Kind.CARER]
    OVERNIGHT_INNER_LONDON = (
        money.Kind.OVERNIGHT_INNER_LONDON.value,
        money.KIND_LABELS[money.Kind.OVERNIGHT_INNER_LONDON],
    )
    OVERNIGHT_ELSEWHERE = (
        money.Kind.OVERNIGHT_ELSEWHERE.value,
        money.KIND_LABELS[money.Kind.OVERNIGHT_ELSEWHERE],
    )
    OVERNIGHT_FAMILY_FRIENDS = (
        money.Kind.OVERNIGHT_FAMILY_FRIENDS.value,
        money.KIND_LABELS[money.Kind.OVERNIGHT_FAMILY_FRIENDS],
    )


class ExpenseClaim(models.Model):
    """A family's claim for their mediation expenses (reg 41)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="expense_claims")
    claimant = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="expense_claims")
    received_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"Expenses claim {self.pk}"


class ExpenseLine(models.Model):
    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=30, choices=ExpenseKind.choices)
    description = models.CharField(max_length=200, blank=True)
    claimed_pence = models.PositiveIntegerField(default=0)
    miles = models.DecimalField(max_digits=7, decimal_places=1, default=0)
    hours = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    children = models.PositiveSmallIntegerField(default=1)
    nights = models.PositiveSmallIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.claimed_pence}p"

    def as_domain(self) -> money.Line:
        return money.Line(
            kind=money.Kind(self.kind),
            claimed_pence=self.claimed_pence,
            miles=self.miles,
            hours=self.hours,
            children=self.children,
            nights=self.nights,
        )
