"""The sections of an HTML report: headline, priorities with their criteria and rubrics,
coverage, the evidence counted (as the engine counted it) and the method."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from renewal_score.models import Criterion, Evidence, Observation
from renewal_score.reports.formatting import EN_DASH
from renewal_score.reports.html.charts import say_do_meter
from renewal_score.reports.html.page import (
    anchor_id,
    cells,
    esc,
    evidence_anchor,
    num,
    plural,
    safe_url,
    status_badge,
    table,
)
from renewal_score.results import CriterionScore, PriorityScore, Scorecard, Uncertainty

if TYPE_CHECKING:
    from renewal_score.agenda import Agenda

THIN_EVIDENCE = 1
"""A criterion with at most this many records counted is marked as thinly evidenced."""


Record = Evidence | Observation


REACHED = ' class="reached"'


TIMES = "\u00d7"


def _grades(grades: Mapping[str, int]) -> str:
    return ", ".join(f"{grade}{TIMES}{count}" for grade, count in sorted(grades.items()))


def headline(card: Scorecard) -> str:
    advice = card.recommendation
    kind = "" if advice.clear else " warning"
    recommendation = (
        f'<div class="note{kind}" id="recommendation"><strong>Recommendation</strong>: '
        f"{esc(advice.text)}</div>"
    )
    return (
        '<section class="headline" id="headline" aria-label="Headline figures">\n'
        f'<div class="figures">\n{_figures(card)}\n</div>\n{recommendation}\n'
        f"{_say_do(card)}\n{not_counted(card)}</section>"
    )


def _figures(card: Scorecard) -> str:
    overall = card.overall
    figures = [
        (
            "Overall renewal index",
            num(overall.score),
            "/ 100",
            f"5\u201395 %: {interval_words(overall.uncertainty)}",
        ),
        (
            "Status",
            overall.status,
            "",
            f"{certainty_words(overall.uncertainty)}; target {num(overall.target, 0)}",
        ),
        (
            "Concrete evidence alone",
            num(overall.concrete_score),
            "/ 100",
            "money spent, treaties in force, ships deployed",
        ),
        (
            "Evidence counted",
            str(overall.evidence_count),
            "records",
            f"{plural(overall.events, 'event')}; {overall.rated} of {overall.criteria_count} "
            "criteria rated",
        ),
    ]
    return "\n".join(
        f'<div class="figure"><div class="figure-label">{esc(label)}</div>'
        f'<div class="figure-value">{esc(value)}<span class="unit"> {esc(unit)}</span></div>'
        f'<div class="figure-note">{esc(note)}</div></div>'
        for label, value, unit, note in figures
    )


def _say_do(card: Scorecard) -> str:
    overall = card.overall
    gap = esc(num(overall.say_do_gap, 0, "%"))
    if overall.say_do_gap is None:
        argument = "<p>No evidence is counted, so there is no say&ndash;do gap.</p>"
    else:
        argument = (
            f"<p><strong>{gap} of the events are declaratory</strong>: strategies, statements "
            "and memoranda rather than money spent, treaties in force or ships deployed.</p>"
            f"<p>On concrete evidence alone the index is <strong>"
            f"{esc(num(overall.concrete_score))}</strong>, against <strong>"
            f"{esc(num(overall.score))}</strong> with all evidence.</p>"
            f"{say_do_meter(overall.say_do_gap)}"
            '<div class="meter-key"><span class="key-declared">declaratory</span>'
            '<span class="key-concrete">concrete</span></div>'
        )
    return (
        '<div class="saydo" id="say-do-gap"><div class="saydo-number">'
        '<div class="figure-label">Say&ndash;do gap</div>'
        f'<div class="saydo-value">{gap}</div></div>'
        f'<div class="saydo-text">{argument}</div></div>'
    )


def interval_words(uncertainty: Uncertainty | None) -> str:
    if uncertainty is None:
        return EN_DASH
    return f"{num(uncertainty.low)}{EN_DASH}{num(uncertainty.high)}"


def certainty_words(uncertainty: Uncertainty | None) -> str:
    if uncertainty is None:
        return "certainty not assessed"
    return f"{uncertainty.label} certainty ({num(uncertainty.certainty, 2)})"


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
    if card.warnings:
        warnings = "".join(f"<li>{esc(w)}</li>" for w in card.warnings)
        out.append(f'<div class="note warning"><strong>Warnings</strong><ul>{warnings}</ul></div>')
    if card.skipped_plugins:
        skipped = "".join(
            f"<li><code>{esc(p.name)}</code>: {esc(p.reason)}</li>" for p in card.skipped_plugins
        )
        out.append(
            '<div class="note warning"><strong>Plugins left out, so not scored</strong>: '
            f"what they would have scored is missing from this report.<ul>{skipped}</ul></div>"
        )
    return "\n".join(out) + "\n"


def priority_summary(card: Scorecard) -> str:
    headers = ["Rank", "Priority", "Score", "5&ndash;95 %", "Target", "Gap", "Status"]
    headers += ["Certainty", "Rated", "Records", "Say&ndash;do gap", "First in"]
    numeric = [0, 2, 3, 4, 5, 7, 8, 9, 10, 11]
    rows = []
    for p in sorted(card.priorities, key=lambda p: p.rank):
        values = [
            str(p.rank),
            f'<a href="#priority-{esc(anchor_id(p.id))}">{esc(p.title)}</a>',
            esc(num(p.score)),
            esc(interval_words(p.uncertainty)),
            esc(num(p.target, 0)),
            esc(num(p.gap)),
            status_badge(p.status),
            esc(certainty_words(p.uncertainty)),
            f"{p.rated}/{p.criteria_count}",
            str(p.evidence_count),
            esc(num(p.say_do_gap, 0, "%")),
            esc(EN_DASH if p.top_share is None else f"{100 * p.top_share:.0f}%"),
        ]
        rows.append(cells(*values, numeric=numeric))
    return table(headers, rows, css="summary", numeric=numeric)


def priority_card(priority: PriorityScore, agenda: Agenda | None, spacing: float) -> str:
    figures = [
        ("Score", f"{num(priority.score)} / 100"),
        ("5\u201395 %", interval_words(priority.uncertainty)),
        ("Target", num(priority.target, 0)),
        ("Gap", num(priority.gap)),
        ("Certainty of status", certainty_words(priority.uncertainty)),
        ("Concrete only", num(priority.concrete_score)),
        ("Say\u2013do gap", num(priority.say_do_gap, 0, "%")),
        ("Criteria rated", f"{priority.rated} of {priority.criteria_count}"),
        ("Records", f"{priority.evidence_count} ({plural(priority.events, 'event')})"),
        ("Weight", num(priority.weight, 2)),
    ]
    facts = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in figures)
    headers = ["Criterion", "Weight", "Score", "5&ndash;95 %", "Level", "Certainty"]
    headers += ["Concrete", "Decided by", "Evidence"]
    known = agenda is not None
    rows = [_criterion_row(c, known) for c in priority.criteria]
    criteria_table = table(headers, rows, css="criteria", numeric=[1, 2, 3, 6])
    rubrics = (
        "".join(_rubric(c, agenda.criteria.get(c.id), spacing) for c in priority.criteria)
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


def _criterion_row(c: CriterionScore, linked: bool) -> str:
    links = [
        f'<a class="decided" href="#{esc(evidence_anchor(record))}">{esc(record)}</a>'
        if linked
        else f"<code>{esc(record)}</code>"
        for record in c.evidence
    ]
    coverage = c.coverage
    grades = _grades(coverage.grades) or "none"
    evidence = (
        f"{esc(plural(coverage.records, 'record'))}, {esc(plural(coverage.events, 'event'))}"
        f"{_thin_tag(coverage.events)}"
        f'<br><span class="muted">{coverage.concrete} concrete, {coverage.declaratory} '
        f"declaratory<br>{esc(plural(coverage.sources, 'source'))}; grades {esc(grades)}"
        f"<br>newest {esc(coverage.newest or EN_DASH)}</span>"
    )
    return cells(
        f'{esc(c.title)}<br><code class="muted">{esc(c.id)}</code>',
        esc(num(c.weight, 2)),
        esc(num(c.score)),
        esc(interval_words(c.uncertainty)),
        esc(c.level_label or EN_DASH),
        esc(certainty_words(c.uncertainty)),
        esc(num(c.concrete_score)),
        '<span class="ids">' + ("<br>".join(links) or EN_DASH) + "</span>",
        evidence,
        numeric=[1, 2, 3, 6],
    )


def _thin_tag(records: int) -> str:
    if records == 0:
        return ' <span class="tag thin">no evidence</span>'
    if records <= THIN_EVIDENCE:
        return ' <span class="tag thin">thin</span>'
    return ""


def _rubric(score: CriterionScore, criterion: Criterion | None, spacing: float) -> str:
    title = f"<h4>{esc(score.title)}</h4>"
    if criterion is None:
        return f'<div class="rubric">{title}<p class="muted">Not in the agenda given.</p></div>'
    description = (
        f'<p class="muted">{esc(criterion.description)}</p>' if criterion.description else ""
    )
    levels = []
    scores = criterion.level_scores(spacing) if criterion.rubric else []
    for index, level in enumerate(criterion.rubric):
        reached = level.id == score.level
        marks = []
        if reached:
            marks.append('<span class="tag reached">reached</span>')
        if level.needs_concrete:
            marks.append('<span class="tag">needs concrete evidence</span>')
        levels.append(
            f"<li{REACHED if reached else ''}>"
            f'<span class="level-score">{esc(num(scores[index], 0))}</span>'
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
    headers = ["Criterion", "Records", "Events", "Sources", "Concrete", "Declaratory"]
    headers += ["Grades", "Newest"]
    rows = []
    for priority in sorted(card.priorities, key=lambda p: p.rank):
        rows.append(
            f'<tr class="group"><th colspan="8" scope="colgroup">{priority.rank}. '
            f"{esc(priority.title)}</th></tr>"
        )
        for c in priority.criteria:
            coverage = c.coverage
            grades = _grades(coverage.grades) or EN_DASH
            row = cells(
                esc(c.title),
                str(coverage.records),
                f"{coverage.events}{_thin_tag(coverage.events)}",
                str(coverage.sources),
                str(coverage.concrete),
                str(coverage.declaratory),
                esc(grades),
                esc(coverage.newest or EN_DASH),
                numeric=[1, 2, 3, 4, 5],
            )
            if coverage.events <= THIN_EVIDENCE:
                row = row.replace("<tr>", '<tr class="thin-row">', 1)
            rows.append(row)
    return table(headers, rows, css="coverage", numeric=[1, 2, 3, 4, 5])


def evidence_section(card: Scorecard, agenda: Agenda | None) -> str:
    if agenda is None:
        return (
            '<p class="needs-agenda">The evidence records need the agenda: render with '
            "<code>agenda=</code> to list every record counted, with its source.</p>"
        )
    headers = ["Record, date", "Statement", "Kind", "Effect", "Level", "Grade", "Source"]
    rows = []
    for priority in sorted(card.priorities, key=lambda p: p.rank):
        for c in priority.criteria:
            records = [r for r in map(agenda.record, c.records) if r is not None]
            rows.append(
                f'<tr class="group"><th colspan="7" scope="colgroup">{esc(c.title)} '
                f'<span class="muted">({esc(plural(len(records), "record"))})</span></th></tr>'
            )
            criterion = agenda.criteria.get(c.id)
            rows += [_evidence_row(r, criterion, set(c.evidence)) for r in records]
    found = sum(
        agenda.record(r) is not None for p in card.priorities for c in p.criteria for r in c.records
    )
    note = ""
    if found != card.overall.evidence_count:
        note = (
            '<p class="note warning">The agenda given does not match this scorecard: it holds '
            f"{found} of the {card.overall.evidence_count} records the scorecard counted.</p>"
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
