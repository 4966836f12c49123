"""Where the documents the service makes are kept: in their own database row (the default), or,
with DOCUMENT_STORAGE=s3, in the private "documents" storage (an S3-compatible bucket), so that
several machines serve them without sharing a disk (ADR 0070).

A row holds either the bytes (`pdf`, `archive`) or the name they were saved under
(`stored_name`), never both. Reading follows the row, not the setting: rows made before the
setting changed stay readable. Nothing here has a local path; the bytes are only ever served by
the service's own access-checked views (the bucket has no public URL).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction


def in_object_storage() -> bool:
    return bool(settings.DOCUMENT_STORAGE != "database")


def document_storage() -> Storage:
    """The "documents" storage (looked up on each call so tests can point it elsewhere)."""
    return storages["documents"]


def keep(content: bytes, *, folder: str, extension: str = "pdf") -> tuple[bytes, str]:
    """What a new row keeps of a document: (its bytes, "") in the database, or (b"", the name
    it was saved under) in object storage. The object is written first: a rolled-back row
    leaves an object no row names (deleted by the next `forget` of the same name, or never
    read), never a row that names no object."""
    if not in_object_storage():
        return content, ""
    name = f"{folder}/{uuid.uuid4().hex}.{extension}"
    saved = document_storage().save(name, ContentFile(content, name=name))
    if saved != name:  # a uuid4 never clashes; refuse rather than lose track of an object
        document_storage().delete(saved)
        raise RuntimeError(f"The documents storage saved {name} as {saved}")
    return b"", saved


def kept_bytes(inline: bytes | memoryview | None, stored_name: str) -> bytes:
    """The document's bytes, from the row or from the documents storage."""
    if stored_name:
        with document_storage().open(stored_name, "rb") as file:
            return bytes(file.read())
    return bytes(inline or b"")


def forget_on_commit(stored_names: Iterable[str]) -> None:
    """Delete these objects once the transaction that cleared their rows commits (a rolled-back
    change must not leave rows naming deleted objects)."""
    names = [name for name in stored_names if name]
    if not names:
        return

    def delete() -> None:
        storage = document_storage()
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)
