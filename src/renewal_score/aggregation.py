"""Weights and aggregation: criterion scores into priority scores, priorities into the index.

Weights are normalised to sum to one within each group (a priority's criteria; the agenda's
priorities). Items given no value (None) are left out and the weights of the rest
renormalised; which items are given a value is the method's rule for missing evidence
(``MethodSettings.unrated``).

Aggregators take values in [0, 100] and weights that sum to one, and return a value in
[0, 100]. The built-in ones are registered through the ``register_aggregations`` hook,
like a plugin's:

    arithmetic  sum_i w_i x_i                     compensatory (the default)
    geometric   prod_i x_i ** w_i                 partly compensatory; any 0 gives 0
    minimum     min_i x_i (over w_i > 0)          weakest link, not compensatory
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from renewal_score.errors import DataError, Problem
from renewal_score.hookspecs import hookimpl

Aggregator = Callable[[Sequence[float], Sequence[float]], float]
"""An aggregation method: (values, weights summing to 1) -> aggregate."""


def normalise(weights: Mapping[str, float], group: str) -> dict[str, float]:
    """Weights scaled to sum to one; DataError if they are all zero (nothing to aggregate)."""
    total = sum(weights.values())
    if weights and total <= 0:
        raise DataError([Problem(record=group, field="weight", message="all weights are zero")])
    return {key: value / total for key, value in weights.items()}


def arithmetic_mean(values: Sequence[float], weights: Sequence[float]) -> float:
    return math.fsum(v * w for v, w in zip(values, weights, strict=True))


def geometric_mean(values: Sequence[float], weights: Sequence[float]) -> float:
    if any(v <= 0 for v, w in zip(values, weights, strict=True) if w > 0):
        return 0.0
    return math.exp(math.fsum(w * math.log(v) for v, w in zip(values, weights, strict=True)))


def minimum(values: Sequence[float], weights: Sequence[float]) -> float:
    return min(v for v, w in zip(values, weights, strict=True) if w > 0)


@hookimpl
def register_aggregations() -> dict[str, Aggregator]:
    """The built-in aggregation methods."""
    return {"arithmetic": arithmetic_mean, "geometric": geometric_mean, "minimum": minimum}


def aggregate(
    combine: Aggregator, values: Sequence[float | None], weights: Sequence[float]
) -> float | None:
    """Aggregate the items given a value (None is left out) that have a positive weight,
    their weights renormalised; None when there is none."""
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None and w > 0]
    total = math.fsum(w for _, w in pairs)
    if total <= 0:
        return None
    return combine([v for v, _ in pairs], [w / total for _, w in pairs])


def aggregate_each(
    combine: Aggregator, columns: Sequence[Sequence[float | None]], weights: Sequence[float]
) -> list[float | None]:
    """``aggregate`` of each row of the columns (one column per item).

    An item missing (None) from every row is left out once, its weight shared by the rest;
    a built-in method then runs over whole columns, with the same float operations in the
    same order as on one row, so thousands of draws cost little more than one.
    """
    kept = [i for i, w in enumerate(weights) if w > 0 and any(v is not None for v in columns[i])]
    count = len(columns[0]) if columns else 0
    if any(None in columns[i] for i in kept):  # missing in some rows only: row by row
        return [aggregate(combine, row, weights) for row in zip(*columns, strict=True)]
    total = math.fsum(weights[i] for i in kept)
    if total <= 0:
        return [None] * count
    shared = [weights[i] / total for i in kept]
    present = [[v for v in columns[i] if v is not None] for i in kept]
    by_columns = COLUMNWISE.get(getattr(combine, "__wrapped__", combine))
    if by_columns is not None:
        return list(by_columns(present, shared))
    return [combine(list(row), shared) for row in zip(*present, strict=True)]


def _arithmetic_columns(
    columns: Sequence[Sequence[float]], weights: Sequence[float]
) -> list[float]:
    weighted = [list(map(w.__mul__, column)) for column, w in zip(columns, weights, strict=True)]
    return list(map(math.fsum, zip(*weighted, strict=True)))


def _geometric_columns(columns: Sequence[Sequence[float]], weights: Sequence[float]) -> list[float]:
    return [geometric_mean(row, weights) for row in zip(*columns, strict=True)]


def _minimum_columns(columns: Sequence[Sequence[float]], weights: Sequence[float]) -> list[float]:
    return list(map(min, *columns)) if len(columns) > 1 else list(columns[0])


COLUMNWISE: dict[object, Callable[[Sequence[Sequence[float]], Sequence[float]], list[float]]] = {
    arithmetic_mean: _arithmetic_columns,
    geometric_mean: _geometric_columns,
    minimum: _minimum_columns,
}
"""The built-in methods over whole columns, equal to them row by row to the bit."""
