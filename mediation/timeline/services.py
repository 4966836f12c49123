"""Writing a case's history. The only module that writes TimelineEntry rows.

`timeline_record` is the one call for a change on a case: it writes the line (or lines) people
read in the case's history and the audit event of the same change, in the caller's transaction,
and marks the case as active. `timeline_lines` writes lines that follow from a change recorded
elsewhere (the deadlines a recalculation moved). An event with no history line (a page read,
a sign-in) goes to mediation.audit.services.audit_record directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from mediation.audit.services import audit_record
from mediation.timeline.models import TimelineEntry, TimelineKind

SUMMARY_MAX = 300  # TimelineEntry.summary's length: longer lines are cut, never refused


def _history_actor(by: Any) -> Any:
    """The staff user for the history's "who" column; None for the system, an anonymous visitor
    or a party using the portal (the audit event keeps which party it was)."""
    return by if getattr(by, "is_authenticated", False) else None


def timeline_record(
    *,
    case: models.Model,
    by: Any,
    summary: str | Sequence[str] | None,
    verb: str,
    target: models.Model | None,
    kind: str = TimelineKind.DETAILS,
    at: datetime | None = None,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
    contact: models.Model | None = None,
    note: models.Model | None = None,
) -> TimelineEntry | None:
    """Record a change on `case`: its line in the case's history and its audit event.

    `by` is a staff user, None (the system), or a string naming someone without an account,
    such as "portal:party:12" (see audit_record). `summary` is the line people read; a list
    gives one line each (a form that changed several dates) under one audit event, and None
    (or an empty list) records the audit event alone, for a change with nothing new to show
    (an agreed action saved unchanged). `verb`, `target`, `request` and `detail` are the audit
    event's (audit_record); its case is `case`. `contact` or `note` link the line to the
    record it summarises. Returns the last line written, if any. Call inside the transaction
    of the change.
    """
    lines = [summary] if isinstance(summary, str) else list(summary or ())
    entry = None
    for line in lines:
        # By id: the case, contact and note are the cases app's, which sits above this one.
        entry = TimelineEntry.objects.create(
            case_id=case.pk,
            actor=_history_actor(by),
            kind=kind,
            summary=line[:SUMMARY_MAX],
            at=at or timezone.now(),
            contact_id=None if contact is None else contact.pk,
            note_id=None if note is None else note.pk,
        )
        # The case's class, not an import of it: the cases app sits above this one.
        type(case)._default_manager.filter(pk=case.pk).update(last_activity_at=timezone.now())
    audit_record(
        actor=by, verb=verb, target=target, case_id=case.pk, request=request, detail=detail
    )
    return entry


def timeline_lines(
    *, case: models.Model, by: Any, summaries: Sequence[str], kind: str
) -> list[TimelineEntry]:
    """Lines that follow from a change recorded elsewhere, such as each deadline a
    recalculation moved, in one insert. No audit event of their own (the change that caused
    them has it), and the case's last activity is left alone: a bank holiday moving a date is
    not activity on the case."""
    return TimelineEntry.objects.bulk_create(
        TimelineEntry(
            case_id=case.pk, actor=_history_actor(by), kind=kind, summary=line[:SUMMARY_MAX]
        )
        for line in summaries
    )
