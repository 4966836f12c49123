"""Files sent to the service (by staff or through the portal) and the views of the child or
young person.

- `Upload`: one file kept for a case. The file itself lives in the dedicated "uploads" storage
  (settings.STORAGES["uploads"], outside the web root) under a random `stored_name`; the name the
  sender gave it is kept only to show on screen and to name the download. Files are never deleted
  by the service: staff *remove* an upload (soft removal with a reason, audited), which hides it
  everywhere.
- `ChildViews`: what a child or young person told us about the disagreement, in the four
  easy-read questions, however they gave it (portal, phone, email, booklet, meeting). The answers
  are encrypted at rest. `share_with` records whether they may be shared with everyone at the
  meeting or only with the mediator (see mediation.uploads.selectors for who sees what).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from mediation.cases.models import Case, Party
from mediation.common.encryption import EncryptedTextField
from mediation.uploads.detection import label_for


class Purpose(models.TextChoices):
    PARTY_FILE = "party_file", "File from a parent or young person"
    LA_FILE = "la_file", "File from the local authority"
    INFORMATION = "information", "Information from a school, health or care professional"
    CHILD_VIEWS_ATTACHMENT = "child_views_attachment", "Part of the child's or young person's views"
    STAFF_FILE = "staff_file", "File added by the service"
    # A letter, certificate or statement the service that had the case before made, from the
    # hand-over archive it gave us (mediation.exchange), kept byte for byte.
    HANDED_OVER = "handed_over", "Document from the service that had the case before"


class GivenVia(models.TextChoices):
    PORTAL = "portal", "Through their secure link"
    PHONE = "phone", "Phone call"
    EMAIL = "email", "Email"
    PAPER = "paper", "Booklet or paper form"
    MEETING = "meeting", "Meeting or conversation with us"


class ShareWith(models.TextChoices):
    EVERYONE = "everyone", "Everyone at the meeting"
    MEDIATOR_ONLY = "mediator_only", "Only the mediator"


class ChildViews(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="child_views")
    given_via = models.CharField(max_length=20, choices=GivenVia.choices)
    # The four easy-read questions, encrypted at rest (they are the child's own words).
    going_well = EncryptedTextField(blank=True)
    hard = EncryptedTextField(blank=True)
    would_like = EncryptedTextField(blank=True)
    who_helps = EncryptedTextField(blank=True)
    # Who helped them give their views ("my mum", "my teaching assistant").
    helped_by = EncryptedTextField(blank=True)
    share_with = models.CharField(max_length=20, choices=ShareWith.choices)
    recorded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The portal party (a child or young person) who sent them, if they came through the portal.
    submitted_via_party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="child_views_case_idx")]
        verbose_name = "child's views"
        verbose_name_plural = "children's views"

    def __str__(self) -> str:
        return f"Views on case {self.case_id} ({self.get_given_via_display()})"

    @property
    def mediator_only(self) -> bool:
        return self.share_with == ShareWith.MEDIATOR_ONLY


class Upload(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="uploads")
    uploaded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by_party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.PROTECT, related_name="uploads"
    )
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    child_views = models.ForeignKey(
        ChildViews, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    # Shown on screen and used to name the download only; never used as a path.
    original_name = models.CharField(max_length=150)
    # Random (uuid4 hex + the extension of the detected type): the name in the storage.
    stored_name = models.CharField(max_length=80, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # Staff share a party's upload with the other parties; a party always sees its own.
    shared_with_parties = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="upload_case_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(removed_at__isnull=True)
                | (models.Q(removed_by__isnull=False) & ~models.Q(removed_reason="")),
                name="upload_removed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def extension(self) -> str:
        return self.stored_name.rsplit(".", 1)[-1]

    @property
    def kind_label(self) -> str:
        return label_for(self.content_type)

    @property
    def sender_label(self) -> str:
        party = self.uploaded_by_party
        if party is not None:
            return f"{party.name} ({party.get_role_display()})"
        user = self.uploaded_by_user
        if user is not None:
            return user.display_name
        return "Unknown"
