"""Links for many rows at once (work queues, the calendar)."""

from __future__ import annotations

import re
from collections.abc import Callable

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
