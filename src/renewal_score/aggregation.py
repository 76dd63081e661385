"""Weights and aggregation: criterion scores into priority scores, priorities into the index.

Weights are normalised to sum to one within each group (a priority's criteria; the agenda's
priorities). Items that cannot be rated (no evidence) are left out and the weights of the
rest renormalised, the "available-case" treatment of missing data in the OECD/JRC Handbook.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from renewal_score.errors import DataError, Problem


def normalise(weights: Mapping[str, float], group: str) -> dict[str, float]:
    """Weights scaled to sum to one; DataError if they are all zero (nothing to aggregate)."""
    total = sum(weights.values())
    if weights and total <= 0:
        raise DataError([Problem(record=group, field="weight", message="all weights are zero")])
    return {key: value / total for key, value in weights.items()}


def weighted_mean(values: Sequence[float | None], weights: Sequence[float]) -> float | None:
    """Weighted arithmetic mean of the rated values (None is left out), or None if none is.

    sum_i w_i x_i / sum_i w_i over the i with a value.
    """
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None and w > 0]
    total = sum(w for _, w in pairs)
    if total <= 0:
        return None
    return sum(v * w for v, w in pairs) / total
