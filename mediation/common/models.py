"""The service's own contact details, set by managers (Manage → Service details).

One row. Every page footer, email and letter that tells someone how to reach the service reads
it through `mediation.common.service_details.service_contact`, so every text that asks
someone to ring shows the number.
"""

from __future__ import annotations

from django.db import models


class ServiceDetails(models.Model):
    name = models.CharField(
        "Service name",
        max_length=120,
        help_text="The name families and local authorities know you by.",
    )
    phone = models.CharField(
        "Phone number",
        max_length=30,
        blank=True,
        help_text="The number people ring about their case, for example 0161 496 0000.",
    )
    opening_hours = models.CharField(
        "Opening hours",
        max_length=120,
        blank=True,
        help_text="When the phone is answered, for example Monday to Friday, 9am to 5pm.",
    )
    email = models.EmailField(
        "Email address", blank=True, help_text="Where people can email you about their case."
    )
    postal_address = models.TextField(
        "Postal address", blank=True, help_text="Printed on letters. One line each."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "service details"
        verbose_name_plural = "service details"

    def __str__(self) -> str:
        return self.name
