"""Backups that are restored: one archive holding the database, the uploaded files and a manifest.

`manage.py backup` (`make backup`) writes `mediation-backup-<UTC time>.tar` (`.tar.enc` when
BACKUP_PUBLIC_KEY is set) into BACKUP_DIR:

- the database: SQLite through its online backup API (a consistent copy of a live database,
  never a file copy); PostgreSQL with `pg_dump --format=custom` from an exported snapshot, and
  the row counts of every table read in that same snapshot;
- the uploaded files (the "uploads" storage when it is a directory; an S3 bucket is not copied:
  its own versioning keeps it) and MEDIA_ROOT. Generated documents (letters, certificates,
  invoices, reports) are stored in the database, so the dump holds them (with
  DOCUMENT_STORAGE=s3 they are in the bucket, kept by its versioning, ADR 0070);
- manifest.json: every file's SHA-256 and size, each table's row count, the audit chain's
  length and newest MAC.

`manage.py restore ARCHIVE` (`make restore FROM=...`) checks every hash before it changes
anything, then replaces the database (SQLite: the backup API again; PostgreSQL: the schema
emptied and `pg_restore`), puts the files in place (the current ones are moved aside, not
deleted), and checks the row counts against the manifest and the audit chain (ADR 0025).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, transaction

from mediation.audit.verification import audit_verify
from mediation.ops import archive_crypto

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why."""


@dataclass
class RestoreReport:
    archive: Path
    created_at: str
    files_restored: int
    rows_checked: int
    moved_aside: list[Path] = field(default_factory=list)
    count_mismatches: list[str] = field(default_factory=list)
    audit_summary: str = ""
    audit_whole: bool = True

    @property
    def ok(self) -> bool:
        return not self.count_mismatches and self.audit_whole


# Files ----------------------------------------------------------------------------------------


def file_roots() -> dict[str, Path | None]:
    """The directories of files to back up, by name in the archive; None: not a directory."""
    uploads = storages["uploads"]
    return {
        "uploads": Path(uploads.location) if isinstance(uploads, FileSystemStorage) else None,
        "media": Path(settings.MEDIA_ROOT),
    }


