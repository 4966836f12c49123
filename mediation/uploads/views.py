"""Staff pages: the documents and children's views of a case, uploads, downloads."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_http_methods

from mediation.audit.services import audit_record
from mediation.common.views import staff_view
from mediation.uploads import selectors
from mediation.uploads.models import Upload
from mediation.uploads.services import storage


def _ascii_filename(name: str) -> str:
    cleaned = "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in name
    )
    return cleaned or "document"


def upload_response(upload: Upload) -> FileResponse:
    """The file as a download: never shown inline, never sniffed, sandboxed if opened.

    Call only after an access check (staff: selectors.access_upload; portal: its own)."""
    response = FileResponse(
        storage().open(upload.stored_name, "rb"), content_type=upload.content_type
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_ascii_filename(upload.original_name)}"; '
        f"filename*=UTF-8''{quote(upload.original_name, safe='')}"
    )
    response["Content-Length"] = str(upload.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view()
@require_http_methods(["GET"])
def upload_download(request: HttpRequest, reference: str, upload_id: int) -> FileResponse:
    upload = selectors.access_upload(
        user=request.user, reference=reference, upload_id=upload_id, request=request
    )
    audit_record(
        actor=request.user,
        verb="document.download",
        target=upload,
        case_id=upload.case_id,
        request=request,
        detail={"purpose": upload.purpose, "sha256": upload.sha256},
    )
    return upload_response(upload)
