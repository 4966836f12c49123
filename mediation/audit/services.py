"""Writing, sealing and checking the audit log. No other module writes audit rows.

An event is written at once, with no lock (`audit_record`), and sealed into the keyed chain in
order by the sealer (`audit_seal_pending`): on SQLite in the same transaction (SQLite runs one
writer at a time anyway), on PostgreSQL by a short step after the commit that skips if another
sealer is at work, and by the worker every few seconds, the audit log page and `audit_verify`,
so nothing stays unsealed (ADR 0024). `audit_verify` checks the whole chain and the signed
checkpoints kept outside the database (mediation/audit/checkpoints.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from mediation.audit import chain
from mediation.audit.models import AuditEvent, AuditSeal, AuditUnsealed
from mediation.common.bulk import insert_rows, next_id, reset_sequences
from mediation.common.http import client_address

logger = logging.getLogger(__name__)

# The PostgreSQL advisory lock that lets one sealer at a time extend the chain ("audit" in hex).
SEALER_LOCK = 0x6175646974
# Events sealed per transaction: short transactions, so the lock is never held for long.
SEAL_BATCH = 1000


def event_fields_of(event: AuditEvent) -> dict[str, Any]:
    """The fields of an event its seal's MAC covers (mediation.audit.chain)."""
    return chain.event_fields(
        at=event.at,
        actor_id=event.actor_id,
        actor_role=event.actor_role,
        verb=event.verb,
        object_type=event.object_type,
        object_id=event.object_id,
        case_id=event.case_id,
        ip_address=event.ip_address,
        request_id=event.request_id,
        detail=event.detail,
    )


def client_ip(request: HttpRequest | None) -> str | None:
    # The same rule as the lockout: X-Forwarded-For is set by clients too, so only the entries
    # our own proxies add (TRUSTED_PROXY_COUNT) are believed.
    if request is None:
        return None
    return client_address(request)


