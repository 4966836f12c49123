"""Encryption at rest for the most sensitive free text (case history, notes, contact summaries).

Keys come from FIELD_ENCRYPTION_KEYS (newest first). MultiFernet encrypts with the first key and
decrypts with any, so a key can be rotated without downtime: add the new key in front, then run
`manage.py rotate_field_keys`, then drop the old key. Encrypted text cannot be searched or sorted,
which is why names and references are not encrypted.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode("ascii")) for key in keys])


def fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_text(plain: str) -> str:
    return fernet().encrypt(plain.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        # Fail loudly: showing ciphertext or an empty string would hide lost data.
        raise ValueError("Encrypted text could not be decrypted with any configured key") from error


def rotate_token(token: str) -> str:
    """Re-encrypt a stored token with the newest key."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; reads and writes plain strings in Python."""

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):  # noqa: ARG002 (Django's signature)
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(value)
