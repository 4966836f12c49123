"""Writing and checking the audit log. No other module writes AuditEvent rows."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from mediation.audit.models import AuditChainHead, AuditEvent
from mediation.common.bulk import insert_rows, next_id, reset_sequences
from mediation.common.http import client_address

GENESIS_HASH = "0" * 64


def _event_hash(previous_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous_hash}|{canonical}".encode()).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_role": event.actor_role,
        "verb": event.verb,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "case_id": event.case_id,
        "ip_address": event.ip_address,
        "request_id": event.request_id,
        "detail": event.detail,
    }


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
) -> AuditEvent:
    """Append one audit event. Call inside the transaction of the change it records.

    `actor` is a staff user, None (an anonymous visitor), or a string naming someone without an
    account, e.g. "portal:party:12" for a party using the portal; the string is kept as the role.
    """
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS_HASH}
    )
    user = actor if getattr(actor, "is_authenticated", False) else None
    if user is not None:
        role = getattr(user, "role", "")
    else:
        role = actor[:30] if isinstance(actor, str) else ""
    event = AuditEvent(
        at=timezone.now(),
        actor=user,
        actor_role=role,
        verb=verb,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        case_id=case_id,
        ip_address=client_ip(request),
        request_id=getattr(request, "request_id", "") if request is not None else "",
        detail=detail or {},
        previous_hash=head.last_hash,
    )
    event.hash = _event_hash(head.last_hash, _hashed_fields(event))
    event.save()
    AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash)
    return event


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
    "hash",
)


def audit_append_many(events: Sequence[BulkAuditEvent]) -> int:
    """Append many events at once, in the given order, continuing the hash chain.

    The documented bulk path (used by the synthetic data generator): it takes the same lock
    on the chain head as `audit_record`, computes each event's hash from the one before exactly
    as `audit_record` does, writes the rows with consecutive ids (COPY on PostgreSQL), moves the
    head, and moves PostgreSQL's id sequence past them, so `audit_verify_chain` passes and
    later single appends carry on the chain. Returns the number of events written.
    """
    if not events:
        return 0
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS_HASH}
        )
        first_id = next_id(AuditEvent)
        previous = head.last_hash
        rows = []
        for offset, event in enumerate(events):
            fields = {
                "at": event.at.isoformat(),
                "actor": event.actor_id,
                "actor_role": event.actor_role,
                "verb": event.verb,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "case_id": event.case_id,
                "ip_address": None,
                "request_id": "",
                "detail": event.detail,
            }
            digest = _event_hash(previous, fields)
            rows.append(
                (
                    first_id + offset,
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
                    previous,
                    digest,
                )
            )
            previous = digest
        insert_rows(AuditEvent, _BULK_COLUMNS, rows)
        AuditChainHead.objects.filter(pk=1).update(last_hash=previous)
        reset_sequences([AuditEvent])
    return len(rows)


def audit_verify_chain() -> int | None:
    """Return the id of the first event whose hash does not follow from the one before, or None."""
    previous = GENESIS_HASH
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != previous or event.hash != _event_hash(
            previous, _hashed_fields(event)
        ):
            return event.pk
        previous = event.hash
    return None