@transaction.atomic
def audit_record(
    *,
    actor: Any,
    verb: str,
    target: models.Model | None = None,
    case_id: int | None = None,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
    target_label: tuple[str, str] | None = None,
) -> AuditEvent:
    """Append one audit event. Call inside the transaction of the change it records.

    `actor` is a staff user, None (an anonymous visitor), or a string naming someone without an
    account, e.g. "portal:party:12" for a party using the portal; the string is kept as the role.
    An object with an `audit_name` (an LA's system using the API, "api:token:3") is kept the
    same way. The event is written at once and sealed into the chain in order (see the
    module's doc). `target_label` names the object by (model label, id) when the row itself is
    not at hand.
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    if user is not None:
        role = getattr(user, "role", "")
    elif isinstance(actor, str):
        role = actor[:30]
    else:
        role = str(getattr(actor, "audit_name", ""))[:30]
    if target is not None:
        object_type, object_id = target._meta.label_lower, str(target.pk)
    else:
        object_type, object_id = target_label or ("", "")
    event = AuditEvent.objects.create(
        at=timezone.now(),
        actor=user,
        actor_role=role,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        ip_address=client_ip(request),
        request_id=getattr(request, "request_id", "") if request is not None else "",
        detail=detail or {},
    )
    if _seals_at_once():
        # SQLite: this transaction already holds the database's only write lock.
        _seal([event])
    else:
        AuditUnsealed.objects.create(event=event)
        transaction.on_commit(_seal_after_commit, robust=True)
    return event


def _seals_at_once() -> bool:
    return connection.vendor == "sqlite"


_last_sealed_after_commit = 0.0


def _seal_after_commit() -> None:
    """Seal soon after the commit, at most once every AUDIT_SEAL_AFTER_COMMIT_SECONDS in this
    process (one step seals every event waiting, so under load one request a second pays for
    it; the worker's sweep seals the rest within seconds). Never waits: if another sealer holds
    the lock, it will seal this event too, or the next run will."""
    global _last_sealed_after_commit
    now = time.monotonic()
    if now - _last_sealed_after_commit < settings.AUDIT_SEAL_AFTER_COMMIT_SECONDS:
        return
    _last_sealed_after_commit = now
    audit_seal_pending(wait=False)


def _take_sealer_lock(*, wait: bool) -> bool:
    """Inside a transaction: the right to extend the chain until it ends."""
    if connection.vendor != "postgresql":
        return True  # SQLite: the write transaction is the lock (IMMEDIATE, settings/base.py)
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEALER_LOCK])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEALER_LOCK])
        return bool(cursor.fetchone()[0])


def _chain_head() -> tuple[int, str]:
    head = AuditSeal.objects.order_by("-seq").values_list("seq", "mac").first()
    return head if head is not None else (0, chain.GENESIS_MAC)


def _seal(events: Sequence[AuditEvent]) -> None:
    """Seal `events` after the chain's head, in this order (caller holds the sealer lock)."""
    seq, previous = _chain_head()
    key_id = chain.current_key_id()
    seals = []
    for event in events:
        seq += 1
        previous = chain.seal_mac(
            key_id=key_id,
            seq=seq,
            previous_mac=previous,
            event_id=event.pk,
            fields=event_fields_of(event),
        )
        seals.append(AuditSeal(seq=seq, event_id=event.pk, key_id=key_id, mac=previous))
    AuditSeal.objects.bulk_create(seals)


def audit_seal_pending(*, wait: bool = True) -> int:
    """Seal every event waiting to be sealed, oldest id first; returns how many were sealed.

    With `wait=False` it gives up at once when another sealer is at work (it will seal them).
    """
    sealed = 0
    while True:
        with transaction.atomic():
            if not _take_sealer_lock(wait=wait):
                return sealed
            waiting = AuditUnsealed.objects.order_by("event_id").values("event_id")[:SEAL_BATCH]
            batch = list(AuditEvent.objects.filter(id__in=waiting).order_by("id"))
            if batch:
                _seal(batch)
                AuditUnsealed.objects.filter(event_id__in=[e.pk for e in batch]).delete()
        sealed += len(batch)
        if len(batch) < SEAL_BATCH:
            return sealed


def audit_unsealed_count() -> int:
    return AuditUnsealed.objects.count()


@dataclass(frozen=True)
class BulkAuditEvent:
    """One event for `audit_append_many`: the fields `audit_record` would fill from a request."""

    at: datetime  # aware
    actor_id: int | None
    actor_role: str
    verb: str
    object_type: str = ""
    object_id: str = ""
    case_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


_BULK_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_role",
    "verb",
    "object_type",
    "object_id",
    "case_id",
    "ip_address",
    "request_id",
    "detail",
    "previous_hash",
)
_SEAL_COLUMNS = ("seq", "event_id", "key_id", "mac")


def audit_append_many(events: Sequence[BulkAuditEvent]) -> int:
    """Append many events at once, in the given order, and seal them into the chain.

    The documented bulk path (used by the synthetic data generator): under the sealer lock it
    first seals anything waiting, then writes the events with consecutive ids and their seals
    with consecutive numbers (COPY on PostgreSQL), each MAC computed exactly as the sealer
    would, and moves PostgreSQL's id sequence past them, so `audit_verify` passes and later
    appends carry on the chain. Returns the number of events written.
    """
    if not events:
        return 0
    audit_seal_pending()
    with transaction.atomic():
        _take_sealer_lock(wait=True)
        first_id = next_id(AuditEvent)
        seq, previous = _chain_head()
        key_id = chain.current_key_id()
        rows, seals = [], []
        for offset, event in enumerate(events):
            event_id = first_id + offset
            seq += 1
            previous = chain.seal_mac(
                key_id=key_id,
                seq=seq,
                previous_mac=previous,
                event_id=event_id,
                fields=chain.event_fields(
                    at=event.at,
                    actor_id=event.actor_id,
                    actor_role=event.actor_role,
                    verb=event.verb,
                    object_type=event.object_type,
                    object_id=event.object_id,
                    case_id=event.case_id,
                    ip_address=None,
                    request_id="",
                    detail=event.detail,
                ),
            )
            rows.append(
                (
                    event_id,
                    event.at,
                    event.actor_id,
                    event.actor_role,
                    event.verb,
                    event.object_type,
                    event.object_id,
                    event.case_id,
                    None,
                    "",
                    event.detail,
                    "",
                )
            )
            seals.append((seq, event_id, key_id, previous))
        insert_rows(AuditEvent, _BULK_COLUMNS, rows)
        insert_rows(AuditSeal, _SEAL_COLUMNS, seals)
        reset_sequences([AuditEvent])
    return len(rows)
