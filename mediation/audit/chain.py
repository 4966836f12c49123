"""The arithmetic of the keyed chain, with no database: what each seal's MAC covers, and the keys.

A seal's MAC is HMAC-SHA-256, under a key that is never stored in the database
(settings.AUDIT_HMAC_KEYS, key id → key), over: the key id, the seal's number in the chain, the
MAC of the seal before it, the event's id and its fields in a canonical JSON form. So nobody
who can only write to the database can change, remove, insert or reorder an event and make the
chain add up again (ADR 0024). The old plain SHA-256 chain (`legacy_hash`) is kept only to
check the rows written before keyed sealing once, when migration 0004 sealed them.

Used by the services and by migration 0004, which is why it takes plain values, not models.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

GENESIS_MAC = "0" * 64
# Domain separation: a MAC made for a seal can never pass as a checkpoint's signature.
_SEAL_PREFIX = b"mediation-audit-seal-v1"
_CHECKPOINT_PREFIX = b"mediation-audit-checkpoint-v1"


def configured_keys() -> Mapping[str, bytes]:
    """Every configured key, by id: the current one seals, all of them verify (rotation)."""
    configured = getattr(settings, "AUDIT_HMAC_KEYS", None) or {}
    if not configured:
        raise ImproperlyConfigured("Set AUDIT_HMAC_KEYS (key id=key, comma-separated).")
    return {key_id: secret.encode() for key_id, secret in configured.items()}


def current_key_id() -> str:
    key_id = settings.AUDIT_HMAC_KEY_ID
    if key_id not in configured_keys():
        raise ImproperlyConfigured(f"AUDIT_HMAC_KEY_ID {key_id!r} is not in AUDIT_HMAC_KEYS.")
    return key_id


def event_fields(
    *,
    at: datetime,
    actor_id: int | None,
    actor_role: str,
    verb: str,
    object_type: str,
    object_id: str,
    case_id: int | None,
    ip_address: str | None,
    request_id: str,
    detail: Any,
) -> dict[str, Any]:
    """An event's fields as the MAC sees them, the same whether read back from SQLite or
    PostgreSQL or taken from the object just saved (addresses and JSON are normalised)."""
    return {
        "at": at.astimezone(UTC).isoformat(),
        "actor": actor_id,
        "actor_role": actor_role,
        "verb": verb,
        "object_type": object_type,
        "object_id": object_id,
        "case_id": case_id,
        "ip_address": str(ipaddress.ip_address(ip_address)) if ip_address else None,
        "request_id": request_id,
        "detail": json.loads(json.dumps(detail or {})),
    }


def canonical(fields: Mapping[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seal_mac(
    *, key_id: str, seq: int, previous_mac: str, event_id: int, fields: Mapping[str, Any]
) -> str:
    """The MAC of one seal. Raises KeyError for a key id that is not configured."""
    message = b"|".join(
        [
            _SEAL_PREFIX,
            key_id.encode(),
            str(seq).encode(),
            previous_mac.encode(),
            str(event_id).encode(),
            canonical(fields),
        ]
    )
    return hmac.new(configured_keys()[key_id], message, hashlib.sha256).hexdigest()


def checkpoint_signature(key_id: str, body: Mapping[str, Any]) -> str:
    """The signature of a checkpoint's other fields. Raises KeyError for an unknown key id."""
    message = _CHECKPOINT_PREFIX + b"|" + canonical(body)
    return hmac.new(configured_keys()[key_id], message, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


# The chain before keyed sealing (ADR 0003): SHA-256 over the previous row's hash and the fields.
LEGACY_GENESIS = "0" * 64


def legacy_hash(previous_hash: str, fields: Mapping[str, Any]) -> str:
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous_hash}|{text}".encode()).hexdigest()


def legacy_fields(
    *,
    at: datetime,
    actor_id: int | None,
    actor_role: str,
    verb: str,
    object_type: str,
    object_id: str,
    case_id: int | None,
    ip_address: str | None,
    request_id: str,
    detail: Any,
) -> dict[str, Any]:
    """Exactly the fields the old chain hashed, unnormalised, as it hashed them."""
    return {
        "at": at.isoformat(),
        "actor": actor_id,
        "actor_role": actor_role,
        "verb": verb,
        "object_type": object_type,
        "object_id": object_id,
        "case_id": case_id,
        "ip_address": ip_address,
        "request_id": request_id,
        "detail": detail,
    }
