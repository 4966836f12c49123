"""The outcome statement of a mediation meeting, the parties' agreement to it, and the agreed
actions followed up afterwards.

A statement is written during the meeting (draft). Its content (key points, outcome, actions in
order) has a SHA-256 `content_hash`; each party's agreement to its accuracy is recorded with the
hash it was given for, and any change of content voids the agreements given so far (kept as
history). When every party attending as a party has agreed the current hash it is made final:
locked, so a correction is only a dated Addendum after it.

After the meeting each action is tracked: done (date and evidence), varied by agreement (a new
date agreed in writing, with the reason), or overdue (derived: not done and its due date passed).
Due dates come from the deadline engine (reg 42/44), stored as Deadline rows with the code
"agreed_action_due:<action id>" once the statement is final (mediation.deadlines.services).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from mediation.cases.models import Case, IssueTheme, Outcome, Party
from mediation.common.encryption import EncryptedTextField
from mediation.documents.models import GeneratedDocument
from mediation.domain.deadlines import ActionKind

ACTION_KIND_LABELS: dict[str, str] = {
    ActionKind.ASSESSMENT: "Carry out an EHC needs assessment",
    ActionKind.REASSESSMENT: "Carry out a re-assessment",
    ActionKind.MAKE_PLAN: "Make and maintain an EHC plan",
    ActionKind.AMEND_PROVISION: "Amend the special educational provision",
    ActionKind.AMEND_SCHOOL: "Amend the school or placement named (Section I)",
    ActionKind.CONTINUE_AND_AMEND: "Continue and amend the plan",
    ActionKind.RECONSIDER: "Reconsider the decision",
    ActionKind.NOT_APPEALABLE: "Something with no right of appeal (health, social care, other)",
}


ACTION_KIND_CHOICES = [(kind.value, ACTION_KIND_LABELS[kind]) for kind in ActionKind]


class OutcomeStatement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="outcome_statement")
    key_points = EncryptedTextField(blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Rises by one each time the content (and so the hash) changes.
    version = models.PositiveIntegerField(default=1)
    content_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Outcome statement {self.case_id} v{self.version}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class AgreedAction(models.Model):
    class Who(models.TextChoices):
        LA = "la", "The local authority"
        HEALTH = "health", "The health commissioning body"
        SCHOOL = "school", "The school or setting"
        FAMILY = "family", "The family"

    class Section(models.TextChoices):
        B = "B", "Section B: special educational needs"
        F = "F", "Section F: special educational provision"
        I = "I", "Section I: school or placement"  # noqa: E741 (the EHC plan's own letter)
        HEALTH = "health", "Health (sections C and G)"
        SOCIAL_CARE = "social_care", "Social care (sections D and H)"
        NONE = "none", "None: it is not about a section of an EHC plan"
        NOT_SURE = "not_sure", "Not sure"

    class FollowUpException(models.TextChoices):
        """Reg 44(3): when the later limits of reg 44(2) do not bind the LA."""

        PERSONAL = "personal", "Exceptional personal circumstances of the child or family"
        AWAY = "away", "The child or family away from the area for 2 weeks or more"
        REG_13_3 = "reg_13_3", "The circumstances in regulation 13(3)"

    statement = models.ForeignKey(
        OutcomeStatement, on_delete=models.CASCADE, related_name="actions"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agreed_actions")
    position = models.PositiveIntegerField(default=0)
    what = EncryptedTextField()
    who = models.CharField(max_length=10, choices=Who.choices)
    kind = models.CharField(max_length=30, choices=ACTION_KIND_CHOICES)
    section = models.CharField(max_length=12, choices=Section.choices, default=Section.NOT_SURE)
    # A date the parties agreed in writing at the meeting (reg 42(5)); part of the statement.
    agreed_due = models.DateField(null=True, blank=True)
    # A later date agreed in writing after the meeting (ActionVariation); not part of the
    # statement's content, so the statement stays locked.
    varied_due = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    done_evidence = EncryptedTextField(blank=True)
    done_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Reg 44(2)'s later steps (the follow-up milestones of mediation.deadlines): after an
    # assessment, the family told no EHC plan is needed, or the final plan sent; after an
    # agreement to make a plan, the final plan sent.
    no_plan_notice_on = models.DateField(null=True, blank=True)
    final_plan_sent_on = models.DateField(null=True, blank=True)
    # Reg 44(3): why the later limits do not bind the LA, if they do not.
    follow_up_exception = models.CharField(
        max_length=12, choices=FollowUpException.choices, blank=True
    )
    follow_up_exception_note = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["case", "position"], name="agreed_action_case_idx")]

    def __str__(self) -> str:
        return f"Agreed action {self.pk}"

    @property
    def number(self) -> str:
        """The action's id as it appears in its deadline code and labels."""
        return str(self.pk)

    @property
    def effective_agreed_due(self):  # noqa: ANN201 (date | None)
        return self.varied_due or self.agreed_due

    @property
    def kind_label(self) -> str:
        return ACTION_KIND_LABELS[ActionKind(self.kind)]


class ActionVariation(models.Model):
    """A new due date the parties agreed in writing after the meeting, with the reason."""

    action = models.ForeignKey(AgreedAction, on_delete=models.CASCADE, related_name="variations")
    old_due = models.DateField(null=True, blank=True)
    new_due = models.DateField()
    agreed_in_writing_on = models.DateField()
    reason = EncryptedTextField()
    # Empty when the LA reported the new date through the API (the audit event names it).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"New date {self.new_due} for action {self.action_id}"


