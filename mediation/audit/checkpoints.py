"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint records how many events the chain holds and the MAC of the newest, signed under the
audit key (mediation/audit/chain.py). Written every AUDIT_CHECKPOINT_MINUTES by the task worker
and on demand (`manage.py audit_checkpoint`) into AUDIT_CHECKPOINT_DIR, which should be storage
the database's users cannot write to (another host's mount, or an append-only bucket); the
newest is emailed to the managers once a day (mediation.ops.audit_checkpoints, which knows who
the managers are). Someone who removes the newest events, seals and all, leaves a chain that
adds up, but shorter than a checkpoint says: `audit_verify` catches it.

Each file is one JSON object; a file copied from the daily email can be checked with
`manage.py audit_verify --checkpoint FILE`.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from mediation.audit import chain
from mediation.audit.models import AuditSeal
from mediation.audit.services import audit_seal_pending

FIELDS = ("version", "count", "head_event_id", "head_mac", "key_id", "written_at")


@dataclass(frozen=True)
class Checkpoint:
    name: str
    count: int
    head_event_id: int | None
    head_mac: str
    key_id: str
    written_at: str  # ISO 8601, UTC

    def as_json(self) -> str:
        body = _body(self)
        return json.dumps(body | {"signature": chain.checkpoint_signature(self.key_id, body)})


@dataclass(frozen=True)
class Unreadable:
    """A checkpoint file that cannot be trusted (unreadable, unsigned or signed wrongly)."""

    name: str
    reason: str


def _body(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "version": 1,
        "count": checkpoint.count,
        "head_event_id": checkpoint.head_event_id,
        "head_mac": checkpoint.head_mac,
        "key_id": checkpoint.key_id,
        "written_at": checkpoint.written_at,
    }


def directory() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def checkpoint_now() -> Checkpoint:
    """Seal what is waiting and describe the chain's head (without writing it anywhere)."""
    audit_seal_pending()
    head = AuditSeal.objects.order_by("-seq").values_list("seq", "mac", "event_id").first()
    count, mac, event_id = head if head is not None else (0, chain.GENESIS_MAC, None)
    written_at = timezone.now().astimezone(UTC)
    return Checkpoint(
        name="",
        count=count,
        head_event_id=event_id,
        head_mac=mac,
        key_id=chain.current_key_id(),
        written_at=written_at.isoformat(),
    )


def checkpoint_write(target: Path | None = None) -> tuple[Checkpoint, Path]:
    """Write a checkpoint of the chain as it is now; returns it and the file written.

    The file appears whole or not at all (written aside, flushed to disk, then renamed).
    """
    folder = target or directory()
    folder.mkdir(parents=True, exist_ok=True)
    checkpoint = checkpoint_now()
    stamp = datetime.fromisoformat(checkpoint.written_at).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"checkpoint-{stamp}-{checkpoint.count}.json"
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".checkpoint-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as file:
            file.write(checkpoint.as_json() + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(folder)
    return _named(checkpoint, path.name), path


def _named(checkpoint: Checkpoint, name: str) -> Checkpoint:
    return Checkpoint(
        name=name,
        count=checkpoint.count,
        head_event_id=checkpoint.head_event_id,
        head_mac=checkpoint.head_mac,
        key_id=checkpoint.key_id,
        written_at=checkpoint.written_at,
    )


def _fsync_directory(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def checkpoint_parse(name: str, text: str) -> Checkpoint | Unreadable:
    """Read one checkpoint and check its signature under the key it names."""
    try:
        data = json.loads(text)
    except ValueError:
        return Unreadable(name, "it is not a checkpoint file (not JSON)")
    if not isinstance(data, dict) or any(key not in data for key in (*FIELDS, "signature")):
        return Unreadable(name, "it is not a checkpoint file (fields missing)")
    body = {key: data[key] for key in FIELDS}
    if body["key_id"] not in chain.configured_keys():
        return Unreadable(
            name, f"it is signed under key {body['key_id']!r}, which is not in AUDIT_HMAC_KEYS"
        )
    if not isinstance(data["signature"], str) or not chain.same(
        chain.checkpoint_signature(body["key_id"], body), data["signature"]
    ):
        return Unreadable(name, "its signature does not match: it has been altered or forged")
    if not isinstance(body["count"], int) or body["count"] < 0:
        return Unreadable(name, "its count is not a number")
    return Checkpoint(
        name=name,
        count=body["count"],
        head_event_id=body["head_event_id"],
        head_mac=body["head_mac"],
        key_id=body["key_id"],
        written_at=body["written_at"],
    )


def read_all(folder: Path | None = None) -> list[Checkpoint | Unreadable]:
    """Every checkpoint file directly in the directory, oldest first (by name).

    Files moved into a subdirectory are no longer read: after a restore to an earlier point,
    the checkpoints that are ahead of it are moved aside that way (docs/operations.md).
    """
    folder = folder or directory()
    if not folder.is_dir():
        return []
    return [
        checkpoint_parse(path.name, path.read_text(errors="replace"))
        for path in sorted(folder.glob("checkpoint-*.json"))
    ]


def newest_written_at(folder: Path | None = None) -> datetime | None:
    newest = None
    for found in read_all(folder):
        if isinstance(found, Checkpoint):
            written = datetime.fromisoformat(found.written_at)
            newest = written if newest is None or written > newest else newest
    return newest


def checkpoint_due(now: datetime | None = None) -> bool:
    newest = newest_written_at()
    now = now or timezone.now()
    return newest is None or now - newest >= timedelta(minutes=settings.AUDIT_CHECKPOINT_MINUTES)
