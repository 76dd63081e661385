"""Evaluation: rows of settings -> each criterion's score -> priority scores, the overall
index, their statuses and the top recommendation, as the engine computes them (§8, §10),
through the array forms of its rules (``rules``)."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from renewal_score.plan import covered
from renewal_score.sensitivity.problem import SensitivityProblem
from renewal_score.sensitivity.rules import (
    BoolArray,
    FloatArray,
    IntArray,
    aggregate_rows,
    round_scores,
    status_codes,
    top_priorities,
)
from renewal_score.sensitivity.sampling import Parameters

CHUNK_VALUES = 2**21
"""Criterion values (rows x subjects x criteria x belief levels) decoded at a time."""


@dataclass(frozen=True, eq=False)
class Outcome:
    """What n evaluations give for s subjects."""

    priorities: FloatArray
    """[n, s, P]: each priority's score, rounded as the engine publishes it (NaN: none)."""
    overall: FloatArray
    """[n, s]: the overall index, from the rounded priority scores, rounded."""
    statuses: FloatArray
    """[n, s, P + 1]: each priority's status, then the index's, as ordinals of
    ``rules.STATUSES`` (NaN: cannot rate)."""
    top: IntArray
    """[n, s]: the index of the priority ranked first."""


class Evaluator:
    """Evaluations of a problem's settings, for any rows and subjects."""

    def __init__(self, problem: SensitivityProblem) -> None:
        self.problem = problem
        self.members = problem.members()
        self.combines = [problem.aggregators[m] for m in problem.methods]
        self.order: IntArray = np.argsort(np.argsort(np.array(problem.priorities))).astype(np.intp)
        rated = np.asarray(problem.rated)
        self.shown: BoolArray = np.stack(
            [self._covered(rated[..., m].sum(axis=-1), m.size) for m in self.members], axis=-1
        )
        """[V, S, P]: whether each priority has the coverage to be shown."""
        self.overall_shown = self._covered(rated.sum(axis=-1), rated.shape[-1])

    def _covered(self, rated: IntArray, total: int) -> BoolArray:
        """``plan.covered`` of each count of rated criteria."""
        flags = [covered(int(r), total, self.problem.method) for r in rated.ravel()]
        return np.array(flags, dtype=np.bool_).reshape(rated.shape)

    def evaluate(
        self, parameters: Parameters, subjects: slice, uniforms: FloatArray | None = None
    ) -> Outcome:
        """The outcome of each row for the subjects. Criterion scores: read from their
        beliefs at ``uniforms`` [n, s, C], or at the rows' own evidence inputs (the focus
        subject), or central when there are none."""
        lo, hi, _ = subjects.indices(len(self.problem.subjects))
        width = max(hi - lo, 0)
        if uniforms is None and parameters.evidence is not None:
            evidence = parameters.evidence[:, None, :]
            uniforms = np.broadcast_to(evidence, (len(parameters), width, evidence.shape[-1]))
        levels = 1 if self.problem.beliefs is None else self.problem.beliefs.values.shape[-1]
        step = max(1, CHUNK_VALUES // max(1, width * len(self.problem.criteria) * levels))
        parts = []
        for start in range(0, len(parameters), step):
            rows = slice(start, start + step)
            chunk = None if uniforms is None else uniforms[rows]
            parts.append(self._outcome(parameters.rows(rows), subjects, chunk))
        return Outcome(
            *(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Outcome))
        )

    def criterion_scores(
        self, variants: IntArray, subjects: slice, uniforms: FloatArray | None
    ) -> FloatArray:
        """[n, s, C]: each criterion's score, central or read from its belief."""
        beliefs = self.problem.beliefs
        if uniforms is None or beliefs is None:
            return np.asarray(self.problem.scores[variants, subjects], dtype=np.float64)
        return beliefs.decode(uniforms, variants, subjects)

    def _outcome(self, rows: Parameters, subjects: slice, uniforms: FloatArray | None) -> Outcome:
        values = self.criterion_scores(rows.variants, subjects, uniforms)
        n, s = values.shape[:2]
        priorities = np.empty((n, s, len(self.members)))
        overall = np.empty((n, s))
        for m in np.unique(rows.methods).tolist():
            chosen = np.flatnonzero(rows.methods == m)
            combine = self.combines[m]
            weights = rows.criterion_weights[chosen]
            for p, members in enumerate(self.members):
                priorities[chosen, :, p] = aggregate_rows(
                    combine, values[chosen][:, :, members], weights[:, members]
                )
            priorities[chosen] = round_scores(priorities[chosen])
            overall[chosen] = round_scores(
                aggregate_rows(combine, priorities[chosen], rows.priority_weights[chosen])
            )
        shown = self.shown[rows.variants, subjects]
        priorities[~shown] = np.nan  # computed, and aggregated, but not shown
        overall[~self.overall_shown[rows.variants, subjects]] = np.nan
        with np.errstate(invalid="ignore"):  # all zero (a flip's factor 0): no weights
            weights = rows.priority_weights / rows.priority_weights.sum(axis=1, keepdims=True)
        return Outcome(
            priorities=priorities,
            overall=overall,
            statuses=self._statuses(rows, priorities, overall, weights),
            top=top_priorities(
                priorities, shown, rows.targets, weights, self.order, self.problem.method.rank_by
            ),
        )

    def _statuses(
        self,
        rows: Parameters,
        priorities: FloatArray,
        overall: FloatArray,
        weights: FloatArray,
    ) -> FloatArray:
        """Each priority's status and the index's, against its target (the index's: the
        priorities' targets weighted), 'cannot rate' without the coverage to be shown."""
        bands = rows.bands[:, None, :]
        targets = rows.targets[:, None, :]
        each = status_codes(priorities, targets, bands[:, :, None, :])
        target = round_scores((weights * rows.targets).sum(axis=1))[:, None]
        index = status_codes(overall, target, bands)
        return np.concatenate([each, index[..., None]], axis=-1)