class PartyAgreement(models.Model):
    """A party's agreement that the statement is accurate, for the content hash they were given.

    An agreement counts only while the statement still has that hash; one given for an earlier
    version is kept as history (voided_at set when the content changed).
    """

    class Method(models.TextChoices):
        IN_MEETING = "in_meeting", "In the meeting"
        PHONE = "phone", "By phone"
        EMAIL = "email", "By email"
        PORTAL = "portal", "Through the portal"

    statement = models.ForeignKey(
        OutcomeStatement, on_delete=models.CASCADE, related_name="agreements"
    )
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    content_hash = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    method = models.CharField(max_length=12, choices=Method.choices)
    # Empty when the party agreed for themselves through the portal (method "portal").
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"Agreement of party {self.party_id} to version {self.version}"


class Addendum(models.Model):
    """A dated correction after the statement was made final; shown after the statement."""

    statement = models.ForeignKey(
        OutcomeStatement, on_delete=models.CASCADE, related_name="addenda"
    )
    text = EncryptedTextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum {self.pk}"


class Delivery(models.Model):
    """One message carrying the statement to one person: email with the PDF, or a letter."""

    statement = models.ForeignKey(
        OutcomeStatement, on_delete=models.CASCADE, related_name="deliveries"
    )
    party = models.ForeignKey(Party, null=True, on_delete=models.SET_NULL, related_name="+")
    recipient_name = models.CharField(max_length=120)
    message_id = models.BigIntegerField()
    channel = models.CharField(max_length=10)
    resend_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="resends"
    )
    # The statement as sent (a GeneratedDocument, downloaded through mediation.documents).
    document = models.ForeignKey(
        GeneratedDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient_name}"


class ActionChase(models.Model):
    """Chasing an overdue action: a letter to whoever agreed to do it (the LA, the health body,
    the school with a copy to the LA, or the family), or an escalation to the managers."""

    class Kind(models.TextChoices):
        LETTER = "letter", "Letter to whoever agreed to do it"
        ESCALATION = "escalation", "Escalated to the managers"

    action = models.ForeignKey(AgreedAction, on_delete=models.CASCADE, related_name="chases")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    note = EncryptedTextField(blank=True)
    sent_to = models.CharField(max_length=300, blank=True)
    message_ids = models.JSONField(default=list)
    # The letter as sent (a GeneratedDocument); only for letters.
    document = models.ForeignKey(
        GeneratedDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} for action {self.action_id}"


class AgreementRequest(models.Model):
    """One version of the draft statement sent to one party to agree (through the portal, by
    email or by letter). A party agrees through the portal only a version sent to them; when a
    new version is made, everyone sent or agreeing an earlier one is sent the new one and asked
    again (`asked_again`)."""

    statement = models.ForeignKey(
        OutcomeStatement, on_delete=models.CASCADE, related_name="agreement_requests"
    )
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    asked_again = models.BooleanField(default=False)
    # Empty when the service sent it by itself (a new version to those asked before).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "party", "content_hash"], name="one_request_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"Version {self.version} sent to party {self.party_id} to agree"


class IssueResult(models.TextChoices):
    """What the meeting came to on one issue in dispute."""

    AGREED = "agreed", "Agreed"
    PARTLY_AGREED = "partly_agreed", "Partly agreed"
    NOT_AGREED = "not_agreed", "Not agreed"
    DEFERRED = "deferred", "Deferred: the LA will decide later"


class IssueOutcome(models.Model):
    """The result the outcome statement gives one issue in dispute (part of its content, so a
    change voids the agreements given). Counted by the reports' themes."""

    statement = models.ForeignKey(
        OutcomeStatement, on_delete=models.CASCADE, related_name="issue_outcomes"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="issue_outcomes")
    theme = models.ForeignKey(IssueTheme, on_delete=models.PROTECT, related_name="outcomes")
    result = models.CharField(max_length=20, choices=IssueResult.choices)

    class Meta:
        ordering = ["theme__position", "theme__name"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "theme"], name="unique_issue_outcome")
        ]

    def __str__(self) -> str:
        return f"{self.theme_id}: {self.result}"


class DeferredDecision(models.Model):
    """The LA's (or health body's) attendee could not decide at the meeting: a panel or another
    decision maker will, by a date. Followed up as an agreed action (`action`: due on that date,
    chased once it has passed, done when the decision is made), and shown to the family with
    what it means for their appeal deadline (mediation.domain.deferred)."""

    class DecidedBy(models.TextChoices):
        PANEL = "panel", "A panel of the local authority (for example its SEN panel)"
        OFFICER = "officer", "Another decision maker at the local authority"
        HEALTH = "health", "A decision maker at the health commissioning body"

    statement = models.ForeignKey(
        OutcomeStatement, on_delete=models.CASCADE, related_name="deferred_decisions"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deferred_decisions")
    action = models.OneToOneField(
        AgreedAction, on_delete=models.CASCADE, related_name="deferred_decision"
    )
    decided_by = models.CharField(max_length=10, choices=DecidedBy.choices)
    decision_maker = models.CharField(max_length=150)
    decision_due_on = models.DateField()
    themes = models.ManyToManyField(IssueTheme, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decision_due_on", "id"]
        # Reports: decisions due in a period.
        indexes = [models.Index(fields=["decision_due_on"], name="deferred_due_idx")]

    def __str__(self) -> str:
        return f"Deferred decision {self.pk}"
