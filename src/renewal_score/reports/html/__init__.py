"""The scorecard as one self-contained HTML report: a brief that can be emailed and opened
offline. Like the other renderers it computes no figure that is not in the scorecard; with the
agenda it also shows the rubrics and the evidence records the engine counted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from renewal_score.reports.html.changes import changes_section, gather_section
from renewal_score.reports.html.charts import Intervals, bar_chart, line_chart
from renewal_score.reports.html.method import method_section
from renewal_score.reports.html.page import esc, page, plural, status_badge
from renewal_score.reports.html.sections import (
    THIN_EVIDENCE,
    coverage_table,
    evidence_section,
    headline,
    priority_card,
    priority_summary,
)
from renewal_score.results import Scorecard

if TYPE_CHECKING:
    from renewal_score.agenda import Agenda
    from renewal_score.trend import Trend

STATUS_ORDER = ("achieved", "on track", "signs of progress", "stalled", "cannot rate")


def render_html(
    card: Scorecard,
    *,
    agenda: Agenda | None = None,
    trend: Trend | None = None,
) -> str:
    """The scorecard as a self-contained HTML report.

    ``agenda`` (the one the scorecard was built from) adds each criterion's rubric and the
    evidence records counted; ``trend`` adds a chart of the scores over time.
    """
    subject = card.subject
    title = f"Renewal scorecard: {subject.title} ({subject.id}), as of {card.as_of.isoformat()}"
    ranked = sorted(card.priorities, key=lambda p: p.rank)
    sections = _sections(card, agenda, trend)
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


Section = tuple[str, str, str]
"""An anchor, a title and the HTML content of a section."""


def _sections(card: Scorecard, agenda: Agenda | None, trend: Trend | None) -> list[Section]:
    spacing = card.method.settings.level_spacing
    ranked = sorted(card.priorities, key=lambda p: p.rank)
    sections = [
        ("priority-scores", "Priority scores", _scores_body(card)),
    ]
    if trend is not None:
        sections.append(("trend", "Scores over time", _trend_body(card, trend)))
    sections.append(("gather", "What to gather next", gather_section(card)))
    if card.changes is not None:
        since = card.changes.since.isoformat()
        sections.append(("changes", f"What changed since {since}", changes_section(card)))
    cards = "\n".join(priority_card(p, agenda, spacing) for p in ranked)
    coverage = (
        "<p>How much evidence stands behind each criterion. Criteria with "
        f"{THIN_EVIDENCE} event or none are marked: their scores rest on little.</p>"
    )
    return [
        *sections,
        (
            "priorities",
            "Priorities, where action is most needed first",
            f"{priority_summary(card)}\n{cards}",
        ),
        ("coverage", "Evidence coverage", coverage + coverage_table(card)),
        ("evidence", "Evidence counted", evidence_section(card, agenda)),
        ("method", "Method", method_section(card)),
    ]


def _own_intervals(card: Scorecard) -> Intervals:
    """The scorecard's 5-95 % intervals, with the score in the middle."""
    return {
        p.id: (p.uncertainty.low, p.score, p.uncertainty.high)
        for p in card.priorities
        if p.uncertainty is not None and p.score is not None
    }


def _scores_body(card: Scorecard) -> str:
    intervals = _own_intervals(card)
    key = [
        '<li><span class="key-bar"></span>score, coloured by status (the status is written '
        "beside it)</li>",
        '<li><span class="key-target"></span>target</li>',
    ]
    if intervals:
        key.append(
            '<li><span class="key-whisker"></span>5&ndash;95% interval, dot at the score</li>'
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
