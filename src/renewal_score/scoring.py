"""The default criterion scorer: a rubric's reading and belief from graded evidence, or an
indicator's score from its latest observations.

Registered as a built-in plugin with ``trylast`` so that any plugin's ``score_criterion``
takes precedence. The rubric model is in ``belief`` (where the criterion stands, and how sure
we are); ``events`` turns records into the reports it reads. Formulas: docs/methodology.md.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from renewal_score.aggregation import arithmetic_mean, geometric_mean
from renewal_score.belief import Belief, moments_of, nearest_level, read
from renewal_score.events import Report, events_of, reports_of
from renewal_score.hookspecs import hookimpl
from renewal_score.method import ScoringContext
from renewal_score.models import Component, Criterion, Evidence, Indicator, Observation
from renewal_score.results import Assessment, TraceStep

PRECISION = 4
"""Decimal places kept in scores, so that reports are short and byte-stable."""

PROBABILITY_PRECISION = 6
"""Decimal places kept in probabilities."""

INDICATOR_GRID = tuple(float(v) for v in range(0, 101, 10))
"""Scores an indicator without a rubric may take when its measurements are wrong."""


def score_rubric(
    criterion: Criterion, evidence: Sequence[Evidence], context: ScoringContext
) -> Assessment:
    """A rubric criterion's reading, belief, concrete reading and say-do gap."""
    level_scores = criterion.level_scores(context.method.level_spacing)
    level_of = {level.id: index for index, level in enumerate(criterion.rubric)}
    reports = reports_of(evidence, level_of, context.method.supports())
    events = events_of(reports)
    belief = read(moments_of(events), level_scores)
    concrete = read(moments_of(events_of([r for r in reports if r.concrete])), level_scores)
    if belief.reading is None:
        return UNRATED
    level = criterion.rubric[nearest_level(belief.reading, level_scores)]
    return Assessment(
        score=_score(belief.reading),
        level=level.id,
        level_label=level.label,
        evidence=_deciders(belief),
        distribution=_distribution(belief.values),
        concrete_score=_score(concrete.reading) if concrete.reading is not None else 0.0,
        trace=tuple(
            TraceStep(
                date=dt.date.fromordinal(step.day),
                records=step.records,
                score=None if step.reading is None else _score(step.reading),
            )
            for step in belief.trace
        ),
    )


RubricContent = tuple[object, ...]
"""What ``score_rubric`` reads of a criterion and its records, labels left out."""


def content_of_reports(criterion: Criterion, reports: Sequence[Report]) -> RubricContent:
    """A key equal for two inputs to which ``score_rubric`` gives the same score and belief,
    from the reports of the criterion's records (``events.reports_of`` of the models, or
    ``readings.rubric_cases`` of the evidence columns), under one method's grade probabilities.

    The reading and the belief see a criterion only through its rubric's levels, and a
    record only as ``events.reports_of`` turns it into a report: its level, effect, kind and
    probability, which reports share an event or a source, and the order of their days. So
    record ids, event and source keys and the days themselves are replaced by the order in
    which they first appear (a canonical relabelling), which lets analyses of many subjects
    score each distinct case once. Only the evidence ids and dates of the assessment's trace
    differ between inputs with one key."""
    rank = {day: order for order, day in enumerate(sorted({r.day for r in reports}))}
    events: dict[str, int] = {}
    sources: dict[str, int] = {}
    records = tuple(
        (
            rank[r.day],
            r.level,
            r.setback,
            r.concrete,
            r.support,
            events.setdefault(r.event, len(events)),
            sources.setdefault(r.source, len(sources)),
        )
        for r in sorted(reports, key=lambda r: (r.day, r.level, r.setback, r.concrete, r.support))
    )
    return tuple(level.id for level in criterion.rubric), records


def _deciders(belief: Belief) -> tuple[str, ...]:
    """The records of the moments that moved the reading (as published, rounded)."""
    moved: list[str] = []
    before: float | None = None
    for step in belief.trace:
        after = None if step.reading is None else _score(step.reading)
        if after != before:
            moved.extend(step.records)
        before = after
    return tuple(moved)


def _score(value: float) -> float:
    return round(value, PRECISION)


def _distribution(values: Sequence[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    rounded = [(_score(v), round(p, PROBABILITY_PRECISION)) for v, p in values]
    return tuple((v, p) for v, p in rounded if p > 0)


def normalised(component: Component, value: float) -> float:
    """A measured value on [0, 1] between the component's goalposts, capped beyond them.

    With ``transform = "log"`` the logarithms of value and goalposts are used; with
    ``direction = "lower"`` the scale is reversed (1 at the lower goalpost).
    """
    low, high = component.goalposts
    if component.transform == "log":
        value, low, high = math.log(value), math.log(low), math.log(high)
    share = (min(max(value, low), high) - low) / (high - low)
    return share if component.direction == "higher" else 1.0 - share


def score_indicator(
    criterion: Criterion,
    indicator: Indicator,
    observations: Sequence[Observation],
    context: ScoringContext,
) -> Assessment:
    """Score a quantitative criterion from the latest observation of each component.

    score = 100 * combine_j(n_j), n_j the normalised latest value of component j, combined by
    the weighted arithmetic or geometric mean; unrated until every component is observed.
    The measurements hold with the probability of the weakest graded one; if they do not,
    any score on the criterion's scale is possible.
    """
    latest = {o.component: o for o in observations}  # observations come oldest first
    if any(c.id not in latest for c in indicator.components):
        return UNRATED
    values = [normalised(c, latest[c.id].value) for c in indicator.components]
    weights = [c.weight / sum(c.weight for c in indicator.components) for c in indicator.components]
    combine = arithmetic_mean if indicator.combine == "mean" else geometric_mean
    score = _score(100.0 * combine(values, weights))
    used = [latest[c.id] for c in indicator.components]
    holds = min(context.support(o.grade) for o in used)
    grid = (
        criterion.level_scores(context.method.level_spacing) if criterion.rubric else INDICATOR_GRID
    )
    spread: dict[float, float] = {score: holds}
    for value in grid:
        spread[_score(value)] = spread.get(_score(value), 0.0) + (1.0 - holds) / len(grid)
    level = None
    if criterion.rubric:
        level = criterion.rubric[
            nearest_level(score, criterion.level_scores(context.method.level_spacing))
        ]
    return Assessment(
        score=score,
        level=level.id if level else None,
        level_label=level.label if level else None,
        evidence=tuple(o.id for o in used),
        distribution=_distribution(sorted(spread.items())),
        concrete_score=score,
    )


UNRATED = Assessment(score=None, level=None, level_label=None, evidence=())


@hookimpl(trylast=True)
def score_criterion(
    criterion: Criterion,
    evidence: Sequence[Evidence],
    observations: Sequence[Observation],
    context: ScoringContext,
) -> Assessment:
    """Score any criterion: from its indicator's observations, or its rubric evidence."""
    if criterion.indicator is not None:
        return score_indicator(criterion, criterion.indicator, observations, context)
    if not evidence:
        return UNRATED
    return score_rubric(criterion, evidence, context)
