"""Reading the audit log: managers search it to answer "who looked at this case, and when"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from mediation.audit.models import AuditEvent
from mediation.common.days import day_start

# What a manager can ask for, in words, mapped to the verbs recorded ("x." matches every verb
# starting "x."). The log is append-only, so verbs recorded before ADR 0029 keep their meaning:
# reads were "case.view" and "child_views.view", now every read is "read" ("portal.view" for
# a party's) naming its object.
VERB_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "reads": (
        "Cases and records read",
        ("read", "portal.view", "case.view", "child_views.view"),
    ),
    # One verb for both: a document the service made and a file someone sent.
    "downloads": ("Documents and files downloaded", ("document.download", "upload.download")),
    "denied": ("Refused access", ("access.denied",)),
    "sign_in": ("Sign-ins, codes and sign-outs", ("auth.",)),
    "exports": ("Exports and reports downloaded", ("export.",)),
    "changes": ("Changes to cases", ("case.",)),
    "privacy": ("Retention, subject access and erasure", ("privacy.",)),
}
# Reads that an older prefix would otherwise count as changes.
_NOT_CHANGES = ("case.view",)


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
        verbs = VERB_GROUPS[filters.verb_group][1]
        exact = [verb for verb in verbs if not verb.endswith(".")]
        matches = Q(verb__in=exact) if exact else Q()
        for prefix in (verb for verb in verbs if verb.endswith(".")):
            matches |= Q(verb__startswith=prefix)
        events = events.filter(matches)
        if filters.verb_group == "changes":
            events = events.exclude(verb__in=_NOT_CHANGES)
    if filters.on_or_after is not None:
        events = events.filter(at__gte=day_start(filters.on_or_after))
    if filters.on_or_before is not None:
        events = events.filter(at__lt=day_start(filters.on_or_before + timedelta(days=1)))
    if filters.ip_address:
        events = events.filter(ip_address=filters.ip_address)
    return events
