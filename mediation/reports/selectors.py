"""The queries behind every report: aggregate only (COUNT with filters, AVG, GROUP BY LA or
month), one query per source table and event date, whatever the number of cases.

Indexes they use (see the migrations of cases, deadlines and this app's ADR):
case (opened_at, local_authority), (mediation_held_on, local_authority),
(certificate_issued_on, local_authority); enquiry (received_at, local_authority);
deadline (code, due) and (due, met_on).
"""

from __future__ import annotations

import dataclasses
import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import reduce
from typing import Any

from django.apps import apps
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Model,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncMonth, TruncQuarter
from django.db.models.lookups import In
from django.utils import timezone

from mediation.authorities.models import Contract, LocalAuthority
from mediation.cases.models import Case, IssueTheme
from mediation.common.days import day_start
from mediation.common.queries import value_by_key, without_jit
from mediation.reports.metrics import (
    BY_KEY,
    CLOCK_STOPPING_CLOSURES,
    KPI_BY_LA_KEYS,
    METRICS,
    OUTCOME_KEYS,
    SEN2_KEYS,
    THEME_CASES_KEY,
    THEME_KEYS,
    THEME_RESULT_KEYS,
    TREND_KEYS,
    Kind,
    Metric,
    Source,
)
from mediation.reports.periods import Period, months_between, previous_quarters


@dataclass(frozen=True)
class ReportFilters:
    """One LA, or the LAs of a contract (`member_ids`), or every LA; a route or all."""

    period: Period
    authority: LocalAuthority | None = None
    route: str = ""
    contract: Contract | None = None
    member_ids: tuple[int, ...] = ()

    @property
    def authority_ids(self) -> tuple[int, ...] | None:
        """The LAs counted, or None for every LA."""
        if self.authority is not None:
            return (self.authority.pk,)
        if self.contract is not None:
            return self.member_ids
        return None


def report_filters(
    period: Period,
    *,
    authority: LocalAuthority | None = None,
    contract: Contract | None = None,
    route: str = "",
) -> ReportFilters:
    """Filters for one LA, a contract (its member LAs read once here) or every LA."""
    members: tuple[int, ...] = ()
    if contract is not None:
        members = tuple(sorted(contract.members.values_list("pk", flat=True)))
    return ReportFilters(
        period=period, authority=authority, route=route, contract=contract, member_ids=members
    )


@dataclass(frozen=True)
class SourceSpec:
    model_path: str
    authority: str  # path to the LocalAuthority foreign key
    route: str  # path to the case's route
    select_related: tuple[str, ...]
    # The reference shown on drill-down lists.
    reference: str
    # Path from a row to its case ("" when the row is the case; None for enquiries).
    case: str | None = "case"


_CASE_ROW = ("case", "case__local_authority")

SOURCES: dict[Source, SourceSpec] = {
    Source.ENQUIRY: SourceSpec(
        "cases.Enquiry",
        "local_authority",
        "case__route",
        ("local_authority", "case"),
        "reference",
        case=None,
    ),
    Source.CASE: SourceSpec(
        "cases.Case", "local_authority", "route", ("local_authority",), "reference", case=""
    ),
    Source.CASE_ISSUE: SourceSpec(
        "cases.CaseIssue",
        "case__local_authority",
        "case__route",
        (*_CASE_ROW, "theme"),
        "case__reference",
    ),
    Source.ISSUE_OUTCOME: SourceSpec(
        "outcomes.IssueOutcome",
        "case__local_authority",
        "case__route",
        (*_CASE_ROW, "theme"),
        "case__reference",
    ),
    Source.MEETING_CHANGE: SourceSpec(
        "meetings.MeetingChange",
        "meeting__case__local_authority",
        "meeting__case__route",
        ("meeting__case", "meeting__case__local_authority"),
        "meeting__case__reference",
        case="meeting__case",
    ),
    Source.DECLINE: SourceSpec(
        "cases.ParticipationDeclined",
        "case__local_authority",
        "case__route",
        _CASE_ROW,
        "case__reference",
    ),
    Source.DEFERRED: SourceSpec(
        "outcomes.DeferredDecision",
        "case__local_authority",
        "case__route",
        (*_CASE_ROW, "action"),
        "case__reference",
    ),
    Source.DEADLINE: SourceSpec(
        "deadlines.Deadline",
        "case__local_authority",
        "case__route",
        ("case", "case__local_authority"),
        "case__reference",
    ),
    Source.ACTION: SourceSpec(
        "outcomes.AgreedAction",
        "case__local_authority",
        "case__route",
        ("case", "case__local_authority"),
        "case__reference",
    ),
    Source.FEEDBACK: SourceSpec(
        "feedback.SurveyResponse",
        "case__local_authority",
        "case__route",
        ("case", "case__local_authority"),
        "case__reference",
    ),
}

