"""Enquiries, cases and what happens on them: parties, contacts and notes (the history of a case
is mediation.timeline).

A Case's `status` is one of mediation.domain.case_states.CaseState and changes only through
mediation.workflow.services.case_transition (test_one_door checks that nothing else assigns it).
The allowed transitions are the table in mediation/domain/case_states.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from mediation.authorities.models import LocalAuthority
from mediation.common.encryption import EncryptedTextField
from mediation.domain.case_states import ROUTE_LABELS, STATE_LABELS, CaseState, Route
from mediation.domain.decisions import DECISION_CHOICES


class CallerType(models.TextChoices):
    PARENT_CARER = "parent_carer", "Parent or carer"
    YOUNG_PERSON = "young_person", "Young person (16 to 25)"
    ON_BEHALF = "on_behalf", "Someone calling on their behalf"


class ContactPreference(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"
    LETTER = "letter", "Letter"


class PartyRole(models.TextChoices):
    PARENT_CARER = "parent_carer", "Parent or carer"
    YOUNG_PERSON = "young_person", "Young person"
    REPRESENTATIVE = "representative", "Representative or alternative person"
    CHILD = "child", "Child"
    LA_REPRESENTATIVE = "la_representative", "Local authority representative"
    HEALTH_REPRESENTATIVE = "health_representative", "Health commissioning body representative"
    INFORMATION_PROVIDER = "information_provider", "Information provider"
    SUPPORTER = "supporter", "Supporter"
    OTHER_CALLER = "other_caller", "Caller on the family's behalf"


class Outcome(models.TextChoices):
    AGREED_ALL = "agreed_all", "Agreement on all issues"
    AGREED_PART = "agreed_part", "Agreement on some issues"
    NOT_AGREED = "not_agreed", "No agreement"


class CertificateKind(models.TextChoices):
    DECLINED = "declined", "Family did not want mediation (CFA 2014 s55(4))"
    AFTER_MEDIATION = "after_mediation", "After mediation (CFA 2014 s55(5))"
    DEEMED = "deemed", "LA could not arrange mediation in 30 days (reg 39(3))"


class ClosureOutcome(models.TextChoices):
    COMPLETED = "completed", "Completed"
    LA_CHANGED_DECISION = "la_changed_decision", "LA changed its decision"
    WITHDRAWN = "withdrawn", "Family withdrew"
    NO_CONSENT = "no_consent", "Not everyone agreed to take part"
    HANDED_OVER = "handed_over", "Handed over to another provider"
    OTHER = "other", "Other"


class AppealLodged(models.TextChoices):
    YES = "yes", "Yes, the family has appealed"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class Side(models.TextChoices):
    """Who asked for something on a case (a meeting cancelled or moved) or declined to take part
    (in disagreement resolution): one side of the disagreement, or the service itself."""

    FAMILY = "family", "The family (parent, carer or young person)"
    LA = "la", "The local authority"
    HEALTH = "health", "The health commissioning body"
    SCHOOL = "school", "The school or setting"
    SERVICE = "service", "The service (us)"


class ChangeReason(models.TextChoices):
    """Why a meeting was cancelled or moved (the short list; free text says more)."""

    ILLNESS = "illness", "Illness or an emergency"
    NOT_AVAILABLE = "not_available", "Someone who must attend cannot come"
    NO_DECISION_MAKER = "no_decision_maker", "No one who can make decisions can come"
    INFORMATION = "information", "Waiting for reports or information"
    MORE_TIME = "more_time", "More time needed to prepare"
    SETTLED = "settled", "The disagreement was settled or withdrawn"
    VENUE = "venue", "Venue, travel or technical problem"
    OTHER = "other", "Another reason"
    # Only the hand-over records it (mediation.exchange): staff are not offered it.
    HANDED_OVER = "handed_over", "The case was handed over to another provider"


class DeclineReason(models.TextChoices):
    """Why someone would not take part in disagreement resolution (voluntary, CFA 2014 s57)."""

    NOT_WILLING = "not_willing", "Does not want to take part"
    APPEAL = "appeal", "Prefers to appeal to the Tribunal, or has appealed"
    SETTLED = "settled", "The disagreement was settled another way"
    NOT_THEIR_DECISION = "not_their_decision", "Says the decision is not theirs to make"
    NO_TIME = "no_time", "Cannot take part within a reasonable time"
    OTHER = "other", "Another reason"


class ReferenceCounter(models.Model):
    """The last number used for each prefix and year, so references never repeat."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="unique_reference_counter")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class Enquiry(models.Model):
    """A first contact, usually a phone call, before any case exists.

    States: open (being handled) → case_opened (a Case was opened from it) or closed (the caller
    was given information and no case was needed).
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CASE_OPENED = "case_opened", "Case opened"
        CLOSED = "closed", "Closed: information given"

    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    received_at = models.DateTimeField(default=timezone.now)

    caller_type = models.CharField(max_length=20, choices=CallerType.choices)
    caller_name = models.CharField(max_length=120)
    caller_relationship = models.CharField(max_length=80, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    preferred_contact = models.CharField(max_length=10, choices=ContactPreference.choices)

    child_first_name = models.CharField(max_length=80)
    child_last_name = models.CharField(max_length=80)
    child_date_of_birth = models.DateField()
    child_setting = models.CharField(max_length=150, blank=True)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT)

    decision_type = models.CharField(max_length=30, choices=DECISION_CHOICES)
    notice_sent_on = models.DateField(null=True, blank=True)
    letter_dated_on = models.DateField(null=True, blank=True)
    section_i_only = models.BooleanField(default=False)
    case_history = EncryptedTextField(blank=True)

    info_mediation_given = models.BooleanField(default=False)
    info_certificate_given = models.BooleanField(default=False)
    info_appeal_given = models.BooleanField(default=False)
    closing_note = EncryptedTextField(blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "enquiries"
        indexes = [
            models.Index(fields=["status", "-received_at"], name="enquiry_status_idx"),
            # Invoicing: an LA's information-only calls in a period.
            models.Index(
                fields=["local_authority", "status", "received_at"], name="enquiry_la_status_idx"
            ),
            # Reports: enquiries received in a period, for one LA or all.
            models.Index(
                fields=["received_at", "local_authority"], name="enquiry_report_received_idx"
            ),
            models.Index(fields=["-received_at", "-id"], name="enquiry_received_idx"),
            models.Index(
                fields=["-received_at", "-id"],
                name="enquiry_open_idx",
                condition=models.Q(status="open"),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def child_name(self) -> str:
        return f"{self.child_first_name} {self.child_last_name}"


OPEN_CASE = ~models.Q(status=CaseState.CLOSED.value)
BY_DEADLINE = ["next_deadline_due", "-last_activity_at", "-id"]
BY_ACTIVITY = ["-last_activity_at", "-id"]


class Case(models.Model):
    """One disagreement about one child or young person, from opening to closure.

    Routes: mediation, certificate without mediation, disagreement resolution. States and the
    transitions between them: see mediation/domain/case_states.py.
    """

    reference = models.CharField(max_length=20, unique=True)
    route = models.CharField(max_length=30, choices=[(r.value, ROUTE_LABELS[r]) for r in Route])
    status = models.CharField(
        max_length=30, choices=[(s.value, STATE_LABELS[s]) for s in CaseState]
    )
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cases"
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediated_cases",
    )
    enquiry = models.OneToOneField(
        Enquiry, null=True, blank=True, on_delete=models.SET_NULL, related_name="case"
    )

    child_first_name = models.CharField(max_length=80)
    child_last_name = models.CharField(max_length=80)
    child_date_of_birth = models.DateField()
    child_setting = models.CharField(max_length=150, blank=True)
    # The LA's own reference for this child or case, as its SEND system knows it: shown to the
    # LA through the API so its system can match our cases to its records (staff enter it).
    # db_default: rows written in bulk without it (the synthetic generator) get "" too.
    la_reference = models.CharField(
        "The LA's reference", max_length=50, blank=True, default="", db_default=""
    )

    decision_type = models.CharField(max_length=30, choices=DECISION_CHOICES)
    notice_sent_on = models.DateField(null=True, blank=True)
    letter_dated_on = models.DateField(null=True, blank=True)
    section_i_only = models.BooleanField(default=False)
    issue_education = models.BooleanField(default=True)
    issue_health = models.BooleanField(default=False)
    issue_social_care = models.BooleanField(default=False)

    # Dated events that start or stop the statutory clocks (see mediation/domain/deadlines.py).
    # "adviser_contacted_on" is the day the family first contacted the service (reg 33).
    adviser_contacted_on = models.DateField(null=True, blank=True)
    mediation_declined_on = models.DateField(null=True, blank=True)
    la_informed_on = models.DateField(null=True, blank=True)
    health_body_notified_on = models.DateField(null=True, blank=True)
    la_unable_to_arrange_notified_on = models.DateField(null=True, blank=True)
    meeting_planned_on = models.DateField(null=True, blank=True)
    meeting_confirmation_sent_on = models.DateField(null=True, blank=True)
    mediation_held_on = models.DateField(null=True, blank=True)
    mediation_concluded_on = models.DateField(null=True, blank=True)
    outcome_circulated_on = models.DateField(null=True, blank=True)
    certificate_issued_on = models.DateField(null=True, blank=True)
    agreement_made_on = models.DateField(null=True, blank=True)
    # Reg 42(4): where the LA was not a party, the health body tells it about the agreement.
    health_body_told_la_on = models.DateField(null=True, blank=True)

    # Reg 37(2): the family agreed to less than 5 working days' notice of the booked meeting
    # (set where the meeting is booked or moved; who recorded it is in the timeline).
    short_notice_agreed = models.BooleanField(default=False)
    # Reg 35(3): a mediation about health issues only is arranged by the health body and the LA
    # is not a party to it (so the health body tells the LA of any agreement, reg 42(4)).
    la_not_a_party = models.BooleanField(default=False)

    # What happened: recorded by the workflow steps (mediation.workflow.services).
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    certificate_kind = models.CharField(max_length=20, choices=CertificateKind.choices, blank=True)
    certificate_issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    everyone_agreed_on = models.DateField(null=True, blank=True)
    la_decision_changed_on = models.DateField(null=True, blank=True)
    closure_outcome = models.CharField(max_length=30, choices=ClosureOutcome.choices, blank=True)
    appeal_lodged = models.CharField(max_length=10, choices=AppealLodged.choices, blank=True)

    # The nearest statutory deadline the service must act on and has not met, kept by
    # mediation.deadlines.services.deadline_recalculate so work queues can sort by it.
    next_deadline_due = models.DateField(null=True, blank=True)
    next_deadline_code = models.CharField(max_length=60, blank=True)

    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_activity_at"]
        indexes = [
            models.Index(fields=["owner", "status", "-last_activity_at"], name="case_owner_idx"),
            models.Index(
                fields=["mediator", "status", "-last_activity_at"], name="case_mediator_idx"
            ),
            models.Index(fields=["status", "-last_activity_at"], name="case_status_idx"),
            models.Index(fields=["route", "status", "-last_activity_at"], name="case_route_idx"),
            models.Index(fields=["local_authority", "-last_activity_at"], name="case_la_idx"),
            # Invoicing: an LA's mediations and DR meetings held in a period.
            models.Index(
                fields=["local_authority", "route", "mediation_held_on"], name="case_la_held_idx"
            ),
            models.Index(fields=["-last_activity_at"], name="case_activity_idx"),
            models.Index(
                fields=["child_last_name", "child_first_name"], name="case_child_name_idx"
            ),
            # Reports (mediation.reports.selectors): events in a period, for one LA or all.
            models.Index(fields=["opened_at", "local_authority"], name="case_report_opened_idx"),
            models.Index(
                fields=["mediation_held_on", "local_authority"], name="case_report_held_idx"
            ),
            models.Index(
                fields=["certificate_issued_on", "local_authority"], name="case_report_cert_idx"
            ),
            # Open cases only (a few percent of a service's history): the work queues, nearest
            # deadline first, and the case list's default view, most recent activity first.
            # The selectors filter with exclude(status=closed), the same condition, so both
            # databases use these. Name and reference search: mediation/search.
            *[
                models.Index(
                    fields=[*lead, *order], name=f"case_open_{name}_idx", condition=OPEN_CASE
                )
                for name, lead, order in (
                    ("owner_due", ["owner"], BY_DEADLINE),
                    ("mediator_due", ["mediator"], BY_DEADLINE),
                    ("due", [], BY_DEADLINE),
                    ("activity", [], BY_ACTIVITY),
                    ("owner_act", ["owner"], BY_ACTIVITY),
                    ("la_act", ["local_authority"], BY_ACTIVITY),
                    ("route_act", ["route"], BY_ACTIVITY),
                )
            ],
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status=CaseState.CLOSED.value, closed_at__isnull=False)
                    | (~models.Q(status=CaseState.CLOSED.value) & models.Q(closed_at__isnull=True))
                ),
                name="case_closed_at_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def child_name(self) -> str:
        return f"{self.child_first_name} {self.child_last_name}"

    @property
    def state(self) -> CaseState:
        return CaseState(self.status)

    @property
    def is_open(self) -> bool:
        return self.status != CaseState.CLOSED

    @property
    def issues_display(self) -> str:
        names = [
            label
            for flag, label in (
                (self.issue_education, "Education"),
                (self.issue_health, "Health"),
                (self.issue_social_care, "Social care"),
            )
            if flag
        ]
        return ", ".join(names) or "Not yet classified"


class CaseStatusChange(models.Model):
    """One row per status change: the case's history of states."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30)
    # Empty when an LA's system moved the case through the API (the audit event names it).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_state or 'start'} → {self.to_state}"


