from datetime import date

from django.db import models


class LocalAuthority(models.Model):
    """A council that commissions the service and whose decisions are disputed in its cases."""

    name = models.CharField(max_length=120, unique=True)
    code = models.CharField(
        max_length=12, unique=True, help_text="A short code used in reports, for example NFD."
    )
    contact_email = models.EmailField(
        "Contact email",
        blank=True,
        help_text="Where the service sends notices and reports for this local authority.",
    )
    active = models.BooleanField(
        default=True, help_text="Only active local authorities can be chosen for new cases."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    """A contract under which several LAs commission the service together, led by one council.

    It has its own dates and its own prices per kind of case (invoicing tariffs of the
    contract); the lead council can be invoiced for the whole group, with a line per LA, and
    the quarterly report can be made for the contract as well as for one LA. An LA is in at
    most one contract on any day (the service refuses overlaps), and the lead is a member.
    """

    name = models.CharField(max_length=120, unique=True)
    lead = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="led_contracts")
    members = models.ManyToManyField(LocalAuthority, related_name="contracts")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="contract_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