DATETIME_FIELDS = {"received_at", "opened_at", "at", "answered_at"}


def _model(source: Source) -> type[Model]:
    return apps.get_model(SOURCES[source].model_path)


def date_range_q(date_field: str, start: date, end: date) -> Q:
    """Rows whose event falls on a day in [start, end] (a datetime: in UK local time)."""
    if date_field.split("__")[-1] in DATETIME_FIELDS:
        return Q(**{f"{date_field}__gte": day_start(start)}) & Q(
            **{f"{date_field}__lt": day_start(end + timedelta(days=1))}
        )
    return Q(**{f"{date_field}__gte": start, f"{date_field}__lte": end})


def settled_deadlines_q(today: date) -> Q:
    """Deadlines that count: met, or their due day has passed; except those never met on a case
    closed because its clock stopped (see mediation.reports.metrics)."""
    # Written as "met, or (due day passed and the case's clock did not stop)": the same rows as
    # "(met or due day passed) and not (never met and clock stopped)". The case's closure is
    # read only for deadlines not met, by its primary key (value_by_key).

    closure = value_by_key(Case, "closure_outcome", key="case_id")
    clock_stopped = In(closure, list(CLOCK_STOPPING_CLOSURES))
    return Q(met_on__isnull=False) | (Q(due__lt=today) & ~Q(clock_stopped))


def base_queryset(
    source: Source,
    date_field: str,
    filters: ReportFilters,
    *,
    today: date,
    by_authority: bool = False,
) -> QuerySet[Any]:
    """The rows of one source with their event in the period, for the filters' LA and route."""
    spec = SOURCES[source]
    rows = _model(source)._default_manager.filter(
        date_range_q(date_field, filters.period.start, filters.period.end)
    )
    ids = filters.authority_ids
    if ids is not None and not by_authority:
        if len(ids) == 1:
            rows = rows.filter(**{f"{spec.authority}_id": ids[0]})
        else:
            rows = rows.filter(**{f"{spec.authority}_id__in": list(ids)})
    if filters.route:
        rows = rows.filter(**{spec.route: filters.route})
    if source is Source.DEADLINE:
        rows = rows.filter(settled_deadlines_q(today))
    elif source is Source.DEFERRED:
        # Settled, like a deadline: made, or its day has passed.
        rows = rows.filter(Q(action__done_on__isnull=False) | Q(decision_due_on__lt=today))
    return rows


# Results ------------------------------------------------------------------------------------


@dataclass
class MetricResult:
    metric: Metric
    # A count, or for a rate the rows that met the standard.
    value: int = 0
    # For a rate: the rows counted; for an average: the rows averaged.
    total: int = 0
    average_days: float | None = None

    @property
    def percent(self) -> int | None:
        if self.metric.kind is not Kind.RATE or not self.total:
            return None
        return round(100 * self.value / self.total)

    @property
    def missed(self) -> int:
        return self.total - self.value

    @property
    def display(self) -> str:
        if self.metric.kind is Kind.RATE:
            if not self.total:
                return "None due"
            return f"{self.value} of {self.total} ({self.percent}%)"
        if self.metric.kind is Kind.AVERAGE:
            return "No meetings" if self.average_days is None else f"{self.average_days:.1f} days"
        return str(self.value)


def _aggregates(metrics: Iterable[Metric]) -> dict[str, Any]:
    expressions: dict[str, Any] = {}
    for metric in metrics:
        # A metric in a query of its own has its `where` in the WHERE clause (_rows).
        where = None if metric.own_query else metric.where
        if metric.kind is Kind.AVERAGE:
            assert metric.average_of is not None  # what makes it Kind.AVERAGE
            later, earlier = metric.average_of
            expressions[f"{metric.key}__avg"] = Avg(
                ExpressionWrapper(F(later) - F(earlier), output_field=DurationField()),
                filter=where,
            )
        expressions[f"{metric.key}__n"] = Count("pk", filter=where)
        if metric.met is not None:
            met = metric.met if where is None else where & metric.met
            expressions[f"{metric.key}__m"] = Count("pk", filter=met)
    return expressions


