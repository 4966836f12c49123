"""Storing files: type by content, size limits, where and under which name, the virus hook,
removal and sharing, and recording a child's views."""

from __future__ import annotations

import hashlib
import io
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import IntegrityError, connection
from PIL import Image

from mediation.audit.models import AuditEvent
from mediation.common.errors import ServiceError
from mediation.timeline import services as timeline_services
from mediation.timeline.models import TimelineEntry
from mediation.uploads import images, services
from mediation.uploads.models import ChildViews, Purpose, Upload
from mediation.uploads.services import UploadRejected, upload_store
from mediation.uploads.tests import samples
from mediation.uploads.tests.samples import upload

pytestmark = pytest.mark.django_db

ACCEPTED = [
    ("letter.pdf", samples.PDF, "application/pdf", "pdf"),
    (
        "plan.docx",
        samples.DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    ("old.doc", samples.DOC, "application/msword", "doc"),
    ("photo.jpg", samples.image("JPEG"), "image/jpeg", "jpg"),
    ("drawing.png", samples.image("PNG"), "image/png", "png"),
    ("moving.gif", samples.image("GIF"), "image/gif", "gif"),
    ("IMG_0001.HEIC", samples.HEIC, "image/heic", "heic"),
    ("song.mp3", samples.MP3, "audio/mpeg", "mp3"),
    ("memo.m4a", samples.M4A, "audio/mp4", "m4a"),
    ("voice.wav", samples.WAV, "audio/wav", "wav"),
    ("clip.mp4", samples.MP4, "video/mp4", "mp4"),
    ("clip.mov", samples.MOV, "video/quicktime", "mov"),
    ("clip.webm", samples.WEBM, "video/webm", "webm"),
]

REFUSED = [
    ("page.pdf", samples.HTML),
    ("picture.pdf", samples.SVG),
    ("picture.svg", samples.SVG),
    ("setup.pdf", samples.EXE),
    ("archive.docx", samples.ZIP),
    ("macros.docx", samples.DOCM),
    ("sheet.doc", samples.XLS),
    ("notes.txt", b"just some words"),
]


def _store(case, file, by, purpose=Purpose.STAFF_FILE, **kwargs):
    return upload_store(case, file, purpose=purpose, by_user=by, **kwargs)


@pytest.mark.parametrize(("name", "content", "content_type", "extension"), ACCEPTED)
def test_accepted_types_are_detected_by_content(
    open_case, case_officer_cal, upload_root, name, content, content_type, extension
):
    stored = _store(open_case, upload(name, content), case_officer_cal)
    assert stored.content_type == content_type
    assert stored.stored_name.endswith(f".{extension}")
    kept = (upload_root / stored.stored_name).read_bytes()
    if extension in images.STRIPPED:
        # Photos are written again without their metadata (test_limits_and_metadata.py).
        assert Image.open(io.BytesIO(kept)).size == Image.open(io.BytesIO(content)).size
    else:
        assert kept == content
    assert stored.sha256 == hashlib.sha256(kept).hexdigest()
    assert stored.size == len(kept)


@pytest.mark.parametrize(("name", "content"), REFUSED)
def test_other_content_is_refused_whatever_its_name(
    open_case, case_officer_cal, upload_root, name, content
):
    with pytest.raises(UploadRejected) as refused:
        _store(open_case, upload(name, content, "application/pdf"), case_officer_cal)
    assert refused.value.message == services.NOT_ALLOWED
    assert not Upload.objects.exists()
    assert not upload_root.exists() or not any(upload_root.iterdir())
    event = AuditEvent.objects.get(verb="upload.rejected")
    assert event.detail == {"reason": "type", "purpose": "staff_file"}


def test_a_pdf_called_exe_is_kept_as_a_pdf(open_case, case_officer_cal):
    stored = _store(open_case, upload("report.exe", samples.PDF), case_officer_cal)
    assert stored.content_type == "application/pdf"
    assert stored.stored_name.endswith(".pdf")
    assert stored.original_name == "report.pdf"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system.pdf", "system.pdf"),
        ('/tmp/"quoted";name.pdf', "quotedname.pdf"),
        ("..", "file.pdf"),
        ("", "file.pdf"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_the_senders_name_is_never_a_path(
    open_case, case_officer_cal, upload_root, tmp_path, name, shown
):
    file = upload("x.pdf", samples.PDF)
    file._name = name  # past Django's own clean-up, as if a client or a caller sent it raw
    stored = _store(open_case, file, case_officer_cal)
    assert stored.original_name == shown
    stem, extension = stored.stored_name.split(".")
    assert len(stem) == 32 and int(stem, 16) >= 0 and extension == "pdf"
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files == [upload_root / stored.stored_name]


def test_files_are_kept_outside_the_web_root_and_static_files(
    open_case, case_officer_cal, upload_root
):
    stored = _store(open_case, upload("letter.pdf", samples.PDF), case_officer_cal)
    path = Path(services.storage().path(stored.stored_name)).resolve()
    assert path == (upload_root / stored.stored_name).resolve()
    for public in (settings.STATIC_ROOT, *settings.STATICFILES_DIRS, settings.MEDIA_ROOT):
        assert not path.is_relative_to(Path(public).resolve())


def test_the_default_storage_is_private_and_outside_static():
    from config.settings import base

    options = base.STORAGES["uploads"]["OPTIONS"]
    location = Path(options["location"]).resolve()
    assert location == (base.BASE_DIR / "var" / "uploads").resolve()
    assert not location.is_relative_to((base.BASE_DIR / "static").resolve())
    assert not location.is_relative_to(Path(base.STATIC_ROOT).resolve())
    assert options["file_permissions_mode"] == stat.S_IRUSR | stat.S_IWUSR


def test_two_uploads_of_one_file_get_two_random_names(open_case, case_officer_cal):
    first = _store(open_case, upload("a.pdf", samples.PDF), case_officer_cal)
    second = _store(open_case, upload("a.pdf", samples.PDF), case_officer_cal)
    assert first.stored_name != second.stored_name
    assert first.sha256 == second.sha256


# Sizes ----------------------------------------------------------------------------------------


def test_empty_file_is_refused(open_case, case_officer_cal):
    with pytest.raises(UploadRejected) as refused:
        _store(open_case, upload("empty.pdf", b""), case_officer_cal)
    assert refused.value.message == "The selected file is empty"


def test_paper_or_photo_size_limit(open_case, case_officer_cal, settings):
    settings.UPLOAD_MAX_DOCUMENT_MB = 1
    settings.UPLOAD_MAX_MEDIA_MB = 3
    big_pdf = samples.PDF + b"0" * (1024 * 1024)
    with pytest.raises(UploadRejected) as refused:
        _store(open_case, upload("big.pdf", big_pdf), case_officer_cal)
    assert refused.value.message == "The selected file must be smaller than 1 MB"
    assert refused.value.reason == "too_large"
    # The same size is fine for a video, which has its own limit.
    video = _store(
        open_case, upload("clip.mp4", samples.MP4 + b"0" * (1024 * 1024)), case_officer_cal
    )
    assert video.content_type == "video/mp4"


def test_media_size_limit_and_above_every_limit(open_case, case_officer_cal, settings):
    settings.UPLOAD_MAX_DOCUMENT_MB = 3
    settings.UPLOAD_MAX_MEDIA_MB = 2
    clip = samples.MP4 + b"0" * (2 * 1024 * 1024)
    with pytest.raises(UploadRejected) as refused:
        _store(open_case, upload("clip.mp4", clip), case_officer_cal)
    assert refused.value.message == "Audio and video files must be smaller than 2 MB"
    huge = samples.PDF + b"0" * (3 * 1024 * 1024)
    with pytest.raises(UploadRejected) as refused:
        _store(open_case, upload("huge.pdf", huge), case_officer_cal)
    assert refused.value.message == (
        "The selected file must be smaller than 3 MB, or 2 MB for audio and video"
    )
    assert refused.value.reason == "too_large"
    assert not Upload.objects.exists()


# Virus scanning -------------------------------------------------------------------------------


def _scanner(tmp_path, body: str) -> str:
    script = tmp_path / "scanner.sh"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o700)
    return str(script)


@pytest.fixture
def scanned_log(tmp_path):
    return tmp_path / "scanned.bin"


def test_clean_file_passes_the_scanner_on_standard_input(
    open_case, case_officer_cal, settings, tmp_path, scanned_log
):
    settings.UPLOAD_VIRUS_SCANNER = (
        f"{_scanner(tmp_path, f'cat > {scanned_log}; exit 0')} --stdin -"
    )
    stored = _store(open_case, upload("letter.pdf", samples.PDF), case_officer_cal)
    assert scanned_log.read_bytes() == samples.PDF
    assert Upload.objects.get() == stored


def test_scanner_can_be_given_the_path(
    open_case, case_officer_cal, settings, tmp_path, scanned_log
):
    script = _scanner(tmp_path, 'cp "$1" ' + str(scanned_log))
    settings.UPLOAD_VIRUS_SCANNER = script + " {path}"
    _store(open_case, upload("letter.pdf", samples.PDF), case_officer_cal)
    assert scanned_log.read_bytes() == samples.PDF


@pytest.mark.parametrize(
    ("body", "reason", "message"),
    [
        ("cat > /dev/null; exit 1", "virus", services.INFECTED),
        ("cat > /dev/null; exit 2", "scan_failed", services.SCAN_FAILED),
        ("sleep 5", "scan_failed", services.SCAN_FAILED),
    ],
    ids=["infected", "error", "timeout"],
)
def test_scanner_fails_closed(
    open_case, case_officer_cal, settings, tmp_path, upload_root, body, reason, message
):
    settings.UPLOAD_VIRUS_SCANNER = _scanner(tmp_path, body)
    settings.UPLOAD_VIRUS_SCAN_TIMEOUT = 1
    with pytest.raises(UploadRejected) as refused:
        _store(open_case, upload("letter.pdf", samples.PDF), case_officer_cal)
    assert refused.value.message == message
    assert not Upload.objects.exists()
    assert not upload_root.exists() or not any(upload_root.iterdir())
    event = AuditEvent.objects.get(verb="upload.rejected")
    assert event.detail == {"reason": reason, "purpose": "staff_file"}
    assert event.case_id == open_case.pk


def test_missing_scanner_program_fails_closed(open_case, case_officer_cal, settings):
    settings.UPLOAD_VIRUS_SCANNER = "/nonexistent/clamdscan -"
    with pytest.raises(UploadRejected) as refused:
        _store(open_case, upload("letter.pdf", samples.PDF), case_officer_cal)
    assert refused.value.message == services.SCAN_FAILED


def test_large_temporary_file_is_scanned_from_its_path(
    open_case, case_officer_cal, settings, tmp_path, scanned_log
):
    from django.core.files.uploadedfile import TemporaryUploadedFile

    settings.UPLOAD_VIRUS_SCANNER = _scanner(tmp_path, f"cat > {scanned_log}; exit 0")
    file = TemporaryUploadedFile("big.pdf", "application/pdf", 0, None)
    file.write(samples.PDF + b"0" * 5000)
    file.size = len(samples.PDF) + 5000
    file.seek(0)
    stored = _store(open_case, file, case_officer_cal)
    assert scanned_log.read_bytes() == samples.PDF + b"0" * 5000
    assert stored.size == file.size


# The record, the timeline and the audit -------------------------------------------------------


def test_store_writes_timeline_and_an_audit_event_without_names(open_case, parent):
    stored = upload_store(
        open_case,
        upload("Alex Smith EHCP.pdf", samples.PDF),
        purpose=Purpose.PARTY_FILE,
        by_party=parent,
    )
    assert stored.uploaded_by_party == parent and stored.uploaded_by_user is None
    line = TimelineEntry.objects.filter(case=open_case).order_by("-id").first()
    assert line is not None
    assert line.summary == (
        f"File “Alex Smith EHCP.pdf” added by {parent.name} (Parent or carer) (PDF, 1 KB)"
    )
    event = AuditEvent.objects.get(verb="upload.store")
    assert event.actor is None
    assert event.detail["party_id"] == parent.pk
    assert "Alex" not in str(event.detail) and "EHCP" not in str(event.detail)


def test_failed_database_write_deletes_the_stored_file(
    open_case, case_officer_cal, upload_root, monkeypatch
):
    def broken(**kwargs):
        raise IntegrityError("simulated")

    # The audit event is written with the history line, by mediation.timeline.
    monkeypatch.setattr(timeline_services, "audit_record", broken)
    with pytest.raises(IntegrityError):
        _store(open_case, upload("letter.pdf", samples.PDF), case_officer_cal)
    assert not Upload.objects.exists()
    assert not any(upload_root.iterdir())


def test_sender_must_be_given_and_on_the_case(open_case, case_officer_cal, enquiry):
    with pytest.raises(ValueError):
        upload_store(open_case, upload("a.pdf", samples.PDF), purpose=Purpose.STAFF_FILE)
    with pytest.raises(ValueError):
        _store(open_case, upload("a.pdf", samples.PDF), case_officer_cal, purpose="anything")


def test_remove_needs_a_reason_and_is_audited(open_case, case_officer_cal):
    stored = _store(open_case, upload("a.pdf", samples.PDF), case_officer_cal)
    with pytest.raises(ServiceError):
        services.upload_remove(stored, by_user=case_officer_cal, reason="  ")
    services.upload_remove(stored, by_user=case_officer_cal, reason="Sent to the wrong case")
    stored.refresh_from_db()
    assert stored.is_removed and stored.removed_by == case_officer_cal
    assert AuditEvent.objects.filter(verb="upload.remove", object_id=str(stored.pk)).exists()
    assert services.storage().exists(stored.stored_name)  # kept until the retention rules delete it
    with pytest.raises(ServiceError):
        services.upload_remove(stored, by_user=case_officer_cal, reason="Again")


def test_share_and_unshare(open_case, case_officer_cal, parent):
    stored = upload_store(
        open_case, upload("a.pdf", samples.PDF), purpose=Purpose.PARTY_FILE, by_party=parent
    )
    services.upload_share(stored, by_user=case_officer_cal, shared=True)
    stored.refresh_from_db()
    assert stored.shared_with_parties
    services.upload_share(stored, by_user=case_officer_cal, shared=False)
    stored.refresh_from_db()
    assert not stored.shared_with_parties
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="upload.").values_list("verb", flat=True)
    )
    assert "upload.share" in verbs and "upload.unshare" in verbs


