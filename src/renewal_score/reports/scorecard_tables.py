"""The tables and lines of a scorecard that the text, Markdown and CSV reports share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from renewal_score.reports.formatting import (
    certainty_text,
    fmt,
    interval_text,
    percent,
    plural,
    status_text,
)
from renewal_score.results import PriorityScore, Scorecard

Cell = Callable[[str], str]
"""How a renderer makes text from data safe for its format."""


@dataclass(frozen=True)
class Layout:
    """How a table of the scorecard is laid out: its headers, the alignment of its columns,
    and, in text, the widths its wrapped columns take in 100 columns (None: never wrapped)."""

    headers: Sequence[str]
    align: Sequence[str]
    text_widths: Sequence[int | None]


def headline(card: Scorecard) -> list[str]:
    """The headline figures, one line each."""
    overall = card.overall
    lines = [
        f"Overall renewal index: {fmt(overall.score)} / 100 (5-95 %: "
        f"{interval_text(overall.uncertainty)}; "
        f"{status_text(overall.status, overall.uncertainty)})",
        f"Concrete evidence alone: {fmt(overall.concrete_score)}; criteria rated: "
        f"{overall.rated} of {overall.criteria_count}",
        f"Say-do gap: {fmt(overall.say_do_gap, 0, '%')} of the events are declaratory "
        "(statements, memoranda) rather than concrete",
        f"Evidence counted: {plural(overall.evidence_count, 'record')} reporting "
        f"{plural(overall.events, 'event')}; newest "
        f"{card.manifest.newest_evidence.isoformat() if card.manifest.newest_evidence else '-'}",
        f"Recommendation: {card.recommendation.text}",
    ]
    if reasons := card.not_counted():
        lines.append(
            "Not counted: " + ", ".join(f"{plural(n, 'record')} {why}" for n, why in reasons)
        )
    lines += [
        f"Left out, so not scored: plugin {p.name!r}: {p.reason}" for p in card.skipped_plugins
    ]
    lines += [f"Warning: {warning}" for warning in card.warnings]
    return lines


PRIORITY_HEADERS = [
    "rank",
    "priority",
    "score",
    "5-95%",
    "target",
    "gap",
    "status",
    "rated",
    "say-do",
    "first",
]
PRIORITY_ALIGN: tuple[str, ...] = (
    "right",
    "left",
    "right",
    "right",
    "right",
    "right",
    "left",
    "right",
    "right",
    "right",
)


def priority_rows(card: Scorecard, cell: Cell) -> list[list[Any]]:
    return [
        [
            p.rank,
            cell(p.title),
            fmt(p.score),
            interval_text(p.uncertainty),
            fmt(p.target, 0),
            fmt(p.gap),
            status_text(p.status, p.uncertainty),
            f"{p.rated}/{p.criteria_count}",
            fmt(p.say_do_gap, 0, "%"),
            percent(p.top_share),
        ]
        for p in sorted(card.priorities, key=lambda p: p.rank)
    ]


CRITERION_HEADERS = [
    "criterion",
    "weight",
    "score",
    "5-95%",
    "level",
    "certainty",
    "concrete",
    "decided by",
]
CRITERION_ALIGN = ("left", "right", "right", "right", "left", "left", "right", "left")


def criterion_rows(priority: PriorityScore, cell: Cell) -> list[list[Any]]:
    return [
        [
            cell(c.title),
            fmt(c.weight, 2),
            fmt(c.score),
            interval_text(c.uncertainty),
            cell(c.level_label or "-"),
            certainty_text(c.uncertainty),
            fmt(c.concrete_score),
            cell(", ".join(c.evidence) or "-"),
        ]
        for c in priority.criteria
    ]


COVERAGE_HEADERS = [
    "criterion",
    "records",
    "events",
    "sources",
    "concrete",
    "declar.",
    "grades",
    "newest",
]
COVERAGE_ALIGN = ("left", "right", "right", "right", "right", "right", "left", "left")
THIN = 1
"""A criterion with this many counted events or fewer is marked as thinly evidenced."""


def coverage_rows(card: Scorecard, cell: Cell) -> list[list[Any]]:
    rows = []
    for priority in sorted(card.priorities, key=lambda p: p.rank):
        for c in priority.criteria:
            cover = c.coverage
            grades = " ".join(f"{grade}x{count}" for grade, count in cover.grades.items())
            events = f"{cover.events} (thin)" if cover.events <= THIN else str(cover.events)
            rows.append(
                [
                    cell(c.id),
                    cover.records,
                    events,
                    cover.sources,
                    cover.concrete,
                    cover.declaratory,
                    grades or "-",
                    cell(cover.newest or "-"),
                ]
            )
    return rows


def method_lines(card: Scorecard) -> list[str]:
    method = card.method
    settings = method.settings
    grades = " ".join(f"{k}={v:g}" for k, v in settings.reliability.items())
    credibility = " ".join(f"{k}={v:g}" for k, v in settings.credibility.items())
    bands = ", ".join(f"{k} from {v:g}" for k, v in settings.status_bands.items())
    return [
        f"Agenda: {method.agenda_title} [{method.agenda}].",
        f"Aggregation: {method.aggregation}.",
        "Priority weights: "
        + ", ".join(f"{k} {v:.4f}" for k, v in method.priority_weights.items())
        + ".",
        "Criterion weights within priorities: "
        + ", ".join(f"{k} {v:.4f}" for k, v in method.criterion_weights.items())
        + ".",
        f"Probability that a report holds, reliability x credibility: {grades}; {credibility}.",
        f"Level scores 100 (k / (L - 1)) ^ {settings.level_spacing:g}; statuses: achieved at "
        f"the target, {bands}; certainty high from {settings.very_likely:g}, medium from "
        f"{settings.likely:g}.",
        f"Missing evidence: {settings.unrated}; an aggregate needs "
        f"{settings.min_coverage:.0%} of its criteria rated; ranked by {settings.rank_by}; "
        f"{settings.draws} draws, seed {settings.seed}; minimum grade probability "
        f"{method.min_grade:g}.",
        f"Plugins: {', '.join(method.plugins)}.",
        method.description,
    ]


CHANGE_HEADERS = ["item", "before", "after", "change", "moved by (step: share)"]
CHANGE_ALIGN = ("left", "right", "right", "right", "left")
STEP_HEADERS = ["step", "", "criterion", "date", "records"]
STEP_ALIGN = ("right", "left", "left", "left", "left")


def change_rows(card: Scorecard, cell: Cell) -> list[list[Any]]:
    """Each score's change since the earlier date, with the steps that moved it most."""
    if card.changes is None:
        return []
    rows = []
    for score in card.changes.scores:
        largest = sorted(score.contributions, key=lambda c: (-abs(c.share), c.step))[:3]
        moved = ", ".join(
            f"{c.step}: {c.share:+.1f}" for c in sorted(largest, key=lambda c: c.step)
        )
        rows.append(
            [cell(score.id), fmt(score.before), fmt(score.after), fmt(score.change), moved or "-"]
        )
    return rows