def _fill(result: MetricResult, row: dict[str, Any]) -> None:
    metric = result.metric
    count = row.get(f"{metric.key}__n") or 0
    if metric.kind is Kind.RATE:
        result.total += count
        result.value += row.get(f"{metric.key}__m") or 0
    elif metric.kind is Kind.AVERAGE:
        result.total += count
        average = row.get(f"{metric.key}__avg")
        if average is not None:
            result.average_days = round(average / timedelta(days=1), 1)
    else:
        result.value += count


# A group of metrics counted by one query: (source, event date, the metric's key when it has a
# query of its own, else "").
GroupKey = tuple[Source, str, str]


def _groups(metrics: Iterable[Metric]) -> dict[GroupKey, list[Metric]]:
    groups: dict[GroupKey, list[Metric]] = defaultdict(list)
    for metric in metrics:
        own = metric.key if metric.own_query else ""
        groups[(metric.source, metric.date_field, own)].append(metric)
    return groups


def _rows(
    key: GroupKey, group: list[Metric], filters: ReportFilters, *, today: date, **kwargs: Any
) -> QuerySet[Any]:
    """The rows one group's query aggregates."""
    source, date_field, own = key
    rows = base_queryset(source, date_field, filters, today=today, **kwargs)
    if own:
        (metric,) = group
        rows = rows.filter(metric.where)
    elif source is Source.DEADLINE:
        # Only the deadlines one of the group's figures counts (a third of the period's: the
        # others are appeal, adviser and meeting deadlines), read through the (code, due) and
        # agreed-action indexes. The same numbers: each figure's FILTER picks rows inside this.
        rows = rows.filter(reduce(operator.or_, (metric.where for metric in group)))
    return rows


def compute(
    filters: ReportFilters, *, metrics: Iterable[Metric] = METRICS, today: date | None = None
) -> dict[str, MetricResult]:
    """Every metric for the filters: one aggregate query per (source, event date)."""
    today = today or timezone.localdate()
    results: dict[str, MetricResult] = {}
    for key, group in _groups(metrics).items():
        row = _rows(key, group, filters, today=today).aggregate(**_aggregates(group))
        for metric in group:
            result = MetricResult(metric)
            _fill(result, row)
            results[metric.key] = result
    return results


def compute_by_authority(
    filters: ReportFilters, *, metrics: Iterable[Metric] = METRICS, today: date | None = None
) -> dict[int, dict[str, MetricResult]]:
    """Every metric per LA (GROUP BY the LA), keyed by LA id; LAs with no rows are absent."""
    today = today or timezone.localdate()
    results: dict[int, dict[str, MetricResult]] = defaultdict(dict)
    for key, group in _groups(metrics).items():
        authority = f"{SOURCES[key[0]].authority}_id"
        rows = (
            _rows(key, group, filters, today=today, by_authority=True)
            .order_by()
            .values(authority)
            .annotate(**_aggregates(group))
        )
        ids = filters.authority_ids
        if ids is not None:
            rows = rows.filter(**{f"{authority}__in": list(ids)})
        for row in rows:
            for metric in group:
                result = results[row[authority]].setdefault(metric.key, MetricResult(metric))
                _fill(result, row)
    for per_authority in results.values():
        for metric in metrics:
            per_authority.setdefault(metric.key, MetricResult(metric))
    return dict(results)


def trend_window(period: Period) -> tuple[date, date]:
    """The months the trend chart shows: the period, widened to the 12 months ending with it
    when shorter, and cut to the last 60 months when longer."""
    months = period.months()
    last = months[-1]
    first = months[0]
    year, month = (
        (last.year, last.month - 11) if last.month > 11 else (last.year - 1, last.month + 1)
    )
    first = min(first, date(year, month, 1))  # at least the 12 months ending with the period
    window = months_between(first, last)[-60:]
    return window[0], period.end


