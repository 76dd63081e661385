"""Tables as text, Markdown, HTML or CSV: the scorecard's CSV, and the tables of the commands
that print tables (trend, compare, sensitivity, evidence, plugins)."""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from renewal_score.escaping import spreadsheet_cell
from renewal_score.models import Evidence
from renewal_score.reports.formatting import TEXT_WIDTH, escape_markdown, fitted, shorten, table
from renewal_score.results import RECORD_COLUMNS, Scorecard

Table = tuple[str, Sequence[str], Sequence[Sequence[Any]]]
"""A titled table: (title, headers, rows of cells: text, or numbers that CSV keeps numeric)."""


def render_csv(card: Scorecard) -> str:
    """One row per (subject, priority, criterion), columns ``results.RECORD_COLUMNS``."""
    return _csv([RECORD_COLUMNS, *(list(row.values()) for row in card.to_records())])


def _csv(rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(
        [["" if value is None else spreadsheet_cell(value) for value in row] for row in rows]
    )
    return buffer.getvalue()


def render_tables(
    title: str, tables: Sequence[Table], file_format: str, note: str = "", width: int = TEXT_WIDTH
) -> str:
    """Tables under a title as text, Markdown, HTML or CSV. CSV holds every table, numbers as
    numbers: one table as it is; several, each under a row with its title, separated by an
    empty row. A text note is wrapped to ``width``."""
    if file_format == "csv":
        if len(tables) == 1:
            return _csv([tables[0][1], *tables[0][2]])
        rows: list[Sequence[Any]] = []
        for number, (name, headers, body) in enumerate(tables):
            rows += [*([[]] if number else []), [name], headers, *body]
        return _csv(rows)
    if file_format == "html":
        from renewal_score.reports.html.page import render_table_page

        return render_table_page(title, tables, note)
    parts = []
    for name, headers, body in tables:
        align = ["left", *["right"] * (len(headers) - 1)]
        cells = [[_text(c) for c in row] for row in body]
        if file_format == "markdown":
            cells = [[escape_markdown(c) for c in row] for row in cells]
            parts.append(f"## {escape_markdown(name)}\n\n{table(cells, headers, align, 'github')}")
        else:
            parts.append(f"{name}\n\n{table(cells, headers, align, 'simple')}")
    heading = f"# {escape_markdown(title)}" if file_format == "markdown" else title
    closing = escape_markdown(note) if file_format == "markdown" else textwrap.fill(note, width)
    return "\n\n".join([heading, *parts, *([closing] if note else [])]) + "\n"


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def evidence_table(
    records: Sequence[Evidence], origins: Mapping[str, str], width: int = TEXT_WIDTH
) -> str:
    """A plain-text listing of evidence records, grouped by criterion and where they came from,
    fitting ``width`` columns. A setback's level is marked with a down arrow.
    """
    groups: dict[tuple[str, str], list[Evidence]] = {}
    for record in records:
        groups.setdefault((record.criterion, origins[record.id]), []).append(record)
    headers = ["id", "date", "level", "kind", "grade", "statement"]
    columns = fitted([24, None, 12, None, None, 26], headers, width)
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
            table(rows, headers, ["left"] * 6, "simple", columns),
            "",
        ]
    return "\n".join(out)
