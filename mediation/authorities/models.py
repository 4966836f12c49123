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
    # The local SEND Information, Advice and Support Service (SENDIASS): free, impartial advice
    # for families, named in the portal and in letters (for example after an appeal deadline).
    iass_name = models.CharField(
        "SENDIASS name",
        max_length=120,
        blank=True,
        default="",
        db_default="",
        help_text="The local SEND Information, Advice and Support Service, for example Eastmoor SENDIASS.",
    )
    # Database defaults too, so rows written in bulk without these columns stay valid.
    iass_phone = models.CharField(
        "SENDIASS phone number", max_length=30, blank=True, default="", db_default=""
    )
    iass_email = models.EmailField("SENDIASS email address", blank=True, default="", db_default="")
    iass_website = models.URLField("SENDIASS website", blank=True, default="", db_default="")
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

    @property
    def iass_contact(self) -> str:
        """ "Eastmoor SENDIASS: phone 01632 960 111, email ...", or "" if none is set."""
        ways = [
            f"{label} {value}"
            for label, value in (
                ("phone", self.iass_phone),
                ("email", self.iass_email),
                ("website", self.iass_website),
            )
            if value
        ]
        if not ways:
            return ""
        return f"{self.iass_name or 'Your local SENDIASS'}: {', '.join(ways)}"


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