def compute_by_month(
    filters: ReportFilters, *, metrics: Iterable[Metric], today: date | None = None
) -> tuple[list[date], dict[str, list[int]]]:
    """Counts per month over the trend window: (months, {metric key: [count per month]})."""
    today = today or timezone.localdate()
    start, end = trend_window(filters.period)
    months = months_between(start, end)
    widened = dataclasses.replace(filters, period=Period(start, end, "", "custom"))
    series: dict[str, list[int]] = {}
    for key, group in _groups(metrics).items():
        date_field = key[1]
        rows = (
            _rows(key, group, widened, today=today)
            .order_by()
            .annotate(month=TruncMonth(date_field))
            .values("month")
            .annotate(**_aggregates(group))
        )
        by_month: dict[date, dict[str, Any]] = {}
        for row in rows:
            month = row["month"]
            if isinstance(month, datetime):
                month = (
                    timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
                )
            by_month[month.replace(day=1)] = row
        for metric in group:
            series[metric.key] = [
                (by_month.get(month) or {}).get(f"{metric.key}__n") or 0 for month in months
            ]
    return months, series


# Per issue in dispute (the themes table) -------------------------------------------------------

THEME_METRICS = [BY_KEY[key] for key in THEME_KEYS]


def _local_day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


# Keys of the per-issue counts: (LA id, or None when not grouped by LA; issue id; first day of
# the quarter, or None for the period itself).
ThemeCountKey = tuple[int | None, int, date | None]


def _theme_counts(
    filters: ReportFilters,
    *,
    today: date,
    quarters: list[Period] | None = None,
    by_authority: bool = False,
) -> dict[ThemeCountKey, dict[str, int]]:
    """Each issue's figures: in the filters' period, or in each of `quarters` (consecutive;
    GROUP BY the quarter too), and per LA when `by_authority` (GROUP BY the LA too). One query
    per source whatever the number of issues, quarters or LAs."""
    if quarters:
        filters = dataclasses.replace(
            filters, period=Period(quarters[0].start, quarters[-1].end, "", "custom")
        )
    counts: dict[ThemeCountKey, dict[str, int]] = defaultdict(dict)
    for key, group in _groups(THEME_METRICS).items():
        authority = f"{SOURCES[key[0]].authority}_id"
        rows = _rows(key, group, filters, today=today, by_authority=by_authority).order_by()
        fields = ["theme_id"]
        if by_authority:
            fields.append(authority)
            ids = filters.authority_ids
            if ids is not None:
                rows = rows.filter(**{f"{authority}__in": list(ids)})
        if quarters:
            rows = rows.annotate(quarter=TruncQuarter(key[1]))
            fields.append("quarter")
        for row in rows.values(*fields).annotate(**_aggregates(group)):
            first = _local_day(row["quarter"]).replace(day=1) if quarters else None
            where = (row[authority] if by_authority else None, row["theme_id"], first)
            for metric in group:
                counts[where][metric.key] = row.get(f"{metric.key}__n") or 0
    return dict(counts)


def compute_by_theme(
    filters: ReportFilters, *, today: date | None = None
) -> dict[int, dict[str, int]]:
    """Each issue's figures for the filters: {theme id: {metric key: count}} (one query per
    source: GROUP BY the issue)."""
    counts = _theme_counts(filters, today=today or timezone.localdate())
    return {theme_id: values for (_la, theme_id, _q), values in counts.items()}


def compute_by_theme_and_quarter(
    filters: ReportFilters, quarters: list[Period], *, today: date | None = None
) -> dict[tuple[int, date], dict[str, int]]:
    """Each issue's figures in each of `quarters` (consecutive): {(theme id, first day of the
    quarter): {metric key: count}} (one query per source over all the quarters)."""
    counts = _theme_counts(filters, today=today or timezone.localdate(), quarters=quarters)
    return {
        (theme_id, quarter): values
        for (_la, theme_id, quarter), values in counts.items()
        if quarter is not None
    }