# Children's views -----------------------------------------------------------------------------

VIEWS: dict[str, Any] = {
    "given_via": "phone",
    "going_well": "I like my teaching assistant Mrs Green",
    "hard": "Lunchtimes are too loud",
    "would_like": "A quiet room at lunch",
    "who_helps": "My mum and Mrs Green",
    "helped_by": "Mum, on speaker phone",
    "share_with": "everyone",
}


def test_child_views_are_encrypted_at_rest(open_case, case_officer_cal):
    views = services.child_views_record(open_case, by_user=case_officer_cal, **VIEWS)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT going_well, hard, would_like, who_helps, helped_by "
            "FROM uploads_childviews WHERE id = %s",
            [views.pk],
        )
        raw = cursor.fetchone()
    fields = ["going_well", "hard", "would_like", "who_helps", "helped_by"]
    for stored, field in zip(raw, fields, strict=True):
        assert stored and VIEWS[field] not in stored and "Green" not in stored
    fresh = ChildViews.objects.get(pk=views.pk)
    assert fresh.going_well == VIEWS["going_well"] and fresh.helped_by == VIEWS["helped_by"]
    event = AuditEvent.objects.get(verb="child_views.record")
    assert event.detail == {
        "given_via": "phone",
        "share_with": "everyone",
        "attachments": 0,
        "party_id": None,
    }
    line = TimelineEntry.objects.filter(case=open_case).order_by("-id").first()
    assert line is not None
    assert "views recorded" in line.summary and "Green" not in line.summary


