"""One choice at a time, at the nominal settings: the scores as the engine computes them, each
criterion removed in turn, and the smallest change of one weight that changes the top
recommendation."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from renewal_score.aggregation import normalise
from renewal_score.plan import Plan
from renewal_score.sensitivity.evaluate import Evaluator
from renewal_score.sensitivity.rules import FloatArray, IntArray
from renewal_score.sensitivity.sampling import Inputs
from renewal_score.standing import Standing

FLIP_RANGE = (0.0, 10.0)
"""The factors by which a single weight is scaled in the search for a flip."""
FLIP_ROWS = 20_000
"""Rows of the flip search evaluated at a time."""


@dataclass(frozen=True)
class Nominal:
    """A subject's scores at the nominal settings, by the engine's own plan and ranking
    (NaN: not shown), and the index of the priority ranked first."""

    priorities: tuple[float, ...]
    overall: float
    top: int


@dataclass(frozen=True)
class Removal:
    """The focus subject at nominal settings without one criterion (NaN: no score)."""

    criterion: str
    priority: str
    priority_scores: tuple[float, ...]
    overall: float
    priority_changes: tuple[float, ...]
    overall_change: float
    top: str
    top_changed: bool


@dataclass(frozen=True)
class WeightFlip:
    """The smallest change of one weight that changes the focus subject's top recommendation.

    ``change`` is f - 1 for the weight scaled by f; None (and ``becomes_top`` None) when no
    factor in FLIP_RANGE changes it.
    """

    input: str
    kind: Literal["criterion", "priority"]
    item: str
    change: float | None
    becomes_top: str | None


def nominal(evaluator: Evaluator, subject: int, criterion_weights: Sequence[float]) -> Nominal:
    """The subject's scores under the nominal variant and method, with the criterion
    weights given, computed by ``plan.Plan`` and ranked by ``Standing.ranked``."""
    problem = evaluator.problem
    combine = problem.aggregators[problem.methods[0]]
    within = {
        problem.priorities[p]: _shares({problem.criteria[c]: criterion_weights[c] for c in m})
        for p, m in enumerate(evaluator.members)
    }
    weights = _shares(dict(zip(problem.priorities, problem.priority_weights.tolist(), strict=True)))
    plan = Plan(weights, within, combine, combine)
    scores = problem.scores[0, subject].tolist()
    central = plan.priorities(
        {c: None if math.isnan(v) else v for c, v in zip(problem.criteria, scores, strict=True)}
    )
    shown = dict(zip(problem.priorities, evaluator.shown[0, subject].tolist(), strict=True))
    standing = Standing(
        targets=dict(zip(problem.priorities, problem.targets.tolist(), strict=True)),
        weights=weights,
        rated={},
        shown=shown,
        central=central,
        overall=plan.overall(central),
        draws={},
        criterion_draws={},
        overall_draws=[],
        top_shares={},
    )
    visible = {p: central[p] if shown[p] else None for p in central}
    top = standing.ranked(visible, problem.method.rank_by)[0]
    overall = standing.overall if evaluator.overall_shown[0, subject] else None
    return Nominal(
        priorities=tuple(_number(visible[p]) for p in problem.priorities),
        overall=_number(overall),
        top=problem.priorities.index(top),
    )


def _shares(weights: dict[str, float]) -> dict[str, float]:
    """``aggregation.normalise``, except that weights all zero (one criterion removed from a
    priority of one) stay zero, and the group then has no score."""
    if sum(weights.values()) <= 0:
        return dict.fromkeys(weights, 0.0)
    return normalise(weights, "weights")


def _number(value: float | None) -> float:
    return math.nan if value is None else value


def removals(evaluator: Evaluator, before: Nominal) -> tuple[Removal, ...]:
    """The focus subject with each criterion's weight set to 0 in turn."""
    problem = evaluator.problem
    found = []
    for c, criterion in enumerate(problem.criteria):
        weights = problem.criterion_weights.tolist()
        weights[c] = 0.0
        after = nominal(evaluator, problem.focus, weights)
        changes = np.array(after.priorities) - np.array(before.priorities)
        found.append(
            Removal(
                criterion=criterion,
                priority=problem.priorities[problem.membership[c]],
                priority_scores=after.priorities,
                overall=after.overall,
                priority_changes=tuple(changes.tolist()),
                overall_change=after.overall - before.overall,
                top=problem.priorities[after.top],
                top_changed=after.top != before.top,
            )
        )
    return tuple(found)


