"""Accessible bar charts drawn as SVG on the server: no script, no style attributes (the CSP
forbids them), the same markup on the page and in the PDF.

Each chart has role="img", a <title> and a <desc> (aria-labelledby points at both), every bar
carries its number as text, and series are told apart by patterns and words, never colour
alone. The page shows the same numbers in a table next to each chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#0b0c0c"
BLUE = "#1d70b8"
GREY = "#b1b4b6"
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'

PATTERNS = ("solid", "hatch", "dots")


def _patterns(prefix: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{prefix}-solid" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{BLUE}"/></pattern>'
        f'<pattern id="{prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="{BLUE}"/>'
        "</pattern>"
        f'<pattern id="{prefix}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="#ffffff"/><circle cx="3" cy="3" r="1.6" fill="{INK}"/>'
        "</pattern>"
        "</defs>"
    )


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )


def month_label(month: date) -> str:
    return f"{month:%b}"


def monthly_bars(
    *, chart_id: str, title: str, desc: str, months: list[date], values: list[int]
) -> SafeString:
    """One bar per month, its number above it, the month (and year at each January and at the
    start) below."""
    bar, gap, left, top, plot = 30, 10, 10, 24, 120
    width = left * 2 + len(months) * (bar + gap)
    height = top + plot + 44
    biggest = max(values, default=0) or 1
    parts = [_open(chart_id, width, height, title, desc)]
    baseline = top + plot
    parts.append(
        f'<line x1="{left}" y1="{baseline}" x2="{width - left}" y2="{baseline}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    for index, (month, value) in enumerate(zip(months, values, strict=True)):
        x = left + index * (bar + gap) + gap // 2
        bar_height = round(plot * value / biggest)
        if bar_height:
            parts.append(
                f'<rect x="{x}" y="{baseline - bar_height}" width="{bar}" height="{bar_height}" '
                f'fill="{BLUE}"/>'
            )
        centre = x + bar // 2
        parts.append(
            f'<text x="{centre}" y="{baseline - bar_height - 5}" text-anchor="middle" '
            f'font-size="12" fill="{INK}" {FONT}>{value}</text>'
        )
        parts.append(
            f'<text x="{centre}" y="{baseline + 16}" text-anchor="middle" font-size="12" '
            f'fill="{INK}" {FONT}>{month_label(month)}</text>'
        )
        if index == 0 or month.month == 1:
            parts.append(
                f'<text x="{centre}" y="{baseline + 32}" text-anchor="middle" font-size="11" '
                f'fill="{INK}" {FONT}>{month.year}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text is escaped or a number)  # nosec B308 B703


@dataclass(frozen=True)
class Series:
    label: str
    values: list[int]


def grouped_bars(
    *, chart_id: str, title: str, desc: str, groups: list[str], series: list[Series]
) -> SafeString:
    """Horizontal bars: for each group (an LA) one bar per series (an outcome), each bar in its
    own pattern and labelled in words with its number ("Agreed in full: 4")."""
    bar, gap, label_height, left, text_room = 16, 4, 20, 8, 190
    plot = 300
    per_group = label_height + len(series) * (bar + gap) + 10
    width = left + plot + text_room
    height = 8 + max(len(groups), 1) * per_group
    biggest = max((v for s in series for v in s.values), default=0) or 1
    parts = [_open(chart_id, width, height, title, desc), _patterns(chart_id)]
    y = 8
    for index, group in enumerate(groups):
        parts.append(
            f'<text x="{left}" y="{y + 14}" font-size="13" font-weight="bold" fill="{INK}" '
            f"{FONT}>{escape(group)}</text>"
        )
        y += label_height
        for number, item in enumerate(series):
            value = item.values[index]
            length = max(round(plot * value / biggest), 1 if value else 0)
            pattern = PATTERNS[number % len(PATTERNS)]
            if length:
                parts.append(
                    f'<rect x="{left}" y="{y}" width="{length}" height="{bar}" '
                    f'fill="url(#{chart_id}-{pattern})" stroke="{INK}" stroke-width="1"/>'
                )
            parts.append(
                f'<text x="{left + length + 6}" y="{y + 12}" font-size="12" fill="{INK}" '
                f"{FONT}>{escape(item.label)}: {value}</text>"
            )
            y += bar + gap
        y += 10
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text is escaped or a number)  # nosec B308 B703
