"""Reading the audit log: managers search it to answer "who looked at this case, and when"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from mediation.audit.models import AuditEvent
from mediation.common.days import day_start

# What a manager can ask for, in words, mapped to the verbs recorded (prefix match on "x.").
VERB_GROUPS: dict[str, tuple[str, str]] = {
    "reads": ("Cases opened or read", "case.view"),
    # One verb for both: a document the service made and a file someone sent (the log is
    # append-only, so the verbs already recorded keep their meaning).
    "downloads": ("Documents and files downloaded", "document.download"),
    "denied": ("Refused access", "access.denied"),
    "sign_in": ("Sign-ins, codes and sign-outs", "auth."),
    "exports": ("Exports and reports downloaded", "export."),
    "changes": ("Changes to cases", "case."),
    "privacy": ("Retention, subject access and erasure", "privacy."),
}


@dataclass(frozen=True)
class AuditFilters:
    case_id: int | None = None
    actor_id: int | None = None
    verb_group: str = ""
    on_or_after: date | None = None
    on_or_before: date | None = None
    ip_address: str = ""


def audit_search(filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Newest first; every filter uses an index (case, actor, verb, time)."""
    events = AuditEvent.objects.select_related("actor").order_by("-id")
    if filters.case_id is not None:
        events = events.filter(case_id=filters.case_id)
    if filters.actor_id is not None:
        events = events.filter(actor_id=filters.actor_id)
    if filters.verb_group in VERB_GROUPS:
        verb = VERB_GROUPS[filters.verb_group][1]
        events = (
            events.filter(verb__startswith=verb) if verb.endswith(".") else events.filter(verb=verb)
        )
    if filters.on_or_after is not None:
        events = events.filter(at__gte=day_start(filters.on_or_after))
    if filters.on_or_before is not None:
        events = events.filter(at__lt=day_start(filters.on_or_before + timedelta(days=1)))
    if filters.ip_address:
        events = events.filter(ip_address=filters.ip_address)
    return events
