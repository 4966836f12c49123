"""The tracking webhook of the configured email provider, taken from django-anymail's own URLs
(so its authentication and signature checks come with it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from anymail import urls as anymail_urls
from django.core.exceptions import ImproperlyConfigured


def delivery_webhook(provider: str) -> Callable[..., Any]:
    name = f"{provider}_tracking_webhook"
    for pattern in anymail_urls.urlpatterns:
        if getattr(pattern, "name", None) == name:
            return pattern.callback
    raise ImproperlyConfigured(f"django-anymail has no tracking webhook for {provider!r}.")
