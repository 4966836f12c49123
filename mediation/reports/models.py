"""Quarterly reports to a commissioning LA, stored as generated.

A GeneratedDocument belongs to a case, and a quarterly report belongs to no case, so the report
keeps its own HTML, PDF bytes and SHA-256 in the same way (rows are regenerated only by asking
again, which raises `version`). States: queued → generating → ready, or failed (then asked
again). `progress` is a short line shown on the progress page while it is generated.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from mediation.authorities.models import Contract, LocalAuthority
from mediation.common.kept_documents import kept_bytes


class QuarterlyReport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        GENERATING = "generating", "Generating"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    # Who it is for and is sent to: the LA, or for a contract its lead council.
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="quarterly_reports"
    )
    # A contract's report counts all its LAs together (issue 23 item 5); none for one LA's.
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quarterly_reports",
    )
    year = models.PositiveIntegerField()
    quarter = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.CharField(max_length=200, blank=True)
    # Rises by one each time the report is asked for again.
    version = models.PositiveIntegerField(default=1)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    generated_at = models.DateTimeField(null=True, blank=True)
    html = models.TextField(blank=True)
    # The PDF is in `pdf`, or (DOCUMENT_STORAGE=s3) in the documents storage under `stored_name`.
    pdf = models.BinaryField(blank=True, default=b"")
    stored_name = models.CharField(max_length=200, blank=True, default="", db_default="")
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # The notifications.Message ids of each time it was emailed to the LA.
    sent_message_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-year", "-quarter", "local_authority__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "year", "quarter"],
                condition=models.Q(contract__isnull=True),
                name="unique_quarterly_report",
            ),
            models.UniqueConstraint(
                fields=["contract", "year", "quarter"],
                condition=models.Q(contract__isnull=False),
                name="unique_contract_quarterly_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_code} {self.token}"

    @property
    def name(self) -> str:
        """What the report covers, in words: the LA, or the contract and its lead council."""
        if self.contract is not None:
            return f"{self.contract.name} (contract led by {self.local_authority.name})"
        return self.local_authority.name

    @property
    def scope_code(self) -> str:
        if self.contract_id is not None:
            return f"contract-{self.contract_id}"
        return self.local_authority.code

    @property
    def token(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def filename(self) -> str:
        return f"quarterly-report-{self.scope_code}-{self.token}-v{self.version}.pdf"

    def pdf_bytes(self) -> bytes:
        return kept_bytes(self.pdf, self.stored_name)

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def in_progress(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.GENERATING}
