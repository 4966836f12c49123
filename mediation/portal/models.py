"""Who may use the portal, the links that let them in, and what they ask staff to do.

- PortalAccess: one person (a cases.Party) on one case, of one kind (parent or young person, LA
  officer, information provider, child's views). Created by staff; revoked by staff. States:
  active → revoked (never reactivated: invite again instead).
- PortalLink: a single-use link emailed to that person. Only the SHA-256 of its random token is
  stored. Purposes and lifetimes (settings PORTAL_*): an invitation (7 days), a sign-in link
  (15 minutes), a child's views link (14 days; it opens the views form and is used up when
  the views are sent), a feedback survey link (PORTAL_FEEDBACK_DAYS; used up when the answers are
  sent). States: unused → used, or → revoked (a newer link was sent, or the
  access was revoked), or expired (derived from expires_at).
- PortalRequest: something a party asked for through the portal that staff act on (a supporter
  to attend, an agreed action done or a new date proposed, information sent before the
  meeting). States: open → dealt with.

See docs/adr/0011-portal-links.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from mediation.cases.models import Case, Party
from mediation.common.encryption import EncryptedTextField


class AccessKind(models.TextChoices):
    PARENT = "parent", "Parent, carer or young person"
    LA_OFFICER = "la_officer", "Local authority officer"
    INFORMATION_PROVIDER = "information_provider", "Information provider"
    CHILD_VIEWS = "child_views", "Child's views link"
    # The end-of-case survey (mediation.feedback): like a child's views link, it opens its own
    # form only, and is used up when the answers are sent.
    FEEDBACK = "feedback", "Feedback survey link"


# The kinds of access that open one form and nothing else of the portal.
ONE_FORM_KINDS = (AccessKind.CHILD_VIEWS, AccessKind.FEEDBACK)


class PortalAccess(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="portal_accesses")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="portal_accesses")
    kind = models.CharField(max_length=30, choices=AccessKind.choices)
    # The address the links go to, lower-cased when the access was made; "get a new sign-in
    # link" looks it up here (indexed), never by searching parties.
    email = models.EmailField()
    # None: made by the service itself (the end-of-case survey when a case closes).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["case", "revoked_at"], name="portal_access_case_idx"),
            models.Index(fields=["email", "revoked_at"], name="portal_access_email_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "kind"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_portal_access_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"Portal access {self.pk} ({self.kind})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def actor(self) -> str:
        """How the audit log names this person (they have no user account)."""
        return f"portal:party:{self.party_id}"


class LinkPurpose(models.TextChoices):
    INVITATION = "invitation", "Invitation"
    SIGN_IN = "sign_in", "Sign-in link"
    CHILD_VIEWS = "child_views", "Child's views link"
    FEEDBACK = "feedback", "Feedback survey link"


class PortalLink(models.Model):
    access = models.ForeignKey(PortalAccess, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=20, choices=LinkPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The email that carried it (mediation.notifications.Message), for its delivery status.
    message_id = models.BigIntegerField(null=True, blank=True)
    # Set when the link came with a notice ("your mediation needs your answer"), so the same
    # notice is sent at most once a day.
    notice_key = models.CharField(max_length=120, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["access", "-created_at"], name="portal_link_access_idx")]

    def __str__(self) -> str:
        return f"Portal link {self.pk} ({self.purpose})"

    def is_usable(self, now=None) -> bool:  # noqa: ANN001
        now = now or timezone.now()
        return (
            self.used_at is None
            and self.revoked_at is None
            and self.expires_at > now
            and self.access.revoked_at is None
        )


class PortalRequest(models.Model):
    class Kind(models.TextChoices):
        SUPPORTER = "supporter", "Asked for a supporter to attend"
        ACTION_DONE = "action_done", "Said an agreed action is done"
        ACTION_NEW_DATE = "action_new_date", "Proposed a new date for an agreed action"
        INFORMATION = "information", "Sent information before the meeting"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="portal_requests")
    access = models.ForeignKey(PortalAccess, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Free text from the party (a supporter's name and role, a reason, their information).
    details = EncryptedTextField(blank=True)
    action = models.ForeignKey(
        "outcomes.AgreedAction", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    on_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    dealt_with_at = models.DateTimeField(null=True, blank=True)
    dealt_with_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["case", "dealt_with_at", "-created_at"], name="portal_request_idx"
            ),
            models.Index(
                fields=["access", "kind", "-created_at"], name="portal_request_access_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Portal request {self.pk} ({self.kind})"
