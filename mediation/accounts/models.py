"""Staff users of the service. External parties never get accounts (they use portal links)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    CASE_OFFICER = "case_officer", "Case officer"
    MEDIATOR = "mediator", "Mediator"
    MANAGER = "manager", "Manager"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    """A member of the provider's staff.

    Case officers, managers and administrators see every case of the service; mediators see only
    the cases assigned to them (see mediation.cases.selectors.case_list_for_user).
    """

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CASE_OFFICER)
    # Independence (CFA 2014 s53(3)(b), s54(2)(b), s56): a mediator employed by a local authority
    # or health body must not mediate that body's cases. Recorded here, checked at allocation.
    employer_note = models.CharField(
        "Other employment",
        max_length=200,
        blank=True,
        help_text="Any local authority or health body this person also works for.",
    )
    employed_by_authorities = models.ManyToManyField(
        "authorities.LocalAuthority",
        blank=True,
        related_name="+",
        verbose_name="Local authorities this person is employed by",
    )
    employed_by_health_body = models.BooleanField(
        "Employed by an integrated care board or NHS England", default=False
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_mediator(self) -> bool:
        return self.role == Role.MEDIATOR

    @property
    def sees_all_cases(self) -> bool:
        return self.role in {Role.CASE_OFFICER, Role.MANAGER, Role.ADMINISTRATOR}

    @property
    def can_handle_enquiries(self) -> bool:
        return self.role in {Role.CASE_OFFICER, Role.MANAGER, Role.ADMINISTRATOR}

    @property
    def can_manage_service(self) -> bool:
        """Maintain local authorities and staff accounts."""
        return self.role in {Role.MANAGER, Role.ADMINISTRATOR}


class MediatorRegistration(models.Model):
    """A mediator's entry on a register of SEND mediators, and their accreditation.

    The registration holds up to and including `renews_on`; after that it has lapsed and the
    mediator is refused new cases (mediation.domain.register, mediation.cases.selectors).
    Managers are reminded once for each renewal date (mediation.accounts.register).
    """

    mediator = models.OneToOneField(User, on_delete=models.CASCADE, related_name="registration")
    register = models.CharField(
        "Register",
        max_length=120,
        help_text="For example: Civil Mediation Council, or College of Mediators.",
    )
    number = models.CharField("Registration number", max_length=40)
    renews_on = models.DateField("Renewal date")
    accreditation = models.CharField(
        "Accreditation",
        max_length=200,
        blank=True,
        help_text="For example: accredited SEND mediator (College of Mediators).",
    )
    accredited_on = models.DateField("Accredited on", null=True, blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["renews_on", "id"]
        indexes = [models.Index(fields=["renews_on"], name="registration_renews_idx")]

    def __str__(self) -> str:
        return f"{self.register} {self.number}"


class MediatorCpd(models.Model):
    """A mediator's continuing professional development (CPD) in one year, in hours."""

    mediator = models.ForeignKey(User, on_delete=models.CASCADE, related_name="cpd_years")
    year = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    note = models.CharField("What it was", max_length=300, blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "mediator CPD year"
        constraints = [
            models.UniqueConstraint(fields=["mediator", "year"], name="unique_cpd_year"),
            models.CheckConstraint(condition=models.Q(hours__gte=0), name="cpd_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"CPD {self.year}: {self.hours} hours"
