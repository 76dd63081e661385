"""The default criterion scorer: rubric levels from graded evidence, in date order.

Registered as a built-in plugin with ``trylast`` so that any plugin's ``score_criterion``
takes precedence. The formulas are stated in docs/methodology.md; in short, with the rubric's
levels scored s_0 = 0 ... s_{L-1} = 100 and each record i carrying a credibility weight
w_i = reliability(grade) x credibility(grade) in [0, 1]:

    x_0 = 0
    advance  to level s:  x_i = x_{i-1} + w_i * max(0, s - x_{i-1})    "at least s"
    setback  to level s:  x_i = x_{i-1} + w_i * (s - x_{i-1})           "back at s"

so each record moves the score a fraction w_i of the way to the level it shows (reading w_i
as the chance that the claim holds). An advance never lowers the score: a new declaration
does not undo an implementation. A setback says where the criterion stands after a fall,
so it pulls the score to that level from either side (a fall back to "declared" also shows
that the declaration was made). Later evidence supersedes earlier, and adding an advance
never lowers the final score, because every step is a non-decreasing function of the score
before it (1 - w_i >= 0).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from renewal_score.aggregation import arithmetic_mean, geometric_mean
from renewal_score.hookspecs import hookimpl
from renewal_score.models import (
    Assessment,
    Component,
    Contribution,
    Criterion,
    Evidence,
    Indicator,
    Observation,
    RubricLevel,
    ScoringContext,
)

PRECISION = 4
"""Decimal places kept in results, so that reports are short and byte-stable."""


def fold_evidence(
    criterion: Criterion, evidence: Sequence[Evidence], context: ScoringContext
) -> tuple[float, list[Contribution]]:
    """The criterion's score after applying each record in turn, and each record's delta."""
    score = 0.0
    contributions = []
    for record in evidence:
        weight = context.grade_weight(record.grade)
        target = criterion.level_score(criterion.level_index(record.level))
        if record.effect == "advance":
            new = score + weight * max(0.0, target - score)
        else:
            new = score + weight * (target - score)
        contributions.append(
            Contribution(
                evidence=record.id,
                delta=round(new - score, PRECISION),
                weight=round(weight, PRECISION),
            )
        )
        score = new
    return score, contributions


def claimed_level(criterion: Criterion, evidence: Sequence[Evidence]) -> int:
    """The rubric level the records show, grades aside: advances raise it, setbacks set it."""
    level = 0
    for record in evidence:
        index = criterion.level_index(record.level)
        level = max(level, index) if record.effect == "advance" else index
    return level


def noisy_or(weights: Sequence[float]) -> float:
    """Chance that at least one of independent claims holding with these probabilities holds."""
    doubt = 1.0
    for weight in weights:
        doubt *= 1.0 - weight
    return 1.0 - doubt


def declaratory_share(
    evidence: Sequence[Evidence | Observation], context: ScoringContext
) -> float | None:
    """Percentage of the grade-weighted evidence that is declaratory (None without weight).

    Observations are measurements, so concrete.
    """
    total = declared = 0.0
    for record in evidence:
        weight = context.grade_weight(record.grade)
        total += weight
        if record.kind == "declaratory":
            declared += weight
    return round(100.0 * declared / total, PRECISION) if total > 0 else None


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
    """
    latest = {o.component: o for o in observations}  # observations come oldest first
    if any(c.id not in latest for c in indicator.components):
        return _unrated(len(observations))
    values = [normalised(c, latest[c.id].value) for c in indicator.components]
    weights = [c.weight / sum(c.weight for c in indicator.components) for c in indicator.components]
    combine = arithmetic_mean if indicator.combine == "mean" else geometric_mean
    score = 100.0 * combine(values, weights)
    used = [latest[c.id] for c in indicator.components]
    level = _level_reached(criterion, score)
    return Assessment(
        score=round(score, PRECISION),
        level=level.id if level else None,
        level_label=level.label if level else None,
        evidence=tuple(o.id for o in used),
        contributions=(),
        evidence_count=len(observations),
        confidence=round(min(context.grade_weight(o.grade) for o in used), PRECISION),
        concrete_score=round(score, PRECISION),
        say_do_gap=0.0,
    )


def _level_reached(criterion: Criterion, score: float) -> RubricLevel | None:
    """The highest rubric level whose score the indicator reaches, if there is a rubric."""
    reached = [lv for i, lv in enumerate(criterion.rubric) if criterion.level_score(i) <= score]
    return reached[-1] if reached else None


def _unrated(count: int) -> Assessment:
    return Assessment(
        score=None, level=None, level_label=None, evidence=(), evidence_count=count, confidence=0.0
    )


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
        return _unrated(0)
    score, contributions = fold_evidence(criterion, evidence, context)
    concrete, _ = fold_evidence(criterion, [r for r in evidence if r.kind == "concrete"], context)
    level = criterion.rubric[claimed_level(criterion, evidence)]
    return Assessment(
        score=round(score, PRECISION),
        level=level.id,
        level_label=level.label,
        evidence=tuple(c.evidence for c in contributions if c.delta != 0),
        contributions=tuple(contributions),
        evidence_count=len(evidence),
        confidence=round(noisy_or([c.weight for c in contributions]), PRECISION),
        concrete_score=round(concrete, PRECISION),
        say_do_gap=declaratory_share(evidence, context),
    )
