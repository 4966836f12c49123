"""Links for many rows at once (work queues, the calendar), and links in messages: every link
in an email or letter is built from SITE_URL, the address the service is served at."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

_URL_SAFE = re.compile(r"[A-Za-z0-9-]+")
_MARKER = "VALUE"


def url_for_each(view_name: str) -> Callable[[str], str]:
    """`reverse(view_name, args=[value])` for many values, with one reverse for them all.

    A page of 25 or hundreds of rows links each to a page whose URL differs only in one value
    (a case reference), and reverse() is among the most expensive calls on such a page. A value
    of letters, digits and hyphens (every reference), which reverse() would leave as it is, is
    put into the one reversed pattern; anything else still goes through reverse().
    """
    head, _marker, tail = reverse(view_name, args=[_MARKER]).rpartition(_MARKER)

    def url(value: str) -> str:
        if _URL_SAFE.fullmatch(value):
            return f"{head}{value}{tail}"
        return reverse(view_name, args=[value])

    return url


def site_url(path: str = "/") -> str:
    """The full address of `path` on this service ("https://mediation.example.org/portal/"),
    for emails and letters. SITE_URL follows `make run PORT=...` in development."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def site_domain() -> str:
    """The host name the service is served at (for Message-IDs): "mediation.example.org"."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"