def test_child_views_with_attachments(open_case, case_officer_cal, upload_root):
    views = services.child_views_record(
        open_case,
        by_user=case_officer_cal,
        attachments=[upload("drawing.png", samples.image("PNG")), upload("me.m4a", samples.M4A)],
        **{**VIEWS, "going_well": "", "hard": "", "would_like": "", "who_helps": ""},
    )
    attachments = list(views.attachments.order_by("id"))
    assert [a.content_type for a in attachments] == ["image/png", "audio/mp4"]
    assert {a.purpose for a in attachments} == {Purpose.CHILD_VIEWS_ATTACHMENT}
    assert len(list(upload_root.iterdir())) == 2


def test_child_views_refused_attachment_saves_nothing(open_case, case_officer_cal, upload_root):
    with pytest.raises(UploadRejected):
        services.child_views_record(
            open_case,
            by_user=case_officer_cal,
            attachments=[
                upload("drawing.png", samples.image("PNG")),
                upload("x.pdf", samples.HTML),
            ],
            **VIEWS,
        )
    assert not ChildViews.objects.exists() and not Upload.objects.exists()
    assert not upload_root.exists() or not any(upload_root.iterdir())


def test_child_views_failing_after_a_stored_attachment_deletes_it(
    open_case, case_officer_cal, upload_root, monkeypatch
):
    real = services.timeline_record

    def fail_on_views_line(**kwargs):
        if "views recorded" in str(kwargs["summary"]):
            raise IntegrityError("simulated")
        return real(**kwargs)

    monkeypatch.setattr(services, "timeline_record", fail_on_views_line)
    with pytest.raises(IntegrityError):
        services.child_views_record(
            open_case,
            by_user=case_officer_cal,
            attachments=[upload("drawing.png", samples.image("PNG"))],
            **VIEWS,
        )
    assert not ChildViews.objects.exists()
    assert not any(upload_root.iterdir())


