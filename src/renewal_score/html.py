"""Rendering a scorecard as one self-contained HTML file: a brief that can be emailed and
opened offline.

The file holds its own stylesheet and inline SVG charts; it has no script, loads nothing (a
Content-Security-Policy forbids it) and links out only to evidence sources with http(s) URLs.
Every text that comes from data (subjects, priorities, criteria, evidence, plugins) is
escaped, in attributes and SVG titles too. Like the other renderers it computes no figure
that is not in the scorecard; with the agenda it also shows the rubrics and the evidence
records counted, selected by the scorecard's own settings. Numbers have fixed decimals and
every ordering comes from the scorecard or is sorted, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from renewal_score.models import (
    Criterion,
    CriterionScore,
    Evidence,
    Observation,
    PriorityScore,
    Scorecard,
    ScoringContext,
)

if TYPE_CHECKING:
    from renewal_score.agenda import Agenda
    from renewal_score.trend import Trend, TrendPoint

Intervals = Mapping[str, tuple[float, float, float]]
"""Uncertainty of priority scores by priority id: (5th percentile, median, 95th percentile)."""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
THIN_EVIDENCE = 1
"""A criterion with at most this many records counted is marked as thinly evidenced."""

STATUS_ORDER = ("achieved", "on track", "signs of progress", "stalled", "cannot rate")
SERIES_STYLES = (
    ("#1d4e89", "", 3.0),
    ("#3f4651", "7 4", 2.0),
    ("#6b4f2a", "2 3", 2.2),
    ("#5b6470", "10 3 2 3", 2.0),
    ("#2d6a4f", "4 2", 2.0),
    ("#7a3b52", "1 2", 2.4),
)
"""Colour, dash pattern and width of the lines of the trend chart: the overall index first."""

Record = Evidence | Observation
EN_DASH = "\u2013"
NUMERIC = ' class="n"'
REACHED = ' class="reached"'
TIMES = "\u00d7"


# ---------------------------------------------------------------------------------------------
# Small helpers


def esc(text: object) -> str:
    """Text made inert in HTML and SVG, in element content and quoted attributes alike."""
    return html.escape(str(text), quote=True)


def anchor_id(identifier: str) -> str:
    """An id safe in an HTML id attribute and a URL fragment."""
    return re.sub(r"[^A-Za-z0-9_.:-]", "_", identifier) or "_"


def evidence_anchor(identifier: str) -> str:
    return "evidence-" + anchor_id(identifier)


def safe_url(url: str) -> str | None:
    """The URL if it is a plain http(s) address, the only kind that becomes a link."""
    url = url.strip()
    if not re.fullmatch(r"https?://[^\s\x00-\x1f\x7f\"'<>\\`]+", url, flags=re.IGNORECASE):
        return None
    return url


def num(value: float | None, digits: int = 1, suffix: str = "") -> str:
    """A figure as in the text report; a missing one is an en dash."""
    # Imported here: render.py registers this renderer, so either module may load first.
    from renewal_score.render import fmt

    return EN_DASH if value is None else fmt(value, digits, suffix)


def coord(value: float) -> str:
    """An SVG coordinate: fixed decimals keep the output byte-stable."""
    return f"{value:.1f}"


def _grades(grades: Mapping[str, int]) -> str:
    return ", ".join(f"{grade}{TIMES}{count}" for grade, count in sorted(grades.items()))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def status_badge(status: str) -> str:
    return f'<span class="status status-{slug(status)}">{esc(status)}</span>'


def plural(count: int, word: str, many: str = "") -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def table(
    headers: Sequence[str],
    rows: Iterable[str],
    *,
    css: str = "",
    numeric: Sequence[int] = (),
) -> str:
    """A table in a horizontally scrolling wrapper; ``headers`` are HTML (literals of this
    module), ``rows`` ready ``<tr>`` elements, ``numeric`` the columns aligned right."""
    head = "".join(
        f'<th{NUMERIC if i in numeric else ""} scope="col">{h}</th>' for i, h in enumerate(headers)
    )
    body = "\n".join(rows)
    return (
        f'<div class="table-wrap"><table class="{css}">'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table></div>"
    )


def cells(*values: str, numeric: Sequence[int] = ()) -> str:
    """A row of ready cell contents."""
    return (
        "<tr>"
        + "".join(f"<td{NUMERIC if i in numeric else ''}>{v}</td>" for i, v in enumerate(values))
        + "</tr>"
    )


# ---------------------------------------------------------------------------------------------
# What the agenda adds: the records counted, as the engine selected them


@dataclass(frozen=True)
class Counted:
    """The records the scorecard counted, by criterion, in the order they were applied."""

    by_criterion: dict[str, list[Record]]
    ids: frozenset[str]
    total: int


def counted_records(card: Scorecard, agenda: Agenda) -> Counted:
    """The records of the agenda that the scorecard's run counted: its subject, dated on or
    before its as-of date, with a grade weight at least its threshold and not expired (the
    selection of ``engine.build_scorecard``, with the settings recorded in the scorecard)."""
    context = ScoringContext(
        as_of=card.as_of,
        subject=card.subject.id,
        reliability_weights=card.method.reliability_weights,
        credibility_weights=card.method.credibility_weights,
    )
    found: dict[str, list[Record]] = {}
    evidence, observations = agenda.records_of(card.subject.id)
    records: list[Record] = [*evidence, *observations]
    for record in records:
        criterion = agenda.criteria.get(record.criterion)
        if criterion is None:
            continue
        if record.effective_date > context.as_of:
            continue
        if context.grade_weight(record.grade) < card.method.min_grade_weight:
            continue
        if criterion.valid_years is not None:
            oldest = context.as_of - dt.timedelta(days=round(365.25 * criterion.valid_years))
            if record.effective_date < oldest:
                continue
        found.setdefault(record.criterion, []).append(record)
    ids = frozenset(r.id for group in found.values() for r in group)
    return Counted(found, ids, len(ids))


# ---------------------------------------------------------------------------------------------
# Charts


def bar_chart(card: Scorecard, intervals: Intervals | None) -> str:
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
    ticks = []
    for value in (0, 25, 50, 75, 100):
        tx = coord(x(value))
        ticks.append(
            f'<line class="grid" x1="{tx}" y1="4" x2="{tx}" y2="{coord(axis_y)}"/>'
            f'<text class="tick" x="{tx}" y="{coord(axis_y + 16)}" text-anchor="middle">'
            f"{value}</text>"
        )
    height = axis_y + 26
    described = "Priority scores from 0 to 100 in rank order, with each priority's target"
    if intervals:
        described += " and the 5&ndash;95% interval of its score"
    return (
        f'<svg class="chart chart-bars" role="img" aria-labelledby="bars-title bars-desc" '
        f'viewBox="0 0 {coord(width)} {coord(height)}" width="{coord(width)}" '
        f'height="{coord(height)}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="bars-title">Priority scores, where action is most needed first</title>'
        f'<desc id="bars-desc">{described}.</desc>\n' + "\n".join([*ticks, *parts]) + "\n</svg>"
    )


def _bar_row(
    priority: PriorityScore,
    top: float,
    height: float,
    x: Callable[[float], float],
    intervals: Intervals | None,
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


def _interval(intervals: Intervals | None, priority_id: str) -> tuple[float, float, float] | None:
    if not intervals or priority_id not in intervals:
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

    parts = []
    for tick in (0, 25, 50, 75, 100):
        ty = coord(y(tick))
        parts.append(
            f'<line class="grid" x1="{coord(left)}" y1="{ty}" x2="{coord(right)}" y2="{ty}"/>'
            f'<text class="tick" x="{coord(left - 8)}" y="{coord(y(tick) + 4)}" '
            f'text-anchor="end">{tick}</text>'
        )
    step = max(1, math.ceil(len(points) / 7))
    shown = list(range(0, len(points), step))
    if points and shown[-1] != len(points) - 1:
        shown[-1] = len(points) - 1
    for i in shown:
        tx = coord(x(days[i]))
        parts.append(
            f'<line class="axis" x1="{tx}" y1="{coord(bottom)}" x2="{tx}" '
            f'y2="{coord(bottom + 5)}"/>'
            f'<text class="tick" x="{tx}" y="{coord(bottom + 20)}" text-anchor="middle">'
            f"{esc(points[i].as_of.isoformat())}</text>"
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
    height = legend_top + 20 * len(series)
    span = f"from {points[0].as_of.isoformat()} to {points[-1].as_of.isoformat()}" if points else ""
    return (
        f'<svg class="chart chart-trend" role="img" aria-labelledby="trend-title trend-desc" '
        f'viewBox="0 0 {coord(width)} {coord(height)}" width="{coord(width)}" '
        f'height="{coord(height)}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="trend-title">Scores over time</title>'
        f'<desc id="trend-desc">The overall index and each priority score, 0 to 100, at each '
        f"date {esc(span)}.</desc>\n" + "\n".join(parts) + "\n</svg>"
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


# ---------------------------------------------------------------------------------------------
# Sections


def headline(card: Scorecard) -> str:
    overall = card.overall
    figures = [
        ("Overall renewal index", num(overall.score), "/ 100", "all evidence counted"),
        (
            "Concrete evidence alone",
            num(overall.concrete_score),
            "/ 100",
            "money spent, treaties in force, ships deployed",
        ),
        ("Confidence", num(overall.confidence, 2), "/ 1", "how well the evidence is graded"),
        ("Evidence counted", str(overall.evidence_count), "records", f"as of {card.as_of}"),
    ]
    boxes = "\n".join(
        f'<div class="figure"><div class="figure-label">{esc(label)}</div>'
        f'<div class="figure-value">{esc(value)}<span class="unit"> {esc(unit)}</span></div>'
        f'<div class="figure-note">{esc(note)}</div></div>'
        for label, value, unit, note in figures
    )
    gap = esc(num(overall.say_do_gap, 0, "%"))
    if overall.say_do_gap is None:
        argument = "<p>No graded evidence is counted, so there is no say&ndash;do gap.</p>"
    else:
        argument = (
            f"<p><strong>{gap} of the grade-weighted evidence is declaratory</strong>: "
            "strategies, statements and memoranda rather than money spent, treaties in force or "
            "ships deployed.</p>"
            f"<p>On concrete evidence alone the index is <strong>"
            f"{esc(num(overall.concrete_score))}</strong>, against <strong>"
            f"{esc(num(overall.score))}</strong> with all evidence.</p>"
            f"{say_do_meter(overall.say_do_gap)}"
            '<div class="meter-key"><span class="key-declared">declaratory</span>'
            '<span class="key-concrete">concrete</span></div>'
        )
    say_do = (
        '<div class="saydo" id="say-do-gap"><div class="saydo-number">'
        '<div class="figure-label">Say&ndash;do gap</div>'
        f'<div class="saydo-value">{gap}</div></div>'
        f'<div class="saydo-text">{argument}</div></div>'
    )
    return (
        '<section class="headline" id="headline" aria-label="Headline figures">\n'
        f'<div class="figures">\n{boxes}\n</div>\n{say_do}\n{not_counted(card)}</section>'
    )


def not_counted(card: Scorecard) -> str:
    items = [f"<li>{esc(plural(n, 'record'))} {esc(why)}</li>" for n, why in card.not_counted()]
    out = []
    if items:
        out.append(
            '<div class="note"><strong>Not counted</strong> (loaded, but left out of this run):'
            f"<ul>{''.join(items)}</ul></div>"
        )
    else:
        out.append('<div class="note">Every evidence record loaded was counted.</div>')
    if card.skipped_plugins:
        skipped = "".join(
            f"<li><code>{esc(p.name)}</code>: {esc(p.reason)}</li>" for p in card.skipped_plugins
        )
        out.append(
            '<div class="note warning"><strong>Plugins left out, so not scored</strong>: '
            f"what they would have scored is missing from this report.<ul>{skipped}</ul></div>"
        )
    return "\n".join(out) + "\n"


def priority_summary(card: Scorecard, intervals: Intervals | None) -> str:
    headers = ["Rank", "Priority", "Score", "Target", "Gap", "Status", "Confidence", "Records"]
    headers.append("Say&ndash;do gap")
    numeric = [0, 2, 3, 4, 6, 7, 8]
    if intervals:
        headers.append("5&ndash;95% interval")
        numeric.append(9)
    rows = []
    for p in sorted(card.priorities, key=lambda p: p.rank):
        values = [
            str(p.rank),
            f'<a href="#priority-{esc(anchor_id(p.id))}">{esc(p.title)}</a>',
            esc(num(p.score)),
            esc(num(p.target, 0)),
            esc(num(p.gap)),
            status_badge(p.status),
            esc(num(p.confidence, 2)),
            str(p.evidence_count),
            esc(num(p.say_do_gap, 0, "%")),
        ]
        if intervals:
            whisker = _interval(intervals, p.id)
            values.append(f"{num(whisker[0])}&ndash;{num(whisker[2])}" if whisker else EN_DASH)
        rows.append(cells(*values, numeric=numeric))
    return table(headers, rows, css="summary", numeric=numeric)


def priority_card(priority: PriorityScore, agenda: Agenda | None, counted: Counted | None) -> str:
    figures = [
        ("Score", f"{num(priority.score)} / 100"),
        ("Target", num(priority.target, 0)),
        ("Gap", num(priority.gap)),
        ("Concrete only", num(priority.concrete_score)),
        ("Say\u2013do gap", num(priority.say_do_gap, 0, "%")),
        ("Confidence", num(priority.confidence, 2)),
        ("Records", str(priority.evidence_count)),
        ("Weight", num(priority.weight, 2)),
    ]
    facts = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in figures)
    headers = [
        "Criterion",
        "Weight",
        "Score",
        "Level",
        "Concrete",
        "Confidence",
        "Decided by",
        "Evidence",
    ]
    rows = [_criterion_row(c, counted) for c in priority.criteria]
    criteria_table = table(headers, rows, css="criteria", numeric=[1, 2, 4, 5])
    rubrics = (
        "".join(_rubric(c, agenda.criteria.get(c.id)) for c in priority.criteria)
        if agenda is not None
        else '<p class="needs-agenda">The rubrics need the agenda: render with '
        "<code>agenda=</code> to show each criterion's levels.</p>"
    )
    return (
        f'<article class="priority" id="priority-{esc(anchor_id(priority.id))}">\n'
        f'<header><span class="rank">{priority.rank}</span>'
        f"<h3>{esc(priority.title)}</h3>{status_badge(priority.status)}</header>\n"
        f'<dl class="facts">{facts}</dl>\n{criteria_table}\n'
        f'<div class="rubrics">{rubrics}</div>\n</article>'
    )


def _criterion_row(c: CriterionScore, counted: Counted | None) -> str:
    # A scorer may leave the deltas out (an indicator has none); then there is no hint.
    deltas = (
        dict(zip(c.evidence, c.deltas, strict=True)) if len(c.deltas) == len(c.evidence) else {}
    )
    links = []
    for evidence_id in c.evidence:
        hint = (
            f' title="moved the score {deltas[evidence_id]:+.1f}"' if evidence_id in deltas else ""
        )
        if counted is not None and evidence_id in counted.ids:
            links.append(
                f'<a class="decided" href="#{esc(evidence_anchor(evidence_id))}"{hint}>'
                f"{esc(evidence_id)}</a>"
            )
        else:
            links.append(f"<code{hint}>{esc(evidence_id)}</code>")
    coverage = c.coverage
    grades = _grades(coverage.grades) or "none"
    evidence = (
        f"{esc(plural(coverage.records, 'record'))}{_thin_tag(coverage.records)}"
        f'<br><span class="muted">{coverage.concrete} concrete, {coverage.declaratory} '
        f"declaratory<br>grades {esc(grades)}<br>newest {esc(coverage.newest or EN_DASH)}</span>"
    )
    return cells(
        f'{esc(c.title)}<br><code class="muted">{esc(c.id)}</code>',
        esc(num(c.weight, 2)),
        esc(num(c.score)),
        esc(c.level_label or EN_DASH),
        esc(num(c.concrete_score)),
        esc(num(c.confidence, 2)),
        '<span class="ids">' + ("<br>".join(links) or EN_DASH) + "</span>",
        evidence,
        numeric=[1, 2, 4, 5],
    )


def _thin_tag(records: int) -> str:
    if records == 0:
        return ' <span class="tag thin">no evidence</span>'
    if records <= THIN_EVIDENCE:
        return ' <span class="tag thin">thin</span>'
    return ""


def _rubric(score: CriterionScore, criterion: Criterion | None) -> str:
    title = f"<h4>{esc(score.title)}</h4>"
    if criterion is None:
        return f'<div class="rubric">{title}<p class="muted">Not in the agenda given.</p></div>'
    description = (
        f'<p class="muted">{esc(criterion.description)}</p>' if criterion.description else ""
    )
    levels = []
    for index, level in enumerate(criterion.rubric):
        reached = level.id == score.level
        marks = []
        if reached:
            marks.append('<span class="tag reached">reached</span>')
        if level.needs_concrete:
            marks.append('<span class="tag">needs concrete evidence</span>')
        levels.append(
            f"<li{REACHED if reached else ''}>"
            f'<span class="level-score">{esc(num(criterion.level_score(index), 0))}</span>'
            f"<div><strong>{esc(level.label)}</strong> {''.join(marks)}"
            f"<br>{esc(level.description)}</div></li>"
        )
    indicator = ""
    if criterion.indicator is not None:
        components = "".join(
            f"<li><code>{esc(c.id)}</code>{f' ({esc(c.unit)})' if c.unit else ''}: goalposts "
            f"{c.goalposts[0]:g}&ndash;{c.goalposts[1]:g}"
            f"{', on a log scale' if c.transform == 'log' else ''}, {esc(c.direction)} is "
            f"better, weight {c.weight:g}</li>"
            for c in criterion.indicator.components
        )
        combine = "geometric" if criterion.indicator.combine == "geometric" else "arithmetic"
        indicator = (
            f"<p>Measured by an indicator, the weighted {combine} mean of its components:</p>"
            f'<ul class="components">{components}</ul>'
        )
    rubric = f'<ol class="levels">{"".join(levels)}</ol>' if levels else ""
    return f'<div class="rubric">{title}{description}{indicator}{rubric}</div>'


def coverage_table(card: Scorecard) -> str:
    headers = ["Criterion", "Records", "Concrete", "Declaratory", "Grades", "Newest"]
    rows = []
    for priority in sorted(card.priorities, key=lambda p: p.rank):
        rows.append(
            f'<tr class="group"><th colspan="6" scope="colgroup">{priority.rank}. '
            f"{esc(priority.title)}</th></tr>"
        )
        for c in priority.criteria:
            coverage = c.coverage
            grades = _grades(coverage.grades) or EN_DASH
            row = cells(
                esc(c.title),
                f"{coverage.records}{_thin_tag(coverage.records)}",
                str(coverage.concrete),
                str(coverage.declaratory),
                esc(grades),
                esc(coverage.newest or EN_DASH),
                numeric=[1, 2, 3],
            )
            if coverage.records <= THIN_EVIDENCE:
                row = row.replace("<tr>", '<tr class="thin-row">', 1)
            rows.append(row)
    return table(headers, rows, css="coverage", numeric=[1, 2, 3])


def evidence_section(card: Scorecard, agenda: Agenda | None, counted: Counted | None) -> str:
    if agenda is None or counted is None:
        return (
            '<p class="needs-agenda">The evidence records need the agenda: render with '
            "<code>agenda=</code> to list every record counted, with its source.</p>"
        )
    headers = ["Record, date", "Statement", "Kind", "Effect", "Level", "Grade", "Source"]
    rows = []
    for priority in sorted(card.priorities, key=lambda p: p.rank):
        for c in priority.criteria:
            records = counted.by_criterion.get(c.id, [])
            rows.append(
                f'<tr class="group"><th colspan="7" scope="colgroup">{esc(c.title)} '
                f'<span class="muted">({esc(plural(len(records), "record"))})</span></th></tr>'
            )
            criterion = agenda.criteria.get(c.id)
            rows += [_evidence_row(r, criterion, set(c.evidence)) for r in records]
    note = ""
    if counted.total != card.overall.evidence_count:
        note = (
            '<p class="note warning">The agenda given does not match this scorecard: it selects '
            f"{counted.total} records where the scorecard counted "
            f"{card.overall.evidence_count}.</p>"
        )
    return note + table(headers, rows, css="evidence")


def _evidence_row(record: Record, criterion: Criterion | None, decided: set[str]) -> str:
    if isinstance(record, Evidence):
        statement = esc(record.statement)
        effect = "↓ setback" if record.effect == "setback" else "advance"
        level = record.level
        if criterion is not None and criterion.rubric:
            labels = {lv.id: lv.label for lv in criterion.rubric}
            level = labels.get(record.level, record.level)
        note = f'<div class="muted small">{esc(record.note)}</div>' if record.note else ""
    else:
        unit = _unit(criterion, record.component)
        statement = esc(f"Measured {record.component}: {record.value:g}{unit}")
        effect, level = EN_DASH, EN_DASH
        note = f'<div class="muted small">{esc(record.note)}</div>' if record.note else ""
    source = record.source
    url = safe_url(source.url)
    title = (
        f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(source.title)}</a>'
        if url
        else esc(source.title)
    )
    details = [d for d in (source.publisher, source.date.isoformat() if source.date else "") if d]
    unlinked = (
        f'<div class="muted small url">not linked: {esc(source.url)}</div>'
        if source.url and not url
        else ""
    )
    mark = ' <span class="tag reached">decided</span>' if record.id in decided else ""
    return (
        f'<tr id="{esc(evidence_anchor(record.id))}">'
        f"<td><code>{esc(record.id)}</code>{mark}"
        f'<div class="date">{esc(record.date)}</div></td>'
        f"<td>{statement}{note}</td>"
        f'<td><span class="kind kind-{record.kind}">{esc(record.kind)}</span></td>'
        f"<td>{esc(effect)}</td><td>{esc(level)}</td><td>{esc(record.grade)}</td>"
        f"<td>{title}"
        + (f'<div class="muted small">{esc(", ".join(details))}</div>' if details else "")
        + f"{unlinked}</td></tr>"
    )


def _unit(criterion: Criterion | None, component: str) -> str:
    if criterion is None or criterion.indicator is None:
        return ""
    units = {c.id: c.unit for c in criterion.indicator.components}
    return f" {units[component]}" if units.get(component) else ""


def _weights_row(name: str, weights: Mapping[str, float]) -> str:
    values = "".join(
        f'<td><span class="grade">{esc(k)}</span> {v:g}</td>' for k, v in sorted(weights.items())
    )
    return f'<tr><th scope="row">{esc(name)}</th>{values}</tr>'


def method_section(card: Scorecard) -> str:
    method, manifest = card.method, card.manifest
    titles = {p.id: p.title for p in card.priorities}
    titles |= {c.id: c.title for p in card.priorities for c in p.criteria}

    def weights(values: Mapping[str, float]) -> str:
        rows = [
            cells(
                f'{esc(titles.get(k, k))}<br><code class="muted">{esc(k)}</code>',
                esc(num(v, 4)),
                numeric=[1],
            )
            for k, v in values.items()
        ]
        return table(["Item", "Weight"], rows, css="weights", numeric=[1])

    grades = (
        '<div class="table-wrap"><table class="grades"><tbody>'
        + _weights_row("Source reliability", method.reliability_weights)
        + _weights_row("Information credibility", method.credibility_weights)
        + "</tbody></table></div>"
    )
    bands = ", ".join(f"{esc(k)} ≥ {v:g}" for k, v in method.status_bands.items())
    plugin_rows = [
        cells(f"<code>{esc(p.name)}</code>", esc(p.version), esc(p.source))
        for p in manifest.plugins
    ]
    plugins = table(["Plugin", "Version", "Source"], plugin_rows, css="plugins")
    overrides = (
        ", ".join(f"{esc(k)} = {v:g}" for k, v in sorted(manifest.weights.items())) or "none"
    )
    manifest_items = [
        ("renewal-score version", esc(manifest.renewal_score_version)),
        ("Schema version", esc(card.schema_version)),
        ("As of", esc(manifest.as_of.isoformat())),
        ("Subject", f"<code>{esc(manifest.subject)}</code>"),
        ("Evidence records loaded", str(manifest.evidence_records)),
        ("Evidence SHA-256", f'<code class="hash">{esc(manifest.evidence_sha256)}</code>'),
        ("Aggregation of criteria", esc(manifest.criteria_aggregation)),
        ("Aggregation of priorities", esc(manifest.priorities_aggregation)),
        ("Minimum grade weight", esc(f"{manifest.min_grade_weight:g}")),
        ("Weight overrides", overrides),
        ("Random seed", esc("none" if manifest.seed is None else str(manifest.seed))),
    ]
    manifest_html = "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in manifest_items)
    return (
        f"<p>{esc(method.description)}</p>\n"
        f'<dl class="facts method-facts"><div><dt>Aggregation</dt><dd>{esc(method.aggregation)}'
        "</dd></div><div><dt>Status bands</dt><dd>achieved ≥ the priority's target, "
        f"{bands}, stalled below; cannot rate without evidence</dd></div>"
        f"<div><dt>Minimum grade weight</dt><dd>{method.min_grade_weight:g}</dd></div></dl>\n"
        '<div class="columns"><div><h3>Priority weights</h3>'
        f"{weights(method.priority_weights)}</div>"
        f"<div><h3>Criterion weights within priorities</h3>"
        f"{weights(method.criterion_weights)}</div></div>\n"
        "<h3>Grade weights</h3><p>A record's weight is its source reliability times its "
        f"information credibility (Admiralty grade).</p>{grades}\n"
        f"<h3>Plugins</h3>{plugins}\n"
        f'<h3>Reproducing this report</h3><dl class="facts manifest">{manifest_html}</dl>'
    )


# ---------------------------------------------------------------------------------------------
# The page


def render_html(
    card: Scorecard,
    *,
    agenda: Agenda | None = None,
    intervals: Intervals | None = None,
    trend: Trend | None = None,
) -> str:
    """The scorecard as a self-contained HTML report.

    ``agenda`` (the one the scorecard was built from) adds each criterion's rubric and the
    evidence records counted; ``intervals`` maps priority ids to (p05, median, p95) score
    intervals, drawn as whiskers; ``trend`` adds a chart of the scores over time.
    """
    counted = counted_records(card, agenda) if agenda is not None else None
    subject = card.subject
    title = f"Renewal scorecard: {subject.title} ({subject.id}), as of {card.as_of.isoformat()}"
    ranked = sorted(card.priorities, key=lambda p: p.rank)
    sections = [
        ("priority-scores", "Priority scores", _scores_body(card, intervals)),
    ]
    if trend is not None:
        sections.append(("trend", "Scores over time", _trend_body(card, trend)))
    sections += [
        (
            "priorities",
            "Priorities, where action is most needed first",
            priority_summary(card, intervals)
            + "\n"
            + "\n".join(priority_card(p, agenda, counted) for p in ranked),
        ),
        (
            "coverage",
            "Evidence coverage",
            "<p>How much evidence stands behind each criterion. Criteria with "
            f"{THIN_EVIDENCE} record or none are marked: their scores rest on little.</p>"
            + coverage_table(card),
        ),
        ("evidence", "Evidence counted", evidence_section(card, agenda, counted)),
        ("method", "Method", method_section(card)),
    ]
    as_of = card.as_of.isoformat()
    lede = (
        f'Scored as of <time datetime="{as_of}">{as_of}</time> · subject '
        f"<code>{esc(subject.id)}</code> · {plural(len(ranked), 'priority', 'priorities')}, "
        f"{plural(card.overall.evidence_count, 'record')} of evidence counted"
    )
    return page(
        title,
        esc(subject.title),
        lede,
        sections,
        card.manifest.renewal_score_version,
        top=headline(card),
        footnote=f" (schema {esc(card.schema_version)}). Every figure is in the scorecard's "
        "JSON (<code>renewal-score report --format json</code>); the same inputs give the same "
        "file.",
    )


def page(
    title: str,
    heading: str,
    lede: str,
    sections: Sequence[tuple[str, str, str]],
    version: str,
    *,
    top: str = "",
    footnote: str = ".",
) -> str:
    """A whole self-contained page: ``sections`` are (anchor, title, HTML content); ``heading``,
    ``lede``, ``top`` and ``footnote`` are HTML, ``title`` plain text."""
    nav = "".join(f'<li><a href="#{key}">{esc(name)}</a></li>' for key, name, _ in sections)
    body = "\n".join(
        f'<section id="{key}"><h2>{esc(name)}</h2>\n{content}\n</section>'
        for key, name, content in sections
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="renewal-score {esc(version)}">
<title>{esc(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<header class="masthead">
<p class="eyebrow">Renewal scorecard</p>
<h1>{heading}</h1>
<p class="lede">{lede}</p>
<nav aria-label="Contents"><ul>{nav}</ul></nav>
</header>
{top}
{body}
<footer><p>Generated by renewal-score {esc(version)}{footnote}</p></footer>
</main>
</body>
</html>
"""


