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
