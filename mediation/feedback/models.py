"""What the people on a case thought of the service: the end-of-case survey.

- `SurveyInvitation`: one person asked, once a case, when it closed: a parent or carer, a young
  person, the LA's officer, and a child who gave their views (asked in child-friendly words,
  through the adult who helped them or themselves). The link is the portal's single-use,
  expiring link (an access of kind "feedback" opening the survey only); someone with no email
  address is asked by phone and staff record the answers.
- `SurveyResponse`: the answers of one person: how satisfied, whether they felt heard, whether
  the information was clear, whether they would recommend the service, and anything else they
  want to say (kept encrypted; the reports show it with names, emails and phone numbers taken
  out). One a person a case, through the link or recorded by staff from a phone call.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from mediation.cases.models import Case, Party
from mediation.common.encryption import EncryptedTextField


class Participant(models.TextChoices):
    """The kinds of people the reports count apart."""

    PARENT = "parent", "Parents and carers"
    YOUNG_PERSON = "young_person", "Young people"
    LA_OFFICER = "la_officer", "Local authority officers"
    CHILD = "child", "Children who gave their views"


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", "Very satisfied"
    SATISFIED = "satisfied", "Satisfied"
    NEITHER = "neither", "Neither satisfied nor dissatisfied"
    DISSATISFIED = "dissatisfied", "Dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied", "Very dissatisfied"


SATISFIED = (Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED)


class Agreement(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class Recommend(models.TextChoices):
    YES = "yes", "Yes"
    NOT_SURE = "not_sure", "Not sure"
    NO = "no", "No"


class GivenVia(models.TextChoices):
    LINK = "link", "Through the survey link"
    PHONE = "phone", "By phone, recorded by staff"
    PAPER = "paper", "On paper or by email, recorded by staff"


class SurveyInvitation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="survey_invitations")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    participant = models.CharField(max_length=20, choices=Participant.choices)
    # The portal access whose link was emailed (None: no email address, to ask by phone).
    access = models.ForeignKey(
        "portal.PortalAccess", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_to = models.EmailField(blank=True)
    message_id = models.BigIntegerField(null=True, blank=True)
    answer_by = models.DateField(null=True, blank=True)
    invited_at = models.DateTimeField(default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "party"], name="one_survey_a_person_a_case")
        ]

    def __str__(self) -> str:
        return f"Survey for party {self.party_id} on case {self.case_id}"


class SurveyResponse(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="survey_responses")
    party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    participant = models.CharField(max_length=20, choices=Participant.choices)
    invitation = models.OneToOneField(
        SurveyInvitation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="response",
    )
    satisfaction = models.CharField(max_length=20, choices=Satisfaction.choices)
    felt_heard = models.CharField(max_length=10, choices=Agreement.choices)
    information_clear = models.CharField(max_length=10, choices=Agreement.choices)
    would_recommend = models.CharField(max_length=10, choices=Recommend.choices)
    comment = EncryptedTextField(blank=True)
    given_via = models.CharField(max_length=10, choices=GivenVia.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-answered_at", "-id"]
        indexes = [
            # Reports: answers given in a period, for one LA or all (through the case).
            models.Index(fields=["answered_at", "case"], name="survey_answered_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "party"],
                condition=models.Q(party__isnull=False),
                name="one_answer_a_person_a_case",
            )
        ]

    def __str__(self) -> str:
        return f"Survey answers {self.pk} on case {self.case_id}"

    @property
    def satisfied(self) -> bool:
        return self.satisfaction in SATISFIED
