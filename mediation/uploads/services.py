"""Storing uploaded files, removing and sharing them, and recording a child's views.

`upload_store` is the only way a file gets into the "uploads" storage. In order:
1. size: no empty file, nothing above the limit of its kind (settings UPLOAD_MAX_DOCUMENT_MB for
   papers and photos, UPLOAD_MAX_MEDIA_MB for audio and video);
2. type: detected from the content (mediation.uploads.detection), never from the name;
3. virus scan (settings UPLOAD_VIRUS_SCANNER), failing closed: an infected file, a scanner error
   or a time-out all refuse the file (audited as upload.rejected);
4. one transaction: the file saved under a random name, the Upload row, a timeline line and an
   audit event. If anything in it fails the saved file is deleted again.

The scan runs before the transaction opens so a slow scanner never holds a database lock. A
caller that wraps `upload_store` in its own transaction and then fails should delete the
stored files itself (see `child_views_record`, which does).
"""

from __future__ import annotations

import hashlib
import logging
import shlex
import subprocess
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from mediation.accounts.models import User
from mediation.audit.services import audit_record
from mediation.cases.models import Case, Party, PartyRole
from mediation.common.errors import ServiceError
from mediation.common.words import lower_first
from mediation.timeline.services import timeline_record
from mediation.uploads import detection, images
from mediation.uploads.models import ChildViews, GivenVia, Purpose, ShareWith, Upload

logger = logging.getLogger(__name__)
MB = 1024 * 1024
NOT_ALLOWED = "The selected file must be a PDF, Word document, image, audio or video file"
EMPTY = "The selected file is empty"
SCAN_FAILED = "The file could not be checked for viruses. Try again later or send it by email"
INFECTED = "The selected file contains a virus. It has not been saved"
NOT_SAVED = "The file could not be saved. Try again later or send it by email"
UNPACKS_TOO_BIG = (
    "The selected Word document is too big once opened. Save it as a PDF and try again"
)
IMAGE_REFUSED = (
    "The selected photo could not be opened, or has too many pixels. "
    "Save it as a smaller JPEG and try again"
)
QUOTA_FOR_PARTIES = (
    "We cannot take any more files for this case online. "
    "Email the file to your case officer instead"
)
CHILD_PARTY_ROLES = frozenset({PartyRole.CHILD, PartyRole.YOUNG_PERSON})


