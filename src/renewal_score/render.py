"""Rendering a scorecard as text, Markdown or JSON.

Renderers only read the scorecard; they compute nothing that is not in it, so every
printed figure can be found in the JSON. Numbers are printed with fixed decimals and all
orderings come from the scorecard, so the same scorecard always gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import inspect
import io
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tabulate import tabulate

from renewal_score.agenda import Agenda
from renewal_score.escaping import printable, spreadsheet_cell
from renewal_score.hookspecs import hookimpl
from renewal_score.html import render_html, render_table_page
from renewal_score.models import RECORD_COLUMNS, Evidence, PriorityScore, Scorecard

TEXT_WIDTH = 100


def fmt(value: float | None, digits: int = 1, suffix: str = "") -> str:
    """A number with fixed decimals, or a hyphen for a missing value."""
    return "-" if value is None else f"{value:.{digits}f}{suffix}"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~])")


def one_line(text: str) -> str:
    """Text on one line: runs of whitespace, line breaks included, become one space, and
    control characters show as escapes (``escaping.printable``)."""
    return printable(" ".join(text.split()))


def escape_markdown(text: str) -> str:
    """Text made inert in a GitHub Markdown table cell: one line, markup characters escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(text)).replace("&", "&amp;")


def _headline(card: Scorecard) -> list[str]:
    overall = card.overall
    lines = [
        f"Overall renewal index: {fmt(overall.score)} / 100"
        f" (concrete evidence alone: {fmt(overall.concrete_score)})",
        f"Say-do gap: {fmt(overall.say_do_gap, 0, '%')} of the grade-weighted evidence"
        " is declaratory",
        f"Confidence: {fmt(overall.confidence, 2)};"
        f" evidence counted: {overall.evidence_count} records",
    ]
    if reasons := card.not_counted():
        lines.append("Not counted: " + ", ".join(f"{_records(n)} {why}" for n, why in reasons))
    lines += [
        f"Left out, so not scored: plugin {p.name!r}: {p.reason}" for p in card.skipped_plugins
    ]
    return lines


def _records(count: int) -> str:
    return f"{count} record" + ("" if count == 1 else "s")


def _priority_rows(card: Scorecard, cell: Callable[[str], str]) -> list[list[Any]]:
    ordered = sorted(card.priorities, key=lambda p: p.rank)
    return [
        [
            p.rank,
            cell(p.title),
            fmt(p.score),
            fmt(p.target, 0),
            fmt(p.gap),
            p.status,
            fmt(p.confidence, 2),
            p.evidence_count,
            fmt(p.say_do_gap, 0, "%"),
        ]
        for p in ordered
    ]


PRIORITY_ALIGN = ("right", "left", "right", "right", "right", "left", "right", "right", "right")
CRITERION_ALIGN = ("left", "right", "right", "left", "right", "right", "left")
PRIORITY_HEADERS = [
    "rank",
    "priority",
    "score",
    "target",
    "gap",
    "status",
    "conf.",
    "records",
    "say-do",
]
CRITERION_HEADERS = ["criterion", "weight", "score", "level", "concrete", "conf.", "decided by"]


def _criterion_rows(priority: PriorityScore, cell: Callable[[str], str]) -> list[list[Any]]:
    return [
        [
            cell(c.title),
            fmt(c.weight, 2),
            fmt(c.score),
            cell(c.level_label or "-"),
            fmt(c.concrete_score),
            fmt(c.confidence, 2),
            cell(", ".join(c.evidence) or "-"),
        ]
        for c in priority.criteria
    ]


def _table(
    rows: list[list[Any]],
    headers: Sequence[str],
    align: Sequence[str],
    style: str,
    widths: Sequence[int | None] | None = None,
) -> str:
    """A table of pre-formatted cells (tabulate must not re-parse the numbers)."""
    return tabulate(
        rows, headers, tablefmt=style, colalign=align, disable_numparse=True, maxcolwidths=widths
    )


def _method_lines(card: Scorecard) -> list[str]:
    method = card.method
    return [
        f"Aggregation: {method.aggregation}.",
        "Priority weights: "
        + ", ".join(f"{k} {v:.4f}" for k, v in method.priority_weights.items())
        + ".",
        "Criterion weights within priorities: "
        + ", ".join(f"{k} {v:.4f}" for k, v in method.criterion_weights.items())
        + ".",
        "Grade weights (reliability x credibility): "
        + " ".join(f"{k}={v}" for k, v in method.reliability_weights.items())
        + "; "
        + " ".join(f"{k}={v}" for k, v in method.credibility_weights.items())
        + ".",
        f"Plugins: {', '.join(method.plugins)}.",
        method.description,
    ]


def _title(card: Scorecard) -> str:
    subject = card.subject
    title = one_line(subject.title)
    return f"Renewal scorecard: {title} ({subject.id}), as of {card.as_of.isoformat()}"


