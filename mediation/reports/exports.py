"""CSV exports with no names or contact details of children or families (the spirit of
CFA 2014 s76(4)): see docs/guide/manager.md, "Reports", and
docs/adr/0014-reports-metric-definitions.md.

- cases: one row per case opened in the period; an opaque row id (a keyed hash of the
  reference, so rows of two exports can be matched but not traced to a case without the key),
  the LA, route, decision, issue flags, outcome, certificate kind, appeal, and the key dates to
  the month only (with the whole days between the LA being informed and the meeting). No
  reference, names, dates of birth, settings, addresses, phone numbers, emails or free text.
- counts: every metric, per LA and for all of them (SEN2-style counts).
- appeals: the LG Inform measure "mediation cases followed by appeals", per LA.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from mediation.authorities.models import LocalAuthority
from mediation.reports.metrics import BY_KEY, METRICS, SEN2_KEYS, THEME_KEYS, Kind, Source
from mediation.reports.selectors import (
    MetricResult,
    ReportFilters,
    ThemeTable,
    base_queryset,
    compute,
    compute_by_authority,
    sen2_figures,
    theme_table,
    theme_tables_by_authority,
)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([_safe(value) for value in row])


def _safe(value: Any) -> Any:
    """Spreadsheets run a cell starting with = + - @ as a formula: make it text."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def opaque_id(reference: str) -> str:
    key = hashlib.sha256(f"report-row-id:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, reference.encode(), hashlib.sha256).hexdigest()[:16]


def _month(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value:%Y-%m}"


CASE_COLUMNS = (
    "row_id",
    "la_code",
    "route",
    "open_or_closed",
    "decision_type",
    "section_i_only",
    "issue_education",
    "issue_health",
    "issue_social_care",
    "opened_month",
    "la_informed_month",
    "meeting_held_month",
    "certificate_issued_month",
    "days_la_informed_to_meeting",
    "certificate_kind",
    "outcome",
    "closure_outcome",
    "appeal_lodged",
)


def cases_rows(filters: ReportFilters) -> Iterator[list[Any]]:
    """Case-level rows (cases opened in the period), streamed in chunks."""
    yield list(CASE_COLUMNS)
    rows = (
        base_queryset(Source.CASE, "opened_at", filters, today=timezone.localdate())
        .order_by("opened_at", "pk")
        .values_list(
            "reference",
            "local_authority__code",
            "route",
            "status",
            "decision_type",
            "section_i_only",
            "issue_education",
            "issue_health",
            "issue_social_care",
            "opened_at",
            "la_informed_on",
            "mediation_held_on",
            "certificate_issued_on",
            "certificate_kind",
            "outcome",
            "closure_outcome",
            "appeal_lodged",
        )
    )
    for row in rows.iterator(chunk_size=2000):
        (reference, la, route, status, decision, section_i, education, health, social,
         opened, informed, held, certified, kind, outcome, closure, appeal) = row  # fmt: skip
        days = (held - informed).days if held and informed else ""
        yield [
            opaque_id(reference),
            la,
            route,
            "closed" if status == "closed" else "open",
            decision,
            _yes_no(section_i),
            _yes_no(education),
            _yes_no(health),
            _yes_no(social),
            _month(opened),
            _month(informed),
            _month(held),
            _month(certified),
            days,
            kind,
            outcome,
            closure,
            appeal,
        ]


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


COUNT_COLUMNS = (
    "la_code",
    "la_name",
    "period_start",
    "period_end",
    "measure",
    "measure_name",
    "value",
    "out_of",
    "percent",
    "average_days",
)


def _count_row(code: str, name: str, filters: ReportFilters, result: MetricResult) -> list[Any]:
    metric = result.metric
    return [
        code,
        name,
        filters.period.start.isoformat(),
        filters.period.end.isoformat(),
        metric.key,
        metric.name,
        "" if metric.kind is Kind.AVERAGE else result.value,
        result.total if metric.kind is not Kind.COUNT else "",
        "" if result.percent is None else result.percent,
        "" if result.average_days is None else result.average_days,
    ]


def counts_rows(filters: ReportFilters) -> Iterator[list[Any]]:
    """Every metric for each LA with any rows, then for all the LAs of the filter together. With
    every LA chosen, each LA's issues in dispute come after its figures, as a commissioner who
    chose one LA would see them (counted for all the LAs at once: GROUP BY the LA)."""
    yield list(COUNT_COLUMNS)
    per_authority = compute_by_authority(filters)
    authorities = list(LocalAuthority.objects.filter(pk__in=list(per_authority)).order_by("name"))
    every_la = filters.authority is None and filters.contract is None
    themes_by_authority = (
        theme_tables_by_authority(filters, [authority.pk for authority in authorities])
        if every_la
        else {}
    )
    for authority in authorities:
        results = per_authority[authority.pk]
        for metric in METRICS:
            yield _count_row(authority.code, authority.name, filters, results[metric.key])
        if every_la:
            yield from _theme_rows(
                authority.code, authority.name, filters, themes_by_authority[authority.pk]
            )
    totals = compute(filters)
    code, name = _scope(filters)
    for metric in METRICS:
        yield _count_row(code, f"Total: {name}", filters, totals[metric.key])
    yield from _theme_rows(code, f"Total: {name}", filters, theme_table(filters))


def _scope(filters: ReportFilters) -> tuple[str, str]:
    """The code and name of what the filters count: one LA, a contract's LAs, or every LA."""
    if filters.authority is not None:
        return filters.authority.code, filters.authority.name
    if filters.contract is not None:
        return f"CONTRACT-{filters.contract.pk}", f"Contract: {filters.contract.name}"
    return "ALL", "All local authorities"


def _theme_rows(
    code: str, name: str, filters: ReportFilters, table: ThemeTable
) -> Iterator[list[Any]]:
    """Each issue in dispute: its cases and results in the period, then in each of the four
    quarters before it (their own period columns), so a spreadsheet can draw the trend. The
    measure is the figure's key then the issue's number (`issue_on_cases:theme:3`)."""
    for row in table.rows:
        before = zip(table.quarters, row.by_quarter, strict=True)
        for period, counts in [(filters.period, row.counts), *before]:
            for key in THEME_KEYS:
                metric = BY_KEY[key]
                yield [
                    code,
                    name,
                    period.start.isoformat(),
                    period.end.isoformat(),
                    f"{key}:theme:{row.theme.pk}",
                    f"{metric.name}: {row.theme.name}",
                    counts.get(key, 0),
                    "",
                    "",
                    "",
                ]


APPEAL_COLUMNS = (
    "la_code",
    "la_name",
    "period_start",
    "period_end",
    "mediation_cases",
    "followed_by_appeal",
    "percent_followed_by_appeal",
)


def appeals_rows(filters: ReportFilters) -> Iterator[list[Any]]:
    """The LG Inform measure per LA: mediations held in the period and how many were followed
    by an appeal (as the family told us)."""
    yield list(APPEAL_COLUMNS)
    metric = BY_KEY["mediations_followed_by_appeal"]
    per_authority = compute_by_authority(filters, metrics=[metric])
    authorities = LocalAuthority.objects.filter(pk__in=list(per_authority)).order_by("name")
    for authority in authorities:
        result = per_authority[authority.pk][metric.key]
        yield [
            authority.code,
            authority.name,
            filters.period.start.isoformat(),
            filters.period.end.isoformat(),
            result.total,
            result.value,
            "" if result.percent is None else result.percent,
        ]


SEN2_COLUMNS = (
    "la_code",
    "la_name",
    "year",
    "figure",
    "figure_name",
    "value",
    "definition",
)


def sen2_rows(filters: ReportFilters) -> Iterator[list[Any]]:
    """The SEN2 mediation figures of each LA with any in the year, then in all, each with its
    definition (the cases behind each are listed on the SEN2 page)."""
    yield list(SEN2_COLUMNS)
    figures = sen2_figures(filters)
    year = str(filters.period.start.year)
    code, name = _scope(filters)
    rows = [(a.code, a.name, results) for a, results in figures.by_authority]
    for la_code, la_name, results in [*rows, (code, f"Total: {name}", figures.totals)]:
        for key in SEN2_KEYS:
            metric = BY_KEY[key]
            yield [la_code, la_name, year, key, metric.name, results[key].value, metric.definition]
