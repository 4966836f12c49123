"""Ways to put people on a case in tests, through the services."""

from __future__ import annotations

from typing import Any

from mediation.cases.models import Party
from mediation.parties import services


def person(case, by, role: str, name: str, **extra: Any) -> Party:
    data: dict[str, Any] = {
        "role": role,
        "name": name,
        "preferred_contact": "phone",
        "language": "English",
    }
    if role == "information_provider":
        data.setdefault("organisation", "Hollybank Primary School")
        data.setdefault("provider_kind", "school")
    if role == "supporter":
        data.setdefault("supporter_kind", "iass_worker")
    data.update(extra)
    return services.party_add(case=case, by=by, data=data)


def parent_of(case) -> Party:
    return case.parties.get(role="parent_carer")