def test_child_views_need_an_answer_or_a_file(open_case, case_officer_cal):
    empty = {**VIEWS, "going_well": " ", "hard": "", "would_like": "", "who_helps": ""}
    with pytest.raises(ServiceError):
        services.child_views_record(open_case, by_user=case_officer_cal, **empty)
    with pytest.raises(ServiceError):
        services.child_views_record(
            open_case, by_user=case_officer_cal, **{**VIEWS, "given_via": "pigeon"}
        )


def test_child_views_through_the_portal_come_from_a_child(open_case, child, parent):
    views = services.child_views_record(
        open_case, by_party=child, **{**VIEWS, "given_via": "portal"}
    )
    assert views.submitted_via_party == child and views.recorded_by_user is None
    with pytest.raises(ValueError):
        services.child_views_record(open_case, by_party=parent, **VIEWS)


def test_mediator_only_attachments_cannot_be_shared(open_case, case_officer_cal):
    views = services.child_views_record(
        open_case,
        by_user=case_officer_cal,
        attachments=[upload("drawing.png", samples.image("PNG"))],
        **{**VIEWS, "share_with": "mediator_only"},
    )
    with pytest.raises(ServiceError):
        services.upload_share(views.attachments.get(), by_user=case_officer_cal, shared=True)


# The real scanner (Debian's ClamAV, offline, with a signature made in the test) -----------------

