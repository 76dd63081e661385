"""The charts of an HTML report, as inline SVG: priority bars with targets and intervals, the
trend lines, and the say-do meter. Coordinates have fixed decimals, so output is byte-stable."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from renewal_score.reports.html.page import coord, esc, num, slug
from renewal_score.results import PriorityScore, Scorecard

if TYPE_CHECKING:
    from renewal_score.trend import Trend, TrendPoint

Intervals = Mapping[str, tuple[float, float, float]]
"""Uncertainty of priority scores by priority id: (5th percentile, median, 95th percentile)."""


SERIES_STYLES = (
    ("#1d4e89", "", 3.0),
    ("#3f4651", "7 4", 2.0),
    ("#6b4f2a", "2 3", 2.2),
    ("#5b6470", "10 3 2 3", 2.0),
    ("#2d6a4f", "4 2", 2.0),
    ("#7a3b52", "1 2", 2.4),
)
"""Colour, dash pattern and width of the lines of the trend chart: the overall index first."""


def bar_chart(card: Scorecard, intervals: Intervals) -> str:
    """Horizontal bars of the priority scores (0-100) in rank order, each with its target and,
    when given, the 5-95% interval as a whisker with the median."""
    width, left, right = 1000.0, 8.0, 800.0
    line_height, bar_height, gap = 18.0, 24.0, 22.0

    def x(score: float) -> float:
        return left + (right - left) * min(max(score, 0.0), 100.0) / 100.0

    ordered = sorted(card.priorities, key=lambda p: p.rank)
    parts: list[str] = []
    y = 10.0
    for priority in ordered:
        lines = textwrap.wrap(
            f"{priority.rank}. {priority.title}", width=110, max_lines=2, placeholder=" …"
        )
        for i, line in enumerate(lines):
            parts.append(
                f'<text class="bar-title" x="{coord(left)}" y="{coord(y + 14 + i * line_height)}">'
                f"{esc(line)}</text>"
            )
        top = y + len(lines) * line_height + 6
        parts.append(_bar_row(priority, top, bar_height, x, intervals))
        y = top + bar_height + gap
    axis_y = y - gap + 10
    ticks = [
        tick("grid", (x(v), 4.0), (x(v), axis_y), str(v), (x(v), axis_y + 16), "middle")
        for v in (0, 25, 50, 75, 100)
    ]
    described = "Priority scores from 0 to 100 in rank order, with each priority's target"
    if intervals:
        described += " and the 5&ndash;95% interval of its score"
    title = "Priority scores, where action is most needed first"
    return svg("bars", title, described, (width, axis_y + 26), [*ticks, *parts])


def tick(
    css: str,
    start: tuple[float, float],
    end: tuple[float, float],
    label: str,
    at: tuple[float, float],
    anchor: str,
) -> str:
    """A grid or axis line, and its label (escaped) at ``at``."""
    return (
        f'<line class="{css}" x1="{coord(start[0])}" y1="{coord(start[1])}" '
        f'x2="{coord(end[0])}" y2="{coord(end[1])}"/>'
        f'<text class="tick" x="{coord(at[0])}" y="{coord(at[1])}" text-anchor="{anchor}">'
        f"{esc(label)}</text>"
    )


def svg(key: str, title: str, description: str, size: tuple[float, float], parts: list[str]) -> str:
    """A chart: an SVG image titled and described for assistive technology (``title`` is
    text, ``description`` HTML)."""
    width, height = (coord(v) for v in size)
    return (
        f'<svg class="chart chart-{key}" role="img" aria-labelledby="{key}-title {key}-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{key}-title">{esc(title)}</title>'
        f'<desc id="{key}-desc">{description}.</desc>\n' + "\n".join(parts) + "\n</svg>"
    )


def _bar_row(
    priority: PriorityScore,
    top: float,
    height: float,
    x: Callable[[float], float],
    intervals: Intervals,
) -> str:
    left = x(0.0)
    mid = top + height / 2
    status = slug(priority.status)
    score = priority.score
    label = (
        f"{priority.rank}. {priority.title}: {num(score)} of 100, target {num(priority.target, 0)}"
        f", {priority.status}"
    )
    whisker = _interval(intervals, priority.id) if score is not None else None
    if whisker:
        label += f", 5-95% interval {num(whisker[0])} to {num(whisker[2])}"
    bar_width = 0.0 if score is None else x(score) - left
    out = [
        f'<rect class="track" x="{coord(left)}" y="{coord(top)}" width="{coord(x(100.0) - left)}" '
        f'height="{coord(height)}"/>',
        f'<rect class="bar status-{status}" x="{coord(left)}" y="{coord(top)}" '
        f'width="{coord(bar_width)}" height="{coord(height)}" aria-label="{esc(label)}">'
        f"<title>{esc(label)}</title></rect>",
    ]
    tx = x(priority.target)
    out.append(
        f'<line class="target" x1="{coord(tx)}" y1="{coord(top - 4)}" x2="{coord(tx)}" '
        f'y2="{coord(top + height + 4)}">'
        f"<title>target {esc(num(priority.target, 0))}</title></line>"
    )
    end = left + bar_width
    if whisker:
        low, median, high = (x(v) for v in whisker)
        out.append(
            f'<g class="whisker"><title>5&ndash;95% interval {esc(num(whisker[0]))}&ndash;'
            f"{esc(num(whisker[2]))}, median {esc(num(whisker[1]))}</title>"
            f'<line x1="{coord(low)}" y1="{coord(mid)}" x2="{coord(high)}" y2="{coord(mid)}"/>'
            f'<line x1="{coord(low)}" y1="{coord(mid - 5)}" x2="{coord(low)}" '
            f'y2="{coord(mid + 5)}"/>'
            f'<line x1="{coord(high)}" y1="{coord(mid - 5)}" x2="{coord(high)}" '
            f'y2="{coord(mid + 5)}"/>'
            f'<circle cx="{coord(median)}" cy="{coord(mid)}" r="3"/></g>'
        )
        end = max(end, high)
    value = "cannot rate (no evidence)" if score is None else f"{num(score)} · {priority.status}"
    out.append(
        f'<text class="bar-value" x="{coord(max(end, tx) + 8)}" y="{coord(mid + 5)}">'
        f"{esc(value)}</text>"
    )
    return "\n".join(out)


def _interval(intervals: Intervals, priority_id: str) -> tuple[float, float, float] | None:
    if priority_id not in intervals:
        return None
    low, median, high = (float(v) for v in intervals[priority_id])
    if not all(math.isfinite(v) for v in (low, median, high)):
        return None
    return low, median, high


@dataclass(frozen=True)
class Series:
    """One line of the trend chart: its short label at the line's end, its legend text."""

    key: str
    name: str
    values: list[float | None]


