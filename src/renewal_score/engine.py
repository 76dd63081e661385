"""Scoring run: selection -> criterion scores -> priority scores -> overall index, each with
how sure we are of it, -> ranking and recommendation -> scorecard.

Each stage only reads the output of the one before it; the formulas are in
docs/methodology.md and in the docstrings of ``belief``, ``aggregation`` and ``uncertainty``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace

from renewal_score import __version__
from renewal_score.agenda import Agenda
from renewal_score.coverage import Tally, say_do_gap, tally
from renewal_score.events import duplicate_warning, likely_duplicates
from renewal_score.gather import gather_next
from renewal_score.method import MethodSettings, ScoringContext
from renewal_score.models import Evidence
from renewal_score.options import RunOptions
from renewal_score.plan import Plan, aggregated_value, belief_of, plan_of
from renewal_score.plugins import PluginHost
from renewal_score.records import Columns
from renewal_score.reports.formatting import plural
from renewal_score.results import (
    CriterionScore,
    ExcludedEvidence,
    Manifest,
    Method,
    PluginVersion,
    Scorecard,
    SkippedPlugin,
)
from renewal_score.scoring import PRECISION
from renewal_score.selection import Selection, counted_observations, select
from renewal_score.standing import (
    Standing,
    criterion_uncertainty,
    overall_score,
    priority_scores,
    recommendation,
)
from renewal_score.uncertainty import Distribution

METHOD_DESCRIPTION = (
    "Criterion score: where the criterion stands, the evidence taken at its word, read in "
    "date order (an advance raises it to at least its level, a setback puts it back at its "
    "level; claims that cannot all be true are weighed by their probability). Each report "
    "holds with probability reliability x credibility of its grade; reports of one event "
    "corroborate it. The interval and certainty come from the distribution of the score when "
    "any report may be wrong. Priority and overall scores: aggregation of the criteria with "
    "weights normalised to sum to 1; intervals from draws of every criterion. Say-do gap: "
    "percentage of the events that are declaratory. "
    "See docs/methodology.md."
)

CORE_SCORER = "renewal_score.scoring"


def build_scorecard(agenda: Agenda, host: PluginHost, options: RunOptions) -> Scorecard:
    """Score every criterion and priority of the agenda for one subject as of one date."""
    chosen = select(agenda, options)
    method = options.method
    plan = plan_of(agenda, host, options)
    criteria: dict[str, CriterionScore] = {}
    tallies: dict[str, Tally] = {}
    beliefs: dict[str, Distribution] = {}
    for criterion in agenda.criteria.values():
        evidence, measured = chosen.evidence[criterion.id], chosen.observations[criterion.id]
        plugin, assessment = host.score_criterion(criterion, evidence, measured, chosen.context)
        tallies[criterion.id] = tally(criterion, evidence, measured, method)
        belief = belief_of(criterion, assessment, method)
        if belief is not None:
            beliefs[criterion.id] = belief
        criteria[criterion.id] = CriterionScore(
            id=criterion.id,
            title=criterion.title,
            priority=criterion.priority,
            scored_by=plugin,
            weight=round(plan.within[criterion.priority][criterion.id], PRECISION),
            uncertainty=criterion_uncertainty(criterion, assessment, belief, method),
            say_do_gap=_rounded(say_do_gap([tallies[criterion.id]])),
            records=(*(r.id for r in evidence), *(r.id for r in measured)),
            coverage=tallies[criterion.id].coverage,
            **dict(assessment),
        )
    standing = Standing.of(agenda, plan, criteria, beliefs, method, _targets(agenda, method))
    priorities = priority_scores(agenda, plan, standing, criteria, tallies, options)
    gathered = gather_next(agenda.criteria, criteria, beliefs, plan, standing, method)
    ranked = sorted(priorities, key=lambda p: p.rank)
    return Scorecard(
        as_of=options.as_of,
        subject=agenda.subjects[chosen.context.subject],
        overall=overall_score(plan, standing, criteria, list(tallies.values()), method),
        recommendation=recommendation(ranked, standing, method),
        gather_next=gathered,
        method=_method(agenda, plan, options, host),
        priorities=tuple(priorities),
        ranking=tuple(p.id for p in ranked),
        excluded=ExcludedEvidence(**chosen.reasons),
        warnings=tuple(_warnings(chosen, method) + _evidence_notes(agenda)),
        skipped_plugins=tuple(SkippedPlugin(name=n, reason=r) for n, r in host.skipped),
        manifest=_manifest(agenda, chosen, host, options),
    )


def _targets(agenda: Agenda, method: MethodSettings) -> dict[str, float]:
    return {
        p.id: p.target if method.target is None else method.target
        for p in agenda.priorities.values()
    }


def _warnings(chosen: Selection, method: MethodSettings) -> list[str]:
    """What a reader should know about the evidence counted: likely duplicates, staleness."""
    counted = Columns.of([r for r in chosen.counted() if isinstance(r, Evidence)])
    warnings = [duplicate_warning(ids) for ids in likely_duplicates(counted)]
    newest = max((r.effective_date for r in chosen.counted()), default=None)
    as_of = chosen.context.as_of
    if newest is not None and _months_between(newest, as_of) > method.stale_months:
        warnings.append(
            f"stale evidence: the newest record counted is dated {newest.isoformat()}, "
            f"{_months_between(newest, as_of)} months before {as_of.isoformat()} (more than "
            f"{method.stale_months}); what has happened since is not in these scores"
        )
    return warnings


def _evidence_notes(agenda: Agenda) -> list[str]:
    """What a reader should know about whose evidence counted: the built-ins' left out, or
    some of the plugins' records replaced by a data file's."""
    notes = []
    if not agenda.choice.builtin_evidence:
        notes.append(
            "the built-in evidence is left out (--no-builtin-evidence): only that of other "
            "plugins and of data files counts"
        )
    if agenda.replaced:
        notes.append(
            f"{plural(len(agenda.replaced), 'plugin record')} replaced by a data file's record "
            f"of the same id (--replace): {', '.join(agenda.replaced)}"
        )
    return notes


def _aggregation_text(agenda: Agenda, options: RunOptions) -> str:
    """The aggregation methods of the run, and whether the agenda declares them."""

    def named(criteria: str, priorities: str) -> str:
        if criteria == priorities:
            return criteria
        return f"criteria: {criteria}; priorities: {priorities}"

    declared = agenda.definition.criteria_aggregation, agenda.definition.priorities_aggregation
    used = options.aggregations(agenda.definition)
    if used == declared:
        return f"{named(*used)}, as the agenda declares"
    return f"{named(*used)}, given for this run (the agenda declares {named(*declared)})"


def _months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from one date to a later one."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (later.day < earlier.day)


def _method(agenda: Agenda, plan: Plan, options: RunOptions, host: PluginHost) -> Method:
    return Method(
        agenda=agenda.definition.id,
        agenda_title=agenda.definition.title,
        aggregation=_aggregation_text(agenda, options),
        priority_weights=_rounded_all(plan.priority_weights),
        criterion_weights=_rounded_all({k: v for w in plan.within.values() for k, v in w.items()}),
        settings=options.method,
        min_grade=options.min_grade,
        plugins=tuple(f"{p.name} {p.version}".strip() for p in host.plugins),
        description=METHOD_DESCRIPTION,
    )


def _manifest(agenda: Agenda, chosen: Selection, host: PluginHost, options: RunOptions) -> Manifest:
    newest = max((r.effective_date for r in chosen.counted()), default=None)
    return Manifest(
        renewal_score_version=__version__,
        as_of=options.as_of,
        subject=chosen.context.subject,
        plugins=tuple(
            PluginVersion(name=p.name, version=p.version, source=p.source) for p in host.plugins
        ),
        weights=dict(options.weights),
        agenda=agenda.definition.id,
        criteria_aggregation=options.aggregations(agenda.definition)[0],
        priorities_aggregation=options.aggregations(agenda.definition)[1],
        builtin_evidence=agenda.choice.builtin_evidence,
        replaced=agenda.replaced,
        min_grade=options.min_grade,
        seed=options.method.seed,
        draws=options.method.draws,
        evidence_records=len(agenda.evidence) + len(agenda.observations),
        evidence_sha256=agenda.digest,
        newest_evidence=newest,
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, PRECISION)


def _rounded_all(values: Mapping[str, float]) -> dict[str, float]:
    return {key: round(value, PRECISION) for key, value in values.items()}


def criterion_scores(
    agenda: Agenda, host: PluginHost, options: RunOptions, subjects: Sequence[str]
) -> dict[str, dict[str, float | None]]:
    """Each criterion's score for each subject, without building scorecards (for analyses of
    many subjects or settings); the numbers are those of ``build_scorecard``.

    When the core scorer is the only one, rubric criteria are read straight from the
    evidence columns (``readings``), without a model per record; a plugin's scorer is
    given models, as the hook promises."""
    if host.scorers() != [CORE_SCORER]:
        return {subject: _hook_scores(agenda, host, options, subject) for subject in subjects}
    from renewal_score.readings import rubric_readings  # not needed by the one-subject report

    read = rubric_readings(agenda, options, set(subjects))
    measured = [c for c in agenda.criteria.values() if c.indicator is not None]
    scores = {}
    for subject in subjects:
        scores[subject] = {c: read.get((subject, c)) for c in agenda.criteria}
        if measured:
            context = ScoringContext(as_of=options.as_of, subject=subject, method=options.method)
            counted = counted_observations(agenda, options, subject)
            for criterion in measured:
                _, assessment = host.score_criterion(criterion, [], counted[criterion.id], context)
                scores[subject][criterion.id] = assessment.score
    return scores


def _hook_scores(
    agenda: Agenda, host: PluginHost, options: RunOptions, subject: str
) -> dict[str, float | None]:
    """Each criterion's score for the subject through the ``score_criterion`` hook."""
    chosen = select(agenda, replace(options, subject=subject))
    return {
        criterion.id: host.score_criterion(
            criterion,
            chosen.evidence[criterion.id],
            chosen.observations[criterion.id],
            chosen.context,
        )[1].score
        for criterion in agenda.criteria.values()
    }


def subject_scores(
    agenda: Agenda, host: PluginHost, options: RunOptions, subjects: Sequence[str]
) -> dict[str, tuple[dict[str, float | None], float | None, int]]:
    """Each subject's priority scores, overall index and number of criteria rated, as
    ``build_scorecard`` computes them (without coverage gating), for comparisons."""
    plan = plan_of(agenda, host, options)
    results = {}
    for subject, scores in criterion_scores(agenda, host, options, subjects).items():
        values = {c: aggregated_value(v, options.method) for c, v in scores.items()}
        priorities = plan.priorities(values)
        rated = sum(v is not None for v in scores.values())
        results[subject] = (priorities, plan.overall(priorities), rated)
    return results
