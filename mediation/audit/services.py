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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from mediation.audit import chain
from mediation.audit.models import AuditEvent, AuditSeal, AuditUnsealed

logger = logging.getLogger(__name__)

# The PostgreSQL advisory lock that lets one sealer at a time extend the chain ("audit" in hex).
SEALER_LOCK = 0x6175646974
# Events sealed per transaction: short transactions, so the lock is never held for long.
SEAL_BATCH = 1000


def _fields_of(event: AuditEvent) -> dict[str, Any]:
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
    from mediation.common.security import client_address

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
    The event is written at once and sealed into the chain in order (see the module's doc).
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    if user is not None:
        role = getattr(user, "role", "")
    else:
        role = actor[:30] if isinstance(actor, str) else ""
    event = AuditEvent.objects.create(
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
            fields=_fields_of(event),
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
    from mediation.common.bulk import insert_rows, next_id, reset_sequences

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


@dataclass
class AuditCheck:
    """What `audit_verify` found: the problems in the order met, the first one first."""

    sealed: int = 0
    waiting: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)
    first_bad_event_id: int | None = None
    newest_checkpoint: str = ""

    @property
    def whole(self) -> bool:
        return not self.problems

    def problem(self, text: str, event_id: int | None = None) -> None:
        if not self.problems:
            self.first_bad_event_id = event_id
        self.problems.append(text)

    def summary(self) -> str:
        if self.problems:
            return self.problems[0]
        checked = (
            f"checked against {self.checkpoints} checkpoint{'s' if self.checkpoints != 1 else ''}"
            if self.checkpoints
            else "no checkpoint has been written yet, so the removal of the newest events "
            "could not be checked"
        )
        waiting = f"; {self.waiting} newer events are waiting to be sealed" if self.waiting else ""
        return f"The audit log is whole: {self.sealed} events sealed, {checked}{waiting}"


def _walk_chain(check: AuditCheck, macs_wanted: Iterable[int] = ()) -> dict[int, tuple[str, int]]:
    """Recompute every seal's MAC in order. Returns (mac, event id) for the numbers asked for."""
    wanted = set(macs_wanted)
    found: dict[int, tuple[str, int]] = {}
    expected_seq, previous, previous_event = 1, chain.GENESIS_MAC, None
    keys = chain.configured_keys()
    seals = AuditSeal.objects.select_related("event").order_by("seq")
    for seal in seals.iterator(chunk_size=2000):
        event = seal.event
        if seal.seq != expected_seq:
            after = f"after event {previous_event}" if previous_event else "at the start"
            check.problem(
                f"Events sealed as numbers {expected_seq} to {seal.seq - 1} are missing "
                f"({after}, before event {event.pk}): they have been removed",
                event.pk,
            )
            return found
        if seal.key_id not in keys:
            check.problem(
                f"Event {event.pk} (number {seal.seq}) was sealed under key {seal.key_id!r}, "
                "which is not in AUDIT_HMAC_KEYS: add the key back to check it",
                event.pk,
            )
            return found
        mac = chain.seal_mac(
            key_id=seal.key_id,
            seq=seal.seq,
            previous_mac=previous,
            event_id=event.pk,
            fields=_fields_of(event),
        )
        if not chain.same(mac, seal.mac):
            check.problem(
                f"Event {event.pk} (number {seal.seq} in the chain) has been changed, moved or "
                "replaced since it was sealed",
                event.pk,
            )
            return found
        if seal.seq in wanted:
            found[seal.seq] = (seal.mac, event.pk)
        previous, previous_event = seal.mac, event.pk
        expected_seq += 1
        check.sealed += 1
    return found


def _unchained_events(check: AuditCheck) -> None:
    """Events that are neither sealed nor waiting: written around the sealer, or unsealed."""
    stray = (
        AuditEvent.objects.filter(seal__isnull=True)
        .exclude(id__in=AuditUnsealed.objects.values("event_id"))
        .order_by("id")
        .values_list("id", flat=True)
    )
    first = stray.first()
    if first is not None:
        check.problem(
            f"Event {first} is not in the chain and not waiting to be sealed: it was added "
            "behind the application's back, or its seal was removed",
            first,
        )
    check.waiting = AuditUnsealed.objects.count()


def audit_verify(*, checkpoints: Sequence[Any] | None = None) -> AuditCheck:
    """Seal what is waiting, then check every seal, every event and every checkpoint.

    `checkpoints` defaults to those in AUDIT_CHECKPOINT_DIR (a list of checkpoints.Checkpoint,
    or checkpoints.Unreadable for a file that cannot be trusted).
    """
    from mediation.audit import checkpoints as anchors

    audit_seal_pending()
    check = AuditCheck()
    found = anchors.read_all() if checkpoints is None else list(checkpoints)
    good = [c for c in found if isinstance(c, anchors.Checkpoint)]
    macs = _walk_chain(check, macs_wanted={c.count for c in good})
    _unchained_events(check)
    for bad in (c for c in found if isinstance(c, anchors.Unreadable)):
        check.problem(f"The checkpoint {bad.name} cannot be trusted: {bad.reason}")
    chain_complete = check.problems == []
    for checkpoint in sorted(good, key=lambda c: c.count):
        check.checkpoints += 1
        check.newest_checkpoint = checkpoint.name
        if not chain_complete:
            continue
        if checkpoint.count > check.sealed:
            check.problem(
                f"Events sealed as numbers {check.sealed + 1} to {checkpoint.count} are missing: "
                f"the checkpoint {checkpoint.name} (written {checkpoint.written_at}) recorded "
                f"{checkpoint.count} events, the newest being event {checkpoint.head_event_id}, "
                f"but the log now ends at number {check.sealed}. The newest events have been "
                "removed",
                checkpoint.head_event_id,
            )
            chain_complete = False
        elif checkpoint.count and (
            checkpoint.count not in macs
            or not chain.same(macs[checkpoint.count][0], checkpoint.head_mac)
            or macs[checkpoint.count][1] != checkpoint.head_event_id
        ):
            event_id = macs.get(checkpoint.count, ("", None))[1]
            check.problem(
                f"The log up to number {checkpoint.count} is not the one the checkpoint "
                f"{checkpoint.name} recorded: it has been rebuilt since",
                event_id,
            )
            chain_complete = False
    return check


def audit_verify_chain() -> int | None:
    """Seal what is waiting, then return the id of the first event whose seal does not follow
    from the one before (or that is missing from the chain), or None. Checkpoints are not read:
    `audit_verify` does that too."""
    audit_seal_pending()
    check = AuditCheck()
    _walk_chain(check)
    _unchained_events(check)
    if check.problems:
        return check.first_bad_event_id or -1
    return None