CLAMSCAN = shutil.which("clamscan")
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.mark.skipif(CLAMSCAN is None, reason="ClamAV is not installed (make system-packages)")
def test_clamav_finds_a_signature_and_passes_a_clean_file(
    open_case, case_officer_cal, settings, tmp_path
):
    # A PDF carrying the EICAR test string; its MD5 signature goes in a database made here,
    # since signature updates cannot be downloaded on this machine (production runs freshclam).
    infected = samples.PDF + EICAR
    database = tmp_path / "test.hdb"
    database.write_text(f"{hashlib.md5(infected).hexdigest()}:{len(infected)}:Test.EICAR-PDF\n")  # noqa: S324
    settings.UPLOAD_VIRUS_SCANNER = f"{CLAMSCAN} --no-summary -d {database} -"
    settings.UPLOAD_VIRUS_SCAN_TIMEOUT = 60
    with pytest.raises(UploadRejected) as refused:
        _store(open_case, upload("letter.pdf", infected), case_officer_cal)
    assert refused.value.reason == "virus"
    assert not Upload.objects.exists()
    clean = _store(open_case, upload("letter.pdf", samples.PDF), case_officer_cal)
    assert clean.content_type == "application/pdf"


@pytest.mark.skipif(CLAMSCAN is None, reason="ClamAV is not installed (make system-packages)")
def test_clamav_without_signatures_fails_closed(open_case, case_officer_cal, settings, tmp_path):
    settings.UPLOAD_VIRUS_SCANNER = f"{CLAMSCAN} --no-summary -d {tmp_path / 'missing'} -"
    settings.UPLOAD_VIRUS_SCAN_TIMEOUT = 60
    with pytest.raises(UploadRejected) as refused:
        _store(open_case, upload("letter.pdf", samples.PDF), case_officer_cal)
    assert refused.value.reason == "scan_failed"
    assert not Upload.objects.exists()


def test_a_full_disk_leaves_no_partial_file_and_says_so(
    open_case, case_officer_cal, upload_root, monkeypatch
):
    import errno

    from django.core.files.storage import FileSystemStorage

    class FullDisk(FileSystemStorage):
        def _save(self, name, content):
            path = Path(self.path(name))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"%PDF-1.4 half")  # what was written before the disk filled
            raise OSError(errno.ENOSPC, "No space left on device")

    full = FullDisk(location=str(upload_root))
    monkeypatch.setattr(services, "storage", lambda: full)
    with pytest.raises(UploadRejected) as refused:
        _store(open_case, upload("letter.pdf", samples.PDF), case_officer_cal)
    assert refused.value.message == services.NOT_SAVED
    assert not Upload.objects.exists()
    assert list(upload_root.iterdir()) == []
    event = AuditEvent.objects.get(verb="upload.rejected")
    assert event.detail == {"reason": "storage_failed", "purpose": "staff_file"}
