"""Files that would harm whoever opens them, photos that tell where a child lives, and a case
that fills the disk (issue 20): a zip bomb .docx, a pixel flood, EXIF and GPS, a per-case quota."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from conftest import login
from mediation.audit.models import AuditEvent
from mediation.cases.models import Party
from mediation.uploads import detection, services
from mediation.uploads.models import Purpose, Upload
from mediation.uploads.services import UploadRejected, upload_store
from mediation.uploads.tests import samples

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _docx_with(extra: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        for name, content in extra.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _photo(fmt: str, *, size=(60, 40), orientation: int | None = None, text: bool = False) -> bytes:
    exif = Image.Exif()
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 7.0), 3: "W", 4: (0.0, 7.0, 39.0)}
    exif[0x010F] = "PhoneMaker"  # the camera's make
    if orientation:
        exif[ORIENTATION] = orientation
    image = Image.new("RGB", size, (200, 30, 30))
    buffer = io.BytesIO()
    options: dict[str, object] = {"exif": exif.tobytes()}
    if text:
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Comment", "Isla at home, 12 Elm Road")
        options["pnginfo"] = info
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _stored_bytes(upload: Upload) -> bytes:
    with services.storage().open(upload.stored_name, "rb") as stored:
        return stored.read()


# Zip bombs ---------------------------------------------------------------------------------


def test_a_docx_that_unpacks_too_big_is_refused(open_case, case_officer_cal, settings):
    settings.UPLOAD_MAX_UNPACKED_MB = 2
    bomb = _docx_with({"word/media/padding.bin": b"\0" * (3 * MB)})
    assert len(bomb) < 20_000  # small to send, 3 MB once opened
    with pytest.raises(UploadRejected) as refused:
        upload_store(
            open_case, SimpleUploadedFile("report.docx", bomb), purpose=Purpose.STAFF_FILE,
            by_user=case_officer_cal,
        )  # fmt: skip
    assert refused.value.message == services.UNPACKS_TOO_BIG
    assert not Upload.objects.exists()
    assert AuditEvent.objects.filter(
        verb="upload.rejected", detail__reason="unpacks_too_big"
    ).exists()


def test_the_packing_ratio_counts_beyond_ten_megabytes():
    bomb = io.BytesIO(_docx_with({"word/media/padding.bin": b"\0" * (11 * MB)}))
    limits = {"most_bytes": 100 * MB, "most_parts": 1000}
    assert detection.unpacked_too_big(bomb, most_ratio=100, **limits)  # 11 MB from ~11 KB
    assert not detection.unpacked_too_big(bomb, most_ratio=10_000, **limits)
    small = io.BytesIO(_docx_with({"word/document2.xml": b"<w:t>row</w:t>" * 50_000}))
    assert not detection.unpacked_too_big(small, most_ratio=100, **limits)  # high ratio, 700 KB


def test_an_archive_of_too_many_parts_or_broken_is_refused():
    many = io.BytesIO(_docx_with({f"word/part{n}.xml": b"<x/>" for n in range(20)}))
    assert detection.unpacked_too_big(many, most_bytes=MB, most_ratio=100, most_parts=10)
    broken = io.BytesIO(samples.DOCX[:-30])
    assert detection.unpacked_too_big(broken, most_bytes=MB, most_ratio=100, most_parts=10)


def test_an_ordinary_docx_is_kept(open_case, case_officer_cal):
    upload = upload_store(
        open_case, SimpleUploadedFile("plan.docx", samples.DOCX), purpose=Purpose.STAFF_FILE,
        by_user=case_officer_cal,
    )  # fmt: skip
    assert _stored_bytes(upload) == samples.DOCX


def test_the_upload_page_says_why_a_zip_bomb_is_refused(
    client, open_case, case_officer_cal, settings
):
    settings.UPLOAD_MAX_UNPACKED_MB = 2
    login(client, case_officer_cal)
    bomb = _docx_with({"word/media/padding.bin": b"\0" * (3 * MB)})
    response = client.post(
        reverse("uploads:upload", args=[open_case.reference]),
        {"file": SimpleUploadedFile("report.docx", bomb), "purpose": Purpose.STAFF_FILE},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page and services.UNPACKS_TOO_BIG in page


# Photos ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, name", [("JPEG", "photo.jpg"), ("PNG", "drawing.png")])
def test_location_and_camera_details_are_removed_before_storing(
    open_case, case_officer_cal, fmt, name
):
    sent = _photo(fmt, text=fmt == "PNG")
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(GPS_IFD)  # the sample has GPS
    upload = upload_store(
        open_case, SimpleUploadedFile(name, sent), purpose=Purpose.STAFF_FILE,
        by_user=case_officer_cal,
    )  # fmt: skip
    stored = _stored_bytes(upload)
    kept = Image.open(io.BytesIO(stored))
    assert kept.size == (60, 40) and kept.format == fmt
    assert not kept.getexif() and not kept.getexif().get_ifd(GPS_IFD)
    assert b"PhoneMaker" not in stored and b"Elm Road" not in stored
    assert "exif" not in kept.info and "Comment" not in kept.info
    # The record describes what is kept, not what was sent.
    assert upload.size == len(stored) and upload.sha256 != ""


def test_a_photo_taken_sideways_is_kept_upright(open_case, case_officer_cal):
    sideways = _photo("JPEG", size=(60, 40), orientation=6)  # "rotate 90° to view"
    upload = upload_store(
        open_case, SimpleUploadedFile("side.jpg", sideways), purpose=Purpose.STAFF_FILE,
        by_user=case_officer_cal,
    )  # fmt: skip
    kept = Image.open(io.BytesIO(_stored_bytes(upload)))
    assert kept.size == (40, 60) and not kept.getexif()


def test_a_pixel_flood_is_refused_before_it_is_decoded(open_case, case_officer_cal, settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 1000
    with pytest.raises(UploadRejected) as refused:
        upload_store(
            open_case, SimpleUploadedFile("huge.png", _photo("PNG", size=(100, 100))),
            purpose=Purpose.STAFF_FILE, by_user=case_officer_cal,
        )  # fmt: skip
    assert refused.value.message == services.IMAGE_REFUSED
    assert not Upload.objects.exists()


# The per-case quota ------------------------------------------------------------------------


def test_a_case_cannot_hold_more_than_its_quota(open_case, case_officer_cal, settings):
    settings.UPLOAD_CASE_QUOTA_MB = 1
    half = samples.PDF + b"0" * (MB // 2)
    upload_store(
        open_case, SimpleUploadedFile("a.pdf", half), purpose=Purpose.STAFF_FILE,
        by_user=case_officer_cal,
    )  # fmt: skip
    with pytest.raises(UploadRejected) as staff:
        upload_store(
            open_case, SimpleUploadedFile("b.pdf", half + b"1"), purpose=Purpose.STAFF_FILE,
            by_user=case_officer_cal,
        )  # fmt: skip
    assert "can hold 1 MB" in staff.value.message and "Ask a manager" in staff.value.message
    parent = Party.objects.create(case=open_case, role="parent", name="Sarah Whitfield")
    with pytest.raises(UploadRejected) as party:
        upload_store(
            open_case, SimpleUploadedFile("c.pdf", half + b"2"), purpose=Purpose.PARTY_FILE,
            by_party=parent,
        )  # fmt: skip
    assert party.value.message == services.QUOTA_FOR_PARTIES
    assert Upload.objects.count() == 1
    assert (
        AuditEvent.objects.filter(verb="upload.rejected", detail__reason="case_quota").count() == 2
    )


def test_the_upload_page_shows_the_quota_message(client, open_case, case_officer_cal, settings):
    settings.UPLOAD_CASE_QUOTA_MB = 0
    login(client, case_officer_cal)
    response = client.post(
        reverse("uploads:upload", args=[open_case.reference]),
        {"file": SimpleUploadedFile("a.pdf", samples.PDF), "purpose": Purpose.STAFF_FILE},
    )
    assert response.status_code == 400
    assert "can hold 0 MB" in response.content.decode()
