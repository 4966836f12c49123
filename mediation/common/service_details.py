"""How to reach the service: the one reader of ServiceDetails, for pages, emails and letters.

Pages read it on every request (the footer), so each process keeps it for
SERVICE_DETAILS_CACHE_SECONDS; a manager's change is seen at once by the process that saved it
and within that time by the others.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings

from mediation.common.models import ServiceDetails


@dataclass(frozen=True)
class ServiceContact:
    name: str
    phone: str
    opening_hours: str
    email: str
    postal_address: str

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.postal_address.splitlines() if line.strip()]

    @property
    def phone_with_hours(self) -> str:
        """ "0161 496 0000 (Monday to Friday, 9am to 5pm)", or "" without a number."""
        if not self.phone:
            return ""
        return f"{self.phone} ({self.opening_hours})" if self.opening_hours else self.phone

    @property
    def reach_us(self) -> str:
        """One sentence on how to reach us, with the number: never "phone us" alone."""
        ways = []
        if self.phone:
            ways.append(f"phone us on {self.phone_with_hours}")
        if self.email:
            ways.append(f"email us at {self.email}")
        if not ways:
            return f"Contact {self.name}."
        sentence = " or ".join(ways)
        return sentence[0].upper() + sentence[1:] + "."


_cached: tuple[float, ServiceContact] | None = None


def _defaults() -> dict[str, str]:
    return {
        "name": settings.PROVIDER_NAME,
        "phone": settings.SERVICE_PHONE,
        "opening_hours": settings.SERVICE_OPENING_HOURS,
        "email": settings.SERVICE_EMAIL,
        "postal_address": settings.SERVICE_POSTAL_ADDRESS,
    }


def service_details_row() -> ServiceDetails:
    """The one row, made from the settings' defaults the first time it is needed."""
    row = ServiceDetails.objects.order_by("pk").first()
    if row is None:
        row = ServiceDetails.objects.create(**_defaults())
    return row


def service_contact() -> ServiceContact:
    global _cached  # noqa: PLW0603 (a per-process cache of one small row)
    now = time.monotonic()
    if _cached is not None and now - _cached[0] < settings.SERVICE_DETAILS_CACHE_SECONDS:
        return _cached[1]
    row = ServiceDetails.objects.order_by("pk").first()
    values = _defaults()
    if row is not None:
        values = {
            "name": row.name or values["name"],
            "phone": row.phone,
            "opening_hours": row.opening_hours,
            "email": row.email,
            "postal_address": row.postal_address,
        }
    contact = ServiceContact(**values)
    _cached = (now, contact)
    return contact


def service_contact_forget() -> None:
    """Read the row again next time (after a manager saved it, and between tests)."""
    global _cached  # noqa: PLW0603
    _cached = None
