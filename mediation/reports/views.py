"""Report pages: the dashboard, the cases behind each figure, CSV exports, quarterly reports,
and recording that a family appealed. Thin: the figures come from selectors, the changes from
services."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from mediation.accounts.step_up import step_up_required
from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.cases.models import AppealLodged
from mediation.cases.selectors import access_case
from mediation.common.pagination import page_number_from, paginate
from mediation.common.replica import report_reads
from mediation.common.views import (
    refusal_shown_as_message,
    refusal_shown_on,
    render_form_page,
    staff_view,
)
from mediation.deadlines.labels import deadline_label
from mediation.domain.case_states import ROUTE_LABELS, Route
from mediation.reports import exports, selectors, services
from mediation.reports.forms import AppealForm, QuarterlyReportForm, ReportFilterForm
from mediation.reports.metrics import Kind, Source
from mediation.reports.models import QuarterlyReport
from mediation.reports.periods import period_from_token
from mediation.reports.views_support import dashboard_context

FILTER_KEYS = (
    "la",
    "route",
    "period",
    "start_day",
    "start_month",
    "start_year",
    "end_day",
    "end_month",
    "end_year",
)


def _filter_form(request: HttpRequest) -> ReportFilterForm:
    bound = any(key in request.GET for key in FILTER_KEYS)
    return ReportFilterForm(request.GET if bound else {}, today=timezone.localdate())


def _filters(form: ReportFilterForm) -> selectors.ReportFilters:
    return selectors.ReportFilters(
        period=form.report_period(),
        authority=form.authority(),
        route=form.cleaned_data.get("route") or "",
    )


def _link_query(form: ReportFilterForm) -> dict[str, str]:
    data = form.cleaned_data
    query = {"period": data["period"]}
    if data.get("la"):
        query["la"] = data["la"]
    if data.get("route"):
        query["route"] = data["route"]
    if data["period"] == "custom":
        for name in ("start", "end"):
            day = data[name]
            query.update(
                {
                    f"{name}_day": str(day.day),
                    f"{name}_month": str(day.month),
                    f"{name}_year": str(day.year),
                }
            )
    return query


def _filters_detail(form: ReportFilterForm) -> dict[str, str]:
    filters = _filters(form)
    return {
        "la": filters.authority.code if filters.authority else "all",
        "route": filters.route or "all",
        "from": filters.period.start.isoformat(),
        "to": filters.period.end.isoformat(),
    }


def filters_heading(filters: selectors.ReportFilters) -> str:
    authority = filters.authority.name if filters.authority else "every local authority"
    route = f"{ROUTE_LABELS[Route(filters.route)].lower()} route" if filters.route else "all routes"
    return f"{filters.period.label}: {authority}, {route}"


@staff_view(services.may_view_reports)
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    form = _filter_form(request)
    context: dict[str, Any] = {
        "form": form,
        "may_manage": services.may_manage_reports(request.user),
    }
    if not form.is_valid():
        return render_form_page(request, "reports/dashboard.html", context, invalid=True)
    filters = _filters(form)
    with report_reads():  # a read replica, when one is configured (docs/scaling.md)
        board = selectors.dashboard(filters, authorities=form.authorities.values())
    query = _link_query(form)
    context.update(dashboard_context(board, link_query=query))
    context.update(
        {"filters": filters, "heading": filters_heading(filters), "export_qs": urlencode(query)}
    )
    return render(request, "reports/dashboard.html", context)


PART_TITLES = {"all": "", "met": "met the standard", "missed": "did not meet the standard"}


def _drill_rows(metric, page_items: list[Any]) -> list[dict[str, Any]]:  # noqa: ANN001
    """Each row's reference, link and the dates that place it in the figure."""
    rows = []
    for item in page_items:
        if metric.source is Source.ENQUIRY:
            case = getattr(item, "case", None) if hasattr(item, "case") else None
            reference = item.reference
            url = reverse("enquiries:detail", args=[reference])
            authority = item.local_authority
            route = case.get_route_display() if case else "No case opened"
            what = ""
        else:
            case = item if metric.source is Source.CASE else item.case
            reference = case.reference
            url = reverse("cases:detail", args=[reference])
            authority, route = case.local_authority, case.get_route_display()
            what = deadline_label(item.code) if metric.source is Source.DEADLINE else ""
            if metric.source is Source.ACTION:
                what = item.get_section_display()
        values = []
        for _heading, path in metric.columns:
            value: Any = item
            for part in path.split("__"):
                value = getattr(value, part, None) if value is not None else None
            if path == "appeal_lodged":
                value = AppealLodged(value).label if value else "Not recorded"
            elif path == "kind" and metric.source is Source.ACTION:
                value = item.kind_label
            elif hasattr(value, "tzinfo") and hasattr(value, "hour"):
                value = timezone.localtime(value).date()
            values.append(value)
        met = None
        if metric.kind is Kind.RATE and metric.source is Source.DEADLINE:
            met = item.met_on is not None and item.met_on <= item.due
        elif metric.kind is Kind.RATE:
            assert case is not None  # the other rates count cases (Source.CASE)
            met = case.appeal_lodged == AppealLodged.YES
        rows.append(
            {
                "reference": reference,
                "url": url,
                "authority": authority,
                "route": route,
                "what": what,
                "values": values,
                "met": met,
            }
        )
    return rows


