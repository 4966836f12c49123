"""The rows of the case table (My work, the team queue, the case list), ready to print.

A work-queue page prints 25 rows of about ten values. Done in the template, each row cost a URL
reverse, two or three `date` filters and a dictionary lookup: most of the page's time (make bench,
ADR 0019). Here each value is worked out once, with plain string formatting that gives exactly
what the template filters gave (`test_tables.py` compares them), and the template only prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Protocol

from django.db.models import Field, QuerySet
from django.utils import timezone

from mediation.cases.models import Case
from mediation.common.links import url_for_each
from mediation.domain.dates import format_day, format_month


def short_local_time(moment: datetime) -> str:
    """Django's `date:"j M Y, H:i"` of an aware datetime in the service's time zone."""
    local = timezone.localtime(moment)
    return f"{local.day} {format_month(local)} {local.year}, {local:%H:%M}"


# The columns a row needs, so a page of the table reads these and not all ninety (the case,
# its LA, its owner and its mediator). Reading any other field of these cases would cost a
# query per row: the pinned query counts in test_list_queries.py would catch it.
TABLE_COLUMNS = (
    "reference", "route", "status", "child_first_name", "child_last_name", "last_activity_at",
    "next_deadline_due", "next_deadline_code", "local_authority__name",
    "owner__first_name", "owner__last_name", "owner__username",
)  # fmt: skip


def for_case_table(cases: QuerySet[Case]) -> QuerySet[Case]:
    return (
        cases.select_related(None).select_related("local_authority", "owner").only(*TABLE_COLUMNS)
    )


@cache
def _labels(field_name: str) -> dict[str, str]:
    """A choice field's labels by value: what get_FOO_display gives, without rebuilding the
    mapping on every call as Django does (the choices are fixed in the code)."""
    field = Case._meta.get_field(field_name)
    assert isinstance(field, Field)
    return {value: str(label) for value, label in field.flatchoices}


def _display(case: Case, field_name: str) -> str:
    value = getattr(case, field_name)
    return _labels(field_name).get(value, value)


class NextDeadline(Protocol):
    """What a row shows of the case's next deadline: mediation.deadlines.selectors.DeadlineView
    has these (the work queues pass them in; this app sits below the deadlines app)."""

    @property
    def due(self) -> date: ...
    @property
    def label(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def tag_class(self) -> str: ...


@dataclass(frozen=True)
class CaseRow:
    url: str
    reference: str
    child_name: str
    next_deadline: NextDeadline | None
    next_deadline_due: str
    local_authority: str
    route: str
    status: str
    is_open: bool
    owner: str
    last_activity: str


def case_rows(
    cases: list[Case], next_deadlines: Mapping[int, NextDeadline] | None = None
) -> list[CaseRow]:
    """One row per case. The cases need local_authority and owner selected with them."""
    case_url = url_for_each("cases:detail")
    rows = []
    for case in cases:
        deadline = next_deadlines.get(case.pk) if next_deadlines else None
        rows.append(
            CaseRow(
                url=case_url(case.reference),
                reference=case.reference,
                child_name=case.child_name,
                next_deadline=deadline,
                next_deadline_due=format_day(deadline.due) if deadline else "",
                local_authority=case.local_authority.name,
                route=_display(case, "route"),
                status=_display(case, "status"),
                is_open=case.is_open,
                owner=case.owner.display_name if case.owner_id else "",
                last_activity=short_local_time(case.last_activity_at),
            )
        )
    return rows