def line_chart(card: Scorecard, trend: Trend) -> str:
    """The overall index and each priority's score at each date of the trend, on 0-100, with
    a legend below the plot."""
    width, left, right, top, bottom = 1000.0, 40.0, 900.0, 14.0, 282.0
    points = trend.points
    days = [p.as_of.toordinal() for p in points]
    first, last = (min(days), max(days)) if days else (0, 0)

    def x(day: int) -> float:
        if last == first:
            return (left + right) / 2
        return left + (right - left) * (day - first) / (last - first)

    def y(score: float) -> float:
        return bottom - (bottom - top) * min(max(score, 0.0), 100.0) / 100.0

    parts = [
        tick("grid", (left, y(v)), (right, y(v)), str(v), (left - 8, y(v) + 4), "end")
        for v in (0, 25, 50, 75, 100)
    ]
    step = max(1, math.ceil(len(points) / 7))
    shown = list(range(0, len(points), step))
    if points and shown[-1] != len(points) - 1:
        shown[-1] = len(points) - 1
    for i in shown:
        at, label = x(days[i]), points[i].as_of.isoformat()
        parts.append(
            tick("axis", (at, bottom), (at, bottom + 5), label, (at, bottom + 20), "middle")
        )
    series = trend_series(card, trend)
    xs = [x(day) for day in days]
    legend_top = bottom + 44
    lines, legend = [], []
    ends: list[tuple[float, str, int]] = []
    for index, line in enumerate(series):
        style = SERIES_STYLES[index % len(SERIES_STYLES)]
        lines.append(_series_group(line, style, points, xs, y))
        legend.append(_legend_item(line.name, style, left, legend_top + 20 * index))
        final = next((v for v in reversed(line.values) if v is not None), None)
        if final is not None:
            ends.append((y(final), line.key, index))
    parts += reversed(lines)  # the overall index last, on top of the others
    parts += legend
    parts += _end_labels(ends, right + 10, top, bottom)
    span = f"from {points[0].as_of.isoformat()} to {points[-1].as_of.isoformat()}" if points else ""
    described = f"The overall index and each priority score, 0 to 100, at each date {esc(span)}"
    return svg(
        "trend", "Scores over time", described, (width, legend_top + 20 * len(series)), parts
    )


