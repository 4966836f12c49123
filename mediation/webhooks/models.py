"""Webhooks: what happens on a local authority's cases, posted to the endpoints it registered.

- WebhookEndpoint: an HTTPS address of the LA's system, the kinds of event it wants, and the
  secret that signs each delivery (kept encrypted, shown once when made).
- WebhookEvent: one thing that happened (a meeting booked, a certificate issued), written in
  the same transaction as the change (a transactional outbox), only for LAs with an endpoint
  that wants it. No names and no free text: the case's reference and a few dates or codes.
- WebhookDelivery: one event to one endpoint. States: pending → sending → delivered, or back
  to pending with a later `next_attempt_at` (retried with backoff), or failed after the last
  try. The conditional UPDATE that claims a delivery (mediation.webhooks.services) means a
  delivery acknowledged with a 2xx is never sent again.
- WebhookAttempt: the log of each try: when, how long, the status code and the start of the
  answer.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from mediation.authorities.models import LocalAuthority
from mediation.common.encryption import EncryptedTextField


class EventKind(models.TextChoices):
    CASE_OPENED = "case.opened", "A case is opened for the local authority"
    MEETING_BOOKED = "meeting.booked", "A meeting is booked"
    MEETING_MOVED = "meeting.moved", "A meeting is moved to another date or time"
    MEETING_CANCELLED = "meeting.cancelled", "A meeting is cancelled"
    STATEMENT_FINAL = "outcome_statement.final", "An outcome statement is made final"
    ACTION_DUE_SOON = "agreed_action.due_soon", "An agreed action is due soon"
    ACTION_OVERDUE = "agreed_action.overdue", "An agreed action is overdue"
    CERTIFICATE_ISSUED = "certificate.issued", "A certificate is issued"
    CERTIFICATE_REVOKED = "certificate.revoked", "A certificate is revoked"


class WebhookEndpoint(models.Model):
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField("Address", max_length=500)
    description = models.CharField(max_length=100, blank=True)
    # EventKind values this endpoint receives.
    events = models.JSONField(default=list)
    secret = EncryptedTextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who made it when no staff member did: the API token ("api:token:3").
    created_by_system = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Removed endpoints receive nothing more; they are kept with their deliveries' log.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["local_authority", "created_at", "id"]
        indexes = [models.Index(fields=["local_authority", "removed_at"], name="webhook_la_idx")]

    def __str__(self) -> str:
        return self.url

    @property
    def is_active(self) -> bool:
        return self.removed_at is None

    def event_labels(self) -> list[str]:
        return [EventKind(kind).label for kind in self.events if kind in EventKind.values]


class WebhookEvent(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    # The case by name, not by import: the cases app sits above this one.
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    case_reference = models.CharField(max_length=20)
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict)
    # For events found by a periodic check (an action due soon), so the check can run again
    # without making the same event twice: one per action, kind and due date.
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_reference}"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Gave up"

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # When the current try claimed the delivery: a try whose worker died is taken up again
    # once WEBHOOK_LEASE_SECONDS have passed since.
    sending_started_at = models.DateTimeField(null=True, blank=True)
    # When a try was last handed to the task worker, so the worker's sweep does not queue it
    # again while it waits (cleared when a try starts).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="one_delivery_per_endpoint")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx")]

    def __str__(self) -> str:
        return f"Delivery {self.pk}: {self.status}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    # The start of the endpoint's answer (WEBHOOK_RESPONSE_EXCERPT characters), or why none.
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Try {self.number} of delivery {self.delivery_id}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
