"""The reports of the commands besides ``report``: scores over time (trend), subjects side by
side (compare), the evidence listing and the plugin listing, in every format each writes.
(Sensitivity's tables are in ``reports.sensitivity``; its HTML, and trend's, is the
scorecard's page in ``reports.html``.)"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tabulate import tabulate

from renewal_score.models import Evidence
from renewal_score.reports.formatting import TEXT_WIDTH
from renewal_score.reports.tabular import evidence_table, render_tables

if TYPE_CHECKING:
    from renewal_score.trend import Comparison, Trend


def render_trend(trend: Trend, file_format: str, width: int = TEXT_WIDTH) -> str:
    """A subject's scores at each date: the overall index with its interval, each priority's
    score (and in CSV each criterion's), and how many criteria were rated."""
    if file_format == "json":
        return trend.model_dump_json(indent=2) + "\n"
    first = trend.points[0] if trend.points else None
    ids = list(first.priorities) if first else []
    if file_format == "csv" and first:
        ids += list(first.criteria)
    headers = ["as_of", "overall", "p05", "p95", "rated", "criteria", *ids]
    rows = [
        [
            p.as_of.isoformat(),
            p.overall,
            p.overall_low,
            p.overall_high,
            p.rated,
            p.criteria_count,
            *[{**p.priorities, **p.criteria}[i] for i in ids],
        ]
        for p in trend.points
    ]
    title = f"Scores of {trend.subject} every {trend.every}"
    note = (
        "p05, p95: the overall index's 5-95 % interval. rated: criteria rated by evidence at "
        "each date, of all criteria. Scores at dates with fewer criteria rated rest on less "
        "evidence; below the minimum coverage they cannot be rated."
    )
    return render_tables(title, [("Scores by date", headers, rows)], file_format, note, width)


def render_comparison(comparison: Comparison, file_format: str, width: int = TEXT_WIDTH) -> str:
    """Subjects by rank: overall score, z-score, criteria rated and each priority's score."""
    if file_format == "json":
        return comparison.model_dump_json(indent=2) + "\n"
    headers = ["subject", "rank", "overall", "z", "rated", "criteria", "flag"]
    headers += list(comparison.priorities)
    rows = [
        [
            row.subject,
            row.rank,
            row.overall,
            row.z_score,
            row.rated,
            row.criteria_count,
            "coverage" if row.coverage_flag else "",
            *row.priorities.values(),
        ]
        for row in comparison.subjects
    ]
    title = "Subjects compared, as of " + comparison.as_of.isoformat()
    note = (
        "rank 1 = highest overall score. rated: criteria rated by evidence; criteria without "
        f"evidence count as {comparison.unrated}; below {comparison.min_coverage:.0%} of "
        "criteria rated a subject cannot be rated. flag 'coverage': ranked above a subject "
        "with more criteria rated, so the order may owe something to missing evidence."
    )
    return render_tables(title, [("Subjects by rank", headers, rows)], file_format, note, width)


EVIDENCE_HEADERS = [
    "id",
    "date",
    "criterion",
    "level",
    "effect",
    "kind",
    "grade",
    "statement",
    "source",
    "from",
]


def render_evidence(
    records: Sequence[Evidence],
    origins: Mapping[str, str],
    file_format: str,
    width: int = TEXT_WIDTH,
) -> str:
    """Evidence records and where each came from: as text grouped by criterion and origin,
    else one table (Markdown, HTML or CSV)."""
    if file_format in ("text", "table"):
        return evidence_table(records, origins, width)
    rows = [
        [
            r.id,
            r.date,
            r.criterion,
            r.level,
            r.effect,
            r.kind,
            r.grade,
            r.statement,
            r.source.title,
            origins[r.id],
        ]
        for r in records
    ]
    tables = [("Evidence records", EVIDENCE_HEADERS, rows)]
    return render_tables("Evidence records", tables, file_format, width=width)


@dataclass(frozen=True)
class PluginRow:
    """One plugin as the plugin listing shows it: loaded, or left out and why."""

    name: str
    version: str = ""
    source: str = ""
    location: str = ""
    hooks: tuple[str, ...] = ()
    agendas: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    criteria: tuple[str, ...] = ()
    evidence: int = 0
    observations: int = 0
    left_out: str | None = None
    """Why the plugin was left out (with --keep-going); None when it is loaded."""


PLUGIN_HEADERS = [
    "name",
    "version",
    "source",
    "hooks",
    "agendas, priorities, criteria",
    "evidence",
    "observations",
]


def render_plugins(rows: Sequence[PluginRow], file_format: str, width: int = TEXT_WIDTH) -> str:
    """The plugins loaded, with their hooks and what each contributes, and those left out."""
    if file_format == "json":
        return json.dumps([dataclasses.asdict(row) for row in rows], indent=2) + "\n"
    loaded = [row for row in rows if row.left_out is None]
    notes = "".join(
        f"left out: plugin {row.name!r}: {row.left_out}\n"
        for row in rows
        if row.left_out is not None
    )
    text = file_format in ("text", "table")
    separator = "\n" if text else " "
    table = [
        [
            row.name,
            row.version,
            row.source,
            separator.join(row.hooks),
            separator.join([*row.agendas, *row.priorities, *row.criteria]),
            str(row.evidence),
            str(row.observations),
        ]
        for row in loaded
    ]
    if text:
        return tabulate(table, PLUGIN_HEADERS, tablefmt="simple", disable_numparse=True) + (
            "\n" + notes
        )
    tables = [("Plugins loaded", PLUGIN_HEADERS, table)]
    return render_tables("Plugins", tables, file_format, notes, width)
