"""The method section of an HTML report: the choices behind the figures (aggregation,
statuses, certainty, missing evidence, weights, grade probabilities, plugins) and what is
needed to reproduce the report (the manifest)."""

from __future__ import annotations

from collections.abc import Mapping

from renewal_score.reports.formatting import EN_DASH
from renewal_score.reports.html.page import cells, esc, num, table
from renewal_score.results import Scorecard


def method_section(card: Scorecard) -> str:
    method = card.method
    settings = method.settings
    grades = (
        '<div class="table-wrap"><table class="grades"><tbody>'
        + _weights_row("Source reliability", settings.reliability)
        + _weights_row("Information credibility", settings.credibility)
        + "</tbody></table></div>"
    )
    plugin_rows = [
        cells(f"<code>{esc(p.name)}</code>", esc(p.version), esc(p.source))
        for p in card.manifest.plugins
    ]
    plugins = table(["Plugin", "Version", "Source"], plugin_rows, css="plugins")
    return (
        f"<p>{esc(method.description)}</p>\n"
        f'<dl class="facts method-facts">{_facts(card)}</dl>\n'
        '<div class="columns"><div><h3>Priority weights</h3>'
        f"{_weights(card, method.priority_weights)}</div>"
        f"<div><h3>Criterion weights within priorities</h3>"
        f"{_weights(card, method.criterion_weights)}</div></div>\n"
        "<h3>Grade probabilities</h3><p>A report holds with the probability of its source "
        "reliability times that of its information credibility (Admiralty grade, read as "
        f"Kent's words of estimative probability).</p>{grades}\n"
        f"<h3>Plugins</h3>{plugins}\n"
        f'<h3>Reproducing this report</h3><dl class="facts manifest">{_manifest(card)}</dl>'
    )


def _weights(card: Scorecard, values: Mapping[str, float]) -> str:
    titles = {p.id: p.title for p in card.priorities}
    titles |= {c.id: c.title for p in card.priorities for c in p.criteria}
    rows = [
        cells(
            f'{esc(titles.get(k, k))}<br><code class="muted">{esc(k)}</code>',
            esc(num(v, 4)),
            numeric=[1],
        )
        for k, v in values.items()
    ]
    return table(["Item", "Weight"], rows, css="weights", numeric=[1])


def _facts(card: Scorecard) -> str:
    method = card.method
    settings = method.settings
    bands = ", ".join(f"{esc(k)} ≥ {v:g}" for k, v in settings.status_bands.items())
    facts = [
        ("Agenda", f"{esc(method.agenda_title)} <code>{esc(method.agenda)}</code>"),
        ("Aggregation", esc(method.aggregation)),
        (
            "Status bands",
            f"achieved ≥ the priority's target, {bands}, stalled below; cannot rate with "
            f"fewer than {settings.min_coverage:.0%} of the criteria rated",
        ),
        (
            "Certainty",
            f"high from {settings.very_likely:g}, medium from {settings.likely:g} (IPCC "
            "calibrated language)",
        ),
        ("Missing evidence", esc(settings.unrated)),
        ("Ranked by", esc(settings.rank_by)),
        ("Level scores", f"100 (k / (L &minus; 1))<sup>{settings.level_spacing:g}</sup>"),
        ("Minimum grade probability", f"{method.min_grade:g}"),
    ]
    return "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in facts)


def _manifest(card: Scorecard) -> str:
    manifest = card.manifest
    overrides = (
        ", ".join(f"{esc(k)} = {v:g}" for k, v in sorted(manifest.weights.items())) or "none"
    )
    newest = manifest.newest_evidence.isoformat() if manifest.newest_evidence else EN_DASH
    items = [
        ("renewal-score version", esc(manifest.renewal_score_version)),
        ("Schema version", esc(card.schema_version)),
        ("As of", esc(manifest.as_of.isoformat())),
        ("Subject", f"<code>{esc(manifest.subject)}</code>"),
        ("Evidence records loaded", str(manifest.evidence_records)),
        ("Newest evidence counted", esc(newest)),
        ("Evidence SHA-256", f'<code class="hash">{esc(manifest.evidence_sha256)}</code>'),
        ("Agenda", f"<code>{esc(manifest.agenda)}</code>"),
        ("Aggregation of criteria", esc(manifest.criteria_aggregation)),
        ("Aggregation of priorities", esc(manifest.priorities_aggregation)),
        ("Minimum grade probability", esc(f"{manifest.min_grade:g}")),
        ("Weight overrides", overrides),
        ("Draws, seed", esc(f"{manifest.draws}, {manifest.seed}")),
    ]
    return "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in items)


def _weights_row(name: str, weights: Mapping[str, float]) -> str:
    values = "".join(
        f'<td><span class="grade">{esc(k)}</span> {v:g}</td>' for k, v in sorted(weights.items())
    )
    return f'<tr><th scope="row">{esc(name)}</th>{values}</tr>'