def step_rows(card: Scorecard, cell: Cell) -> list[list[Any]]:
    """The events that entered or left the run, in the order they were applied."""
    if card.changes is None:
        return []
    return [
        [s.number, s.why, cell(s.criterion), s.date.isoformat(), cell(", ".join(s.records))]
        for s in card.changes.steps
    ]


def changes_heading(card: Scorecard) -> str:
    changes = card.changes
    assert changes is not None
    return (
        f"What changed since {changes.since.isoformat()}: each score's change is the sum of the "
        "shares of the events that arrived or expired (steps applied in order)"
    )


GATHER_HEADERS = ["criterion", "overturns", "certainty now", "after", "if it shows"]
GATHER_ALIGN = ("left", "right", "right", "right", "left")
GATHER_SHOWN = 5
"""How many criteria the text, Markdown and HTML reports list (the JSON has them all)."""


def gather_lines(card: Scorecard) -> list[str]:
    """The sentence that opens 'what to gather next'."""
    if not card.gather_next or card.recommendation.top is None:
        return ["No criterion is rated, so there is nothing to weigh yet."]
    first = card.gather_next[0]
    shows = " or ".join(first.overturned_by)
    overturn = (
        f"would overturn the recommendation in {first.overturn:.0%} of cases (if it shows "
        f"{shows}) and confirm it otherwise"
        if first.overturned_by
        else "would confirm the recommendation whatever it shows"
    )
    return [
        f"What to gather next for the top recommendation ({card.recommendation.top}): one "
        f"{first.grade}-graded concrete report on {first.criterion} {overturn}; the expected "
        f"certainty of the recommendation would then be {first.certainty_after:.2f} (now "
        f"{first.certainty_now:.2f})."
    ]


def gather_rows(card: Scorecard, cell: Cell) -> list[list[Any]]:
    return [
        [
            cell(g.criterion),
            percent(g.overturn),
            fmt(g.certainty_now, 2),
            fmt(g.certainty_after, 2),
            cell(", ".join(g.overturned_by) or "-"),
        ]
        for g in card.gather_next[:GATHER_SHOWN]
    ]


PRIORITIES = Layout(PRIORITY_HEADERS, PRIORITY_ALIGN, [None, 20, *[None] * 4, 17, *[None] * 3])
CRITERIA = Layout(CRITERION_HEADERS, CRITERION_ALIGN, [20, None, None, None, 11, 11, None, 16])
COVERAGE = Layout(COVERAGE_HEADERS, COVERAGE_ALIGN, [26, *[None] * 5, 15, None])
GATHER = Layout(GATHER_HEADERS, GATHER_ALIGN, [40, None, None, None, 24])
CHANGES = Layout(CHANGE_HEADERS, CHANGE_ALIGN, [30, None, None, None, 40])
STEPS = Layout(STEP_HEADERS, STEP_ALIGN, [None, None, 26, None, 44])
