"""Contract tariffs, invoices and credit notes for the commissioning local authorities.

- `Tariff`: what one LA's contract pays for one billable activity, in whole pence, with its VAT
  rate (basis points: 2000 = 20%) and the dates it applies from and to. A new contract price is
  a new row from its date; rows never overlap for one LA and activity (checked by the service).
- `Invoice`, `InvoiceLine`: an issued invoice and its lines, written once, in one transaction,
  with the PDF and its SHA-256. There is no draft row: a draft is a preview computed on request.
  Once written they never change: `save()` of an existing row and `delete()` raise
  `ImmutableRecord`, and so do bulk `update()` and `delete()` through the managers.
- `BilledActivity`: the activities behind each line (a case or enquiry reference, the day it
  happened). The conditional unique constraint `activity_billed_once` makes sure an activity is
  on at most one invoice for the LA unless a credit note released it (`released_by`).
- `CreditNote`, `CreditNoteLine`: corrections to an issued invoice, also written once.
- `InvoiceDispatch`: each time an invoice or credit note was emailed to the LA (the message
  itself, with its delivery status, is in mediation.notifications).

Billing rules (what counts, when): docs/adr/0012-invoicing-billing-rules.md.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from mediation.authorities.models import Contract, LocalAuthority
from mediation.common.kept_documents import kept_bytes


class ImmutableRecord(Exception):
    """An issued invoice or credit note cannot be changed or deleted: raise a credit note."""


class Activity(models.TextChoices):
    INFORMATION_CALL = "information_call", "Information-only call"
    CERTIFICATE_ONLY = "certificate_only", "Certificate without mediation"
    MEDIATION = "mediation", "Mediation"
    DISAGREEMENT_RESOLUTION = "disagreement_resolution", "Disagreement resolution meeting"
    CANCELLED_MEETING = "cancelled_meeting", "Meeting cancelled at short notice"


class Tariff(models.Model):
    """One LA's price for an activity, or a contract's price for the activities of each of its
    LAs on the contract's days (exactly one of the two is set)."""

    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="tariffs"
    )
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="tariffs"
    )
    activity = models.CharField(max_length=30, choices=Activity.choices)
    unit_price_pence = models.PositiveIntegerField()
    vat_rate_bp = models.PositiveIntegerField(default=0)
    # Only for CANCELLED_MEETING: a cancellation counts when the meeting was on or before this
    # many working days after the day it was cancelled.
    notice_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["activity", "-effective_from"]
        indexes = [
            models.Index(
                fields=["local_authority", "activity", "effective_from"], name="tariff_la_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="tariff_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(vat_rate_bp__lte=10_000), name="tariff_vat_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(local_authority__isnull=False, contract__isnull=True)
                | models.Q(local_authority__isnull=True, contract__isnull=False),
                name="tariff_of_an_la_or_a_contract",
            ),
        ]

    def __str__(self) -> str:
        owner = (
            f"LA {self.local_authority_id}"
            if self.local_authority_id
            else (f"contract {self.contract_id}")
        )
        return f"{owner} {self.activity} from {self.effective_from}"

    def applies_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class _ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableRecord("Issued invoices and credit notes cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord("Issued invoices and credit notes cannot be deleted.")


class _ImmutableModel(models.Model):
    """Written once: saving an existing row or deleting one raises ImmutableRecord."""

    objects = _ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecord(f"{self._meta.verbose_name} cannot be changed once issued.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord(f"{self._meta.verbose_name} cannot be deleted.")


class Invoice(_ImmutableModel):
    number = models.CharField(max_length=20, unique=True)
    # The council billed: the LA itself, or for a contract its lead council.
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="invoices"
    )
    # For the whole group of a contract (a line per LA), else empty.
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    # The LA's name and code as they were on the day of issue.
    billed_to_name = models.CharField(max_length=120)
    billed_to_code = models.CharField(max_length=12)
    period_start = models.DateField()
    period_end = models.DateField()
    issued_on = models.DateField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    net_pence = models.PositiveIntegerField()
    vat_pence = models.PositiveIntegerField()
    total_pence = models.PositiveIntegerField()
    html = models.TextField()
    # The PDF is in `pdf`, or (DOCUMENT_STORAGE=s3) in the documents storage under `stored_name`.
    pdf = models.BinaryField()
    stored_name = models.CharField(max_length=200, blank=True, default="", db_default="")
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["local_authority", "-issued_at"], name="invoice_la_idx"),
            models.Index(fields=["-issued_at"], name="invoice_issued_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"

    def pdf_bytes(self) -> bytes:
        return kept_bytes(self.pdf, self.stored_name)


class InvoiceLine(_ImmutableModel):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    activity = models.CharField(max_length=30, choices=Activity.choices)
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    unit_price_pence = models.PositiveIntegerField()
    vat_rate_bp = models.PositiveIntegerField()
    net_pence = models.PositiveIntegerField()
    vat_pence = models.PositiveIntegerField()
    tariff = models.ForeignKey(Tariff, null=True, on_delete=models.PROTECT, related_name="lines")
    # On a contract's invoice: the LA whose activities the line bills.
    for_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="unique_invoice_line")
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} line {self.position}"

    @property
    def total_pence(self) -> int:
        return self.net_pence + self.vat_pence


