from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from mediation.common.service_details import service_contact


def service(request: HttpRequest) -> dict[str, object]:
    """The provider's names, for the header, footer and page titles, and how to reach it
    (SERVICE_CONTACT, read only by pages that show it)."""
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "PROVIDER_NAME": settings.PROVIDER_NAME,
        "SHOW_DEV_OUTBOX": settings.SHOW_DEV_OUTBOX,
        "SERVICE_CONTACT": SimpleLazyObject(service_contact),
    }
