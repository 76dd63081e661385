"""The scorecard as plain text for a terminal, and as GitHub-flavoured Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from renewal_score.reports.formatting import (
    TEXT_WIDTH,
    escape_markdown,
    fitted,
    one_line,
    table,
    title_of,
    wrapper,
)
from renewal_score.reports.scorecard_tables import (
    CHANGES,
    COVERAGE,
    CRITERIA,
    GATHER,
    PRIORITIES,
    STEPS,
    Layout,
    change_rows,
    changes_heading,
    coverage_rows,
    criterion_rows,
    gather_lines,
    gather_rows,
    headline,
    method_lines,
    priority_rows,
    step_rows,
)
from renewal_score.results import READING_GUIDE, Scorecard

if TYPE_CHECKING:
    from renewal_score.agenda import Agenda


def render_text(card: Scorecard, width: int = TEXT_WIDTH) -> str:
    """A plain-text report for a terminal, lines and tables fitting ``width`` columns (as far
    as the columns of figures allow)."""
    wrap = wrapper(width)

    def simple(rows: list[list[Any]], layout: Layout) -> str:
        widths = fitted(layout.text_widths, layout.headers, width)
        return table(rows, layout.headers, layout.align, "simple", widths)

    out = [*wrap(title_of(card)), ""]
    out += [line for text in headline(card) for line in wrap(one_line(text))]
    out += ["", "Priorities, where action is most needed first:"]
    out.append(simple(priority_rows(card, one_line), PRIORITIES))
    for priority in sorted(card.priorities, key=lambda p: p.rank):
        out += ["", *wrap(f"{priority.rank}. {one_line(priority.title)} [{priority.id}]")]
        out.append(simple(criterion_rows(priority, one_line), CRITERIA))
    out += ["", *(line for text in gather_lines(card) for line in wrap(text))]
    if card.gather_next:
        out.append(simple(gather_rows(card, one_line), GATHER))
    if card.changes is not None:
        out += ["", *wrap(changes_heading(card) + ":")]
        out += [simple(change_rows(card, one_line), CHANGES), ""]
        out.append(simple(step_rows(card, one_line), STEPS))
    out += ["", "Evidence coverage (counted per criterion; thin: one event or none):"]
    out.append(simple(coverage_rows(card, one_line), COVERAGE))
    out += ["", "Method:"]
    out += [line for text in method_lines(card) for line in wrap(text)]
    out += ["", *wrap(READING_GUIDE)]
    return "\n".join(out) + "\n"


def render_markdown(card: Scorecard, agenda: Agenda | None = None) -> str:
    """A GitHub-flavoured Markdown report; every text from data is escaped. With the agenda,
    it lists the statement and source of every record that decided a score."""
    cell = escape_markdown
    out = [f"# {cell(title_of(card))}", ""]
    out += [f"- {cell(line)}" for line in headline(card)]
    out += ["", "## Priorities, where action is most needed first", ""]
    out.append(table(priority_rows(card, cell), PRIORITIES.headers, PRIORITIES.align, "github"))
    for priority in sorted(card.priorities, key=lambda p: p.rank):
        out += ["", f"### {priority.rank}. {cell(priority.title)}", ""]
        out.append(
            table(criterion_rows(priority, cell), CRITERIA.headers, CRITERIA.align, "github")
        )
    out += ["", "## What to gather next", ""]
    out += [cell(line) for line in gather_lines(card)]
    if card.gather_next:
        out += ["", table(gather_rows(card, cell), GATHER.headers, GATHER.align, "github")]
    if card.changes is not None:
        out += ["", f"## {cell(changes_heading(card))}", ""]
        out.append(table(change_rows(card, cell), CHANGES.headers, CHANGES.align, "github"))
        out += [""]
        out.append(table(step_rows(card, cell), STEPS.headers, STEPS.align, "github"))
    if agenda is not None:
        out += ["", "## Records that decided the scores", ""]
        out += _deciding_records(card, agenda)
    out += ["", "## Evidence coverage", ""]
    out.append(table(coverage_rows(card, cell), COVERAGE.headers, COVERAGE.align, "github"))
    out += ["", "## Method", ""]
    out += [f"- {cell(line)}" for line in method_lines(card)]
    out += ["", cell(READING_GUIDE)]
    return "\n".join(out) + "\n"


def _deciding_records(card: Scorecard, agenda: Agenda) -> list[str]:
    """One bullet per deciding record: id, date, grade, statement and source."""
    lines = []
    for priority in sorted(card.priorities, key=lambda p: p.rank):
        for criterion in priority.criteria:
            for record_id in criterion.evidence:
                record = agenda.record(record_id)
                if record is None:
                    continue
                source = record.source
                where = ", ".join(
                    escape_markdown(part)
                    for part in (source.publisher, source.date.isoformat() if source.date else "")
                    if part
                )
                link = f", {escape_markdown(source.url)}" if source.url else ""
                statement = getattr(record, "statement", "") or f"measured {record.criterion}"
                lines.append(
                    f"- `{escape_markdown(record.id)}` ({escape_markdown(record.date)}, "
                    f"{record.grade}, {escape_markdown(criterion.id)}): "
                    f"{escape_markdown(statement)} Source: {escape_markdown(source.title)}"
                    f"{', ' + where if where else ''}{link}"
                )
    return lines or ["No record decided a score."]