@dataclass
class ThemeRow:
    theme: IssueTheme
    counts: dict[str, int]  # this period, by metric key (THEME_KEYS)
    by_quarter: list[dict[str, int]]  # each previous quarter, oldest first

    @property
    def cases(self) -> int:
        return self.counts.get(THEME_CASES_KEY, 0)

    @property
    def results(self) -> list[int]:
        return [self.counts.get(key, 0) for key in THEME_RESULT_KEYS]

    @property
    def results_total(self) -> int:
        return sum(self.results)

    @property
    def previous_cases(self) -> list[int]:
        return [quarter.get(THEME_CASES_KEY, 0) for quarter in self.by_quarter]

    @property
    def _average(self) -> float:
        values = self.previous_cases
        return sum(values) / len(values) if values else 0.0

    @property
    def previous_average(self) -> float:
        """The average of the previous quarters, to show (the change uses it unrounded)."""
        return round(self._average, 1)

    @property
    def change(self) -> str:
        """This period against the average of the previous quarters, in words."""
        average = self._average
        if self.cases == average:
            return "Same"
        if average == 0:
            return "New"
        difference = round(100 * (self.cases - average) / average)
        return f"Up {difference}%" if difference > 0 else f"Down {-difference}%"

    @staticmethod
    def _agreed_share(agreed: int, total: int) -> int | None:
        return round(100 * agreed / total) if total else None

    @property
    def agreed_share(self) -> int | None:
        """Agreed in full or in part, of the issues with a result, this period (%)."""
        agreed, partly, *_rest = self.results
        return self._agreed_share(agreed + partly, self.results_total)

    @property
    def previous_agreed_share(self) -> int | None:
        """The same over the previous quarters together (%)."""
        agreed = total = 0
        for quarter in self.by_quarter:
            values = [quarter.get(key, 0) for key in THEME_RESULT_KEYS]
            agreed += values[0] + values[1]
            total += sum(values)
        return self._agreed_share(agreed, total)


@dataclass
class ThemeTable:
    rows: list[ThemeRow]
    quarters: list[Period]


def _theme_rows(
    themes: list[IssueTheme],
    quarters: list[Period],
    now: dict[int, dict[str, int]],
    before: dict[tuple[int, date], dict[str, int]],
) -> list[ThemeRow]:
    """Every issue offered, and one no longer offered only if it has figures."""
    seen = set(now) | {theme_id for theme_id, _quarter in before}
    return [
        ThemeRow(
            theme,
            now.get(theme.pk, {}),
            [before.get((theme.pk, quarter.start), {}) for quarter in quarters],
        )
        for theme in themes
        if theme.active or theme.pk in seen
    ]


def theme_table(
    filters: ReportFilters, *, today: date | None = None, themes: list[IssueTheme] | None = None
) -> ThemeTable:
    """Every issue in dispute with its figures for the period and each of the four quarters
    before it (five queries: the issues, then two per period). An issue no longer offered is
    listed only if it has figures."""
    today = today or timezone.localdate()
    quarters = previous_quarters(filters.period)
    now = compute_by_theme(filters, today=today)
    before = compute_by_theme_and_quarter(filters, quarters, today=today)
    if themes is None:
        themes = list(IssueTheme.objects.order_by("position", "name"))
    return ThemeTable(rows=_theme_rows(themes, quarters, now, before), quarters=quarters)


def theme_tables_by_authority(
    filters: ReportFilters, authority_ids: Iterable[int], *, today: date | None = None
) -> dict[int, ThemeTable]:
    """The themes table of each of `authority_ids` (as theme_table gives for that LA alone),
    in five queries whatever the number of LAs: the issues, then two per source grouped by
    the LA."""
    today = today or timezone.localdate()
    quarters = previous_quarters(filters.period)
    now = _theme_counts(filters, today=today, by_authority=True)
    before = _theme_counts(filters, today=today, quarters=quarters, by_authority=True)
    themes = list(IssueTheme.objects.order_by("position", "name"))
    now_by_la: dict[int | None, dict[int, dict[str, int]]] = defaultdict(dict)
    for (la, theme_id, _quarter), values in now.items():
        now_by_la[la][theme_id] = values
    before_by_la: dict[int | None, dict[tuple[int, date], dict[str, int]]] = defaultdict(dict)
    for (la, theme_id, quarter), values in before.items():
        if quarter is not None:
            before_by_la[la][(theme_id, quarter)] = values
    return {
        la: ThemeTable(
            rows=_theme_rows(themes, quarters, now_by_la[la], before_by_la[la]),
            quarters=quarters,
        )
        for la in authority_ids
    }


# Drill-down ---------------------------------------------------------------------------------

PARTS = {"all", "met", "missed"}


