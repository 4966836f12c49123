"""Cases with exact event dates for report tests, with their deadlines stored by the real
deadline engine (mediation.deadlines.services.deadline_recalculate)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from mediation.cases.models import Case, Party
from mediation.deadlines.services import deadline_recalculate
from mediation.domain.case_states import CaseState

_numbers = itertools.count(1)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make_case(authority, owner, **fields: Any) -> Case:
    """A case with the given fields (event dates, route, outcome...), deadlines computed."""
    number = next(_numbers)
    values: dict[str, Any] = {
        "reference": f"RPT-2026-{number:05d}",
        "route": "mediation",
        "status": CaseState.ARRANGING.value,
        "local_authority": authority,
        "owner": owner,
        "child_first_name": "Isla",
        "child_last_name": "Whitfield",
        "child_date_of_birth": date(2016, 4, 12),
        "decision_type": "refuse_assessment",
        "notice_sent_on": date(2026, 1, 5),
        "opened_at": at(date(2026, 1, 12)),
    }
    values.update(fields)
    if values["status"] == CaseState.CLOSED.value and not values.get("closed_at"):
        values["closed_at"] = timezone.now()
    case = Case.objects.create(**values)
    Party.objects.create(
        case=case, role="parent_carer", name="Sarah Whitfield", phone="07700 900123"
    )
    deadline_recalculate(case=case)
    return case
