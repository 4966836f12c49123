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
from mediation.cases.models import IssueTheme
from mediation.cases.selectors import access_case
from mediation.common.pagination import page_number_from, paginate
from mediation.common.replica import report_reads, report_reads_streamed
from mediation.common.views import (
    refusal_shown_as_message,
    refusal_shown_on,
    render_form_page,
    staff_view,
)
from mediation.common.words import lower_first
from mediation.deadlines.labels import deadline_label
from mediation.domain.case_states import ROUTE_LABELS, Route
from mediation.reports import exports, selectors, services
from mediation.reports.feedback import feedback_comments, feedback_rows
from mediation.reports.forms import AppealForm, QuarterlyReportForm, ReportFilterForm, Sen2Form
from mediation.reports.metrics import BY_KEY, SEN2_KEYS, Kind, Metric, Source
from mediation.reports.models import QuarterlyReport
from mediation.reports.periods import period_from_token
from mediation.reports.views_support import dashboard_context, drilldown_link

FILTER_KEYS = (
    "la",
    "contract",
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
    return selectors.report_filters(
        form.report_period(),
        authority=form.authority(),
        contract=form.chosen_contract(),
        route=form.cleaned_data.get("route") or "",
    )


def _link_query(form: ReportFilterForm) -> dict[str, str]:
    data = form.cleaned_data
    query = {"period": data["period"]}
    if data.get("la"):
        query["la"] = data["la"]
    if data.get("contract"):
        query["contract"] = data["contract"]
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
        "contract": str(filters.contract.pk) if filters.contract else "",
        "route": filters.route or "all",
        "from": filters.period.start.isoformat(),
        "to": filters.period.end.isoformat(),
    }


def filters_heading(filters: selectors.ReportFilters) -> str:
    authority = (
        filters.authority.name
        if filters.authority
        else f"the contract “{filters.contract.name}”"
        if filters.contract
        else "every local authority"
    )
    route = (
        f"{lower_first(ROUTE_LABELS[Route(filters.route)])} route"
        if filters.route
        else "all routes"
    )
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
        comments = feedback_comments(filters)
    query = _link_query(form)
    context.update(dashboard_context(board, link_query=query))
    context.update(
        {
            "filters": filters,
            "heading": filters_heading(filters),
            "export_qs": urlencode(query),
            "comments": comments,
        }
    )
    return render(request, "reports/dashboard.html", context)


def _part_title(metric: Metric, part: str) -> str:
    return {"all": "", "met": metric.met_words, "missed": metric.missed_words}[part]


def _theme_of(request: HttpRequest, metric: Metric) -> IssueTheme | None:
    """The issue of a figure counted per issue (?theme=), or None; 404 for a wrong one."""
    raw = request.GET.get("theme", "")
    if not raw:
        return None
    if not metric.per_theme or not raw.isdigit() or len(raw) > 18:
        raise Http404("No such issue for this figure")
    theme = IssueTheme.objects.filter(pk=int(raw)).first()
    if theme is None:
        raise Http404("No such issue")
    return theme


def _column_value(item: Any, path: str, metric: Metric) -> Any:
    """The value of a drill-down column: a date, or a choice in words."""
    parent: Any = None
    value: Any = item
    name = path
    for name in path.split("__"):
        parent = value
        value = getattr(value, name, None) if value is not None else None
    if path == "kind" and metric.source is Source.ACTION:
        return item.kind_label
    if parent is not None and hasattr(parent, f"get_{name}_display"):
        return getattr(parent, f"get_{name}_display")() if value else "Not recorded"
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value).date()
    return value


def _case_of(item: Any, metric: Metric) -> Any:
    path = selectors.SOURCES[metric.source].case
    if path is None:
        return getattr(item, "case", None) if hasattr(item, "case") else None
    case = item
    for name in path.split("__") if path else ():
        case = getattr(case, name)
    return case