def metric_rows(
    metric: Metric,
    filters: ReportFilters,
    *,
    part: str = "all",
    theme_id: int | None = None,
    today: date | None = None,
) -> QuerySet[Any]:
    """Exactly the rows behind a figure, newest event first (for a rate: all of them, those that
    met the standard, or those that did not; for a figure counted per issue, one issue's)."""
    today = today or timezone.localdate()
    spec = SOURCES[metric.source]
    rows = base_queryset(metric.source, metric.date_field, filters, today=today).filter(
        metric.where
    )
    if theme_id is not None and metric.per_theme:
        rows = rows.filter(theme_id=theme_id)
    if metric.met is not None:
        rows = rows.annotate(
            meets_figure=ExpressionWrapper(metric.met, output_field=BooleanField())
        )
    if metric.met is not None and part == "met":
        rows = rows.filter(metric.met)
    elif metric.met is not None and part == "missed":
        rows = rows.exclude(metric.met)
    return rows.select_related(*spec.select_related).order_by(f"-{metric.date_field}", "-pk")


def metric_by_key(key: str) -> Metric | None:
    return BY_KEY.get(key)


@dataclass
class Dashboard:
    filters: ReportFilters
    results: dict[str, MetricResult]
    months: list[date] = field(default_factory=list)
    trends: dict[str, list[int]] = field(default_factory=dict)
    by_authority: list[tuple[LocalAuthority, dict[str, MetricResult]]] = field(default_factory=list)
    themes: ThemeTable | None = None
    # The KPIs of each LA (KPI_BY_LA_KEYS), when more than one LA is counted.
    kpis_by_authority: list[tuple[LocalAuthority, dict[str, MetricResult]]] = field(
        default_factory=list
    )


def dashboard(
    filters: ReportFilters,
    *,
    today: date | None = None,
    authorities: Iterable[LocalAuthority] | None = None,
) -> Dashboard:
    """Everything the dashboard and the quarterly report show (a fixed number of queries).
    `authorities`: every LA in order of name, when the caller has already read them (the filter
    form has); otherwise the LAs are read here."""
    with without_jit(LocalAuthority):
        return _dashboard(filters, today=today, authorities=authorities)


def _dashboard(
    filters: ReportFilters, *, today: date | None, authorities: Iterable[LocalAuthority] | None
) -> Dashboard:
    today = today or timezone.localdate()
    results = compute(filters, today=today)
    months, trends = compute_by_month(
        filters, metrics=[BY_KEY[key] for key in TREND_KEYS], today=today
    )
    per_authority = compute_by_authority(
        filters, metrics=[BY_KEY[key] for key in OUTCOME_KEYS], today=today
    )
    kpis: dict[int, dict[str, MetricResult]] = {}
    if filters.authority is None:
        kpis = compute_by_authority(
            filters, metrics=[BY_KEY[key] for key in KPI_BY_LA_KEYS], today=today
        )
    wanted = set(per_authority) | set(kpis)
    named: list[LocalAuthority]
    if authorities is None:
        named = list(LocalAuthority.objects.filter(pk__in=list(wanted)).order_by("name"))
    else:
        named = [authority for authority in authorities if authority.pk in wanted]
    return Dashboard(
        filters=filters,
        results=results,
        months=months,
        trends=trends,
        by_authority=[
            (authority, per_authority[authority.pk])
            for authority in named
            if authority.pk in per_authority
        ],
        themes=theme_table(filters, today=today),
        kpis_by_authority=[
            (authority, kpis[authority.pk]) for authority in named if authority.pk in kpis
        ],
    )


# SEN2 return: mediation -----------------------------------------------------------------------


@dataclass
class Sen2Figures:
    filters: ReportFilters
    totals: dict[str, MetricResult]
    by_authority: list[tuple[LocalAuthority, dict[str, MetricResult]]]


def sen2_figures(
    filters: ReportFilters,
    *,
    authorities: Iterable[LocalAuthority] | None = None,
    today: date | None = None,
) -> Sen2Figures:
    """The SEN2 mediation figures for the filters (a calendar year), in all and per LA with any
    (two aggregate queries, and one for the LA names unless `authorities` are given)."""
    metrics = [BY_KEY[key] for key in SEN2_KEYS]
    totals = compute(filters, metrics=metrics, today=today)
    per_authority = compute_by_authority(filters, metrics=metrics, today=today)
    if authorities is None:
        authorities = LocalAuthority.objects.filter(pk__in=list(per_authority)).order_by("name")
    return Sen2Figures(
        filters=filters,
        totals=totals,
        by_authority=[
            (authority, per_authority[authority.pk])
            for authority in authorities
            if authority.pk in per_authority
        ],
    )
