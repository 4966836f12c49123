from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, object]:
    """The provider's names, for the header, footer and page titles."""
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "PROVIDER_NAME": settings.PROVIDER_NAME,
        "SHOW_DEV_OUTBOX": settings.SHOW_DEV_OUTBOX,
    }
