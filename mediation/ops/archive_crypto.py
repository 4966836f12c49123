"""Encrypting a backup archive to a public key, so the machine that makes backups cannot read them.

Hybrid encryption with the `cryptography` package: a new X25519 key pair per archive; its
shared secret with the recipient's public key gives, through HKDF-SHA-256, an AES-256-GCM key;
the archive is encrypted in 1 MiB chunks, each with its own nonce (a random prefix and the
chunk's number) and the header, its number and whether it is the last as associated data, so
chunks cannot be reordered, dropped or cut off without decryption failing. Only the holder of
the private key (kept off the server: docs/operations.md) can restore.

File layout: MAGIC, the ephemeral public key (32 bytes), the nonce prefix (8 bytes), then
chunks, each a 4-byte big-endian length followed by that many bytes of ciphertext and tag.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"MEDIATION-BACKUP-X25519-AESGCM-1\n"
CHUNK = 1024 * 1024
_INFO = b"mediation backup archive v1"


class DecryptionFailed(Exception):
    """Wrong key, or the archive was changed or cut short."""


def generate_key_pair() -> tuple[bytes, bytes]:
    """A new key pair as PEM: (private, public)."""
    private = X25519PrivateKey.generate()
    return (
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    )


def load_public_key(pem: bytes) -> X25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, X25519PublicKey):
        raise ValueError("BACKUP_PUBLIC_KEY must be an X25519 public key (manage.py backup_keygen)")
    return key


def load_private_key(pem: bytes) -> X25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, X25519PrivateKey):
        raise ValueError("The restore key must be an X25519 private key (manage.py backup_keygen)")
    return key


def _raw(public: X25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _cipher(shared: bytes, ephemeral: bytes, recipient: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=_INFO).derive(
        shared
    )
    return AESGCM(key)


def _associated(header: bytes, number: int, last: bool) -> bytes:
    return header + struct.pack(">Q?", number, last)


class EncryptingWriter:
    """A write-only file object: what is written goes out encrypted to `out`."""

    def __init__(self, out: BinaryIO, recipient: X25519PublicKey) -> None:
        ephemeral = X25519PrivateKey.generate()
        ephemeral_raw, recipient_raw = _raw(ephemeral.public_key()), _raw(recipient)
        self._prefix = os.urandom(8)
        self._header = MAGIC + ephemeral_raw + self._prefix
        self._aes = _cipher(ephemeral.exchange(recipient), ephemeral_raw, recipient_raw)
        self._out = out
        self._buffer = bytearray()
        self._number = 0
        out.write(self._header)

    def _emit(self, data: bytes, *, last: bool) -> None:
        nonce = self._prefix + struct.pack(">I", self._number)
        sealed = self._aes.encrypt(nonce, data, _associated(self._header, self._number, last))
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self._number += 1

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def close(self) -> None:
        self._emit(bytes(self._buffer), last=True)  # always one last chunk, maybe empty
        self._buffer.clear()

    def flush(self) -> None:
        self._out.flush()


def is_encrypted(path_start: bytes) -> bool:
    return path_start.startswith(MAGIC)


def decrypted_chunks(source: BinaryIO, private: X25519PrivateKey) -> Iterator[bytes]:
    """The plaintext of an encrypted archive, chunk by chunk; raises DecryptionFailed."""
    header = source.read(len(MAGIC) + 32 + 8)
    if not header.startswith(MAGIC) or len(header) != len(MAGIC) + 40:
        raise DecryptionFailed("not an encrypted backup archive")
    ephemeral_raw, prefix = header[len(MAGIC) : len(MAGIC) + 32], header[len(MAGIC) + 32 :]
    ephemeral = X25519PublicKey.from_public_bytes(ephemeral_raw)
    aes = _cipher(private.exchange(ephemeral), ephemeral_raw, _raw(private.public_key()))
    number = 0
    while True:
        length_bytes = source.read(4)
        if len(length_bytes) != 4:
            raise DecryptionFailed("the archive is cut short")
        sealed = source.read(struct.unpack(">I", length_bytes)[0])
        nonce = prefix + struct.pack(">I", number)
        plain = None
        for last in (False, True):
            try:
                plain = aes.decrypt(nonce, sealed, _associated(header, number, last))
            except InvalidTag:
                continue  # not this flag: try the other, then fail
            break
        if plain is None:
            raise DecryptionFailed("wrong key, or the archive has been changed")
        yield plain
        number += 1
        if last:
            if source.read(1):
                raise DecryptionFailed("data after the last chunk")
            return
