"""A sensitivity analysis's result as plain JSON values (the ``--format json`` analysis)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from renewal_score.scoring import PRECISION

if TYPE_CHECKING:
    from renewal_score.sensitivity.analysis import SensitivityResult
    from renewal_score.sensitivity.robustness import Removal, WeightFlip
    from renewal_score.sensitivity.sobol import SobolIndices


def plain(value: float | np.floating[Any] | None) -> float | None:
    """A JSON-able float rounded to 4 decimals; None for NaN or None."""
    if value is None:
        return None
    number = float(value)
    if math.isnan(number):
        return None
    return round(number, PRECISION) + 0.0  # + 0.0 turns -0.0 into 0.0


def result_dict(result: SensitivityResult) -> dict[str, Any]:
    problem = result.problem
    return {
        "focus": problem.subjects[problem.focus],
        "manifest": dict(problem.manifest),
        "settings": _settings(result),
        "uncertainty": _uncertainty(result),
        "sensitivity": indices_dict(result.indices, result.outputs),
        "remove_one": [_removal(r, problem.priorities) for r in result.removals],
        "weight_flip": {
            "weights": [_flip(f) for f in result.flips],
            "smallest": None if result.smallest_flip is None else _flip(result.smallest_flip),
        },
        "warnings": list(result.warnings),
    }


def _settings(result: SensitivityResult) -> dict[str, Any]:
    settings, problem = result.settings, result.problem

    def options(group: str, values: Sequence[Any]) -> list[Any]:
        return list(values) if settings.varies(group) else list(values[:1])

    return {
        "samples": settings.samples,
        "seed": settings.seed,
        "vary": sorted(settings.vary),
        "weight_band": None if settings.dirichlet is not None else plain(settings.weight_band),
        "dirichlet": plain(settings.dirichlet),
        "methods": options("method", problem.methods),
        "grade_bars": options("bar", [plain(t) for t in problem.thresholds]),
        "grade_tables": options("table", problem.tables),
        "level_spacings": options("spacing", [plain(g) for g in problem.spacings]),
        "band_range": plain(settings.band_range),
        "target_range": plain(settings.target_range),
        "resamples": settings.resamples,
    }


def _uncertainty(result: SensitivityResult) -> dict[str, Any]:
    problem = result.problem

    def summary(s: int, j: int) -> dict[str, float | None]:
        return {
            "nominal": plain(result.nominal[s, j]),
            "median": plain(result.median[s, j]),
            "p05": plain(result.p05[s, j]),
            "p95": plain(result.p95[s, j]),
            "unrated": plain(result.unrated[s, j]),
        }

    first = result.first_frequency
    return {
        "subjects": {
            subject: {
                "overall": summary(s, len(problem.priorities)),
                "priorities": {p: summary(s, j) for j, p in enumerate(problem.priorities)},
            }
            for s, subject in enumerate(problem.subjects)
        },
        "top_recommendation": {
            "nominal": problem.priorities[result.nominal_top],
            "frequency": {
                p: plain(f) for p, f in zip(problem.priorities, result.top_frequency, strict=True)
            },
        },
        "ranked_first": None
        if first is None
        else {s: plain(f) for s, f in zip(problem.subjects, first, strict=True)},
    }


def indices_dict(indices: SobolIndices, outputs: Sequence[str]) -> dict[str, Any]:
    """Every output's variance and, per input, both indices with their intervals."""

    def pair(values: Any) -> list[float | None] | None:
        low, high = (plain(v) for v in values)
        return None if low is None or high is None else [low, high]

    def each(j: int) -> dict[str, Any]:
        return {
            name: {
                "first_order": plain(indices.first_order[j, i]),
                "first_order_interval": pair(indices.first_order_interval[j, i]),
                "total_effect": plain(indices.total_effect[j, i]),
                "total_effect_interval": pair(indices.total_effect_interval[j, i]),
            }
            for i, name in enumerate(indices.names)
        }

    return {
        "inputs": list(indices.names),
        "samples": indices.samples,
        "evaluations": indices.samples * (len(indices.names) + 2),
        "resamples": indices.resamples,
        "confidence": indices.confidence,
        "widest_interval": plain(indices.widest()),
        "outputs": {
            name: {"variance": plain(indices.variance[j]), "indices": each(j)}
            for j, name in enumerate(outputs)
        },
    }


def _removal(removal: Removal, priorities: Sequence[str]) -> dict[str, Any]:
    return {
        "criterion": removal.criterion,
        "priority": removal.priority,
        "priority_scores": {
            p: plain(v) for p, v in zip(priorities, removal.priority_scores, strict=True)
        },
        "overall": plain(removal.overall),
        "priority_changes": {
            p: plain(v) for p, v in zip(priorities, removal.priority_changes, strict=True)
        },
        "overall_change": plain(removal.overall_change),
        "top": removal.top,
        "top_changed": removal.top_changed,
    }


def _flip(flip: WeightFlip) -> dict[str, Any]:
    return {
        "input": flip.input,
        "kind": flip.kind,
        "item": flip.item,
        "change": plain(flip.change),
        "becomes_top": flip.becomes_top,
    }
