"""The caseload pages, for managers: import a caseload (upload, match the columns, the dry run,
the import with its progress), export it, and hand over an LA's open cases. Thin: the work is in
mediation.exchange.services and .handover, each audited there; reads of pages that show personal
details (an import's rows, a hand-over's cases) are audited here."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mediation.accounts.step_up import step_up_required
from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.audit.services import audit_record
from mediation.cases.models import OPEN_CASE, Case
from mediation.common.views import (
    manager_view,
    refusal_shown_as_message,
    refusal_shown_on,
    render_form_page,
)
from mediation.exchange import export, services
from mediation.exchange import handover as handover_services
from mediation.exchange.columns import COLUMNS
from mediation.exchange.forms import (
    CaseloadUploadForm,
    ColumnsForm,
    ExportForm,
    HandoverCloseForm,
    HandoverForm,
)
from mediation.exchange.models import CaseloadImport, Handover, ImportRow
from mediation.exchange.reading import FileUnreadable

RECENT = 20


def _job(import_id: int) -> CaseloadImport:
    return get_object_or_404(
        CaseloadImport.objects.select_related("uploaded_by", "started_by", "default_owner").defer(
            "content"
        ),
        pk=import_id,
    )


@manager_view
@require_http_methods(["GET", "POST"])
def import_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CaseloadUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with refusal_shown_on(form, "file"):
            job = services.caseload_import_upload(
                by=request.user,
                file_name=upload.name,
                data=upload.read(),
                default_owner=form.cleaned_data["default_owner"],
                request=request,
            )
            return redirect("exchange:import-columns", import_id=job.pk)
    recent = list(
        CaseloadImport.objects.select_related("uploaded_by")
        .defer("content", "mapping")
        .annotate(
            created=Count("rows", filter=Q(rows__result=ImportRow.Result.CREATED)),
            problems=Count("rows", filter=Q(rows__result=ImportRow.Result.PROBLEM)),
        )[:RECENT]
    )
    return render_form_page(
        request,
        "exchange/import_start.html",
        {"form": form, "recent": recent},
        invalid=request.method == "POST",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def import_columns(request: AuthenticatedHttpRequest, import_id: int) -> HttpResponse:
    job = get_object_or_404(CaseloadImport, pk=import_id)
    if job.status not in {CaseloadImport.Status.MAPPING, CaseloadImport.Status.CHECKED}:
        return redirect("exchange:import-detail", import_id=job.pk)
    try:
        table = services.table_of(job)
    except FileUnreadable:
        raise Http404("The file is no longer kept") from None
    audit_record(actor=request.user, verb="caseload_import.view", target=job, request=request)
    form = ColumnsForm(
        request.POST if request.method == "POST" else None, table=table, mapping=job.mapping
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            services.caseload_import_map(
                job=job, mapping=form.mapping(), by=request.user, request=request
            )
            return redirect("exchange:import-detail", import_id=job.pk)
    return render_form_page(
        request,
        "exchange/import_columns.html",
        {"form": form, "job": job, "table": table, "columns": COLUMNS},
        invalid=request.method == "POST",
    )


@manager_view
@require_GET
def import_detail(request: AuthenticatedHttpRequest, import_id: int) -> HttpResponse:
    job = _job(import_id)
    rows = list(job.rows.select_related("case").order_by("row_number"))
    audit_record(actor=request.user, verb="caseload_import.view", target=job, request=request)
    counts = {result: 0 for result in ImportRow.Result.values}
    for row in rows:
        counts[row.result] += 1
    return render(
        request,
        "exchange/import_detail.html",
        {
            "job": job,
            "rows": rows,
            "counts": counts,
            "Result": ImportRow.Result,
            "Status": CaseloadImport.Status,
            "progress_url": reverse("exchange:import-progress", args=[job.pk]),
        },
    )


@manager_view
@require_GET
def import_progress(request: AuthenticatedHttpRequest, import_id: int) -> JsonResponse:
    """How far the dry run or the import has got, for the page's progress bar (no personal
    details: counts and the stage only)."""
    job = _job(import_id)
    return JsonResponse(
        {
            "status": job.status,
            "status_text": job.get_status_display(),
            "done": job.rows_done,
            "total": job.rows_total,
            "percent": job.percent,
            "finished": not job.in_progress,
        }
    )


@manager_view
@require_POST
def import_run(request: AuthenticatedHttpRequest, import_id: int) -> HttpResponse:
    job = _job(import_id)
    with refusal_shown_as_message(request):
        services.caseload_import_start(job=job, by=request.user, request=request)
        messages.success(request, "Import started. This page shows how far it has got.")
    return redirect("exchange:import-detail", import_id=job.pk)


@manager_view
@require_GET
def import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An empty caseload: the headings only, to fill in."""
    response = HttpResponse(
        "".join(export.csv_lines(export.caseload_rows([]))), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="caseload-template.csv"'
    return response


@manager_view
@require_GET
@step_up_required  # every personal detail of every case leaves the service: a fresh code first
def export_caseload(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    bound = "format" in request.GET
    form = ExportForm(request.GET if bound else None)
    if not bound or not form.is_valid():
        return render_form_page(request, "exchange/export.html", {"form": form}, invalid=bound)
    authority = form.cleaned_data["la"]
    open_only = form.cleaned_data["cases"] == "open"
    cases = export.caseload_cases(authority=authority, open_only=open_only)
    count = cases.count()
    audit_record(
        actor=request.user,
        verb="caseload.export",
        request=request,
        detail={
            "format": form.cleaned_data["format"],
            "la": authority.code if authority else "all",
            "cases": "open" if open_only else "all",
            "count": count,
        },
    )
    stem = f"caseload-{authority.code if authority else 'all'}-{timezone.localdate():%Y%m%d}"
    response: HttpResponseBase
    if form.cleaned_data["format"] == "xlsx":
        response = HttpResponse(
            export.xlsx_bytes(export.caseload_rows(cases.iterator(chunk_size=500))),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    else:
        response = StreamingHttpResponse(
            export.csv_lines(export.caseload_rows(cases.iterator(chunk_size=500))),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    response["Cache-Control"] = "no-store"
    return response


# Handing over an LA's open cases ----------------------------------------------------------------


def _handover(handover_id: int) -> Handover:
    return get_object_or_404(
        Handover.objects.select_related("local_authority", "made_by").defer("archive"),
        pk=handover_id,
    )


@manager_view
@require_http_methods(["GET", "POST"])
def handover_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = HandoverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form, "la"):
            handover = handover_services.handover_start(
                authority=form.cleaned_data["la"], by=request.user, request=request
            )
            return redirect("exchange:handover-detail", handover_id=handover.pk)
    counts = dict(
        Case.objects.filter(OPEN_CASE)
        .order_by()
        .values_list("local_authority__name")
        .annotate(count=Count("pk"))
    )
    handovers = list(
        Handover.objects.select_related("local_authority", "made_by").defer("archive")[:RECENT]
    )
    return render_form_page(
        request,
        "exchange/handover_start.html",
        {"form": form, "counts": sorted(counts.items()), "handovers": handovers},
        invalid=request.method == "POST",
    )


@manager_view
@require_http_methods(["GET", "POST"])
def handover_detail(request: AuthenticatedHttpRequest, handover_id: int) -> HttpResponse:
    handover = _handover(handover_id)
    form = HandoverCloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form, "confirm"):
            handover_services.handover_close_start(
                handover=handover, by=request.user, request=request
            )
            messages.success(request, "Closing the cases. This page shows how far it has got.")
            return redirect("exchange:handover-detail", handover_id=handover.pk)
    cases = list(
        Case.objects.filter(pk__in=handover.case_ids)
        .only("reference", "status", "route", "child_first_name", "child_last_name")
        .order_by("reference")
    )
    audit_record(actor=request.user, verb="handover.view", target=handover, request=request)
    return render_form_page(
        request,
        "exchange/handover_detail.html",
        {
            "handover": handover,
            "cases": cases,
            "form": form,
            "Status": Handover.Status,
            "progress_url": reverse("exchange:handover-progress", args=[handover.pk]),
            "not_closed": [line for line in handover.not_closed.splitlines() if line],
        },
        invalid=request.method == "POST",
    )


@manager_view
@require_GET
def handover_progress(request: AuthenticatedHttpRequest, handover_id: int) -> JsonResponse:
    handover = _handover(handover_id)
    return JsonResponse(
        {
            "status": handover.status,
            "status_text": handover.get_status_display(),
            "done": handover.cases_done,
            "total": len(handover.case_ids),
            "percent": handover.percent,
            "finished": not handover.in_progress,
        }
    )


@manager_view
@require_GET
@step_up_required  # every open case of an LA leaves the service: a fresh code first
def handover_download(request: AuthenticatedHttpRequest, handover_id: int) -> HttpResponse:
    handover = get_object_or_404(Handover.objects.select_related("local_authority"), pk=handover_id)
    if not handover.sha256:
        raise Http404("The archive is not ready")
    handover_services.handover_record_download(handover=handover, by=request.user, request=request)
    response = HttpResponse(handover.archive_content(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{handover.filename}"'
    response["Cache-Control"] = "no-store"
    return response