def _files_under(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


class _HashingReader(io.RawIOBase):
    """Reads a file for tarfile while hashing exactly what went into the archive."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    info = tarfile.TarInfo(name)
    info.size = path.stat().st_size
    info.mtime = int(path.stat().st_mtime)
    info.mode = 0o600
    with path.open("rb") as file:
        reader = _HashingReader(file)
        tar.addfile(info, reader)
    return {"path": name, "sha256": reader.digest.hexdigest(), "size": info.size}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


# The database ---------------------------------------------------------------------------------


def _pg_program(name: str) -> str:
    folder = getattr(settings, "BACKUP_PG_BIN", "")
    found = str(Path(folder) / name) if folder else shutil.which(name)
    if not found or not Path(found).exists():
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client or set BACKUP_PG_BIN"
        )
    return found


def _pg_environment() -> dict[str, str]:
    given = connection.settings_dict
    environment = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if given.get(key):
            environment[variable] = str(given[key])
    if given.get("OPTIONS", {}).get("sslmode"):
        environment["PGSSLMODE"] = given["OPTIONS"]["sslmode"]
    return environment


def _run(command: list[str]) -> None:
    # A fixed program (pg_dump or pg_restore) and an argument list: no shell, no user input.
    done = subprocess.run(  # noqa: S603
        command, env=_pg_environment(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def _count_rows(cursor: Any, tables: list[str], quote: Any) -> dict[str, int]:
    counts = {}
    for table in tables:
        # Table names come from the database's own catalogue and are quoted.
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608  # nosec B608
        counts[table] = cursor.fetchone()[0]
    return counts


def _audit_head(cursor: Any) -> dict[str, Any]:
    cursor.execute("SELECT seq, mac FROM audit_auditseal ORDER BY seq DESC LIMIT 1")
    head = cursor.fetchone()
    return {"sealed": head[0] if head else 0, "head_mac": head[1] if head else ""}


def _sqlite_tables(database: sqlite3.Connection) -> list[str]:
    rows = database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [name for (name,) in rows]


def _dump_database(folder: Path) -> tuple[Path, dict[str, int], dict[str, Any]]:
    """The database into `folder`; with the row count of every table and the audit head."""
    if connection.vendor == "sqlite":
        target = folder / SQLITE_FILE
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
            copy_cursor = copy.cursor()
            counts = _count_rows(copy_cursor, _sqlite_tables(copy), connection.ops.quote_name)
            audit = _audit_head(copy_cursor)
        copy.close()
        return target, counts, audit
    if connection.vendor == "postgresql":
        target = folder / POSTGRES_FILE
        if connection.in_atomic_block:
            raise BackupError("A backup cannot be made inside a transaction")
        with transaction.atomic(), connection.cursor() as cursor:
            # One snapshot for the counts and the dump: they describe the same moment.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = sorted(connection.introspection.table_names(cursor))
            counts = _count_rows(cursor, tables, connection.ops.quote_name)
            audit = _audit_head(cursor)
            _run(
                [
                    _pg_program("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    f"--dbname={connection.settings_dict['NAME']}",
                ]
            )
        return target, counts, audit
    raise BackupError(f"No backup for a {connection.vendor} database")


def current_row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        if connection.vendor == "sqlite":
            tables = [t for t in tables if not t.startswith("sqlite_")]
        return _count_rows(cursor, tables, connection.ops.quote_name)


# Making a backup ------------------------------------------------------------------------------


def _public_key() -> archive_crypto.X25519PublicKey | None:
    configured = getattr(settings, "BACKUP_PUBLIC_KEY", "")
    if not configured:
        return None
    text = configured if "-----BEGIN" in configured else Path(configured).read_text()
    return archive_crypto.load_public_key(text.encode())


def _fsync_directory(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def backup_make(directory: Path | None = None) -> Path:
    """Write one archive into `directory` (default BACKUP_DIR); returns its path."""
    folder = Path(directory or settings.BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    created = datetime.now(UTC)
    recipient = _public_key()
    name = f"mediation-backup-{created:%Y%m%dT%H%M%S%fZ}.tar" + (".enc" if recipient else "")
    final, partial = folder / name, folder / f".{name}.partial"
    staging = Path(tempfile.mkdtemp(dir=folder, prefix=".staging-"))
    try:
        database_file, counts, audit = _dump_database(staging)
        with partial.open("wb") as raw:
            os.chmod(partial, 0o600)
            sink: Any = archive_crypto.EncryptingWriter(raw, recipient) if recipient else raw
            roots = file_roots()
            with tarfile.open(fileobj=sink, mode="w|") as tar:
                files = [_add_file(tar, database_file, database_file.name)]
                for root_name, root in roots.items():
                    if root is None:
                        continue
                    for path in _files_under(root):
                        relative = path.relative_to(root).as_posix()
                        files.append(_add_file(tar, path, f"{root_name}/{relative}"))
                manifest = {
                    "format": FORMAT,
                    "created_at": created.isoformat(),
                    "database": {"vendor": connection.vendor, "file": database_file.name},
                    "file_roots": {
                        root_name: (
                            "included" if root is not None else "not a directory: not included"
                        )
                        for root_name, root in roots.items()
                    },
                    "files": files,
                    "row_counts": counts,
                    "audit": audit,
                    "encrypted": recipient is not None,
                }
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
            if recipient:
                sink.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, final)
        _fsync_directory(folder)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


# Restoring ------------------------------------------------------------------------------------


class _ChunkReader(io.RawIOBase):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            try:
                self.pending = next(self.chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def _safe_name(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def _unpack(archive: Path, into: Path, private_key_pem: bytes | None) -> None:
    with archive.open("rb") as raw:
        start = raw.read(len(archive_crypto.MAGIC))
        raw.seek(0)
        if archive_crypto.is_encrypted(start):
            if private_key_pem is None:
                raise BackupError("This archive is encrypted: give the private key (--key FILE)")
            key = archive_crypto.load_private_key(private_key_pem)
            stream: Any = io.BufferedReader(
                _ChunkReader(archive_crypto.decrypted_chunks(raw, key)), 1024 * 1024
            )
        else:
            stream = raw
        try:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for member in tar:
                    if not member.isfile() or not _safe_name(member.name):
                        raise BackupError(f"The archive holds an unexpected entry: {member.name!r}")
                    target = into / member.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    source = tar.extractfile(member)
                    assert source is not None  # a regular file always has content
                    with target.open("wb") as out:
                        shutil.copyfileobj(source, out, 1024 * 1024)
        except archive_crypto.DecryptionFailed as error:
            raise BackupError(f"The archive cannot be decrypted: {error}") from error
        except tarfile.TarError as error:
            raise BackupError(f"The archive is damaged: {error}") from error


def _check_manifest(unpacked: Path) -> dict[str, Any]:
    manifest_path = unpacked / MANIFEST
    if not manifest_path.is_file():
        raise BackupError("The archive has no manifest")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown archive format {manifest.get('format')!r}")
    listed = {entry["path"] for entry in manifest["files"]}
    present = {
        path.relative_to(unpacked).as_posix()
        for path in unpacked.rglob("*")
        if path.is_file() and path.name != MANIFEST
    }
    if present != listed:
        extra, missing = sorted(present - listed), sorted(listed - present)
        raise BackupError(
            f"The archive does not match its manifest: extra {extra}, missing {missing}"
        )
    for entry in manifest["files"]:
        path = unpacked / entry["path"]
        if path.stat().st_size != entry["size"] or sha256_of(path) != entry["sha256"]:
            raise BackupError(f"{entry['path']} does not match its SHA-256 in the manifest")
    return manifest


def _restore_database(manifest: dict[str, Any], unpacked: Path) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"This is a {vendor} backup; the database here is {connection.vendor}")
    dump = unpacked / manifest["database"]["file"]
    if connection.in_atomic_block:
        raise BackupError("A restore cannot be run inside a transaction")
    if vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(dump) as source:
            source.backup(connection.connection)
        source.close()
        return
    # PostgreSQL: check the dump can be read before emptying anything, then replace the schema.
    _run([_pg_program("pg_restore"), "--list", str(dump)])
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connection.close()
    _run(
        [
            _pg_program("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ]
    )


def _restore_files(manifest: dict[str, Any], unpacked: Path, stamp: str) -> tuple[int, list[Path]]:
    moved: list[Path] = []
    restored = 0
    for root_name, root in file_roots().items():
        if root is None or manifest["file_roots"].get(root_name) != "included":
            continue
        if root.exists() and any(root.iterdir()):
            aside = root.with_name(f"{root.name}.before-restore-{stamp}")
            root.rename(aside)
            moved.append(aside)
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        for entry in manifest["files"]:
            if not entry["path"].startswith(f"{root_name}/"):
                continue
            target = root / entry["path"].removeprefix(f"{root_name}/")
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            shutil.copyfile(unpacked / entry["path"], target)
            os.chmod(target, 0o600)
            if sha256_of(target) != entry["sha256"]:
                raise BackupError(f"{target} was not written whole")
            restored += 1
    return restored, moved


def backup_restore(archive: Path, *, private_key_pem: bytes | None = None) -> RestoreReport:
    """Replace the database and files with the archive's, after checking every hash."""
    if not archive.is_file():
        raise BackupError(f"No archive at {archive}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    workdir = Path(tempfile.mkdtemp(dir=archive.parent, prefix=".restore-"))
    try:
        _unpack(archive, workdir, private_key_pem)
        manifest = _check_manifest(workdir)
        _restore_database(manifest, workdir)
        files, moved = _restore_files(manifest, workdir, stamp)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    counts = current_row_counts()
    expected = manifest["row_counts"]
    mismatches = [
        f"{table}: {counts.get(table)} rows, the backup had {number}"
        for table, number in sorted(expected.items())
        if counts.get(table) != number
    ]
    check = audit_verify()
    return RestoreReport(
        archive=archive,
        created_at=manifest["created_at"],
        files_restored=files,
        rows_checked=sum(expected.values()),
        moved_aside=moved,
        count_mismatches=mismatches,
        audit_summary=check.summary(),
        audit_whole=check.whole,
    )