def render_text(card: Scorecard) -> str:
    """A plain-text report for a terminal, tables fitting 100 columns."""
    wrap = _wrapper(TEXT_WIDTH)
    out = [
        *wrap(_title(card)),
        "",
        *_headline(card),
        "",
        "Priorities, where action is most needed first:",
    ]
    out.append(
        _table(
            _priority_rows(card, one_line),
            PRIORITY_HEADERS,
            PRIORITY_ALIGN,
            "simple",
            [None, 24, None, None, None, 10, None, None, None],
        )
    )
    for priority in sorted(card.priorities, key=lambda p: p.rank):
        out += ["", *wrap(f"{priority.rank}. {one_line(priority.title)} [{priority.id}]")]
        out.append(
            _table(
                _criterion_rows(priority, one_line),
                CRITERION_HEADERS,
                CRITERION_ALIGN,
                "simple",
                [24, None, None, 11, None, None, 21],
            )
        )
    out += ["", "Evidence coverage (records counted per criterion; thin: one record or none):"]
    out.append(
        _table(
            _coverage_rows(card),
            COVERAGE_HEADERS,
            COVERAGE_ALIGN,
            "simple",
            [34, None, None, None, 26, None],
        )
    )
    out += ["", "Method:"]
    out += [line for text in _method_lines(card) for line in wrap(text)]
    return "\n".join(out) + "\n"


def _wrapper(width: int) -> Callable[[str], Sequence[str]]:
    return lambda text: textwrap.wrap(text, width=width, subsequent_indent="  ") or [""]


def render_markdown(card: Scorecard) -> str:
    """A GitHub-flavoured Markdown report; every text from data is escaped."""
    cell = escape_markdown
    out = [f"# {cell(_title(card))}", ""]
    out += [f"- {cell(line)}" for line in _headline(card)]
    out += ["", "## Priorities, where action is most needed first", ""]
    out.append(_table(_priority_rows(card, cell), PRIORITY_HEADERS, PRIORITY_ALIGN, "github"))
    for priority in sorted(card.priorities, key=lambda p: p.rank):
        out += ["", f"### {priority.rank}. {cell(priority.title)}", ""]
        out.append(
            _table(_criterion_rows(priority, cell), CRITERION_HEADERS, CRITERION_ALIGN, "github")
        )
    out += ["", "## Evidence coverage", ""]
    rows = [[cell(str(c)) for c in row] for row in _coverage_rows(card)]
    out.append(_table(rows, COVERAGE_HEADERS, COVERAGE_ALIGN, "github"))
    out += ["", "## Method", ""]
    out += [f"- {cell(line)}" for line in _method_lines(card)]
    return "\n".join(out) + "\n"


COVERAGE_HEADERS = ["criterion", "records", "concrete", "declaratory", "grades", "newest"]
COVERAGE_ALIGN = ("left", "right", "right", "right", "left", "left")
THIN = 1
"""A criterion with this many counted records or fewer is marked as thinly evidenced."""


def _coverage_rows(card: Scorecard) -> list[list[Any]]:
    rows = []
    for priority in sorted(card.priorities, key=lambda p: p.rank):
        for c in priority.criteria:
            cover = c.coverage
            grades = " ".join(f"{grade}x{count}" for grade, count in cover.grades.items())
            records = f"{cover.records} (thin)" if cover.records <= THIN else str(cover.records)
            rows.append(
                [
                    c.id,
                    records,
                    cover.concrete,
                    cover.declaratory,
                    grades or "-",
                    cover.newest or "-",
                ]
            )
    return rows


