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
from mediation.common.bulk import insert_rows
from mediation.timeline.models import TimelineEntry, TimelineKind

SUMMARY_MAX = 1000  # TimelineEntry.summary's length: longer lines are cut, never refused


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

    `by` is a staff user, None (the system), a string naming someone without an account,
    such as "portal:party:12" (see audit_record), or an LA's system using the API
    (mediation.authorities.actors.AuthoritySystem, whose `history_suffix` ends each line).
    `summary` is the line people read; a list gives one line each (a form that changed several
    dates) under one audit event, and None
    (or an empty list) records the audit event alone, for a change with nothing new to show
    (an agreed action saved unchanged). `verb`, `target`, `request` and `detail` are the audit
    event's (audit_record); its case is `case`. `contact` or `note` link the line to the
    record it summarises. Returns the last line written, if any. Call inside the transaction
    of the change.
    """
    lines = [summary] if isinstance(summary, str) else list(summary or ())
    # Someone without an account (an LA's system through the API) says where the line came from.
    suffix = getattr(by, "history_suffix", "")
    lines = [line[: SUMMARY_MAX - len(suffix)] + suffix for line in lines] if suffix else lines
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


def timeline_take_over(
    *,
    case: models.Model,
    by: Any,
    lines: Sequence[tuple[datetime, str, str, str]],
    source: str,
    request: HttpRequest | None = None,
) -> int:
    """The history of a case handed over from another provider (mediation.exchange): each line
    (at, kind, summary, who did it there) kept with its own time, in one insert, and one audit
    event naming where it came from. Returns how many lines were written."""
    known = set(TimelineKind.values)
    written = TimelineEntry.objects.bulk_create(
        TimelineEntry(
            case_id=case.pk,
            at=at,
            kind=kind if kind in known else TimelineKind.DETAILS,
            summary=summary[:SUMMARY_MAX],
            actor_name=who[:150],
        )
        for at, kind, summary, who in lines
    )
    audit_record(
        actor=by,
        verb="timeline.take_over",
        target=case,
        case_id=case.pk,
        request=request,
        detail={"lines": len(written), "source": source[:200]},
    )
    return len(written)


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


def timeline_lines_many(*, lines: Sequence[tuple[int, str]], by: Any, kind: str) -> int:
    """`timeline_lines` for many cases at once: (case id, line) pairs, written in one COPY
    (PostgreSQL) or executemany (SQLite), for a recompute of every open case. Returns the
    number of lines."""
    actor = _history_actor(by)
    actor_id = None if actor is None else actor.pk
    now = timezone.now()
    return insert_rows(
        TimelineEntry,
        ("case_id", "at", "actor_id", "kind", "summary", "contact_id", "note_id"),
        ((case_id, now, actor_id, kind, line[:SUMMARY_MAX], None, None) for case_id, line in lines),
    )