SeriesStyle = tuple[str, str, float]


def _series_group(
    line: Series,
    style: SeriesStyle,
    points: Sequence[TrendPoint],
    xs: Sequence[float],
    y: Callable[[float], float],
) -> str:
    """One line with a dot, and a tooltip, at each rated date; a gap where it is unrated."""
    colour, dash, stroke = style
    segments: list[list[str]] = [[]]
    dots = []
    for point, px, value in zip(points, xs, line.values, strict=True):
        if value is None:
            segments.append([])
            continue
        segments[-1].append(f"{coord(px)} {coord(y(value))}")
        dots.append(
            f'<circle cx="{coord(px)}" cy="{coord(y(value))}" r="2.6">'
            f"<title>{esc(line.name)}, {esc(point.as_of.isoformat())}: {esc(num(value))}"
            "</title></circle>"
        )
    d = " ".join("M" + " L".join(segment) for segment in segments if segment)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    path = f'<path d="{d}" fill="none" stroke-width="{stroke}"{dash_attr}/>' if d else ""
    return (
        f'<g class="series" stroke="{colour}" fill="{colour}"><title>{esc(line.name)}</title>'
        f"{path}{''.join(dots)}</g>"
    )


def _legend_item(name: str, style: SeriesStyle, x: float, y: float) -> str:
    colour, dash, stroke = style
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<g class="legend-item"><line x1="{coord(x)}" y1="{coord(y)}" x2="{coord(x + 30)}" '
        f'y2="{coord(y)}" stroke="{colour}" stroke-width="{stroke}"{dash_attr}/>'
        f'<text x="{coord(x + 40)}" y="{coord(y + 4)}">'
        f"{esc(textwrap.shorten(name, width=104, placeholder=' …'))}</text></g>"
    )


def trend_series(card: Scorecard, trend: Trend) -> list[Series]:
    """The overall index, then the priorities in the scorecard's rank order, then any others
    the trend holds, by id."""
    ranked = sorted(card.priorities, key=lambda p: p.rank)
    series = [Series("Index", "Overall index", [p.overall for p in trend.points])]
    for priority in ranked:
        if any(priority.id in p.priorities for p in trend.points):
            values = [p.priorities.get(priority.id) for p in trend.points]
            series.append(Series(str(priority.rank), f"{priority.rank}. {priority.title}", values))
    known = {p.id for p in ranked}
    for other in sorted({k for p in trend.points for k in p.priorities} - known):
        values = [p.priorities.get(other) for p in trend.points]
        series.append(Series(other, trend.titles.get(other, other), values))
    return series


def _end_labels(
    ends: list[tuple[float, str, int]], x: float, top: float, bottom: float
) -> list[str]:
    """Labels at the right end of the lines, pushed apart so that they do not overlap."""
    spacing = 15.0
    placed: list[tuple[float, str, int]] = []
    for y, key, index in sorted(ends):
        placed.append((max(y, placed[-1][0] + spacing) if placed else y, key, index))
    overflow = placed[-1][0] - (bottom + 4) if placed else 0.0
    if overflow > 0:
        placed = [(max(top, y - overflow), key, index) for y, key, index in placed]
    labels = []
    for y, key, index in placed:
        colour = SERIES_STYLES[index % len(SERIES_STYLES)][0]
        labels.append(
            f'<text class="end-label" x="{coord(x)}" y="{coord(y + 4)}" fill="{colour}">'
            f"{esc(textwrap.shorten(key, width=12, placeholder='…'))}</text>"
        )
    return labels


def say_do_meter(share: float | None) -> str:
    """A bar split into the declaratory and the concrete share of the weighted evidence."""
    if share is None:
        return ""
    width = 300.0
    declared = width * min(max(share, 0.0), 100.0) / 100.0
    return (
        f'<svg class="meter" role="img" aria-label="{esc(num(share, 0, "%"))} declaratory" '
        f'viewBox="0 0 {coord(width)} 14" width="{coord(width)}" height="14" '
        'preserveAspectRatio="none" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<rect class="meter-concrete" x="0" y="0" width="{coord(width)}" height="14"/>'
        f'<rect class="meter-declared" x="0" y="0" width="{coord(declared)}" height="14"/>'
        "</svg>"
    )