def render_csv(card: Scorecard) -> str:
    """One row per (subject, priority, criterion), columns ``models.RECORD_COLUMNS``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(RECORD_COLUMNS)
    for row in card.to_records():
        writer.writerow("" if value is None else spreadsheet_cell(value) for value in row.values())
    return buffer.getvalue()


def shorten(text: str, width: int) -> str:
    """One line of at most ``width`` characters, cut with an ellipsis."""
    line = one_line(text)
    return line if len(line) <= width else line[: width - 1] + "…"


def evidence_table(records: Sequence[Evidence], origins: Mapping[str, str]) -> str:
    """A plain-text listing of evidence records, grouped by criterion and where they came from.

    A setback's level is marked with a down arrow.
    """
    groups: dict[tuple[str, str], list[Evidence]] = {}
    for record in records:
        groups.setdefault((record.criterion, origins[record.id]), []).append(record)
    headers = ["id", "date", "level", "kind", "grade", "statement"]
    out = []
    for (criterion, origin), members in groups.items():
        rows = [
            [
                r.id,
                r.date,
                ("↓ " if r.effect == "setback" else "") + r.level,
                r.kind,
                r.grade,
                shorten(r.statement, 60),
            ]
            for r in members
        ]
        out += [
            f"{criterion} (from {origin})",
            _table(rows, headers, ["left"] * 6, "simple", [24, None, 12, None, None, 28]),
            "",
        ]
    return "\n".join(out)


Table = tuple[str, Sequence[str], Sequence[Sequence[Any]]]
"""A titled table: (title, headers, rows of cells already formatted as text)."""


def render_tables(title: str, tables: Sequence[Table], file_format: str, note: str = "") -> str:
    """Tables under a title as text, Markdown, HTML or CSV (CSV holds the first table only)."""
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(map(spreadsheet_cell, tables[0][1]))
        writer.writerows(map(spreadsheet_cell, row) for row in tables[0][2])
        return buffer.getvalue()
    if file_format == "html":
        return render_table_page(title, tables, note)
    parts = []
    for name, headers, rows in tables:
        align = ["left", *["right"] * (len(headers) - 1)]
        if file_format == "markdown":
            cells = [[escape_markdown(str(c)) for c in row] for row in rows]
            parts.append(f"## {escape_markdown(name)}\n\n{_table(cells, headers, align, 'github')}")
        else:
            parts.append(f"{name}\n\n{_table([list(r) for r in rows], headers, align, 'simple')}")
    heading = f"# {escape_markdown(title)}" if file_format == "markdown" else title
    closing = (
        escape_markdown(note) if file_format == "markdown" else textwrap.fill(note, TEXT_WIDTH)
    )
    return "\n\n".join([heading, *parts, *([closing] if note else [])]) + "\n"


def sensitivity_summary(
    analysis: Mapping[str, Any], titles: Mapping[str, str], as_of: dt.date
) -> dict[str, Any]:
    """The headline of a sensitivity analysis: per priority of the focus subject, its nominal
    score, median and 5-95 % interval and how often it is the top recommendation; the full
    analysis (``SensitivityResult.to_dict()``) follows under ``analysis``."""
    focus = analysis["focus"]
    subject = analysis["uncertainty"]["subjects"][focus]
    frequency = analysis["uncertainty"]["top_recommendation"]["frequency"]
    return {
        "as_of": as_of.isoformat(),
        "subject": focus,
        "samples": analysis["settings"]["samples"],
        "seed": analysis["settings"]["seed"],
        "priorities": [
            {"id": pid, "title": titles.get(pid, pid), **stats, "top_frequency": frequency[pid]}
            for pid, stats in subject["priorities"].items()
        ],
        "overall": subject["overall"],
        "analysis": analysis,
    }


def sensitivity_tables(summary: Mapping[str, Any]) -> tuple[str, list[Table], str]:
    """The title, tables and closing note of a sensitivity analysis's summary."""
    analysis = summary["analysis"]
    settings = analysis["settings"]
    title = (
        f"Uncertainty of {summary['subject']}'s scores, as of {summary['as_of']} "
        f"({settings['samples']} samples, seed {settings['seed']})"
    )

    def stats(item_id: str, values: Mapping[str, Any], frequency: str) -> list[str]:
        numbers = [fmt(values[key]) for key in ("nominal", "median", "p05", "p95")]
        return [item_id, *numbers, frequency]

    rows = [stats(p["id"], p, fmt(100 * p["top_frequency"], 1, "%")) for p in summary["priorities"]]
    rows.append(stats("overall", summary["overall"], ""))
    outputs = analysis["sensitivity"]["outputs"]["overall"]
    effects = outputs["total_effect"]
    influence = sorted(
        (n for n in effects if effects[n] is not None), key=lambda n: (-effects[n], n)
    )
    removals = [
        [r["criterion"], fmt(r["overall_change"], 2), r["top"], "yes" if r["top_changed"] else "no"]
        for r in analysis["remove_one"]
    ]
    smallest = analysis["weight_flip"]["smallest"]
    note = (
        "No single weight change within a factor of 0 to 10 changes the top recommendation."
        if smallest is None
        else f"The smallest single weight change that changes the top recommendation: "
        f"{smallest['item']} by {100 * smallest['change']:+.0f}% makes "
        f"{smallest['becomes_top']} the top recommendation."
    )
    tables: list[Table] = [
        (
            "Scores and their 5-95 % intervals",
            ["item", "nominal", "median", "p05", "p95", "top recommendation"],
            rows,
        ),
        (
            "Inputs with most effect on the overall index (variance-based indices)",
            ["input", "total effect", "first order"],
            [[n, fmt(effects[n], 3), fmt(outputs["first_order"][n], 3)] for n in influence[:8]],
        ),
        (
            "Remove one criterion (nominal settings)",
            ["criterion", "change in overall", "top recommendation", "changed"],
            removals,
        ),
    ]
    return title, tables, note


def render_json(card: Scorecard) -> str:
    """The scorecard as JSON; its schema is ``renewal-score schema scorecard``."""
    return card.model_dump_json(indent=2) + "\n"


@hookimpl
def register_formats() -> dict[str, Callable[..., str]]:
    """The built-in report formats."""
    return {
        "text": render_text,
        "markdown": render_markdown,
        "json": render_json,
        "csv": render_csv,
        "html": render_html,
    }


def render_with(renderer: Callable[..., str], card: Scorecard, agenda: Agenda) -> str:
    """Call a report renderer, giving it the agenda too if it takes an ``agenda`` argument."""
    if "agenda" in inspect.signature(renderer).parameters:
        return str(renderer(card, agenda=agenda))
    return str(renderer(card))