def _drill_rows(metric: Metric, page_items: list[Any]) -> list[dict[str, Any]]:
    """Each row's reference, link and the dates that place it in the figure."""
    rows = []
    for item in page_items:
        case = _case_of(item, metric)
        if metric.source is Source.ENQUIRY:
            reference = item.reference
            url = reverse("enquiries:detail", args=[reference])
            authority = item.local_authority
            route = case.get_route_display() if case else "No case opened"
            what = ""
        else:
            reference = case.reference
            url = reverse("cases:detail", args=[reference])
            authority, route = case.local_authority, case.get_route_display()
            what = deadline_label(item.code) if metric.source is Source.DEADLINE else ""
            if metric.source is Source.ACTION:
                what = item.get_section_display()
        values = [_column_value(item, path, metric) for _heading, path in metric.columns]
        # A rate's rows carry whether each met it, worked out by the figure's own `met` filter.
        met = getattr(item, "meets_figure", None) if metric.kind is Kind.RATE else None
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
    theme = _theme_of(request, metric)
    with report_reads():  # the figure's rows: from the read replica, if one is configured
        page = paginate(
            selectors.metric_rows(
                metric, filters, part=part, theme_id=theme.pk if theme is not None else None
            ),
            number=page_number_from(request.GET.get("page")),
        )
        rows = _drill_rows(metric, page.items)
    query = {**_link_query(form), "metric": metric.key}
    if part != "all":
        query["part"] = part
    if theme is not None:
        query["theme"] = str(theme.pk)
    context.update(
        {
            "filters": filters,
            "page": page,
            "rows": rows,
            "query_string": urlencode(query),
            "dashboard_query": urlencode(_link_query(form)),
            "heading": filters_heading(filters),
            "part_title": _part_title(metric, part),
            "is_rate": metric.kind is Kind.RATE,
            "theme": theme,
            "theme_query": f"&theme={theme.pk}" if theme is not None else "",
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
        report_reads_streamed(exports.csv_lines(rows(filters))),  # the replica, if configured
        content_type="text/csv; charset=utf-8",
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
def export_feedback(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    return _csv_response(request, "feedback-anonymised", feedback_rows)


@staff_view(services.may_manage_reports)
@step_up_required  # data leaving the service: a fresh code first
def export_appeals(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    return _csv_response(request, "mediation-cases-followed-by-appeals", exports.appeals_rows)


# SEN2 figures --------------------------------------------------------------------------------


def _sen2_form(request: HttpRequest) -> Sen2Form:
    today = timezone.localdate()
    # With nothing chosen: last calendar year (the return is made early in the next year).
    data = request.GET if request.GET else {"year": str(today.year - 1)}
    return Sen2Form(data, today=today)


def _sen2_filters(form: Sen2Form) -> selectors.ReportFilters:
    return selectors.ReportFilters(period=form.period(), authority=form.authority())


@staff_view(services.may_view_reports)
def sen2(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The mediation figures of the SEN2 return per LA and calendar year, each with its
    definition and a link to the cases behind it."""
    form = _sen2_form(request)
    context: dict[str, Any] = {
        "form": form,
        "may_manage": services.may_manage_reports(request.user),
    }
    if not form.is_valid():
        return render_form_page(request, "reports/sen2.html", context, invalid=True)
    filters = _sen2_filters(form)
    with report_reads():
        figures = selectors.sen2_figures(filters, authorities=form.authorities.values())
    year = form.cleaned_data["year"]

    def links(code: str) -> list[dict[str, Any]]:
        query = {"period": year, **({"la": code} if code else {})}
        return [{"metric": BY_KEY[key], "link": drilldown_link(query, key)} for key in SEN2_KEYS]

    la_code = filters.authority.code if filters.authority else ""
    context.update(
        {
            "year": year,
            "scope": filters.authority.name if filters.authority else "every local authority",
            "totals": [
                {**item, "result": figures.totals[item["metric"].key]} for item in links(la_code)
            ],
            "rows": [
                {
                    "authority": authority,
                    "cells": [
                        {**item, "result": results[item["metric"].key]}
                        for item in links(authority.code)
                    ],
                }
                for authority, results in figures.by_authority
            ]
            if filters.authority is None
            else [],
            "export_qs": urlencode({"year": year, **({"la": la_code} if la_code else {})}),
        }
    )
    return render(request, "reports/sen2.html", context)


@staff_view(services.may_manage_reports)
@step_up_required  # data leaving the service: a fresh code first
def export_sen2(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    form = _sen2_form(request)
    if not form.is_valid():
        return render_form_page(
            request, "reports/sen2.html", {"form": form, "may_manage": True}, invalid=True
        )
    filters = _sen2_filters(form)
    services.export_record(
        kind="sen2-mediation",
        by=request.user,
        filters_detail={
            "la": filters.authority.code if filters.authority else "all",
            "year": form.cleaned_data["year"],
        },
        request=request,
    )
    response = StreamingHttpResponse(
        exports.csv_lines(exports.sen2_rows(filters)), content_type="text/csv; charset=utf-8"
    )
    scope = filters.authority.code if filters.authority else "all"
    name = f"sen2-mediation-{scope}-{form.cleaned_data['year']}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


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
            contract=form.cleaned_data["contract"],
            year=period.start.year,
            quarter=(period.start.month - 1) // 3 + 1,
            by=request.user,
            request=request,
        )
        return redirect("reports:quarterly-detail", report_id=report.pk)
    reports = QuarterlyReport.objects.select_related(
        "local_authority", "contract", "requested_by"
    ).defer("html", "pdf")[:50]
    return render_form_page(
        request,
        "reports/quarterly.html",
        {"form": form, "reports": reports},
        invalid=request.method == "POST",
    )


def _report(report_id: int, *, with_pdf: bool = False) -> QuarterlyReport:
    deferred = ("html",) if with_pdf else ("html", "pdf")
    return get_object_or_404(
        QuarterlyReport.objects.select_related("local_authority", "contract", "requested_by").defer(
            *deferred
        ),
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
    response = HttpResponse(report.pdf_bytes(), content_type="application/pdf")
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