def render_table_page(
    title: str,
    tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence[object]]]],
    note: str = "",
) -> str:
    """A page of plain tables (title, headers, rows of values) and a closing note, every value
    escaped."""
    from renewal_score import __version__

    sections = [
        (
            f"table-{number}",
            name,
            table([esc(h) for h in headers], [cells(*(esc(v) for v in row)) for row in rows]),
        )
        for number, (name, headers, rows) in enumerate(tables, start=1)
    ]
    return page(title, esc(title), esc(note), sections, __version__)


def _scores_body(card: Scorecard, intervals: Intervals | None) -> str:
    key = [
        '<li><span class="key-bar"></span>score, coloured by status (the status is written '
        "beside it)</li>",
        '<li><span class="key-target"></span>target</li>',
    ]
    if intervals:
        key.append(
            '<li><span class="key-whisker"></span>5&ndash;95% interval, dot at the median</li>'
        )
    statuses = "".join(f"<li>{status_badge(s)}</li>" for s in STATUS_ORDER)
    return (
        f'<figure class="chart-wrap">{bar_chart(card, intervals)}'
        f'<figcaption><ul class="legend">{"".join(key)}</ul>'
        f'<ul class="legend statuses">{statuses}</ul></figcaption></figure>'
    )


def _trend_body(card: Scorecard, trend: Trend) -> str:
    every = {"month": "monthly", "quarter": "quarterly", "year": "yearly"}.get(trend.every, "")
    caption = f"Subject <code>{esc(trend.subject)}</code>, {esc(every)} scores on 0&ndash;100."
    return (
        f'<figure class="chart-wrap">{line_chart(card, trend)}'
        f'<figcaption class="muted">{caption} Dots mark the dates scored; a line breaks '
        "where a score cannot be rated.</figcaption></figure>"
    )