def _grid() -> FloatArray:
    """Factors from 0 to 10 in steps of 0.005, and near 1 on a logarithmic scale."""
    low, high = FLIP_RANGE
    grid = np.unique(
        np.concatenate(
            [
                np.linspace(low, high, 2001),
                1.0 - np.logspace(-4, 0, 41),
                1.0 + np.logspace(-4, math.log10(high - 1.0), 81),
                [1.0],
            ]
        )
    )
    return grid[(grid >= low) & (grid <= high)]


class _Tops:
    """The focus subject's top recommendation with one weight scaled, at nominal settings."""

    def __init__(self, evaluator: Evaluator, inputs: Inputs) -> None:
        self.evaluator = evaluator
        self.inputs = inputs
        problem = evaluator.problem
        self.nominal = np.concatenate([problem.criterion_weights, problem.priority_weights])
        self.focus = slice(problem.focus, problem.focus + 1)

    def __call__(self, which: IntArray, factors: FloatArray) -> IntArray:
        rows = which.size
        c_count = len(self.evaluator.problem.criteria)
        weights = np.repeat(self.nominal[None, :], rows, axis=0)
        weights[np.arange(rows), which] *= factors
        parameters = replace(
            self.inputs.nominal(rows),
            criterion_weights=weights[:, :c_count],
            priority_weights=weights[:, c_count:],
        )
        tops = [
            self.evaluator.evaluate(parameters.rows(slice(a, a + FLIP_ROWS)), self.focus).top[:, 0]
            for a in range(0, rows, FLIP_ROWS)
        ]
        return np.concatenate(tops) if tops else np.zeros(0, dtype=np.intp)


def flips(evaluator: Evaluator, inputs: Inputs) -> tuple[WeightFlip, ...]:
    """Per weight, the factor nearest 1 that changes the focus subject's top recommendation:
    the flipping grid point nearest 1 on each side, bisected towards its neighbour."""
    problem = evaluator.problem
    tops = _Tops(evaluator, inputs)
    grid = _grid()
    one = int(np.flatnonzero(grid == 1.0)[0])
    candidates = np.flatnonzero(tops.nominal > 0)
    base = int(tops(np.zeros(1, dtype=np.intp), np.ones(1))[0])
    flipped = tops(np.repeat(candidates, grid.size), np.tile(grid, candidates.size))
    flipped = flipped.reshape(candidates.size, grid.size) != base
    owners, ok, flip = [], [], []
    for row in range(candidates.size):
        below = np.flatnonzero(flipped[row, :one])
        above = np.flatnonzero(flipped[row, one + 1 :]) + one + 1
        if below.size:
            owners.append(row)
            flip.append(grid[below[-1]])
            ok.append(grid[below[-1] + 1])
        if above.size:
            owners.append(row)
            flip.append(grid[above[0]])
            ok.append(grid[above[0] - 1])
    found = _bisected(tops, candidates[np.array(owners, dtype=np.intp)], ok, flip, base)
    result = []
    ids = [
        *(("criterion", c) for c in problem.criteria),
        *(("priority", p) for p in problem.priorities),
    ]
    for index, (kind, item) in enumerate(ids):
        change, winner = found.get(index, (None, None))
        result.append(
            WeightFlip(
                input=f"{kind}_weight:{item}",
                kind="criterion" if kind == "criterion" else "priority",
                item=item,
                change=change,
                becomes_top=None if winner is None else problem.priorities[winner],
            )
        )
    return tuple(result)


def _bisected(
    tops: _Tops, who: IntArray, ok_points: list[float], flip_points: list[float], base: int
) -> dict[int, tuple[float, int]]:
    """Per weight, the boundary nearest 1 between factors that keep and that change the top
    (up to 64 halvings), and the priority that becomes top there."""
    found: dict[int, tuple[float, int]] = {}
    if not who.size:
        return found
    ok, flip = np.array(ok_points), np.array(flip_points)
    for _ in range(64):
        middle = 0.5 * (ok + flip)
        if not np.any((middle != ok) & (middle != flip)):
            break
        changed = tops(who, middle) != base
        flip = np.where(changed, middle, flip)
        ok = np.where(changed, ok, middle)
    winners = tops(who, flip)
    for weight, factor, winner in zip(who.tolist(), flip.tolist(), winners.tolist(), strict=True):
        change = factor - 1.0
        if weight not in found or abs(change) < abs(found[weight][0]):
            found[weight] = (change, winner)
    return found
