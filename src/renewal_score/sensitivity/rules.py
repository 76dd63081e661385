"""The engine's rules in numpy form, for many rows of settings at once.

Each function here implements one rule of the engine for arrays, and names it; the engine's
function stays the reference, and tests/test_sensitivity_rules.py pins each form to it with
property tests. Nothing else in the analysis aggregates, rounds, ranks or gives a status.

    round_scores      Python's round(x, 4)              scores as the engine publishes them
    aggregate_rows    aggregation.aggregate             over rows, with a method's ARRAY_FORMS
    status_codes      standing.status_of                statuses as ordinals
    top_priorities    standing.Standing.ranked          the priority ranked first
    order_statistics  uncertainty.interval              the p-th value of equally likely ones
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from renewal_score.aggregation import (
    Aggregator,
    aggregate,
    arithmetic_mean,
    geometric_mean,
    minimum,
)
from renewal_score.method import RankBy
from renewal_score.results import Status
from renewal_score.scoring import PRECISION
from renewal_score.uncertainty import _rank  # the engine's rule for an interval's bounds

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

_SCALE = 10.0**PRECISION

STATUSES: tuple[Status, ...] = ("stalled", "signs of progress", "on track", "achieved")
"""Statuses as ordinals (their index); 'cannot rate' has none (NaN)."""


def round_scores(values: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """``round(x, 4)`` of every element, exactly as Python rounds floats (NaN stays NaN).

    Python rounds the exact binary value of x: k = x * 10**4 rounded to the nearest integer,
    halves to even, then returns the float nearest k / 10**4. ``np.round`` rounds the
    floating-point product instead, which differs when the product lands on a half; there the
    sign of the product's rounding error (Dekker's exact product) decides.
    """
    scaled = np.multiply(values, _SCALE)
    nearest = np.rint(scaled, out=out)
    np.subtract(scaled, nearest, out=scaled)  # within [-0.5, 0.5]; NaN for NaN
    if scaled.size and (
        np.nanmax(scaled, initial=0.0) == 0.5 or np.nanmin(scaled, initial=0.0) == -0.5
    ):
        where = np.nonzero(np.abs(scaled) == 0.5)
        x = values[where]
        product = x * _SCALE
        split = x * 134217729.0  # Veltkamp split: 2**27 + 1
        high = split - (split - x)
        low = x - high
        error = (high * _SCALE - product) + low * _SCALE  # x * 10**4 - product, exactly
        floor = np.floor(product)
        nearest[where] = np.where(error > 0, floor + 1, np.where(error < 0, floor, nearest[where]))
    result: FloatArray = np.divide(nearest, _SCALE, out=nearest)
    return result


ArrayForm = Callable[[FloatArray, FloatArray, BoolArray], FloatArray]
"""A method over rows: (values [..., m] with 0 where absent, weights [..., m] summing to 1
over the present items, present [..., m]) -> aggregate [...]."""


def _arithmetic(values: FloatArray, weights: FloatArray, present: BoolArray) -> FloatArray:
    result: FloatArray = (values * weights).sum(axis=-1)
    return result


def _geometric(values: FloatArray, weights: FloatArray, present: BoolArray) -> FloatArray:
    positive = np.where(present & (values > 0), values, 1.0)
    result: FloatArray = np.exp((weights * np.log(positive)).sum(axis=-1))
    result[(present & (values <= 0)).any(axis=-1)] = 0.0
    return result


def _minimum(values: FloatArray, weights: FloatArray, present: BoolArray) -> FloatArray:
    result: FloatArray = np.where(present, values, np.inf).min(axis=-1)
    return result


ARRAY_FORMS: dict[object, ArrayForm] = {
    arithmetic_mean: _arithmetic,
    geometric_mean: _geometric,
    minimum: _minimum,
}
"""The built-in methods over rows, keyed by the engine's functions; a plugin's method has
none and is called row by row through ``aggregation.aggregate``."""


def array_form(combine: Aggregator) -> ArrayForm | None:
    """The numpy form of a method (seen through the plugin host's wrapper), if it has one."""
    return ARRAY_FORMS.get(getattr(combine, "__wrapped__", combine))


def aggregate_rows(combine: Aggregator, values: FloatArray, weights: FloatArray) -> FloatArray:
    """``aggregation.aggregate`` of every row: values [n, s, m] (NaN: left out), weights [n, m]
    (>= 0, any scale) -> [n, s], NaN where no item with a positive weight has a value.

    Items with a value and a positive weight take part, their weights renormalised."""
    w = np.broadcast_to(weights[:, None, :], values.shape)
    form = array_form(combine)
    if form is None:
        return _row_by_row(combine, values, w, ~np.isnan(values) & (w > 0))
    if np.isnan(values).any():
        present = ~np.isnan(values) & (w > 0)
        share = np.where(present, w, 0.0)
        values = np.where(present, values, 0.0)
    else:  # every item has a value: the weights are the same for every subject
        present = np.broadcast_to(weights[:, None, :] > 0, values.shape)
        share = weights[:, None, :]
    total = share.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = form(values, share / total[..., None], present)
    result[np.broadcast_to(total <= 0, result.shape)] = np.nan
    return result


def _row_by_row(
    combine: Aggregator, values: FloatArray, weights: FloatArray, present: BoolArray
) -> FloatArray:
    result = np.full(values.shape[:-1], np.nan)
    for index in np.ndindex(*values.shape[:-1]):
        row = [float(v) if p else None for v, p in zip(values[index], present[index], strict=True)]
        found = aggregate(combine, row, weights[index].tolist())
        if found is not None:
            result[index] = found
    return result


def status_codes(scores: FloatArray, targets: FloatArray, bands: FloatArray) -> FloatArray:
    """``standing.status_of`` as the index of the status in ``STATUSES`` (NaN: cannot rate),
    for scores [...] with targets and bands (on track, signs of progress) [..., 2] alike."""
    code = np.where(
        scores >= targets,
        3.0,
        np.where(scores >= bands[..., 0], 2.0, np.where(scores >= bands[..., 1], 1.0, 0.0)),
    )
    code[np.isnan(scores)] = np.nan
    return code


def top_priorities(
    scores: FloatArray,
    shown: BoolArray,
    targets: FloatArray,
    weights: FloatArray,
    order: IntArray,
    rank_by: RankBy,
) -> IntArray:
    """``Standing.ranked(...)[0]`` of every row: the index of the priority ranked first.

    scores [n, s, P] (rounded), shown [n, s, P], targets and normalised weights [n, P],
    ``order`` the rank of each priority's id. Urgency: the gap (times the weight with
    ``weighted-gap``), -1 when not shown or without a score; then larger weight, then id.
    """
    gap = round_scores(np.maximum(0.0, targets[:, None, :] - scores))
    if rank_by == "weighted-gap":
        gap = gap * weights[:, None, :]
    urgency = np.where(shown & ~np.isnan(scores), gap, -1.0)
    candidate = urgency == urgency.max(axis=-1, keepdims=True)
    weight = np.where(candidate, weights[:, None, :], -np.inf)
    candidate &= weight == weight.max(axis=-1, keepdims=True)
    chosen: IntArray = np.argmin(np.where(candidate, order, len(order)), axis=-1)
    return chosen


def order_statistics(rows: FloatArray, shares: Sequence[float]) -> FloatArray:
    """For each row of equally likely values [g, N] (NaN: no value), the value of each share
    as ``uncertainty.interval`` takes it: the smallest whose cumulative share reaches it.
    Returns [len(shares), g]; NaN for a row without values. ``rows`` is reordered."""
    g, n = rows.shape
    counts = n - np.isnan(rows).sum(axis=1)
    if np.all(counts == n) and n:
        ranks = sorted({_rank(share, n) for share in shares})
        rows.partition(ranks, axis=1)
        return np.stack([rows[:, _rank(share, n)] for share in shares])
    rows.sort(axis=1)  # NaN last
    result = np.full((len(shares), g), np.nan)
    for i, count in enumerate(counts.tolist()):
        if count:
            result[:, i] = [rows[i, _rank(share, count)] for share in shares]
    return result
