"""Caseloads coming in and going out: imports of a spreadsheet or a hand-over archive, the
mapping of a file's headings to our columns, and the hand-over archives made when a contract ends.

- `ColumnMapping`: the column of ours a heading meant the last time a manager matched it, so
  the next file with the same headings is matched already.
- `CaseloadImport`: one uploaded file and what became of it. States: mapping (the headings to
  match) → checking (the dry run, in the background) → checked (the rows and their problems
  shown) → importing (in the background) → done; or failed (an error stopped the worker). The
  file is kept only until the import is done (`content` is emptied then).
- `ImportRow`: what the dry run found for one row, then what the import did with it.
- `ImportedCase`: a case made by an import, with the row's own reference, unique in the service:
  importing the same row again finds it and changes nothing.
- `Handover`: the archive of one LA's open cases made for the next provider (docs/handover-format.md).
  States: making → ready (downloadable) → closing → closed; or failed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from mediation.authorities.models import LocalAuthority
from mediation.cases.models import Case
from mediation.common.encryption import EncryptedTextField
from mediation.common.kept_documents import kept_bytes


class ColumnMapping(models.Model):
    heading = models.CharField(max_length=200, unique=True)  # normalise_heading of the heading
    column = models.CharField(max_length=40, blank=True)  # empty: not imported
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.heading} → {self.column or 'not imported'}"


class FileKind(models.TextChoices):
    CSV = "csv", "CSV file"
    XLSX = "xlsx", "Excel workbook"
    ARCHIVE = "archive", "Hand-over archive"


class CaseloadImport(models.Model):
    class Status(models.TextChoices):
        MAPPING = "mapping", "Columns to match"
        CHECKING = "checking", "Checking the rows"
        CHECKED = "checked", "Checked: ready to import"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Stopped by an error"

    file_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=FileKind.choices)
    content = models.BinaryField(blank=True, default=b"")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    # Column position (as text) -> our column key, as the manager matched them.
    mapping = models.JSONField(default=dict, blank=True)
    default_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.MAPPING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.file_name})"

    @property
    def in_progress(self) -> bool:
        return self.status in {self.Status.CHECKING, self.Status.IMPORTING}

    @property
    def percent(self) -> int:
        return round(100 * self.rows_done / self.rows_total) if self.rows_total else 0


class ImportRow(models.Model):
    class Result(models.TextChoices):
        WOULD_CREATE = "would_create", "Ready to import"
        ALREADY_HERE = "already_here", "Already here: nothing changed"
        PROBLEM = "problem", "Not imported: fix the problems"
        CREATED = "created", "Imported"

    job = models.ForeignKey(CaseloadImport, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    source_reference = models.CharField(max_length=40, blank=True)
    result = models.CharField(max_length=20, choices=Result.choices)
    # What would be (or was) made, and each problem, in words; they may quote the file's
    # values, so they are encrypted like other free text.
    summary = EncryptedTextField(blank=True)
    problems = EncryptedTextField(blank=True)  # one problem a line
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["row_number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "row_number"], name="unique_import_row")
        ]

    def __str__(self) -> str:
        return f"Row {self.row_number} of import {self.job_id}"

    @property
    def problem_list(self) -> list[str]:
        return [line for line in self.problems.splitlines() if line]


class ImportedCase(models.Model):
    source_reference = models.CharField(max_length=40, unique=True)
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="imported_from")
    job = models.ForeignKey(
        CaseloadImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    row_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.source_reference} → case {self.case_id}"


class Handover(models.Model):
    class Status(models.TextChoices):
        MAKING = "making", "Making the archive"
        READY = "ready", "Archive ready"
        CLOSING = "closing", "Closing the cases"
        CLOSED = "closed", "Cases closed as handed over"
        FAILED = "failed", "Stopped by an error"

    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="handovers"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MAKING)
    # The ids of the cases in the archive: closing closes exactly these.
    case_ids = models.JSONField(default=list, blank=True)
    cases_done = models.PositiveIntegerField(default=0)
    # The zip is in `archive`, or (DOCUMENT_STORAGE=s3) in the documents storage under
    # `stored_name`; read it with archive_content().
    archive = models.BinaryField(blank=True, default=b"")
    stored_name = models.CharField(max_length=200, blank=True, default="", db_default="")
    sha256 = models.CharField(max_length=64, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_count = models.PositiveIntegerField(default=0)
    # Cases that could not be closed, with why (one "reference: reason" a line).
    not_closed = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"Hand-over {self.pk} ({self.local_authority_id})"

    def archive_content(self) -> bytes:
        return kept_bytes(self.archive, self.stored_name)

    @property
    def in_progress(self) -> bool:
        return self.status in {self.Status.MAKING, self.Status.CLOSING}

    @property
    def percent(self) -> int:
        total = len(self.case_ids)
        return round(100 * self.cases_done / total) if total else 0

    @property
    def filename(self) -> str:
        return f"handover-{self.local_authority.code}-{timezone.localdate(self.made_at):%Y%m%d}.zip"
