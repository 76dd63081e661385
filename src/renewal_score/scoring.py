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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from renewal_score.aggregation import arithmetic_mean, geometric_mean
from renewal_score.hookspecs import hookimpl
from renewal_score.models import (
    Assessment,
    Component,
    Criterion,
    Evidence,
    Indicator,
    Observation,
    RubricLevel,
    ScoringContext,
)

PRECISION = 4
"""Decimal places kept in results, so that reports are short and byte-stable."""


@dataclass
class Fold:
    """The state of a criterion after applying records in order (see the module docstring)."""

    score: float = 0.0
    concrete_score: float = 0.0
    level: int = 0
    doubt: float = 1.0
    """Product of (1 - w_i): the chance that none of the claims holds."""
    deciders: list[str] = field(default_factory=list)
    deltas: list[float] = field(default_factory=list)


Step = tuple[float, int, bool, bool, str]
"""One record as the fold reads it: grade weight, rubric level index, advance (else setback),
concrete (else declaratory), id."""


def steps_of(
    criterion: Criterion, evidence: Iterable[Evidence], context: ScoringContext
) -> Iterator[Step]:
    """The records of a criterion as fold steps."""
    level_of = {level.id: index for index, level in enumerate(criterion.rubric)}
    grade_weights = context.grade_weights()
    for record in evidence:
        yield (
            grade_weights[record.grade],
            level_of[record.level],
            record.effect == "advance",
            record.kind == "concrete",
            record.id,
        )


def fold_evidence(criterion: Criterion, steps: Iterable[Step]) -> Fold:
    """Apply each record in turn: the score, the score from concrete records alone, the level
    claimed (grades aside: advances raise it, setbacks set it), and the records that moved
    the score (deltas rounded to PRECISION; records that moved nothing are left out)."""
    level_scores = [criterion.level_score(index) for index in range(len(criterion.rubric))]
    state = Fold()
    for weight, index, advance, concrete, record_id in steps:
        target = level_scores[index]
        new = _step(state.score, target, weight, advance)
        if concrete:
            state.concrete_score = _step(state.concrete_score, target, weight, advance)
        state.level = max(state.level, index) if advance else index
        state.doubt *= 1.0 - weight
        delta = round(new - state.score, PRECISION)
        if delta != 0:
            state.deciders.append(record_id)
            state.deltas.append(delta)
        state.score = new
    return state


def _step(score: float, target: float, weight: float, advance: bool) -> float:
    if advance:
        return score + weight * max(0.0, target - score)
    return score + weight * (target - score)


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
    state = fold_evidence(criterion, steps_of(criterion, evidence, context))
    level = criterion.rubric[state.level]
    return Assessment(
        score=round(state.score, PRECISION),
        level=level.id,
        level_label=level.label,
        evidence=tuple(state.deciders),
        deltas=tuple(state.deltas),
        evidence_count=len(evidence),
        confidence=round(1.0 - state.doubt, PRECISION),
        concrete_score=round(state.concrete_score, PRECISION),
        say_do_gap=declaratory_share(evidence, context),
    )