class Party(models.Model):
    """A person taking part in a case in a role (parent, young person, LA officer, supporter...).

    Attendance at the meeting (reg 38), the LA's authority (reg 37(1)) and expenses (reg 41) are
    kept by mediation.parties; the needs below are shown wherever a meeting is set up.
    """

    class SupporterKind(models.TextChoices):
        FAMILY_MEMBER = "family_member", "Family member or friend"
        IASS_WORKER = "iass_worker", "IASS (SENDIASS) worker"
        ADVOCATE = "advocate", "Advocate"
        LAWYER = "lawyer", "Lawyer"
        OTHER = "other", "Other supporter"

    class ProviderKind(models.TextChoices):
        SCHOOL = "school", "School, college or setting"
        CAMHS = "camhs", "CAMHS"
        HEALTH = "health", "Health service"
        SOCIAL_CARE = "social_care", "Social care"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=30, choices=PartyRole.choices)
    name = models.CharField(max_length=120)
    relationship = models.CharField(max_length=80, blank=True)
    organisation = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    preferred_contact = models.CharField(
        max_length=10, choices=ContactPreference.choices, default=ContactPreference.PHONE
    )
    is_main_contact = models.BooleanField(default=False)
    language = models.CharField("Preferred language", max_length=60, default="English")
    interpreter_needed = models.BooleanField(default=False)
    interpreter_language = models.CharField(max_length=60, blank=True)
    # Free text that can reveal health or disability ("BSL interpreter", "phone only").
    reasonable_adjustments = EncryptedTextField(blank=True)
    supporter_kind = models.CharField(max_length=20, choices=SupporterKind.choices, blank=True)
    supports = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supporters"
    )
    provider_kind = models.CharField(max_length=20, choices=ProviderKind.choices, blank=True)
    # An LA or health body officer who comes alongside the body's named attendee, not as the
    # decision maker: attends with everyone's consent or the mediator's (reg 38(1)(e)).
    additional_officer = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_main_contact", "id"]
        verbose_name_plural = "parties"
        indexes = [models.Index(fields=["name"], name="party_name_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class Contact(models.Model):
    """A logged phone call, email, letter or message with someone on the case."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        TEXT = "text", "Text message"
        VIDEO = "video", "Video call"
        IN_PERSON = "in_person", "In person"

    class Direction(models.TextChoices):
        INCOMING = "incoming", "From them to us"
        OUTGOING = "outgoing", "From us to them"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    with_name = models.CharField(max_length=120, blank=True)
    method = models.CharField(max_length=12, choices=Method.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    occurred_at = models.DateTimeField()
    summary = EncryptedTextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["case", "-occurred_at"], name="contact_case_idx")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} on {self.occurred_at:%Y-%m-%d}"

    @property
    def with_display(self) -> str:
        return self.party.name if self.party else self.with_name


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Note {self.pk} on case {self.case_id}"


class MediatorNote(models.Model):
    """The mediator's private notes: seen only by the mediator assigned to the case, never by
    other staff, and never put in any document, export or timeline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediator_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Mediator note {self.pk}"


class CaseLink(models.Model):
    """Two related cases: siblings, or a new decision about the same child."""

    class Kind(models.TextChoices):
        SIBLING = "sibling", "Brother or sister"
        SAME_CHILD = "same_child", "Same child, another decision"
        OTHER = "other", "Other related case"

    from_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_out")
    to_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_case", "to_case"], name="unique_case_link"),
            models.CheckConstraint(
                condition=~models.Q(from_case=models.F("to_case")), name="no_self_link"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_case_id} ↔ {self.to_case_id}"


class MediatorConflict(models.Model):
    """A recorded reason a mediator must not take a case: a link to a family, school or LA."""

    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts"
    )
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.CASCADE
    )
    setting_name = models.CharField("School or setting", max_length=150, blank=True)
    family_name = models.CharField(max_length=120, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Conflict for mediator {self.mediator_id}"


class ParticipationDeclined(models.Model):
    """Someone declined to take part in disagreement resolution (it is voluntary, CFA 2014 s57):
    who, why (from the short list, and in their words, encrypted) and when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="declines")
    side = models.CharField(max_length=10, choices=Side.choices)
    reason_kind = models.CharField(max_length=20, choices=DeclineReason.choices)
    reason = EncryptedTextField(blank=True)
    declined_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-declined_on", "-id"]
        # Reports: declines in a period, by side.
        indexes = [models.Index(fields=["declined_on", "side"], name="declined_on_side_idx")]

    def __str__(self) -> str:
        return f"Declined by {self.side} on {self.declined_on}"


class IssueTheme(models.Model):
    """One kind of matter families and LAs disagree about (a theme of the reports): the service
    keeps the list, and managers add to it. A theme is never deleted once used; one no longer
    offered is made inactive, and the cases that have it keep it."""

    name = models.CharField(max_length=120, unique=True)
    hint = models.CharField(
        max_length=200,
        blank=True,
        help_text="A short explanation shown beside the name, for example what it covers.",
    )
    active = models.BooleanField(
        default=True, help_text="Only active issues can be added to cases."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Issues are listed in this order (lowest first), then by name."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class CaseIssue(models.Model):
    """One issue in dispute on a case, from the service's list (IssueTheme). The outcome
    statement gives each its own result (mediation.outcomes.models.IssueOutcome)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disputed_issues")
    theme = models.ForeignKey(IssueTheme, on_delete=models.PROTECT, related_name="case_issues")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["theme__position", "theme__name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "theme"], name="unique_case_issue"),
        ]
        # Reports: cases with each issue (by the case's opening date, through the case).
        indexes = [models.Index(fields=["theme", "case"], name="case_issue_theme_idx")]

    def __str__(self) -> str:
        return f"{self.theme_id} on case {self.case_id}"
