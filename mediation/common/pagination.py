"""Pagination that never counts the whole table.

Counting a million rows on every page costs more than the page itself, so a page fetches one
row more than it shows to learn whether there is a next page (GOV.UK pagination shows only
Previous and Next).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

PER_PAGE = 25
MAX_PAGE = 10_000


@dataclass(frozen=True)
class Page:
    items: list[Any]
    number: int
    has_previous: bool
    has_next: bool

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1


def page_number_from(raw: str | None) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def paginate(queryset: QuerySet[Any], *, number: int, per_page: int = PER_PAGE) -> Page:
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return Page(
        items=rows[:per_page], number=number, has_previous=number > 1, has_next=len(rows) > per_page
    )