STYLE = """
:root {
  --ink: #1b1f24; --muted: #59616b; --rule: #d5d9de; --panel: #f5f6f8;
  --accent: #1d4e89; --accent-soft: #e9eff7;
  --achieved: #17663a; --on-track: #3d6b12; --progress: #8f5200; --stalled: #b3261e;
  --unrated: #5f6670;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Liberation Sans",
    Arial, sans-serif;
  --serif: Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, "Liberation Serif",
    "DejaVu Serif", serif;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.55 var(--sans); }
main { max-width: 1120px; margin: 0 auto; padding: 32px 28px 48px; }
h1, h2, h3, h4 { font-family: var(--serif); font-weight: 600; line-height: 1.25; }
h1 { font-size: 34px; margin: 4px 0 6px; }
h2 { font-size: 23px; margin: 44px 0 14px; padding-top: 10px; border-top: 2px solid var(--ink); }
h3 { font-size: 18px; margin: 22px 0 8px; }
h4 { font-size: 15px; margin: 14px 0 4px; }
p { margin: 6px 0 10px; }
a { color: var(--accent); }
code { font: 0.86em/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono",
  monospace; overflow-wrap: break-word; }
.muted { color: var(--muted); }
.small { font-size: 12.5px; margin-top: 3px; }
.nowrap { white-space: nowrap; }
.masthead { border-bottom: 1px solid var(--rule); padding-bottom: 14px; }
.eyebrow { text-transform: uppercase; letter-spacing: 0.12em; font-size: 12px; font-weight: 600;
  color: var(--accent); margin: 0; }
.lede { color: var(--muted); margin: 0 0 10px; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 18px;
  font-size: 13.5px; }
nav a { text-decoration: none; }
nav a:hover { text-decoration: underline; }
.headline { margin-top: 22px; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; }
.figure { border: 1px solid var(--rule); border-radius: 6px; padding: 12px 14px; }
.figure-label { font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em;
  color: var(--muted); font-weight: 600; }
.figure-value { font: 600 30px/1.2 var(--sans); font-variant-numeric: tabular-nums;
  margin-top: 4px; }
.figure-value .unit { font-size: 14px; font-weight: 400; color: var(--muted); }
.figure-note { font-size: 12.5px; color: var(--muted); }
.saydo { display: grid; grid-template-columns: 190px 1fr; gap: 20px; margin-top: 14px;
  padding: 16px 20px; border-left: 6px solid var(--accent); background: var(--accent-soft);
  border-radius: 0 6px 6px 0; }
.saydo .figure-label { color: var(--accent); }
.saydo-value { font: 700 56px/1.05 var(--sans); color: var(--accent);
  font-variant-numeric: tabular-nums; }
.saydo-text p { margin: 0 0 6px; font-size: 16px; }
.meter { display: block; width: 100%; max-width: 420px; height: 14px; margin-top: 8px; }
.meter-declared { fill: var(--accent); }
.meter-concrete { fill: #b9c4d2; }
.meter-key { display: flex; gap: 16px; font-size: 12.5px; color: var(--muted); margin-top: 4px; }
.meter-key span::before { content: ""; display: inline-block; width: 0; height: 10px;
  margin-right: 5px; vertical-align: -1px; border-left: 10px solid; }
.meter-key .key-declared::before { border-color: var(--accent); }
.meter-key .key-concrete::before { border-color: #b9c4d2; }
.note { margin-top: 12px; font-size: 14px; color: var(--muted); }
.note ul { margin: 4px 0 0; padding-left: 20px; }
.warning { color: var(--ink); border: 1px solid var(--progress); border-left-width: 5px;
  padding: 8px 12px; border-radius: 4px; }
.status { display: inline-block; font-size: 12.5px; font-weight: 600; line-height: 1.3;
  padding: 1px 8px; border: 1px solid currentColor; border-radius: 999px; white-space: nowrap; }
.status-achieved { color: var(--achieved); }
.status-on-track { color: var(--on-track); }
.status-signs-of-progress { color: var(--progress); }
.status-stalled { color: var(--stalled); }
.status-cannot-rate { color: var(--unrated); }
figure { margin: 0; }
.chart-wrap { overflow-x: auto; }
svg.chart { display: block; width: 100%; height: auto; min-width: 680px; }
svg text { font-family: var(--sans); fill: var(--ink); }
.bar-title { font-size: 14.5px; font-weight: 600; }
.bar-value { font-size: 14px; font-variant-numeric: tabular-nums; }
.tick { font-size: 12.5px; fill: var(--muted); }
.grid { stroke: #e3e6ea; stroke-width: 1; }
.axis { stroke: var(--muted); }
.track { fill: #eef0f3; }
rect.bar { stroke: none; }
rect.status-achieved { fill: var(--achieved); }
rect.status-on-track { fill: var(--on-track); }
rect.status-signs-of-progress { fill: var(--progress); }
rect.status-stalled { fill: var(--stalled); }
rect.status-cannot-rate { fill: var(--unrated); }
.target { stroke: var(--ink); stroke-width: 2.5; }
.whisker line { stroke: var(--ink); stroke-width: 1.6; }
.whisker circle { fill: #fff; stroke: var(--ink); stroke-width: 1.6; }
.end-label { font-size: 13px; font-weight: 700; }
.legend-item text { font-size: 13.5px; fill: var(--ink); }
.legend { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap;
  gap: 6px 18px; font-size: 13px; color: var(--muted); }
.legend li { display: flex; align-items: center; gap: 6px; }
.key-bar { display: inline-block; width: 22px; height: 0; border-top: 10px solid var(--progress); }
.key-target { display: inline-block; width: 0; height: 16px; border-left: 3px solid var(--ink); }
.key-whisker { display: inline-block; position: relative; width: 22px; height: 10px;
  border: 1.6px solid var(--ink); border-top: 0; border-bottom: 0; }
.key-whisker::after { content: ""; position: absolute; left: 0; right: 0; top: 4px;
  border-top: 1.6px solid var(--ink); }
.table-wrap { overflow-x: auto; margin: 10px 0 6px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 7px 9px;
  border-bottom: 1px solid var(--rule); }
thead th { font-size: 12.5px; font-weight: 600; color: var(--muted);
  border-bottom: 1.5px solid var(--ink); vertical-align: bottom; }
.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.group th { background: var(--panel); font-family: var(--serif); font-size: 14.5px;
  padding-top: 9px; }
.summary td:nth-child(2) { min-width: 200px; }
.priority { margin: 24px 0 8px; padding: 16px 18px 10px; border: 1px solid var(--rule);
  border-radius: 8px; }
.priority > header { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.priority > header h3 { margin: 0; flex: 1 1 420px; }
.rank { display: inline-flex; align-items: center; justify-content: center; min-width: 30px;
  height: 30px; border-radius: 50%; background: var(--ink); color: #fff; font-weight: 700; }
.facts { display: flex; flex-wrap: wrap; gap: 6px 26px; margin: 12px 0 4px; }
.facts div { min-width: 90px; }
.facts dt { font-size: 11.5px; text-transform: uppercase; letter-spacing: 0.05em;
  color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.manifest dd, .method-facts dd { font-weight: 400; }
.criteria td:first-child { min-width: 200px; }
.ids { font-size: 12.5px; }
.criteria td:nth-child(7) { min-width: 170px; }
.criteria td:last-child { min-width: 185px; font-size: 13px; }
.tag { display: inline-block; font-size: 11.5px; font-weight: 600; padding: 0 6px;
  border: 1px solid var(--muted); border-radius: 3px; color: var(--muted); line-height: 1.5;
  white-space: nowrap; }
.tag.thin { color: var(--stalled); border-color: var(--stalled); }
.tag.reached { color: var(--accent); border-color: var(--accent); }
tr.thin-row td { background: #fbf1f0; }
.rubrics { display: grid; grid-template-columns: repeat(2, 1fr); gap: 4px 22px;
  margin-top: 8px; }
.rubric h4 { margin-bottom: 2px; }
.rubric > p, .components { font-size: 13.5px; }
.components { padding-left: 20px; }
.levels { list-style: none; margin: 6px 0 12px; padding: 0; font-size: 13.5px; }
.levels li { display: flex; gap: 10px; padding: 5px 8px; border-left: 3px solid var(--rule); }
.levels li.reached { border-left-color: var(--accent); background: var(--accent-soft); }
.level-score { min-width: 26px; text-align: right; color: var(--muted);
  font-variant-numeric: tabular-nums; }
.needs-agenda { color: var(--muted); font-style: italic; }
.kind { font-size: 12.5px; }
.kind-declaratory { font-style: italic; }
.evidence td:first-child { min-width: 150px; font-size: 12.5px; }
.evidence .date { font-size: 14px; margin-top: 2px; }
.evidence td:nth-child(2) { min-width: 300px; }
.evidence td:last-child { min-width: 170px; font-size: 13px; }
.evidence .small { font-size: 12px; line-height: 1.45; }
.evidence tr:target td { background: #fff6d6; }
.url { overflow-wrap: anywhere; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
.hash { font-size: 12px; }
.grades th { font-weight: 600; white-space: nowrap; }
.grade { display: inline-block; min-width: 1.6em; font-weight: 700; color: var(--muted); }
footer { margin-top: 40px; padding-top: 12px; border-top: 1px solid var(--rule);
  font-size: 13px; color: var(--muted); }
@media (max-width: 860px) {
  .figures { grid-template-columns: repeat(2, 1fr); }
  .rubrics, .columns { grid-template-columns: 1fr; }
}
@media (max-width: 600px) {
  main { padding: 18px 14px 32px; }
  h1 { font-size: 27px; }
  .figures { grid-template-columns: 1fr 1fr; gap: 8px; }
  .figure-value { font-size: 24px; }
  .saydo { grid-template-columns: 1fr; gap: 6px; padding: 12px 14px; }
  .saydo-value { font-size: 44px; }
  table { font-size: 13px; }
  th, td { padding: 6px 7px; }
  .table-wrap { -webkit-overflow-scrolling: touch; }
  .table-wrap table { min-width: 560px; }
  .priority { padding: 12px 12px 6px; }
}
@media print {
  @page { margin: 16mm 14mm; }
  * { background: transparent !important; box-shadow: none !important; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; }
  h3, h4 { break-after: avoid; }
  .saydo { border: 1px solid var(--accent); border-left-width: 6px; }
  .rank { color: var(--ink); border: 1.5px solid var(--ink); }
  .figure, .saydo, .rubric, .chart-wrap, .summary, .coverage, .weights, .grades, .plugins,
  .facts, tr, .note { break-inside: avoid; }
  .priority { break-inside: avoid-page; }
  thead { display: table-header-group; }
  .table-wrap, .chart-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  thead th, .status, .tag, .ids, .criteria td:last-child { font-size: 7.5pt; }
  .summary .status { white-space: normal; }
  .evidence td, .evidence .date, .evidence .kind { font-size: 8pt !important; }
  .evidence .small, .evidence code, .evidence .tag { font-size: 7pt !important; }
  th, td { padding: 4px 5px; min-width: 0 !important; }
  .figures { grid-template-columns: repeat(4, 1fr); }
  .rubrics { grid-template-columns: 1fr 1fr; }
  svg.chart { min-width: 0; }
  a { color: var(--ink); }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 9pt; color: var(--muted);
    overflow-wrap: anywhere; }
}
"""
