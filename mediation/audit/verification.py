"""Checking the audit log: every seal follows from the one before, no event is outside the
chain, and the chain is as long as every checkpoint kept outside the database says
(mediation/audit/checkpoints.py). Writing and sealing are mediation.audit.services."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mediation.audit import chain
from mediation.audit import checkpoints as anchors
from mediation.audit.models import AuditEvent, AuditSeal, AuditUnsealed
from mediation.audit.services import audit_seal_pending, event_fields_of


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
            fields=event_fields_of(event),
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
