"""Backups are restored: make data, back up, wipe, restore, check counts, hashes and the audit log.

On SQLite and PostgreSQL (the PostgreSQL run dumps and restores its own test database).
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import CommandError, call_command
from django.db import connection

from mediation.audit.models import AuditEvent
from mediation.audit.services import audit_record, audit_seal_pending
from mediation.audit.verification import audit_verify
from mediation.ops.archive_crypto import generate_key_pair
from mediation.ops.backups import (
    BackupError,
    backup_make,
    backup_restore,
    current_row_counts,
    sha256_of,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def places(settings, tmp_path):
    """Uploads, media, backups and checkpoints of this test only."""
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return tmp_path


@pytest.fixture
def data(places, open_case, case_officer_cal):
    """A case, files sent to it, audit events sealed and a checkpoint of them."""
    from mediation.audit.checkpoints import checkpoint_write

    storage = storages["uploads"]
    names = [
        storage.save(f"{open_case.pk}/letter.pdf", ContentFile(b"%PDF-1.4 a letter\n" * 50)),
        storage.save(f"{open_case.pk}/photo.png", ContentFile(bytes(range(256)) * 40)),
    ]
    for number in range(3):
        audit_record(actor=case_officer_cal, verb="case.view", target=open_case, case_id=number)
    audit_seal_pending()
    checkpoint_write()
    return {name: sha256_of(Path(storage.path(name))) for name in names}


def _wipe() -> None:
    """Lose everything: every table, and the uploaded files."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            tables = connection.introspection.table_names(cursor)
            for table in tables:
                if not table.startswith("sqlite_"):
                    cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")
    uploads = storages["uploads"]
    assert isinstance(uploads, FileSystemStorage)
    for path in Path(uploads.location).rglob("*"):
        if path.is_file():
            path.unlink()


def test_backup_wipe_restore(data, places, capsys):
    before = current_row_counts()
    assert before["cases_case"] >= 1 and before["audit_auditseal"] >= 3
    call_command("backup")
    archive = Path(capsys.readouterr().out.strip().splitlines()[-1])  # the path is the last line
    assert archive.parent == places / "backups" and archive.name.endswith(".tar")
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert "manifest.json" in names and {f"uploads/{n}" for n in data} <= names

    _wipe()
    with connection.cursor() as cursor:
        assert "cases_case" not in connection.introspection.table_names(cursor)

    report = backup_restore(archive)
    assert report.ok, (report.count_mismatches, report.audit_summary)
    assert report.files_restored == len(data)
    assert current_row_counts() == before
    storage = storages["uploads"]
    assert {name: sha256_of(Path(storage.path(name))) for name in data} == data
    check = audit_verify()
    assert check.whole and check.checkpoints == 1, check.problems


def test_an_encrypted_backup_needs_its_private_key(data, places, tmp_path, settings):
    private, public = generate_key_pair()
    settings.BACKUP_PUBLIC_KEY = public.decode()
    archive = backup_make()
    assert archive.name.endswith(".tar.enc")
    content = archive.read_bytes()
    assert b"manifest" not in content and b"%PDF-1.4 a letter" not in content
    before = current_row_counts()

    with pytest.raises(BackupError, match="encrypted: give the private key"):
        backup_restore(archive)
    other_private, _ = generate_key_pair()
    with pytest.raises(BackupError, match="wrong key, or the archive has been changed"):
        backup_restore(archive, private_key_pem=other_private)
    damaged = tmp_path / "damaged.tar.enc"
    flipped = bytearray(content)
    flipped[len(flipped) // 2] ^= 0x01
    damaged.write_bytes(bytes(flipped))
    with pytest.raises(BackupError, match="cannot be decrypted"):
        backup_restore(damaged, private_key_pem=private)
    cut = tmp_path / "cut.tar.enc"
    cut.write_bytes(content[: len(content) - 100])
    with pytest.raises(BackupError, match="cannot be decrypted"):
        backup_restore(cut, private_key_pem=private)

    _wipe()
    key_file = tmp_path / "restore-key.pem"
    key_file.write_bytes(private)
    call_command("restore", str(archive), key=str(key_file), yes=True)
    # As before, and the restore itself recorded in the audit log (sealed by now or here).
    audit_seal_pending()
    after = current_row_counts()
    assert after["audit_auditevent"] == before["audit_auditevent"] + 1
    assert after["audit_auditseal"] == before["audit_auditseal"] + 1
    audit_tables = {"audit_auditevent": 0, "audit_auditseal": 0}
    assert after | audit_tables == before | audit_tables
    assert AuditEvent.objects.filter(verb="ops.restore").count() == 1


def test_a_changed_file_is_refused_before_anything_is_replaced(data, places, tmp_path):
    archive = backup_make()
    changed = tmp_path / "changed.tar"
    with tarfile.open(archive) as source, tarfile.open(changed, "w") as target:
        for member in source.getmembers():
            extracted = source.extractfile(member)
            assert extracted is not None  # the archive holds files only
            content = extracted.read()
            if member.name.endswith("letter.pdf"):
                content = content.replace(b"a letter", b"a forged")
            member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    cases_before = current_row_counts()["cases_case"]
    with pytest.raises(CommandError, match="letter.pdf does not match its SHA-256"):
        call_command("restore", str(changed), yes=True)
    assert current_row_counts()["cases_case"] == cases_before


def test_the_restore_asks_first(data, places, monkeypatch):
    archive = backup_make()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("restore", str(archive))