class UploadRejected(Exception):
    """A file we will not keep; `.message` is plain English to show next to the form field."""

    def __init__(self, message: str, *, reason: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        # A short code for the audit log: too_large, empty, type, virus, scan_failed, storage_failed.
        self.reason = reason


# Checks ----------------------------------------------------------------------------------------


def storage() -> Storage:
    """The uploads storage (looked up on each call so tests can point it elsewhere)."""
    return storages["uploads"]


def max_bytes(kind: str) -> int:
    megabytes = (
        settings.UPLOAD_MAX_MEDIA_MB if kind == detection.MEDIA else settings.UPLOAD_MAX_DOCUMENT_MB
    )
    return megabytes * MB


def _too_large(kind: str) -> UploadRejected:
    if kind == detection.MEDIA:
        text = f"Audio and video files must be smaller than {settings.UPLOAD_MAX_MEDIA_MB} MB"
    else:
        text = f"The selected file must be smaller than {settings.UPLOAD_MAX_DOCUMENT_MB} MB"
    return UploadRejected(text, reason="too_large")


def upload_check(uploaded_file: Any) -> detection.FileType:
    """Size and type checks (no virus scan); the form's clean() uses these too."""
    size = uploaded_file.size or 0
    if size == 0:
        raise UploadRejected(EMPTY, reason="empty")
    largest = max(max_bytes(detection.PAPER), max_bytes(detection.MEDIA))
    if size > largest:
        # Too large for any kind: say both limits rather than read it at all.
        raise UploadRejected(
            f"The selected file must be smaller than {settings.UPLOAD_MAX_DOCUMENT_MB} MB, "
            f"or {settings.UPLOAD_MAX_MEDIA_MB} MB for audio and video",
            reason="too_large",
        )
    detected = detection.detect(uploaded_file)
    if detected is None:
        raise UploadRejected(NOT_ALLOWED, reason="type")
    if size > max_bytes(detected.kind):
        raise _too_large(detected.kind)
    if detected is detection.DOCX and detection.unpacked_too_big(
        uploaded_file,
        most_bytes=settings.UPLOAD_MAX_UNPACKED_MB * MB,
        most_ratio=settings.UPLOAD_MAX_PACKING_RATIO,
        most_parts=settings.UPLOAD_MAX_ARCHIVE_PARTS,
    ):
        raise UploadRejected(UNPACKS_TOO_BIG, reason="unpacks_too_big")
    return detected


def case_files_size(case: Case) -> int:
    """Bytes kept for the case: every file, removed ones too (removing hides, it does not
    delete: the retention rules do)."""
    return Upload.objects.filter(case=case).aggregate(total=Sum("size"))["total"] or 0


def quota_check(case: Case, size: int, *, by_party: Party | None) -> None:
    """Refuse a file that would take the case past UPLOAD_CASE_QUOTA_MB."""
    limit = settings.UPLOAD_CASE_QUOTA_MB * MB
    used = case_files_size(case)
    if used + size <= limit:
        return
    if by_party is not None:
        raise UploadRejected(QUOTA_FOR_PARTIES, reason="case_quota")
    raise UploadRejected(
        f"This case already holds {used / MB:,.0f} MB of files and can hold "
        f"{settings.UPLOAD_CASE_QUOTA_MB:,} MB. Ask a manager about the limit before adding "
        "more, or keep the file outside the system",
        reason="case_quota",
    )


def _without_metadata(uploaded_file: Any, detected: detection.FileType) -> Any:
    """A photo written again without its EXIF (location, camera, time) and other metadata;
    other files as they are (mediation.uploads.images)."""
    try:
        clean = images.without_metadata(
            uploaded_file,
            extension=detected.extension,
            most_pixels=settings.UPLOAD_MAX_IMAGE_PIXELS,
        )
    except images.ImageRefused:
        raise UploadRejected(IMAGE_REFUSED, reason="image") from None
    if clean is None:
        return uploaded_file
    return ContentFile(clean.getvalue(), name=getattr(uploaded_file, "name", "") or "photo")


def _run_scanner(command: str, file: IO[bytes], path: str | None) -> int:
    """Run the scanner on the file (on standard input, or "{path}" replaced by its path)."""
    args = shlex.split(command)
    if any("{path}" in arg for arg in args) and path is None:
        with tempfile.NamedTemporaryFile(prefix="scan-") as copy:
            file.seek(0)
            for chunk in iter(lambda: file.read(MB), b""):
                copy.write(chunk)
            copy.flush()
            return _run_scanner(command, file, copy.name)
    options: dict[str, Any] = {
        "capture_output": True,
        "timeout": settings.UPLOAD_VIRUS_SCAN_TIMEOUT,
    }
    if any("{path}" in arg for arg in args):
        assert path is not None
        args = [arg.replace("{path}", path) for arg in args]
        options["stdin"] = subprocess.DEVNULL
        return subprocess.run(args, check=False, **options).returncode  # noqa: S603
    if path is not None:
        with open(path, "rb") as stdin:
            return subprocess.run(args, check=False, stdin=stdin, **options).returncode  # noqa: S603
    file.seek(0)
    return subprocess.run(args, check=False, input=file.read(), **options).returncode  # noqa: S603


def virus_scan(uploaded_file: Any) -> None:
    """Run the configured scanner; refuse the file unless it says "clean" (exit status 0)."""
    command = settings.UPLOAD_VIRUS_SCANNER.strip()
    if not command:
        return
    path = None
    if hasattr(uploaded_file, "temporary_file_path"):
        path = uploaded_file.temporary_file_path()
    try:
        status = _run_scanner(command, uploaded_file, path)
    except (subprocess.TimeoutExpired, OSError):
        raise UploadRejected(SCAN_FAILED, reason="scan_failed") from None
    finally:
        uploaded_file.seek(0)
    if status == 0:
        return
    if status == 1:
        raise UploadRejected(INFECTED, reason="virus")
    raise UploadRejected(SCAN_FAILED, reason="scan_failed")


# Storing ---------------------------------------------------------------------------------------


def safe_display_name(name: str, extension: str) -> str:
    """The sender's file name for display and download only: the last path part, printable,
    no quotes or separators, at most 150 characters, ending in the detected type's extension."""
    base = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>:|?*;\x7f')
    cleaned = cleaned.strip().strip(".").strip()
    stem = cleaned.rsplit(".", 1)[0] if "." in cleaned else cleaned
    stem = stem.strip().strip(".") or "file"
    return f"{stem[: 150 - len(extension) - 1]}.{extension}"


@dataclass(frozen=True)
class _Checked:
    file: Any
    detected: detection.FileType


def _check_and_scan(
    case: Case,
    uploaded_file: Any,
    *,
    purpose: str,
    by_user: User | None,
    by_party: Party | None = None,
    request: HttpRequest | None,
) -> _Checked:
    try:
        detected = upload_check(uploaded_file)
        quota_check(case, uploaded_file.size or 0, by_party=by_party)
        virus_scan(uploaded_file)
        cleaned = _without_metadata(uploaded_file, detected)
    except UploadRejected as rejected:
        with transaction.atomic():
            audit_record(
                actor=by_user,
                verb="upload.rejected",
                case_id=case.pk,
                request=request,
                detail={"reason": rejected.reason, "purpose": purpose},
            )
        raise
    return _Checked(cleaned, detected)


def _validate_sender(case: Case, by_user: User | None, by_party: Party | None) -> None:
    if by_user is None and by_party is None:
        raise ValueError("An upload needs a sender: by_user or by_party")
    if by_party is not None and by_party.case_id != case.pk:
        raise ValueError("The party is not on this case")


def _save_file(checked: _Checked) -> tuple[str, str]:
    """Save under a new random name; return (stored name, SHA-256 of the content)."""
    stored_name = f"{uuid.uuid4().hex}.{checked.detected.extension}"
    digest = hashlib.sha256()
    checked.file.seek(0)
    for chunk in iter(lambda: checked.file.read(MB), b""):
        digest.update(chunk)
    checked.file.seek(0)
    try:
        saved = storage().save(stored_name, File(checked.file, name=stored_name))
    except OSError:
        # A full disk or an unreachable bucket: leave no partial file, say it plainly.
        try:
            storage().delete(stored_name)
        except OSError:
            logger.exception("Could not delete a partly saved upload %s", stored_name)
        raise UploadRejected(NOT_SAVED, reason="storage_failed") from None
    if saved != stored_name:  # a uuid4 never clashes; refuse rather than lose track of a file
        storage().delete(saved)
        raise RuntimeError("The storage renamed an upload")
    return stored_name, digest.hexdigest()


def _describe_sender(by_user: User | None, by_party: Party | None) -> str:
    if by_party is not None:
        return f"{by_party.name} ({by_party.get_role_display()})"
    assert by_user is not None
    return by_user.display_name


def _human_size(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def _store_checked(
    case: Case,
    checked: _Checked,
    *,
    purpose: str,
    by_user: User | None,
    by_party: Party | None,
    child_views: ChildViews | None,
    request: HttpRequest | None,
) -> Upload:
    try:
        stored_name, sha256 = _save_file(checked)
    except UploadRejected as rejected:
        with transaction.atomic():
            audit_record(
                actor=by_user,
                verb="upload.rejected",
                case_id=case.pk,
                request=request,
                detail={"reason": rejected.reason, "purpose": purpose},
            )
        raise
    try:
        with transaction.atomic():
            # Again under the case's lock: two files sent at once cannot both slip under it.
            list(Case.objects.select_for_update().filter(pk=case.pk).values_list("pk"))
            quota_check(case, checked.file.size, by_party=by_party)
            upload = Upload.objects.create(
                case=case,
                uploaded_by_user=by_user,
                uploaded_by_party=by_party,
                purpose=purpose,
                child_views=child_views,
                original_name=safe_display_name(
                    getattr(checked.file, "name", ""), checked.detected.extension
                ),
                stored_name=stored_name,
                content_type=checked.detected.content_type,
                size=checked.file.size,
                sha256=sha256,
            )
            timeline_record(
                case=case,
                by=by_user,
                # A file sent with the child's views is in that record's own history line.
                summary=None
                if child_views is not None
                else (
                    f"File “{upload.original_name}” added by "
                    f"{_describe_sender(by_user, by_party)} "
                    f"({checked.detected.label}, {_human_size(upload.size)})"
                ),
                verb="upload.store",
                target=upload,
                request=request,
                detail={
                    "purpose": purpose,
                    "content_type": upload.content_type,
                    "size": upload.size,
                    "sha256": sha256,
                    "party_id": by_party.pk if by_party is not None else None,
                },
            )
    except BaseException:
        storage().delete(stored_name)
        raise
    return upload


def upload_store(
    case: Case,
    uploaded_file: Any,
    *,
    purpose: str,
    by_user: User | None = None,
    by_party: Party | None = None,
    child_views: ChildViews | None = None,
    request: HttpRequest | None = None,
) -> Upload:
    """Check, scan and keep one uploaded file for the case. Raises UploadRejected."""
    if purpose not in Purpose.values:
        raise ValueError(f"Unknown upload purpose {purpose!r}")
    if child_views is not None and (
        child_views.case_id != case.pk or purpose != Purpose.CHILD_VIEWS_ATTACHMENT
    ):
        raise ValueError("Attachments to a child's views belong to the same case")
    _validate_sender(case, by_user, by_party)
    checked = _check_and_scan(
        case, uploaded_file, purpose=purpose, by_user=by_user, by_party=by_party, request=request
    )
    return _store_checked(
        case,
        checked,
        purpose=purpose,
        by_user=by_user,
        by_party=by_party,
        child_views=child_views,
        request=request,
    )


@transaction.atomic
def upload_remove(
    upload: Upload, *, by_user: User, reason: str, request: HttpRequest | None = None
) -> Upload:
    """Hide an upload everywhere (the file is kept; deleting data follows the retention rules)."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Enter why the file is being removed")
    upload = Upload.objects.select_for_update(of=("self",)).select_related("case").get(pk=upload.pk)
    if upload.is_removed:
        raise ServiceError("The file has already been removed")
    upload.removed_at = timezone.now()
    upload.removed_by = by_user
    upload.removed_reason = reason
    upload.shared_with_parties = False
    upload.save(update_fields=["removed_at", "removed_by", "removed_reason", "shared_with_parties"])
    timeline_record(
        case=upload.case,
        by=by_user,
        summary=f"File “{upload.original_name}” removed",
        verb="upload.remove",
        target=upload,
        request=request,
        detail={"purpose": upload.purpose},
    )
    return upload


@transaction.atomic
def upload_share(
    upload: Upload, *, by_user: User, shared: bool, request: HttpRequest | None = None
) -> Upload:
    """Share an upload with every party on the case, or stop sharing it."""
    upload = (
        Upload.objects.select_for_update(of=("self",))
        .select_related("case", "child_views")
        .get(pk=upload.pk)
    )
    if upload.is_removed:
        raise ServiceError("The file has been removed")
    if shared and upload.child_views is not None and upload.child_views.mediator_only:
        raise ServiceError(
            "This is part of views the child or young person asked to be seen only by the mediator"
        )
    if upload.shared_with_parties == shared:
        return upload
    upload.shared_with_parties = shared
    upload.save(update_fields=["shared_with_parties"])
    timeline_record(
        case=upload.case,
        by=by_user,
        summary=f"File “{upload.original_name}” shared with the parties"
        if shared
        else f"File “{upload.original_name}” no longer shared with the parties",
        verb="upload.share" if shared else "upload.unshare",
        target=upload,
        request=request,
        detail={"purpose": upload.purpose},
    )
    return upload


# Children's views --------------------------------------------------------------------------------

ANSWER_FIELDS = ("going_well", "hard", "would_like", "who_helps")


def child_views_record(
    case: Case,
    *,
    given_via: str,
    going_well: str,
    hard: str,
    would_like: str,
    who_helps: str,
    helped_by: str,
    share_with: str,
    by_user: User | None = None,
    by_party: Party | None = None,
    attachments: Iterable[Any] = (),
    request: HttpRequest | None = None,
) -> ChildViews:
    """Record what the child or young person told us, with any files they sent (drawings,
    recordings). Raises ServiceError for missing answers and UploadRejected for a refused file
    (then nothing is saved)."""
    if given_via not in GivenVia.values:
        raise ServiceError("Choose how the views were given")
    if share_with not in ShareWith.values:
        raise ServiceError("Choose who the views may be shared with")
    _validate_sender(case, by_user, by_party)
    if by_party is not None and by_party.role not in CHILD_PARTY_ROLES:
        raise ValueError("Views come through the portal only from a child or young person")
    answers = {
        name: (value or "").strip()
        for name, value in zip(
            ANSWER_FIELDS, (going_well, hard, would_like, who_helps), strict=True
        )
    }
    files = [f for f in attachments if f]
    if not any(answers.values()) and not files:
        raise ServiceError("Enter at least one answer or attach a file")
    purpose = Purpose.CHILD_VIEWS_ATTACHMENT
    checked = [
        _check_and_scan(
            case, f, purpose=purpose, by_user=by_user, by_party=by_party, request=request
        )
        for f in files
    ]
    stored: list[str] = []
    try:
        with transaction.atomic():
            views = ChildViews.objects.create(
                case=case,
                given_via=given_via,
                helped_by=(helped_by or "").strip(),
                share_with=share_with,
                recorded_by_user=by_user,
                submitted_via_party=by_party,
                **answers,
            )
            for item in checked:
                upload = _store_checked(
                    case,
                    item,
                    purpose=purpose,
                    by_user=by_user,
                    by_party=by_party,
                    child_views=views,
                    request=request,
                )
                stored.append(upload.stored_name)
            attached = f", {len(stored)} file{'s' if len(stored) != 1 else ''}" if stored else ""
            timeline_record(
                case=case,
                by=by_user,
                summary=f"Child's or young person's views recorded "
                f"({lower_first(views.get_given_via_display())}{attached}; "
                f"shared with {lower_first(views.get_share_with_display())})",
                verb="child_views.record",
                target=views,
                request=request,
                detail={
                    "given_via": given_via,
                    "share_with": share_with,
                    "attachments": len(stored),
                    "party_id": by_party.pk if by_party is not None else None,
                },
            )
    except BaseException:
        for name in stored:
            storage().delete(name)
        raise
    return views
