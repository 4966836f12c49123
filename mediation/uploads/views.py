"""Staff pages: the files and children's views of a case, uploading, downloading.

Each view: access the case (404 if the user may not see it) → permission (403) → form → one
service. `upload_response` is also used by the portal after its own access check.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.audit.reads import read_listed, read_noted
from mediation.cases.models import Case
from mediation.cases.selectors import access_case
from mediation.common.views import (
    refusal_shown_as_message,
    refusal_shown_on,
    render_form_page,
    staff_view,
)
from mediation.uploads import selectors, services
from mediation.uploads.forms import ChildViewsForm, RemoveForm, UploadForm
from mediation.uploads.models import Upload
from mediation.uploads.permissions import can_manage_uploads, can_record_child_views
from mediation.uploads.services import UploadRejected, storage


def _ascii_filename(name: str) -> str:
    cleaned = "".join(
        ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in name
    )
    return cleaned or "file"


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


def _case(request: AuthenticatedHttpRequest, reference: str) -> Case:
    return access_case(user=request.user, reference=reference, request=request)


def _back(case: Case) -> HttpResponse:
    return redirect("uploads:case-files", reference=case.reference)


@staff_view()
@require_http_methods(["GET"])
def upload_download(
    request: AuthenticatedHttpRequest, reference: str, upload_id: int
) -> FileResponse:
    upload = selectors.access_upload(
        user=request.user, reference=reference, upload_id=upload_id, request=request
    )
    # Noted as read by access_upload: one "document.download" event names it (ADR 0029).
    read_noted(upload, purpose=upload.purpose, sha256=upload.sha256)
    return upload_response(upload)


@staff_view()
@require_http_methods(["GET"])
def case_files(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    uploads = list(selectors.case_uploads(case, for_user=request.user))
    views = list(selectors.case_child_views(case, for_user=request.user))
    attachment_ids = {a.pk for v in views for a in v.live_attachments}
    # The page's read event lists the files and children's views shown (without their words).
    read_listed([u.pk for u in uploads], model=Upload)
    if views:
        read_noted(case, child_views=[v.pk for v in views])
    return render(
        request,
        "uploads/case_files.html",
        {
            "case": case,
            "uploads": [u for u in uploads if u.pk not in attachment_ids],
            "child_views": views,
            "may_manage": can_manage_uploads(request.user, case),
            "may_record_views": can_record_child_views(request.user, case),
        },
    )


@staff_view()
@require_http_methods(["GET", "POST"])
def upload_add(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    if not can_manage_uploads(request.user, case):
        raise PermissionDenied
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    context = {
        "case": case,
        "form": form,
        "max_paper_mb": settings.UPLOAD_MAX_DOCUMENT_MB,
        "max_media_mb": settings.UPLOAD_MAX_MEDIA_MB,
    }
    if request.method == "GET":
        return render(request, "uploads/upload_form.html", context)
    if not form.is_valid():
        return render_form_page(request, "uploads/upload_form.html", context, invalid=True)
    try:
        upload = services.upload_store(
            case,
            form.cleaned_data["file"],
            purpose=form.cleaned_data["purpose"],
            by_user=request.user,
            request=request,
        )
    except UploadRejected as rejected:
        form.add_error("file", rejected.message)
        return render_form_page(request, "uploads/upload_form.html", context, invalid=True)
    if form.cleaned_data["share"]:
        services.upload_share(upload, by_user=request.user, shared=True, request=request)
    messages.success(request, "File added")
    return _back(case)


@staff_view()
@require_POST
def upload_share(request: AuthenticatedHttpRequest, reference: str, upload_id: int) -> HttpResponse:
    upload = selectors.access_upload(
        user=request.user, reference=reference, upload_id=upload_id, request=request
    )
    if not can_manage_uploads(request.user, upload.case):
        raise PermissionDenied
    shared = request.POST.get("shared") == "yes"
    with refusal_shown_as_message(request):
        services.upload_share(upload, by_user=request.user, shared=shared, request=request)
        messages.success(
            request,
            "The file is now shared with the parties"
            if shared
            else "The file is no longer shared with the parties",
        )
    return _back(upload.case)


@staff_view()
@require_http_methods(["GET", "POST"])
def upload_remove(
    request: AuthenticatedHttpRequest, reference: str, upload_id: int
) -> HttpResponse:
    upload = selectors.access_upload(
        user=request.user, reference=reference, upload_id=upload_id, request=request
    )
    case = upload.case
    if not can_manage_uploads(request.user, case):
        raise PermissionDenied
    form = RemoveForm(request.POST if request.method == "POST" else None)
    context = {"case": case, "upload": upload, "form": form}
    if request.method == "GET":
        return render(request, "uploads/remove_form.html", context)
    if not form.is_valid():
        return render_form_page(request, "uploads/remove_form.html", context, invalid=True)
    with refusal_shown_as_message(request):
        services.upload_remove(
            upload, by_user=request.user, reason=form.cleaned_data["reason"], request=request
        )
        messages.success(request, "File removed")
    return _back(case)


@staff_view()
@require_http_methods(["GET", "POST"])
def child_views_add(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    if not can_record_child_views(request.user, case):
        raise PermissionDenied
    form = ChildViewsForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    context = {"case": case, "form": form}
    if request.method == "GET":
        return render(request, "uploads/child_views_form.html", context)
    if not form.is_valid():
        return render_form_page(request, "uploads/child_views_form.html", context, invalid=True)
    data = form.cleaned_data
    try:
        with refusal_shown_on(form):
            services.child_views_record(
                case,
                given_via=data["given_via"],
                going_well=data["going_well"],
                hard=data["hard"],
                would_like=data["would_like"],
                who_helps=data["who_helps"],
                helped_by=data["helped_by"],
                share_with=data["share_with"],
                by_user=request.user,
                attachments=data["attachments"],
                request=request,
            )
            messages.success(request, "The child's or young person's views are recorded")
            return _back(case)
    except UploadRejected as rejected:
        form.add_error("attachments", rejected.message)
    return render_form_page(request, "uploads/child_views_form.html", context, invalid=True)