@staff_view(services.may_view_reports)
def cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    metric = selectors.metric_by_key(request.GET.get("metric", ""))
    if metric is None:
        raise Http404("No such figure")
    part = request.GET.get("part", "all")
    if part not in selectors.PARTS or (part != "all" and metric.met is None):
        raise Http404("No such part of the figure")
    form = _filter_form(request)
    context: dict[str, Any] = {"form": form, "metric": metric, "part": part}
    if not form.is_valid():
        return render_form_page(request, "reports/cases.html", context, invalid=True)
    filters = _filters(form)
    page = paginate(
        selectors.metric_rows(metric, filters, part=part),
        number=page_number_from(request.GET.get("page")),
    )
    query = {**_link_query(form), "metric": metric.key}
    if part != "all":
        query["part"] = part
    context.update(
        {
            "filters": filters,
            "page": page,
            "rows": _drill_rows(metric, page.items),
            "query_string": urlencode(query),
            "dashboard_query": urlencode(_link_query(form)),
            "heading": filters_heading(filters),
            "part_title": PART_TITLES[part],
            "is_rate": metric.kind is Kind.RATE,
        }
    )
    return render(request, "reports/cases.html", context)


# Exports: each needs a fresh authenticator code (step_up_required) ---------------------------


def _csv_response(
    request: AuthenticatedHttpRequest,
    kind: str,
    rows: Callable[[selectors.ReportFilters], Iterator[list[Any]]],
) -> HttpResponseBase:
    form = _filter_form(request)
    if not form.is_valid():
        return render_form_page(
            request,
            "reports/dashboard.html",
            {"form": form, "may_manage": True},
            invalid=True,
        )
    filters = _filters(form)
    services.export_record(
        kind=kind, by=request.user, filters_detail=_filters_detail(form), request=request
    )
    response = StreamingHttpResponse(
        exports.csv_lines(rows(filters)), content_type="text/csv; charset=utf-8"
    )
    name = f"{kind}-{filters.period.start:%Y%m%d}-{filters.period.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_view(services.may_manage_reports)
@step_up_required  # data leaving the service: a fresh code first
def export_cases(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    return _csv_response(request, "cases-anonymised", exports.cases_rows)


@staff_view(services.may_manage_reports)
@step_up_required  # data leaving the service: a fresh code first
def export_counts(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    return _csv_response(request, "counts", exports.counts_rows)


@staff_view(services.may_manage_reports)
@step_up_required  # data leaving the service: a fresh code first
def export_appeals(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    return _csv_response(request, "mediation-cases-followed-by-appeals", exports.appeals_rows)


# Quarterly reports --------------------------------------------------------------------------


@staff_view(services.may_manage_reports)
@require_http_methods(["GET", "POST"])
def quarterly(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = QuarterlyReportForm(
        request.POST if request.method == "POST" else None, today=timezone.localdate()
    )
    if request.method == "POST" and form.is_valid():
        period = period_from_token(form.cleaned_data["quarter"])
        assert period is not None
        report = services.quarterly_report_request(
            authority=form.cleaned_data["la"],
            year=period.start.year,
            quarter=(period.start.month - 1) // 3 + 1,
            by=request.user,
            request=request,
        )
        return redirect("reports:quarterly-detail", report_id=report.pk)
    reports = QuarterlyReport.objects.select_related("local_authority", "requested_by").defer(
        "html", "pdf"
    )[:50]
    return render_form_page(
        request,
        "reports/quarterly.html",
        {"form": form, "reports": reports},
        invalid=request.method == "POST",
    )


def _report(report_id: int, *, with_pdf: bool = False) -> QuarterlyReport:
    deferred = ("html",) if with_pdf else ("html", "pdf")
    return get_object_or_404(
        QuarterlyReport.objects.select_related("local_authority", "requested_by").defer(*deferred),
        pk=report_id,
    )


@staff_view(services.may_manage_reports)
def quarterly_detail(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = _report(report_id)
    return render(request, "reports/quarterly_detail.html", {"report": report})


@staff_view(services.may_manage_reports)
def quarterly_pdf(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = _report(report_id, with_pdf=True)
    if not report.is_ready:
        raise Http404("The report is not ready")
    services.quarterly_report_record_download(report=report, by=request.user, request=request)
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_view(services.may_manage_reports)
@require_POST
def quarterly_send(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report = _report(report_id)
    with refusal_shown_as_message(request):
        services.quarterly_report_send(report=report, by=request.user, request=request)
        messages.success(
            request, f"Report sent to {report.local_authority.contact_email}, with the PDF attached"
        )
    return redirect("reports:quarterly-detail", report_id=report.pk)


# The family told us they appealed -----------------------------------------------------------


@staff_view(services.may_record_appeal)
@require_http_methods(["GET", "POST"])
def appeal(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = access_case(user=request.user, reference=reference, request=request)
    form = AppealForm(
        request.POST if request.method == "POST" else None,
        initial={"appeal_lodged": case.appeal_lodged or None},
    )
    if request.method == "POST" and form.is_valid():
        with refusal_shown_on(form):
            services.appeal_record(
                case=case,
                appeal_lodged=form.cleaned_data["appeal_lodged"],
                by=request.user,
                request=request,
            )
            messages.success(request, "Appeal recorded")
            return redirect("cases:detail", reference=case.reference)
    return render_form_page(
        request,
        "reports/appeal_form.html",
        {"form": form, "case": case},
        invalid=request.method == "POST",
    )
