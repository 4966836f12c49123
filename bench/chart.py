"""The benchmark's table as an SVG chart: requests a second per page at both sizes, floors marked.

`bench/run.py` writes it next to the markdown results (<date>-<db>-<large>.svg). To draw one
again from a results file written earlier:

    .venv/bin/python bench/chart.py bench/results/2026-11-28-1239-postgresql-100000.json

Plain SVG from a small template (no plotting library: the chart is bars, lines and text). The
scale is logarithmic because the pages span two orders of magnitude (the bare view against the
reports dashboard); a linear scale would flatten every staff page into a sliver.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape  # escaping our own text; nothing is parsed

# The pages that are floors, by their names in bench/run.py's PAGES.
BARE_FLOOR = "floor: bare Django view"
SIGNED_IN_FLOOR = "floor: bare view, signed in"
SIZE_COLOURS = ("#5694ca", "#003078")  # GOV.UK light blue (small size), dark blue (large)
MARKER_COLOUR = "#d4351c"  # GOV.UK red

LABEL_WIDTH = 300
PLOT_WIDTH = 560
RIGHT_MARGIN = 70
TOP = 110
ROW_HEIGHT = 34
BAR_HEIGHT = 12


@dataclass(frozen=True)
class Marker:
    label: str
    requests_per_second: float


def rows_from_results(
    raw: dict[str, dict],
) -> tuple[list[str], list[int], dict[tuple[str, int], float]]:
    """Pages in order, sizes ascending, and requests a second by (page, size), from the
    results JSON bench/run.py writes ({"<page> @ <size>": {"requests_per_second": ...}})."""
    pages: list[str] = []
    sizes: set[int] = set()
    values: dict[tuple[str, int], float] = {}
    for key, result in raw.items():
        match = re.fullmatch(r"(.+) @ (\d+)", key)
        if not match:
            raise ValueError(f"not a benchmark result key: {key!r}")
        page, size = match.group(1), int(match.group(2))
        if page not in pages:
            pages.append(page)
        sizes.add(size)
        values[(page, size)] = float(result["requests_per_second"])
    return pages, sorted(sizes), values


def floor_markers(values: dict[tuple[str, int], float], size: int) -> list[Marker]:
    """The floors at one size, and the issue's target for staff pages (half the signed-in
    floor), for the pages that were measured."""
    markers = []
    if (BARE_FLOOR, size) in values:
        markers.append(Marker("bare view floor", values[(BARE_FLOOR, size)]))
    if (SIGNED_IN_FLOOR, size) in values:
        signed_in = values[(SIGNED_IN_FLOOR, size)]
        markers.append(Marker("signed-in floor", signed_in))
        markers.append(Marker("target: half the signed-in floor", signed_in / 2))
    return markers


def _ticks(low: float, high: float) -> list[float]:
    """1, 2, 5 times the powers of ten between low and high."""
    ticks = []
    for power in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for step in (1, 2, 5):
            tick = step * 10.0**power
            if low <= tick <= high:
                ticks.append(tick)
    return ticks


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:,.1f}"


def svg_chart(
    pages: list[str],
    sizes: list[int],
    values: dict[tuple[str, int], float],
    title: str,
) -> str:
    """One row per page, one bar per size, on a logarithmic scale of requests a second; the
    floors of the largest size drawn as vertical lines across every row."""
    if not values:
        raise ValueError("no results to draw")
    markers = floor_markers(values, sizes[-1])
    measured = [v for v in values.values() if v > 0] + [m.requests_per_second for m in markers]
    low = 10.0 ** math.floor(math.log10(min(measured)))
    high = 10.0 ** math.ceil(math.log10(max(measured)))
    span = math.log10(high) - math.log10(low)

    def x(value: float) -> float:
        return LABEL_WIDTH + PLOT_WIDTH * (math.log10(max(value, low)) - math.log10(low)) / span

    width = LABEL_WIDTH + PLOT_WIDTH + RIGHT_MARGIN
    plot_bottom = TOP + ROW_HEIGHT * len(pages)
    height = plot_bottom + 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title chart-desc" '
        'font-family="Arial, sans-serif" font-size="13">',
        f'<title id="chart-title">{escape(title)}</title>',
        '<desc id="chart-desc">'
        + escape(
            "Requests a second per page at "
            + " and ".join(f"{s:,}" for s in sizes)
            + " cases, on a logarithmic scale; vertical lines mark the floors at "
            + f"{sizes[-1]:,} cases. "
            + "; ".join(
                f"{page}: "
                + ", ".join(
                    f"{_number(values[(page, s)])} at {s:,}" for s in sizes if (page, s) in values
                )
                for page in pages
            )
        )
        + "</desc>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="10" y="24" font-size="16" font-weight="bold">{escape(title)}</text>',
    ]
    # The legend: one swatch per size.
    for index, size in enumerate(sizes):
        colour = SIZE_COLOURS[index % len(SIZE_COLOURS)]
        left = 10 + index * 170
        parts.append(f'<rect x="{left}" y="36" width="14" height="14" fill="{colour}"/>')
        parts.append(f'<text x="{left + 20}" y="48">{size:,} cases</text>')
    parts.append(
        f'<text x="{10 + len(sizes) * 170}" y="48" fill="{MARKER_COLOUR}">red lines: the floors '
        f"at {sizes[-1]:,} cases</text>"
    )
    # The grid and its scale.
    for tick in _ticks(low, high):
        tx = x(tick)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{TOP - 6}" x2="{tx:.1f}" y2="{plot_bottom}" '
            'stroke="#b1b4b6" stroke-width="0.5"/>'
        )
        parts.append(
            f'<text x="{tx:.1f}" y="{plot_bottom + 16}" text-anchor="middle" '
            f'font-size="11">{_number(tick)}</text>'
        )
    parts.append(
        f'<text x="{LABEL_WIDTH + PLOT_WIDTH / 2:.0f}" y="{plot_bottom + 36}" '
        'text-anchor="middle">requests a second (logarithmic scale)</text>'
    )
    # The bars.
    for row, page in enumerate(pages):
        top = TOP + row * ROW_HEIGHT
        weight = ' font-style="italic"' if page.startswith("floor:") else ""
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{top + ROW_HEIGHT / 2 + 4:.0f}" '
            f'text-anchor="end"{weight}>{escape(page)}</text>'
        )
        for index, size in enumerate(sizes):
            if (page, size) not in values:
                continue
            value = values[(page, size)]
            colour = SIZE_COLOURS[index % len(SIZE_COLOURS)]
            bar_top = top + 4 + index * (BAR_HEIGHT + 2)
            bar_end = x(value)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{bar_top}" width="{bar_end - LABEL_WIDTH:.1f}" '
                f'height="{BAR_HEIGHT}" fill="{colour}"><title>{escape(page)}: '
                f"{_number(value)} requests a second at {size:,} cases</title></rect>"
            )
            parts.append(
                f'<text x="{bar_end + 4:.1f}" y="{bar_top + BAR_HEIGHT - 2}" '
                f'font-size="10">{_number(value)}</text>'
            )
    # The floors, over the bars, labelled above the plot (staggered so they do not overlap).
    for index, marker in enumerate(markers):
        mx = x(marker.requests_per_second)
        dash = (
            ""
            if index == 0
            else ' stroke-dasharray="6 3"'
            if index == 1
            else ' stroke-dasharray="2 3"'
        )
        parts.append(
            f'<line x1="{mx:.1f}" y1="{66 + index * 14}" x2="{mx:.1f}" y2="{plot_bottom}" '
            f'stroke="{MARKER_COLOUR}" stroke-width="1.5"{dash}/>'
        )
        parts.append(
            f'<text x="{mx - 4:.1f}" y="{76 + index * 14}" text-anchor="end" font-size="11" '
            f'fill="{MARKER_COLOUR}">{escape(marker.label)} '
            f"({_number(marker.requests_per_second)})</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def chart_from_results_file(path: Path) -> Path:
    """Draw <name>.svg next to <name>.json; the title from the file's name."""
    pages, sizes, values = rows_from_results(json.loads(path.read_text()))
    title = f"Benchmark {path.stem}: requests a second per page"
    out = path.with_suffix(".svg")
    out.write_text(svg_chart(pages, sizes, values, title))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="Draw a benchmark results JSON as an SVG chart")
    parser.add_argument("results", nargs="+", type=Path, help="bench/results/*.json")
    for path in parser.parse_args().results:
        print(chart_from_results_file(path))


if __name__ == "__main__":
    main()