class CreditNote(_ImmutableModel):
    number = models.CharField(max_length=20, unique=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    reason = models.CharField(max_length=500)
    # Whether the credited activities may go on a later invoice (whole lines only).
    releases_activities = models.BooleanField(default=False)
    issued_on = models.DateField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    net_pence = models.PositiveIntegerField()
    vat_pence = models.PositiveIntegerField()
    total_pence = models.PositiveIntegerField()
    html = models.TextField()
    # The PDF is in `pdf`, or (DOCUMENT_STORAGE=s3) in the documents storage under `stored_name`.
    pdf = models.BinaryField()
    stored_name = models.CharField(max_length=200, blank=True, default="", db_default="")
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["invoice", "-issued_at"], name="credit_note_invoice_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"

    def pdf_bytes(self) -> bytes:
        return kept_bytes(self.pdf, self.stored_name)


class CreditNoteLine(_ImmutableModel):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="lines")
    invoice_line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="credits")
    quantity = models.PositiveIntegerField()
    unit_price_pence = models.PositiveIntegerField()
    vat_rate_bp = models.PositiveIntegerField()
    net_pence = models.PositiveIntegerField()
    vat_pence = models.PositiveIntegerField()

    class Meta:
        ordering = ["credit_note", "invoice_line__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_note", "invoice_line"], name="unique_credit_note_line"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="credit_quantity_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_note_id} line {self.invoice_line_id}"

    @property
    def total_pence(self) -> int:
        return self.net_pence + self.vat_pence


class BilledActivity(models.Model):
    """One activity on one invoice line. Written with the invoice; afterwards only
    `released_by` may be set, once, by a credit note that lets the activity be invoiced again."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="activities")
    line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="activities")
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    activity = models.CharField(max_length=30, choices=Activity.choices)
    # The enquiry (information-only call), certificate, case or meeting it comes from.
    source_id = models.BigIntegerField()
    reference = models.CharField(max_length=20)
    happened_on = models.DateField()
    released_by = models.ForeignKey(
        CreditNote, null=True, blank=True, on_delete=models.PROTECT, related_name="released"
    )

    class Meta:
        ordering = ["line", "happened_on", "reference", "id"]
        verbose_name_plural = "billed activities"
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "activity", "source_id"],
                condition=models.Q(released_by__isnull=True),
                name="activity_billed_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.reference}"


class InvoiceDispatch(models.Model):
    """One sending of an invoice or credit note PDF to the LA's contact email."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="dispatches")
    credit_note = models.ForeignKey(
        CreditNote, null=True, blank=True, on_delete=models.PROTECT, related_name="dispatches"
    )
    message_id = models.BigIntegerField()
    to_email = models.EmailField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["invoice", "-at"], name="dispatch_invoice_idx")]

    def __str__(self) -> str:
        return f"Dispatch {self.pk}"
