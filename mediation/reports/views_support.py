"""What the dashboard page and the quarterly PDF both show, built from a selectors.Dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from mediation.cases.models import ChangeReason, DeclineReason, Side
from mediation.reports.charts import Series, grouped_bars, monthly_bars
from mediation.reports.metrics import (
    BY_KEY,
    CHANGE_REASON_ROWS,
    CHANGE_ROWS,
    DECLINE_REASON_ROWS,
    KPI_BY_LA_KEYS,
    LISTED_SECTIONS,
    OUTCOME_KEYS,
    THEME_KEYS,
    TREND_KEYS,
    Kind,
    in_section,
)
from mediation.reports.selectors import Dashboard, MetricResult


@dataclass(frozen=True)
class Figure:
    result: MetricResult
    link_all: str
    link_met: str
    link_missed: str

    @property
    def metric(self):  # noqa: ANN201
        return self.result.metric

    @property
    def is_rate(self) -> bool:
        return self.result.metric.kind is Kind.RATE

    @property
    def is_average(self) -> bool:
        return self.result.metric.kind is Kind.AVERAGE


def drilldown_link(
    link_query: dict[str, str] | None,
    key: str,
    part: str = "all",
    *,
    base: str = "",
    theme_id: int | None = None,
) -> str:
    if link_query is None:
        return ""
    query = {**link_query, "metric": key}
    if part != "all":
        query["part"] = part
    if theme_id is not None:
        query["theme"] = str(theme_id)
    return f"{base or reverse('reports:cases')}?{urlencode(query)}"


@dataclass(frozen=True)
class Cell:
    """A number in a table of the dashboard, with the link to the rows behind it."""

    value: int | str
    link: str = ""


def outcome_table_rows(rows: list[dict[str, Any]]) -> SafeString:
    """The body rows of the outcomes-by-LA table (one per LA, about 150): built here rather
    than by template loops, which cost several milliseconds a page for the same markup."""
    return format_html_join(
        "\n",
        '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{}</th>{}</tr>',
        (
            (
                row["authority"].name,
                format_html_join(
                    "",
                    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>',
                    ((value,) for value in row["values"]),
                ),
            )
            for row in rows
        ),
    )


def dashboard_context(board: Dashboard, *, link_query: dict[str, str] | None) -> dict[str, Any]:
    """Sections of figures with drill-down links (none in the PDF), the two charts and the
    numbers behind them."""
    sections = []
    base = reverse("reports:cases")
    for section in LISTED_SECTIONS:
        figures = [
            Figure(
                board.results[metric.key],
                drilldown_link(link_query, metric.key, base=base),
                drilldown_link(link_query, metric.key, "met", base=base),
                drilldown_link(link_query, metric.key, "missed", base=base),
            )
            for metric in in_section(section)
        ]
        sections.append({"name": section.value, "slug": section.name.lower(), "figures": figures})

    period = board.filters.period
    first, last = board.months[0], board.months[-1]
    span = f"{first:%B %Y} to {last:%B %Y}"
    trend_charts = []
    for key in TREND_KEYS:
        metric = BY_KEY[key]
        values = board.trends.get(key, [])
        total = sum(values)
        trend_charts.append(
            {
                "name": metric.name,
                "svg": monthly_bars(
                    chart_id=f"trend-{key.replace('_', '-')}",
                    title=f"{metric.name} by month, {span}",
                    desc=(
                        f"Bar chart of {metric.name.lower()} in each month from {span}: "
                        f"{total} in all. The table below gives each month's number."
                    ),
                    months=board.months,
                    values=values,
                ),
            }
        )
    trend_rows = [
        {
            "month": month,
            "values": [board.trends.get(key, [0] * len(board.months))[i] for key in TREND_KEYS],
        }
        for i, month in enumerate(board.months)
    ]
    outcome_names = [BY_KEY[key].name for key in OUTCOME_KEYS]
    groups = [authority.name for authority, _ in board.by_authority]
    series = [
        Series(BY_KEY[key].name, [results[key].value for _, results in board.by_authority])
        for key in OUTCOME_KEYS
    ]
    outcome_rows = [
        {"authority": authority, "values": [results[key].value for key in OUTCOME_KEYS]}
        for authority, results in board.by_authority
    ]
    outcome_chart = None
    if groups:
        outcome_chart = grouped_bars(
            chart_id="outcomes-by-la",
            title=f"Outcomes of meetings by local authority, {period.label}",
            desc=(
                "Horizontal bars for each local authority: meetings agreed in full, agreed in "
                "part and with no agreement, each bar labelled with its number. The table "
                "below gives the same numbers."
            ),
            groups=groups,
            series=series,
        )
    changes = [
        {
            "who": Side(side).label if side else "Not recorded",
            "cells": [
                Cell(board.results[key].value, drilldown_link(link_query, key, base=base))
                if key is not None
                else Cell("")
                for key in (cancelled, moved, declined)
            ],
        }
        for side, cancelled, moved, declined in CHANGE_ROWS
    ]
    change_reasons = [
        {
            "why": ChangeReason(reason).label if reason else "Not recorded",
            "cells": [
                Cell(board.results[key].value, drilldown_link(link_query, key, base=base))
                for key in (cancelled, moved)
            ],
        }
        for reason, cancelled, moved in CHANGE_REASON_ROWS
    ]
    decline_reasons = [
        {
            "why": DeclineReason(reason).label,
            "cells": [Cell(board.results[key].value, drilldown_link(link_query, key, base=base))],
        }
        for reason, key in DECLINE_REASON_ROWS
    ]
    theme_rows = []
    if board.themes is not None:
        for row in board.themes.rows:
            theme_rows.append(
                {
                    "row": row,
                    "cells": [
                        Cell(
                            row.counts.get(key, 0),
                            drilldown_link(link_query, key, base=base, theme_id=row.theme.pk),
                        )
                        for key in THEME_KEYS
                    ],
                }
            )
    kpi_rows = [
        {
            "authority": authority,
            "figures": [
                Figure(
                    results[key],
                    "",
                    "",
                    "",
                )
                for key in KPI_BY_LA_KEYS
            ],
        }
        for authority, results in board.kpis_by_authority
    ]
    return {
        "changes": changes,
        "change_definitions": [
            BY_KEY[key]
            for key in ("changes_by_la", "cancelled_by_la", "moved_by_la", "declined_by_la")
        ],
        "change_reasons": change_reasons,
        "decline_reasons": decline_reasons,
        "themes": board.themes,
        "theme_rows": theme_rows,
        "theme_names": [BY_KEY[key] for key in THEME_KEYS],
        "kpi_rows": kpi_rows,
        "kpi_metrics": [BY_KEY[key] for key in KPI_BY_LA_KEYS],
        "sections": sections,
        "trend_charts": trend_charts,
        "trend_names": [BY_KEY[key].name for key in TREND_KEYS],
        "trend_rows": trend_rows,
        "trend_span": span,
        "outcome_chart": outcome_chart,
        "outcome_names": outcome_names,
        "outcome_rows": outcome_rows,
        "outcome_rows_html": outcome_table_rows(outcome_rows),
        "board": board,
    }
