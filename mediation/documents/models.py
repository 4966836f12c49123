"""Generated documents, the wording of letters, certificates, and the verification counter.

- `GeneratedDocument`: every letter, statement or certificate the system makes, stored as it was issued
  (HTML, PDF bytes and the PDF's SHA-256; the bytes in the row or, with DOCUMENT_STORAGE=s3, in
  object storage). Rows are only ever added: a change of wording makes
  new documents from then on and never touches issued ones.
- `LetterTemplate`: the wording managers can edit, one row per saved version (the highest
  version of a code is the one in use). Plain paragraphs with a few named placeholders; never
  Django template code (see mediation.documents.wording).
- `Certificate`: the mediation certificate of a case (CFA 2014 s55(4)/(5), reg 39(3)), with its
  unique reference and verification code. At most one current (not revoked) certificate a case.
- `RateCounter`: fixed-window counters for the public verification page, updated with F() so it
  works without a shared cache (django-ratelimit needs memcached or Redis, which we do not run).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from mediation.cases.models import Case, CertificateKind
from mediation.common.kept_documents import kept_bytes


class DocumentKind(models.TextChoices):
    CERTIFICATE = "certificate", "Mediation certificate"
    FAMILY_LETTER = "family_letter", "Letter to the family with the certificate"
    MEETING_LETTER = "meeting_letter", "Meeting confirmation letter"
    OUTCOME_STATEMENT = "outcome_statement", "Outcome statement"
    OVERDUE_ACTION_LETTER = "overdue_action_letter", "Letter about an overdue agreed action"


class GeneratedDocument(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    # 1, 2, 3... for each case and kind, in the order they were made.
    version = models.PositiveIntegerField()
    html = models.TextField()
    # The PDF is in `pdf`, or (DOCUMENT_STORAGE=s3) in the documents storage under `stored_name`;
    # read it with pdf_bytes() (mediation.common.kept_documents).
    pdf = models.BinaryField()
    stored_name = models.CharField(max_length=200, blank=True, default="", db_default="")
    sha256 = models.CharField(max_length=64)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    generated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-generated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "version"], name="unique_document_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @property
    def filename(self) -> str:
        return f"{self.case.reference}-{self.kind.replace('_', '-')}-v{self.version}.pdf"

    def pdf_bytes(self) -> bytes:
        return kept_bytes(self.pdf, self.stored_name)


class LetterCode(models.TextChoices):
    CERTIFICATE_FAMILY = "certificate_family", "Covering letter or email to the family"
    CERTIFICATE_LA = "certificate_la", "Email to the local authority"
    MEETING_BOOKED = "meeting_booked", "Letter confirming a meeting is booked"
    MEETING_RESCHEDULED = "meeting_rescheduled", "Letter saying a meeting has moved"
    MEETING_CANCELLED = "meeting_cancelled", "Letter saying a meeting is cancelled"
    OVERDUE_ACTION = "overdue_action", "Letter to the LA about an overdue agreed action"
    OVERDUE_ACTION_HEALTH = (
        "overdue_action_health",
        "Letter to the health body about an overdue agreed action",
    )
    OVERDUE_ACTION_SCHOOL = (
        "overdue_action_school",
        "Letter to the school about an overdue agreed action (copy to the LA)",
    )
    OVERDUE_ACTION_FAMILY = (
        "overdue_action_family",
        "Letter to the family about an action they agreed to",
    )


class LetterTemplate(models.Model):
    code = models.CharField(max_length=40, choices=LetterCode.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_letter_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Certificate(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(max_length=20, choices=CertificateKind.choices)
    reference = models.CharField(max_length=20, unique=True)
    verification_code = models.CharField(max_length=8)
    issued_on = models.DateField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The family's appeal deadline as the engine computed it when the certificate was issued.
    appeal_deadline = models.DateField(null=True, blank=True)
    appeal_deadline_why = models.TextField(blank=True)
    document = models.OneToOneField(
        GeneratedDocument, on_delete=models.CASCADE, related_name="certificate"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # Invoicing: certificates issued in a period.
        indexes = [models.Index(fields=["issued_on"], name="certificate_issued_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_current_certificate_per_case",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True)
                | (models.Q(revoked_by__isnull=False) & ~models.Q(revoke_reason="")),
                name="certificate_revoked_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def code_display(self) -> str:
        return f"{self.verification_code[:4]}-{self.verification_code[4:]}"


class RateCounter(models.Model):
    """How many tries one key (a client address or a certificate reference) made in one window."""

    key = models.CharField(max_length=120)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="unique_rate_window")
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_window_idx")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"
